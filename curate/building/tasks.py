"""The build's write pass as datatrove tasks (local, Ray): the same bytes as the one-process pass.

`curate.building.builder.write_pass` writes every pending variant in one sequential pass over the
source shards (shard order, then position), rolling ``part-<n>`` files every ``max_records``
records. `write_pass_on` produces byte-identical part files with ``tasks`` ranks on any executor
of `curate.executors`:

1. **Plan** (driver): from the variants' ``decisions.parquet`` (DuckDB), the shards in order,
   the documents and the records (sum of repeats) of each shard per variant. The shard list is
   cut into ``tasks`` *contiguous* ranges of about equal documents, so rank r's records are
   exactly the global records ``[g0, g1)`` of each variant, and concatenating the ranks in order
   is the sequential pass.
2. **Write** (rank r, `BuildWriteStage`): re-reads its shards with the audit's reader
   (`curate.building.source.SourceCursor`, checking each shard's record count against the audit)
   and streams its records. A part that lies wholly inside ``[g0, g1)`` is written directly as
   ``part-<p>``, encoded exactly as `PartWriter` encodes it; a part cut by a range boundary is
   written as a fragment ``.frag-<p>-<rank>`` (the raw records, uncompressed JSON lines). Each rank
   ends with ``.task-<rank>.json`` (its parts' sizes and hashes), written last.
3. **Merge** (driver): for each cut part, the fragments in rank order are concatenated and
   encoded as one part (at most ``tasks - 1`` parts per variant); the parts list (file, records,
   bytes, sha256) is assembled in part order, as `PartWriter.close()` returns it.

Memory per rank: one record and one batch of decisions per variant, as in the sequential pass.
The variants' temp directories and the sources must be reachable from every worker (a shared
file system for a Ray cluster). Slurm is not supported here: a build waits for its tasks.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.pipeline.base import PipelineStep

from curate.building.write import (
    EXTENSIONS,
    PARQUET_SCHEMA,
    ROW_GROUP,
    _HashingFile,
    parquet_row,
)
from curate.errors import CurateError
from curate.files import atomic_write_bytes, is_remote, local_path

DECISIONS = "decisions.parquet"
BATCH = 8192


@dataclass
class WrittenVariant:
    """What `PartWriter` reports after a pass: records written and the parts list."""

    n_records: int = 0
    parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    shards: tuple[str, ...]  # in decisions order
    cuts: tuple[int, ...]  # tasks + 1 shard indexes: rank r reads shards[cuts[r]:cuts[r + 1]]
    bounds: tuple[tuple[int, ...], ...]  # per variant: global record index at each cut

    @property
    def tasks(self) -> int:
        return len(self.cuts) - 1

    def span(self, v: int, rank: int) -> tuple[int, int]:
        return self.bounds[v][rank], self.bounds[v][rank + 1]


def plan(tmp_dirs: Sequence[Path], tasks: int) -> Plan:
    """Shard order, contiguous ranges of about equal documents, and record offsets."""
    import duckdb

    con = duckdb.connect()
    try:
        per_variant = [
            con.execute(
                "SELECT shard, count(*), coalesce(sum(repeats), 0) FROM read_parquet(?) "
                "GROUP BY shard ORDER BY shard",
                [str(Path(d) / DECISIONS)],
            ).fetchall()
            for d in tmp_dirs
        ]
    finally:
        con.close()
    shards = tuple(r[0] for r in per_variant[0]) if per_variant else ()
    if any(tuple(r[0] for r in rows) != shards for rows in per_variant):
        raise RuntimeError("the variants' decisions cover different shards")
    cum_docs = list(accumulate((int(r[1]) for r in per_variant[0]), initial=0)) if shards else [0]
    total = cum_docs[-1]
    cuts = [0]
    for k in range(1, tasks):  # the first cut where k/tasks of the documents are behind
        cuts.append(max(cuts[-1], bisect_left(cum_docs, total * k / tasks)))
    cuts.append(len(shards))
    cuts = [min(c, len(shards)) for c in cuts]
    bounds = []
    for rows in per_variant:
        cum = list(accumulate((int(r[2]) for r in rows), initial=0))
        bounds.append(tuple(cum[c] for c in cuts))
    return Plan(shards, tuple(cuts), tuple(bounds))


# ---------------------------------------------------------------------------------------------
# encoding (the same bytes as curate.building.write.PartWriter)


class _PartEncoder:
    """One part file, fed serialized records (JSON lines) in order."""

    def __init__(self, path: Path, fmt: str, gzip_level: int) -> None:
        self.raw = _HashingFile(path)
        self.fmt = fmt
        self.n = 0
        self.gz = None
        self.pq = None
        self.rows: list[dict[str, Any]] = []
        if fmt == "jsonl.gz":
            self.gz = gzip.GzipFile(
                filename="", mode="wb", fileobj=self.raw, compresslevel=gzip_level, mtime=0
            )
        else:
            self.pq = pq.ParquetWriter(self.raw, PARQUET_SCHEMA, compression="zstd")

    def add(self, item: bytes | dict[str, Any]) -> None:
        """A JSON line (jsonl.gz) or a `parquet_row` dict (parquet), as `PartWriter` makes them."""
        if self.gz is not None:
            self.gz.write(item)  # type: ignore[arg-type]
        else:
            self.rows.append(item)  # type: ignore[arg-type]
            if len(self.rows) >= ROW_GROUP:
                self._flush()
        self.n += 1

    def _flush(self) -> None:
        if self.rows and self.pq is not None:
            self.pq.write_table(pa.Table.from_pylist(self.rows, schema=PARQUET_SCHEMA))
            self.rows = []

    def close(self) -> dict[str, Any]:
        if self.gz is not None:
            self.gz.close()
        if self.pq is not None:
            self._flush()
            self.pq.close()
        self.raw.close()
        return {"records": self.n, "bytes": self.raw.n, "sha256": self.raw.h.hexdigest()}


def part_name(p: int, fmt: str) -> str:
    return f"part-{p:05d}.{EXTENSIONS[fmt]}"


def frag_name(p: int, rank: int) -> str:
    return f".frag-{p:05d}-{rank:05d}.jsonl"


class _SpanWriter:
    """Rank r's records of one variant: global records [g0, g1), `max_records` per part."""

    def __init__(
        self, d: Path, fmt: str, max_records: int, gzip_level: int, g0: int, g1: int, rank: int
    ) -> None:
        self.d, self.fmt, self.m, self.level = d, fmt, max_records, gzip_level
        self.g, self.g0, self.g1, self.rank = g0, g0, g1, rank
        self.cur: Any = None
        self.cur_part = -1
        self.cur_name = ""
        self.parts: dict[str, dict[str, Any]] = {}
        self.frags: list[int] = []

    def _open(self, p: int) -> None:
        self._close()
        whole = p * self.m >= self.g0 and (p + 1) * self.m <= self.g1
        if whole:
            self.cur_name = part_name(p, self.fmt)
            self.cur = _PartEncoder(self.d / f".{self.cur_name}.tmp", self.fmt, self.level)
        else:
            self.cur_name = frag_name(p, self.rank)
            self.cur = (self.d / self.cur_name).open("wb")
            self.frags.append(p)
        self.cur_part = p

    def _close(self) -> None:
        if self.cur is None:
            return
        if isinstance(self.cur, _PartEncoder):
            info = self.cur.close()
            os.replace(self.d / f".{self.cur_name}.tmp", self.d / self.cur_name)
            self.parts[str(self.cur_part)] = {"file": self.cur_name, **info}
        else:
            self.cur.close()
        self.cur = None

    def write(self, rec: dict[str, Any], repeats: int) -> None:
        # the bytes PartWriter writes (jsonl.gz) or its row (parquet: all strings, so a fragment
        # line of it reads back exactly)
        item: bytes | dict[str, Any]
        if self.fmt == "jsonl.gz":
            item = line = orjson.dumps(rec, default=str) + b"\n"
        else:
            item = parquet_row(rec)
            line = orjson.dumps(item) + b"\n"
        for _ in range(repeats):
            if self.g >= self.g1:
                raise RuntimeError(f"rank {self.rank}: more records than planned ({self.g1})")
            p = self.g // self.m
            if p != self.cur_part:
                self._open(p)
            if isinstance(self.cur, _PartEncoder):
                self.cur.add(item)
            else:
                self.cur.write(line)
            self.g += 1

    def finish(self) -> dict[str, Any]:
        self._close()
        if self.g != self.g1:
            raise RuntimeError(f"rank {self.rank}: wrote records up to {self.g}, planned {self.g1}")
        return {"parts": self.parts, "frags": self.frags}

    def abort(self) -> None:
        if self.cur is not None:
            try:
                if isinstance(self.cur, _PartEncoder):
                    self.cur.raw.close()
                else:
                    self.cur.close()
            except Exception:  # noqa: BLE001 - best effort on the error path
                pass


