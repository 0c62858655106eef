"""Reading shards into datatrove Documents without losing a single record.

Datatrove's stock JsonlReader skips lines it cannot parse; an audit must not. `ShardReader` is a
datatrove reader block that opens each shard through fsspec (local paths, globs and URLs) and
yields one Document per record, *including bad ones*:

- a good record becomes ``Document(text, id, metadata={"_shard", "_pos", "_fields", "_source",
  "_url", "_meta"})`` where ``_fields`` holds every other input field (source, url, metadata,
  ...) and ``_source``, ``_url``, ``_meta`` are the `docs` columns made from them
  (`split_fields`; ``_meta`` is already serialized: a record whose fields cannot be, nested
  deeper than the JSON serializer goes, is a ``json_too_deep`` error like any bad record);
- a bad record becomes a Document whose metadata carries ``_error`` (a short reason code),
  ``_detail`` (a human message), ``_raw`` (the first `raw_cap` bytes) and ``_raw_len``; the
  annotators pass it through untouched and the audit writer routes it to the `errors` table;
- after the last record of a shard the reader yields one *shard marker* Document
  (``metadata["_shard_end"]``) carrying the number of records it read, so the writer can write
  the `shards` row and the invariant ``n_read = n_docs + n_errors`` is checked against counts
  made in two different places.

JSONL (plain, .gz, .zst) is decompressed by `curate.audit.streams` so that a
truncated stream is detected (the decoder never reached end-of-stream) instead of silently ending,
and lines are split in bounded memory: a line longer than `max_line_bytes` is never held whole,
only its first `raw_cap` bytes and its length. Positions are 0-based line numbers (a blank line
is a record too: it becomes a `blank_line` error, so positions equal line numbers). Parquet shards
are read in record batches; the position is the row index.

Shard i of the resolved input list goes to task ``i % world_size``: each shard is read by exactly
one task, in order, so output is deterministic.
"""

from __future__ import annotations

import glob as _glob
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import fsspec
import orjson
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from tqdm import tqdm

from curate.audit.streams import Truncated, chunks, open_raw, split_lines
from curate.errors import ConfigError, CurateError

FORMATS = {
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl.gz",
    ".json.gz": "jsonl.gz",
    ".ndjson.gz": "jsonl.gz",
    ".jsonl.zst": "jsonl.zst",
    ".jsonl.zstd": "jsonl.zst",
    ".json.zst": "jsonl.zst",
    ".parquet": "parquet",
    ".pq": "parquet",
}
Format = Literal["auto", "jsonl", "jsonl.gz", "jsonl.zst", "parquet"]


@dataclass(frozen=True)
class InputConfig:
    """What to read and how. Paths are files, directories (searched recursively for supported
    files, hidden ones skipped), globs or fsspec URLs; they are resolved to a sorted, de-duplicated shard list."""

    paths: tuple[str, ...] = ()
    text_field: str = "text"
    id_field: str = "id"
    format: Format = "auto"
    max_line_bytes: int = 8 * 1024 * 1024
    raw_cap: int = 4096
    parquet_batch_size: int = 1024

    def validate(self) -> None:
        if not self.paths:
            raise ConfigError("paths: give at least one input path, glob or URL")
        if self.max_line_bytes < 1024:
            raise ConfigError(f"max_line_bytes must be >= 1024, got {self.max_line_bytes}")
        if not 16 <= self.raw_cap <= 1 << 20:
            raise ConfigError(f"raw_cap must be in [16, 1048576], got {self.raw_cap}")
        if self.parquet_batch_size < 1:
            raise ConfigError(f"parquet_batch_size must be >= 1, got {self.parquet_batch_size}")


def shard_format(path: str, forced: str = "auto") -> str | None:
    """The format of a shard from its name (or `forced`), None when not a supported name."""
    if forced != "auto":
        return forced
    name = path.rsplit("/", 1)[-1].lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def _is_url(p: str) -> bool:
    return "://" in p


