#!/usr/bin/env python3
"""Audit throughput (docs/s/core) beside datatrove's stock JsonlReader -> JsonlWriter, and the
audit's peak RSS at 20k and 200k documents (streaming: it must not grow with the corpus).

    nice -n 10 .venv/bin/python bench/audit_throughput.py [--n 20000] [--big 200000]
        [--classifier NAME] [--skip-big] [--stages] [--out bench/out/audit]

The corpus is the project's standard benchmark corpus, generated at bench time by
``../shared/bench/make_docs.py OUT --n N`` (synthetic ~3 KB documents, not committed). The
200k corpus is the 20k file repeated (ids repeat; every record is read and annotated again).

Every measurement runs in its own child process, one task on one core (datatrove's local
executor, one worker), on the same uncompressed JSONL file:

- ``curate audit``: the full job — ShardReader, hash + lengths, lexicon, MinHash signatures
  (and a classifier only when --classifier is given), AuditWriter, DuckDB load, accounting check;
- the same without MinHash (``--no-minhash``);
- datatrove ``JsonlReader -> JsonlWriter`` with JsonlWriter's defaults (gzip output), and with
  ``compression=None`` (just parse and re-serialize): the floor of any datatrove pipeline.

``--stages`` also profiles the audit per stage: the same pipeline cut after each block, each cut in
its own child on the same file (reader only; + hash and lengths; + lexicon; + MinHash; + writer;
the whole ``run_audit``), so a stage's CPU time is the difference between two cuts (the import
time of the modules is measured apart).

docs/s/core = documents / CPU seconds (user + sys) of the child; wall-clock docs/s is printed too
(on a shared machine wall time depends on the neighbours, CPU time much less). Peak RSS is the
child's ru_maxrss. Results are printed as a table with ratios against the datatrove peer measured
in the same run, and written to ``<out>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"


def _usage() -> tuple[float, int]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime, max(ru.ru_maxrss, ch.ru_maxrss)


def child(kind: str, src: str, work: str, classifier: str | None) -> None:
    """Run one measurement in this process; print one JSON line."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if classifier:
        import torch

        torch.set_num_threads(1)
    t0, c0 = time.perf_counter(), _usage()[0]
    n = 0
    stages = None
    if kind.startswith("curate"):
        from curate.audit.run import resolve_config, run_audit

        data = {
            "workspace": work,
            "inputs": {"paths": [src]},
            "steps": {
                "minhash": {"enabled": kind == "curate"},
                "classifiers": {"names": [classifier] if classifier else []},
            },
            "progress": False,
        }
        res = run_audit(resolve_config(data, Path.cwd(), "bench"))
        n = res.counts["docs"] + res.counts["errors"]
        stages = json.loads(res.manifest.read_text())["max_rss_mb"]
    else:
        from datatrove.executor.local import LocalPipelineExecutor
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter
        from datatrove.utils.logging import logger

        logger.remove()
        src_dir, name = os.path.split(src)
        writer = (
            JsonlWriter(f"{work}/out")
            if kind == "datatrove_gzip"
            else JsonlWriter(f"{work}/out", compression=None)
        )
        ex = LocalPipelineExecutor(
            [JsonlReader(src_dir, glob_pattern=name), writer],
            tasks=1,
            workers=1,
            logging_dir=f"{work}/logs",
        )
        stats = ex.run()
        n = int(stats.stats[0].stats["documents"].total)
    cpu, rss = _usage()
    print(
        json.dumps(
            {
                "kind": kind,
                "docs": n,
                "wall_s": time.perf_counter() - t0,
                "cpu_s": cpu - c0,
                "max_rss_mb": rss / 1024,
                "max_rss_mb_after_annotate": stages["annotate"] if stages else None,
            }
        )
    )


STAGE_CUTS = ("read", "hash", "lexicon", "minhash", "writer", "audit")


