"""Bucket-sharded LSH: near-duplicates for runs whose index does not fit in one process.

Three stages that communicate only through Parquet files in one directory (local disk or any
shared file system), so each stage's tasks can run in one process, in many processes, or on many
machines (`BucketsStage` and `PairsStage` wrap them as datatrove blocks for its local / Slurm /
Ray executors):

1. ``stage_buckets(task, n_tasks)``: a task reads its slice of signature batches, computes each
   document's band bucket ids (`curate.dedup.lsh.band_keys` / `bucket_ids`, the in-memory path's
   functions) and writes ``buckets/part-<p>/task-<t>-<batch>.parquet`` (bucket, idx), where
   ``p = bucket % n_parts``. Memory: one batch of signatures.
2. ``stage_pairs(part)``: a task reads every file of its partition (all members of a bucket are in
   one partition), generates candidate pairs with `curate.dedup.lsh.bucket_pairs` (same rule and
   bucket cap as in memory), looks the two signatures of each candidate up and keeps pairs whose
   estimated Jaccard reaches the threshold: ``pairs/part-<p>.parquet`` (u, v, jaccard). Memory:
   one partition (about 1/n_parts of the bucket index). With ``verify = "text"`` and no text
   access in the task, pairs near the threshold are written with ``unsure = true``.
3. ``stage_edges``: concatenates the verified pairs and decides the ``unsure`` ones in one pass
   over the shards; union-find then runs over the nodes that occur in pairs only
   (`curate.dedup.unionfind.compact_components`).

`near_edges_sharded` runs stages 1-2 one task after another in this process; `near_edges_on` runs
them as tasks of a `curate.executors` executor (local or Ray; `curate dedup --executor`).

Because buckets, pair generation and verification are the same functions as the in-memory path,
the clusters are identical (tested). `SignatureFile` is the signature source both stages read:
a Parquet file with ``idx`` (0..n-1), ``minhash`` (list<uint32>) and ``head`` (the first index of
the document's exact-duplicate group; only heads are indexed, as in memory).
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.pipeline.base import PipelineStep
from tqdm import tqdm

from curate.dedup.lsh import (
    ExactJaccard,
    LSHConfig,
    band_keys,
    bucket_ids,
    bucket_pairs,
    classify,
    estimate_jaccard,
    non_empty,
    verify,
)
from curate.dedup.verify import StoreTexts, TextJaccard, audit_minhash_config
from curate.executors import ExecutorConfig, make_executor, run_executor
from curate.files import atomic_path

BATCH_ROWS = 65536


def write_parquet(path: str | Path, table: pa.Table) -> None:
    """`table` as a zstd Parquet file, written to a temp name and renamed."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def _sig_matrix(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if len(arr) == 0:
        return np.empty((0, 0), dtype=np.uint32)
    flat = np.asarray(arr.flatten(), dtype=np.uint32)
    return flat.reshape(len(arr), -1)