def resolve_inputs(paths: Sequence[str], forced: str = "auto") -> list[str]:
    """Expand files, directories, globs and URLs to a sorted list of shard paths.

    Local shards are returned as absolute paths, URLs keep their protocol. Fails (before any
    work) on a path that matches nothing or a file whose format is unknown.
    """
    out: list[str] = []
    supported = ", ".join(sorted(set(FORMATS)))
    for p in paths:
        if _is_url(p):
            fs, root = fsspec.core.url_to_fs(p)
            proto = p.split("://", 1)[0]
            if _glob.has_magic(root):
                found = sorted(fs.glob(root))
            elif fs.isdir(root):
                found = sorted(f for f in fs.find(root) if shard_format(f, forced))
            elif fs.exists(root):
                found = [root]
            else:
                found = []
            if not found:
                raise CurateError(f"{p}: no such file, or the pattern matches nothing")
            files = [f"{proto}://{f}" if not f.startswith(f"{proto}://") else f for f in found]
        else:
            q = Path(p).expanduser()
            if _glob.has_magic(str(q)):
                files = sorted(str(Path(x).resolve()) for x in _glob.glob(str(q), recursive=True))
                files = [f for f in files if Path(f).is_file()]
            elif q.is_dir():
                files = sorted(
                    str(x.resolve())
                    for x in q.rglob("*")
                    if x.is_file()
                    and shard_format(x.name)
                    and not any(part.startswith(".") for part in x.relative_to(q).parts)
                )
                if not files:
                    raise CurateError(f"{p}: directory has no shards (supported: {supported})")
            elif q.is_file():
                files = [str(q.resolve())]
            else:
                files = []
            if not files:
                raise CurateError(f"{p}: no such file, or the pattern matches nothing")
        for f in files:
            if shard_format(f, forced) is None:
                raise CurateError(
                    f"{f}: unknown shard format; supported suffixes: {supported} "
                    "(or set inputs.format)"
                )
        out.extend(files)
    return sorted(dict.fromkeys(out))


# orjson parses up to 1024 levels of nesting and serializes up to 254: a record nested deeper
# than the serializer goes cannot be stored (its `meta`) and is a `json_too_deep` error
_TOO_DEEP = ("Recursion limit", "depth limit", "recursion")


def _too_deep(e: BaseException) -> bool:
    return isinstance(e, RecursionError) or any(m in str(e) for m in _TOO_DEEP)


def split_fields(fields: dict[str, Any]) -> tuple[str | None, str | None, dict[str, Any]]:
    """(source, url, meta): a nested `metadata` object is flattened one level into meta;
    top-level fields win over nested ones; source/url may live at either level."""
    meta: dict[str, Any] = {}
    nested = fields.get("metadata")
    if isinstance(nested, dict):
        meta.update(nested)
    for k, v in fields.items():
        if k == "metadata" and isinstance(v, dict):
            continue
        meta[k] = v
    source = meta.pop("source", None)
    url = meta.pop("url", None)
    return (
        None if source is None else str(source),
        None if url is None else str(url),
        meta,
    )


def doc_columns(fields: dict[str, Any]) -> tuple[str | None, str | None, str]:
    """(source, url, meta as JSON text with sorted keys): the `docs` columns of a record's
    other fields. Raises orjson.JSONEncodeError / RecursionError for nesting too deep to
    serialize."""
    source, url, meta = split_fields(fields)
    return source, url, orjson.dumps(meta, default=str, option=orjson.OPT_SORT_KEYS).decode()


def shard_name(shard: str) -> str:
    return shard.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------- the block