def stage_child(cut: str, src: str, work: str) -> None:
    """One cut of the audit pipeline (`STAGE_CUTS`) on `src`; prints its CPU seconds."""
    t0 = time.process_time()
    import datatrove.executor.local  # noqa: F401  (what an audit imports, timed apart)

    from curate.audit.lexicons import load_lexicon
    from curate.audit.read import InputConfig, ShardReader
    from curate.audit.run import resolve_config, run_audit
    from curate.audit.steps.annotate import TextAnnotator
    from curate.audit.steps.writer import AuditWriter
    from curate.minhash import MinHashConfig

    imports = time.process_time() - t0
    k = STAGE_CUTS.index(cut)
    lex = "malicious_character_v1"
    if k >= 2:
        load_lexicon(lex)  # compiled before the clock starts, as check_names does in a run
    t1 = time.process_time()
    if cut == "audit":
        cfg = {"workspace": work, "inputs": {"paths": [src]}, "progress": False}
        run_audit(resolve_config(cfg, Path.cwd(), "bench"))
    else:
        steps: list = [ShardReader([src], InputConfig(paths=(src,)))]
        if k >= 1:
            steps.append(
                TextAnnotator(
                    lexicon=lex if k >= 2 else None, minhash=MinHashConfig() if k >= 3 else None
                )
            )
        if k >= 4:
            cats = load_lexicon(lex).categories
            steps.append(AuditWriter(work, "bench", lex_categories=cats, minhash=True))
        data = None
        for step in steps:
            data = step.run(data, 0, 1)
        for _ in data:
            pass
    print(json.dumps({"cut": cut, "imports_s": imports, "cpu_s": time.process_time() - t1}))


def stages(src: Path, out: Path) -> dict:
    """CPU seconds of each stage of the audit (differences of successive cuts)."""
    cuts = {}
    for cut in STAGE_CUTS:
        work = out / f"work_stage_{cut}"
        shutil.rmtree(work, ignore_errors=True)
        p = subprocess.run(
            [sys.executable, __file__, "--_stage", cut, str(src), str(work)],
            capture_output=True,
            text=True,
        )
        if p.returncode != 0:
            sys.exit(f"stage {cut} failed:\n{p.stderr[-3000:]}")
        cuts[cut] = json.loads(p.stdout.strip().splitlines()[-1])
        shutil.rmtree(work, ignore_errors=True)
    names = {
        "read": "read + parse (ShardReader)",
        "hash": "exact hash + lengths",
        "lexicon": "lexicon (word hashes, gates, scans)",
        "minhash": "MinHash (shingles, permutations)",
        "writer": "writer (Arrow batches, Parquet)",
        "audit": "store load, accounting, manifest, executor",
    }
    rows = {"imports": cuts["read"]["imports_s"]}
    prev = 0.0
    for cut in STAGE_CUTS:
        rows[names[cut]] = cuts[cut]["cpu_s"] - prev
        prev = cuts[cut]["cpu_s"]
    return rows


def measure(kind: str, src: Path, out: Path, classifier: str | None) -> dict:
    work = out / f"work_{kind}_{src.parent.name}"
    shutil.rmtree(work, ignore_errors=True)
    cmd = [sys.executable, __file__, "--_child", kind, str(src), str(work)]
    if classifier:
        cmd += ["--classifier", classifier]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{kind} failed:\n{p.stderr[-3000:]}")
    r = json.loads(p.stdout.strip().splitlines()[-1])
    shutil.rmtree(work, ignore_errors=True)
    return r


def corpus(out: Path, n: int) -> Path:
    d = out / f"n{n}"
    f = d / "docs.jsonl"
    if not f.is_file():
        if not MAKE_DOCS.is_file():
            sys.exit(f"{MAKE_DOCS} not found: the benchmark corpus generator lives beside the repo")
        subprocess.run([sys.executable, str(MAKE_DOCS), str(d), "--n", str(n)], check=True)
        (d / "docs.jsonl.gz").unlink(missing_ok=True)
    return f


