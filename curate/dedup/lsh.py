"""Banded MinHash LSH with candidate verification (a vectorized equivalent of datasketch's MinHashLSH).

Index: a signature of ``num_perm`` values is cut into ``bands`` bands of ``rows`` values (the first
``bands * rows`` values are used); two documents are *candidates* when some band is identical.
That is exactly datasketch's ``MinHashLSH(params=(bands, rows))`` rule (tested against it), but
instead of Python dicts of byte strings each band becomes a 64-bit key (`band_keys`) and a band's
buckets are found with one sort, so the index costs ``8 * bands`` bytes per document plus sort
temporaries (figures in docs/dedup.md).

Verification (`verify`): candidates are meant to be generous (default 32 bands x 4 rows: a pair
with Jaccard 0.8 becomes a candidate with probability 1 - (1 - 0.8**4)**32 > 0.99999, one with 0.5
with 0.87); then each candidate's Jaccard is *estimated from the full signatures* (fraction of equal
values). With ``verify = "signature"`` the estimate decides (>= threshold). Its noise (standard
deviation ~0.035 at J = 0.8 with 128 values) misclassifies pairs close to the threshold: on the
quality benchmark that cost ~8% recall and precision. With ``verify = "text"`` (the default) only
pairs whose estimate is within ``margin`` of the threshold are decided by the exact Jaccard of
their shingle sets, computed from the texts (read back from the shards by the store path); the
rest are decided by the estimate. datasketch's own LSH at threshold 0.8 picks (bands, rows) that
balance false positives and negatives and so misses ~20% of pairs at J = 0.8.

Buckets: a bucket with more than ``max_bucket`` members would produce a quadratic number of pairs,
so its members are paired with its first ``max_bucket`` members only (in document order). Any member
then shares a candidate pair with the bucket's head members; huge near-duplicate families still end
in one cluster through them. Pair generation is the same function in memory and in the sharded
path (`curate.dedup.scale`), so both give identical pairs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from tqdm import tqdm

from curate.errors import ConfigError
from curate.minhash import MAX_HASH, fmix64

_FOLD = np.uint64(0x9FB21C651E98DF25)
CHUNK = 16384  # rows per block of signature temporaries (8 MB at 128 values)


@dataclass(frozen=True)
class LSHConfig:
    """Candidate generation and verification. ``bands * rows`` must be <= the signature length."""

    threshold: float = 0.8
    bands: int = 32
    rows: int = 4
    max_bucket: int = 64
    verify: Literal["text", "signature"] = "text"
    margin: float = 0.15

    def validate(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 <= self.margin <= 1.0:
            raise ConfigError(f"margin must be in [0, 1], got {self.margin}")
        if self.bands < 1 or self.rows < 1:
            raise ConfigError(f"bands and rows must be >= 1, got {self.bands} x {self.rows}")
        if self.max_bucket < 2:
            raise ConfigError(f"max_bucket must be >= 2, got {self.max_bucket}")

    def check_signature_length(self, num_perm: int, where: str = "dedup") -> None:
        if self.bands * self.rows > num_perm:
            raise ConfigError(
                f"{where}: bands x rows = {self.bands} x {self.rows} = {self.bands * self.rows} "
                f"exceeds the signature length {num_perm}; lower bands or rows"
            )

    def candidate_probability(self, jaccard: float) -> float:
        """Probability that a pair with this Jaccard becomes a candidate (the LSH S-curve)."""
        return 1.0 - (1.0 - jaccard**self.rows) ** self.bands


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64: a hash of each band's `rows` values (equal bands -> equal keys)."""
    n = sigs.shape[0]
    v = np.ascontiguousarray(sigs[:, : bands * rows]).reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    for j in range(rows):
        key = fmix64(key * _FOLD + v[:, :, j] + np.uint64(j + 1))
    return key


def non_empty(sigs: np.ndarray, rows: np.ndarray | None = None, chunk: int = CHUNK) -> np.ndarray:
    """Rows (of `sigs`, or the rows `rows` of it) that are not the empty-document signature (all
    values MAX_HASH); in chunks, so no full-size comparison matrix is made."""
    n = sigs.shape[0] if rows is None else rows.size
    out = np.empty(n, dtype=bool)
    for s in range(0, n, chunk):
        block = sigs[s : s + chunk] if rows is None else sigs[rows[s : s + chunk]]
        out[s : s + chunk] = ~(block == MAX_HASH).all(axis=1)
    return out


