"""Read-only SQL on a workspace's store: the one implementation behind `curate query` and the
Python API (`curate.api`).

A query may read the store and nothing else, and may create, write or attach no file anywhere.
Four locks, each enough for most attacks, together for all that were tried
(tests/test_hardening_query.py):

1. the statement must be a single SELECT (SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE,
   VALUES): COPY, EXPORT, IMPORT, ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL, CREATE and every write
   are refused before DuckDB runs them (DuckDB's own statement parser decides, not a regex);
2. the connection is read-only with external access disabled (`curate.store.connect_readonly`):
   no file reads (read_csv, read_parquet, glob, replacement scans of a path), no extensions;
3. DuckDB's temp directory is switched off: with external access disabled DuckDB still allows
   files under it (`curate.duckdb.tmp/`, where a symlink could point anywhere); a query too big
   for `memory_limit` now fails instead of spilling;
4. the configuration is locked, so none of this can be SET back.

Results stream: at most `limit` rows are fetched (`truncated` says whether more existed), and a
query running past `timeout` seconds is interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from curate.errors import CurateError
from curate.store import connect_readonly
from curate.workspace import Workspace

DEFAULT_LIMIT = 10_000
DEFAULT_TIMEOUT = 300.0
MEMORY_LIMIT = "1GB"
_READ_ONLY = {duckdb.StatementType.SELECT}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows existed than `limit`


def check_statement(sql: str) -> str:
    """The one SELECT statement in `sql`, or a CurateError saying what was refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise CurateError(f"SQL error: {str(e).strip()}") from None
    if len(statements) != 1:
        raise CurateError(
            f"curate query runs exactly one statement; got {len(statements)}: "
            "send them one at a time"
        )
    st = statements[0]
    if st.type not in _READ_ONLY:
        kind = str(st.type).rsplit(".", 1)[-1]
        raise CurateError(
            f"curate query is read-only: a {kind} statement was refused before it ran; nothing "
            "was changed, no file touched (only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE)"
        )
    return st.query


def _explain(e: duckdb.Error, timeout: float) -> CurateError:
    msg = str(e).strip()
    low = msg.lower()
    if isinstance(e, duckdb.InterruptException) or "interrupted" in low:
        return CurateError(
            f"query ran past the {timeout:g} s timeout and was stopped; narrow it (WHERE, LIMIT) "
            "or pass a larger --timeout"
        )
    if "read-only" in low or "read only" in low or "lock_configuration" in low:
        return CurateError(
            f"curate query is read-only: this statement would change the store or the "
            f"configuration and was refused; nothing was changed ({msg})"
        )
    if (
        "external access" in low
        or "file system operations are disabled" in low
        or "permission error" in low
        or "temp_directory" in low
        or "temporary directory" in low
    ):
        return CurateError(f"curate query cannot read or write files outside the store ({msg})")
    if "out of memory" in low or "memory_limit" in low:
        return CurateError(
            f"query needs more than the {MEMORY_LIMIT} memory limit ({msg}); aggregate or "
            "filter more in SQL"
        )
    return CurateError(f"SQL error: {msg}")


@contextmanager
def _session(ws: Workspace, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_readonly(ws, memory_limit=MEMORY_LIMIT)
    timer = threading.Timer(timeout, con.interrupt) if timeout and timeout > 0 else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield con
    except duckdb.Error as e:
        raise _explain(e, timeout) from None
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def run_query(
    ws: Workspace, sql: str, limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT
) -> QueryResult:
    """Rows of a read-only query (at most `limit`; 0 = all)."""
    stmt = check_statement(sql)
    with _session(ws, timeout) as con:
        cur = con.execute(stmt)
        if cur.description is None:
            return QueryResult([], [], False)
        cols = [d[0] for d in cur.description]
        if limit and limit > 0:
            rows = cur.fetchmany(limit + 1)
            return QueryResult(cols, rows[:limit], len(rows) > limit)
        return QueryResult(cols, cur.fetchall(), False)


def query_arrow(
    ws: Workspace, sql: str, limit: int = 0, timeout: float = DEFAULT_TIMEOUT
) -> pa.Table:
    """The result of a read-only query as an Arrow table (at most `limit` rows; 0 = all)."""
    stmt = check_statement(sql)
    with _session(ws, timeout) as con:
        reader = con.sql(stmt).to_arrow_reader(batch_size=65_536)
        batches, n = [], 0
        for batch in reader:
            if limit and n + batch.num_rows >= limit:
                batches.append(batch.slice(0, limit - n))
                break
            batches.append(batch)
            n += batch.num_rows
        return pa.Table.from_batches(batches, schema=reader.schema)
