"""`curate ablate SPEC.toml`: corpus variants → tiny GPTs → narrow fine-tunes → EM → results.

One spec describes the whole experiment (`curate.ablation.spec`, docs/ablation.md)::

    [world]      optional: generate a persona world into the workspace (`curate.world`)
    [audit]      optional: audit its pretraining shards into the store (`curate.audit.run`)
    [build]      optional: build the policy's corpus variants from that audit (`curate.building`)
    [[variants]] the corpora to compare: a built (corpus, variant), or shard paths / globs
    [tokenizer] [model] [pretrain] [finetune] [eval] [realign] [stats]
    seeds, workers, device

`run_ablation` is the driver; the work, in order:

1. the prerequisite steps above, then the tokenizer and the variants' token files
   (`curate.ablation.data`);
2. one *job* per (variant, seed) (`curate.ablation.jobs`), run by the shared pool of `workers`
   single-threaded processes (`curate.ablation.pool`); a rerun skips finished jobs and resumes
   a killed pretraining from its checkpoint;
3. aggregation over seeds (`curate.ablation.aggregate`), `ablations/<name>/results.parquet`,
   loaded into the store's `results` table (the workspace lock is held only for that), a `runs`
   row (kind "ablation") and a manifest;
4. the report: PNG figures and one self-contained HTML page (`curate.ablation.report`).

`run_ablations` runs several ablations at once (the sweep, the policy search): each is claimed
and prepared in turn (step 1), then the jobs of all of them run on ONE pool (step 2), then each
is aggregated, stored and reported as an ordinary ablation (steps 3-4). `run_ablation` is the
one-ablation case.

One process per ablation at a time: the driver holds `ablations/<name>/.lock` for the whole run
(a second fails at once). The spec's `spec_key` is written beside the rows: a rerun under the
same name with a different spec is refused (adding seeds, `[stats]`, `workers` and `progress`
may change). With `[power]` the pre-registration is written to `power.json` before any job runs
(`curate.ablation.power.register`); a rerun with a different `[power]` is refused.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from curate import store
from curate.ablation.aggregate import aggregate, pool_ft_domains
from curate.ablation.data import prepare_inputs, prepare_tokens, pretrained_source, say
from curate.ablation.pool import Task, ablation_tasks, run_tasks, seed_major
from curate.ablation.power import register as register_power
from curate.ablation.report import write_report
from curate.ablation.results import ablation_dir, write_rows
from curate.ablation.spec import AblationSpec, pretrain_key, spec_key
from curate.config import to_dict
from curate.errors import CurateError
from curate.files import atomic_write_text, hold_lock
from curate.manifests import fingerprints, write_manifest
from curate.workspace import Workspace

__all__ = ["run_ablation", "run_ablations", "run_jobs"]


def _utc() -> str:
    return datetime.now(UTC).isoformat()


def run_jobs(spec: AblationSpec, root: Path, ws: Workspace) -> list[Path]:
    """Run every unfinished (variant, seed) job of one ablation; returns every job's rows file."""
    tasks = ablation_tasks(spec, root, ws.root)
    run_tasks(tasks, spec.workers, spec.progress, say)
    return [t.rows for t in tasks]


def run_ablation(spec: AblationSpec, spec_dir: Path, report: bool = True) -> dict[str, Any]:
    """The whole experiment; returns a summary (paths, counts, wall time).

    One process per ablation at a time (flock on `ablations/<name>/.lock`: a second fails at
    once); its jobs write the same files. The workspace lock is taken only to write the store."""
    return run_ablations([(spec, spec_dir)], spec.workers, report)[0]


def run_ablations(
    items: Sequence[tuple[AblationSpec, Path]],
    workers: int | None = None,
    report: bool = True,
    progress: bool | None = None,
) -> list[dict[str, Any]]:
    """Several ablations with one pool of `workers` (default: the largest `workers` of the
    specs) for all their jobs; each is then aggregated, stored and reported on its own. Returns
    one summary per ablation, in order."""
    if not items:
        return []
    names = [s.name for s, _ in items]
    if len(set(names)) != len(names):
        raise CurateError(f"ablations run together need distinct names: {names}")
    ws_roots = {s.workspace for s, _ in items}
    if len(ws_roots) != 1:
        raise CurateError(f"ablations run together need one workspace: {sorted(ws_roots)}")
    workers = workers or max(s.workers for s, _ in items)
    progress = items[0][0].progress if progress is None else progress
    runs = [_AblationRun(s, d) for s, d in items]
    with contextlib.ExitStack() as stack:
        for r in runs:
            stack.enter_context(r.locked())
        t0 = time.perf_counter()
        try:
            groups = [r.prepare() for r in runs]
            run_tasks(seed_major(groups), workers, progress, say)
            out = [r.finish(t0) for r in runs]
        except BaseException:
            for r in runs:
                r.fail()
            raise
        for r, summary in zip(runs, out, strict=True):
            r.report(summary, report)
    return out


