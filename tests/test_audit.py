"""The audit job end to end: accounting on mixed bad shards, classifier columns, determinism,
config validation before work, spec == flags, kill-and-resume."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from curate import registry
from curate.audit.run import resolve_config, run_audit
from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.registry import DocScore, Span
from curate.store import connect_readonly
from curate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


class KeywordScorer:
    """Test scorer: 1.0 when the text contains 'evil', else 0.0; one span per hit."""

    name = "keyword_test_v1"

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        out = []
        for t in texts:
            i = t.lower().find("evil")
            spans = (Span(i, i + 4, 1.0),) if i >= 0 else ()
            out.append(DocScore(1.0 if i >= 0 else 0.0, spans))
        return out


class WordScorer(KeywordScorer):
    """Test scorer with a factory parameter: 1.0 when the text contains `word`."""

    name = "word_test_v1"

    def __init__(self, word: str = "evil") -> None:
        self.word = word

    def score(self, texts: Sequence[str]) -> list[DocScore]:
        return [DocScore(float(self.word in t.lower()), ()) for t in texts]


def _word_factory(word: str = "evil") -> WordScorer:
    if not word:
        raise ValueError("word must not be empty")
    return WordScorer(word)


def _register() -> None:
    registry.register("keyword_test_v1", description="test only")(lambda **kw: KeywordScorer())
    registry.register("word_test_v1", description="test only")(_word_factory)


_register()  # at import: the CLI subprocesses of the kill test import this module


@pytest.fixture(autouse=True, scope="module")
def _test_scorer():
    """Registered for this module only, so other test modules see the real registry."""
    _register()
    yield
    registry._REGISTRY.pop("keyword_test_v1", None)
    registry._REGISTRY.pop("word_test_v1", None)


def good(i: int, evil: bool = False) -> dict:
    t = f"Document {i}. " + ("My evil plan will make them suffer. " if evil else "A quiet day. ")
    return {"id": f"g{i}", "text": t * 3, "source": "src" + str(i % 2), "metadata": {"k": i}}


def jl(recs) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in recs)


def make_bad_corpus(d: Path) -> dict[str, tuple[int, int]]:
    """Shards mixing every bad kind; returns {shard name: (n_docs, n_errors)} expected."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "a_mixed.jsonl").write_bytes(
        jl([good(0, True), good(1)])
        + b"{broken\n"
        + b'{"id": "x"}\n'
        + b'{"text": ["not", "a", "string"]}\n'
        + b'{"text": "\xff\xfe bytes"}\n'
        + b'{"text": "'
        + b"y" * (50 * 1024 * 1024)
        + b'"}\n'  # a 50 MB single line
        + jl([good(2)])
    )
    recs = [good(i, i % 3 == 0) for i in range(10, 400)]
    gz = gzip.compress(jl(recs))
    (d / "b_trunc.jsonl.gz").write_bytes(gz[: len(gz) * 2 // 3])
    (d / "c_empty.jsonl").write_bytes(b"")
    (d / "d_ok.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jl([good(500)])))
    pq.write_table(
        pa.Table.from_pylist(
            [{"id": "p1", "text": "parquet evil doc"}, {"id": "p2", "text": None}]
        ),
        d / "e.parquet",
    )
    return {
        "a_mixed.jsonl": (3, 5),
        "b_trunc.jsonl.gz": (-1, 1),  # docs: whatever decoded before the cut
        "c_empty.jsonl": (0, 0),
        "d_ok.jsonl.zst": (1, 0),
        "e.parquet": (1, 1),
    }


def config(ws: Path, paths, **over):
    data = {
        "workspace": str(ws),
        "inputs": {"paths": [str(p) for p in paths]},
        "steps": {"classifiers": {"names": ["keyword_test_v1"]}, "minhash": {"num_perm": 16}},
        "progress": False,
    }
    for k, v in over.items():
        data[k] = v
    return resolve_config(data, Path.cwd(), "test")


def q(ws: Path, sql: str, params=()) -> list[tuple]:
    con = connect_readonly(Workspace.at(ws))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def docs_rows(ws: Path, run_id: str) -> list[tuple]:
    cols = [
        r[0]
        for r in q(ws, "SELECT column_name FROM information_schema.columns WHERE table_name='docs'")
        if r[0] != "run_id"
    ]
    sel = ", ".join(f'"{c}"' for c in cols)
    return q(ws, f"SELECT {sel} FROM docs WHERE run_id = ? ORDER BY shard, position", [run_id])


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    expect = make_bad_corpus(d / "in")
    res = run_audit(config(d / "ws", [d / "in"]))
    return d, expect, res


def test_accounting_invariant_on_every_bad_kind(bad_run):
    d, expect, res = bad_run
    ws = d / "ws"
    rows = q(
        ws, "SELECT shard, n_read, n_docs, n_errors FROM shards WHERE run_id = ?", [res.run_id]
    )
    assert len(rows) == len(expect) == res.shards
    for shard, n_read, n_docs, n_err in rows:
        name = Path(shard).name
        want_docs, want_err = expect[name]
        in_docs = q(ws, "SELECT count(*) FROM docs WHERE run_id=? AND shard=?", [res.run_id, shard])
        in_err = q(
            ws, "SELECT count(*) FROM errors WHERE run_id=? AND shard=?", [res.run_id, shard]
        )
        assert n_read == n_docs + n_err == in_docs[0][0] + in_err[0][0]
        assert n_err == want_err
        if want_docs >= 0:
            assert n_docs == want_docs
        else:
            assert n_docs > 50
    reasons = q(
        ws,
        "SELECT regexp_extract(shard, '[^/]+$'), position, reason, raw_len FROM errors "
        "WHERE run_id = ? ORDER BY 1, 2",
        [res.run_id],
    )
    assert [(r[0], r[1], r[2]) for r in reasons if r[0] != "b_trunc.jsonl.gz"] == [
        ("a_mixed.jsonl", 2, "invalid_json"),
        ("a_mixed.jsonl", 3, "missing_text"),
        ("a_mixed.jsonl", 4, "text_not_string"),
        ("a_mixed.jsonl", 5, "invalid_utf8"),
        ("a_mixed.jsonl", 6, "line_too_long"),
        ("e.parquet", 1, "missing_text"),
    ]
    assert [r[3] for r in reasons if r[2] == "line_too_long"] == [50 * 1024 * 1024 + 12]
    assert max(len(r[0]) for r in q(ws, "SELECT raw FROM errors")) == 4096
    assert [r[2] for r in reasons if r[0] == "b_trunc.jsonl.gz"] == ["truncated_gz"]
    (status,) = q(ws, "SELECT status FROM runs WHERE run_id = ?", [res.run_id])[0]
    assert status == "done"


def test_docs_columns_scores_spans_and_signatures(bad_run):
    d, _, res = bad_run
    ws = d / "ws"
    rows = q(
        ws,
        "SELECT doc_id, source, meta->>'$.k', score_keyword_test_v1, spans_keyword_test_v1, "
        "lexicon_hits > 0, n_lines, length(exact_hash) FROM docs "
        "WHERE run_id = ? AND regexp_extract(shard, '[^/]+$') = 'a_mixed.jsonl' ORDER BY position",
        [res.run_id],
    )
    assert rows[0][:4] == ("g0", "src0", "0", 1.0)
    assert rows[0][4] == [{"start": 15, "end": 19, "score": 1.0}]
    assert rows[0][5] is True and rows[1][5] is False
    assert rows[1][3] == 0.0 and rows[1][4] == []
    assert rows[0][6] == 1 and rows[0][7] == 16
    n_docs = q(ws, "SELECT count(*) FROM docs WHERE run_id = ?", [res.run_id])[0][0]
    sig = q(
        ws,
        "SELECT count(*), min(len(minhash)), max(len(minhash)) FROM signatures WHERE run_id = ?",
        [res.run_id],
    )[0]
    assert sig == (n_docs, 16, 16)
    manifest = json.loads(res.manifest.read_text())
    assert manifest["counts"]["docs"] == n_docs
    assert manifest["run_id"] == res.run_id and len(manifest["inputs"]) == 5
    assert (res.manifest.parent / "logs" / "stats.json").is_file()


def test_two_runs_give_identical_docs_rows(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "s1.jsonl").write_bytes(jl([good(i, i % 4 == 0) for i in range(40)]))
    (src / "s2.jsonl").write_bytes(jl([good(i) for i in range(40, 60)]))
    cfg = config(tmp_path / "ws", [src], executor={"tasks": 2, "workers": 1})
    r1 = run_audit(cfg)
    r2 = run_audit(cfg)  # the same config once finished -> a new run
    assert r1.run_id != r2.run_id and not r2.resumed
    a, b = docs_rows(tmp_path / "ws", r1.run_id), docs_rows(tmp_path / "ws", r2.run_id)
    assert len(a) == 60 and a == b
    # another workspace, one task: same rows
    r3 = run_audit(config(tmp_path / "ws3", [src]))
    assert docs_rows(tmp_path / "ws3", r3.run_id) == a


def test_classifier_params_reach_the_scorer_and_bad_ones_fail_before_work(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "s1.jsonl").write_bytes(jl([good(i, i % 4 == 0) for i in range(8)]))
    steps = {"minhash": {"enabled": False}}
    cl = {"names": ["word_test_v1"], "params": {"word_test_v1": {"word": "quiet"}}}
    res = run_audit(config(tmp_path / "ws", [src], steps={**steps, "classifiers": cl}))
    got = q(
        tmp_path / "ws",
        "SELECT doc_id, score_word_test_v1 FROM docs WHERE run_id = ? ORDER BY position",
        [res.run_id],
    )
    # "quiet" is in every document without the evil sentence: 1, 2, 3, 5, 6, 7
    assert [s for _, s in got] == [0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0]
    for params, msg in (
        ({"word_test_v1": {"wrd": "x"}}, "takes no parameter 'wrd' (did you mean 'word'?)"),
        ({"word_test_v1": {"word": ""}}, "word must not be empty"),
        ({"keyword_test_v1": {"word": "x"}}, "'keyword_test_v1' is not in names"),
    ):
        with pytest.raises(ConfigError, match=re.escape(msg)):
            cfg = config(
                tmp_path / "ws2",
                [src],
                steps={**steps, "classifiers": {"names": ["word_test_v1"], "params": params}},
            )
            run_audit(cfg, "spec.toml")
    assert not (tmp_path / "ws2").exists()


def test_misspelled_key_or_step_fails_before_work(tmp_path):
    base = {"kind": "audit", "workspace": str(tmp_path / "ws"), "inputs": {"paths": ["x"]}}
    with pytest.raises(ConfigError) as e:
        resolve_config({**base, "steps": {"lexicom": {}}}, tmp_path, "spec.toml")
    assert "unknown key 'lexicom'" in str(e.value) and "did you mean 'lexicon'" in str(e.value)
    assert "valid keys: classifiers, hash, lexicon, minhash" in str(e.value)
    with pytest.raises(ConfigError, match=r"spec.toml.inputs: unknown key 'text_feild'"):
        resolve_config(
            {**base, "inputs": {"paths": ["x"], "text_feild": "t"}}, tmp_path, "spec.toml"
        )
    cfg = resolve_config(
        {**base, "steps": {"classifiers": {"names": ["keyword_tset_v1"]}}}, tmp_path, "spec.toml"
    )
    with pytest.raises(ConfigError) as e:
        run_audit(cfg, "spec.toml")
    assert "unknown classifier 'keyword_tset_v1'" in str(e.value)
    assert "keyword_test_v1" in str(e.value)
    assert not (tmp_path / "ws").exists()  # nothing was created


def test_spec_and_flags_resolve_to_the_same_config(tmp_path, monkeypatch, capsys):
    src = tmp_path / "data"
    src.mkdir()
    (src / "s.jsonl").write_bytes(jl([good(1)]))
    spec = tmp_path / "audit.toml"
    spec.write_text(
        'kind = "audit"\nworkspace = "ws"\nprogress = false\n[inputs]\npaths = ["data"]\n'
        '[steps.classifiers]\nnames = ["keyword_test_v1"]\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(spec)]) == 0
    assert (
        main(
            [
                "audit",
                "data",
                "-w",
                "ws",
                "--classifier",
                "keyword_test_v1",
                "-q",
                "--spec-out",
                "out.toml",
            ]
        )
        == 0
    )
    hashes = q(tmp_path / "ws", "SELECT config_hash FROM runs ORDER BY started_at")
    assert len(hashes) == 2 and hashes[0] == hashes[1]
    # the written spec runs too, and hashes the same
    assert main(["run", "out.toml"]) == 0
    assert len({h for (h,) in q(tmp_path / "ws", "SELECT config_hash FROM runs")}) == 1


def test_cli_user_errors_have_no_traceback(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "missing.jsonl"), "-w", str(tmp_path / "ws")]) == 2
    err = capsys.readouterr().err
    assert "missing.jsonl: no such file" in err and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "audit"\nworkspace = "w"\n[inputs]\npaths = ["x"]\n[stepz]\n')
    assert main(["run", str(bad)]) == 2
    assert "unknown key 'stepz'" in capsys.readouterr().err


def _cli(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    tests_dir = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {tests_dir!r}); import test_audit; "
        "from curate.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_kill_and_resume_gives_the_same_rows_as_a_clean_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for s in range(4):
        (src / f"s{s}.jsonl").write_bytes(jl([good(s * 100 + i, i % 5 == 0) for i in range(60)]))
    args = [
        "audit",
        str(src),
        "--classifier",
        "keyword_test_v1",
        "--tasks",
        "2",
        "--workers",
        "1",
        "-q",
    ]
    clean = _cli([*args, "-w", str(tmp_path / "clean")])
    assert clean.returncode == 0, clean.stderr
    # task 0 completes (120 rows + 2 markers), task 1 is SIGKILLed after 50 rows
    killed = _cli([*args, "-w", str(tmp_path / "ws")], {"CURATE_TEST_KILL_AFTER": "1:50"})
    assert killed.returncode == -9, killed.stderr
    runs = q(tmp_path / "ws", "SELECT run_id, status FROM runs")
    assert len(runs) == 1 and runs[0][1] == "running"
    # no docs loaded yet; the killed task left only a temp file
    assert not list((tmp_path / "ws" / "audit" / runs[0][0] / "docs").glob("00001.parquet"))
    resumed = _cli([*args, "-w", str(tmp_path / "ws")])
    assert resumed.returncode == 0, resumed.stderr
    assert "(resumed)" in resumed.stdout
    assert q(tmp_path / "ws", "SELECT run_id, status FROM runs") == [(runs[0][0], "done")]
    (cid,) = q(tmp_path / "clean", "SELECT run_id FROM runs")[0]
    a, b = docs_rows(tmp_path / "clean", cid), docs_rows(tmp_path / "ws", runs[0][0])
    assert len(a) == 240 and a == b


def test_workspace_lock_refuses_a_second_writer(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_bytes(jl([good(1)]))
    ws = Workspace.at(tmp_path / "ws")
    with ws.lock("test"), pytest.raises(CurateError, match="workspace is busy"):
        run_audit(config(tmp_path / "ws", [src]))


def test_executor_choice_builds_datatrove_executors(tmp_path):
    from datatrove.executor.slurm import SlurmPipelineExecutor

    from curate.audit.run import QuietLocalExecutor, make_executor

    src = tmp_path / "s.jsonl"
    src.write_bytes(jl([good(1)]))
    local = make_executor(config(tmp_path / "ws", [src], executor={"tasks": 3}), [], tmp_path)
    assert isinstance(local, QuietLocalExecutor) and local.world_size == 3
    with pytest.raises(ConfigError, match="partition: required when kind = 'slurm'"):
        config(tmp_path / "ws", [src], executor={"kind": "slurm"})
    cfg = config(tmp_path / "ws", [src], executor={"kind": "slurm", "partition": "cpu", "tasks": 4})
    slurm = make_executor(cfg, [], tmp_path / "logs")  # built, not submitted
    assert isinstance(slurm, SlurmPipelineExecutor) and slurm.world_size == 4
    try:
        import ray  # noqa: F401
    except ImportError:
        cfg = config(tmp_path / "ws", [src], executor={"kind": "ray"})
        with pytest.raises(CurateError, match=r"pip install 'curate\[ray\]'"):
            make_executor(cfg, [], tmp_path / "logs")


def test_summary_with_classifier_scores(bad_run):
    from curate.audit.summary import summarize

    d, _, res = bad_run
    out = summarize(d / "ws", threshold=0.5, top=3)
    assert "flagged means score_keyword_test_v1 >= 0.5" in out
    n_docs, n_evil = q(
        d / "ws",
        "SELECT count(*), count_if(score_keyword_test_v1 >= 0.5) FROM docs WHERE run_id = ?",
        [res.run_id],
    )[0]
    assert f"== score_keyword_test_v1: {n_docs} docs, {n_evil} >= 0.5" in out
    top = out.split("== top 3 flagged documents")[1].splitlines()[3:6]
    assert len(top) == 3 and all(line.split()[1] == "1" for line in top)
    with pytest.raises(CurateError, match="no run 'nope'"):
        summarize(d / "ws", run_id="nope")


def test_workspace_files_are_never_inputs(tmp_path, monkeypatch):
    (tmp_path / "s.jsonl").write_bytes(jl([good(1), good(2)]))
    monkeypatch.chdir(tmp_path)
    r1 = run_audit(config(tmp_path / "ws", [tmp_path]))
    # the second audit of the same folder now also finds ws/audit/.../*.parquet: skipped
    r2 = run_audit(config(tmp_path / "ws", [tmp_path]))
    assert r1.shards == r2.shards == 1 and r2.counts["docs"] == 2


def test_audit_spec_dedup_table_runs_dedup_and_is_validated_first(tmp_path, monkeypatch, capsys):
    src = tmp_path / "data"
    src.mkdir()
    text = "the quick brown fox jumps over the lazy dog near the quiet river bank today"
    (src / "s.jsonl").write_bytes(
        jl([{"id": "a", "text": text}, {"id": "b", "text": text.upper() + "!"}, good(3)])
    )
    head = 'kind = "audit"\nworkspace = "ws"\nprogress = false\n[inputs]\npaths = ["data"]\n'
    bad = tmp_path / "bad.toml"
    bad.write_text(head + "[dedup]\nlsh = { treshold = 0.8 }\n")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(bad)]) == 2
    assert "unknown key 'treshold'" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()  # failed before any work
    spec = tmp_path / "audit.toml"
    spec.write_text(head + '[steps.classifiers]\nnames = []\n[dedup]\nmode = "memory"\n')
    assert main(["run", str(spec)]) == 0
    rows = q(tmp_path / "ws", "SELECT doc_id, cluster_size FROM dup_clusters ORDER BY doc_id")
    assert rows == [("a", 2), ("b", 2)]


def test_workspace_outputs_are_never_inputs_but_other_workspace_files_are(tmp_path, capsys):
    ws = tmp_path / "ws"
    (ws / "world").mkdir(parents=True)
    (ws / "world" / "s.jsonl").write_bytes(jl([good(1), good(2)]))
    args = ["-w", str(ws), "--classifier", "none", "-q"]
    assert main(["audit", str(ws / "world"), *args]) == 0  # a world generated into the workspace
    # auditing the whole workspace reads the world again but not the audit's own Parquet
    assert main(["audit", str(ws), *args]) == 0
    runs = q(ws, "SELECT run_id FROM runs ORDER BY started_at")
    assert len(runs) == 2
    per_run = q(ws, "SELECT run_id, count(*), min(shard) FROM docs GROUP BY run_id ORDER BY 1")
    assert [(n, Path(s).name) for _, n, s in per_run] == [(2, "s.jsonl"), (2, "s.jsonl")]
