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
   (`curate.building.source`, checking each shard's record count against the audit)
   and streams its records. A part that lies wholly inside ``[g0, g1)`` is written directly as
   ``part-<p>``, by the `PartEncoder` that `PartWriter` uses; a part cut by a range boundary is
   written as a fragment ``.frag-<p>-<rank>`` (the raw records, uncompressed JSON lines). Each rank
   ends with ``.task-<rank>.json`` (its parts' sizes and hashes), written last. The loop over the
   decisions and the sources is the one-process pass's (`curate.building.source.copy_records`).
3. **Merge** (driver): for each cut part, the fragments in rank order are concatenated and
   encoded as one part (at most ``tasks - 1`` parts per variant); the parts list (file, records,
   bytes, sha256) is assembled in part order, as `PartWriter.close()` returns it.

Memory per rank: one record and one batch of decisions per variant, as in the sequential pass.
The variants' temp directories and the sources must be reachable from every worker (a shared
file system for a Ray cluster). Slurm is not supported here: a build waits for its tasks.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import duckdb
import orjson
from datatrove.pipeline.base import PipelineStep

from curate.building.decisions import DECISIONS, read_decisions
from curate.building.source import copy_records
from curate.building.write import PartEncoder, encode_record, part_name
from curate.errors import CurateError
from curate.executors import ExecutorConfig, make_executor, run_executor
from curate.files import atomic_path, atomic_write_bytes, is_remote, local_path


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
# writing a rank's records (parts encoded by curate.building.write.PartEncoder)


def _frag_line(item: bytes | dict[str, Any]) -> bytes:
    """A fragment line of an encoded record: the JSON line itself (jsonl.gz) or the parquet row
    as JSON (all strings, so it reads back exactly)."""
    return item if isinstance(item, bytes) else orjson.dumps(item) + b"\n"


def _from_frag_line(line: bytes, fmt: str) -> bytes | dict[str, Any]:
    return line if fmt == "jsonl.gz" else orjson.loads(line)


def frag_name(p: int, rank: int) -> str:
    return f".frag-{p:05d}-{rank:05d}.jsonl"


class _SpanWriter:
    """Rank r's records of one variant: global records [g0, g1), `max_records` per part."""

    def __init__(
        self, d: Path, fmt: str, max_records: int, gzip_level: int, g0: int, g1: int, rank: int
    ) -> None:
        self.d, self.fmt, self.m, self.level = d, fmt, max_records, gzip_level
        self.g, self.g0, self.g1, self.rank = g0, g0, g1, rank
        self.cur: Any = None  # a PartEncoder (whole part) or a fragment file
        self.cur_part = -1
        self.cur_name = ""
        self.rename = contextlib.ExitStack()  # the whole part's temp path, renamed on close
        self.parts: dict[str, dict[str, Any]] = {}
        self.frags: list[int] = []

    def _open(self, p: int) -> None:
        self._close()
        whole = p * self.m >= self.g0 and (p + 1) * self.m <= self.g1
        if whole:
            self.cur_name = part_name(p, self.fmt)
            tmp = self.rename.enter_context(atomic_path(self.d / self.cur_name, fsync=False))
            self.cur = PartEncoder(tmp, self.fmt, self.level)
        else:
            self.cur_name = frag_name(p, self.rank)
            self.cur = (self.d / self.cur_name).open("wb")
            self.frags.append(p)
        self.cur_part = p

    def _close(self) -> None:
        if self.cur is None:
            return
        if isinstance(self.cur, PartEncoder):
            info = self.cur.close()
            self.rename.close()
            self.parts[str(self.cur_part)] = {"file": self.cur_name, **info}
        else:
            self.cur.close()
        self.cur = None

    def write(self, rec: dict[str, Any], repeats: int) -> None:
        item = encode_record(rec, self.fmt)
        line = _frag_line(item)
        for _ in range(repeats):
            if self.g >= self.g1:
                raise RuntimeError(f"rank {self.rank}: more records than planned ({self.g1})")
            p = self.g // self.m
            if p != self.cur_part:
                self._open(p)
            if isinstance(self.cur, PartEncoder):
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
        if isinstance(self.cur, PartEncoder):
            self.cur.abort()
        elif self.cur is not None:
            with contextlib.suppress(Exception):  # best effort on the error path
                self.cur.close()


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
        if data:
            yield from data
        mine = set(self.plan.shards[self.plan.cuts[rank] : self.plan.cuts[rank + 1]])
        writers = []
        for v, d in enumerate(self.tmp_dirs):
            g0, g1 = self.plan.span(v, rank)
            writers.append(
                _SpanWriter(Path(d), self.fmt, self.max_records, self.gzip_level, g0, g1, rank)
            )
        streams = [read_decisions(Path(d) / DECISIONS, mine) for d in self.tmp_dirs]
        try:
            copy_records(
                streams,
                writers,
                self.text_field,
                self.id_field,
                self.n_read,
                lambda: self.stat_update("documents"),
            )
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
        with atomic_path(d / name, fsync=False) as tmp, PartEncoder(tmp, fmt, gzip_level) as enc:
            for rank in sorted(ranks):
                with (d / frag_name(p, rank)).open("rb") as f:
                    for line in f:
                        enc.add(_from_frag_line(line, fmt))
            info = enc.close()
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
    executor: ExecutorConfig,
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
