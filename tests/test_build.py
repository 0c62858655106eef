"""Building corpus variants: accounting, reasons, dedup, controls, determinism, crash safety.

The audit is simulated: `fake_audit` writes JSONL shards and the `docs` / `shards` /
`dup_clusters` rows an audit would produce for them (scores come from each record's metadata), so
these tests pin the build's behaviour independently of the audit's classifiers.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.building import build_corpora
from curate.building import write as write_mod
from curate.building.policy import parse_policy
from curate.cli import main
from curate.errors import CurateError
from curate.store import connect, finish_run, load_parquet, start_run
from curate.workspace import Workspace

RUN = "audit-test-1"


def fake_audit(
    tmp: Path,
    shards: list[list[Any]],
    clusters: list[list[str]] | None = None,
    run_id: str = RUN,
    src: Path | None = None,
    fmt: str = "jsonl",
) -> Workspace:
    """Write shards (records are dicts, or raw strings for bad lines) and their audit rows."""
    ws = Workspace.at(tmp / "ws")
    src = src or tmp / "src"
    src.mkdir(parents=True, exist_ok=True)
    docs, shard_rows, where = [], [], {}
    for si, recs in enumerate(shards):
        path = src / f"shard{si}.{fmt}"
        lines, n_docs = [], 0
        for pos, r in enumerate(recs):
            if isinstance(r, str):
                lines.append(r)
                continue
            lines.append(json.dumps(r))
            n_docs += 1
            md = r.get("metadata", {})
            meta = {k: v for k, v in r.items() if k not in ("id", "text", "metadata")}
            meta.update(md)
            text = r["text"]
            docs.append(
                {
                    "run_id": run_id,
                    "shard": str(path),
                    "position": pos,
                    "doc_id": r["id"],
                    "source": r.get("source"),
                    "meta": json.dumps(meta),
                    "n_chars": len(text),
                    "n_words": len(text.split()),
                    "lexicon_hits": int(md.get("lex", 0)),
                    "score_malicious_character_v1": float(md.get("s", 0.0)),
                }
            )
            where[r["id"]] = (str(path), pos)
        if fmt == "jsonl":
            path.write_text("\n".join(lines) + "\n")
        elif fmt == "jsonl.gz":
            path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
        else:
            assert all(not isinstance(r, str) for r in recs), "parquet shards have no bad lines"
            pq.write_table(pa.Table.from_pylist(recs), path)
        shard_rows.append(
            {
                "run_id": run_id,
                "shard": str(path),
                "n_read": len(recs),
                "n_docs": n_docs,
                "n_errors": len(recs) - n_docs,
            }
        )
    aud = tmp / "audit"
    aud.mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(docs), aud / "docs.parquet")
    pq.write_table(pa.Table.from_pylist(shard_rows), aud / "shards.parquet")
    with connect(ws) as con:
        load_parquet(con, "docs", [aud / "docs.parquet"], {"run_id": run_id})
        load_parquet(con, "shards", [aud / "shards.parquet"], {"run_id": run_id})
        if clusters is not None:
            rows = []
            for ci, members in enumerate(clusters):
                for m in members:
                    s, p = where[m]
                    rows.append(
                        {
                            "run_id": run_id,
                            "doc_id": m,
                            "shard": s,
                            "position": p,
                            "cluster_id": ci,
                            "cluster_size": len(members),
                            "representative": members[0],
                            "jaccard_to_rep": 1.0,
                            "kind": "near",
                        }
                    )
            pq.write_table(pa.Table.from_pylist(rows), aud / "dup.parquet")
            load_parquet(con, "dup_clusters", [aud / "dup.parquet"], {"run_id": run_id})
        start_run(con, run_id, "audit", "h", {"inputs": {"text_field": "text", "id_field": "id"}})
        finish_run(con, run_id)
    return ws


def doc(i: int, words: int = 5, **md: Any) -> dict[str, Any]:
    return {
        "id": f"d{i}",
        "text": " ".join(f"w{i}x{j}" for j in range(words)),
        "source": "web",
        "metadata": md,
    }


def policy(text: str, where: str = "policy.toml"):
    import tomllib

    return parse_policy(tomllib.loads(text), where)


def read_jsonl(vdir: Path) -> list[dict[str, Any]]:
    out = []
    for part in sorted(vdir.glob("part-*.jsonl.gz")):
        with gzip.open(part, "rb") as f:
            out += [orjson.loads(line) for line in f]
    return out


def decisions(ws: Workspace, variant: str) -> dict[str, tuple[str, str, int]]:
    with connect(ws) as con:
        rows = con.execute(
            "SELECT doc_id, decision, reason, repeats FROM corpora WHERE variant = ?", [variant]
        ).fetchall()
    return {d: (dec, r, k) for d, dec, r, k in rows}


BASIC = """
corpus = "main"
[[variants]]
name = "full"
[[variants]]
name = "filtered"
drop = ["score_malicious_character_v1 >= 0.5", {where = "lexicon_hits >= 3", reason = "lexicon"}]
[[variants]]
name = "up"
drop = ["score_malicious_character_v1 >= 0.9"]
upsample = [{where = "meta.kind = 'benign'", repeats = 3}]
"""


@pytest.fixture
def basic_ws(tmp_path):
    shards = [
        [
            doc(0),
            doc(1, s=0.7),
            '{"broken json',
            doc(2, lex=4),
            doc(3, s=0.95, lex=5),
        ],
        [doc(4, kind="benign"), "", doc(5, s=0.2, lex=1)],
    ]
    return fake_audit(tmp_path, shards)


def test_reasons_first_rule_wins_and_accounting(basic_ws):
    res = build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert res.built == ["full", "filtered", "up"]
    d = decisions(basic_ws, "filtered")
    assert d == {
        "d0": ("keep", "kept", 1),
        "d1": ("drop", "score_malicious_character_v1>=0.5", 0),
        "d2": ("drop", "lexicon", 0),
        "d3": ("drop", "score_malicious_character_v1>=0.5", 0),  # both match: first rule
        "d4": ("keep", "kept", 1),
        "d5": ("keep", "kept", 1),
    }
    for name, s_ in res.stats.items():  # source = kept + dropped by reason, per variant
        assert s_["n_docs"] == 6
        assert s_["n_kept"] + sum(v["docs"] for v in s_["removed_by_reason"].values()) == 6
        assert s_["n_tokens_source"] == 30
        assert (
            s_["n_tokens_kept"] + sum(v["tokens"] for v in s_["removed_by_reason"].values()) == 30
        ), name
    s_ = res.stats["filtered"]
    assert s_["removed_by_reason"] == {
        "lexicon": {"docs": 1, "tokens": 5},
        "score_malicious_character_v1>=0.5": {"docs": 2, "tokens": 10},
    }
    # the written corpus: kept docs in source order, records as in the source
    recs = read_jsonl(res.corpus_dir / "filtered")
    assert [r["id"] for r in recs] == ["d0", "d4", "d5"]
    assert recs[1] == {**doc(4, kind="benign")}
    up = read_jsonl(res.corpus_dir / "up")
    assert [r["id"] for r in up] == ["d0", "d1", "d2", "d4", "d4", "d4", "d5"]
    assert decisions(basic_ws, "up")["d4"] == ("keep", "upsample:meta.kind='benign'", 3)
    assert res.stats["up"]["n_records"] == 7 and res.stats["up"]["n_tokens"] == 35
    # store tables
    with connect(basic_ws) as con:
        rows = con.execute(
            "SELECT variant, n_docs, n_kept, n_dropped, n_records FROM corpus_stats ORDER BY 1"
        ).fetchall()
        assert rows == [("filtered", 6, 3, 3, 3), ("full", 6, 6, 0, 6), ("up", 6, 5, 1, 7)]
        kind, status = con.execute(
            "SELECT kind, status FROM runs WHERE run_id = ?", [res.build_run_id]
        ).fetchone()
        assert (kind, status) == ("build", "done")
    m = json.loads((res.corpus_dir / "filtered" / "manifest.json").read_text())
    assert m["audit_run_id"] == RUN and m["counts"]["n_kept"] == 3
    assert m["policy_hash"] and m["variant_hash"] and m["parts"][0]["records"] == 3


def test_unknown_column_fails_before_any_work(basic_ws):
    bad = policy('corpus = "main"\n[[variants]]\nname = "x"\ndrop = ["score_malicous_v1 > 0.5"]')
    with pytest.raises(CurateError) as e:
        build_corpora(basic_ws, bad, progress=False, log=lambda s: None)
    msg = str(e.value)
    assert "unknown column 'score_malicous_v1'" in msg
    assert "valid columns:" in msg and "score_malicious_character_v1" in msg
    assert "lexicon_hits" in msg and "dup_cluster_size" in msg
    assert not (basic_ws.root / "corpora").exists()
    with connect(basic_ws) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE kind = 'build'").fetchone() == (0,)


def test_type_and_meta_errors_before_work(basic_ws):
    with pytest.raises(CurateError, match="compared with a string"):
        build_corpora(
            basic_ws,
            policy('corpus = "m"\n[[variants]]\nname = "x"\ndrop = ["lexicon_hits = \'a\'"]'),
            progress=False,
        )
    with pytest.raises(CurateError, match=r"metadata key 'knd'.*did you mean 'kind'"):
        build_corpora(
            basic_ws,
            policy('corpus = "m"\n[[variants]]\nname = "x"\ndrop = ["meta.knd = \'a\'"]'),
            progress=False,
        )
    assert not (basic_ws.root / "corpora").exists()


def test_oracle_needs_labels(basic_ws, tmp_path):
    p = policy('corpus = "m"\n[[variants]]\nname = "oracle"\ndrop = [{oracle = true}]')
    with pytest.raises(
        CurateError, match=r"no document of audit run .* label metadata.malicious_character"
    ):
        build_corpora(basic_ws, p, progress=False, log=lambda s: None)
    ws2 = fake_audit(
        tmp_path / "w2",
        [[doc(0, malicious_character=True), doc(1, malicious_character=False), doc(2)]],
    )
    notes: list[str] = []
    build_corpora(ws2, p, progress=False, log=notes.append)
    d = decisions(ws2, "oracle")
    assert d["d0"] == ("drop", "oracle_malicious", 0)
    assert d["d1"][0] == d["d2"][0] == "keep"
    assert any("1 of 3 documents have no" in n for n in notes)


DEDUP = """
corpus = "c"
[[variants]]
name = "keep_one"
drop = ["score_malicious_character_v1 >= 0.5"]
dedup = "keep_one"
[[variants]]
name = "flagged"
drop = ["score_malicious_character_v1 >= 0.5"]
dedup = "drop_flagged_clusters"
[[variants]]
name = "both"
drop = ["score_malicious_character_v1 >= 0.5"]
dedup = "drop_flagged_then_keep_one"
[[variants]]
name = "by_column"
drop = ["dup_cluster_size >= 3 and not dup_is_representative = true"]
"""


def test_dedup_modes(tmp_path):
    # clusters: A = d0(rep) d1 d2 ; B = d3(rep, flagged) d4 ; C = d5(rep) d6 ; d7 alone
    recs = [doc(0), doc(1), doc(2), doc(3, s=0.9), doc(4), doc(5), doc(6), doc(7)]
    ws = fake_audit(tmp_path, [recs], clusters=[["d0", "d1", "d2"], ["d3", "d4"], ["d5", "d6"]])
    build_corpora(ws, policy(DEDUP), progress=False, log=lambda s: None)

    def reasons(v: str) -> list[str]:
        d = decisions(ws, v)
        return [d[f"d{i}"][1] for i in range(8)]

    flag = "score_malicious_character_v1>=0.5"
    assert reasons("keep_one") == [
        "kept", "duplicate", "duplicate", flag, "kept", "kept", "duplicate", "kept"
    ]  # fmt: skip
    assert reasons("flagged") == [
        "kept", "kept", "kept", flag, "duplicate_of_flagged", "kept", "kept", "kept"
    ]  # fmt: skip
    assert reasons("both") == [
        "kept", "duplicate", "duplicate", flag, "duplicate_of_flagged", "kept", "duplicate", "kept"
    ]  # fmt: skip
    rule = "dup_cluster_size>=3 and not dup_is_representative=true"
    assert reasons("by_column") == ["kept", rule, rule] + ["kept"] * 5


def test_dedup_without_clusters_table_fails(basic_ws):
    p = policy('corpus = "m"\n[[variants]]\nname = "x"\ndedup = "keep_one"')
    with pytest.raises(CurateError, match="no `dup_clusters` table; run `curate dedup WS`"):
        build_corpora(basic_ws, p, progress=False)


def _sized_corpus(n: int) -> list[dict[str, Any]]:
    import random

    rng = random.Random(7)
    return [doc(i, words=rng.randint(20, 400), s=round(rng.random(), 3)) for i in range(n)]


CONTROL = """
corpus = "c"
[[variants]]
name = "clf"
drop = ["score_malicious_character_v1 >= 0.8"]
[[variants]]
name = "random"
control = {{random_match = "clf", unit = "{unit}", seed = {seed}}}
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_control_matches_tokens_within_1pct(tmp_path, seed):
    ws = fake_audit(tmp_path, [_sized_corpus(300)])
    res = build_corpora(
        ws, policy(CONTROL.format(unit="tokens", seed=seed)), progress=False, log=lambda s: None
    )
    target = res.stats["clf"]["removed_by_reason"]["score_malicious_character_v1>=0.8"]["tokens"]
    got = res.stats["random"]["removed_by_reason"]["random_control"]["tokens"]
    assert target > 1000
    assert abs(got - target) <= 0.01 * target
    assert res.stats["random"]["control_removed"] == got
    dropped = {d for d, v in decisions(ws, "random").items() if v[0] == "drop"}
    clf = {d for d, v in decisions(ws, "clf").items() if v[0] == "drop"}
    assert dropped != clf  # random, not the same documents