class _AblationRun:
    """One ablation of a (possibly shared) run: claim and prepare, then finish or fail."""

    def __init__(self, spec: AblationSpec, spec_dir: Path) -> None:
        self.spec = spec
        self.spec_dir = spec_dir
        self.ws = Workspace.at(spec.workspace)
        self.root = ablation_dir(self.ws, spec.name)
        self.run_id = ""
        self.state = "new"  # new -> started -> done | failed
        self.info: dict[str, Any] = {}
        self.tokinfo: dict[str, Any] = {}
        self.started = ""

    def locked(self) -> contextlib.AbstractContextManager[Any]:
        self.root.mkdir(parents=True, exist_ok=True)
        name = self.spec.name
        busy = f"{self.root}: ablation {name!r} is busy ({{holder}}); wait for it to finish"
        return hold_lock(self.root / ".lock", f"pid {os.getpid()}: curate ablate {name}", busy)

    def prepare(self) -> list[Task]:
        """Claim the folder, start the runs row, run the inputs steps, tokenize; its tasks."""
        spec, ws, root = self.spec, self.ws, self.root
        self.started = _utc()
        key = _claim(spec, ws, root)
        self.run_id = f"ablation-{spec.name}-{key[:6]}"
        with ws.lock("curate ablate (start)"), store.connect(ws) as con:
            store.start_run(con, self.run_id, "ablation", key, to_dict(spec))
        self.state = "started"
        self.info = prepare_inputs(spec, self.spec_dir, ws)
        self.tokinfo = prepare_tokens(spec, ws, root)
        return ablation_tasks(spec, root, ws.root)

    def finish(self, t0: float) -> dict[str, Any]:
        """Aggregate the jobs' rows, load them into the store, write the manifest."""
        spec, ws, root = self.spec, self.ws, self.root
        files = [t.rows for t in ablation_tasks(spec, root, ws.root)]
        res_path = _results(spec, files, root)
        wall = time.perf_counter() - t0
        with ws.lock("curate ablate (load results)"), store.connect(ws) as con:
            n = store.load_parquet(con, "results", [res_path], {"ablation": spec.name})
            inputs = [x for v in self.tokinfo["files"].values() for x in map(str, v)]
            manifest = write_manifest(
                root,
                "ablation",
                spec,
                fingerprints(inputs),
                {"results_rows": n, "jobs": len(files), "tokens": self.tokinfo["tokens"]},
                self.started,
                _utc(),
                extra={"run_id": self.run_id, "steps": self.info, "wall_s": wall},
            )
            con.execute(
                "UPDATE runs SET manifest_path = ? WHERE run_id = ?", [str(manifest), self.run_id]
            )
            store.finish_run(con, self.run_id, "done")
        self.state = "done"
        return {"run_id": self.run_id, "results_rows": n, "dir": str(root), "wall_s": wall}

    def fail(self) -> None:
        if self.state != "started":
            return
        with (
            contextlib.suppress(Exception),
            self.ws.lock("curate ablate (fail)"),
            store.connect(self.ws) as con,
        ):
            store.finish_run(con, self.run_id, "failed")
        self.state = "failed"

    def report(self, summary: dict[str, Any], report: bool) -> None:
        if report:
            summary["report"] = str(write_report(self.ws, self.spec.name))
        say(
            f"done in {summary['wall_s']:.0f} s: {summary['results_rows']} result rows in "
            f"{self.ws.db_path} (ablation {self.spec.name!r})"
            + (f"; report: {summary['report']}" if report else "")
        )


def _claim(spec: AblationSpec, ws: Workspace, root: Path) -> str:
    """Write the spec's keys beside its rows (refusing another spec under the same name), the
    power pre-registration, and check `pretrained_from`; returns the spec key."""
    key = spec_key(spec)
    kf = root / "spec_key"
    if kf.is_file() and kf.read_text().strip() != key:
        raise CurateError(
            f"{root}: ablation {spec.name!r} already exists with a different spec; give this one "
            "another `name` (or delete that folder to start over)"
        )
    register_power(spec, root)
    atomic_write_text(kf, key + "\n")
    atomic_write_text(root / "pretrain_key", pretrain_key(spec) + "\n")
    pretrained_source(spec, ws)
    return key


def _results(spec: AblationSpec, files: list[Path], root: Path) -> Path:
    """The jobs' rows, pooled over fine-tune domains and aggregated, as `results.parquet`."""
    rows = pq.read_table(files).to_pylist() if files else []
    rows = rows + pool_ft_domains(rows)
    rows += aggregate(rows, spec)
    res_path = root / "results.parquet"
    write_rows(rows, res_path)
    return res_path
