"""JSON-lines records: the one reader and writer of the JSONL files the project writes or a user
hands it (world files, eval suites, chat sets, classifier data, loss logs, specs' data).

Reading is strict: a line that is not a JSON object is a `CurateError` naming the file and line.
(The audit's shard reader, `curate.audit.read`, is the tolerant one: it streams untrusted shards
and turns every bad record into a counted error row instead.)

Writing is deterministic: the same rows give the same bytes (UTF-8, one object per line, "\\n"
after each, optional sorted keys; gzip with mtime 0), so generated data can be compared byte for
byte across runs.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from curate.errors import CurateError
from curate.files import atomic_write_bytes

GZIP_LEVEL = 6  # what every JSONL.gz the project writes uses (size vs speed; deterministic)


def open_text(path: str | os.PathLike[str]) -> IO[str]:
    """A text (UTF-8) handle on a plain or gzip-compressed (.gz) file."""
    p = Path(path)
    if p.name.endswith(".gz"):
        return gzip.open(p, "rt", encoding="utf-8")
    return p.open(encoding="utf-8")


def records(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a .jsonl or .jsonl.gz file."""
    p = Path(path)
    if not p.is_file():
        raise CurateError(f"{p}: file not found")
    with open_text(p) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise CurateError(
                    f"{p}:{lineno}: invalid JSON ({e}); fix or remove the line"
                ) from None
            if not isinstance(rec, dict):
                raise CurateError(f"{p}:{lineno}: expected a JSON object per line")
            yield lineno, rec


def read(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All objects of a .jsonl or .jsonl.gz file, in order."""
    return [rec for _, rec in records(path)]


def encode(rows: Iterable[Any], sort_keys: bool = False) -> bytes:
    """JSONL bytes of `rows` (UTF-8, not ASCII-escaped)."""
    return "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=sort_keys) + "\n" for r in rows
    ).encode("utf-8")


def gzip_bytes(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """Deterministic gzip of `data` (no file name, mtime 0)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=level, mtime=0) as g:
        g.write(data)
    return buf.getvalue()


def write(path: str | os.PathLike[str], rows: Iterable[Any], sort_keys: bool = False) -> None:
    """Write `rows` atomically as JSONL; a name ending in .gz is gzip-compressed (mtime 0)."""
    data = encode(rows, sort_keys=sort_keys)
    atomic_write_bytes(path, gzip_bytes(data) if str(path).endswith(".gz") else data)
