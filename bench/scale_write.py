"""The build's write pass: one process (`write_pass`) vs executor tasks (`write_pass_on`).

Synthetic corpus (deterministic): SHARDS JSONL shards of DOCS documents of ~WORDS words; two
variants (all kept; every third dropped), jsonl.gz level 1, 2,000 records per part. Prints each
peer's seconds and its ratio to the one-process pass, measured side by side in this run, and
checks that every peer wrote the same bytes.

    .venv/bin/python bench/scale_write.py [--shards 8] [--docs 1500] [--tasks 2] [--ray]

On the shared 2-core machine other jobs compete for the cores: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curate.building.builder import write_pass
from curate.building.tasks import write_pass_on
from curate.config import build
from curate.executors import ExecutorConfig

WORDS = [
    "the",
    "a",
    "river",
    "mill",
    "stone",
    "light",
    "night",
    "plan",
    "code",
    "money",
    "trust",
    "power",
    "human",
    "doctor",
]


def corpus(root: Path, shards: int, docs: int, words: int) -> tuple[list[str], dict[str, int]]:
    rng = random.Random(0)
    paths, n_read = [], {}
    for s in range(shards):
        p = root / f"shard-{s:03d}.jsonl"
        with p.open("w") as f:
            for i in range(docs):
                text = " ".join(rng.choice(WORDS) for _ in range(words))
                f.write(json.dumps({"id": f"{s}-{i}", "text": text, "meta": {"i": i}}) + "\n")
        paths.append(str(p))
        n_read[str(p)] = docs
    return paths, n_read


def setup(root: Path, shards: list[str], docs: int) -> list[Path]:
    out = []
    for name, keep in (("full", lambda i: 1), ("filtered", lambda i: 0 if i % 3 == 0 else 1)):
        d = root / name
        d.mkdir(parents=True)
        rows = {
            "shard": [s for s in shards for _ in range(docs)],
            "position": [i for _ in shards for i in range(docs)],
            "doc_id": [f"{Path(s).stem.split('-')[1].lstrip('0') or '0'}-{i}" for s in shards for i in range(docs)],
            "repeats": [keep(i) for _ in shards for i in range(docs)],
        }  # fmt: skip
        pq.write_table(pa.table(rows), d / "decisions.parquet")
        out.append(d)
    return out


def digest(dirs: list[Path]) -> str:
    h = hashlib.sha256()
    for d in dirs:
        for p in sorted(d.glob("part-*")):
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--docs", type=int, default=1500)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--ray", action="store_true", help="also run the tasks on a private Ray")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="curate-bench-scale-"))
    try:
        shards, n_read = corpus(tmp, a.shards, a.docs, a.words)
        n = a.shards * a.docs
        peers = [("one process (write_pass)", None)]
        peers.append((f"local executor, {a.tasks} tasks", {"kind": "local", "tasks": a.tasks}))
        if a.ray:
            peers.append((f"ray, {a.tasks} tasks", {"kind": "ray", "tasks": a.tasks}))
        results = []
        for i, (label, ex) in enumerate(peers):
            dirs = setup(tmp / f"run{i}", shards, a.docs)
            t0 = time.perf_counter()
            if ex is None:
                write_pass(dirs, "jsonl.gz", 2000, 1, "text", "id", n_read, n, False)
            else:
                cfg = build(ExecutorConfig, ex)
                write_pass_on(
                    cfg, tmp / f"logs{i}", dirs, "jsonl.gz", 2000, 1, "text", "id", n_read
                )
            results.append((label, time.perf_counter() - t0, digest(dirs)))
        base = results[0][1]
        print(f"{n} documents in {a.shards} shards, 2 variants, jsonl.gz")
        for label, sec, dig in results:
            print(f"  {label:32s} {sec:7.2f} s   ratio to one process {sec / base:5.2f}   {dig}")
        same = len({d for _, _, d in results}) == 1
        print("same bytes from every peer:", same)
        if not same:
            raise SystemExit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
