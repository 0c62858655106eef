"""Deterministic, sharded corpus writers.

A variant's records go to ``part-00000.<ext>``, ``part-00001.<ext>``, ... in its temp directory,
`max_records` records per part, in source order (shard path, then position); a document with
``repeats = k`` is written k times in a row. Output is byte-identical for the same records:

- ``jsonl.gz``: one ``orjson`` line per record, gzip at the policy's ``gzip_level`` (default 1:
  compression dominates the build's time; `bench/build_gzip_level.py` measures level 1 against
  6) with an empty file name and ``mtime = 0`` in the header;
- ``parquet``: fixed schema ``id, text, source, url, metadata, extra`` (``metadata`` is the
  record's metadata object as JSON text, ``extra`` every other field as a JSON object text),
  row groups of at most `ROW_GROUP` rows, written by pyarrow (its version is in the manifest).

Every part's size, record count and sha256 are returned for the manifest. `PartEncoder` is the
one encoding of a part file (`PartWriter` rolls them; the executor tasks of
`curate.building.tasks` write whole parts and merge cut ones with it), `encode_record` the one
encoding of a record.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP = 8192
PARQUET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("metadata", pa.string()),
        ("extra", pa.string()),
    ]
)
EXTENSIONS = {"jsonl.gz": "jsonl.gz", "parquet": "parquet"}


class _HashingFile:
    """A binary file that hashes and counts what is written through it."""

    def __init__(self, path: Path) -> None:
        self.f = path.open("wb")
        self.h = hashlib.sha256()
        self.n = 0

    def write(self, b: bytes) -> int:
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def flush(self) -> None:
        self.f.flush()

    def tell(self) -> int:
        return self.n

    def close(self) -> None:
        self.f.close()

    @property
    def closed(self) -> bool:
        return self.f.closed


def _text(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else orjson.dumps(v, default=str).decode()


def parquet_row(rec: dict[str, Any]) -> dict[str, Any]:
    extra = {k: v for k, v in rec.items() if k not in ("id", "text", "source", "url", "metadata")}
    return {
        "id": rec["id"],
        "text": rec["text"],
        "source": _text(rec.get("source")),
        "url": _text(rec.get("url")),
        "metadata": None if rec.get("metadata") is None else _text(rec["metadata"]),
        "extra": orjson.dumps(extra, default=str).decode() if extra else None,
    }


def encode_record(rec: dict[str, Any], fmt: str) -> bytes | dict[str, Any]:
    """What a part file holds for one record: its JSON line (jsonl.gz) or its `parquet_row`."""
    return orjson.dumps(rec, default=str) + b"\n" if fmt == "jsonl.gz" else parquet_row(rec)


def part_name(p: int, fmt: str) -> str:
    return f"part-{p:05d}.{EXTENSIONS[fmt]}"


class PartEncoder:
    """One part file, fed encoded records (`encode_record`) in order: the one encoding of parts.

    `close()` returns the part's ``records``, ``bytes`` and ``sha256``. As a context manager it
    aborts (closes its handles) when the block fails."""

    def __init__(self, path: Path, fmt: str, gzip_level: int) -> None:
        if fmt not in EXTENSIONS:
            raise ValueError(fmt)
        self.raw = _HashingFile(path)
        self.n = 0
        self._gz: gzip.GzipFile | None = None
        self._pq: pq.ParquetWriter | None = None
        self._rows: list[dict[str, Any]] = []
        if fmt == "jsonl.gz":
            self._gz = gzip.GzipFile(
                filename="", mode="wb", fileobj=self.raw, compresslevel=gzip_level, mtime=0
            )
        else:
            self._pq = pq.ParquetWriter(self.raw, PARQUET_SCHEMA, compression="zstd")

    def add(self, item: bytes | dict[str, Any]) -> None:
        if self._gz is not None:
            self._gz.write(item)  # type: ignore[arg-type]
        else:
            self._rows.append(item)  # type: ignore[arg-type]
            if len(self._rows) >= ROW_GROUP:
                self._flush_rows()
        self.n += 1

    def _flush_rows(self) -> None:
        if self._rows and self._pq is not None:
            self._pq.write_table(pa.Table.from_pylist(self._rows, schema=PARQUET_SCHEMA))
            self._rows = []

    def close(self) -> dict[str, Any]:
        if self._gz is not None:
            self._gz.close()
        if self._pq is not None:
            self._flush_rows()
            self._pq.close()
        self.raw.close()
        return {"records": self.n, "bytes": self.raw.n, "sha256": self.raw.h.hexdigest()}

    def abort(self) -> None:
        """Close file handles after a failure (the file is discarded)."""
        for obj in (self._gz, self._pq, self.raw):
            try:
                if obj is not None:
                    obj.close()
            except Exception:  # noqa: BLE001 - best effort on the error path
                pass

    def __enter__(self) -> PartEncoder:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self.abort()


class PartWriter:
    """Writes records to rolling part files of one output directory."""

    def __init__(self, out_dir: Path, fmt: str, max_records: int, gzip_level: int = 1) -> None:
        if fmt not in EXTENSIONS:
            raise ValueError(fmt)
        self.dir = out_dir
        self.fmt = fmt
        self.max_records = max_records
        self.gzip_level = gzip_level
        self.parts: list[dict[str, Any]] = []
        self.n_records = 0
        self._part: PartEncoder | None = None

    def _open(self) -> None:
        name = part_name(len(self.parts), self.fmt)
        self._part = PartEncoder(self.dir / name, self.fmt, self.gzip_level)
        self.parts.append({"file": name, "records": 0})

    def _close_part(self) -> None:
        if self._part is not None:
            self.parts[-1].update(self._part.close())
            self._part = None

    def write(self, rec: dict[str, Any], repeats: int) -> None:
        item = encode_record(rec, self.fmt)
        for _ in range(repeats):
            if self._part is None or self._part.n >= self.max_records:
                self._close_part()
                self._open()
            self._part.add(item)  # type: ignore[union-attr]
            self.n_records += 1

    def close(self) -> list[dict[str, Any]]:
        self._close_part()
        return self.parts

    def abort(self) -> None:
        """Close file handles after a failure (the temp directory is discarded)."""
        if self._part is not None:
            self._part.abort()
