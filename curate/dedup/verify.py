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

import bisect
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
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
    """Callable: (m, 2) document indices -> exact Jaccard of their shingle sets.

    Memory does not grow with the number of pairs' documents: texts come `batch` documents at a
    time (from ``texts_of.iter_texts(ids, batch)`` when `texts_of` has it, e.g. `StoreTexts`,
    which reads each shard once; else from ``texts_of(ids[a:b])``), each batch's shingle sets
    are appended to an unnamed temporary file in `scratch`, and pairs are decided reading two
    sets back at a time."""

    def __init__(
        self,
        texts_of: Callable[[np.ndarray], Sequence[str]],
        cfg: MinHashConfig,
        batch: int = 1024,
        scratch: str | Path | None = None,
    ) -> None:
        self.texts_of = texts_of
        self.hasher = MinHasher(cfg)
        self.batch = batch
        self.scratch = scratch
        self.n_docs_read = 0
        self.n_pairs = 0

    def _texts(self, ids: np.ndarray) -> Iterator[tuple[np.ndarray, list[str]]]:
        """(positions in `ids`, their texts) in batches."""
        stream = getattr(self.texts_of, "iter_texts", None)
        if stream is not None:
            yield from stream(ids, self.batch)
            return
        for a in range(0, ids.size, self.batch):
            yield (
                np.arange(a, min(a + self.batch, ids.size)),
                list(self.texts_of(ids[a : a + self.batch])),
            )

    def __call__(self, pairs: np.ndarray) -> np.ndarray:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        ids, inv = np.unique(pairs, return_inverse=True)
        inv = inv.reshape(-1, 2)
        out = np.empty(pairs.shape[0], dtype=np.float64)
        with SetFile(ids.size, self.scratch) as sets:
            for ks, texts in self._texts(ids):
                hashes = self.hasher.shingle_hashes(texts)
                del texts
                for k, h in zip(ks.tolist(), hashes, strict=True):
                    sets.put(k, np.unique(h))
            for a in range(0, inv.shape[0], 4096):
                for k, (i, j) in enumerate(inv[a : a + 4096].tolist(), a):
                    x, y = sets.get(i), sets.get(j)
                    if x.size == 0 and y.size == 0:
                        out[k] = 1.0
                        continue
                    inter = np.intersect1d(x, y, assume_unique=True).size
                    out[k] = inter / (x.size + y.size - inter)
        self.n_docs_read += ids.size
        self.n_pairs += pairs.shape[0]
        return out


class SetFile:
    """Sorted uint32 shingle sets of items 0..n-1, written once each to an unnamed temporary
    file and read back one at a time (they live in the page cache, not in this process)."""

    def __init__(self, n: int, scratch: str | Path | None = None) -> None:
        self.n, self.scratch = n, scratch
        self.start = np.zeros(n, dtype=np.int64)
        self.size = np.full(n, -1, dtype=np.int64)
        self.end = 0

    def __enter__(self) -> SetFile:
        if self.scratch is not None:
            Path(self.scratch).mkdir(parents=True, exist_ok=True)
        self.file = tempfile.TemporaryFile(dir=self.scratch)
        self.reading = False
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def put(self, k: int, values: np.ndarray) -> None:
        data = np.ascontiguousarray(values, dtype=np.uint32)
        self.file.write(data.tobytes())
        self.start[k], self.size[k] = self.end, data.size
        self.end += data.size

    def get(self, k: int) -> np.ndarray:
        if not self.reading:
            self.file.flush()
            self.reading = True
        if self.size[k] < 0:
            raise KeyError(f"no shingle set for item {k}")
        self.file.seek(int(self.start[k]) * 4)
        return np.frombuffer(self.file.read(int(self.size[k]) * 4), dtype=np.uint32)


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
        idx = np.asarray(idx, dtype=np.int64)
        out: list[str] = [""] * idx.size
        for ks, texts in self.iter_texts(idx, max(idx.size, 1)):
            for k, t in zip(ks.tolist(), texts, strict=True):
                out[k] = t
        return out

    def iter_texts(self, idx: np.ndarray, batch: int) -> Iterator[tuple[np.ndarray, list[str]]]:
        """(positions in `idx`, their texts), `batch` at a time, in one sequential read of each
        shard that holds some of them; each text is checked against the stored exact_hash.

        `idx` must not repeat a document."""
        idx = np.asarray(idx, dtype=np.int64)
        m = self.meta(idx)
        shards = np.asarray(m["shard"], dtype=object)
        positions = np.asarray(m["position"], dtype=np.int64)
        hashes = np.asarray(m["exact_hash"], dtype=object)
        del m
        names, which = np.unique(shards, return_inverse=True) if idx.size else ([], idx)
        cfg = reader_config(self.audit_config, [str(x) for x in names])
        ks: list[int] = []
        texts: list[str] = []
        for si, shard in enumerate(names):
            sel = np.flatnonzero(which == si)
            sel = sel[np.argsort(positions[sel], kind="stable")]
            found = np.zeros(sel.size, dtype=bool)
            want = positions[sel].tolist()
            j = 0
            for pos, doc in _records(ShardReader([shard], cfg), shard):
                if pos != want[j]:
                    if pos is None or pos < want[j]:
                        continue
                    j = bisect.bisect_left(want, pos, j)  # wanted records the shard skipped
                    if j == len(want):
                        break
                    if pos != want[j]:
                        continue
                k = int(sel[j])
                if "_error" not in doc.metadata and exact_hash(doc.text) == hashes[k]:
                    found[j] = True
                    ks.append(k)
                    texts.append(doc.text)
                    if len(texts) >= batch:
                        yield np.asarray(ks, dtype=np.int64), texts
                        ks, texts = [], []
                j += 1
                if j == len(want):
                    break
            if not found.all():
                k = int(sel[np.flatnonzero(~found)[0]])
                raise CurateError(
                    f"{shards[k]}: record {positions[k]} is missing or changed since the audit "
                    "(its text no longer matches the stored exact_hash); re-run the audit, or run "
                    "dedup with --verify signature"
                )
        if texts:
            yield np.asarray(ks, dtype=np.int64), texts


def _records(reader: ShardReader, shard: str) -> Iterator[tuple[int | None, Any]]:
    """(position, document) of a shard's records; a read failure is a CurateError that says
    what to do."""
    try:
        for doc in reader.read_shard(shard):
            yield doc.metadata.get("_pos"), doc
    except (OSError, CurateError) as e:
        raise CurateError(
            f"{shard}: cannot read the shard back to verify near-duplicate candidates "
            f"({e}); restore it, or run dedup with --verify signature"
        ) from None


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
