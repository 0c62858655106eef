"""Exact Jaccard of candidate pairs from their texts (the ``verify = "text"`` step of the LSH).

Only candidate pairs whose signature estimate is close to the threshold come here (see
`curate.dedup.lsh.verify`), so the texts of a small fraction of documents are read.

- `TextJaccard(texts_of, minhash_cfg)`: exact Jaccard of the documents' shingle sets, with the
  shingles of `curate.minhash` (same normalization and n-grams as the signatures) hashed to
  32 bits by the vectorized kernel (a collision between two of a pair's ~10^3 shingles has
  probability ~10^-4, negligible against the estimate's noise it replaces).
- `StoreTexts`: `texts_of` for an audit run: reads the needed records back from the run's shards
  with the audit's own reader (`curate.audit.read.ShardReader`, same input settings as the audit) and
  checks each text against the stored ``exact_hash``, so a shard changed since the audit is an
  error, never a silent wrong answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from curate.audit.read import InputConfig, ShardReader
from curate.config import build
from curate.errors import CurateError
from curate.files import atomic_path
from curate.minhash import MinHashConfig, MinHasher
from curate.text import exact_hash


class TextJaccard:
    """Callable: (m, 2) document indices -> exact Jaccard of their shingle sets."""

    def __init__(self, texts_of: Callable[[np.ndarray], Sequence[str]], cfg: MinHashConfig) -> None:
        self.texts_of = texts_of
        self.hasher = MinHasher(cfg)
        self.n_docs_read = 0
        self.n_pairs = 0

    def __call__(self, pairs: np.ndarray) -> np.ndarray:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        ids, inv = np.unique(pairs, return_inverse=True)
        texts = self.texts_of(ids)
        sets = [np.unique(h) for h in self.hasher.shingle_hashes(texts)]
        self.n_docs_read += ids.size
        self.n_pairs += pairs.shape[0]
        inv = inv.reshape(-1, 2)
        out = np.empty(pairs.shape[0], dtype=np.float64)
        for k, (a, b) in enumerate(inv.tolist()):
            x, y = sets[a], sets[b]
            if x.size == 0 and y.size == 0:
                out[k] = 1.0
                continue
            inter = np.intersect1d(x, y, assume_unique=True).size
            out[k] = inter / (x.size + y.size - inter)
        return out


def audit_minhash_config(config: dict[str, Any]) -> MinHashConfig:
    """The MinHash settings an audit run used (its `steps.minhash` table; defaults if absent)."""
    m = (config.get("steps") or {}).get("minhash") or {}
    keys = {k: m[k] for k in ("num_perm", "ngram", "seed") if k in m}
    return MinHashConfig(**keys)


def reader_config(config: dict[str, Any], shards: Sequence[str]) -> InputConfig:
    """The audit run's reader settings (its `inputs` table) for reading `shards` back."""
    inputs = dict(config.get("inputs") or {})
    inputs["paths"] = tuple(shards)
    return build(InputConfig, inputs, "audit run config [inputs]")


class StoreTexts:
    """Texts of an audit run's documents, read back from its shards by (shard, position)."""

    def __init__(
        self,
        audit_config: dict[str, Any],
        meta: Callable[[np.ndarray], dict[str, np.ndarray]],
    ) -> None:
        self.audit_config = audit_config
        self.meta = meta

    def __call__(self, idx: np.ndarray) -> list[str]:
        m = self.meta(np.asarray(idx, dtype=np.int64))
        shards, positions, hashes = m["shard"], m["position"], m["exact_hash"]
        want: dict[str, dict[int, int]] = {}
        for k, (s, p) in enumerate(zip(shards.tolist(), positions.tolist(), strict=True)):
            want.setdefault(s, {})[int(p)] = k
        cfg = reader_config(self.audit_config, sorted(want))
        out: list[str | None] = [None] * len(shards)
        for shard, positions_k in want.items():
            reader = ShardReader([shard], cfg)
            try:
                for doc in reader.read_shard(shard):
                    pos = doc.metadata.get("_pos")
                    if pos in positions_k and "_error" not in doc.metadata:
                        out[positions_k[pos]] = doc.text
            except (OSError, CurateError) as e:
                raise CurateError(
                    f"{shard}: cannot read the shard back to verify near-duplicate candidates "
                    f"({e}); restore it, or run dedup with --verify signature"
                ) from None
        for k, t in enumerate(out):
            if t is None or exact_hash(t) != hashes[k]:
                raise CurateError(
                    f"{shards[k]}: record {positions[k]} is missing or changed since the audit "
                    "(its text no longer matches the stored exact_hash); re-run the audit, or run "
                    "dedup with --verify signature"
                )
        return [t for t in out if t is not None]


