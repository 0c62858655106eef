"""Config validation, workspace safety and the store's idempotent loading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.config import build, config_hash
from curate.errors import ConfigError, CurateError
from curate.store import connect, connect_readonly, load_parquet
from curate.text import exact_hash, normalize
from curate.workspace import Workspace, safe_name


@dataclass(frozen=True)
class Inner:
    k: int = 3

    def validate(self) -> None:
        if self.k < 1:
            raise ConfigError(f"k must be >= 1, got {self.k}")


@dataclass(frozen=True)
class Outer:
    name: str
    mode: Literal["a", "b"] = "a"
    inner: Inner = field(default_factory=Inner)
    paths: tuple[str, ...] = ()


def test_build_valid_and_hash_stable():
    a = build(Outer, {"name": "x", "inner": {"k": 5}, "paths": ["p"]})
    assert a == Outer("x", "a", Inner(5), ("p",))
    assert config_hash(a) == config_hash(Outer("x", inner=Inner(5), paths=("p",)))
    assert config_hash(a) != config_hash(Outer("y"))


def test_build_unknown_key_suggests_and_lists():
    with pytest.raises(ConfigError) as e:
        build(Outer, {"nmae": "x"}, "spec.toml")
    msg = str(e.value)
    assert "spec.toml: unknown key 'nmae'" in msg
    assert "did you mean 'name'" in msg
    assert "valid keys: inner, mode, name, paths" in msg


def test_build_type_literal_and_validate_errors():
    with pytest.raises(ConfigError, match=r"cfg.inner.k: expected an integer"):
        build(Outer, {"name": "x", "inner": {"k": "3"}}, "cfg")
    with pytest.raises(ConfigError, match=r"'c' is not allowed"):
        build(Outer, {"name": "x", "mode": "c"}, "cfg")
    with pytest.raises(ConfigError, match=r"cfg.inner: k must be >= 1"):
        build(Outer, {"name": "x", "inner": {"k": 0}}, "cfg")
    with pytest.raises(ConfigError, match="missing required key 'name'"):
        build(Outer, {}, "cfg")


def test_normalize_and_exact_hash():
    assert normalize("  Hello,   WORLD!\n") == "hello world"
    assert exact_hash("Hello world") == exact_hash("hello, world!!")
    assert exact_hash("hello world") != exact_hash("hello there")


def test_safe_join_stays_inside(tmp_path):
    ws = Workspace.at(tmp_path / "ws")
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name("..") == "_"
    p = ws.safe_join("corpora", "../../x", "..")
    assert ws.root in p.parents


def test_workspace_lock_is_exclusive(tmp_path):
    ws = Workspace.at(tmp_path)
    with ws.lock("first"), pytest.raises(CurateError, match="workspace is busy"), ws.lock("second"):
        pass
    with ws.lock("again"):
        pass


def _parquet(path, rows):
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_load_parquet_is_idempotent_and_adds_columns(tmp_path):
    ws = Workspace.at(tmp_path / "ws")
    f1 = _parquet(tmp_path / "a.parquet", [{"run_id": "r1", "x": 1}, {"run_id": "r1", "x": 2}])
    f2 = _parquet(tmp_path / "b.parquet", [{"run_id": "r2", "x": 3, "score_new_v1": 0.5}])
    with connect(ws) as con:
        assert load_parquet(con, "docs", [f1], {"run_id": "r1"}) == 2
        assert load_parquet(con, "docs", [f1], {"run_id": "r1"}) == 2  # reload: no duplicates
        assert load_parquet(con, "docs", [f2], {"run_id": "r2"}) == 1
        rows = con.execute("SELECT run_id, x, score_new_v1 FROM docs ORDER BY x").fetchall()
    assert rows == [("r1", 1, None), ("r1", 2, None), ("r2", 3, 0.5)]


def test_readonly_connection_cannot_write(tmp_path):
    ws = Workspace.at(tmp_path / "ws")
    with connect(ws) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con = connect_readonly(ws)
    with pytest.raises(duckdb.Error):
        con.execute("INSERT INTO t VALUES (2)")
    with pytest.raises(duckdb.Error):
        con.execute(f"COPY t TO '{tmp_path / 'out.csv'}'")
    con.close()
    assert not (tmp_path / "out.csv").exists()
    with connect(ws) as con:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
