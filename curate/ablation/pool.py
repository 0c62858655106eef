"""The one worker pool that runs (variant, seed) jobs, of one ablation or of several at once.

`run_ablation`, the sweep (`curate.ablation.sweep`) and the policy search all submit their jobs
here: a `Task` is one job of one ablation (its spec, folder and workspace), and `run_tasks` runs
every unfinished task on a single pool of `workers` processes, one thread each (two 1-thread
processes beat one 2-thread process on this machine), so a sweep of many small ablations keeps
every worker busy instead of waiting for the slowest job of each ablation in turn.

Order: seed-major across ablations (seed 0 of every ablation and variant first), so a stopped
run leaves whole seeds. A task whose rows file exists is skipped (resumption).

Reproducibility: a job's rows depend only on its (spec, variant, seed), never on the worker
count or on which process ran it: with `workers = 1` jobs run in this process, otherwise in
spawned processes, and always on one thread (a lone remaining job is not given more threads,
whose different reduction order would change its floating-point results). Tested:
serial and pooled runs write identical `results` rows (tests/test_sweep.py).

A failed job stops the run: jobs not yet started are cancelled, the running ones finish (their
rows are kept), and the error is raised; rerunning the same command resumes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from curate.ablation.jobs import Job, rows_path, run_job
from curate.ablation.spec import AblationSpec
from curate.errors import CurateError

__all__ = ["Task", "ablation_tasks", "run_tasks"]


@dataclass(frozen=True)
class Task:
    """One (variant, seed) job of one ablation."""

    spec: AblationSpec
    root: Path  # ablations/<name>/
    ws_root: Path
    job: Job

    @property
    def label(self) -> str:
        return f"{self.spec.name}/{self.job.key}"

    @property
    def rows(self) -> Path:
        return rows_path(self.root, self.job)


def ablation_tasks(spec: AblationSpec, root: Path, ws_root: Path) -> list[Task]:
    """Every job of an ablation, seed-major (seed 0 of every variant first)."""
    return [Task(spec, root, ws_root, Job(v.name, s)) for s in spec.seeds for v in spec.variants]


def seed_major(groups: Sequence[Sequence[Task]]) -> list[Task]:
    """The tasks of several ablations in one seed-major order: the i-th seed of every ablation
    (in the given order) before the (i+1)-th; within an ablation its own order."""
    keyed = []
    for a, tasks in enumerate(groups):
        seeds = {s: i for i, s in enumerate(dict.fromkeys(t.job.seed for t in tasks))}
        keyed += [((seeds[t.job.seed], a, k), t) for k, t in enumerate(tasks)]
    return [t for _, t in sorted(keyed, key=lambda kv: kv[0])]


def _init_worker() -> None:
    torch.set_num_threads(1)
    os.environ["OMP_NUM_THREADS"] = "1"


def _run(task: Task) -> Path:
    return run_job(task.spec, task.root, task.ws_root, task.job, threads=1)


def run_tasks(
    tasks: Sequence[Task],
    workers: int,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> None:
    """Run every unfinished task, `workers` at a time (1: in this process)."""
    todo = [t for t in tasks if not t.rows.is_file()]
    n_abl = len({t.root for t in tasks})
    over = f" over {n_abl} ablations" if n_abl > 1 else ""
    log(
        f"{len(tasks)} job(s) (variants x seeds{over}), {len(tasks) - len(todo)} already done, "
        f"{workers} worker(s)"
    )
    bar = tqdm(
        total=len(tasks),
        initial=len(tasks) - len(todo),
        desc="ablation jobs",
        disable=not progress,
    )
    t0 = time.perf_counter()

    def done(t: Task) -> None:
        bar.update()
        name = t.label if n_abl > 1 else t.job.key
        bar.write(f"[ablate] job {name} done after {time.perf_counter() - t0:.0f} s")

    try:
        if workers == 1:
            for t in todo:
                _run(t)
                done(t)
        elif todo:
            _pooled(todo, workers, done)
    finally:
        bar.close()


def _pooled(todo: Sequence[Task], workers: int, done: Callable[[Task], None]) -> None:
    """`todo` on a pool of spawned 1-thread processes; the first failure cancels the rest."""
    ctx = mp.get_context("spawn")
    pool = ProcessPoolExecutor(min(workers, len(todo)), mp_context=ctx, initializer=_init_worker)
    try:
        futs: dict[Future, Task] = {pool.submit(_run, t): t for t in todo}
        pending = set(futs)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in sorted(finished, key=lambda f: f.exception() is not None):
                err = f.exception()
                if err is None:
                    done(futs[f])
                elif isinstance(err, BrokenProcessPool):
                    raise CurateError(
                        f"job {futs[f].label}: a worker process died (killed, or out of memory); "
                        "the jobs not yet started were cancelled. Rerun the same command to "
                        "resume (finished jobs are skipped)"
                    ) from err
                else:
                    raise err
    finally:
        # on success nothing is pending; on a failure or an interrupt, the jobs not yet started
        # are cancelled and the running ones finish (their rows are kept)
        pool.shutdown(wait=True, cancel_futures=True)
