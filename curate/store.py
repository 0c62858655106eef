"""The audit store: one DuckDB database per workspace, Parquet underneath.

Runs write Parquet files (one per task, written to a temp name and renamed, so a visible file is
a complete file). At the end of a run `load_parquet` copies them into DuckDB tables inside one
transaction that first deletes the rows of that run: loading twice (a resumed run) never
duplicates rows, and a crash mid-load rolls back.

Tables are created from the first Parquet loaded into them, and new columns (for example a new
`score_<classifier>` column) are added when a later run brings them, so one `docs` table holds
every run. Every SQL value goes through a bound parameter; identifiers through `ident`.

`connect_readonly` is what `curate query` uses: a read-only DuckDB connection with external
access disabled and the configuration locked, so a query can neither change the store nor write
files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from curate.errors import CurateError
from curate.workspace import Workspace

RUNS_DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    config JSON,
    manifest_path VARCHAR
)
"""

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ident(name: str) -> str:
    """Quote a SQL identifier (table or column), refusing anything that is not a plain name."""
    if not _IDENT.fullmatch(name):
        raise CurateError(f"invalid SQL identifier {name!r}: use letters, digits and underscores")
    return f'"{name}"'


@contextlib.contextmanager
def connect(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection (creates the store and the `runs` table if needed)."""
    try:
        con = duckdb.connect(str(ws.db_path))
    except duckdb.IOException as e:
        raise CurateError(
            f"{ws.db_path}: the store is locked by another process ({e}); wait for it to finish"
        ) from None
    try:
        con.execute(RUNS_DDL)
        yield con
    finally:
        con.close()


def connect_readonly(ws: Workspace, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot write the store or touch any other file.

    External access is off (no file reads or writes, no extensions), the temp directory is off
    (DuckDB lets a connection without external access still use it, and a symlink placed there
    would lead anywhere), and the configuration is locked so neither can be set back."""
    if not ws.db_path.is_file():
        raise CurateError(f"{ws.db_path}: no store in this workspace; run an audit into it first")
    config = {"enable_external_access": False, "temp_directory": "", "lock_configuration": True}
    if memory_limit:
        config = {"memory_limit": memory_limit, **config}
    try:
        return duckdb.connect(str(ws.db_path), read_only=True, config=config)
    except duckdb.IOException as e:
        raise CurateError(f"{ws.db_path}: cannot open the store read-only: {e}") from None


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    # fetchall, not fetchone: DuckDB 2.0 keeps a half-read result open, and the next
    # `con.sql(...)` on the connection then fails with ResourceInUseException.
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchall()
    return bool(rows[0][0])


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> DuckDB type for `table` (empty if it does not exist)."""
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def load_parquet(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: Sequence[str | Path],
    key: dict[str, Any],
) -> int:
    """Replace the rows of `table` matching `key` (e.g. {"run_id": R}) with the rows in `files`.

    Idempotent and atomic: one transaction deletes the old rows and inserts the new ones. New
    columns in the files are added to the table. Returns the number of rows inserted.
    """
    files = [str(f) for f in files]
    t = ident(table)
    where = " AND ".join(f"{ident(k)} = ?" for k in key)
    params = list(key.values())
    # $CURATE_LOAD_MEMORY_LIMIT (e.g. 64MB) overrides the caller's DuckDB memory_limit for the
    # load (DuckDB spills beyond it; bench/resource_limits.py), restored afterwards
    limit = os.environ.get("CURATE_LOAD_MEMORY_LIMIT")
    if not limit:
        return _load(con, t, table, files, where, params)
    old_limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute("SET memory_limit = ?", [limit])
    try:
        return _load(con, t, table, files, where, params)
    finally:
        con.execute("SET memory_limit = ?", [old_limit])


def _load(con: Any, t: str, table: str, files: list[str], where: str, params: list[Any]) -> int:
    con.execute("BEGIN TRANSACTION")
    try:
        if not files:
            if table_exists(con, table):
                con.execute(f"DELETE FROM {t} WHERE {where}", params)
            con.execute("COMMIT")
            return 0
        src = "read_parquet(?, union_by_name = true)"
        if not table_exists(con, table):
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM {src} LIMIT 0", [files])
        have = table_columns(con, table)
        incoming = con.execute(f"DESCRIBE SELECT * FROM {src}", [files]).fetchall()
        for name, dtype, *_ in incoming:
            if name not in have:
                con.execute(f"ALTER TABLE {t} ADD COLUMN {ident(name)} {dtype}")
        con.execute(f"DELETE FROM {t} WHERE {where}", params)
        before = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        con.execute(f"INSERT INTO {t} BY NAME SELECT * FROM {src}", [files])
        after = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        con.execute("COMMIT")
        return int(after - before)
    except Exception:
        con.execute("ROLLBACK")
        raise


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    kind: str,
    config_hash: str,
    config: Any,
    manifest_path: str | None = None,
) -> None:
    """Insert (or reset to 'running') the `runs` row of a run."""
    con.execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, NULL, 'running', ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET status = 'running', finished_at = NULL",
        [run_id, kind, config_hash, now(), json.dumps(config, default=str), manifest_path],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str = "done") -> None:
    con.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?", [status, now(), run_id]
    )


def find_unfinished_run(con: duckdb.DuckDBPyConnection, kind: str, config_hash: str) -> str | None:
    """The newest run of this kind and config that did not finish (to resume), if any."""
    rows = con.execute(
        "SELECT run_id FROM runs WHERE kind = ? AND config_hash = ? AND status <> 'done' "
        "ORDER BY started_at DESC LIMIT 1",
        [kind, config_hash],
    ).fetchall()
    return rows[0][0] if rows else None


def last_run(con: duckdb.DuckDBPyConnection, kind: str, status: str = "done") -> str | None:
    rows = con.execute(
        "SELECT run_id FROM runs WHERE kind = ? AND status = ? ORDER BY started_at DESC LIMIT 1",
        [kind, status],
    ).fetchall()
    return rows[0][0] if rows else None
