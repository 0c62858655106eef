"""Byte streams of a shard: decompression that notices truncation, and bounded-memory lines.

JSONL (plain, .gz, .zst) is decompressed by hand (zlib / zstandard decompress objects) so that a
truncated stream is detected (the decoder never reached end-of-stream: `Truncated`) instead of
silently ending, and `split_lines` splits a stream into lines without ever holding a line longer
than `max_line_bytes` whole. Used by the audit's reader (`curate.audit.read`) and by anything
that reads a record back by its position.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

import fsspec
import zstandard


class Truncated(Exception):
    """The compressed stream ended before its end-of-stream marker."""


def open_raw(shard: str) -> IO[bytes]:
    """A binary handle on a local path or an fsspec URL."""
    if "://" in shard:
        return fsspec.open(shard, "rb").open()
    return open(shard, "rb")  # noqa: SIM115 - closed by the caller


def plain_chunks(f: IO[bytes], size: int) -> Iterator[bytes]:
    while chunk := f.read(size):
        yield chunk


def _members(
    f: IO[bytes],
    size: int,
    decoder: Callable[[], Any],
    step: Callable[[Any, bytes], bytes],
    truncated: str,
) -> Iterator[bytes]:
    """Decompressed bytes of a stream of one or more compressed members (gzip members, zstd
    frames). `step(d, data)` decompresses what it can of `data` with decoder `d` and returns it;
    `d.eof` marks a member's end and `d.unused_data` what follows it; a member still open at the
    end of the input raises `Truncated(truncated)` (after yielding what was decoded)."""
    d = decoder()
    open_member = False
    while data := f.read(size):
        open_member = True
        while data:
            if out := step(d, data):
                yield out
            if d.eof:  # a member ended; the rest (if any) is the next member
                data = d.unused_data
                d = decoder()
                open_member = bool(data)
            else:
                data = getattr(d, "unconsumed_tail", b"")
    if open_member and not d.eof:
        if tail := getattr(d, "flush", lambda: b"")():
            yield tail
        raise Truncated(truncated)


def gzip_chunks(f: IO[bytes], size: int) -> Iterator[bytes]:
    # at most size * 4 bytes out per call: a gzip bomb never inflates in one piece
    return _members(
        f,
        size,
        lambda: zlib.decompressobj(wbits=31),
        lambda d, x: d.decompress(x, size * 4),
        "gzip stream ended before its end-of-stream marker",
    )


def zstd_chunks(f: IO[bytes], size: int) -> Iterator[bytes]:
    return _members(
        f,
        size,
        lambda: zstandard.ZstdDecompressor().decompressobj(),
        lambda d, x: d.decompress(x),
        "zstd stream ended before its end-of-frame marker",
    )


def split_lines(
    chunks: Iterator[bytes], max_line_bytes: int, raw_cap: int
) -> Iterator[tuple[bytes, int, bool, bool]]:
    """Split a byte stream into lines in bounded memory.

    Yields ``(line, length, overlong, terminated)``: for an overlong line `line` is its first
    `raw_cap` bytes and `length` its full length (the rest is discarded as it streams by).
    The last line of a stream without a final newline has ``terminated=False``.
    """
    buf = bytearray()
    over: bytes | None = None
    over_len = 0
    try:
        for chunk in chunks:
            start = 0
            n = len(chunk)
            while start < n:
                nl = chunk.find(b"\n", start)
                end = n if nl < 0 else nl
                if over is not None:
                    over_len += end - start
                else:
                    buf += chunk[start:end]
                    if len(buf) > max_line_bytes:
                        over, over_len = bytes(buf[:raw_cap]), len(buf)
                        buf = bytearray()
                if nl < 0:
                    break
                if over is not None:
                    yield over, over_len, True, True
                    over = None
                else:
                    yield bytes(buf), len(buf), False, True
                    buf = bytearray()
                start = nl + 1
    except Truncated as e:
        e.partial = over if over is not None else bytes(buf[:raw_cap])  # type: ignore[attr-defined]
        e.partial_len = over_len if over is not None else len(buf)  # type: ignore[attr-defined]
        raise
    if over is not None:
        yield over, over_len, True, False
    elif buf:
        yield bytes(buf), len(buf), False, False


def chunks(f: IO[bytes], fmt: str) -> Iterator[bytes]:
    """Decompressed bytes of an open JSONL shard of format `fmt` (jsonl, jsonl.gz, jsonl.zst)."""
    if fmt == "jsonl.gz":
        return gzip_chunks(f, 256 * 1024)
    if fmt == "jsonl.zst":
        return zstd_chunks(f, 256 * 1024)
    return plain_chunks(f, 1024 * 1024)
