"""Audit writer: the last block of an audit pipeline; routes every Document to a Parquet table.

Per task (rank) it streams four files, each written to a temp name and renamed when the task's
input is exhausted, so a visible file is always complete::

    <out>/docs/<rank:05d>.parquet        one row per real document
    <out>/errors/<rank:05d>.parquet      one row per bad record (reason, detail, capped raw bytes)
    <out>/shards/<rank:05d>.parquet      one row per shard (n_read from the reader's marker,
                                         n_docs / n_errors counted here)
    <out>/signatures/<rank:05d>.parquet  one row per document with a MinHash signature

Rows are buffered column by column (a list per column, no dict per row) up to `row_group_size`
and written as one Arrow record batch = one row group, so memory is flat in the corpus size. The
text is never re-serialized: ``source``, ``url`` and ``meta`` (JSON) come ready from the reader,
``snippet`` is a slice, and the signatures column is built from one concatenated numpy array. The schema is fixed up front from the pipeline's configuration (lexicon categories,
classifier names, MinHash on/off): every file of a run has the same columns, even an empty one.
No column depends on time or on the run's scheduling, so two runs give identical rows (run_id
aside). ``out_dir`` may also be an fsspec URL (`curate.files`: a temp object, then a rename).
A test hook, ``CURATE_TEST_KILL_AFTER=[rank:]n``, SIGKILLs the process after a task wrote n rows
(to test resumption).
"""

from __future__ import annotations

import contextlib
import operator
import os
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curate import files
from curate.audit.read import doc_columns
from curate.audit.steps.columns import column

TABLES = ("docs", "errors", "shards", "signatures")
SNIPPET_CHARS = 200
# the first columns of `docs`, in order; the others are annotations (metadata keys)
_DOC_FIXED = ("run_id", "shard", "position", "doc_id", "source", "url", "meta", "snippet")
SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("score", pa.float64())])


def docs_schema(lex_categories: Sequence[str], classifiers: Sequence[str]) -> pa.Schema:
    fields = [
        ("run_id", pa.string()),
        ("shard", pa.string()),
        ("position", pa.int64()),
        ("doc_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("meta", pa.json_()),
        ("snippet", pa.string()),
        ("n_chars", pa.int64()),
        ("n_bytes", pa.int64()),
        ("n_words", pa.int64()),
        ("n_lines", pa.int64()),
        ("exact_hash", pa.string()),
    ]
    if lex_categories:
        fields.append(("lexicon_version", pa.string()))
        fields.append(("lexicon_hits", pa.int32()))
        fields += [(f"lex_{c}", pa.int32()) for c in lex_categories]
    for c in classifiers:
        fields.append((f"score_{c}", pa.float64()))
        fields.append((f"spans_{c}", pa.list_(SPAN)))
    return pa.schema(fields)


ERRORS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("shard", pa.string()),
        ("position", pa.int64()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("raw", pa.binary()),
        ("raw_len", pa.int64()),
    ]
)
SHARDS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("shard", pa.string()),
        ("format", pa.string()),
        ("n_read", pa.int64()),
        ("n_docs", pa.int64()),
        ("n_errors", pa.int64()),
        ("n_bytes", pa.int64()),
        ("task", pa.int32()),
    ]
)
SIGNATURES_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("shard", pa.string()),
        ("position", pa.int64()),
        ("doc_id", pa.string()),
        ("minhash", pa.list_(pa.uint32())),
    ]
)


# columns with few distinct values per row group: dictionary-encoded; the others (ids, JSON,
# snippets, signatures of random 32-bit values) are not (the dictionary would only be dropped)
_DICTIONARY = ("run_id", "shard", "source", "url", "lexicon_version", "reason", "format")


def _parquet_options(schema: pa.Schema) -> dict[str, Any]:
    return {
        "compression": "zstd",
        "use_dictionary": [n for n in schema.names if n in _DICTIONARY],
    }


class _TableWriter:
    """Streams rows to one Parquet file through a temp name; `close()` renames it."""

    def __init__(self, path: Path | str, schema: pa.Schema, row_group_size: int) -> None:
        self.schema = schema
        self.row_group_size = row_group_size
        # one tuple per row, in schema order (one append per row); transposed at flush
        self.rows: list[tuple[Any, ...]] = []
        self.remote = None
        if files.is_remote(path):  # an fsspec URL (object store, memory://): curate.files
            self.remote = files.open_atomic(str(path))
            self.writer = pq.ParquetWriter(
                self.remote.__enter__(), schema, **_parquet_options(schema)
            )
            return
        path = Path(files.local_path(path))
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(self.tmp, schema, **_parquet_options(schema))

    def add(self, row: dict[str, Any]) -> None:
        self.add_tuple(tuple(row.get(n) for n in self.schema.names))

    def add_tuple(self, row: tuple[Any, ...]) -> None:
        """Add a row given as its values in schema order."""
        self.rows.append(row)
        if len(self.rows) >= self.row_group_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        cols = list(zip(*self.rows, strict=True))
        arrays = [column(list(c), f.type) for c, f in zip(cols, self.schema, strict=True)]
        self.writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
        if self.remote is not None:
            self.remote.__exit__(None, None, None)  # renames the temp object
            return
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.writer.close()
        finally:
            if self.remote is not None:
                err = RuntimeError("audit task aborted")
                with contextlib.suppress(RuntimeError):
                    self.remote.__exit__(RuntimeError, err, None)  # deletes the temp object
            elif self.tmp.exists():
                self.tmp.unlink()


