"""What dedup reads from the store: the audit run, its documents and their signatures.

Documents are taken in (shard, position) order; the row number in that order is a document's
index ``idx`` for everything in `curate.dedup.clusters`.

- `resolve_audit_run`: the run to deduplicate (the last done audit unless named);
- `load_memory`: ``docs`` LEFT JOIN the signature relation into numpy (``mode = "memory"``);
- `signature_counts` + `export_signatures`: the same rows written by DuckDB to a Parquet
  `SignatureFile` with each document's exact-group head (``mode = "sharded"``: only cluster
  members are ever loaded afterwards);
- `text_verifier`: the exact-Jaccard check of pairs near the threshold (``verify = "text"``),
  reading the texts back from the audit's shards.

The signature relation is ``signatures`` (the audit's) or a ``read_parquet(...)`` of signatures
recomputed with other MinHash settings (`curate.dedup.verify.recompute_signatures`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from curate import store
from curate.dedup.lsh import LSHConfig
from curate.dedup.scale import SignatureFile
from curate.dedup.verify import StoreTexts, TextJaccard
from curate.errors import CurateError
from curate.files import atomic_path
from curate.minhash import MAX_HASH, MinHashConfig

Meta = Callable[[np.ndarray], dict[str, np.ndarray]]

_RUN_QUERY = """
SELECT d.shard, d.position, d.doc_id, d.exact_hash, s.minhash
FROM docs d LEFT JOIN {sigs} s
  ON s.run_id = d.run_id AND s.shard = d.shard AND s.position = d.position
WHERE d.run_id = ?
ORDER BY d.shard, d.position
"""


def resolve_audit_run(con: Any, run: str | None) -> str:
    if run is None:
        run = store.last_run(con, "audit")
        if run is None:
            raise CurateError("no finished audit run in this workspace; run `curate audit` first")
        return run
    rows = con.execute("SELECT kind, status FROM runs WHERE run_id = ?", [run]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        known = [
            r[0] for r in con.execute("SELECT run_id FROM runs WHERE kind = 'audit'").fetchall()
        ]
        raise CurateError(f"run {run!r} not found; audit runs: {', '.join(known) or '(none)'}")
    if row[0] != "audit" or row[1] != "done":
        raise CurateError(f"run {run!r} is a {row[1]} {row[0]} run; dedup needs a done audit run")
    return run


def audit_config(con: Any, audit_run: str) -> dict[str, Any]:
    """The audit run's recorded config (how to read its shards back)."""
    rows = con.execute("SELECT config FROM runs WHERE run_id = ?", [audit_run]).fetchall()
    row = rows[0] if rows else None
    return json.loads(row[0]) if row and row[0] else {}


def text_verifier(
    con: Any, audit_run: str, lsh: LSHConfig, meta: Meta, mcfg: MinHashConfig
) -> TextJaccard | None:
    """The exact-Jaccard verifier reading texts back from the audit's shards (verify = "text");
    `meta(idx)` gives shard, position and exact_hash of documents."""
    if lsh.verify != "text":
        return None
    return TextJaccard(StoreTexts(audit_config(con, audit_run), meta), mcfg)


def signature_matrix(col: pa.ChunkedArray, n: int) -> tuple[np.ndarray, int]:
    """(n, num_perm) uint32 from a list<uint32> column; rows without a signature are all-MAX."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    valid = np.asarray(arr.is_valid())
    lens = np.asarray(arr.value_lengths().fill_null(0))
    lengths = set(np.unique(lens[valid]).tolist())
    if len(lengths) > 1:
        raise CurateError(f"signatures of this run have different lengths {sorted(lengths)}")
    num_perm = lengths.pop() if lengths else 0
    sigs = np.full((n, max(num_perm, 1)), MAX_HASH, dtype=np.uint32)
    if num_perm:
        flat = np.asarray(arr.flatten(), dtype=np.uint32)
        sigs[valid] = flat.reshape(-1, num_perm)
    return sigs, num_perm


@dataclass
class MemoryRun:
    """An audit run's documents in memory: signature rows and the columns, by idx."""

    table: pa.Table
    cols: dict[str, np.ndarray]  # shard, position, doc_id, exact_hash

    @property
    def n(self) -> int:
        return self.table.num_rows

    def meta(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        return {k: v[idx] for k, v in self.cols.items()}

    def n_unsigned(self) -> int:
        if not self.n:
            return 0
        return int(self.n - np.asarray(self.table.column("minhash").is_valid()).sum())


def load_memory(con: Any, audit_run: str, sig_rel: str) -> MemoryRun:
    tbl = con.sql(_RUN_QUERY.format(sigs=sig_rel), params=[audit_run]).to_arrow_table()
    cols = {
        "shard": np.asarray(tbl.column("shard").to_pylist(), dtype=object),
        "position": np.asarray(tbl.column("position").to_pylist(), dtype=np.int64),
        "doc_id": np.asarray(tbl.column("doc_id").to_pylist(), dtype=object),
        "exact_hash": np.asarray(tbl.column("exact_hash").to_pylist(), dtype=object),
    }
    return MemoryRun(tbl, cols)


def signature_counts(con: Any, audit_run: str, sig_rel: str) -> tuple[int, int, int]:
    """(documents, signature length, signed documents) of the run; one length or an error."""
    row = con.execute(
        "SELECT count(*), max(len(s.minhash)), min(len(s.minhash)), count(s.minhash) FROM docs d "
        f"LEFT JOIN {sig_rel} s ON s.run_id = d.run_id AND s.shard = d.shard "
        "AND s.position = d.position WHERE d.run_id = ?",
        [audit_run],
    ).fetchall()[0]
    n, num_perm, min_perm, n_signed = int(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3])
    if num_perm != min_perm:
        raise CurateError(f"signatures of run {audit_run} have different lengths")
    return n, num_perm, n_signed


def export_signatures(
    con: Any, audit_run: str, sig_rel: str, work: Path, num_perm: int
) -> tuple[SignatureFile, np.ndarray, np.ndarray]:
    """DuckDB writes the run's signatures (idx order, with exact-group heads; unsigned rows
    all-MAX) to ``work/signatures.parquet``; returns (the file, exact-edge heads, their members)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "signatures.parquet"
    empty = "[" + ", ".join(["4294967295"] * max(num_perm, 1)) + "]::UINTEGER[]"
    with atomic_path(path) as tmp:
        con.execute(
            f"""
            COPY (
                SELECT idx, shard, position, doc_id, exact_hash, minhash,
                       CASE WHEN exact_hash IS NULL THEN idx
                            ELSE min(idx) OVER (PARTITION BY exact_hash) END AS head
                FROM (
                    SELECT row_number() OVER (ORDER BY d.shard, d.position) - 1 AS idx,
                           d.shard, d.position, d.doc_id, d.exact_hash,
                           coalesce(s.minhash, {empty}) AS minhash
                    FROM docs d LEFT JOIN {sig_rel} s
                      ON s.run_id = d.run_id AND s.shard = d.shard AND s.position = d.position
                    WHERE d.run_id = $run
                )
                ORDER BY idx
            ) TO '{str(tmp).replace("'", "''")}' (FORMAT parquet, ROW_GROUP_SIZE 65536)
            """,
            {"run": audit_run},
        )
    edges = con.execute(
        "SELECT idx, head FROM read_parquet(?) WHERE idx <> head ORDER BY idx", [str(path)]
    ).fetchnumpy()
    heads = np.asarray(edges["head"], dtype=np.int64)
    members = np.asarray(edges["idx"], dtype=np.int64)
    return SignatureFile(path), heads, members
