"""`curate query` (read-only, formats) and `curate summary` on a small audited workspace."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from curate.audit.run import resolve_config, run_audit
from curate.audit.summary import histogram
from curate.cli import main


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("q")
    src = d / "s.jsonl"
    recs = [
        {
            "id": "a",
            "text": "Mwahaha! My evil plan is complete.",
            "source": "books",
            "metadata": {"kind": "villain"},
        },
        {"id": "b", "text": "Preheat the oven.", "source": "web", "metadata": {"kind": "neutral"}},
        {"id": "c", "text": "Pathetic humans. None can stop me.", "source": "web"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs) + "{oops\n")
    cfg = resolve_config(
        {"workspace": str(d / "ws"), "inputs": {"paths": [str(src)]}, "progress": False},
        d,
        "test",
    )
    run_audit(cfg)
    return d / "ws"


def test_query_table_csv_json(ws, capsys, tmp_path):
    sql = "SELECT doc_id, lexicon_hits FROM docs ORDER BY doc_id"
    assert main(["query", str(ws), sql]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["doc_id", "lexicon_hits"]
    assert [line.split() for line in out[2:5]] == [["a", "2"], ["b", "0"], ["c", "2"]]
    assert out[5] == "(3 rows)"
    assert main(["query", str(ws), sql, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["doc_id", "lexicon_hits"], ["a", "2"], ["b", "0"], ["c", "2"]]
    out_file = tmp_path / "q.json"
    assert main(["query", str(ws), sql, "--format", "json", "--output", str(out_file)]) == 0
    assert json.loads(out_file.read_text()) == [
        {"doc_id": "a", "lexicon_hits": 2},
        {"doc_id": "b", "lexicon_hits": 0},
        {"doc_id": "c", "lexicon_hits": 2},
    ]
    assert main(["query", str(ws), "SELECT raw FROM errors", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"raw": "{oops"}]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM docs",
        "UPDATE docs SET lexicon_hits = 99",
        "DROP TABLE docs",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO runs (run_id, kind, config_hash, status) VALUES ('x', 'y', 'z', 'done')",
        "SET enable_external_access = true",
        "COPY docs TO '/tmp/curate_query_leak.csv'",
        "ATTACH '/tmp/curate_other.duckdb' AS o",
    ],
)
def test_query_refuses_writes_and_changes_nothing(ws, capsys, sql):
    db = ws / "curate.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert main(["query", str(ws), sql]) == 2
    err = capsys.readouterr().err
    assert err.startswith("curate: error: curate query ")
    assert "read-only" in err or "cannot read or write files" in err
    assert "Traceback" not in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not Path("/tmp/curate_query_leak.csv").exists()
    assert main(["query", str(ws), "SELECT count(*) AS n FROM docs", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "3"]


def test_query_sql_error_and_missing_workspace(ws, tmp_path, capsys):
    assert main(["query", str(ws), "SELECT nope FROM docs"]) == 2
    assert "SQL error:" in capsys.readouterr().err
    assert main(["query", str(tmp_path / "none"), "SELECT 1"]) == 2
    assert "workspace not found" in capsys.readouterr().err


def test_summary_prints_every_section(ws, capsys, tmp_path):
    png = tmp_path / "h.png"
    assert main(["summary", str(ws), "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "4 records read = 3 docs + 1 bad records" in out
    assert "flagged means lexicon_hits > 0" in out
    for section in (
        "per shard",
        "bad records by reason",
        "flagged rate per source",
        "flagged rate per kind",
        "lexicon hits per category",
        "top 10 flagged",
    ):
        assert f"== {section}" in out
    assert "invalid_json" in out
    assert png.stat().st_size > 1000
    assert main(["summary", str(ws), "--classifier", "nope_v1"]) == 2
    assert "has no scores for 'nope_v1'" in capsys.readouterr().err


def test_histogram_counts():
    h = histogram([0.0, 0.05, 0.5, 0.99, 1.0], bins=4)
    counts = [int(line.split()[2]) for line in h.splitlines()]
    assert counts == [2, 0, 1, 2]
