#!/usr/bin/env python3
"""MinHash speed, text -> signature, docs/s/core, side by side in one run; and index memory.

    python ../shared/bench/make_docs.py bench/out/docs20k --n 20000     # the standard corpus
    nice .venv/bin/python bench/dedup_speed.py [--docs bench/out/docs20k/docs.jsonl] [--n 20000]
        [--n-datatrove 1000] [--json OUT]

Peers (128 permutations, 5-word shingles; every timing is process CPU time, one thread, so
docs/s/core; each peer does its own normalization and shingling from the raw text):

- curate: `MinHasher(cfg).signatures(texts)` (this project's vectorized kernel; also in batches of
  256 documents as the audit's MinHash step calls it, and with several chunk sizes, the default
  included, on the first 5,000 documents);
- datatrove: `MinhashDedupSignature.get_signature(get_shingles(text))` per document (the stage's
  compute, without its file writing and sorting; spaCy word tokenizer; its xxhash64 shingle hash
  gets the `.encode()` that datatrove 0.10.1 lacks with xxhash 4). Slow, so it runs on the first
  `--n-datatrove` documents;
- datasketch: Python shingling (`normalize`, split, n-grams, utf-8) then `MinHash.bulk`;
- rensa: the same Python shingling, then `RMinHash.update` + `digest` per document.

Memory per indexed document: tracemalloc peak while building curate's LSH candidates over the
signatures (bytes per document, signatures included), and the same for datasketch's
`MinHashLSH` (32 x 4) holding `LeanMinHash` objects. Also times curate's clustering (LSH + verify
on signatures + union-find) of the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import xxhash  # noqa: E402

from curate import minhash as mh  # noqa: E402
from curate.dedup.clusters import cluster_arrays, exact_codes  # noqa: E402
from curate.dedup.lsh import LSHConfig, candidate_pairs  # noqa: E402
from curate.minhash import MinHashConfig, MinHasher, to_lean_minhash  # noqa: E402
from curate.text import exact_hash, normalize  # noqa: E402

NUM_PERM, NGRAM = 128, 5


def python_shingles(text: str) -> list[bytes]:
    w = normalize(text).split()
    if len(w) < NGRAM:
        return [" ".join(w).encode()] if w else []
    return [" ".join(w[i : i + NGRAM]).encode() for i in range(len(w) - NGRAM + 1)]


def timed(fn, *a):
    t = time.process_time()
    out = fn(*a)
    return out, time.process_time() - t


def run_curate(texts):
    return MinHasher(MinHashConfig(num_perm=NUM_PERM, ngram=NGRAM)).signatures(texts)


def run_datasketch(texts):
    # optional comparison library: measured only when installed
    from datasketch import MinHash

    sh = [python_shingles(t) for t in texts]
    return MinHash.bulk(sh, num_perm=NUM_PERM)


def run_rensa(texts):
    # optional comparison library: measured only when installed
    from rensa import RMinHash

    out = []
    for t in texts:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update([s.decode() for s in python_shingles(t)])
        out.append(m.digest())
    return out


def run_datatrove(texts):
    # needs spaCy (the `bench` extra): measured only when installed
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature

    stage = MinhashDedupSignature(
        "/tmp/unused-dt-sigs",
        config=MinhashConfig(n_grams=NGRAM, num_buckets=32, hashes_per_bucket=4),
    )
    # datatrove 0.10.1's xxhash64 passes str to xxhash 4.x, which refuses it ("Strings must be
    # encoded before hashing"): same hash function, with the encode it lacks
    stage._hash_func = lambda s: xxhash.xxh64_intdigest(s.encode())
    out = []
    for t in texts:
        sh = stage.get_shingles(t)
        out.append(stage.get_signature(sh) if sh.size else None)
    return out


def index_bytes_per_doc(sigs: np.ndarray, cfg: LSHConfig | None = None) -> float:
    """Bytes per indexed document of curate's in-memory LSH: the tracemalloc peak while a copy
    of the signatures is made and the candidate pairs are found, over the number of documents
    (also used by bench/scale_curve.py at 100k and 1M documents)."""
    tracemalloc.start()
    s = np.array(sigs)
    candidate_pairs(s, cfg or LSHConfig())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / len(s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", default="bench/out/docs20k/docs.jsonl")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--n-datatrove", type=int, default=1000)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    p = Path(args.docs)
    if not p.is_file():
        print(
            f"{p}: missing; generate it with: python ../shared/bench/make_docs.py {p.parent} --n 20000",
            file=sys.stderr,
        )
        return 2
    texts = []
    with p.open() as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.n:
                break
    mb = sum(len(t.encode()) for t in texts) / len(texts) / 1000
    print(f"corpus: {len(texts)} docs from {p}, mean {mb:.2f} KB/doc; CPU time, 1 thread")

    res: dict[str, dict] = {}
    run_curate(texts[:200])  # warm-up (tables, permutations)
    sigs, dt = timed(run_curate, texts)
    res["curate"] = {"docs": len(texts), "cpu_s": dt}
    for name, fn, n in (
        ("datasketch MinHash.bulk", run_datasketch, len(texts)),
        ("rensa RMinHash", run_rensa, len(texts)),
        ("datatrove MinhashDedupSignature", run_datatrove, args.n_datatrove),
    ):
        try:
            fn(texts[:20])
            _, dt = timed(fn, texts[:n])
            res[name] = {"docs": n, "cpu_s": dt}
        except ImportError as e:
            res[name] = {"docs": 0, "error": f"not installed: {e}"}

    # curate as the audit's MinHash step calls it (batches of 256), and other chunk sizes
    def batched(ts, bs=256):
        h = MinHasher(MinHashConfig(num_perm=NUM_PERM, ngram=NGRAM))
        for i in range(0, len(ts), bs):
            h.signatures(ts[i : i + bs])

    _, dt = timed(batched, texts)
    res["curate, batches of 256 docs"] = {"docs": len(texts), "cpu_s": dt}
    default_chunk = mh.CHUNK_CHARS
    for cc in sorted({1 << 16, default_chunk, 1 << 18, 1 << 20}):
        mh.CHUNK_CHARS = cc
        _, dt = timed(run_curate, texts[:5000])
        res[f"curate, {cc >> 10}K-char chunks, 5k docs"] = {"docs": 5000, "cpu_s": dt}
    mh.CHUNK_CHARS = default_chunk
    base = res["curate"]["docs"] / res["curate"]["cpu_s"]
    print(f"{'peer':34} {'docs':>6} {'docs/s/core':>12} {'curate is x faster':>19}")
    for name, r in res.items():
        if "error" in r:
            print(f"{name:34} {r['error']}")
            continue
        r["docs_per_s_core"] = r["docs"] / r["cpu_s"]
        ratio = base / r["docs_per_s_core"]
        r["curate_speedup"] = ratio
        print(f"{name:34} {r['docs']:>6} {r['docs_per_s_core']:>12.0f} {ratio:>19.1f}")

    # index memory: curate's banded LSH (candidate generation) vs datasketch MinHashLSH
    cfg = LSHConfig()
    s = np.array(sigs)
    per_doc = index_bytes_per_doc(sigs, cfg)
    from datasketch import MinHashLSH  # optional comparison library (the LSH index)

    tracemalloc.start()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(cfg.bands, cfg.rows))
    for i, row in enumerate(sigs):
        lsh.insert(i, to_lean_minhash(row))
    _, peak_ds = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del lsh
    per_doc_ds = peak_ds / len(texts)
    print(
        f"index memory per document ({cfg.bands} bands x {cfg.rows} rows, signatures included): "
        f"curate {per_doc:.0f} B (peak while finding candidates; signatures alone {s.nbytes / len(texts):.0f} B), "
        f"datasketch MinHashLSH {per_doc_ds:.0f} B ({per_doc_ds / per_doc:.1f}x)"
    )
    codes = exact_codes([exact_hash(t) for t in texts])
    cl, dt = timed(cluster_arrays, sigs, codes, LSHConfig(verify="signature"))
    print(
        f"clustering {len(texts)} docs (exact + LSH + verify on signatures + union-find): {dt:.2f} s CPU, "
        f"{cl.n_clusters} clusters, {cl.idx.size} docs in clusters"
    )
    res["memory"] = {
        "curate_bytes_per_doc": per_doc,
        "datasketch_lsh_bytes_per_doc": per_doc_ds,
        "signature_bytes_per_doc": s.nbytes / len(texts),
    }
    res["clustering"] = {
        "cpu_s": dt,
        "n_clusters": cl.n_clusters,
        "docs_in_clusters": int(cl.idx.size),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