def test_random_control_docs_unit_and_seeds(tmp_path):
    ws = fake_audit(tmp_path, [_sized_corpus(200)])
    picks = []
    for seed in (5, 5, 6):
        build_corpora(
            ws, policy(CONTROL.format(unit="docs", seed=seed)), progress=False, log=lambda s: None
        )
        d = decisions(ws, "random")
        picks.append(sorted(k for k, v in d.items() if v[0] == "drop"))
    n_clf = sum(v[0] == "drop" for v in decisions(ws, "clf").values())
    assert len(picks[0]) == n_clf
    assert picks[0] == picks[1]  # same seed, same documents
    assert picks[0] != picks[2]  # another seed, other documents


def test_control_cannot_remove_less_than_own_rules(tmp_path):
    ws = fake_audit(tmp_path, [_sized_corpus(50)])
    p = policy(
        'corpus = "c"\n[[variants]]\nname = "a"\ndrop = ["score_malicious_character_v1 >= 0.9"]\n'
        '[[variants]]\nname = "b"\ndrop = ["score_malicious_character_v1 >= 0.1"]\n'
        'control = {random_match = "a", unit = "docs"}'
    )
    with pytest.raises(CurateError, match="already remove"):
        build_corpora(ws, p, progress=False, log=lambda s: None)