def _decisions(path: Path, shards: set[str]) -> Iterator[tuple[str, int, str, int]]:
    """(shard, position, doc_id, repeats) of `shards` only, in file order (shard, position)."""
    f = pq.ParquetFile(path)
    want = pa.array(sorted(shards), pa.string())
    started = False
    for b in f.iter_batches(batch_size=BATCH, columns=["shard", "position", "doc_id", "repeats"]):
        mask = pc.is_in(b.column("shard"), value_set=want)
        if not pc.any(mask).as_py():
            if started:
                return  # sorted by shard: the range is behind us
            continue
        started = True
        cols = b.filter(mask).to_pydict()
        yield from zip(
            cols["shard"], cols["position"], cols["doc_id"], cols["repeats"], strict=True
        )


class BuildWriteStage(PipelineStep):
    """Rank r writes the records of its shard range for every pending variant."""

    name = "build: write variants"
    type = "💾 - WRITER"

    def __init__(
        self,
        tmp_dirs: Sequence[str],
        the_plan: Plan,
        fmt: str,
        max_records: int,
        gzip_level: int,
        text_field: str,
        id_field: str,
        n_read: dict[str, int],
    ) -> None:
        super().__init__()
        self.tmp_dirs = [str(d) for d in tmp_dirs]
        self.plan = the_plan
        self.fmt, self.max_records, self.gzip_level = fmt, max_records, gzip_level
        self.text_field, self.id_field = text_field, id_field
        self.n_read = dict(n_read)

    def run(self, data=None, rank: int = 0, world_size: int = 1):  # type: ignore[override]
        from curate.building.source import SourceCursor

        if data:
            yield from data
        mine = list(self.plan.shards[self.plan.cuts[rank] : self.plan.cuts[rank + 1]])
        writers = []
        for v, d in enumerate(self.tmp_dirs):
            g0, g1 = self.plan.span(v, rank)
            writers.append(
                _SpanWriter(Path(d), self.fmt, self.max_records, self.gzip_level, g0, g1, rank)
            )
        streams = [_decisions(Path(d) / DECISIONS, set(mine)) for d in self.tmp_dirs]
        cursor: SourceCursor | None = None

        def close_shard() -> None:
            if cursor is None:
                return
            got = cursor.finish()
            want = self.n_read.get(cursor.shard)
            if want is not None and got != want:
                raise CurateError(
                    f"{cursor.shard}: has {got} records now but the audit read {want}; the shard "
                    "changed since the audit: re-audit it"
                )

        try:
            for rows in zip(*streams, strict=True):
                shard, pos, doc_id, _ = rows[0]
                if cursor is None or cursor.shard != shard:
                    close_shard()
                    cursor = SourceCursor(shard, self.text_field, self.id_field)
                wanted = [r[3] for r in rows]
                if any(wanted):
                    rec = cursor.get(pos, doc_id)
                    for w, k in zip(writers, wanted, strict=True):
                        if k:
                            w.write(rec, k)
                self.stat_update("documents")
            close_shard()
            for d, w in zip(self.tmp_dirs, writers, strict=True):
                atomic_write_bytes(
                    Path(d) / f".task-{rank:05d}.json", json.dumps(w.finish()).encode()
                )
        except BaseException:
            for w in writers:
                w.abort()
            raise


