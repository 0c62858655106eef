"""Re-reading audited source records, shard by shard, in position order.

The build never keeps text in the store: it re-reads each source shard sequentially with the
audit's own reader (`curate.audit.read.ShardReader`), so a document's position and id mean exactly
what they meant during the audit. `SourceCursor` walks one shard forward: `get(position)` skips
records up to that position (error records included) and returns the record there; `finish()`
reads to the end and returns the number of records read, which the build checks against the
audit's `shards.n_read` (a shard that changed since the audit fails loudly instead of silently
shifting every later document).

Records are returned normalized to the corpus record format: ``{"id": doc_id, "text": text,
**other fields}`` (source, url, metadata, ... kept as in the source, in their order).

`copy_records` is the loop both write passes run (one process, `curate.building.builder`; a
task's shard range, `curate.building.tasks`): zip the variants' decision rows, read each record
that some variant keeps once, hand it to those variants' writers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from curate.audit.read import InputConfig, ShardReader
from curate.errors import CurateError


def iter_records(
    shard: str, text_field: str = "text", id_field: str = "id"
) -> Iterator[tuple[int, str | None, dict[str, Any] | None]]:
    """(position, doc_id, record) for every record of a shard; bad records give (pos, None, None)."""
    cfg = InputConfig(paths=(shard,), text_field=text_field, id_field=id_field)
    reader = ShardReader([shard], cfg)
    for doc in reader.read_shard(shard):
        meta = doc.metadata
        if meta.get("_shard_end"):
            return
        pos = int(meta["_pos"])
        if "_error" in meta:
            yield pos, None, None
            continue
        rec: dict[str, Any] = {"id": doc.id, "text": doc.text}
        for k, v in meta.get("_fields", {}).items():
            if k not in rec:
                rec[k] = v
        yield pos, doc.id, rec


class SourceCursor:
    """Forward-only access to the records of one shard by position."""

    def __init__(self, shard: str, text_field: str, id_field: str) -> None:
        self.shard = shard
        self._it = iter_records(shard, text_field, id_field)
        self._n_read = 0

    def get(self, position: int, doc_id: str) -> dict[str, Any]:
        """The record at `position`; its id must be `doc_id` (as the audit recorded it)."""
        for pos, rid, rec in self._it:
            self._n_read = pos + 1
            if pos < position:
                continue
            if pos > position:
                break
            if rec is None:
                raise CurateError(
                    f"{self.shard}: record {position} cannot be read now but was audited as "
                    f"document {doc_id!r}; the shard changed since the audit: re-audit it"
                )
            if rid != doc_id:
                raise CurateError(
                    f"{self.shard}: record {position} has id {rid!r} but the audit recorded "
                    f"{doc_id!r}; the shard changed since the audit: re-audit it"
                )
            return rec
        raise CurateError(
            f"{self.shard}: ends before record {position} (document {doc_id!r}) that the audit "
            "read; the shard changed since the audit: re-audit it"
        )

    def finish(self) -> int:
        """Read to the end; the number of records (good and bad) in the shard."""
        for pos, _, _ in self._it:
            self._n_read = pos + 1
        return self._n_read


class RecordWriter(Protocol):
    def write(self, rec: dict[str, Any], repeats: int) -> None: ...


def copy_records(
    decisions: Sequence[Iterable[tuple[str, int, str, int]]],
    writers: Sequence[RecordWriter],
    text_field: str,
    id_field: str,
    n_read: dict[str, int],
    tick: Callable[[], None] = lambda: None,
) -> None:
    """Feed `writers[v]` the records variant v keeps, `repeats` times each, in source order.

    `decisions[v]` are variant v's (shard, position, doc_id, repeats) rows; all variants list the
    same documents in the same order. Each shard is re-read once; its record count must be the
    audit's (`n_read`, when known). `tick()` is called once per document."""
    cursor: SourceCursor | None = None

    def close_shard() -> None:
        if cursor is None:
            return
        got = cursor.finish()
        want = n_read.get(cursor.shard)
        if want is not None and got != want:
            raise CurateError(
                f"{cursor.shard}: has {got} records now but the audit read {want}; the shard "
                "changed since the audit: re-audit it"
            )

    for rows in zip(*decisions, strict=True):
        shard, pos, doc_id, _ = rows[0]
        if any(r[1] != pos or r[0] != shard for r in rows[1:]):
            raise RuntimeError(f"decision files of the variants are not aligned at {rows}")
        if cursor is None or cursor.shard != shard:
            close_shard()
            cursor = SourceCursor(shard, text_field, id_field)
        wanted = [r[3] for r in rows]
        if any(wanted):
            rec = cursor.get(pos, doc_id)
            for w, k in zip(writers, wanted, strict=True):
                if k:
                    w.write(rec, k)
        tick()
    close_shard()
