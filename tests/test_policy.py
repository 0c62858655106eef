"""Policies: parsing, validation messages, the expression language and its SQL compilation."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.building.expr import (
    And,
    Cmp,
    Columns,
    In,
    IsNull,
    Not,
    Or,
    compile_expr,
    parse_expr,
    render,
)
from curate.building.policy import compile_policy, parse_policy, variant_hash
from curate.errors import ConfigError


def pol(text: str):
    return parse_policy(tomllib.loads(text), "p.toml")


# Policy files (a job spec such as policy_search.toml declares a top-level `kind`; a policy does not).
POLICIES = sorted(
    p
    for p in (Path(__file__).resolve().parent.parent / "pipelines").glob("policy_*.toml")
    if "kind" not in tomllib.loads(p.read_text())
)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_bundled_policies_parse(path):
    policy = pol(path.read_text())
    assert policy.corpus and policy.variants


def test_example_policy_covers_every_part():
    policy = next(pol(p.read_text()) for p in POLICIES if p.name == "policy_example.toml")
    vs = policy.variants
    assert any(v.control for v in vs) and any(v.upsample for v in vs)
    assert any(v.dedup != "none" for v in vs) and any(r.oracle for v in vs for r in v.drop)


def test_parse_expressions():
    assert parse_expr("score_x_v1 >= 0.5") == Cmp("score_x_v1", ">=", 0.5)
    e = parse_expr("a > 1 and (b == 'x' or not c != true) and d is not null")
    assert e == And(
        (
            Cmp("a", ">", 1),
            Or((Cmp("b", "=", "x"), Not(Cmp("c", "!=", True)))),
            IsNull("d", True),
        )
    )
    assert parse_expr("meta.kind not in ('a', 'it''s')") == In("meta.kind", ("a", "it's"), True)
    assert render(e) == "a>1 and (b='x' or not c!=true) and d is not null"


@pytest.mark.parametrize(
    "text, msg",
    [
        ("score >=", "expected a value"),
        ("score 0.5", "expected a comparison operator"),
        ("a > 1 b", "expected 'and', 'or' or the end"),
        ("(a > 1", "expected ')'"),
        ("a > 1 ; drop table docs", "cannot read ';"),
        ("", "expected an expression"),
    ],
)
def test_parse_errors(text, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        parse_expr(text, "p.toml rule")


def test_policy_key_and_structure_errors():
    with pytest.raises(ConfigError, match=r"unknown key 'drops'.*did you mean 'drop'"):
        pol('corpus = "c"\n[[variants]]\nname = "a"\ndrops = ["x > 1"]')
    with pytest.raises(ConfigError, match="exactly one of"):
        pol('corpus = "c"\n[[variants]]\nname = "a"\ndrop = [{reason = "r"}]')
    with pytest.raises(ConfigError, match=r"unknown variant 'fltr'.*did you mean 'filt'"):
        pol(
            'corpus = "c"\n[[variants]]\nname = "filt"\n[[variants]]\nname = "r"\n'
            'control = {random_match = "fltr"}'
        )
    with pytest.raises(ConfigError, match="random-control cycle: a -> b -> a"):
        pol(
            'corpus = "c"\n[[variants]]\nname = "a"\ncontrol = {random_match = "b"}\n'
            '[[variants]]\nname = "b"\ncontrol = {random_match = "a"}'
        )
    with pytest.raises(ConfigError, match="used twice"):
        pol('corpus = "c"\n[[variants]]\nname = "a"\n[[variants]]\nname = "a"')
    with pytest.raises(ConfigError, match="names a folder"):
        pol('corpus = "c"\n[[variants]]\nname = "../x"')
    with pytest.raises(ConfigError, match="'keep_all' is not allowed"):
        pol('corpus = "c"\n[[variants]]\nname = "a"\ndedup = "keep_all"')


COLS = Columns(
    {"n_words": "BIGINT", "score_a_v1": "DOUBLE", "source": "VARCHAR", "flag": "BOOLEAN",
     "meta": "VARCHAR", "spans_a_v1": "STRUCT(start INTEGER)[]"},
    frozenset({"kind"}),
)  # fmt: skip


def test_compile_validates_columns_and_types():
    with pytest.raises(ConfigError) as e:
        compile_expr(parse_expr("score_b_v1 > 1"), COLS, "p.toml variant 'x'")
    assert "unknown column 'score_b_v1' (did you mean 'score_a_v1'?)" in str(e.value)
    assert "valid columns: flag, meta, n_words, score_a_v1, source, spans_a_v1" in str(e.value)
    with pytest.raises(ConfigError, match="has type VARCHAR .* compared with a number"):
        compile_expr(parse_expr("source > 1"), COLS, "w")
    with pytest.raises(ConfigError, match="only be compared with = or !="):
        compile_expr(parse_expr("flag > true"), COLS, "w")
    with pytest.raises(ConfigError, match="no document of this audit run has metadata key 'knd'"):
        compile_expr(parse_expr("meta.knd = 'x'"), COLS, "w")
    sql, params = compile_expr(parse_expr("score_a_v1 >= 0.5 and meta.kind = 'p'"), COLS, "w")
    assert params == [0.5, "$.kind", "p"]
    assert "0.5" not in sql and "'p'" not in sql  # values are bound, never inlined


def test_token_column_must_be_numeric():
    p = pol('corpus = "c"\ntoken_column = "source"\n[[variants]]\nname = "a"')
    with pytest.raises(ConfigError, match="token_column 'source' is not a numeric column"):
        compile_policy(p, COLS)


def test_variant_hash_tracks_dependencies():
    base = 'corpus = "c"\n[[variants]]\nname = "a"\ndrop = ["n_words > {t}"]\n'
    base += '[[variants]]\nname = "r"\ncontrol = {{random_match = "a"}}\n[[variants]]\nname = "z"'
    p1, p2 = pol(base.format(t=1)), pol(base.format(t=2))
    assert variant_hash(p1, "a", "R") != variant_hash(p2, "a", "R")
    assert variant_hash(p1, "r", "R") != variant_hash(p2, "r", "R")  # its target changed
    assert variant_hash(p1, "z", "R") == variant_hash(p2, "z", "R")
    assert variant_hash(p1, "z", "R") != variant_hash(p1, "z", "R2")


# ---- property tests: render/parse round trip; SQL agrees with a Python evaluation

NUM_COLS = ["x", "y"]
values = st.one_of(st.none(), st.integers(-3, 3))
cmp_ops = st.sampled_from([">=", ">", "<=", "<", "=", "!="])


def exprs():
    leaf = st.one_of(
        st.builds(Cmp, st.sampled_from(NUM_COLS), cmp_ops, st.integers(-3, 3)),
        st.builds(IsNull, st.sampled_from(NUM_COLS), st.booleans()),
        st.builds(
            In,
            st.sampled_from(NUM_COLS),
            st.lists(st.integers(-3, 3), min_size=1, max_size=3).map(tuple),
            st.booleans(),
        ),
    )
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.lists(kids, min_size=2, max_size=3).map(lambda p: And(tuple(p))),
            st.lists(kids, min_size=2, max_size=3).map(lambda p: Or(tuple(p))),
            kids.map(Not),
        ),
        max_leaves=6,
    )


def py_eval(e, row):
    """SQL three-valued logic: True / False / None (unknown)."""
    if isinstance(e, Cmp):
        v = row[e.column]
        if v is None:
            return None
        return {
            ">=": v >= e.value, ">": v > e.value, "<=": v <= e.value,
            "<": v < e.value, "=": v == e.value, "!=": v != e.value,
        }[e.op]  # fmt: skip
    if isinstance(e, IsNull):
        return (row[e.column] is not None) if e.negate else (row[e.column] is None)
    if isinstance(e, In):
        v = row[e.column]
        if v is None:
            return None
        r = v in e.values
        return not r if e.negate else r
    if isinstance(e, Not):
        r = py_eval(e.part, row)
        return None if r is None else not r
    rs = [py_eval(p, row) for p in e.parts]
    if isinstance(e, And):
        return False if False in rs else (None if None in rs else True)
    return True if True in rs else (None if None in rs else False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs())
def test_render_parse_round_trip(e):
    text = render(e)
    again = parse_expr(text)
    assert render(again) == text
    rows = [{"x": x, "y": y} for x in (None, -1, 0, 2) for y in (None, 0, 3)]
    assert [py_eval(again, r) is True for r in rows] == [py_eval(e, r) is True for r in rows]


_con = duckdb.connect()
_con.execute("CREATE TABLE t (i INTEGER, x BIGINT, y BIGINT)")
_ROWS = [
    (i, x, y) for i, (x, y) in enumerate((x, y) for x in (None, -2, 0, 1, 3) for y in (None, -1, 2))
]
_con.executemany("INSERT INTO t VALUES (?, ?, ?)", _ROWS)
_COLS2 = Columns({"x": "BIGINT", "y": "BIGINT"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs())
def test_sql_matches_python_semantics(e):
    sql, params = compile_expr(e, _COLS2, "t")
    got = {r[0] for r in _con.execute(f"SELECT i FROM t WHERE {sql}", params).fetchall()}
    want = {i for i, x, y in _ROWS if py_eval(e, {"x": x, "y": y}) is True}
    assert got == want
