"""The shard reader: every format, every bad kind, bounded line splitting, input resolution."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.audit.read import InputConfig, ShardReader, resolve_inputs
from curate.audit.streams import split_lines
from curate.errors import CurateError

RECS = [
    {"id": "a", "text": "first doc", "source": "web", "metadata": {"kind": "neutral"}},
    {"id": "b", "text": "second doc\nwith two lines", "url": "https://x.org/b"},
    {"text": "no id here", "extra": [1, 2]},
]


def lines_bytes(recs) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in recs)


def read(path, **cfg) -> list:
    reader = ShardReader(resolve_inputs([str(path)]), InputConfig(paths=(str(path),), **cfg))
    return list(reader.run())


def summary(docs) -> list[tuple]:
    """(kind, position, id or reason) per output document, in order."""
    out = []
    for d in docs:
        md = d.metadata
        if md.get("_shard_end"):
            out.append(("end", md["_n_read"]))
        elif "_error" in md:
            out.append(("err", md["_pos"], md["_error"]))
        else:
            out.append(("doc", md["_pos"], d.id))
    return out


def write_shard(tmp_path: Path, fmt: str, recs=RECS) -> Path:
    data = lines_bytes(recs)
    if fmt == "jsonl":
        p = tmp_path / "s.jsonl"
        p.write_bytes(data)
    elif fmt == "jsonl.gz":
        p = tmp_path / "s.jsonl.gz"
        p.write_bytes(gzip.compress(data))
    elif fmt == "jsonl.zst":
        p = tmp_path / "s.jsonl.zst"
        p.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        p = tmp_path / "s.parquet"
        rows = [{"id": r.get("id"), "text": r["text"], "source": r.get("source")} for r in recs]
        pq.write_table(pa.Table.from_pylist(rows), p)
    return p


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "jsonl.zst", "parquet"])
def test_each_format_reads_all_records(tmp_path, fmt):
    p = write_shard(tmp_path, fmt)
    docs = read(p)
    assert summary(docs) == [
        ("doc", 0, "a"),
        ("doc", 1, "b"),
        ("doc", 2, f"{p.name}:2"),  # a missing id gets <shard name>:<position>
        ("end", 3),
    ]
    assert docs[1].text == "second doc\nwith two lines"
    assert docs[0].metadata["_shard"] == str(p.resolve())
    if fmt != "parquet":
        assert docs[0].metadata["_fields"] == {"source": "web", "metadata": {"kind": "neutral"}}
        assert docs[2].metadata["_fields"] == {"extra": [1, 2]}


def test_glob_directory_and_file_url(tmp_path):
    for i in range(3):
        (tmp_path / f"p{i}.jsonl").write_bytes(lines_bytes(RECS[:1]))
    (tmp_path / "notes.txt").write_text("ignored in a directory")
    expect = [str((tmp_path / f"p{i}.jsonl").resolve()) for i in range(3)]
    assert resolve_inputs([str(tmp_path / "p*.jsonl")]) == expect
    assert resolve_inputs([str(tmp_path)]) == expect
    url = f"file://{tmp_path}/p1.jsonl"
    assert resolve_inputs([url]) == [url]
    docs = read(url)
    assert summary(docs) == [("doc", 0, "a"), ("end", 1)]
    assert docs[0].metadata["_shard"] == url


def test_resolve_errors_name_the_path(tmp_path):
    with pytest.raises(CurateError, match="nope.jsonl: no such file"):
        resolve_inputs([str(tmp_path / "nope.jsonl")])
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(CurateError, match=r"x.csv: unknown shard format; supported suffixes"):
        resolve_inputs([str(tmp_path / "x.csv")])


def test_bom_and_crlf_are_not_errors(tmp_path):
    p = tmp_path / "w.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "x"}\r\n{"id": "b", "text": "y"}\r\n')
    assert summary(read(p)) == [("doc", 0, "a"), ("doc", 1, "b"), ("end", 2)]


def test_text_and_id_fields_configurable(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_bytes(lines_bytes([{"key": "k1", "content": "hello"}, {"text": "wrong field"}]))
    docs = read(p, text_field="content", id_field="key")
    assert summary(docs) == [("doc", 0, "k1"), ("err", 1, "missing_text"), ("end", 2)]


def test_every_bad_kind_is_an_error_row_with_position_and_raw(tmp_path):
    p = tmp_path / "bad.jsonl"
    big = b'{"text": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    p.write_bytes(
        b'{"id": "ok1", "text": "fine"}\n'
        b"{not json\n"
        b'{"id": "nt"}\n'
        b'{"text": 7}\n'
        b'{"text": "caf\xe9 latin-1"}\n'
        b"\n"
        b"[1, 2]\n" + big + b"\n"
        b'{"text": "lone \\ud800 surrogate"}\n'
        b'{"id": "ok2", "text": "last, no newline"}'
    )
    docs = read(p, max_line_bytes=1024 * 1024)
    assert summary(docs) == [
        ("doc", 0, "ok1"),
        ("err", 1, "invalid_json"),
        ("err", 2, "missing_text"),
        ("err", 3, "text_not_string"),
        ("err", 4, "invalid_utf8"),
        ("err", 5, "blank_line"),
        ("err", 6, "not_an_object"),
        ("err", 7, "line_too_long"),
        ("err", 8, "invalid_json"),
        ("doc", 9, "ok2"),
        ("end", 10),
    ]
    by_pos = {d.metadata["_pos"]: d.metadata for d in docs if "_error" in d.metadata}
    assert by_pos[1]["_raw"] == b"{not json"
    assert by_pos[4]["_raw"] == b'{"text": "caf\xe9 latin-1"}'
    assert len(by_pos[7]["_raw"]) == 4096 and by_pos[7]["_raw_len"] == len(big)


def test_truncated_gzip_keeps_what_was_read_then_one_error(tmp_path):
    recs = [{"id": f"d{i}", "text": f"document number {i} " * 20} for i in range(3000)]
    data = gzip.compress(lines_bytes(recs))
    p = tmp_path / "t.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    s = summary(read(p))
    n = len(s) - 2
    assert n > 100
    assert s[:n] == [("doc", i, f"d{i}") for i in range(n)]
    assert s[n] == ("err", n, "truncated_gz") and s[-1] == ("end", n + 1)


def test_truncated_zstd_keeps_what_was_read_then_one_error(tmp_path):
    recs = [{"id": f"d{i}", "text": f"document number {i} " * 20} for i in range(3000)]
    buf = zstandard.ZstdCompressor().compressobj()
    data = b""
    for i in range(0, 3000, 100):
        data += buf.compress(lines_bytes(recs[i : i + 100]))
        data += buf.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    data += buf.flush()
    p = tmp_path / "t.jsonl.zst"
    p.write_bytes(data[: len(data) // 2])
    s = summary(read(p))
    n = len(s) - 2
    assert n > 100
    assert s[:n] == [("doc", i, f"d{i}") for i in range(n)]
    assert s[n] == ("err", n, "truncated_zst") and s[-1] == ("end", n + 1)


@pytest.mark.parametrize("name", ["e.jsonl", "e.jsonl.gz", "e.jsonl.zst", "e.parquet"])
def test_empty_file_is_a_shard_with_zero_records(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"")
    assert summary(read(p)) == [("end", 0)]


def test_corrupt_parquet_and_gzip_are_one_error_each(tmp_path):
    p = tmp_path / "c.parquet"
    p.write_bytes(b"this is not parquet at all")
    assert summary(read(p)) == [("err", 0, "unreadable_file"), ("end", 1)]
    g = tmp_path / "c.jsonl.gz"
    g.write_bytes(b"not gzip either")
    assert summary(read(g)) == [("err", 0, "unreadable_file"), ("end", 1)]


def test_parquet_bad_text_rows(tmp_path):
    p = tmp_path / "b.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "text": "ok"}, {"id": "b", "text": None}]), p)
    docs = read(p)
    assert summary(docs) == [("doc", 0, "a"), ("err", 1, "missing_text"), ("end", 2)]
    assert json.loads(docs[1].metadata["_raw"]) == {"id": "b", "text": None}


def test_shards_are_split_across_tasks_by_rank(tmp_path):
    paths = []
    for i in range(5):
        p = tmp_path / f"s{i}.jsonl"
        p.write_bytes(lines_bytes([{"id": f"x{i}", "text": "t"}]))
        paths.append(str(p))
    reader = ShardReader(paths, InputConfig(paths=tuple(paths)))
    got = [[d.id for d in reader.run(None, r, 2) if d.id] for r in range(2)]
    assert got == [["x0", "x2", "x4"], ["x1", "x3"]]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    st.integers(1, 17),
    st.booleans(),
)
def test_split_lines_matches_bytes_split(lines, chunk, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    chunks = iter([data[i : i + chunk] for i in range(0, len(data), chunk)])
    got = list(split_lines(chunks, max_line_bytes=24, raw_cap=16))
    expect = data.split(b"\n")
    if expect and expect[-1] == b"":
        expect = expect[:-1]
    assert [g[1] for g in got] == [len(e) for e in expect]
    for (line, length, over, _), e in zip(got, expect, strict=True):
        assert over == (length > 24)
        assert line == (e[:16] if over else e)


LINE_KINDS = {
    "good": (b'{"id": "i", "text": "hello"}', None),
    "no_id": (b'{"text": "x"}', None),
    "invalid_json": (b"{nope", "invalid_json"),
    "missing_text": (b'{"id": 1}', "missing_text"),
    "text_not_string": (b'{"text": {"a": 1}}', "text_not_string"),
    "invalid_utf8": (b'{"text": "\xc3\x28"}', "invalid_utf8"),
    "blank_line": (b"", "blank_line"),
    "not_an_object": (b'"just a string"', "not_an_object"),
    "line_too_long": (b'{"text": "' + b"z" * 2000 + b'"}', "line_too_long"),
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(LINE_KINDS)), max_size=30),
    st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]),
    st.booleans(),
)
def test_reader_accounts_for_every_line(tmp_path_factory, kinds, fmt, final_newline):
    data = b"\n".join(LINE_KINDS[k][0] for k in kinds)
    if kinds and final_newline:
        data += b"\n"
    p = tmp_path_factory.mktemp("prop") / f"s.{fmt}"
    if fmt == "jsonl.gz":
        p.write_bytes(gzip.compress(data))
    elif fmt == "jsonl.zst":
        p.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        p.write_bytes(data)
    out = summary(read(p, max_line_bytes=1024))
    # a final empty line without its newline is no line at all
    n_lines = len(kinds) - (1 if kinds and kinds[-1] == "blank_line" and not final_newline else 0)
    assert out[-1] == ("end", n_lines)
    body = out[:-1]
    assert [x[1] for x in body] == list(range(n_lines))  # one record per line, in order
    for (kind, pos, what), k in zip(body, kinds, strict=False):
        reason = LINE_KINDS[k][1]
        assert (kind, what if kind == "err" else None) == (
            ("err", reason) if reason else ("doc", None)
        ), (pos, k)


def test_a_50mb_line_is_read_in_bounded_memory(tmp_path):
    import tracemalloc

    p = tmp_path / "huge.jsonl"
    with p.open("wb") as f:
        f.write(b'{"id": "a", "text": "ok"}\n{"text": "')
        for _ in range(50):
            f.write(b"w" * (1024 * 1024))
        f.write(b'"}\n{"id": "c", "text": "after"}\n')
    tracemalloc.start()
    try:
        out = summary(read(p))  # default max_line_bytes: 8 MiB
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out == [("doc", 0, "a"), ("err", 1, "line_too_long"), ("doc", 2, "c"), ("end", 3)]
    assert peak < 20 * 1024 * 1024  # the 50 MB line is never held whole
