#!/usr/bin/env python3
"""Scale curve: audit -> dedup -> build at 20k, 100k and 1M documents; docs/s/core and peak RSS
of every stage at every size, beside datatrove's plain JsonlReader -> JsonlWriter.

    nice -n 10 .venv/bin/python bench/scale_curve.py [--sizes 20000,100000,1000000]
        [--out bench/out/scale] [--keep]

The corpora are the project's standard benchmark corpus, generated at bench time by
``../shared/bench/make_docs.py OUT/n<N> --n N`` (synthetic ~3 KB documents, 10% near-duplicates;
not committed; reused when already there, delete ``OUT/n<N>`` to regenerate). A quick run:
``--sizes 20000,100000``. The 1M run is a bench, not a test (about 3 GB of JSONL and an hour of
one shared core).

Every stage runs in its own child process through `curate.cli.main`, so its CPU time (user + sys
of that child, from ``os.wait4``) and peak RSS (the child's ``ru_maxrss``) are its own:

- ``datatrove``: ``JsonlReader -> JsonlWriter(compression=None)``, one task (the reference line:
  parse and re-serialize, nothing else);
- ``audit``: ``curate audit SHARD -w WS --classifier none`` (hash, lengths, lexicon, MinHash,
  writer, DuckDB load, accounting check); its manifest also gives the peak RSS after annotating;
- ``dedup``: ``curate dedup WS --flag-column lexicon_hits --flag-threshold 1`` (exact + MinHash
  LSH clusters, verified on the shards' texts near the threshold);
- ``build``: ``curate build POLICY -w WS`` with a policy for the synthetic corpus (it has no
  classifier column): drop ``lexicon_hits >= 1`` and one copy per duplicate cluster, and a random
  control that removes as many tokens (``OUT/policy.toml``);
- ``index``: the dedup index's memory per document, `bench/dedup_speed.py`'s measure (tracemalloc
  peak of curate's in-memory LSH candidate search over the run's signatures, signatures
  included).

Each child runs under an address-space cap (``--mem-cap-gb``, default 16) so that a stage whose
memory runs away fails alone instead of taking the shared machine with it.

docs/s/core = documents / CPU seconds of the stage's child. Output: a table, growth ratios from
the second-largest to the largest size (per-document CPU time and peak RSS), ``OUT/results.json``
and ``OUT/scale_curve.png`` (docs/s/core and peak RSS against size, log-log).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"
STAGES = ("datatrove", "audit", "dedup", "build")

POLICY = """\
# bench/scale_curve.py: a build policy for the synthetic corpus (no classifier column)
corpus = "scale"
description = "lexicon threshold + one copy per duplicate cluster, and a random control"
format = "jsonl.gz"
token_column = "n_words"
gzip_level = 1

[[variants]]
name = "lexicon_dedup"
drop = ["lexicon_hits >= 1"]
dedup = "keep_one"