def repeated(base: Path, out: Path, times: int, n: int) -> Path:
    d = out / f"n{n}"
    f = d / "docs.jsonl"
    if not f.is_file():
        d.mkdir(parents=True, exist_ok=True)
        with f.open("wb") as w:
            for _ in range(times):
                with base.open("rb") as r:
                    shutil.copyfileobj(r, w, 1 << 20)
    return f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--big", type=int, default=200_000)
    ap.add_argument("--skip-big", action="store_true", help="skip the 200k RSS measurement")
    ap.add_argument("--classifier", help="also score with this registered classifier")
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "audit"))
    ap.add_argument("--stages", action="store_true", help="also profile the audit per stage")
    ap.add_argument("--_child", nargs=3, metavar=("KIND", "SRC", "WORK"), help=argparse.SUPPRESS)
    ap.add_argument("--_stage", nargs=3, metavar=("CUT", "SRC", "WORK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        child(*args._child, args.classifier)
        return
    if args._stage:
        stage_child(*args._stage)
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    small = corpus(out, args.n)
    kinds = ["datatrove_plain", "datatrove_gzip", "curate_nominhash", "curate"]
    results = {}
    for k in kinds:
        print(f"measuring {k} on {args.n} docs ...", file=sys.stderr, flush=True)
        results[k] = measure(k, small, out, args.classifier)
    big = None
    if not args.skip_big:
        times = max(1, args.big // args.n)
        bigf = repeated(small, out, times, args.n * times)
        print(f"measuring curate on {args.n * times} docs ...", file=sys.stderr, flush=True)
        big = measure("curate", bigf, out, args.classifier)
        bigf.unlink()

    peer = results["datatrove_plain"]
    print(
        f"\nAudit throughput: {args.n} synthetic ~3 KB docs (make_docs.py), one task on one core; "
        f"classifier: {args.classifier or 'none'}"
    )
    print(
        f"{'pipeline':<42} {'docs/s/core':>12} {'wall docs/s':>12} {'vs datatrove':>13} {'peak RSS':>10}"
    )
    labels = {
        "datatrove_plain": "datatrove JsonlReader->JsonlWriter (no gz)",
        "datatrove_gzip": "datatrove JsonlReader->JsonlWriter (gzip)",
        "curate_nominhash": "curate audit, no MinHash",
        "curate": "curate audit (hash, lexicon, MinHash)",
    }
    for k in kinds:
        r = results[k]
        dps = r["docs"] / r["cpu_s"]
        print(
            f"{labels[k]:<42} {dps:>12.0f} {r['docs'] / r['wall_s']:>12.0f} "
            f"{dps / (peer['docs'] / peer['cpu_s']):>12.2f}x {r['max_rss_mb']:>8.0f}MB"
        )
    if big:
        s = results["curate"]
        print(
            f"\nPeak RSS of curate audit (hash, lexicon, MinHash; {big['docs'] / big['cpu_s']:.0f}"
            f" docs/s/core at {big['docs']} docs):"
        )
        print(f"{'docs':>8} {'after annotate':>15} {'after store load':>17}")
        for r in (s, big):
            print(
                f"{r['docs']:>8} {r['max_rss_mb_after_annotate']:>13.0f}MB {r['max_rss_mb']:>15.0f}MB"
            )
        print(
            f"ratio {big['docs']}/{s['docs']} docs: annotate {big['max_rss_mb_after_annotate'] / s['max_rss_mb_after_annotate']:.2f}, "
            f"total {big['max_rss_mb'] / s['max_rss_mb']:.2f}"
        )
    profile = None
    if args.stages:
        print("profiling the audit per stage ...", file=sys.stderr, flush=True)
        profile = stages(small, out)
        total = sum(profile.values())
        print(f"\nPer-stage CPU of the audit ({args.n} docs, no classifier; differences of cuts):")
        print(f"{'stage':<46} {'CPU s':>7} {'us/doc':>8} {'share':>6}")
        for name, sec in profile.items():
            print(f"{name:<46} {sec:>7.2f} {sec / args.n * 1e6:>8.1f} {sec / total:>6.0%}")
        print(f"{'total':<46} {total:>7.2f} {total / args.n * 1e6:>8.1f}")
    (out / "results.json").write_text(
        json.dumps(
            {
                "n": args.n,
                "classifier": args.classifier,
                "results": results,
                "big": big,
                "stages": profile,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