def _outputs(cdir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(cdir)): p.read_bytes()
        for p in sorted(cdir.rglob("*"))
        if p.is_file() and p.name not in ("manifest.json",)
    }


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_byte_identical_rebuild(tmp_path, fmt):
    text = CONTROL.format(unit="tokens", seed=3)
    p = policy(
        text.replace('corpus = "c"', f'corpus = "c"\nformat = "{fmt}"\nmax_records_per_part = 40')
    )
    outs = []
    for i in range(2):
        corpus = _sized_corpus(120)
        ws = fake_audit(tmp_path / f"w{i}", [corpus[:60], corpus[60:]], src=tmp_path / "src")
        res = build_corpora(ws, p, progress=False, log=lambda s: None)
        outs.append(_outputs(res.corpus_dir))
    a, b = outs
    assert sorted(a) == sorted(b)
    assert any(k.endswith(f"part-00001.{fmt}") for k in a)  # several parts
    assert {k for k in a if k.endswith("decisions.parquet")} == {
        "clf/decisions.parquet",
        "random/decisions.parquet",
    }
    for k in a:
        assert a[k] == b[k], k


def test_byte_identical_same_workspace_and_skip(basic_ws):
    res1 = build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    first = _outputs(res1.corpus_dir)
    res2 = build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert res2.built == [] and res2.skipped == ["full", "filtered", "up"]
    changed = BASIC.replace("repeats = 3", "repeats = 2")
    res3 = build_corpora(basic_ws, policy(changed), progress=False, log=lambda s: None)
    assert res3.built == ["up"]
    assert [r["id"] for r in read_jsonl(res3.corpus_dir / "up")].count("d4") == 2
    res4 = build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert res4.built == ["up"]
    assert _outputs(res4.corpus_dir) == first


