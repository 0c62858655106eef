#!/usr/bin/env python3
"""Peak memory of `curate build` at two corpus sizes: it should not grow with the corpus.

    .venv/bin/python bench/build_memory.py [--sizes 20000 100000] [--out bench/out/build_memory]

For each size: the standard benchmark corpus (`../shared/bench/make_docs.py`, ~3 KB documents,
10% near-duplicates), an audit store built *directly* from it (docs rows with n_words / n_chars,
a deterministic pseudo-score per document, lexicon hits, and dup_clusters from the generator's
`dup_of` ground truth; the real audit's speed is not what this measures), then one `curate build`
in a fresh child process with a policy of three variants (classifier threshold + drop flagged
clusters + keep one, matched random-token control, upsampling), writing all three in one pass.
The child reports its peak RSS (VmHWM) and its RSS after imports, so the table shows what
the build itself adds. Ratios are between the two sizes, measured in the same run.

Where the memory goes: the writer pass holds one record and one decision batch per variant;
the selection is DuckDB, whose buffer memory is capped by its memory_limit (the build sets 1GB
unless CURATE_BUILD_MEMORY_LIMIT says otherwise) and spills to disk past it. Below the cap DuckDB
keeps what it computed in memory, so at the default the selection's share grows with the corpus
until it reaches the cap; `--memory-limit` (default here 128MB) fixes the cap so the two sizes
compare.
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

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

import curate.building.builder as builder
from curate.store import connect, finish_run, load_parquet, start_run
from curate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
MAKE_DOCS = REPO.parent / "shared" / "bench" / "make_docs.py"

POLICY = """
corpus = "bench"
[[variants]]
name = "clf_dedup"
drop = ["score_malicious_character_v1 >= 0.9"]
dedup = "drop_flagged_then_keep_one"
[[variants]]
name = "random"
control = { random_match = "clf_dedup", unit = "tokens", seed = 1 }
[[variants]]
name = "upsampled"
drop = ["score_malicious_character_v1 >= 0.9"]
upsample = [{ where = "lexicon_hits >= 2", repeats = 2 }]
"""


def rss_mb() -> float:
    """Peak RSS of this process (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_store(size_dir: Path, n: int) -> Path:
    """Generate the corpus and write the audit tables an audit would produce for it."""
    src = size_dir / "src"
    if not (src / "docs.jsonl").is_file():
        subprocess.run(
            [sys.executable, str(MAKE_DOCS), str(src), "--n", str(n)], check=True, stdout=sys.stderr
        )
        (src / "docs.jsonl.gz").unlink(missing_ok=True)
    ws = Workspace.at(size_dir / "ws")
    if ws.db_path.is_file():
        return ws.root
    shard = str((src / "docs.jsonl").resolve())
    rows, dups, where = [], [], {}
    with open(shard, "rb") as f:
        for pos, line in enumerate(f):
            r = orjson.loads(line)
            h = xxhash.xxh64_intdigest(r["id"].encode())
            rows.append(
                {
                    "run_id": "bench-audit",
                    "shard": shard,
                    "position": pos,
                    "doc_id": r["id"],
                    "meta": orjson.dumps(r["metadata"]).decode(),
                    "n_chars": len(r["text"]),
                    "n_words": len(r["text"].split()),
                    "lexicon_hits": h % 4,
                    "score_malicious_character_v1": (h >> 8) % 1000 / 1000,
                }
            )
            where[r["id"]] = pos
            if r["metadata"]["dup_of"]:
                dups.append((r["id"], r["metadata"]["dup_of"]))
    # clusters: each near-duplicate joins the cluster of its source's root
    root = {}
    for d, s in dups:
        root[d] = root.get(s, s)
    members: dict[str, list[str]] = {}
    for d, r in root.items():
        members.setdefault(r, [r]).append(d)
    dup_rows = [
        {
            "run_id": "bench-audit",
            "doc_id": m,
            "shard": shard,
            "position": where[m],
            "cluster_id": where[r],
            "cluster_size": len(ms),
            "representative": r,
            "jaccard_to_rep": 0.9,
            "kind": "near",
        }
        for r, ms in members.items()
        for m in ms
    ]
    aud = size_dir / "audit"
    aud.mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), aud / "docs.parquet")
    pq.write_table(pa.Table.from_pylist(dup_rows), aud / "dup.parquet")
    shards = [{"run_id": "bench-audit", "shard": shard, "n_read": len(rows), "n_docs": len(rows),
               "n_errors": 0}]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(shards), aud / "shards.parquet")
    with connect(ws) as con:
        load_parquet(con, "docs", [aud / "docs.parquet"], {"run_id": "bench-audit"})
        load_parquet(con, "dup_clusters", [aud / "dup.parquet"], {"run_id": "bench-audit"})
        load_parquet(con, "shards", [aud / "shards.parquet"], {"run_id": "bench-audit"})
        start_run(con, "bench-audit", "audit", "bench", {})
        finish_run(con, "bench-audit")
    return ws.root