def _ragged_arange(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """concatenate([arange(s, s + c) for s, c in zip(starts, counts)]) without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offs = np.cumsum(counts) - counts
    return np.repeat(starts - offs, counts) + np.arange(total, dtype=np.int64)


def bucket_pairs(group: np.ndarray, idx: np.ndarray, max_bucket: int) -> np.ndarray:
    """Candidate pairs from bucket memberships.

    `group` (uint64 or int64) identifies a bucket (band and key hashed together), `idx` the
    document. Returns an (m, 2) int64 array of unique pairs (lo, hi), lo < hi, sorted.
    """
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.lexsort((idx, group))
    g, m = group[order], idx[order].astype(np.int64)
    brk = np.flatnonzero(g[1:] != g[:-1]) + 1
    gs = np.concatenate(([0], brk))
    sz = np.diff(np.concatenate((gs, [g.size])))
    keep = sz >= 2
    gs, sz = gs[keep], sz[keep]
    out: list[np.ndarray] = []
    if gs.size:
        for j in range(min(max_bucket, int(sz.max()) - 1)):
            sel = sz > j + 1
            heads = gs[sel] + j
            cnt = sz[sel] - j - 1
            right = _ragged_arange(heads + 1, cnt)
            left = np.repeat(heads, cnt)
            out.append(np.stack([m[left], m[right]], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def bucket_ids(keys: np.ndarray, band: int) -> np.ndarray:
    """One id per (band, key): keys of different bands never share a bucket."""
    salt = np.uint64(((band + 1) * int(_FOLD)) & ((1 << 64) - 1))
    return fmix64(keys ^ salt)


def estimate_jaccard(a: np.ndarray, b: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Row-wise fraction of equal signature values between a[i] and b[i] (float64)."""
    out = np.empty(a.shape[0], dtype=np.float64)
    for s in range(0, a.shape[0], chunk):
        out[s : s + chunk] = (a[s : s + chunk] == b[s : s + chunk]).mean(axis=1)
    return out


def estimate_pairs(
    sigs: np.ndarray, u: np.ndarray, v: np.ndarray, chunk: int = CHUNK
) -> np.ndarray:
    """`estimate_jaccard(sigs[u], sigs[v])` without materializing the two row sets at once."""
    out = np.empty(u.size, dtype=np.float64)
    for s in range(0, u.size, chunk):
        out[s : s + chunk] = (sigs[u[s : s + chunk]] == sigs[v[s : s + chunk]]).mean(axis=1)
    return out


def candidate_pairs(
    sigs: np.ndarray,
    cfg: LSHConfig,
    rows_idx: np.ndarray | None = None,
    progress: bool = False,
    select: np.ndarray | None = None,
) -> np.ndarray:
    """All LSH candidate pairs among `sigs` (indices into sigs, or into `rows_idx` when given).

    `select`: only these rows of `sigs` take part, and pairs name them by their row in `sigs`
    (what ``candidate_pairs(sigs[select], cfg, select)`` gives, without the copy).

    Bands are processed one at a time; each band's pairs are merged into the sorted unique pairs
    found so far (as 64-bit ``lo << 32 | hi`` keys), so a pair colliding in many bands is held
    once, not once per band."""
    if select is not None:
        idx = np.asarray(select, dtype=np.int64)
    else:
        idx = np.arange(sigs.shape[0], dtype=np.int64) if rows_idx is None else rows_idx
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    cfg.check_signature_length(sigs.shape[1])
    packed = int(idx.max()) < 1 << 32
    acc = np.empty(0, dtype=np.uint64)
    parts = []
    bar = tqdm(
        range(cfg.bands), desc="LSH bands", file=sys.stderr, disable=not progress, leave=False
    )
    for band in bar:
        cols = slice(band * cfg.rows, (band + 1) * cfg.rows)
        block = sigs[:, cols] if select is None else sigs[idx, cols]
        keys = band_keys(block, 1, cfg.rows)[:, 0]
        del block
        p = bucket_pairs(bucket_ids(keys, band), idx, cfg.max_bucket)
        del keys
        if packed:
            acc = np.union1d(
                acc, (p[:, 0].astype(np.uint64) << np.uint64(32)) | p[:, 1].astype(np.uint64)
            )
        else:
            parts.append(p)
    if packed:
        hi = (acc & np.uint64(0xFFFFFFFF)).astype(np.int64)
        return np.stack([(acc >> np.uint64(32)).astype(np.int64), hi], axis=1)
    pairs = np.concatenate(parts)
    return np.unique(pairs, axis=0) if pairs.size else pairs.reshape(0, 2)


ExactJaccard = Callable[[np.ndarray], np.ndarray]
"""Exact Jaccard of document pairs ((m, 2) int64 indices -> m floats), from the texts."""


def verify(
    pairs: np.ndarray, est: np.ndarray, cfg: LSHConfig, exact: ExactJaccard | None
) -> np.ndarray:
    """Mask of candidate pairs that are near duplicates.

    ``verify = "signature"``: estimate >= threshold. ``verify = "text"``: an estimate at least
    ``margin`` above the threshold is accepted and one more than ``margin`` below rejected (the
    estimate's standard deviation is at most 0.044 with 128 values, so a margin of 0.15 is about 3.4
    sigma); pairs in between get their exact Jaccard from the texts via `exact`.
    """
    ok, unsure = classify(est, cfg)
    if unsure.any():
        if exact is None:
            raise ValueError("verify='text' needs an exact-Jaccard function (the documents' texts)")
        idx = np.flatnonzero(unsure)
        ok[idx] = exact(pairs[idx]) >= cfg.threshold
    return ok


def classify(est: np.ndarray, cfg: LSHConfig) -> tuple[np.ndarray, np.ndarray]:
    """(accepted by the estimate, to be decided on text) masks; see `verify`."""
    if cfg.verify == "signature":
        return est >= cfg.threshold, np.zeros(est.shape, dtype=bool)
    ok = est >= cfg.threshold + cfg.margin
    return ok, (est >= cfg.threshold - cfg.margin) & ~ok


def near_pairs(
    sigs: np.ndarray,
    cfg: LSHConfig,
    exact: ExactJaccard | None = None,
    progress: bool = False,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Verified near-duplicate pairs among the rows of `sigs` and their estimated Jaccard.

    Empty-document signatures take no part (they are exact duplicates of each other, nothing else).
    `rows` (sorted row indices): only these rows take part. Pairs, and the pairs given to `exact`
    (needed when ``cfg.verify == "text"``), are row indices of `sigs`. Signatures are never
    copied: band keys and estimates are computed on blocks of rows."""
    rows = np.arange(sigs.shape[0], dtype=np.int64) if rows is None else np.asarray(rows, np.int64)
    live = rows[non_empty(sigs, rows)]
    pairs = candidate_pairs(sigs, cfg, progress=progress, select=live)
    if pairs.size == 0:
        return pairs, np.empty(0)
    est = estimate_pairs(sigs, pairs[:, 0], pairs[:, 1])
    ok = verify(pairs, est, cfg, exact)
    return pairs[ok], est[ok]
