"""The Python API (`curate.api`, docs/api.md) on small audited workspaces.

One module workspace holds the sample shards plus "tricky" shards in every format (texts with
CRLF, BOMs, escapes, astral characters, an empty text, a text longer than a decompression chunk),
audited with the classifier's fast stage, deduplicated, built into two variants, with a few
`results` rows loaded; small per-test workspaces (no classifier) cover changed shards, repeated
ids, custom fields and unfinished runs. The example notebook and the docs' example run with the
real classifier.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

import curate
from curate.ablation.results import write_rows
from curate.api import AuditWorkspace, open_workspace
from curate.audit.read import ShardReader
from curate.audit.run import resolve_config, run_audit
from curate.cli import main
from curate.errors import CurateError
from curate.paths import bundled
from curate.store import connect, load_parquet
from curate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SCORE = "score_malicious_character_v1"

LONG = " ".join(f"word{i % 997}" for i in range(60_000))  # ~470 KB: several read chunks
TRICKY = [
    "plain ascii",
    "  leading and trailing spaces  ",
    "line one\r\nline two\n\nline four\n",
    "tab\there, NUL-free, quotes \"double\" and 'single', backslash \\ and slash /",
    "unicode: café — 日本語 — 🙂 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — \u2028 line separator — \u00a0 nbsp",
    "\ufeffa text that starts with a BOM character",
    "NFKC would change these: ﬁ Ⅻ ｆｕｌｌｗｉｄｔｈ",
    "",
    LONG,
]


def _records(prefix: str) -> list[dict]:
    return [
        {"id": f"{prefix}-{i}", "text": t, "source": prefix, "metadata": {"i": i}}
        for i, t in enumerate(TRICKY)
    ]


def _write_tricky(d: Path) -> dict[str, str]:
    """The tricky records in four formats; returns {doc_id: text}."""
    plain = _records("jsonl")
    lines = [json.dumps(r, ensure_ascii=True) for r in plain]
    # a BOM before the first record, a CRLF line end, a blank line (a bad record: positions shift)
    body = "\ufeff" + lines[0] + "\r\n" + lines[1] + "\n\n" + "\n".join(lines[2:]) + "\n"
    (d / "tricky.jsonl").write_bytes(body.encode("utf-8"))
    gz = _records("gz")
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gz).encode()
    (d / "tricky.jsonl.gz").write_bytes(gzip.compress(data))
    zst = _records("zst")
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in zst).encode()
    (d / "tricky.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    par = _records("parquet")
    pq.write_table(pa.Table.from_pylist(par), d / "tricky.parquet", row_group_size=3)
    return {r["id"]: r["text"] for r in plain + gz + zst + par}


def _sample_texts(d: Path) -> dict[str, str]:
    """An independent reading of the sample shards: {id: text} of every good record."""
    out: dict[str, str] = {}
    raw = (d / "part-0000.jsonl").read_bytes()
    raw += gzip.decompress((d / "part-0001.jsonl.gz").read_bytes())
    raw += (
        zstandard.ZstdDecompressor()
        .decompressobj()
        .decompress((d / "part-0002.jsonl.zst").read_bytes())
    )
    recs = []
    for line in raw.splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            continue
    recs += pq.read_table(d / "part-0003.parquet").to_pylist()
    for r in recs:
        if isinstance(r, dict) and isinstance(r.get("text"), str):
            out[r["id"]] = r["text"]
    return out


def _audit(ws: Path, paths: list[Path], base: Path, **extra) -> str:
    spec = {
        "workspace": str(ws),
        "inputs": {"paths": [str(p) for p in paths]},
        "progress": False,
        **extra,
    }
    return run_audit(resolve_config(spec, base, "test")).run_id


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> SimpleNamespace:
    d = tmp_path_factory.mktemp("api")
    shards = d / "shards"
    shutil.copytree(bundled("data/sample_shards"), shards, ignore=shutil.ignore_patterns("*.py"))
    texts = _write_tricky(shards)
    sample = _sample_texts(shards)
    ws = d / "ws"
    stage1 = {"names": ["malicious_character_v1"]}
    stage1["params"] = {"malicious_character_v1": {"mode": "stage1"}}  # fastText only: fast
    run_id = _audit(ws, [shards], d, steps={"classifiers": stage1})
    assert main(["dedup", str(ws)]) == 0
    policy = d / "policy.toml"
    policy.write_text(
        'corpus = "t"\nformat = "jsonl.gz"\n[[variants]]\nname = "full"\n'
        '[[variants]]\nname = "lex"\ndrop = [{ where = "lexicon_hits >= 1", reason = "lex" }]\n'
    )
    assert main(["build", str(policy), "--workspace", str(ws)]) == 0
    rows = [
        {"ablation": "fake", "variant": "full", "seed": 1, "model_id": "m1", "metric": "em",
         "value": 0.25, "stage": "ft_misaligned", "eval_domain": "*", "ft_domain": "*", "n": 10},
        {"ablation": "fake", "variant": "full", "seed": None, "model_id": "mean", "metric": "em",
         "value": 0.25, "stage": "ft_misaligned", "eval_domain": "*", "ft_domain": "*", "n": 1},
    ]  # fmt: skip
    write_rows(rows, d / "results.parquet")
    with connect(Workspace.at(ws)) as con:
        load_parquet(con, "results", [d / "results.parquet"], {"ablation": "fake"})
    return SimpleNamespace(
        dir=d,
        ws=ws,
        shards=shards,
        run_id=run_id,
        texts=texts,
        sample=sample,
        api=open_workspace(ws),
    )


# ---------------------------------------------------------------------------- import, open


def test_import_curate_stays_light_and_loads_the_api_on_first_use() -> None:
    code = (
        "import sys, curate\n"
        "assert 'curate.api' not in sys.modules and 'polars' not in sys.modules\n"
        "assert {'open_workspace', 'AuditWorkspace'} <= set(dir(curate))\n"
        "assert set(curate.__all__) == {'open_workspace', 'AuditWorkspace', '__version__'}\n"
        "from curate import open_workspace\n"
        "import curate.api\n"
        "assert open_workspace is curate.api.open_workspace\n"
        "assert curate.AuditWorkspace is curate.api.AuditWorkspace\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "try:\n    curate.no_such_name\nexcept AttributeError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "no attribute 'no_such_name'" in out.stdout


def test_open_workspace_refuses_a_missing_folder_or_store(tmp_path) -> None:
    with pytest.raises(CurateError, match="workspace not found"):
        curate.open_workspace(tmp_path / "nope")
    with pytest.raises(CurateError, match="no store in this workspace"):
        curate.open_workspace(tmp_path)
    assert not (tmp_path / "curate.duckdb").exists()


def test_the_workspace_is_the_audit(audited) -> None:
    ws = audited.api
    assert isinstance(ws, AuditWorkspace) and ws.root == audited.ws.resolve()
    assert ws.latest_run() == audited.run_id
    assert ws.runs("audit").get_column("run_id").to_list() == [audited.run_id]
    assert set(ws.runs().get_column("kind")) == {"audit", "dedup", "build"}


# ---------------------------------------------------------------------------- columns


def _documented_columns() -> dict[str, list[str]]:
    """Column names per table from docs/architecture.md "Store tables" (parenthesized notes
    dropped; `lex_<category>` style names kept as patterns)."""
    text = (REPO / "docs" / "architecture.md").read_text()
    section = text.split("## Store tables", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`(\w+)`\s*\|(.*)\|\s*$", line)
        if not m:
            continue
        cell = m.group(2)
        while re.search(r"\([^()]*\)", cell):
            cell = re.sub(r"\([^()]*\)", "", cell)
        out[m.group(1)] = list(dict.fromkeys(re.findall(r"`([^`]+)`", cell)))
    return out


def _matches(columns: list[str], documented: list[str]) -> None:
    fixed = [c for c in documented if "<" not in c]
    patterns = [re.escape(c.split("<")[0]) + r"\w+" for c in documented if "<" in c]
    assert [c for c in columns if c in fixed] == fixed, (columns, fixed)
    extra = [c for c in columns if c not in fixed]
    assert all(any(re.fullmatch(p, c) for p in patterns) for c in extra), extra


def test_every_frame_has_the_documented_columns(audited) -> None:
    doc = _documented_columns()
    assert {"runs", "docs", "errors", "shards", "dup_clusters", "corpora", "results"} <= set(doc)
    ws = audited.api
    frames = {
        "runs": ws.runs(),
        "docs": ws.docs().head(1).collect(),
        "errors": ws.errors(),
        "shards": ws.shards(),
        "dup_clusters": ws.clusters(),
        "corpora": ws.corpora(),
        "results": ws.results("fake"),
    }
    for table, frame in frames.items():
        assert frame.height > 0, table
        _matches(frame.columns, doc[table])
    cols = frames["docs"].columns
    assert SCORE in cols and "spans_malicious_character_v1" in cols
    assert any(c.startswith("lex_") for c in cols)
    assert ws.flagged().collect_schema().names() == cols
    schema = ws.docs().collect_schema()
    assert schema["meta"] == pl.String and schema["position"] == pl.Int64
    assert schema["spans_malicious_character_v1"] == pl.List(
        pl.Struct({"start": pl.Int32, "end": pl.Int32, "score": pl.Float64})
    )
    assert frames["errors"].schema["raw"] == pl.Binary


# ---------------------------------------------------------------------------- sql


def test_sql_returns_what_the_cli_returns(audited, tmp_path) -> None:
    queries = [
        "SELECT doc_id, source, n_chars, meta, spans_malicious_character_v1 FROM docs "
        "ORDER BY shard, position",
        "SELECT reason, count(*) AS n FROM errors GROUP BY 1 ORDER BY 1",
        "WITH s AS (SELECT * FROM shards) SELECT shard, n_read FROM s ORDER BY 1",
    ]
    for i, sql in enumerate(queries):
        out = tmp_path / f"q{i}.arrow"
        assert main(["query", str(audited.ws), sql, "--format", "arrow", "-o", str(out)]) == 0
        cli = pl.read_ipc_stream(out)
        got = audited.api.sql(sql)
        assert isinstance(got, pl.DataFrame) and got.height > 0
        assert got.equals(cli), sql
    assert audited.api.sql(queries[0], limit=5).height == 5


@pytest.mark.parametrize(
    "sql",
    [
        "COPY docs TO '{tmp}/leak.csv'",
        "ATTACH '{tmp}/other.duckdb' AS o",
        "SELECT * FROM read_csv('{shard}')",
        "SELECT * FROM '{shard}'",
        "SELECT 1; SELECT 2",
        "SELECT count(*) FROM docs; DELETE FROM docs",
        "DELETE FROM docs",
        "INSERT INTO runs (run_id, kind, config_hash, status) VALUES ('x', 'y', 'z', 'done')",
        "CREATE TABLE x AS SELECT 1",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "EXPORT DATABASE '{tmp}/export'",
    ],
)
def test_sql_refuses_exactly_what_the_cli_refuses(audited, tmp_path, capsys, sql) -> None:
    sql = sql.format(tmp=tmp_path, shard=audited.shards / "part-0000.jsonl")
    db = audited.ws / "curate.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(CurateError) as e:
        audited.api.sql(sql)
    out = tmp_path / "out.arrow"
    # `--format arrow` is the same call (`query_arrow`): the same message, word for word; the
    # table format (`run_query`) refuses the same, DuckDB's detail may be worded apart
    assert main(["query", str(audited.ws), sql, "--format", "arrow", "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"curate: error: {e.value}\n"
    assert main(["query", str(audited.ws), sql]) == 2
    assert capsys.readouterr().err[:60] == f"curate: error: {e.value}"[:60]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- docs, flagged


def test_docs_is_a_lazy_scan_of_the_audit_parquet_equal_to_the_store(audited) -> None:
    ws = audited.api
    lf = ws.docs()
    assert isinstance(lf, pl.LazyFrame)
    plan = lf.filter(pl.col(SCORE) >= 0.5).select("doc_id").explain()
    assert "docs/00000.parquet" in plan and re.search(r"PROJECT \d+/\d+ COLUMNS", plan)
    assert re.search(r"SELECTION: .*score_malicious_character_v1", plan), plan
    key = ["shard", "position"]
    store = ws.sql(f"SELECT * FROM docs WHERE run_id = '{audited.run_id}'").sort(key)
    assert lf.collect().sort(key).equals(store)
    assert ws.docs(audited.run_id).collect().height == store.height


def test_flagged_filters_sorts_and_names_the_classifiers(audited) -> None:
    ws = audited.api
    for t in (0.5, 0.9):
        got = ws.flagged(threshold=t).collect()
        n = ws.sql(f"SELECT count(*) AS n FROM docs WHERE {SCORE} >= {t}").item()
        assert got.height == n > 0
        assert got.get_column(SCORE).min() >= t
        assert got.get_column(SCORE).is_sorted(descending=True)
    assert ws.flagged("malicious_character_v1").collect().equals(ws.flagged().collect())
    assert ws.flagged(SCORE, 0.9).collect().height == ws.flagged(threshold=0.9).collect().height
    with pytest.raises(CurateError, match=r"unknown classifier 'nope'.*valid: malicious_char"):
        ws.flagged("nope")
    with pytest.raises(CurateError, match="threshold must be a number"):
        ws.flagged(threshold=float("nan"))


# ---------------------------------------------------------------------------- store tables


def test_errors_shards_clusters_corpora_results(audited) -> None:
    ws = audited.api
    err = ws.errors()
    assert set(err.get_column("run_id")) == {audited.run_id}
    assert {"invalid_json", "missing_text", "text_not_string", "blank_line"} <= set(
        err.get_column("reason")
    )
    sh = ws.shards()
    assert sh.height == 8
    assert (sh["n_read"] == sh["n_docs"] + sh["n_errors"]).all()
    assert sh["n_docs"].sum() == ws.docs().select(pl.len()).collect().item()
    cl = ws.clusters()
    assert cl.height >= 2 and set(cl.get_column("run_id")) == {audited.run_id}
    assert (cl["cluster_size"] >= 2).all()
    assert set(ws.corpora().get_column("variant")) == {"full", "lex"}
    lex = ws.corpora("t", "lex")
    assert set(lex.get_column("variant")) == {"lex"} and set(lex["decision"]) == {"keep", "drop"}
    with pytest.raises(CurateError, match=r"unknown variant 'nope'.*valid: full, lex"):
        ws.corpora(variant="nope")
    with pytest.raises(CurateError, match=r"unknown corpus"):
        ws.corpora("nope")
    res = ws.results("fake")
    assert res.height == 2 and res["seed"].to_list() == [1, None]
    assert ws.results().height == 2
    with pytest.raises(CurateError, match=r"unknown ablation 'nope'.*valid: fake"):
        ws.results("nope")
    for bad in (lambda: ws.errors("audit-nope"), lambda: ws.docs("audit-nope")):
        with pytest.raises(CurateError, match=f"unknown audit run.*valid: {audited.run_id}"):
            bad()


# ---------------------------------------------------------------------------- text


def test_text_is_exactly_what_the_audit_read_in_every_format(audited) -> None:
    ws = audited.api
    want = audited.texts
    got = ws.text(list(want))
    assert got == want and list(got) == list(want)
    assert {want[k] for k in want if k.startswith("parquet-")} == set(TRICKY)
    # the sample shards, against an independent reading of the files
    assert ws.text(list(audited.sample)) == audited.sample
    assert ws.text("jsonl-8") == LONG
    assert ws.text(pl.Series(["gz-4", "zst-0"])) == {"gz-4": TRICKY[4], "zst-0": TRICKY[0]}


def test_text_of_a_frame_adds_a_text_column(audited) -> None:
    ws = audited.api
    top = ws.flagged().head(5).collect()
    got = ws.text(top)
    assert got.columns == [*top.columns, "text"] and got.drop("text").equals(top)
    for row in got.iter_rows(named=True):
        assert row["text"][:200] == row["snippet"]
    assert ws.text(ws.flagged().head(5)).equals(got)  # a LazyFrame too
    clusters = ws.text(ws.clusters())  # the tricky shards repeat their texts: clusters
    by_id = ws.text(clusters.get_column("doc_id"))
    assert clusters.get_column("text").to_list() == [by_id[d] for d in clusters["doc_id"]]
    kept = ws.corpora("t", "lex").head(4)
    assert ws.text(kept).get_column("text").to_list() == list(ws.text(kept["doc_id"]).values())
    with pytest.raises(CurateError, match="needs the columns shard and position"):
        ws.text(pl.DataFrame({"doc_id": ["a"]}))
    forged = top.head(1).with_columns(doc_id=pl.lit("someone-else"))
    with pytest.raises(CurateError, match="not 'someone-else'"):
        ws.text(forged)


def test_text_reads_each_shard_once_and_only_as_far_as_needed(audited, monkeypatch) -> None:
    calls: dict[str, int] = {}
    records: dict[str, int] = {}
    original = ShardReader.read_shard

    def counting(self, shard):
        calls[shard] = calls.get(shard, 0) + 1
        for doc in original(self, shard):
            records[shard] = records.get(shard, 0) + 1
            yield doc

    monkeypatch.setattr(ShardReader, "read_shard", counting)
    ids = list(audited.texts) + list(audited.sample)
    audited.api.text(ids)
    assert len(calls) == 8 and set(calls.values()) == {1}
    calls.clear()
    records.clear()
    audited.api.text(["jsonl-1", "jsonl-0"])  # positions 0 and 1: two records read, no more
    assert calls == {str(audited.shards / "tricky.jsonl"): 1}
    assert sum(records.values()) == 2


def test_text_names_missing_ids(audited) -> None:
    with pytest.raises(CurateError, match=r"no document with id 'nope', 'nix'"):
        audited.api.text(["jsonl-0", "nope", "nix"])
    with pytest.raises(CurateError, match="doc ids are strings"):
        audited.api.text([1, 2])  # type: ignore[list-item]


def _tiny(
    tmp_path: Path, shards: dict[str, list], tasks: int = 1, **inputs
) -> tuple[AuditWorkspace, Path]:
    src = tmp_path / "src"
    src.mkdir()
    for name, recs in shards.items():
        (src / name).write_text("".join(json.dumps(r) + "\n" for r in recs))
    steps = {"classifiers": {"names": []}, "minhash": {"enabled": False}}
    ws = tmp_path / "ws"
    run_audit(
        resolve_config(
            {"workspace": str(ws), "inputs": {"paths": [str(src)], **inputs}, "steps": steps,
             "executor": {"tasks": tasks, "workers": 1}, "progress": False},
            tmp_path,
            "test",
        )
    )  # fmt: skip
    return curate.open_workspace(ws), src


def test_text_refuses_a_shard_that_changed_since_the_audit(tmp_path) -> None:
    recs = [{"id": k, "text": f"text of {k}"} for k in "abc"]
    ws, src = _tiny(tmp_path, {"s.jsonl": recs})
    shard = src / "s.jsonl"
    assert ws.text(["c", "a"]) == {"c": "text of c", "a": "text of a"}

    def rewrite(rows: list) -> None:
        shard.write_text("".join(json.dumps(r) + "\n" for r in rows))

    # 1. the audit's manifest recorded each shard's size and content digest: other bytes fail
    rewrite([recs[0], recs[2], recs[1]])
    with pytest.raises(CurateError, match=r"not the bytes audit run .* read \(the same size, o"):
        ws.text("a")
    rewrite([*recs, {"id": "d", "text": "appended"}])
    with pytest.raises(CurateError, match=r"\(\d+ bytes now, \d+ when audited\).*re-audit"):
        ws.text("a")
    rewrite(recs)  # the same bytes again (a new mtime): fine
    assert ws.text("b") == "text of b"
    # 2. without the manifest (lost, a remote shard) every document read is checked itself
    (ws.root / "runs" / ws.latest_run() / "manifest.json").unlink()
    rewrite([recs[0], recs[2], recs[1]])
    with pytest.raises(CurateError, match=r"record 1 has id 'c' but the audit read 'b'.*changed"):
        ws.text("b")
    rewrite([recs[0], {"id": "b", "text": "text of B!"}, recs[2]])
    with pytest.raises(CurateError, match=r"record 1 \('b'\) is not the text the audit read"):
        ws.text("b")
    rewrite([recs[0], {"id": "b", "text": "TEXT OF B"}, recs[2]])  # same length, same hash
    with pytest.raises(CurateError, match="not the text the audit read"):
        ws.text(["b"])
    rewrite(recs[:2])
    with pytest.raises(CurateError, match=r"ends before record 2 \('c'\)"):
        ws.text("c")
    shard.write_text(json.dumps(recs[0]) + "\n{broken\n")
    with pytest.raises(CurateError, match=r"record 1 is now a bad record \(invalid_json\)"):
        ws.text("b")
    shard.unlink()
    with pytest.raises(CurateError, match="cannot open shard"):
        ws.text("a")


def test_text_with_repeated_ids_wants_a_frame(tmp_path) -> None:
    ws, _ = _tiny(
        tmp_path,
        {"a.jsonl": [{"id": "x", "text": "first x"}], "b.jsonl": [{"id": "x", "text": "other x"}]},
    )
    with pytest.raises(CurateError, match=r"doc_id 'x' names 2 documents.*pass a frame"):
        ws.text("x")
    both = ws.text(ws.docs().filter(pl.col("doc_id") == "x").sort("shard"))
    assert both.get_column("text").to_list() == ["first x", "other x"]


def test_text_uses_the_runs_own_fields(tmp_path) -> None:
    recs = [{"key": "k1", "body": "the body", "text": "not this"}, {"body": "no key here"}]
    ws, _ = _tiny(tmp_path, {"s.jsonl": recs}, text_field="body", id_field="key")
    assert ws.text(["k1", "s.jsonl:1"]) == {"k1": "the body", "s.jsonl:1": "no key here"}


def test_docs_and_text_span_every_task_file(tmp_path) -> None:
    shards = {f"s{i}.jsonl": [{"id": f"{i}-{j}", "text": f"doc {i} {j}"} for j in range(3)]
              for i in range(3)}  # fmt: skip
    ws, _ = _tiny(tmp_path, shards, tasks=2)
    files = sorted(p.name for p in (ws.root / "audit" / ws.latest_run() / "docs").iterdir())
    assert files == ["00000.parquet", "00001.parquet"]
    assert ws.docs().select(pl.len()).collect().item() == 9
    ids = [f"{i}-{j}" for i in (2, 0, 1) for j in (2, 0)]
    assert ws.text(ids) == {k: f"doc {k.replace('-', ' ')}" for k in ids}


def test_a_workspace_without_scores_or_finished_runs(tmp_path) -> None:
    ws, _ = _tiny(tmp_path, {"s.jsonl": [{"id": "a", "text": "Mwahaha! My evil plan."}]})
    with pytest.raises(CurateError, match=r"no classifier scores.*lexicon_hits"):
        ws.flagged()
    with pytest.raises(CurateError, match=r"no dup_clusters table yet: run `curate dedup WS`"):
        ws.clusters()
    run = ws.latest_run()
    with connect(Workspace.at(ws.root)) as con:
        con.execute("UPDATE runs SET status = 'failed' WHERE run_id = ?", [run])
    with pytest.raises(CurateError, match="no finished audit run"):
        ws.docs()
    with pytest.raises(CurateError, match=r"did not finish \(status: failed\)"):
        ws.errors(run)


def test_the_api_writes_nothing(audited) -> None:
    def snapshot() -> dict[str, tuple[str, int]]:
        out = {}
        for root in (audited.ws, audited.shards):
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        return out

    before = snapshot()
    ws = curate.open_workspace(audited.ws)
    ws.sql("SELECT * FROM docs")
    ws.text(ws.flagged().collect())
    for frame in (ws.runs(), ws.errors(), ws.shards(), ws.clusters(), ws.corpora(), ws.results()):
        assert frame.height
    with pytest.raises(CurateError):
        ws.sql("CREATE TABLE t AS SELECT 1")
    assert snapshot() == before


# ---------------------------------------------------------------------------- examples


def _python_blocks(md: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", md.read_text(), re.S)


def test_the_example_notebook_and_the_docs_example_run(tmp_path) -> None:
    """examples/audit_notebook.py as written (the real classifier: the one test that loads
    MiniLM), in a fresh process; then docs/api.md's example on the workspace it audited."""
    env = {**os.environ, "CURATE_NOTEBOOK_DIR": str(tmp_path), "TMPDIR": str(tmp_path)}
    notebook = REPO / "examples" / "audit_notebook.py"
    busy = os.getloadavg()[0] >= (os.cpu_count() or 1)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(notebook)], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr[-3000:]
    # under a minute in CI (about 25 s on an idle 2-core machine); a machine already busy with
    # other jobs says nothing about the example's own time
    busy = busy or os.getloadavg()[0] >= 1.5 * (os.cpu_count() or 1)
    assert seconds < 60 or busy, f"the example took {seconds:.1f} s"
    assert (tmp_path / "score_histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "320 docs, 3 bad records" in out.stdout
    assert re.search(r"--- sample-\d+ \(\w+, part-\d+\.[\w.]+:\d+\) score 0\.9", out.stdout)

    audit, use = _python_blocks(REPO / "docs" / "api.md")
    compile(audit, "docs/api.md", "exec")  # what the notebook just did, through the CLI
    assert 'main(["audit", str(bundled("data/sample_shards"))' in audit
    code = f"ws_dir = {str(tmp_path / 'ws')!r}\n{use}"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert "score_malicious_character_v1" in out.stdout and "invalid_json" in out.stdout