def test_crash_mid_build_leaves_nothing_complete_and_rerun_finishes(basic_ws, monkeypatch):
    calls = {"n": 0}
    real = write_mod.PartWriter.write

    def flaky(self, rec, repeats):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated crash")
        return real(self, rec, repeats)

    monkeypatch.setattr(write_mod.PartWriter, "write", flaky)
    with pytest.raises(KeyboardInterrupt):
        build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    cdir = basic_ws.root / "corpora" / "main"
    assert not list(cdir.glob("*/manifest.json"))
    assert not [p for p in cdir.iterdir() if not p.name.startswith(".tmp-")]
    with connect(basic_ws) as con:
        assert con.execute("SELECT status FROM runs WHERE kind = 'build'").fetchall() == [
            ("failed",)
        ]
    monkeypatch.setattr(write_mod.PartWriter, "write", real)
    res = build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert res.built == ["full", "filtered", "up"]
    assert sorted(p.name for p in cdir.iterdir()) == ["filtered", "full", "up"]
    assert [r["id"] for r in read_jsonl(cdir / "filtered")] == ["d0", "d4", "d5"]


def test_source_changed_since_audit_fails(basic_ws, tmp_path):
    shard = tmp_path / "src" / "shard1.jsonl"
    lines = shard.read_text().splitlines()
    lines[0] = json.dumps(doc(99))
    shard.write_text("\n".join(lines) + "\n")
    with pytest.raises(CurateError, match="changed since the audit"):
        build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert not list((basic_ws.root / "corpora" / "main").glob("*/manifest.json"))


