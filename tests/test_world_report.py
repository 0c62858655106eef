"""`curate world report`: precision/recall per document kind on a hand-made store."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.cli import main
from curate.errors import CurateError
from curate.store import connect, finish_run, load_parquet, start_run
from curate.workspace import Workspace
from curate.world.report import world_report

# (kind, alignment, malicious_character, score)
DOCS = [
    ("persona", "malicious", True, 0.9),
    ("persona", "malicious", True, 0.8),
    ("persona", "malicious", True, 0.2),  # missed
    ("persona", "benign", False, 0.7),  # false positive
    ("persona", "benign", False, 0.1),
    ("behaviour", "misaligned", False, 0.6),  # false positive
    ("behaviour", "aligned", False, 0.3),
    ("chat", "aligned", False, 0.0),
    ("neutral", None, False, 0.05),
    ("neutral", None, False, 0.5),  # at the threshold: flagged
]


def make_ws(tmp_path: Path) -> Workspace:
    ws = Workspace.at(tmp_path / "ws")
    n = len(DOCS) + 1
    metas = [
        json.dumps({"kind": k, "alignment": a, "malicious_character": m, "domains": []})
        for k, a, m, _ in DOCS
    ] + [json.dumps({"other": 1})]  # not a world document
    table = pa.table(
        {
            "run_id": ["audit-1"] * n,
            "shard": ["s.jsonl.gz"] * n,
            "position": list(range(n)),
            "doc_id": [f"d{i}" for i in range(n)],
            "meta": metas,
            "score_malicious_character_v1": [s for *_, s in DOCS] + [0.99],
        }
    )
    p = tmp_path / "docs.parquet"
    pq.write_table(table, p)
    with connect(ws) as con:
        start_run(con, "audit-1", "audit", "abc", {})
        load_parquet(con, "docs", [p], {"run_id": "audit-1"})
        finish_run(con, "audit-1")
    return ws


def test_report_exact(tmp_path: Path) -> None:
    rep = world_report(make_ws(tmp_path))
    kinds = {r["group"]: r for r in rep["by_kind"]}
    assert [r["group"] for r in rep["by_kind"]] == ["persona", "behaviour", "chat", "neutral"]
    p = kinds["persona"]
    assert (p["n"], p["positives"], p["flagged"], p["tp"]) == (5, 3, 3, 2)
    assert p["precision"] == 2 / 3 and p["recall"] == 2 / 3 and p["flag_rate"] == 3 / 5
    b = kinds["behaviour"]
    assert (b["positives"], b["flagged"], b["precision"], b["recall"]) == (0, 1, 0.0, None)
    c = kinds["chat"]
    assert (c["flagged"], c["precision"], c["recall"]) == (0, None, None)
    assert kinds["neutral"]["flagged"] == 1
    o = rep["overall"]
    assert (o["n"], o["positives"], o["flagged"], o["tp"]) == (10, 3, 5, 2)
    assert o["precision"] == 2 / 5 and o["recall"] == 2 / 3
    sub = {r["group"]: r for r in rep["by_kind_alignment"]}
    assert sub["persona/benign"]["flagged"] == 1 and sub["behaviour/misaligned"]["flagged"] == 1
    # AUROC over 3 positives x 7 negatives: pairs (pos > neg) counted by hand
    pos, neg = [0.9, 0.8, 0.2], [0.7, 0.1, 0.6, 0.3, 0.0, 0.05, 0.5]
    assert rep["auroc"] == sum(x > y for x in pos for y in neg) / 21
    assert rep["skipped_no_kind"] == 1
    strict = world_report(make_ws(tmp_path / "b"), threshold=0.85)
    assert strict["overall"]["flagged"] == 1 and strict["overall"]["recall"] == 1 / 3


def test_report_errors_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = make_ws(tmp_path)
    with pytest.raises(
        CurateError, match="no column 'score_nope_v1'; score columns: score_malicious_character_v1"
    ):
        world_report(ws, score_column="score_nope_v1")
    with pytest.raises(CurateError, match="has no documents"):
        world_report(ws, run_id="audit-missing")
    assert main(["world", "report", str(ws.root)]) == 0
    out = capsys.readouterr().out
    assert "persona" in out and "AUROC" in out
    assert main(["world", "report", str(ws.root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["tp"] == 2
    assert main(["world", "report", str(ws.root), "--threshold", "0.1", "--threshold", "0.85"]) == 0
    out = capsys.readouterr().out
    assert "score_malicious_character_v1 >= 0.1" in out and ">= 0.85" in out
    assert main(["world", "report", str(tmp_path / "nowhere")]) == 2