def recompute_signatures(
    con: Any,
    audit_run: str,
    audit_config: dict[str, Any],
    cfg: MinHashConfig,
    out_path: str | Path,
    progress: bool = False,
    batch: int = 1024,
) -> int:
    """Signatures with other MinHash settings than the audit's, from the run's shards.

    Streams every shard of the run with the audit's reader (one batch of texts in memory), checks
    each text against the stored ``exact_hash`` and writes (run_id, shard, position, minhash) to
    `out_path` (Parquet, renamed into place when complete). Returns the number of documents.
    """
    shards = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT shard FROM docs WHERE run_id = ? ORDER BY shard", [audit_run]
        ).fetchall()
    ]
    icfg = reader_config(audit_config, shards or ["-"])
    hasher = MinHasher(cfg)
    schema = pa.schema(
        [
            ("run_id", pa.string()),
            ("shard", pa.string()),
            ("position", pa.int64()),
            ("minhash", pa.list_(pa.uint32())),
        ]
    )
    total = 0
    with atomic_path(out_path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for shard in tqdm(
            shards, desc="re-signing shards", file=sys.stderr, disable=not progress, leave=False
        ):
            want = dict(
                con.execute(
                    "SELECT position, exact_hash FROM docs WHERE run_id = ? AND shard = ?",
                    [audit_run, shard],
                ).fetchall()
            )
            pos_buf: list[int] = []
            txt_buf: list[str] = []
            found = 0
            try:
                for doc in ShardReader([shard], icfg).read_shard(shard):
                    pos = doc.metadata.get("_pos")
                    if pos not in want or "_error" in doc.metadata:
                        continue
                    if exact_hash(doc.text) != want[pos]:
                        raise CurateError(
                            f"{shard}: record {pos} changed since the audit (its text no longer "
                            "matches the stored exact_hash); re-run the audit"
                        )
                    pos_buf.append(int(pos))
                    txt_buf.append(doc.text)
                    found += 1
                    if len(txt_buf) >= batch:
                        _write_batch(writer, schema, hasher, audit_run, shard, pos_buf, txt_buf)
            except OSError as e:
                raise CurateError(
                    f"{shard}: cannot read the shard back to compute signatures ({e}); restore it, "
                    "or use the audit's signatures (no --num-perm/--ngram)"
                ) from None
            _write_batch(writer, schema, hasher, audit_run, shard, pos_buf, txt_buf)
            if found != len(want):
                raise CurateError(
                    f"{shard}: {len(want) - found} audited records are missing from the shard; "
                    "it changed since the audit; re-run the audit"
                )
            total += found
    return total


def _write_batch(
    writer: Any,
    schema: Any,
    hasher: MinHasher,
    audit_run: str,
    shard: str,
    positions: list[int],
    texts: list[str],
) -> None:
    """Sign `texts` and append their rows to `writer`; empties both buffers."""
    if not texts:
        return
    sigs = hasher.signatures(texts)
    k = sigs.shape[1]
    mh = pa.ListArray.from_arrays(
        pa.array(np.arange(0, sigs.size + 1, k, dtype=np.int32)),
        pa.array(sigs.reshape(-1), pa.uint32()),
    )
    n = len(texts)
    cols = {"run_id": [audit_run] * n, "shard": [shard] * n, "position": positions, "minhash": mh}
    writer.write_table(pa.table(cols, schema=schema))
    positions.clear()
    texts.clear()