class ShardReader(PipelineStep):
    """Datatrove reader: every record of every shard assigned to this task, good or bad."""

    name = "curate shard reader"
    type = "📖 - READER"

    def __init__(self, shards: Sequence[str], cfg: InputConfig, progress: bool = False) -> None:
        super().__init__()
        self.shards = list(shards)
        self.cfg = cfg
        self.progress = progress

    # -- record parsing -------------------------------------------------------------------

    def _error(self, shard: str, pos: int, reason: str, detail: str, raw: bytes, raw_len: int):
        self.stat_update("errors", f"error_{reason}")
        return Document(
            text="",
            id=f"{shard_name(shard)}:{pos}",
            metadata={
                "_shard": shard,
                "_pos": pos,
                "_error": reason,
                "_detail": detail,
                "_raw": bytes(raw[: self.cfg.raw_cap]),
                "_raw_len": raw_len,
            },
        )

    def _record(self, shard: str, pos: int, rec: Any, raw: bytes) -> Document:
        """A parsed record (dict) -> a Document, or an error Document."""
        cfg = self.cfg
        if not isinstance(rec, dict):
            return self._error(
                shard,
                pos,
                "not_an_object",
                f"record is a JSON {type(rec).__name__}, not an object",
                raw,
                len(raw),
            )
        if cfg.text_field not in rec or rec[cfg.text_field] is None:
            return self._error(
                shard,
                pos,
                "missing_text",
                f"no {cfg.text_field!r} field (set --text-field)",
                raw,
                len(raw),
            )
        text = rec[cfg.text_field]
        if not isinstance(text, str):
            return self._error(
                shard,
                pos,
                "text_not_string",
                f"field {cfg.text_field!r} is a {type(text).__name__}, not a string",
                raw,
                len(raw),
            )
        fields = {k: v for k, v in rec.items() if k not in (cfg.text_field, cfg.id_field)}
        doc_id = rec.get(cfg.id_field)
        try:
            if doc_id is None or doc_id == "":
                doc_id = f"{shard_name(shard)}:{pos}"
            elif not isinstance(doc_id, str):
                doc_id = (
                    orjson.dumps(doc_id).decode() if not isinstance(doc_id, int) else str(doc_id)
                )
            source, url, meta = doc_columns(fields)
        except (orjson.JSONEncodeError, RecursionError, ValueError) as e:
            if not _too_deep(e):
                raise
            raw = raw or _parquet_raw(rec)
            return self._error(
                shard,
                pos,
                "json_too_deep",
                f"record nested too deep to store ({type(e).__name__}: {e})",
                raw,
                len(raw),
            )
        self._n_docs += 1
        self._n_chars += len(text)
        return Document(
            text=text,
            id=doc_id,
            metadata={
                "_shard": shard,
                "_pos": pos,
                "_fields": fields,
                "_source": source,
                "_url": url,
                "_meta": meta,
            },
        )

    def _parse_line(self, shard: str, pos: int, line: bytes) -> Document:
        if line.endswith(b"\r"):
            line = line[:-1]
        if pos == 0 and line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
            line = line[3:]
        try:
            rec = orjson.loads(line)  # validates UTF-8 too: a good line is decoded once
        except orjson.JSONDecodeError as e:
            if not line.strip():
                return self._error(shard, pos, "blank_line", "empty line", line, len(line))
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as u:
                return self._error(shard, pos, "invalid_utf8", str(u), line, len(line))
            reason = "json_too_deep" if _too_deep(e) else "invalid_json"
            return self._error(shard, pos, reason, str(e), line, len(line))
        return self._record(shard, pos, rec, line)

    # -- formats --------------------------------------------------------------------------

    def _read_jsonl(self, shard: str, fmt: str, bar) -> Iterator[Document]:
        cfg = self.cfg
        pos = 0
        try:
            with open_raw(shard) as f:
                try:
                    for item in split_lines(chunks(f, fmt), cfg.max_line_bytes, cfg.raw_cap):
                        yield self._line_doc(shard, pos, item)
                        pos += 1
                        if bar is not None:
                            bar.update(1)
                except Truncated as e:
                    # what was decoded before the break was yielded; the unterminated tail
                    # (if any) is the raw bytes of one truncation error
                    codec = fmt.rsplit(".", 1)[-1]
                    raw = getattr(e, "partial", b"")
                    yield self._error(
                        shard, pos, f"truncated_{codec}", str(e), raw, getattr(e, "partial_len", 0)
                    )
                    pos += 1
                except Exception as e:  # zlib.error, zstandard.ZstdError, OSError: corrupt data
                    if not isinstance(e, zlib.error | OSError | ValueError) and not type(
                        e
                    ).__module__.startswith("zstandard"):
                        raise
                    yield self._error(
                        shard, pos, "unreadable_file", f"{type(e).__name__}: {e}", b"", 0
                    )
                    pos += 1
        except (FileNotFoundError, PermissionError, IsADirectoryError) as e:
            raise CurateError(f"{shard}: cannot open shard: {e}") from None
        self._n_read = pos

    def _line_doc(self, shard: str, pos: int, item: tuple[bytes, int, bool, bool]) -> Document:
        line, length, overlong, _ = item
        if overlong:
            return self._error(
                shard,
                pos,
                "line_too_long",
                f"line of {length} bytes exceeds max_line_bytes={self.cfg.max_line_bytes}",
                line,
                length,
            )
        return self._parse_line(shard, pos, line)

    def _read_parquet(self, shard: str, bar) -> Iterator[Document]:

        pos = 0
        try:
            f = open_raw(shard)
        except (FileNotFoundError, PermissionError, IsADirectoryError) as e:
            raise CurateError(f"{shard}: cannot open shard: {e}") from None
        with f:
            try:
                pf = pq.ParquetFile(f)
                batches = pf.iter_batches(batch_size=self.cfg.parquet_batch_size)
                for batch in batches:
                    for rec in batch.to_pylist():
                        raw = b""
                        if not isinstance(rec.get(self.cfg.text_field), str):
                            raw = _parquet_raw(rec)
                        yield self._record(shard, pos, rec, raw)
                        pos += 1
                        if bar is not None:
                            bar.update(1)
            except Exception as e:  # pyarrow raises ArrowInvalid/OSError on corrupt files
                if isinstance(e, CurateError):
                    raise
                yield self._error(
                    shard, pos, "unreadable_file", f"parquet: {type(e).__name__}: {e}", b"", 0
                )
                pos += 1
        self._n_read = pos

    # -- main -----------------------------------------------------------------------------

    def read_shard(self, shard: str) -> Iterator[Document]:
        """All records of one shard, then its marker Document."""
        fmt = shard_format(shard, self.cfg.format) or "jsonl"
        self._n_read = self._n_docs = self._n_chars = 0
        size = _size(shard)
        bar = None
        if self.progress and sys.stderr.isatty():
            bar = tqdm(desc=shard_name(shard), unit="doc", file=sys.stderr, leave=False)
        try:
            if size == 0:
                pass  # an empty file holds zero records (whatever its suffix)
            elif fmt == "parquet":
                yield from self._read_parquet(shard, bar)
            else:
                yield from self._read_jsonl(shard, fmt, bar)
        finally:
            if bar is not None:
                bar.close()
        self.stat_update("shards")
        self.stat_update("records", value=self._n_read)
        self.stat_update("docs", value=self._n_docs)  # counted per shard, not per record
        self.stat_update("chars", value=self._n_chars)
        self.stat_update("bytes", value=size or 0, unit="shard")
        yield Document(
            text="",
            id="",
            metadata={
                "_shard": shard,
                "_shard_end": True,
                "_n_read": self._n_read,
                "_n_bytes": size,
                "_format": fmt,
            },
        )

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        for i, shard in enumerate(self.shards):
            if i % world_size == rank:
                yield from self.read_shard(shard)


def _parquet_raw(rec: dict[str, Any]) -> bytes:
    """The raw bytes kept for a bad Parquet row: the row as JSON (its repr if too deep)."""
    try:
        return orjson.dumps(rec, default=str)
    except (orjson.JSONEncodeError, RecursionError):
        try:
            return repr(rec)[:65536].encode("utf-8", "replace")
        except RecursionError:
            return b""


def _size(shard: str) -> int | None:
    if _is_url(shard):
        fs, p = fsspec.core.url_to_fs(shard)
        try:
            return int(fs.size(p))
        except (OSError, TypeError, ValueError):
            return None
    try:
        return os.path.getsize(shard)
    except OSError:
        return None
