"""Exact Jaccard of candidate pairs from their texts (the ``verify = "text"`` step of the LSH).

Only candidate pairs whose signature estimate is close to the threshold come here (see
`curate.dedup.lsh.verify`), so the texts of a small fraction of documents are read.

- `TextJaccard(texts_of, minhash_cfg)`: exact Jaccard of the documents' shingle sets, with the
  shingles of `curate.dedup.minhash` (same normalization and n-grams as the signatures) hashed to
  32 bits by the vectorized kernel (a collision between two of a pair's ~10^3 shingles has
  probability ~10^-4, negligible against the estimate's noise it replaces).
- `StoreTexts`: `texts_of` for an audit run: reads the needed records back from the run's shards
  with the audit's own reader (`curate.reading.ShardReader`, same input settings as the audit) and
  checks each text against the stored ``exact_hash``, so a shard changed since the audit is an
  error, never a silent wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from curate.dedup.minhash import MinHashConfig, MinHasher
from curate.errors import CurateError
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
        from curate.config import build
        from curate.reading import InputConfig, ShardReader

        m = self.meta(np.asarray(idx, dtype=np.int64))
        shards, positions, hashes = m["shard"], m["position"], m["exact_hash"]
        want: dict[str, dict[int, int]] = {}
        for k, (s, p) in enumerate(zip(shards.tolist(), positions.tolist(), strict=True)):
            want.setdefault(s, {})[int(p)] = k
        inputs = dict(self.audit_config.get("inputs") or {})
        inputs["paths"] = tuple(sorted(want))
        cfg = build(InputConfig, inputs, "audit run config [inputs]")
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
