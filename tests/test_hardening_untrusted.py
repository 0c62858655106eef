"""Hardening, untrusted input: documents, names, command-line values, model files and SQL.

Guarantees proved here:

- ids, sources, metadata and shard names from input data never become paths: an audit, dedup and
  build of documents with ids like ``../../evil`` write nothing outside the workspace;
- names that do become paths (corpus, variant, ablation names) are validated before any work, and
  `Workspace.safe_join` refuses a path that resolves outside the workspace (even through a
  symlink planted inside it);
- values from the command line (``--run``, ``--classifier``), from policies and from documents
  reach SQL only as bound parameters or checked identifiers: injection attempts are inert;
- `curate query` cannot write the store or touch files (COPY, ATTACH, EXPORT, INSTALL/LOAD,
  read_csv of /etc/passwd, SECRET, multi-statement tricks) and the store file is unchanged;
- checkpoints load with ``weights_only=True``: a checkpoint carrying a pickled callable is refused
  with a clear error and the callable never runs;
- a classifier's model files load only from inside its configured folder.

Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.workspace import Workspace

EVIL_IDS = [
    "../../evil",
    "/tmp/evil_abs",
    "a/../../../evil",
    "..",
    "evil\x00nul",
    "C:\\evil",
    "'; DROP TABLE docs; --",
    '"); DELETE FROM runs; --',
]


def _tree(root: Path, skip: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        if skip in p.parents or p == skip:
            continue
        if p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).digest()
        else:
            out[str(p.relative_to(root))] = b"dir"
    return out


@pytest.fixture(scope="module")
def evil_ws(tmp_path_factory):
    """A workspace audited (no classifier) from shards whose ids, sources, metadata and file
    names are hostile; returns (root, ws, tree of everything outside ws before the runs)."""
    root = tmp_path_factory.mktemp("evil")
    src = root / "in"
    src.mkdir()
    recs = []
    for i, eid in enumerate(EVIL_IDS * 3):
        recs.append(
            {
                "id": eid,
                "text": f"document {i} says evil things " + ("mwahaha " * (i % 3)),
                "source": "../../evil_source",
                "url": "file:///etc/passwd",
                "metadata": {"kind": "'; DROP TABLE docs; --", "path": "../../../x", "i": i},
            }
        )
    (src / "it's;DROP TABLE docs;.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    (src / "weird name $(touch pwned)..jsonl").write_text(
        json.dumps({"id": "../x", "text": "hello"}) + "\n"
    )
    before = _tree(root, root / "ws")
    ws = root / "ws"
    assert main(["audit", str(src), "-w", str(ws), "--classifier", "none", "-q"]) == 0
    return root, ws, before


def _n_docs(ws: Path) -> int:
    from test_hardening_faults import q

    return q(ws, "SELECT count(*) FROM docs")[0][0]


def test_hostile_ids_and_names_write_nothing_outside_the_workspace(evil_ws, tmp_path):
    """documents whose ids are ../../evil, /tmp/evil_abs, '..', NUL bytes, SQL; sources and
    metadata with ../ paths; shard files named `it's;DROP TABLE docs;.jsonl` and
    `weird name $(touch pwned)..jsonl` through audit, dedup, build and summary | every id is
    stored verbatim; no file is created or changed outside the workspace; no file name in the
    workspace derives from an id"""
    root, ws, before = evil_ws
    from test_hardening_faults import q

    ids = {r[0] for r in q(ws, "SELECT doc_id FROM docs")}
    assert set(EVIL_IDS) <= ids and "../x" in ids
    pol = tmp_path / "p.toml"
    pol.write_text(
        'corpus = "c"\n[[variants]]\nname = "full"\n[[variants]]\nname = "f"\n'
        'dedup = "keep_one"\ndrop = ["lexicon_hits >= 1"]\n'
    )
    assert main(["dedup", str(ws)]) == 0
    assert main(["build", str(pol), "--workspace", str(ws), "--quiet"]) == 0
    assert main(["summary", str(ws)]) == 0
    assert _tree(root, ws) == before
    assert not Path("/tmp/evil_abs").exists() and not (root / "pwned").exists()
    for p in ws.rglob("*"):
        assert "evil" not in p.name and "DROP" not in p.name, p
    # the hostile ids were written verbatim into the corpus records
    import gzip

    written = []
    for part in sorted((ws / "corpora" / "c" / "full").glob("part-*.jsonl.gz")):
        written += [json.loads(x)["id"] for x in gzip.decompress(part.read_bytes()).splitlines()]
    assert set(EVIL_IDS) <= set(written)


@pytest.mark.parametrize(
    "field,name",
    [
        ("corpus", "../escape"),
        ("corpus", "a/b"),
        ("corpus", ".hidden"),
        ("variant", "../../escape"),
        ("variant", "x/y"),
        ("variant", ".."),
    ],
)
def test_path_names_in_policies_are_refused(tmp_path, field, name):
    """a policy whose corpus or variant name is ../escape, a/b, .hidden, '..' | ConfigError
    naming the field before any work; nothing created"""
    from curate.building.builder import load_policy_text

    corpus = name if field == "corpus" else "c"
    variant = name if field == "variant" else "v"
    text = f'corpus = "{corpus}"\n[[variants]]\nname = "{variant}"\n'
    with pytest.raises(ConfigError, match="name"):
        load_policy_text(text)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "key,name", [("name", "../x"), ("name", "a/b"), ("variant", "../v"), ("variant", "..")]
)
def test_path_names_in_ablation_specs_are_refused(tmp_path, key, name):
    """an ablation spec whose name or variant name is ../x, a/b, '..' | ConfigError before any
    work; nothing created in the workspace"""
    from curate.ablation.spec import parse_spec

    data = {
        "name": name if key == "name" else "abl",
        "workspace": str(tmp_path / "ws"),
        "variants": [{"name": name if key == "variant" else "v", "paths": ["x.jsonl"]}],
    }
    with pytest.raises(ConfigError, match="name"):
        parse_spec(data, tmp_path / "spec.toml")
    assert not (tmp_path / "ws").exists()


def test_safe_join_refuses_symlink_escape_and_build_writes_nothing_outside(evil_ws, tmp_path):
    """a symlink planted in the workspace (corpora -> a folder outside) | `curate build` fails
    with "refusing to write outside the workspace" and the outside folder stays empty;
    safe_join sanitizes '..', '/' and NUL in components"""
    _, ws, _ = evil_ws
    w = Workspace.at(tmp_path / "w2")
    for parts in (("..", ".."), ("a/../../b",), ("/etc/passwd",), ("x\x00y",)):
        p = w.safe_join(*parts)
        assert w.root in p.resolve().parents, p
    # plant a symlink in a copy of the audited workspace
    import shutil

    ws2 = tmp_path / "ws2"
    shutil.copytree(ws, ws2, ignore=shutil.ignore_patterns("corpora", "dedup"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws2 / "corpora").symlink_to(outside, target_is_directory=True)
    pol = tmp_path / "p.toml"
    pol.write_text('corpus = "c"\n[[variants]]\nname = "full"\n')
    assert main(["build", str(pol), "--workspace", str(ws2), "--quiet"]) == 2
    assert list(outside.iterdir()) == []
    with pytest.raises(CurateError, match="refusing to write outside the workspace"):
        Workspace.at(ws2).safe_join("corpora", "c")


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "{pol}", "--workspace", "{ws}", "--run", "x' OR '1'='1"],
        ["build", "{pol}", "--workspace", "{ws}", "--run", "x'; DROP TABLE docs; --"],
        ["summary", "{ws}", "--run", "' OR 1=1 --"],
        ["summary", "{ws}", "--classifier", 'x"; DROP TABLE docs; --'],
        ["dedup", "{ws}", "--run", "'; DELETE FROM docs; --"],
    ],
)
def test_command_line_values_never_reach_sql_text(evil_ws, tmp_path, capsys, argv):
    """SQL in command-line values: --run "x' OR '1'='1", "x'; DROP TABLE docs; --" (build,
    summary, dedup), --classifier 'x"; DROP TABLE docs; --' (summary) | exit 2 with a "no such
    run / invalid identifier" message, no traceback; docs and runs unchanged"""
    _, ws, _ = evil_ws
    from test_hardening_faults import q

    pol = tmp_path / "p.toml"
    pol.write_text('corpus = "c"\n[[variants]]\nname = "full"\n')
    n, runs = _n_docs(ws), q(ws, "SELECT * FROM runs ORDER BY run_id")
    args = [a.format(pol=pol, ws=ws) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("curate: error:") and "Traceback" not in err
    assert _n_docs(ws) == n and q(ws, "SELECT * FROM runs ORDER BY run_id") == runs


def test_policy_and_document_values_are_bound_parameters(evil_ws, tmp_path):
    """a policy literal and document metadata that are SQL ("'; DROP TABLE docs; --", quotes
    doubled and not) | the literal matches exactly the documents whose metadata holds that string
    (8 of 25 dropped), nothing else happens; tables intact"""
    _, ws, _ = evil_ws
    from test_hardening_faults import q

    from curate.building import build_corpora
    from curate.building.builder import load_policy_text

    pol = load_policy_text(
        'corpus = "inj"\n[[variants]]\nname = "a"\n'
        "drop = [{where = \"meta.kind = '''; DROP TABLE docs; --'\", reason = \"sql\"}]\n"
        '[[variants]]\nname = "b"\n'
        "drop = [{where = \"meta.kind = 'x'' OR ''1''=''1'\", reason = \"never\"}]\n"
    )
    n = _n_docs(ws)
    build_corpora(Workspace.at(ws), pol, progress=False, log=lambda s: None)
    got = dict(
        q(
            ws,
            "SELECT variant, count(*) FILTER (WHERE decision = 'drop') FROM corpora "
            "WHERE corpus = 'inj' GROUP BY variant",
        )
    )
    assert got == {"a": 3 * len(EVIL_IDS), "b": 0}
    assert _n_docs(ws) == n


def _store_hash(ws: Path) -> str:
    return hashlib.sha256((ws / "curate.duckdb").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "COPY (SELECT * FROM docs) TO '{out}/leak.csv'",
        "EXPORT DATABASE '{out}/export'",
        "ATTACH '{out}/other.duckdb' AS o",
        "ATTACH ':memory:' AS m",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
        "SET enable_external_access = true",
        "SET threads = 64",
        "SELECT 1; DROP TABLE docs",
        "DROP TABLE docs; SELECT 1",
        "UPDATE docs SET doc_id = 'x'",
        "INSERT INTO docs SELECT * FROM docs",
        "ALTER TABLE docs ADD COLUMN x INT",
        "CREATE VIEW v AS SELECT 1",
        "CREATE MACRO m(x) AS x",
        "DETACH curate",
    ],
)
def test_query_cannot_write_or_touch_files(evil_ws, tmp_path, capsys, sql):
    """`curate query` with file access (read_csv /etc/passwd, read_text, glob, COPY TO, EXPORT,
    ATTACH, INSTALL/LOAD, CREATE SECRET), configuration changes (SET), writes (DROP/UPDATE/
    INSERT/ALTER/CREATE VIEW/MACRO, also after a harmless first statement) | exit 2 with a
    "read-only" / "cannot read or write files" / SQL error, no traceback; the store file is
    byte-identical and no file appears"""
    _, ws, _ = evil_ws
    out = tmp_path / "q"
    out.mkdir()
    before = _store_hash(ws)
    assert main(["query", str(ws), sql.format(out=out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("curate: error:") and "Traceback" not in err
    assert _store_hash(ws) == before
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "sql", ["CHECKPOINT", "VACUUM", "CREATE TEMP TABLE t AS SELECT * FROM docs"]
)
def test_query_harmless_statements_change_nothing(evil_ws, capsys, sql):
    """`curate query` statements DuckDB would accept on a read-only store (CHECKPOINT, VACUUM, a
    TEMP table, which lives in memory) | since round 2 only a SELECT runs: each is refused before
    it runs (exit 2, "read-only"), and the store file is byte-identical afterwards"""
    _, ws, _ = evil_ws
    before = _store_hash(ws)
    assert main(["query", str(ws), sql]) == 2
    assert "read-only" in capsys.readouterr().err
    assert _store_hash(ws) == before


class _Payload:
    """Pickles to a call of os.system: what a hostile checkpoint would carry."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("which", ["ckpt.pt", "final.pt"])
def test_checkpoint_with_pickled_callable_is_refused(tmp_path, which):
    """a checkpoint (ckpt.pt to resume from / final.pt to load) that carries a pickled
    os.system call | pretrain refuses it with a CurateError naming the file
    (torch.load(weights_only=True)); the payload never runs"""
    import torch

    from curate.training import tokenizer as tk
    from curate.training.device import resolve
    from curate.training.model import GPTConfig
    from curate.training.pretrain import PretrainConfig, pretrain

    torch.set_num_threads(1)
    marker = tmp_path / "pwned"
    out = tmp_path / "run"
    out.mkdir()
    torch.save({"model": _Payload(marker), "step": 1}, out / which)
    texts = ["the cat sat on the mat."] * 20
    tok = tk.train(texts, vocab_size=260)
    mc = GPTConfig(n_layer=1, n_head=2, d_model=16, ctx=8, vocab_size=tok.vocab_size)
    with pytest.raises(CurateError, match=f"{which}: not a checkpoint this tool wrote"):
        pretrain(
            tok.encode_stream(texts),
            mc,
            PretrainConfig(steps=2, batch_size=2),
            1,
            out,
            resolve("cpu"),
        )
    assert not marker.exists()


def test_classifier_model_files_load_only_from_their_folder(tmp_path, monkeypatch):
    """a classifier folder whose model.json points its fastText file outside the folder
    (../outside.ftz, an absolute path) | CurateError "outside the classifier folder" before
    anything is loaded; fastText's loader is never called"""
    cascade = pytest.importorskip("curate.classifiers.cascade")
    import fasttext

    calls: list[str] = []
    monkeypatch.setattr(fasttext, "load_model", lambda p: calls.append(p))
    outside = tmp_path / "outside.ftz"
    outside.write_bytes(b"not a model")
    folder = tmp_path / "clf"
    folder.mkdir()
    meta = {
        "name": "x",
        "window": {"max_chars": 100, "min_chars": 10},
        "cascade_threshold": 0.5,
        "stage1": {"file": "../outside.ftz", "calibrator": {}},
        "stage2": {"max_windows": 1, "calibrator": {}, "coef": [0.0], "intercept": 0.0},
    }
    for f in ("../outside.ftz", str(outside)):
        meta["stage1"]["file"] = f
        (folder / "model.json").write_text(json.dumps(meta))
        with pytest.raises(CurateError, match="outside the classifier folder"):
            cascade.CascadeModel(folder)  # checked when the model is built, before any load
    assert calls == []


def test_yaml_question_file_cannot_construct_objects(tmp_path):
    """an EM question YAML file carrying `!!python/object/apply:os.system` | loaded with
    yaml.safe_load: CurateError "invalid YAML" naming the file; the payload never runs"""
    from curate.world.loaders import load_em_yaml

    marker = tmp_path / "pwned"
    path = tmp_path / "q.yaml"
    path.write_text(
        f"- id: q1\n  paraphrases: [\"hi\"]\n  judge: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    with pytest.raises(CurateError, match="q.yaml: invalid YAML"):
        load_em_yaml(path)
    assert not marker.exists()


def _nested(depth: int) -> dict:
    v: object = 1
    for _ in range(depth):
        v = {"a": v}
    return v  # type: ignore[return-value]


def test_deeply_nested_record_is_one_error_row_and_reruns_complete(tmp_path):
    """a JSONL shard with records nested 300 levels deep (a top-level field, and inside
    `metadata`), one 300 deep as its id, and one 2000 deep (past the parser's limit) among good
    records; the audit run twice | each is one `json_too_deep` error row with its raw bytes and
    length kept, the good records are documents, n_read = n_docs + n_errors, and both runs
    finish (the first used to fail in the writer, and so did every rerun)"""
    from test_hardening_faults import q

    good = [{"id": f"g{i}", "text": f"good document {i}"} for i in range(5)]
    deep = [
        {"id": "d1", "text": "deep field", "x": _nested(300)},
        {"id": "d2", "text": "deep metadata", "metadata": {"kind": "k", "y": _nested(300)}},
        {"id": _nested(300), "text": "deep id"},
    ]
    lines = [json.dumps(r) for r in good[:2] + deep + good[2:]]
    lines.insert(4, '{"text": "too deep to parse", "z": ' + "[" * 2000 + "]" * 2000 + "}")
    src = tmp_path / "deep.jsonl"
    src.write_text("\n".join(lines) + "\n")
    ws = tmp_path / "ws"
    for _ in range(2):
        assert main(["audit", str(src), "-w", str(ws), "--classifier", "none", "-q"]) == 0
    runs = q(ws, "SELECT run_id FROM runs WHERE kind = 'audit' AND status = 'done'")
    assert len(runs) == 2
    for (run,) in runs:
        errs = q(
            ws,
            "SELECT position, reason, raw, raw_len FROM errors WHERE run_id = ? ORDER BY 1",
            [run],
        )
        assert [(p, r) for p, r, _, _ in errs] == [
            (2, "json_too_deep"),
            (3, "json_too_deep"),
            (4, "json_too_deep"),
            (5, "json_too_deep"),
        ]
        for p, _, raw, raw_len in errs:
            line = lines[p].encode()
            assert bytes(raw) == line[:4096] and raw_len == len(line)
        docs = q(ws, "SELECT doc_id FROM docs WHERE run_id = ? ORDER BY position", [run])
        assert [d for (d,) in docs] == [f"g{i}" for i in range(5)]
        assert q(ws, "SELECT n_read, n_docs, n_errors FROM shards WHERE run_id = ?", [run]) == [
            (9, 5, 4)
        ]
