#!/usr/bin/env python3
"""What a classifier costs `curate audit`, per CPU second, on the standard 3 KB benchmark documents.

    nice -n 10 .venv/bin/python bench/classifier_speed.py [--n 20000]
        [--classifier malicious_character_v2] [--reference malicious_character_v1]
        [--reference-n 1000] [--out bench/out/classifier_speed]

The corpus is generated at bench time by ``../shared/bench/make_docs.py OUT --n N`` (synthetic
~3 KB documents, seed 42; not committed). In one run, every measurement in its own child process
with one thread per math library (`ONE_THREAD`: torch's, numpy's BLAS; so CPU seconds are per core):

- ``audit``: `curate audit` as `bench/audit_throughput.py` runs it (hash, lengths, lexicon,
  MinHash, writer, store load; one task, one worker) with no classifier, then with `--classifier`
  (default v2). docs/s/core = documents / child CPU seconds (user + sys), so the figures include
  the audit's fixed costs (imports, loading the models, the store load). The ratio with / without
  is the cost of the classifier in the audit (target >= 0.5x).
- ``stages``: the classifier alone, through its registry `Scorer`: stage 1 only
  (``mode="stage1"``) and the cascade, each over all documents in batches of `--batch`; the share
  of documents the cascade routes to stage 2 (target <= 2%), and stage-2 CPU milliseconds per
  routed document = (cascade CPU - stage-1 CPU) / routed documents (target <= 20 ms), batched as
  the audit batches them; and, since a handful of routed documents makes that difference noise,
  stage 2 forced (``mode="stage2"``) on the first `--forced` (256) documents minus stage 1 on them, per
  document (and the same with ``precision="bf16"`` and with ``backend="torch"``, float32 on
  torch's kernels instead of the default numpy stage 2, for a classifier that takes them); "load CPU s"
  is the first call on 9 documents (one short: both stages load; torch already imported).
- the reference classifier (default v1) the same way on the first `--reference-n` documents only
  (v1 sends about a fifth of the documents through three MiniLM members: 20k would take hours on
  2 cores), with a no-classifier audit at that size for its ratio. `--reference ''` skips it.

Prints a table and writes ``<out>/results.json``. `--n 300` is the default-suite smoke test
(tests/test_classifier_eval_bench.py); the full run is `pytest -m slow` or the command above.
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
TARGETS = {"ratio": 0.5, "routed": 0.02, "stage2_ms": 20.0}


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime


def audit_child(src: str, work: str, classifier: str, batch: int, params: str = "{}") -> None:
    """One `curate audit` of `src` (classifier '' = none; `params` its scorer's keyword
    arguments, JSON); prints one JSON line."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    c0, t0 = _cpu(), time.perf_counter()
    from curate.audit.run import resolve_config, run_audit

    steps: dict = {"minhash": {"enabled": True}}
    if classifier:
        steps["classifiers"] = {"names": [classifier], "batch_size": batch}
        if json.loads(params):
            steps["classifiers"]["params"] = {classifier: json.loads(params)}
    data = {"workspace": work, "inputs": {"paths": [src]}, "steps": steps, "progress": False}
    res = run_audit(resolve_config(data, Path.cwd(), "bench"))
    n = res.counts["docs"] + res.counts["errors"]
    print(json.dumps({"docs": n, "cpu_s": _cpu() - c0, "wall_s": time.perf_counter() - t0}))