[[variants]]
name = "random_control"
control = { random_match = "lexicon_dedup", unit = "tokens", seed = 1, tolerance = 0.05 }
"""


# ------------------------------------------------------------------------------- child modes


def child_datatrove(src: str, work: str) -> None:
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.logging import logger

    logger.remove()
    src_dir, name = os.path.split(src)
    LocalPipelineExecutor(
        [JsonlReader(src_dir, glob_pattern=name), JsonlWriter(f"{work}/out", compression=None)],
        tasks=1,
        workers=1,
        logging_dir=f"{work}/logs",
    ).run()


def child_cli(args: list[str]) -> None:
    from curate.cli import main

    code = main(args)
    if code:
        sys.exit(code)


def child_index(ws: str, out: str) -> None:
    """The dedup index's bytes per document over the last audit's signatures."""
    import numpy as np

    sys.path.insert(0, str(REPO / "bench"))
    from dedup_speed import index_bytes_per_doc

    from curate.store import connect_readonly
    from curate.workspace import Workspace

    con = connect_readonly(Workspace.at(ws, create=False))
    sigs = []
    q = "SELECT minhash FROM signatures ORDER BY shard, position"
    reader = con.execute(q).to_arrow_reader(65536)
    for batch in reader:
        col = batch.column(0)
        sigs.append(col.values.to_numpy().reshape(len(col), -1))
    con.close()
    s = np.concatenate(sigs).astype(np.uint32)
    del sigs
    Path(out).write_text(
        json.dumps({"bytes_per_doc": index_bytes_per_doc(s), "signature_bytes": s.nbytes / len(s)})
    )


# ------------------------------------------------------------------------------- parent


MEM_CAP_GB = 16.0  # address-space cap of every child: a runaway stage fails, the machine lives


def _cap() -> None:
    if MEM_CAP_GB > 0:
        cap = int(MEM_CAP_GB * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_child(args: list[str], label: str) -> dict:
    """Run `this script --_child ARGS`; its CPU seconds (user + sys) and peak RSS (MB) from
    ``os.wait4``, i.e. of that child alone."""
    cmd = [sys.executable, __file__, "--_child", *args]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=_cap)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            err.seek(0)
            sys.exit(f"{label} failed:\n{err.read().decode(errors='replace')[-3000:]}")
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "max_rss_mb": ru.ru_maxrss / 1024, "wall_s": wall}


def corpus(out: Path, n: int) -> Path:
    d = out / f"n{n}"
    f = d / "docs.jsonl"
    if not f.is_file():
        if not MAKE_DOCS.is_file():
            sys.exit(f"{MAKE_DOCS} not found: the benchmark corpus generator lives beside the repo")
        print(f"generating {n} documents ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(MAKE_DOCS), str(d), "--n", str(n)], check=True)
    (d / "docs.jsonl.gz").unlink(missing_ok=True)
    return f


def measure_size(out: Path, n: int, policy: Path, keep: bool) -> dict:
    src = corpus(out, n)
    work = out / f"work{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ws = work / "ws"
    res: dict[str, dict] = {}
    steps = {
        "datatrove": ["datatrove", str(src), str(work / "dt")],
        "audit": ["cli", "audit", str(src), "-w", str(ws), "--classifier", "none", "-q"],
        "dedup": [
            "cli",
            "dedup",
            str(ws),
            "--flag-column",
            "lexicon_hits",
            "--flag-threshold",
            "1",
        ],
        "build": ["cli", "build", str(policy), "--workspace", str(ws), "--quiet"],
    }
    for stage in STAGES:
        print(f"  {n}: {stage} ...", file=sys.stderr, flush=True)
        res[stage] = run_child(steps[stage], f"{stage} at {n}")
        res[stage]["docs_per_s_core"] = n / res[stage]["cpu_s"]
        if stage == "datatrove":
            shutil.rmtree(work / "dt", ignore_errors=True)
    manifests = sorted(ws.glob("runs/audit-*/manifest.json"))
    rss = json.loads(manifests[-1].read_text()).get("max_rss_mb", {})
    res["audit"]["max_rss_mb_after_annotate"] = rss.get("annotate")
    idx = work / "index.json"
    print(f"  {n}: index memory ...", file=sys.stderr, flush=True)
    res["index"] = run_child(["index", str(ws), str(idx)], f"index at {n}")
    res["index"].update(json.loads(idx.read_text()))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return res


def plot(results: dict[int, dict], path: Path) -> None:
    # matplotlib only for the figure
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stage in STAGES:
        style = (
            {"color": "gray", "linestyle": "--", "marker": "x"}
            if stage == "datatrove"
            else {"marker": "o"}
        )
        label = "datatrove read->write (reference)" if stage == "datatrove" else f"curate {stage}"
        a1.plot(sizes, [results[n][stage]["docs_per_s_core"] for n in sizes], label=label, **style)
        a2.plot(sizes, [results[n][stage]["max_rss_mb"] for n in sizes], label=label, **style)
    a1.set(
        xscale="log",
        yscale="log",
        xlabel="documents",
        ylabel="docs/s/core",
        title="throughput (CPU time of each stage's process)",
    )
    a2.set(
        xscale="log",
        yscale="log",
        xlabel="documents",
        ylabel="peak RSS (MB)",
        title="peak memory of each stage's process",
    )
    for a in (a1, a2):
        a.grid(True, which="both", alpha=0.3)
    a1.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def report(results: dict[int, dict]) -> dict:
    sizes = sorted(results)
    print("\nScale curve: synthetic ~3 KB documents (make_docs.py), one process per stage")
    head = f"{'docs':>9} " + " ".join(f"{s + ' d/s/core':>16} {s + ' RSS':>12}" for s in STAGES)
    print(head)
    for n in sizes:
        r = results[n]
        print(
            f"{n:>9} "
            + " ".join(
                f"{r[s]['docs_per_s_core']:>16.0f} {r[s]['max_rss_mb']:>10.0f}MB" for s in STAGES
            )
        )
    print("\naudit vs datatrove (docs/s/core ratio, same run):")
    for n in sizes:
        r = results[n]
        print(f"  {n:>9}: {r['audit']['docs_per_s_core'] / r['datatrove']['docs_per_s_core']:.2f}x")
    print("\ndedup index memory per document (signatures included):")
    for n in sizes:
        print(f"  {n:>9}: {results[n]['index']['bytes_per_doc']:.0f} B")
    growth = {}
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        print(f"\ngrowth from {a} to {b} documents (1.00 = flat):")
        for s in STAGES[1:]:
            t = (1 / results[b][s]["docs_per_s_core"]) / (1 / results[a][s]["docs_per_s_core"])
            m = results[b][s]["max_rss_mb"] / results[a][s]["max_rss_mb"]
            growth[s] = {"per_doc_cpu": t, "peak_rss": m}
            print(f"  {s:<6} per-document CPU time x{t:.2f}, peak RSS x{m:.2f}")
        ia, ib = results[a]["index"]["bytes_per_doc"], results[b]["index"]["bytes_per_doc"]
        growth["index_bytes_per_doc"] = {"from": ia, "to": ib}
    return growth


def main() -> None:
    global MEM_CAP_GB
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,100000,1000000")
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "scale"))
    ap.add_argument("--keep", action="store_true", help="keep each size's workspace")
    ap.add_argument(
        "--mem-cap-gb",
        type=float,
        default=MEM_CAP_GB,
        help="address-space cap of each stage's process (0 = none; default %(default)s)",
    )
    ap.add_argument("--_child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        mode, *rest = args._child
        {
            "datatrove": lambda: child_datatrove(*rest),
            "cli": lambda: child_cli(rest),
            "index": lambda: child_index(*rest),
        }[mode]()
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    MEM_CAP_GB = args.mem_cap_gb
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    policy = out / "policy.toml"
    policy.write_text(POLICY)
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    for n in sizes:
        results[n] = measure_size(out, n, policy, args.keep)
    growth = report(results)
    plot(results, out / "scale_curve.png")
    (out / "results.json").write_text(
        json.dumps({"results": {str(k): v for k, v in results.items()}, "growth": growth}, indent=2)
    )
    print(f"\nwrote {out / 'results.json'} and {out / 'scale_curve.png'}")


if __name__ == "__main__":
    main()
