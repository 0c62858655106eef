"""Hardening, `curate query` as a sandbox: generated statements from DuckDB's file-touching
statements and functions, on relative, absolute and symlinked paths, may read the store and
nothing else, and create no file anywhere.

The round-1 defence (read-only connection, external access disabled) left DuckDB's temp directory
open: `COPY ... TO 'curate.duckdb.tmp/x'`, `EXPORT DATABASE` and `ATTACH` worked there, and a
symlink planted as that directory turned them into writes (and reads) anywhere. Now a statement
must be one SELECT (checked by DuckDB's own parser before it runs), the temp directory is off,
and the configuration stays locked (`curate.query`).

Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.audit.run import resolve_config, run_audit
from curate.cli import main
from curate.errors import CurateError
from curate.query import query_arrow, run_query
from curate.workspace import Workspace

SECRET = "TOP-SECRET-7f3a"

# every DuckDB statement and table function that touches a file, as a template over {p}
TEMPLATES = [
    "COPY (SELECT 1 AS a) TO '{p}'",
    "COPY docs TO '{p}' (FORMAT parquet)",
    "COPY docs TO '{p}' (FORMAT csv)",
    "COPY docs FROM '{p}'",
    "EXPORT DATABASE '{p}'",
    "EXPORT DATABASE '{p}' (FORMAT parquet)",
    "IMPORT DATABASE '{p}'",
    "ATTACH '{p}' AS x",
    "ATTACH '{p}' AS x (READ_ONLY)",
    "INSTALL '{p}'",
    "LOAD '{p}'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET temp_directory = '{p}'",
    "SET allowed_directories = ['{p}']",
    "PRAGMA enable_profiling = 'json'",
    "SET profiling_output = '{p}'",
    "CALL read_text('{p}')",
    "SELECT * FROM read_text('{p}')",
    "SELECT * FROM read_blob('{p}')",
    "SELECT * FROM read_csv('{p}')",
    "SELECT * FROM read_csv_auto('{p}')",
    "SELECT * FROM read_json('{p}')",
    "SELECT * FROM read_json_auto('{p}')",
    "SELECT * FROM read_parquet('{p}')",
    "SELECT * FROM parquet_metadata('{p}')",
    "SELECT * FROM glob('{p}')",
    "SELECT * FROM '{p}'",
    "WITH t AS (SELECT * FROM read_text('{p}')) SELECT * FROM t",
    "SELECT (SELECT content FROM read_text('{p}')) AS c",
    "SELECT count(*) FROM docs; COPY docs TO '{p}'",
    "CREATE TABLE t AS SELECT * FROM read_text('{p}')",
    "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
    "SELECT * FROM write_csv('{p}')",
    "DETACH curate",
    "USE x",
    "CHECKPOINT",
    "VACUUM",
]


def _snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                st_ = p.lstat()
                out[str(p)] = (st_.st_size, st_.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("sandbox")
    src = d / "shard.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "a plain document"})
        + "\n"
        + json.dumps({"id": "b", "text": "another one"})
        + "\n"
    )
    ws = d / "ws"
    run_audit(
        resolve_config(
            {"workspace": str(ws), "inputs": {"paths": [str(src)]}, "progress": False}, d, "t"
        )
    )
    outside = d / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_text(f"k\n{SECRET}\n")
    # the round-1 hole: DuckDB's temp directory (allowed without external access) as a symlink
    (ws / "curate.duckdb.tmp").symlink_to(outside, target_is_directory=True)
    (ws / "link-to-secret.csv").symlink_to(secret)
    return {"root": d, "ws": ws, "outside": outside, "secret": secret}


def _paths(w: dict[str, Path]) -> list[str]:
    ws, out = w["ws"], w["outside"]
    return [
        "x.csv",
        "curate.duckdb.tmp/x.csv",
        "curate.duckdb.tmp/x.db",
        "curate.duckdb.tmp/secret.csv",
        "curate.duckdb.tmp",
        "../outside/x.csv",
        "link-to-secret.csv",
        str(ws / "curate.duckdb.tmp" / "new.csv"),
        str(ws / "curate.duckdb.tmp" / "secret.csv"),
        str(ws / "link-to-secret.csv"),
        str(out / "new.csv"),
        str(out / "secret.csv"),
        str(out / "*"),
        str(ws / "curate.duckdb"),
        "/etc/passwd",
    ]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_file_touching_statements_read_and_create_nothing(world, data):
    """Generated `curate query` statements: COPY, EXPORT, IMPORT, ATTACH, INSTALL, LOAD, SET, CALL,
    read_* / glob / replacement scans, CREATE, multi-statement tricks, on relative, absolute and
    symlinked paths (DuckDB's temp directory planted as a symlink to a folder outside) | each is
    refused with a CurateError or returns rows without the outside file's content; no file
    anywhere is created or changed, and the store's bytes are unchanged"""
    tpl = data.draw(st.sampled_from(TEMPLATES))
    path = data.draw(st.sampled_from(_paths(world)))
    sql = tpl.format(p=path)
    before = _snapshot(world["root"])
    store = (world["ws"] / "curate.duckdb").read_bytes()
    cwd = os.getcwd()
    os.chdir(world["ws"])  # relative paths resolve inside the workspace
    try:
        res = run_query(Workspace.at(world["ws"], create=False), sql)
        assert SECRET not in repr(res.rows), sql
    except CurateError as e:
        assert SECRET not in str(e), sql
    finally:
        os.chdir(cwd)
    assert _snapshot(world["root"]) == before, sql
    assert (world["ws"] / "curate.duckdb").read_bytes() == store, sql


@pytest.mark.parametrize(
    "sql",
    [
        "COPY docs TO 'curate.duckdb.tmp/x.csv'",
        "EXPORT DATABASE 'curate.duckdb.tmp/exp'",
        "ATTACH 'curate.duckdb.tmp/n.db' AS n",
        "SELECT * FROM read_csv('curate.duckdb.tmp/secret.csv')",
    ],
)
def test_the_temp_directory_symlink_leads_nowhere(world, sql, capsys):
    """`curate query` with DuckDB's temp directory (`curate.duckdb.tmp`) planted as a symlink to a
    folder outside the workspace, then COPY / EXPORT / ATTACH / read_csv through it (the round-1
    hole) | exit 2 with "read-only" or "cannot read or write files"; nothing appears outside, the
    secret is never printed"""
    before = _snapshot(world["root"])
    cwd = os.getcwd()
    os.chdir(world["ws"])
    try:
        rc = main(["query", str(world["ws"]), sql])
    finally:
        os.chdir(cwd)
    err = capsys.readouterr()
    assert rc == 2
    assert "read-only" in err.err or "cannot read or write files" in err.err
    assert SECRET not in err.out + err.err
    assert _snapshot(world["root"]) == before


def test_query_rows_are_capped_and_a_long_query_times_out(world, capsys):
    """`curate query` of 20 million rows (`range(2e7)`, which held 1.9 GB before), and a query that
    runs for minutes | at most --limit rows are fetched (default 10,000, with a note on stderr);
    `--timeout 1` stops the long one within seconds with exit 2 and a message naming the timeout"""
    ws = Workspace.at(world["ws"], create=False)
    res = run_query(ws, "SELECT * FROM range(20000000)")
    assert len(res.rows) == 10_000 and res.truncated
    assert query_arrow(ws, "SELECT * FROM range(20000000)", limit=5).num_rows == 5
    rc = main(["query", str(world["ws"]), "SELECT * FROM range(3)", "--limit", "2"])
    captured = capsys.readouterr()
    assert rc == 0 and "--limit 2" in captured.err
    slow = "SELECT sum(hash(a.range + b.range)) FROM range(100000000) a, range(100000) b"
    rc = main(["query", str(world["ws"]), slow, "--timeout", "1"])
    assert rc == 2
    assert "timeout" in capsys.readouterr().err