def stage_child(src: str, n: int, classifier: str, batch: int, forced: int) -> None:
    """Stage-1 and cascade CPU time and routing of `classifier` on the first `n` docs of `src`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch  # deferred: heavy; one thread, so CPU seconds are per core

    torch.set_num_threads(1)
    from curate.classifiers.compare import speed

    texts = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= n:
                break
    t0 = time.perf_counter()
    out = speed(classifier, texts, batch, progress=False, forced=forced)
    out["wall_s"] = time.perf_counter() - t0
    print(json.dumps(out))


# one thread for every math library a child may load, so CPU seconds are per core and no child
# imports torch only to set its thread count (an import a classifier may never need)
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _run(cmd: list[str], what: str) -> dict:
    print(f"measuring {what} ...", file=sys.stderr, flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if p.returncode != 0:
        sys.exit(f"{what} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def audit(src: Path, out: Path, n: int, classifier: str, batch: int, params: str = "{}") -> dict:
    work = out / f"work_{classifier or 'none'}_{n}"
    shutil.rmtree(work, ignore_errors=True)
    r = _run(
        [sys.executable, __file__, "--_audit", str(src), str(work), classifier, str(batch), params],
        f"curate audit, {n} docs, classifier {classifier or 'none'} {params}",
    )
    shutil.rmtree(work, ignore_errors=True)
    r["docs_per_cpu_s"] = r["docs"] / r["cpu_s"]
    return r


def stages(src: Path, n: int, classifier: str, batch: int, forced: int) -> dict:
    return _run(
        [
            sys.executable,
            __file__,
            "--_stages",
            str(src),
            str(n),
            classifier,
            str(batch),
            str(forced),
        ],
        f"{classifier} stage 1 / cascade on {n} docs",
    )


def corpus(out: Path, n: int) -> Path:
    d = out / f"docs{n}"
    f = d / "docs.jsonl"
    if not f.is_file():
        if not MAKE_DOCS.is_file():
            sys.exit(f"{MAKE_DOCS} not found: the benchmark corpus generator lives beside the repo")
        subprocess.run(
            [sys.executable, str(MAKE_DOCS), str(d), "--n", str(n)], check=True, capture_output=True
        )
        (d / "docs.jsonl.gz").unlink(missing_ok=True)
    return f


def head(src: Path, n: int) -> Path:
    """The first `n` lines of `src` as a file of their own (the reference's smaller corpus)."""
    f = src.parent.parent / f"docs{n}_head" / "docs.jsonl"
    f.parent.mkdir(parents=True, exist_ok=True)
    with src.open(encoding="utf-8") as r, f.open("w", encoding="utf-8") as w:
        for i, line in enumerate(r):
            if i >= n:
                break
            w.write(line)
    return f


def model_block(src: Path, out: Path, n: int, name: str, batch: int, forced: int) -> dict:
    # deferred: not in the measured children (their CPU clock starts after module imports)
    from curate.classifiers.compare import takes

    base = audit(src, out, n, "", batch)
    with_c = audit(src, out, n, name, batch)
    st = stages(src, n, name, batch, forced)
    out_ = {
        "n": n,
        "audit_none": base,
        "audit_with": with_c,
        "ratio": with_c["docs_per_cpu_s"] / base["docs_per_cpu_s"],
        "stages": st,
    }
    if takes(name, "backend"):  # the same audit with stage 2 on torch (imported when it routes)
        t = audit(src, out, n, name, batch, json.dumps({"backend": "torch"}))
        out_["audit_with_torch"] = t
        out_["ratio_torch"] = t["docs_per_cpu_s"] / base["docs_per_cpu_s"]
    return out_


def _fmt(v: float | None, spec: str) -> str:
    return "—" if v is None else format(v, spec)


def report(results: dict) -> str:
    lines = [
        "Classifier cost in `curate audit` (make_docs.py ~3 KB docs, one task, one core, "
        "one thread per math library; docs/s/core = docs / child CPU seconds)",
        "",
        "| classifier | docs | audit w/o docs/s/core | audit with docs/s/core | ratio (>= 0.5) "
        "| ratio, stage 2 on torch | stage 1 docs/s/core | routed (<= 2%) "
        "| stage 2 ms/routed doc (<= 20) "
        "| stage 2 ms/doc, forced | same, bf16 | same, torch fp32 | cascade docs/s/core "
        "| load CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, b in results["models"].items():
        st = b["stages"]
        routed = st.get("routed_frac")
        lines.append(
            f"| {name} | {b['n']} | {b['audit_none']['docs_per_cpu_s']:,.0f} "
            f"| {b['audit_with']['docs_per_cpu_s']:,.0f} | {b['ratio']:.2f}x "
            f"| {'—' if b.get('ratio_torch') is None else format(b['ratio_torch'], '.2f') + 'x'} "
            f"| {_fmt(st.get('stage1_docs_per_cpu_s'), ',.0f')} "
            f"| {'—' if routed is None else f'{routed:.2%}'} "
            f"| {_fmt(st.get('stage2_ms_per_routed_doc'), '.1f')} "
            f"| {_fmt(st.get('stage2_ms_per_doc_forced'), '.1f')} "
            f"| {_fmt(st.get('stage2_ms_per_doc_forced_bf16'), '.1f')} "
            f"| {_fmt(st.get('stage2_ms_per_doc_forced_torch'), '.1f')} "
            f"| {_fmt(st.get('cascade_docs_per_cpu_s'), ',.0f')} "
            f"| {_fmt(st.get('warmup_cpu_s'), '.2f')} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--classifier", default="malicious_character_v2")
    ap.add_argument("--reference", default="malicious_character_v1", help="'' to skip")
    ap.add_argument("--reference-n", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64, help="documents per score() call")
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "classifier_speed"))
    ap.add_argument("--_audit", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument(
        "--forced", type=int, default=256, help="documents stage 2 scores unrouted, per variant"
    )
    ap.add_argument("--_stages", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._audit:
        src, work, name, batch, params = args._audit
        audit_child(src, work, name, int(batch), params)
        return
    if args._stages:
        src, n, name, batch, forced = args._stages
        stage_child(src, int(n), name, int(batch), int(forced))
        return
    t0 = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    src = corpus(out, args.n)
    results: dict = {
        "n": args.n,
        "batch": args.batch,
        "corpus": f"make_docs.py --n {args.n} (seed 42)",
        "targets": TARGETS,
        "models": {},
    }
    results["models"][args.classifier] = model_block(
        src, out, args.n, args.classifier, args.batch, args.forced
    )
    if args.reference:
        rn = min(args.reference_n, args.n)
        rsrc = src if rn == args.n else head(src, rn)
        results["models"][args.reference] = model_block(
            rsrc, out, rn, args.reference, args.batch, args.forced
        )
    m = results["models"][args.classifier]
    st = m["stages"]
    results["meets"] = {
        "ratio": m["ratio"] >= TARGETS["ratio"],
        "routed": st.get("routed_frac") is not None and st["routed_frac"] <= TARGETS["routed"],
        "stage2_ms": st.get("stage2_ms_per_routed_doc") is not None
        and st["stage2_ms_per_routed_doc"] <= TARGETS["stage2_ms"],
    }
    results["wall_s"] = time.perf_counter() - t0
    table = report(results)
    print(table)
    print(
        f"\ntargets for {args.classifier}: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["meets"].items())
        + f"; wall {results['wall_s']:.0f} s"
    )
    if args.reference and args.reference_n < args.n:
        print(f"({args.reference} measured on the first {min(args.reference_n, args.n)} docs only)")
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