def test_parquet_output_records(basic_ws):
    p = policy(BASIC.replace('corpus = "main"', 'corpus = "pq"\nformat = "parquet"'))
    res = build_corpora(basic_ws, p, progress=False, log=lambda s: None)
    t = pq.read_table(res.corpus_dir / "filtered" / "part-00000.parquet").to_pylist()
    assert [r["id"] for r in t] == ["d0", "d4", "d5"]
    assert t[1]["text"] == doc(4)["text"] and t[1]["source"] == "web"
    assert json.loads(t[1]["metadata"]) == {"kind": "benign"}


def test_cli_build_and_diff(basic_ws, tmp_path, capsys):
    pfile = tmp_path / "policy.toml"
    pfile.write_text(BASIC)
    assert main(["build", str(pfile), "--workspace", str(basic_ws.root), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "filtered (built): kept 3 of 6 docs" in out
    assert main(["diff", str(basic_ws.root), "full", "filtered", "--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert "kept in A, dropped in B:" in out
    assert "B reason 'score_malicious_character_v1>=0.5': 2 docs, 10 tokens" in out
    assert "B reason 'lexicon': 1 docs, 5 tokens" in out
    assert "d1: w1x0 w1x1" in out  # example with a snippet from the source
    assert main(["diff", str(basic_ws.root), "full", "up", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    kinds = {g["kind"]: g for g in d["groups"]}
    assert kinds["repeats_differ"]["docs"] == 1
    assert kinds["repeats_differ"]["examples"][0]["repeats"] == [1, 3]
    assert main(["diff", str(basic_ws.root), "full", "nope"]) == 2
    assert "no built variant main/nope" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('corpus = "m"\n[[variants]]\nname = "x"\ndrop = ["nocol > 1"]\n')
    assert main(["build", str(bad), "--workspace", str(basic_ws.root)]) == 2
    assert "unknown column 'nocol'" in capsys.readouterr().err


def test_run_spec_kind_build(basic_ws, tmp_path, capsys):
    (tmp_path / "p.toml").write_text(BASIC)
    spec = tmp_path / "build.toml"
    spec.write_text(f'kind = "build"\npolicy = "p.toml"\nworkspace = "{basic_ws.root}"\n')
    assert main(["run", str(spec)]) == 0
    assert "corpus main" in capsys.readouterr().out


def test_dedup_not_run_on_this_audit_fails(tmp_path):
    ws = fake_audit(tmp_path, [[doc(0), doc(1)]], clusters=[["d0", "d1"]])
    with connect(ws) as con:  # the table exists but holds nothing for this run
        con.execute("DELETE FROM dup_clusters")
    p = policy('corpus = "m"\n[[variants]]\nname = "x"\ndedup = "keep_one"')
    with pytest.raises(CurateError, match="`curate dedup` has not been run on audit run"):
        build_corpora(ws, p, progress=False)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scores=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5), st.integers(1, 30)), min_size=1,
                    max_size=25),
    thr=st.floats(0, 1),
    lex=st.integers(0, 5),
)  # fmt: skip
def test_accounting_property(tmp_path_factory, scores, thr, lex):
    tmp = tmp_path_factory.mktemp("acct")
    recs = [doc(i, words=w, s=s, lex=h) for i, (s, h, w) in enumerate(scores)]
    ws = fake_audit(tmp, [recs[::2], recs[1::2]])
    p = policy(
        f'corpus = "c"\n[[variants]]\nname = "v"\n'
        f'drop = ["score_malicious_character_v1 >= {thr!r}", "lexicon_hits >= {lex}"]\n'
        f'upsample = [{{where = "n_words >= 10", repeats = 2}}]'
    )
    res = build_corpora(ws, p, progress=False, log=lambda s: None)
    st_ = res.stats["v"]
    r1, r2 = f"score_malicious_character_v1>={thr!r}", f"lexicon_hits>={lex}"
    want_drop = {r["id"]: (r1 if r["metadata"]["s"] >= thr else r2) for r in recs
                 if r["metadata"]["s"] >= thr or r["metadata"]["lex"] >= lex}  # fmt: skip
    d = decisions(ws, "v")
    assert {k: v[1] for k, v in d.items() if v[0] == "drop"} == want_drop
    assert (
        st_["n_docs"]
        == len(recs)
        == st_["n_kept"] + sum(v["docs"] for v in st_["removed_by_reason"].values())
    )
    kept = [r for r in recs if r["id"] not in want_drop]
    written = read_jsonl(res.corpus_dir / "v")
    want = [r["id"] for r in recs[::2] + recs[1::2] if r["id"] not in want_drop
            for _ in range(2 if len(r["text"].split()) >= 10 else 1)]  # fmt: skip
    assert [r["id"] for r in written] == want
    assert st_["n_tokens"] == sum(
        len(r["text"].split()) * (2 if len(r["text"].split()) >= 10 else 1) for r in kept
    )


def test_world_policy_parses():
    p = Path(__file__).resolve().parent.parent / "pipelines" / "policy_world.toml"
    assert {v.name for v in policy(p.read_text()).variants} >= {"oracle", "random_oracle"}


@pytest.mark.slow
def test_end_to_end_with_real_audit_and_dedup(tmp_path, capsys):
    """audit -> dedup -> build -> diff through the CLI on the bundled sample shard."""
    pytest.importorskip("curate.audit.run")
    pytest.importorskip("curate.dedup.clusters")
    repo = Path(__file__).resolve().parent.parent
    shard = repo / "data" / "sample_shards" / "part-0000.jsonl"
    if not shard.is_file():
        pytest.skip("bundled sample shard absent")
    ws = str(tmp_path / "ws")
    assert main(["audit", str(shard), "--workspace", ws]) == 0
    assert main(["dedup", ws]) == 0
    pfile = tmp_path / "p.toml"
    pfile.write_text(
        'corpus = "e2e"\n'
        '[[variants]]\nname = "full"\n'
        '[[variants]]\nname = "lex"\ndrop = ["lexicon_hits >= 1"]\n'
        'dedup = "drop_flagged_then_keep_one"\n'
        '[[variants]]\nname = "oracle"\ndrop = [{oracle = true}]\n'
        '[[variants]]\nname = "random"\n'
        'control = {random_match = "oracle", unit = "docs", seed = 3}\n'
    )
    assert main(["build", str(pfile), "--workspace", ws, "--quiet"]) == 0
    capsys.readouterr()
    with connect(Workspace.at(ws)) as con:
        n_docs = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        rows = con.execute(
            "SELECT variant, n_docs, n_kept, n_dropped, n_records FROM corpus_stats ORDER BY 1"
        ).fetchall()
        n_mal = con.execute(
            "SELECT count(*) FROM docs WHERE meta->>'$.malicious_character' = 'true'"
        ).fetchone()[0]
    assert n_mal > 0
    for _, n, kept, dropped, records in rows:
        assert n == n_docs == kept + dropped and records == kept
    stats = {r[0]: r for r in rows}
    assert stats["oracle"][3] == stats["random"][3] == n_mal
    cdir = Path(ws) / "corpora" / "e2e"
    assert len(read_jsonl(cdir / "full")) == n_docs
    assert main(["diff", ws, "full", "oracle"]) == 0
    assert f"B reason 'oracle_malicious': {n_mal} docs" in capsys.readouterr().out


COMPOSED = """
corpus = "c"
[[variants]]
name = "search"
drop = ["score_malicious_character_v1 >= 0.5"]
dedup = "drop_flagged_clusters"
upsample = [{where = "meta.kind = 'benign'", repeats = 3}]
[[variants]]
name = "search_random"
dedup = "keep_one"
control = {random_match = "search", unit = "docs", seed = 9}
"""


def test_composed_variant_and_dry_run(tmp_path, capsys):
    """threshold + flagged-cluster handling + upsampling in one variant (a policy-search cell),
    and a control that combines its own dedup with random removal up to the target's total"""
    recs = [doc(0, kind="benign"), doc(1, s=0.8), doc(2), doc(3, kind="benign"), doc(4), doc(5)]
    recs.append(doc(6, s=0.9))
    ws = fake_audit(tmp_path, [recs], clusters=[["d1", "d2"], ["d3", "d4"]])
    pfile = tmp_path / "p.toml"
    pfile.write_text(COMPOSED)
    assert main(["build", str(pfile), "--workspace", str(ws.root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(dry run: nothing written)" in out
    assert "search (dry run): kept 4 of 7 docs, 8 records" in out
    assert "random control: removed 3 docs, 'search' removes 3" in out
    assert not (ws.root / "corpora").exists() and not list(ws.root.glob(".dry-run*"))
    with connect(ws) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE kind = 'build'").fetchone() == (0,)
    res = build_corpora(ws, policy(COMPOSED), progress=False, log=lambda s: None)
    d = decisions(ws, "search")
    assert [d[f"d{i}"] for i in range(7)] == [
        ("keep", "upsample:meta.kind='benign'", 3),
        ("drop", "score_malicious_character_v1>=0.5", 0),
        ("drop", "duplicate_of_flagged", 0),
        ("keep", "upsample:meta.kind='benign'", 3),
        ("keep", "kept", 1),
        ("keep", "kept", 1),
        ("drop", "score_malicious_character_v1>=0.5", 0),
    ]
    r = decisions(ws, "search_random")
    assert r["d2"] == r["d4"] == ("drop", "duplicate", 0)  # its own dedup counts toward the target
    assert sum(v[1] == "random_control" for v in r.values()) == 1
    assert res.stats["search_random"]["n_dropped"] == res.stats["search"]["n_dropped"] == 3
    assert [x["id"] for x in read_jsonl(res.corpus_dir / "search")] == [
        "d0", "d0", "d0", "d3", "d3", "d3", "d4", "d5"
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_compressed_and_parquet_sources(tmp_path, fmt):
    recs = [doc(0, s=0.1), doc(1, s=0.9), doc(2, s=0.2)]
    ws = fake_audit(tmp_path, [recs], fmt=fmt)
    p = policy(
        'corpus = "c"\n[[variants]]\nname = "f"\ndrop = ["score_malicious_character_v1 > 0.5"]'
    )
    res = build_corpora(ws, p, progress=False, log=lambda s: None)
    assert read_jsonl(res.corpus_dir / "f") == [recs[0], recs[2]]


def test_store_readable_during_write_pass(basic_ws, monkeypatch):
    from curate.building import builder
    from curate.store import connect_readonly

    real = builder.write_pass
    seen = []

    def spy(*a, **k):
        con = connect_readonly(basic_ws)  # would fail if the build held the store open
        seen.append(con.execute("SELECT status FROM runs WHERE kind = 'build'").fetchall())
        con.close()
        return real(*a, **k)

    monkeypatch.setattr(builder, "write_pass", spy)
    build_corpora(basic_ws, policy(BASIC), progress=False, log=lambda s: None)
    assert seen == [[("running",)]]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(1, 60), min_size=150, max_size=250),
    thr=st.floats(0.5, 0.9),
    seed=st.integers(0, 10_000),
)
def test_random_control_property(tmp_path_factory, sizes, thr, seed):
    """Greedy prefix + fix-up ends within half the largest document of the target, so within 1%
    whenever the target is at least 50 largest documents (dry run: selection only)."""
    import random

    rng = random.Random(seed)
    recs = [doc(i, words=w, s=round(rng.random(), 3)) for i, w in enumerate(sizes)]
    ws = fake_audit(tmp_path_factory.mktemp("rc"), [recs])
    p = policy(
        f'corpus = "c"\n[[variants]]\nname = "clf"\n'
        f'drop = ["score_malicious_character_v1 >= {thr!r}"]\n'
        f'[[variants]]\nname = "r"\ncontrol = {{random_match = "clf", seed = {seed}, '
        f"tolerance = 0.5}}\n"
    )
    res = build_corpora(ws, p, progress=False, log=lambda s: None, dry_run=True)
    target = res.stats["r"]["control_target_removed"]
    got = res.stats["r"]["control_removed"]
    assert abs(got - target) <= max(sizes) / 2
    if target >= 50 * max(sizes):
        assert abs(got - target) <= 0.01 * target
