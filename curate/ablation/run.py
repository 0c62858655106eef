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
2. one *job* per (variant, seed) (`curate.ablation.jobs`), run by a pool of `workers`
   single-threaded processes (two 1-thread processes beat one 2-thread process on this
   machine); a rerun skips finished jobs and resumes a killed pretraining from its checkpoint;
3. aggregation over seeds (`curate.ablation.aggregate`), `ablations/<name>/results.parquet`,
   loaded into the store's `results` table (the workspace lock is held only for that), a `runs`
   row (kind "ablation") and a manifest;
4. the report: PNG figures and one self-contained HTML page (`curate.ablation.report`).

One process per ablation at a time: the driver holds `ablations/<name>/.lock` for the whole run
(a second fails at once). The spec's `spec_key` is written beside the rows: a rerun under the
same name with a different spec is refused (adding seeds, `[stats]`, `workers` and `progress`
may change).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import torch
from tqdm import tqdm

from curate import store
from curate.ablation.aggregate import aggregate, pool_ft_domains
from curate.ablation.data import prepare_inputs, prepare_tokens, pretrained_source, say
from curate.ablation.jobs import Job, rows_path, run_job
from curate.ablation.report import write_report
from curate.ablation.results import ablation_dir, write_rows
from curate.ablation.spec import AblationSpec, pretrain_key, spec_key
from curate.config import to_dict
from curate.errors import CurateError
from curate.files import atomic_write_text, hold_lock
from curate.manifests import fingerprints, write_manifest
from curate.workspace import Workspace

__all__ = ["run_ablation", "run_jobs"]


def _utc() -> str:
    return datetime.now(UTC).isoformat()


def _init_worker() -> None:
    torch.set_num_threads(1)
    os.environ["OMP_NUM_THREADS"] = "1"


def run_jobs(spec: AblationSpec, root: Path, ws: Workspace) -> list[Path]:
    """Run every unfinished (variant, seed) job; returns every job's rows file."""
    jobs = [Job(v.name, s) for s in spec.seeds for v in spec.variants]
    todo = [j for j in jobs if not rows_path(root, j).is_file()]
    say(
        f"{len(jobs)} job(s) (variants x seeds), {len(jobs) - len(todo)} already done, "
        f"{spec.workers} worker(s)"
    )
    bar = tqdm(
        total=len(jobs),
        initial=len(jobs) - len(todo),
        desc="ablation jobs",
        disable=not spec.progress,
    )
    t0 = time.perf_counter()

    def done(j: Job) -> None:
        bar.update()
        bar.write(f"[ablate] job {j.key} done after {time.perf_counter() - t0:.0f} s")

    if spec.workers == 1 or len(todo) <= 1:
        for j in todo:
            run_job(spec, root, ws.root, j, threads=1 if spec.workers == 1 else spec.workers)
            done(j)
    else:
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(
            min(spec.workers, len(todo)), mp_context=ctx, initializer=_init_worker
        ) as pool:
            futs = {pool.submit(run_job, spec, root, ws.root, j): j for j in todo}
            for f in as_completed(futs):
                f.result()
                done(futs[f])
    bar.close()
    return [rows_path(root, j) for j in jobs]


def run_ablation(spec: AblationSpec, spec_dir: Path, report: bool = True) -> dict[str, Any]:
    """The whole experiment; returns a summary (paths, counts, wall time).

    One process per ablation at a time (flock on `ablations/<name>/.lock`: a second fails at
    once); its jobs write the same files. The workspace lock is taken only to write the store."""
    root = ablation_dir(Workspace.at(spec.workspace), spec.name)
    root.mkdir(parents=True, exist_ok=True)
    busy = f"{root}: ablation {spec.name!r} is busy ({{holder}}); wait for it to finish"
    with hold_lock(root / ".lock", f"pid {os.getpid()}: curate ablate {spec.name}", busy):
        return _run_ablation(spec, spec_dir, report)


def _claim(spec: AblationSpec, ws: Workspace, root: Path) -> str:
    """Write the spec's keys beside its rows (refusing another spec under the same name) and
    check `pretrained_from`; returns the spec key."""
    key = spec_key(spec)
    kf = root / "spec_key"
    if kf.is_file() and kf.read_text().strip() != key:
        raise CurateError(
            f"{root}: ablation {spec.name!r} already exists with a different spec; give this one "
            "another `name` (or delete that folder to start over)"
        )
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


def _run_ablation(spec: AblationSpec, spec_dir: Path, report: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    started = _utc()
    ws = Workspace.at(spec.workspace)
    root = ablation_dir(ws, spec.name)
    root.mkdir(parents=True, exist_ok=True)
    key = _claim(spec, ws, root)
    run_id = f"ablation-{spec.name}-{key[:6]}"
    with ws.lock("curate ablate (start)"), store.connect(ws) as con:
        store.start_run(con, run_id, "ablation", key, to_dict(spec))
    try:
        info = prepare_inputs(spec, spec_dir, ws)
        tokinfo = prepare_tokens(spec, ws, root)
        files = run_jobs(spec, root, ws)
        res_path = _results(spec, files, root)
        with ws.lock("curate ablate (load results)"), store.connect(ws) as con:
            n = store.load_parquet(con, "results", [res_path], {"ablation": spec.name})
            inputs = [x for v in tokinfo["files"].values() for x in map(str, v)]
            manifest = write_manifest(
                root,
                "ablation",
                spec,
                fingerprints(inputs),
                {"results_rows": n, "jobs": len(files), "tokens": tokinfo["tokens"]},
                started,
                _utc(),
                extra={"run_id": run_id, "steps": info, "wall_s": time.perf_counter() - t0},
            )
            con.execute(
                "UPDATE runs SET manifest_path = ? WHERE run_id = ?", [str(manifest), run_id]
            )
            store.finish_run(con, run_id, "done")
    except BaseException:
        with (
            contextlib.suppress(Exception),
            ws.lock("curate ablate (fail)"),
            store.connect(ws) as con,
        ):
            store.finish_run(con, run_id, "failed")
        raise
    summary = {
        "run_id": run_id,
        "results_rows": n,
        "dir": str(root),
        "wall_s": time.perf_counter() - t0,
    }
    if report:
        summary["report"] = str(write_report(ws, spec.name))
    say(
        f"done in {summary['wall_s']:.0f} s: {n} result rows in {ws.db_path} (ablation "
        f"{spec.name!r})" + (f"; report: {summary['report']}" if report else "")
    )
    return summary