def child(ws_root: str, policy_path: str) -> None:
    base = rss_mb()
    phases: dict[str, float] = {}
    real_write_pass = builder.write_pass

    def write_pass(*a, **k):  # record the peak of the selection phase (DuckDB) before writing
        phases["selection_peak_mb"] = rss_mb()
        return real_write_pass(*a, **k)

    builder.write_pass = write_pass
    t0 = time.perf_counter()
    ws = Workspace.at(ws_root)
    res = builder.build_corpora(ws, policy_path, progress=False, log=lambda s: None)
    out = {
        "seconds": time.perf_counter() - t0,
        "rss_after_imports_mb": base,
        "peak_rss_mb": rss_mb(),
        **phases,
        "n_docs": res.stats["clf_dedup"]["n_docs"],
        "records": {k: v["n_records"] for k, v in res.stats.items()},
    }
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs=2, default=[20_000, 100_000])
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "build_memory"))
    ap.add_argument(
        "--memory-limit",
        default="128MB",
        help="DuckDB memory_limit for the build (CURATE_BUILD_MEMORY_LIMIT; the build's default "
        "is 1GB): selection spills past it, so a fixed limit makes its share size-independent",
    )
    ap.add_argument("--child", nargs=2, metavar=("WS", "POLICY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    if not MAKE_DOCS.is_file():
        sys.exit(f"{MAKE_DOCS} not found: this benchmark needs ../shared/bench/make_docs.py")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    policy = out / "policy.toml"
    policy.write_text(POLICY)
    results = {}
    for n in args.sizes:
        d = out / f"n{n}"
        ws = make_store(d, n)
        shutil.rmtree(ws / "corpora", ignore_errors=True)  # measure a full build every time
        r = subprocess.run(
            [sys.executable, __file__, "--child", str(ws), str(policy)],
            check=True,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "OMP_NUM_THREADS": "1",
                "CURATE_BUILD_MEMORY_LIMIT": args.memory_limit,
            },
        )
        results[n] = json.loads(r.stdout.strip().splitlines()[-1])
    a, b = args.sizes
    ra, rb = results[a], results[b]
    print(f"DuckDB memory_limit {args.memory_limit}")
    print(
        f"{'docs':>8} {'peak RSS MB':>12} {'after imports':>14} {'selection peak':>15} "
        f"{'write pass adds':>16} {'s':>7}"
    )
    for n in args.sizes:
        r = results[n]
        wp = r["peak_rss_mb"] - r["selection_peak_mb"]
        print(
            f"{n:>8} {r['peak_rss_mb']:>12.0f} {r['rss_after_imports_mb']:>14.0f} "
            f"{r['selection_peak_mb']:>15.0f} {wp:>16.0f} {r['seconds']:>7.1f}"
        )
    add_a = ra["peak_rss_mb"] - ra["rss_after_imports_mb"]
    add_b = rb["peak_rss_mb"] - rb["rss_after_imports_mb"]
    print(
        f"corpus x{b / a:.1f}: peak RSS x{rb['peak_rss_mb'] / ra['peak_rss_mb']:.2f}, "
        f"memory the build adds x{add_b / max(add_a, 1e-9):.2f}, "
        f"selection peak x{rb['selection_peak_mb'] / ra['selection_peak_mb']:.2f}, "
        f"time x{rb['seconds'] / ra['seconds']:.2f}"
    )
    (out / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