def _kill_hook(rank: int) -> int:
    """``CURATE_TEST_KILL_AFTER`` = ``n`` (any task) or ``rank:n`` (that task only); 0 = off."""
    spec = os.environ.get("CURATE_TEST_KILL_AFTER", "")
    if not spec:
        return 0
    r, _, n = spec.rpartition(":")
    return int(n) if not r or int(r) == rank else 0


class AuditWriter(PipelineStep):
    name = "audit writer"
    type = "💽 - WRITER"

    def __init__(
        self,
        out_dir: str | Path,
        run_id: str,
        lex_categories: Sequence[str] = (),
        classifiers: Sequence[str] = (),
        minhash: bool = False,
        row_group_size: int = 4096,
    ) -> None:
        super().__init__()
        self.out_dir = str(out_dir)
        self.run_id = run_id
        self.lex_categories = tuple(lex_categories)
        self.classifiers = tuple(classifiers)
        self.minhash = minhash
        self.row_group_size = row_group_size

    def _doc_adder(self, w: _TableWriter):
        """A function adding one document's `docs` row to `w`."""
        names = w.schema.names
        assert tuple(names[: len(_DOC_FIXED)]) == _DOC_FIXED
        # the annotation columns (lengths, hash, lexicon, scores) are metadata keys of the name
        ann = names[len(_DOC_FIXED) :]
        get = operator.itemgetter(*ann) if len(ann) > 1 else None
        run_id = self.run_id
        add_tuple = w.add_tuple

        def add(doc: Document, md: dict[str, Any]) -> None:
            if "_meta" not in md:  # a Document made without the reader: serialize here
                md["_source"], md["_url"], md["_meta"] = doc_columns(md.get("_fields", {}))
            try:
                values = get(md) if get is not None else tuple(md[n] for n in ann)
            except KeyError:  # an annotation missing: NULL
                values = tuple(md.get(n) for n in ann)
            add_tuple(
                (
                    run_id,
                    md["_shard"],
                    md["_pos"],
                    doc.id,
                    md["_source"],
                    md["_url"],
                    md["_meta"],
                    doc.text[:SNIPPET_CHARS],
                    *values,
                )
            )

        return add

    def _sig_adder(self, w: _TableWriter):
        run_id = self.run_id
        add_tuple = w.add_tuple

        def add(doc: Document, md: dict[str, Any]) -> None:
            sig = md.get("_minhash")
            if sig is None:
                raise RuntimeError(f"{md['_shard']}:{md['_pos']}: no MinHash signature")
            add_tuple((run_id, md["_shard"], md["_pos"], doc.id, sig))

        return add

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        out = self.out_dir  # a local path or an fsspec URL
        name = f"{rank:05d}.parquet"
        writers = {
            "docs": _TableWriter(
                files.join(out, "docs", name),
                docs_schema(self.lex_categories, self.classifiers),
                self.row_group_size,
            ),
            "errors": _TableWriter(
                files.join(out, "errors", name), ERRORS_SCHEMA, self.row_group_size
            ),
            "shards": _TableWriter(
                files.join(out, "shards", name), SHARDS_SCHEMA, self.row_group_size
            ),
            "signatures": _TableWriter(
                files.join(out, "signatures", name), SIGNATURES_SCHEMA, self.row_group_size
            ),
        }
        add_doc = self._doc_adder(writers["docs"])
        add_sig = self._sig_adder(writers["signatures"]) if self.minhash else None
        kill_after = _kill_hook(rank)
        n_docs: dict[str, int] = {}
        n_errors: dict[str, int] = {}
        n_rows = 0
        try:
            for doc in data or ():
                md = doc.metadata
                shard = md["_shard"]
                if md.get("_shard_end"):
                    n_docs_shard = n_docs.pop(shard, 0)
                    writers["shards"].add(
                        {
                            "run_id": self.run_id,
                            "shard": shard,
                            "format": md.get("_format"),
                            "n_read": md["_n_read"],
                            "n_docs": n_docs_shard,
                            "n_errors": n_errors.pop(shard, 0),
                            "n_bytes": md.get("_n_bytes"),
                            "task": rank,
                        }
                    )
                    self.stat_update("shards")
                    self.stat_update("docs", value=n_docs_shard)
                elif "_error" in md:
                    writers["errors"].add(
                        {
                            "run_id": self.run_id,
                            "shard": shard,
                            "position": md["_pos"],
                            "reason": md["_error"],
                            "detail": md.get("_detail"),
                            "raw": md.get("_raw", b""),
                            "raw_len": md.get("_raw_len"),
                        }
                    )
                    n_errors[shard] = n_errors.get(shard, 0) + 1
                    self.stat_update("errors")
                else:
                    add_doc(doc, md)
                    if add_sig is not None:
                        add_sig(doc, md)
                    n_docs[shard] = n_docs.get(shard, 0) + 1
                n_rows += 1
                if kill_after and n_rows >= kill_after:
                    for w in writers.values():
                        w.flush()
                    os.kill(os.getpid(), signal.SIGKILL)
                yield doc
            if n_docs or n_errors:
                raise RuntimeError(f"records without a shard marker: {sorted(n_docs | n_errors)}")
        except BaseException:
            for w in writers.values():
                w.abort()
            raise
        for w in writers.values():
            w.close()
