"""Hardening, bad input: random and malformed records through the whole audit pipeline.

Every generated shard goes through the real datatrove blocks (reader, hash/lengths, lexicon,
MinHash, audit writer) in-process, and the written Parquet files must reconcile exactly:

- per shard ``n_read = n_docs + n_errors`` (counted in the reader and in the writer);
- every position ``0 .. n_read-1`` appears exactly once, in ``docs`` or in ``errors``;
- every docs row has a MinHash signature row and non-negative lengths.

A hypothesis failure here is a crash or an accounting hole on some input an attacker or a broken
crawler could produce. Examples are few (``max_examples`` <= 40) so the default suite stays fast.
Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.audit.read import resolve_inputs
from curate.audit.run import build_pipeline, check_accounting, resolve_config
from curate.store import connect, load_parquet
from curate.workspace import Workspace

RUN = "audit-prop"
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def audit_in_process(shards: list[Path], out: Path, **inputs: Any) -> dict[str, pa.Table]:
    """Run the audit blocks over `shards` in this process; return the four written tables."""
    cfg = resolve_config(
        {
            "workspace": str(out / "ws"),
            "inputs": {"paths": [str(s) for s in shards], **inputs},
            "steps": {"classifiers": {"names": []}, "minhash": {"num_perm": 16, "ngram": 3}},
            "progress": False,
        },
        out,
        "prop",
    )
    resolved = resolve_inputs(cfg.inputs.paths, cfg.inputs.format)
    data = None
    for step in build_pipeline(cfg, resolved, RUN, out / "audit"):
        data = step(data, rank=0, world_size=1)
    for _ in data:
        pass
    return {
        t: pq.read_table(out / "audit" / t / "00000.parquet")
        for t in ("docs", "errors", "shards", "signatures")
    }


def check_tables(tables: dict[str, pa.Table], expect_read: dict[str, int] | None = None) -> None:
    docs = tables["docs"].to_pylist()
    errors = tables["errors"].to_pylist()
    shards = tables["shards"].to_pylist()
    sigs = tables["signatures"].to_pylist()
    for s in shards:
        name = s["shard"]
        d = sorted(r["position"] for r in docs if r["shard"] == name)
        e = sorted(r["position"] for r in errors if r["shard"] == name)
        assert s["n_read"] == s["n_docs"] + s["n_errors"], s
        assert (s["n_docs"], s["n_errors"]) == (len(d), len(e)), s
        assert sorted(d + e) == list(range(s["n_read"])), (name, d, e)
        if expect_read is not None:
            assert s["n_read"] == expect_read[Path(name).name], s
    assert len(sigs) == len(docs)
    assert {(r["shard"], r["position"]) for r in sigs} == {
        (r["shard"], r["position"]) for r in docs
    }
    for r in docs:
        assert r["n_chars"] >= 0 and r["n_bytes"] >= r["n_chars"] and r["n_words"] >= 0
        assert r["doc_id"] is not None and len(r["exact_hash"]) == 16
        json.loads(r["meta"])  # meta is always valid JSON
    for r in errors:
        assert r["reason"] and len(r["raw"]) <= 4096 and r["raw_len"] >= 0


def _n_lines(data: bytes) -> int:
    if not data:
        return 0
    n = data.count(b"\n")
    return n if data.endswith(b"\n") else n + 1


# --------------------------------------------------------------------------- strategies

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits too
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_value = st.recursive(
    json_scalar,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=12,
)
# text that stresses the annotators: control chars, NULs, combining marks, RTL, emoji, CRs,
# very long "words", nothing but whitespace
weird_text = st.one_of(
    st.text(max_size=200),
    st.text(
        alphabet=st.sampled_from(list("\x00\t\r\n \u200b\u0301\u202e\U0001f600aé")), max_size=80
    ),
    st.just(""),
    st.just("x" * 3000),
    st.builds(lambda n: "evil " * n, st.integers(0, 50)),
)
record = st.one_of(
    # well-formed but odd: id of any JSON type, any extra fields, metadata of any type
    st.fixed_dictionaries(
        {"text": weird_text},
        optional={
            "id": json_value,
            "source": json_value,
            "url": json_value,
            "metadata": json_value,
            "extra": json_value,
        },
    ),
    # any JSON value at all (arrays, strings, numbers, objects without text)
    json_value,
)


def _encode(rec: Any) -> bytes:
    return json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass")


line = st.one_of(
    record.map(_encode),
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),  # random bytes
    st.sampled_from(
        [
            b"",
            b"\r",
            b"   ",
            b"{",
            b'{"text": "unterminated',
            b'{"text": "a"} trailing',
            b'{"text": "\\ud800"}',  # lone surrogate escape
            b"[" * 2000 + b"]" * 2000,  # nesting deeper than the JSON parser allows
            b'{"text": "x", "text": "y"}',  # duplicate key
            b'{"text": NaN}',
            b"\xef\xbb\xbf" + b'{"text": "bom"}',
            b'{"text": "' + b"y" * 3000 + b'"}',  # longer than max_line_bytes below
        ]
    ),
)


# ------------------------------------------------------------------------------- tests


@SETTINGS
@given(
    lines=st.lists(line, max_size=25),
    fmt=st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]),
    final_newline=st.booleans(),
)
def test_random_and_malformed_jsonl_lines_reconcile(tmp_path_factory, lines, fmt, final_newline):
    """Random JSONL lines (any JSON value, random bytes, BOM, NaN, lone surrogates, 2000-deep
    nesting, duplicate keys, over-long lines, ids of any type) in plain/gz/zst shards through
    reader, annotators and writer | no crash; per shard n_read = n_docs + n_errors and every line
    position is in docs or errors exactly once"""
    d = tmp_path_factory.mktemp("p")
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    path = d / f"s.{fmt}"
    if fmt == "jsonl.gz":
        path.write_bytes(gzip.compress(data))
    elif fmt == "jsonl.zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)
    tables = audit_in_process([path], d, max_line_bytes=1024, raw_cap=64)
    check_tables(tables, {path.name: _n_lines(data)})


@SETTINGS
@given(data=st.binary(max_size=400), cut=st.floats(0.0, 1.0))
def test_corrupt_compressed_streams_reconcile(tmp_path_factory, data, cut):
    """Random bytes named .gz/.zst/.parquet, and valid gzip/zstd streams cut at a random byte |
    no crash; what decoded is kept, the break is one error row (truncated_* or unreadable_file),
    counts reconcile"""
    d = tmp_path_factory.mktemp("c")
    good = b"".join(_encode({"id": f"r{i}", "text": f"doc {i}"}) + b"\n" for i in range(20))
    gz = gzip.compress(good)
    zs = zstandard.ZstdCompressor().compress(good)
    paths = [d / "junk.jsonl.gz", d / "junk.jsonl.zst", d / "junk.parquet"]
    for p in paths:
        p.write_bytes(data)
    (d / "cut.jsonl.gz").write_bytes(gz[: int(len(gz) * cut)])
    (d / "cut.jsonl.zst").write_bytes(zs[: int(len(zs) * cut)])
    paths += [d / "cut.jsonl.gz", d / "cut.jsonl.zst"]
    tables = audit_in_process(paths, d)
    check_tables(tables)
    assert len(tables["shards"]) == len(paths)


parquet_value = st.one_of(st.none(), st.text(max_size=40), st.integers(-5, 5))


@SETTINGS
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "text": st.one_of(st.none(), weird_text),
                "id": st.one_of(st.none(), st.text(max_size=10)),
            },
            optional={"meta": parquet_value},
        ),
        max_size=20,
    ),
    text_type=st.sampled_from(["string", "large_string", "binary", "int"]),
)
def test_parquet_shards_with_odd_columns_reconcile(tmp_path_factory, rows, text_type):
    """Parquet shards whose text column is null, string, large_string, binary or an integer, with
    null ids and extra columns | no crash; bad rows are error rows, counts reconcile"""
    d = tmp_path_factory.mktemp("pq")
    texts = [r["text"] for r in rows]
    if text_type == "string":
        col = pa.array(texts, pa.string())
    elif text_type == "large_string":
        col = pa.array(texts, pa.large_string())
    elif text_type == "binary":
        col = pa.array(
            [None if t is None else t.encode("utf-8", "surrogatepass") for t in texts], pa.binary()
        )
    else:
        col = pa.array([None if t is None else len(t) for t in texts], pa.int64())
    table = pa.table(
        {
            "text": col,
            "id": pa.array([r["id"] for r in rows], pa.string()),
            "meta": pa.array([str(r.get("meta")) for r in rows], pa.string()),
        }
    )
    path = d / "s.parquet"
    pq.write_table(table, path)
    tables = audit_in_process([path], d)
    check_tables(tables, {path.name: len(rows)})


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines=st.lists(st.lists(line, max_size=10), min_size=1, max_size=3))
def test_store_load_accounting_holds_for_random_shards(tmp_path_factory, lines):
    """Several random shards loaded into the DuckDB store (load_parquet, then the audit's own
    check_accounting) | the store's docs/errors/shards rows reconcile with the reader's counts;
    loading the same files twice leaves the same row counts (idempotent)"""
    d = tmp_path_factory.mktemp("st")
    paths = []
    for i, ls in enumerate(lines):
        p = d / f"s{i}.jsonl"
        p.write_bytes(b"\n".join(ls) + b"\n" if ls else b"")
        paths.append(p)
    audit_in_process(paths, d, max_line_bytes=1024)
    ws = Workspace.at(d / "ws")
    with connect(ws) as con:
        for _ in range(2):
            counts = {
                t: load_parquet(
                    con, t, sorted((d / "audit" / t).glob("*.parquet")), {"run_id": RUN}
                )
                for t in ("docs", "errors", "shards", "signatures")
            }
        check_accounting(con, RUN, [str(p) for p in paths])
        n_read = con.execute("SELECT sum(n_read) FROM shards WHERE run_id = ?", [RUN]).fetchone()[0]
    assert (
        counts["docs"] + counts["errors"] == n_read == sum(_n_lines(p.read_bytes()) for p in paths)
    )


def test_text_statistics_are_finite_for_pathological_text(tmp_path):
    """Pathological texts (empty, only NULs, only whitespace, 3000-char word, combining marks,
    RTL override, fewer tokens than the MinHash n-gram) | each is a docs row with finite,
    exact lengths and a signature; none is dropped"""
    texts = ["", "\x00" * 10, " \t\r\n ", "x" * 3000, "e\u0301" * 20, "\u202eabc", "a b"]
    path = tmp_path / "s.jsonl"
    path.write_bytes(
        b"".join(_encode({"id": f"t{i}", "text": t}) + b"\n" for i, t in enumerate(texts))
    )
    tables = audit_in_process([path], tmp_path)
    check_tables(tables, {"s.jsonl": len(texts)})
    docs = {r["doc_id"]: r for r in tables["docs"].to_pylist()}
    assert sorted(docs) == [f"t{i}" for i in range(len(texts))]
    for i, t in enumerate(texts):
        r = docs[f"t{i}"]
        assert (r["n_chars"], r["n_bytes"]) == (len(t), len(t.encode()))
        assert not math.isnan(float(r["n_words"]))
