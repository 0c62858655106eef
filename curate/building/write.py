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

Every part's size, record count and sha256 are returned for the manifest.
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
        self._raw: _HashingFile | None = None
        self._gz: gzip.GzipFile | None = None
        self._pq: pq.ParquetWriter | None = None
        self._rows: list[dict[str, Any]] = []
        self._in_part = 0

    def _open(self) -> None:
        name = f"part-{len(self.parts):05d}.{EXTENSIONS[self.fmt]}"
        self._raw = _HashingFile(self.dir / name)
        self.parts.append({"file": name, "records": 0})
        self._in_part = 0
        if self.fmt == "jsonl.gz":
            self._gz = gzip.GzipFile(
                filename="", mode="wb", fileobj=self._raw, compresslevel=self.gzip_level, mtime=0
            )
        else:
            self._pq = pq.ParquetWriter(self._raw, PARQUET_SCHEMA, compression="zstd")

    def _flush_rows(self) -> None:
        if self._rows and self._pq is not None:
            self._pq.write_table(pa.Table.from_pylist(self._rows, schema=PARQUET_SCHEMA))
            self._rows = []

    def _close_part(self) -> None:
        if self._raw is None:
            return
        if self._gz is not None:
            self._gz.close()
            self._gz = None
        if self._pq is not None:
            self._flush_rows()
            self._pq.close()
            self._pq = None
        self._raw.close()
        part = self.parts[-1]
        part.update(records=self._in_part, bytes=self._raw.n, sha256=self._raw.h.hexdigest())
        self._raw = None

    def write(self, rec: dict[str, Any], repeats: int) -> None:
        line = orjson.dumps(rec, default=str) + b"\n" if self.fmt == "jsonl.gz" else None
        row = parquet_row(rec) if self.fmt == "parquet" else None
        for _ in range(repeats):
            if self._raw is None or self._in_part >= self.max_records:
                self._close_part()
                self._open()
            if line is not None:
                self._gz.write(line)  # type: ignore[union-attr]
            else:
                self._rows.append(row)  # type: ignore[arg-type]
                if len(self._rows) >= ROW_GROUP:
                    self._flush_rows()
            self._in_part += 1
            self.n_records += 1

    def close(self) -> list[dict[str, Any]]:
        self._close_part()
        return self.parts

    def abort(self) -> None:
        """Close file handles after a failure (the temp directory is discarded)."""
        for obj in (self._gz, self._pq, self._raw):
            try:
                if obj is not None:
                    obj.close()
            except Exception:  # noqa: BLE001 - best effort on the error path
                pass