def merge(d: Path, the_plan: Plan, v: int, fmt: str, max_records: int, gzip_level: int):
    """Assemble one variant's parts from its ranks' outputs (encoding the cut parts)."""
    total = the_plan.bounds[v][-1]
    n_parts = -(-total // max_records) if total else 0
    parts: dict[int, dict[str, Any]] = {}
    frags: dict[int, list[int]] = {}
    for rank in range(the_plan.tasks):
        info = json.loads((d / f".task-{rank:05d}.json").read_text())
        for p, meta in info["parts"].items():
            parts[int(p)] = meta
        for p in info["frags"]:
            frags.setdefault(int(p), []).append(rank)
    for p, ranks in sorted(frags.items()):
        name = part_name(p, fmt)
        enc = _PartEncoder(d / f".{name}.tmp", fmt, gzip_level)
        for rank in sorted(ranks):
            with (d / frag_name(p, rank)).open("rb") as f:
                for line in f:
                    enc.add(line if fmt == "jsonl.gz" else orjson.loads(line))
        info = enc.close()
        os.replace(d / f".{name}.tmp", d / name)
        for rank in ranks:
            (d / frag_name(p, rank)).unlink()
        parts[p] = {"file": name, **info}
    for rank in range(the_plan.tasks):
        (d / f".task-{rank:05d}.json").unlink()
    if sorted(parts) != list(range(n_parts)):
        raise RuntimeError(f"{d}: parts {sorted(parts)} for {n_parts} planned")
    out = [{"file": parts[p]["file"], **{k: parts[p][k] for k in ("records", "bytes", "sha256")}}
           for p in range(n_parts)]  # fmt: skip
    if sum(x["records"] for x in out) != total:
        raise RuntimeError(f"{d}: parts hold {sum(x['records'] for x in out)} records, not {total}")
    return WrittenVariant(total, out)


def write_pass_on(
    executor: Any,
    logs: str | os.PathLike[str],
    tmp_dirs: Sequence[Path],
    fmt: str,
    max_records: int,
    gzip_level: int,
    text_field: str,
    id_field: str,
    n_read: dict[str, int],
) -> list[WrittenVariant]:
    """`write_pass` on ``executor`` (a `curate.executors.ExecutorConfig`): same files, same
    parts list; returns one `WrittenVariant` (n_records, parts) per temp directory."""
    from curate.executors import make_executor, run_executor

    if executor.kind == "slurm":
        raise CurateError(
            "curate build runs on the local or ray executor (it waits for its tasks); "
            "run it on a node with the workspace, or use kind = 'ray'"
        )
    if not is_remote(logs) and Path(local_path(logs)).exists():
        shutil.rmtree(local_path(logs))  # this pass's own logs: no stale completion markers
    the_plan = plan(tmp_dirs, executor.tasks)
    stage = BuildWriteStage(
        [str(d) for d in tmp_dirs],
        the_plan,
        fmt,
        max_records,
        gzip_level,
        text_field,
        id_field,
        n_read,
    )
    run_executor(make_executor(executor, [stage], logs, job="build", skip_completed=False))
    return [
        merge(Path(d), the_plan, v, fmt, max_records, gzip_level) for v, d in enumerate(tmp_dirs)
    ]
