"""Audit Parquet and the store on fsspec locations (`curate.files`, ``[writer] output_dir``).

What "the store works on fsspec paths" means here, concretely:

- task outputs (``audit/<run_id>/<table>/<rank>.parquet`` and datatrove's ``runs/<run_id>/logs``)
  go to any fsspec URL (tested: ``memory://``, a non-local file system that no other process can
  see, and ``file://``), and shards are read from one;
- the store (a DuckDB file in the workspace) is loaded from those URLs and holds exactly the rows a
  plain local run gives; DuckDB reads the same Parquet in place through a registered fsspec file
  system (``read_parquet('memory://.../audit/*/docs/*.parquet')``);
- a workspace given as a ``file://`` URL is that folder; any other URL is refused with advice.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import fsspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_executors import TABLE_KEYS, audit_cfg, make_shards, store_rows

from curate import files
from curate.audit.run import run_audit
from curate.errors import CurateError
from curate.workspace import Workspace


@pytest.fixture
def mem():
    """A fresh memory:// prefix, removed afterwards (the memory file system is process-global)."""
    root = f"memory://curate-test-{uuid.uuid4().hex[:8]}"
    yield root
    fs = fsspec.filesystem("memory")
    if fs.exists(root):
        fs.rm(root, recursive=True)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("local")
    shards = make_shards(d / "in")
    run_audit(audit_cfg(d / "ws", shards, {"tasks": 1}))
    return shards, {t: store_rows(d / "ws", t) for t in TABLE_KEYS}


def _ls(url: str) -> list[str]:
    fs, path = files.filesystem(url)
    return sorted(p.removeprefix(path).lstrip("/") for p in fs.find(path))


def test_audit_outputs_on_memory_url_load_the_same_store_rows(tmp_path, local_run, mem) -> None:
    shards, want = local_run
    cfg = audit_cfg(
        tmp_path / "ws", shards, {"tasks": 2, "workers": 1}, writer={"output_dir": mem + "/ws"}
    )
    res = run_audit(cfg)
    assert res.counts["docs"] == 20 and res.counts["errors"] == 1
    for table, rows in want.items():
        assert store_rows(tmp_path / "ws", table) == rows, table
    # the layout on the fsspec side; nothing of it in the workspace
    listed = _ls(f"{mem}/ws")
    for table in TABLE_KEYS:
        for rank in ("00000", "00001"):
            assert f"audit/{res.run_id}/{table}/{rank}.parquet" in listed
    assert f"runs/{res.run_id}/logs/completions/00001" in listed
    assert not any(f.endswith(".tmp") for f in listed)
    ws = Workspace.at(tmp_path / "ws")
    assert not ws.audit_dir(res.run_id).exists()
    assert (ws.run_dir(res.run_id) / "manifest.json").is_file()
    # DuckDB reads the Parquet in place, by glob, as it would on s3://
    con = duckdb.connect()
    files.register(con, mem)
    got = con.execute(
        f"SELECT doc_id, n_chars FROM read_parquet('{mem}/ws/audit/*/docs/*.parquet') "
        "ORDER BY shard, position"
    ).fetchall()
    assert got == [(r[2], r[7]) for r in want["docs"]]  # doc_id, n_chars of the local run


def test_shards_and_outputs_both_on_memory_url(tmp_path, local_run, mem) -> None:
    shards, want = local_run
    fs = fsspec.filesystem("memory")
    urls = []
    for p in shards:
        url = f"{mem}/in/{p.name}"
        with fs.open(url, "wb") as f:
            f.write(p.read_bytes())
        urls.append(url)
    cfg = audit_cfg(
        tmp_path / "ws",
        [f"{mem}/in"],
        {"tasks": 3, "workers": 1},
        writer={"output_dir": f"{mem}/out"},
    )
    run_audit(cfg)
    for table, rows in want.items():
        got = store_rows(tmp_path / "ws", table)
        # the shard column names the URL read (memory paths are absolute: memory:///...)
        assert {files.filesystem(r[0])[1] for r in got} <= {files.filesystem(u)[1] for u in urls}
        assert all(r[0].startswith("memory://") for r in got)
        assert [(Path(r[0]).name, *r[1:]) for r in got] == [
            (Path(r[0]).name, *r[1:]) for r in rows
        ], table


def test_file_url_outputs_with_forked_workers(tmp_path, local_run) -> None:
    shards, want = local_run
    out = tmp_path / "shared"
    cfg = audit_cfg(
        f"file://{tmp_path}/ws",
        shards,
        {"tasks": 2, "workers": 2},
        writer={"output_dir": f"file://{out}"},
    )
    res = run_audit(cfg)
    for table, rows in want.items():
        assert store_rows(tmp_path / "ws", table) == rows, table
    assert sorted(p.name for p in (out / "audit" / res.run_id / "docs").iterdir()) == [
        "00000.parquet",
        "00001.parquet",
    ]


def test_workspace_url_other_than_file_is_refused(tmp_path) -> None:
    assert Workspace.at(f"file://{tmp_path}/w").root == (tmp_path / "w").resolve()
    with pytest.raises(CurateError, match=r"s3://b/ws: a workspace is a local.*output_dir"):
        Workspace.at("s3://b/ws")


def test_atomic_write_leaves_nothing_on_failure(mem) -> None:
    with files.open_atomic(f"{mem}/a/ok.bin") as f:
        f.write(b"x")
    with pytest.raises(RuntimeError), files.open_atomic(f"{mem}/a/bad.bin") as f:
        f.write(b"partial")
        raise RuntimeError("task died")
    assert _ls(f"{mem}/a") == ["ok.bin"]
    assert files.list_files(f"{mem}/a") == [f"{mem}/a/ok.bin"]
    assert files.list_files(f"{mem}/missing") == []


@given(
    parts=st.lists(st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True), min_size=1, max_size=4),
    base=st.sampled_from(["memory://b", "memory://b/", "s3://bucket/x", "/tmp/x", "file:///tmp/x"]),
)
def test_join_matches_posix_join_and_strips_file_scheme(parts, base) -> None:
    got = files.join(base, *parts)
    assert got.endswith("/" + "/".join(parts))
    assert not got.startswith("file://")
    assert "//" not in got.split("://", 1)[-1]
    assert files.is_remote(got) == (base.startswith(("memory", "s3")))