class SignatureFile:
    """Signatures on disk: batches in idx order, and lookup of rows by idx (via DuckDB)."""

    def __init__(self, path: str | Path, batch_rows: int = BATCH_ROWS) -> None:
        self.path = Path(path)
        self.batch_rows = batch_rows

    @classmethod
    def write(cls, path: str | Path, sigs: np.ndarray, heads: np.ndarray) -> SignatureFile:
        """Write in-memory signatures (tests, benches; the store path writes it with DuckDB)."""
        n, k = sigs.shape
        values = pa.array(sigs.reshape(-1), pa.uint32())
        offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
        table = pa.table(
            {
                "idx": pa.array(np.arange(n, dtype=np.int64)),
                "minhash": pa.ListArray.from_arrays(offsets, values),
                "head": pa.array(np.asarray(heads, dtype=np.int64)),
            }
        )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, row_group_size=BATCH_ROWS)
        return cls(path)

    def batches(self, task: int = 0, n_tasks: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(idx, sigs) of the task's share of batches, heads only (exact-group representatives)."""
        f = pq.ParquetFile(self.path)
        for b, batch in enumerate(
            f.iter_batches(batch_size=self.batch_rows, columns=["idx", "minhash", "head"])
        ):
            if b % n_tasks != task:
                continue
            idx = np.asarray(batch.column("idx"), dtype=np.int64)
            keep = idx == np.asarray(batch.column("head"), dtype=np.int64)
            if not keep.any():
                continue
            sigs = _sig_matrix(batch.column("minhash").filter(pa.array(keep)))
            yield idx[keep], sigs

    def lookup(
        self, idx: np.ndarray, columns: tuple[str, ...] = ("minhash",)
    ) -> dict[str, np.ndarray]:
        """Rows for `idx` (any order, repeats allowed), aligned with `idx`."""
        idx = np.asarray(idx, dtype=np.int64)
        want, inv = np.unique(idx, return_inverse=True)
        con = duckdb.connect()
        try:
            con.register("want", pa.table({"idx": want}))
            cols = ", ".join(f"f.{c}" for c in columns)
            tbl = con.sql(
                f"SELECT f.idx, {cols} FROM read_parquet(?) f JOIN want USING (idx) ORDER BY f.idx",
                params=[str(self.path)],
            ).to_arrow_table()
        finally:
            con.close()
        got = np.asarray(tbl.column("idx"), dtype=np.int64)
        if got.size != want.size or not np.array_equal(got, want):
            raise KeyError(f"{self.path}: {want.size - got.size} requested rows missing")
        out: dict[str, np.ndarray] = {}
        for c in columns:
            col = tbl.column(c)
            vals = _sig_matrix(col) if c == "minhash" else np.asarray(col.to_pylist(), dtype=object)
            if c in ("head", "position"):
                vals = vals.astype(np.int64)
            out[c] = vals[inv]
        return out


def stage_buckets(
    src: SignatureFile, cfg: LSHConfig, work: Path, task: int, n_tasks: int, n_parts: int
) -> int:
    """Stage 1 for one task: write its bucket memberships partitioned by bucket. Returns rows."""
    written = 0
    for b, (idx, sigs) in enumerate(src.batches(task, n_tasks)):
        cfg.check_signature_length(sigs.shape[1])
        live = non_empty(sigs)
        idx, sigs = idx[live], sigs[live]
        if idx.size == 0:
            continue
        keys = band_keys(sigs, cfg.bands, cfg.rows)
        buckets = np.concatenate([bucket_ids(keys[:, j], j) for j in range(cfg.bands)])
        members = np.tile(idx, cfg.bands)
        part = (buckets % np.uint64(n_parts)).astype(np.int64)
        order = np.argsort(part, kind="stable")
        part, buckets, members = part[order], buckets[order], members[order]
        bounds = np.searchsorted(part, np.arange(n_parts + 1))
        for p in range(n_parts):
            lo, hi = bounds[p], bounds[p + 1]
            if hi > lo:
                path = work / "buckets" / f"part-{p:05d}" / f"task-{task:05d}-{b:06d}.parquet"
                write_parquet(path, pa.table({"bucket": buckets[lo:hi], "idx": members[lo:hi]}))
                written += int(hi - lo)
    return written


def stage_pairs(
    src: SignatureFile,
    cfg: LSHConfig,
    work: Path,
    part: int,
    n_parts: int,
    exact: ExactJaccard | None = None,
) -> int:
    """Stage 2 for one partition: verified candidate pairs. Returns the number kept.

    With ``verify = "text"`` and no `exact`, pairs to be decided on text are kept with
    ``unsure = true`` for `stage_edges` to decide in one pass over the shards."""
    files = sorted((work / "buckets" / f"part-{part:05d}").glob("*.parquet"))
    if files:
        t = pa.concat_tables([pq.read_table(f) for f in files])
        pairs = bucket_pairs(
            np.asarray(t.column("bucket"), dtype=np.uint64),
            np.asarray(t.column("idx"), dtype=np.int64),
            cfg.max_bucket,
        )
    else:
        pairs = np.empty((0, 2), dtype=np.int64)
    est = np.empty(0)
    unsure = np.zeros(0, dtype=bool)
    if pairs.size:
        sig = src.lookup(pairs.reshape(-1))["minhash"].reshape(pairs.shape[0], 2, -1)
        # a pair sharing buckets in several partitions is verified once: by the partition of the
        # first band in which it collides
        ku = band_keys(sig[:, 0], n_bands := cfg.bands, cfg.rows)
        kv = band_keys(sig[:, 1], n_bands, cfg.rows)
        first = np.argmax(ku == kv, axis=1)
        rows = np.arange(pairs.shape[0])
        owner = np.empty(pairs.shape[0], dtype=np.int64)
        for j in np.unique(first):
            sel = rows[first == j]
            owner[sel] = (bucket_ids(ku[sel, j], int(j)) % np.uint64(n_parts)).astype(np.int64)
        mine = owner == part
        pairs, sig = pairs[mine], sig[mine]
        est = estimate_jaccard(sig[:, 0], sig[:, 1])
        if exact is not None or cfg.verify == "signature":
            ok = verify(pairs, est, cfg, exact)
            unsure = np.zeros(int(ok.sum()), dtype=bool)
        else:
            ok, uns = classify(est, cfg)
            ok |= uns
            unsure = uns[ok]
        pairs, est = pairs[ok], est[ok]
    write_parquet(
        work / "pairs" / f"part-{part:05d}.parquet",
        pa.table({"u": pairs[:, 0], "v": pairs[:, 1], "jaccard": est, "unsure": unsure}),
    )
    return int(pairs.shape[0])


def stage_edges(
    work: Path, cfg: LSHConfig | None = None, exact: ExactJaccard | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 3 input: all verified near pairs (u < v), unique and sorted.

    Pairs stage 2 left ``unsure`` are decided here with `exact`, all in one call (one pass over
    the shards they come from)."""
    files = sorted((work / "pairs").glob("part-*.parquet"))
    if not files:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    t = pa.concat_tables([pq.read_table(f, columns=["u", "v", "unsure"]) for f in files])
    p = np.stack([np.asarray(t.column("u")), np.asarray(t.column("v"))], axis=1).astype(np.int64)
    unsure = np.asarray(t.column("unsure"), dtype=bool)
    if unsure.any():
        if exact is None or cfg is None:
            raise ValueError("unsure pairs need the LSH config and an exact-Jaccard function")
        keep = ~unsure
        keep[unsure] = exact(p[unsure]) >= cfg.threshold
        p = p[keep]
    p = np.unique(p, axis=0) if p.size else p.reshape(0, 2)
    return p[:, 0], p[:, 1]


def near_edges_sharded(
    src: SignatureFile,
    cfg: LSHConfig,
    work: Path,
    n_tasks: int,
    exact: ExactJaccard | None = None,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Run stages 1-2 for every task in this process (sequentially) and return the edges."""
    if work.exists():
        shutil.rmtree(work)
    opts = {"file": sys.stderr, "disable": not progress, "leave": False}
    for t in tqdm(range(n_tasks), desc="stage 1: buckets", **opts):
        stage_buckets(src, cfg, work, t, n_tasks, n_tasks)
    for p in tqdm(range(n_tasks), desc="stage 2: pairs", **opts):
        stage_pairs(src, cfg, work, p, n_tasks)
    return stage_edges(work, cfg, exact)


# ---------------------------------------------------------------------------------------------
# datatrove blocks: the same stages on datatrove's executors (local, Slurm, Ray)


class BucketsStage(PipelineStep):
    """Stage 1 as a datatrove block: task `rank` of `world_size` buckets its share of batches.

    ``n_parts`` (the number of stage-2 partitions) is independent of the number of stage-1 tasks.
    """

    name = "dedup: LSH buckets"
    type = "🫂 - DEDUP"

    def __init__(
        self, signatures: str, work: str, lsh: LSHConfig, n_parts: int, batch_rows: int = BATCH_ROWS
    ) -> None:
        super().__init__()
        self.signatures, self.work, self.lsh, self.n_parts = signatures, work, lsh, n_parts
        self.batch_rows = batch_rows

    def run(self, data=None, rank: int = 0, world_size: int = 1):  # type: ignore[override]
        if data:
            yield from data
        n = stage_buckets(
            SignatureFile(self.signatures),
            self.lsh,
            Path(self.work),
            rank,
            world_size,
            self.n_parts,
        )
        self.stat_update("bucket_rows", value=n)


class PairsStage(PipelineStep):
    """Stage 2 as a datatrove block: task `rank` verifies partitions rank, rank + world_size, ...

    With ``lsh.verify == "text"`` and ``audit_config`` (the audit run's config: how to read its
    shards back) it decides pairs on text itself (the signature file must then hold shard,
    position and exact_hash columns); without it, those pairs are kept ``unsure`` for
    `stage_edges` to decide (what `curate dedup --executor` does).
    """

    name = "dedup: candidate pairs"
    type = "🫂 - DEDUP"

    def __init__(
        self,
        signatures: str,
        work: str,
        lsh: LSHConfig,
        n_parts: int,
        audit_config: dict | None = None,
    ) -> None:
        super().__init__()
        self.signatures, self.work, self.lsh, self.n_parts = signatures, work, lsh, n_parts
        self.audit_config = audit_config

    def run(self, data=None, rank: int = 0, world_size: int = 1):  # type: ignore[override]
        if data:
            yield from data
        src = SignatureFile(self.signatures)
        exact = None
        if self.lsh.verify == "text" and self.audit_config is not None:
            meta = lambda i: src.lookup(i, ("shard", "position", "exact_hash"))  # noqa: E731
            exact = TextJaccard(
                StoreTexts(self.audit_config, meta), audit_minhash_config(self.audit_config)
            )
        for p in range(rank, self.n_parts, world_size):
            n = stage_pairs(src, self.lsh, Path(self.work), p, self.n_parts, exact)
            self.stat_update("verified_pairs", value=n)


def near_edges_on(
    executor: ExecutorConfig,
    tasks: int,
    signatures: Path,
    work: Path,
    cfg: LSHConfig,
    exact: ExactJaccard | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stages 1-2 as `tasks` tasks of `executor` (files in `work`, which every worker must
    reach); pairs left unsure on signatures are decided on text here, in stage 3."""
    lsh_work = work / "lsh"
    for d in (lsh_work, work / "logs-buckets", work / "logs-pairs"):
        if d.exists():
            shutil.rmtree(d)
    ex = dataclasses.replace(executor, tasks=tasks)
    steps: dict[str, Any] = {
        "buckets": BucketsStage(str(signatures), str(lsh_work), cfg, tasks),
        "pairs": PairsStage(str(signatures), str(lsh_work), cfg, tasks),
    }
    for name, step in steps.items():
        run_executor(make_executor(ex, [step], work / f"logs-{name}", job=f"dedup-{name}"))
    return stage_edges(lsh_work, cfg, exact)
