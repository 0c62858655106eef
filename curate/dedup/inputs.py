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
import pyarrow.compute as pc

from curate import store
from curate.dedup.lsh import LSHConfig
from curate.dedup.scale import SignatureFile
from curate.dedup.verify import StoreTexts, TextJaccard
from curate.errors import CurateError
from curate.files import atomic_path
from curate.minhash import MAX_HASH, MinHashConfig

Meta = Callable[[np.ndarray], dict[str, np.ndarray]]


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
    con: Any,
    audit_run: str,
    lsh: LSHConfig,
    meta: Meta,
    mcfg: MinHashConfig,
    scratch: str | Path | None = None,
) -> TextJaccard | None:
    """The exact-Jaccard verifier reading texts back from the audit's shards (verify = "text");
    `meta(idx)` gives shard, position and exact_hash of documents; the shingle sets wait in an
    unnamed temporary file in `scratch` (the system's temp directory if None)."""
    if lsh.verify != "text":
        return None
    return TextJaccard(StoreTexts(audit_config(con, audit_run), meta), mcfg, scratch=scratch)


# ---------------------------------------------------------------------------------------------
# memory mode: the run as numpy arrays, 16 bytes per document beside its signature row

POS_BITS = 40  # a document's key is (shard code << POS_BITS) | position: idx order = key order
READ_ROWS = 16384  # rows per Arrow batch streamed from DuckDB (8 MB of 128-value signatures)
_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789abcdef", np.uint8)] = np.arange(16, dtype=np.uint8)


@dataclass
class MemoryRun:
    """An audit run's documents in memory, by idx (row number in (shard, position) order).

    Per document only its signature row, a 64-bit key ((shard code << 40) | position) and an
    exact-duplicate code are held; doc_id and exact_hash are looked up in the store for the
    documents that need them (`meta`)."""

    con: Any
    audit_run: str
    shards: list[str]  # the run's distinct shards in (shard) order: code -> path
    key: np.ndarray  # int64, ascending
    codes: np.ndarray  # int64: equal for equal exact_hash, unique for a missing one
    sigs: np.ndarray | None  # (n, max(num_perm, 1)) uint32, all-MAX rows for unsigned documents
    num_perm: int
    n_signed: int

    @property
    def n(self) -> int:
        return int(self.key.size)

    def n_unsigned(self) -> int:
        return self.n - self.n_signed

    def meta(
        self, idx: np.ndarray, columns: tuple[str, ...] = ("shard", "position", "doc_id")
    ) -> dict[str, np.ndarray]:
        """`columns` of documents `idx` (any order, repeats allowed), aligned with `idx`."""
        idx = np.asarray(idx, dtype=np.int64)
        key = self.key[idx]
        code, position = key >> POS_BITS, key & ((1 << POS_BITS) - 1)
        out: dict[str, np.ndarray] = {}
        names = np.asarray(self.shards, dtype=object)  # one str object per shard, shared
        for c in columns:
            if c == "shard":
                out[c] = names[code]
            elif c == "position":
                out[c] = position
            else:
                out[c] = self._lookup(c, code, position)
        return out

    def _lookup(self, column: str, code: np.ndarray, position: np.ndarray) -> np.ndarray:
        """A docs column for (shard code, position) rows, aligned with them (object array)."""
        if code.size == 0:
            return np.empty(0, dtype=object)
        want = pa.table(
            {
                "k": pa.array(np.arange(code.size, dtype=np.int64)),
                "shard": pa.array(self.shards, pa.string()).take(pa.array(code)),
                "position": pa.array(position),
            }
        )
        view = "_dedup_lookup"
        self.con.register(view, want)
        try:
            got = self.con.sql(
                f"SELECT w.k, d.{store.ident(column)} AS v FROM {view} w JOIN docs d "
                "ON d.shard = w.shard AND d.position = w.position WHERE d.run_id = ?",
                params=[self.audit_run],
            ).to_arrow_table()
        finally:
            self.con.unregister(view)
        k = np.asarray(got.column("k"), dtype=np.int64)
        if k.size != code.size:
            raise CurateError(f"run {self.audit_run}: {code.size - k.size} documents vanished")
        vals = got.column("v").combine_chunks().take(pa.array(np.argsort(k, kind="stable")))
        return np.asarray(vals.to_pylist(), dtype=object)


def _hex64(col: pa.Array) -> np.ndarray | None:
    """16-digit lower-case hex strings (nulls allowed) -> their uint64 values (a bijection, so
    equal values are equal strings); None when some string is not of that form."""
    s = pc.fill_null(col, "0" * 16).cast(pa.large_binary())
    if len(s) == 0:
        return np.empty(0, dtype=np.uint64)
    lens = pc.binary_length(s)
    if pc.min(lens).as_py() != 16 or pc.max(lens).as_py() != 16:
        return None
    off = np.frombuffer(s.buffers()[1], dtype=np.int64)[s.offset : s.offset + len(s) + 1]
    data = np.frombuffer(s.buffers()[2], dtype=np.uint8)[off[0] : off[-1]].reshape(-1, 16)
    nib = _HEX[data]
    if (nib == 255).any():
        return None
    out = np.zeros(len(s), dtype=np.uint64)
    for j in range(16):
        out = (out << np.uint64(4)) | nib[:, j].astype(np.uint64)
    return out


def _dense_codes(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Equal values -> equal codes; each missing value gets a code of its own."""
    codes = np.empty(values.size, dtype=np.int64)
    have = ~missing
    _, inv = np.unique(values[have], return_inverse=True)
    codes[have] = inv.reshape(-1)
    n_have = int(have.sum())
    codes[missing] = n_have + np.arange(int(missing.sum()), dtype=np.int64)
    return codes


def _docs(con: Any, audit_run: str, shards: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(key, exact code) of every document of the run, in idx order; streamed from DuckDB
    without an ORDER BY (sorted here, on 8-byte keys) and without a Python object per row."""
    names = pa.array(shards, pa.string())
    keys, vals, miss = [], [], []
    hex_ok = True
    q = "SELECT shard, position, exact_hash FROM docs WHERE run_id = ?"
    for b in con.sql(q, params=[audit_run]).to_arrow_reader(READ_ROWS):
        code = np.asarray(pc.index_in(b.column("shard"), value_set=names), dtype=np.int64)
        pos = np.asarray(b.column("position"), dtype=np.int64)
        if pos.size and (pos.min() < 0 or pos.max() >= 1 << POS_BITS):
            raise CurateError(f"run {audit_run}: a position outside [0, 2**{POS_BITS})")
        keys.append((code << POS_BITS) | pos)
        h = b.column("exact_hash")
        v = _hex64(h) if hex_ok else None
        if v is None:
            hex_ok = False
        else:
            vals.append(v)
            miss.append(~np.asarray(h.is_valid()))
    key = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    key = key[order]
    if hex_ok:
        v = np.concatenate(vals) if vals else np.empty(0, dtype=np.uint64)
        m = np.concatenate(miss) if miss else np.empty(0, dtype=bool)
        del vals, miss
        return key, _dense_codes(v[order], m[order])
    # other hash strings than 16 hex digits (not what the audit writes): Python keys
    del vals, miss
    hashes = con.sql(
        "SELECT exact_hash FROM docs WHERE run_id = ? ORDER BY shard, position",
        params=[audit_run],
    ).to_arrow_table()
    return key, exact_codes(hashes.column(0).to_pylist())


def exact_codes(hashes: Any) -> np.ndarray:
    """Integer code per document from its exact hash (equal hashes -> equal codes; a missing
    hash is equal to nothing)."""
    keys = [f"\0missing:{i}" if h is None else str(h) for i, h in enumerate(hashes)]
    if not keys:
        return np.empty(0, dtype=np.int64)
    _, inv = np.unique(np.asarray(keys, dtype=object).astype(str), return_inverse=True)
    return inv.astype(np.int64).reshape(-1)


def load_memory(con: Any, audit_run: str, sig_rel: str) -> MemoryRun:
    """The run's documents (keys, exact codes) and signatures into numpy.

    Signatures are streamed from DuckDB in batches (storage order, no join, no sort) and
    scattered into one preallocated (n, num_perm) matrix: the matrix is the only per-document
    cost that grows with the signature length."""
    shards = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT shard FROM docs WHERE run_id = ? ORDER BY shard", [audit_run]
        ).fetchall()
    ]
    key, codes = _docs(con, audit_run, shards)
    n = key.size
    names = pa.array(shards, pa.string())
    sigs: np.ndarray | None = None
    num_perm: int | None = None
    signed = np.zeros(n, dtype=bool)
    q = f"SELECT shard, position, minhash FROM {sig_rel} WHERE run_id = ?"
    for b in con.sql(q, params=[audit_run]).to_arrow_reader(READ_ROWS):
        code = np.asarray(pc.index_in(b.column("shard"), value_set=names).fill_null(-1))
        pos = np.asarray(b.column("position"), dtype=np.int64)
        k = (code.astype(np.int64) << POS_BITS) | (pos & ((1 << POS_BITS) - 1))
        at = np.minimum(np.searchsorted(key, k), max(n - 1, 0))
        mh = b.column("minhash")
        hit = (code >= 0) & (pos >= 0) & (pos < 1 << POS_BITS) & np.asarray(mh.is_valid())
        if n:
            hit &= key[at] == k
        else:
            hit[:] = False
        if not hit.any():
            continue
        lens = np.asarray(mh.value_lengths().fill_null(0))[hit]
        found = set(np.unique(lens).tolist()) | (set() if num_perm is None else {num_perm})
        if len(found) > 1:
            raise CurateError(f"signatures of this run have different lengths {sorted(found)}")
        if sigs is None:
            num_perm = found.pop()
            sigs = np.full((n, max(num_perm, 1)), MAX_HASH, dtype=np.uint32)
        if num_perm:
            rows = _sig_rows(mh.filter(pa.array(hit)), num_perm)
            sigs[at[hit]] = rows
        signed[at[hit]] = True
    if sigs is None:
        sigs = np.full((n, 1), MAX_HASH, dtype=np.uint32)
    n_signed = int(signed.sum())
    return MemoryRun(con, audit_run, shards, key, codes, sigs, num_perm or 0, n_signed)


def _sig_rows(arr: pa.Array, num_perm: int) -> np.ndarray:
    """(m, num_perm) uint32 view of a list<uint32> array whose rows all have num_perm values."""
    flat = np.asarray(arr.flatten(), dtype=np.uint32)
    return flat.reshape(-1, num_perm)


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
