"""Executors: one place that turns a spec's ``[executor]`` table into a datatrove executor.

The same pipeline (a list of datatrove blocks) runs unchanged on three executors::

    kind = "local"   QuietLocalExecutor  (datatrove's LocalPipelineExecutor, see below)
    kind = "ray"     CurateRayExecutor   (datatrove's RayPipelineExecutor + Ray session handling)
    kind = "slurm"   CurateSlurmExecutor (datatrove's SlurmPipelineExecutor: writes a job array and
                     submits it; refuses to submit again while squeue lists the run's job)

Task layout is the same on all three: ``tasks`` ranks, rank r's outputs are named after r, and a
rank is done when datatrove's completion marker ``<logging_dir>/completions/<r:05d>`` exists, so
re-running the same job skips finished ranks whatever executor ran them.

`ExecutorConfig` is flat (the keys a spec's ``[executor]`` table accepts); each key says which
executors read it. Settings that only decide *where/how fast* tasks run (workers, address, Slurm
resources, ...) never change a task's output; `RESULT_KEYS` lists the ones that do (``tasks``).

Ray: ``address = ""`` (and no ``$RAY_ADDRESS``) starts a private local Ray on 127.0.0.1 for the
run (``ray_cpus`` CPUs, 0 = all) and stops it afterwards; ``"auto"`` joins the cluster this
machine belongs to (``ray start --head`` / a Ray node); ``"host:6379"`` a head node's GCS;
``"ray://host:10001"`` uses Ray client. When Ray is already initialized in this
process (a notebook, a test) that session is used as is. Ray is imported only when a Ray run
starts: the default install (no ``ray`` extra) and the demo never import it. A task that fails
raises `ExecutorError` naming the failed ranks and their log files; re-running the command redoes
only those.

Slurm: `make_executor` only builds the executor; ``run()`` writes ``<logging_dir>/executor.pik``,
``ranks_to_run.json`` and ``launch_script.slurm`` (a job array, ``%workers`` concurrent) and calls
``sbatch`` (plus a dependent ``merge_stats`` job). Each array task runs
``srun launch_pickled_pipeline <logging_dir>/executor.pik`` on a node, which runs rank
``SLURM_ARRAY_TASK_ID``. The logging dir and the outputs must therefore be on a file system the
nodes share (or an fsspec URL), and the nodes need the same environment: ``venv_path`` (default:
the virtual environment running `curate`) or ``env_command`` is sourced first.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import multiprocess
import multiprocess.connection
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.utils.logging import logger
from datatrove.utils.stats import PipelineStats

from curate.errors import ConfigError, CurateError

Kind = Literal["local", "ray", "slurm"]
KINDS: tuple[str, ...] = ("local", "ray", "slurm")
RESULT_KEYS = ("tasks",)  # the only executor settings that change what a task writes

_SLURM_TIME = re.compile(r"^(\d+-)?\d{1,3}(:\d{2}){0,2}$")


class ExecutorError(CurateError):
    """Tasks of a run failed (their logs say why); re-running the command redoes only those."""


@dataclass(frozen=True)
class ExecutorConfig:
    """The ``[executor]`` table of a spec. Keys are flat; each says which executor reads it."""

    kind: Kind = "local"
    tasks: int = 1  # all: number of ranks (shard i -> task i % tasks in the audit)
    workers: int = -1  # all: ranks running at once (-1 = all of them; Slurm: array %workers)
    # ray and slurm: resources per task
    cpus_per_task: int = 1
    mem_per_cpu_gb: int = 2
    gpus_per_task: int = 0
    tasks_per_job: int = 1  # ranks one Ray actor / one Slurm array job runs in sequence
    # ray only
    address: str = ""  # "" private local Ray; "auto" this machine's cluster; "ray://host:port"
    ray_cpus: int = 0  # private local Ray only: CPUs it may use (0 = all)
    task_timeout_s: int = 0  # kill a Ray task running longer than this (0 = no limit)
    # slurm only
    partition: str = ""
    time: str = "04:00:00"  # per array job: [D-]HH:MM:SS
    qos: str = ""  # "" = the cluster's default
    job_name: str = ""  # "" = curate-<job kind>
    venv_path: str = ""  # activate script (or venv folder) sourced by the job; "" = current venv
    env_command: str = ""  # shell line run instead of sourcing a venv (e.g. module load ...)
    logs_dir: str = ""  # where Slurm writes %A_%a.out; "" = <logging_dir>/slurm_logs
    max_array_size: int = 1001  # the cluster's MaxArraySize; more ranks -> several arrays
    sbatch_args: dict[str, str] = field(default_factory=dict)  # extra #SBATCH --key=value
    srun_args: dict[str, str] = field(default_factory=dict)  # extra srun --key=value

    def validate(self) -> None:
        if self.tasks < 1:
            raise ConfigError(f"tasks must be >= 1, got {self.tasks}")
        if self.workers == 0 or self.workers < -1:
            raise ConfigError(f"workers must be -1 (all) or >= 1, got {self.workers}")
        for name in ("cpus_per_task", "mem_per_cpu_gb", "tasks_per_job"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("gpus_per_task", "ray_cpus", "task_timeout_s"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.max_array_size < 1 and self.max_array_size != -1:
            raise ConfigError(f"max_array_size must be >= 1 or -1, got {self.max_array_size}")
        if self.address and not (
            self.address in ("auto", "local")
            or self.address.startswith("ray://")
            or re.fullmatch(r"[\w.-]+:\d+", self.address)
        ):
            raise ConfigError(
                f"address {self.address!r}: use '' (private local Ray), 'auto' (this machine's "
                "cluster), 'host:port' (a head node's GCS) or 'ray://host:port' (Ray client)"
            )
        if self.kind == "slurm":
            if not self.partition:
                raise ConfigError("partition: required when kind = 'slurm'")
            if not _SLURM_TIME.fullmatch(self.time):
                raise ConfigError(
                    f"time {self.time!r}: use Slurm's [D-]HH:MM:SS form, e.g. '04:00:00'"
                )


def executor_flags(kind: str | None, tasks: int | None, workers: int | None) -> dict[str, Any]:
    """The ``[executor]`` table a command's --executor/--tasks/--workers flags stand for."""
    out: dict[str, Any] = {}
    if kind is not None:
        out["kind"] = kind
    if tasks is not None:
        out["tasks"] = tasks
    if workers is not None:
        out["workers"] = workers
    return out


def result_settings(cfg: ExecutorConfig) -> dict[str, Any]:
    """The executor settings that belong in a run key (they change what the tasks write)."""
    return {k: getattr(cfg, k) for k in RESULT_KEYS}


# ---------------------------------------------------------------------------------------------
# local


def quiet_datatrove_logs() -> None:

    logger.remove()
    logger.add(sys.stderr, level="WARNING")


class QuietLocalExecutor(LocalPipelineExecutor):
    """Datatrove's local executor, with two changes:

    - per-task INFO logs go to the task log files only (in datatrove, local_rank only selects
      the console log level, so tasks run with local_rank >= 1);
    - with one worker, tasks run in this process without datatrove's multiprocessing Manager,
      so a killed run leaves no orphan server process behind. Completion markers, per-task and
      merged stats.json are written exactly as datatrove writes them.
    """

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        try:
            return super()._run_for_rank(rank, max(local_rank, 1), node_rank)
        finally:
            quiet_datatrove_logs()  # datatrove resets the console logger after each task

    def run(self):
        self._launched = True
        ranks = self.get_incomplete_ranks(
            range(self.local_rank_offset, self.local_rank_offset + self.local_tasks)
        )
        if not ranks:
            return PipelineStats()
        self.save_executor_as_json()
        if self.workers == 1:
            pipeline = self.pipeline
            stats = []
            for rank in ranks:
                self.pipeline = deepcopy(pipeline)
                stats.append(self._run_for_rank(rank))
            self.pipeline = pipeline
        else:
            self._run_processes(ranks)
            stats = [self._rank_stats(r) for r in ranks]
        merged = sum(stats, start=PipelineStats())
        with self.logging_dir.open("stats.json", "wt") as f:
            merged.save_to_disk(f)
        return merged

    def _run_processes(self, ranks: list[int]) -> None:
        """One process per task, at most `workers` at a time, watched by this one.

        (datatrove's pool waits forever for a worker that died, and its Manager process, once
        killed, ends the run with a swallowed BrokenPipeError.) A task process that exits
        without marking its rank complete (an exception, kill -9, out of memory) fails the
        run at once: the others are stopped, and the ExecutorError names the task and its log;
        completed ranks keep their markers, so the same command resumes."""
        ctx = multiprocess.get_context(self.start_method)
        pending = list(ranks)
        running: dict[int, Any] = {}
        try:
            while pending or running:
                while pending and len(running) < self.workers:
                    rank = pending.pop(0)
                    proc = ctx.Process(target=_run_task, args=(self, rank), name=f"task-{rank}")
                    proc.start()
                    running[rank] = proc
                multiprocess.connection.wait([p.sentinel for p in running.values()], timeout=5)
                for rank, proc in list(running.items()):
                    if proc.exitcode is None:
                        continue
                    proc.join()
                    del running[rank]
                    if proc.exitcode != 0 or not self.is_rank_completed(rank):
                        raise ExecutorError(self._task_failure(rank, proc.exitcode))
        finally:
            for proc in running.values():
                proc.kill()
            for proc in running.values():
                proc.join()

    def _task_failure(self, rank: int, code: int | None) -> str:
        how = (
            f"was killed by signal {-code} ({signal.Signals(-code).name})"
            if code is not None and code < 0
            else f"failed with exit status {code}"
        )
        logs = self.logging_dir.resolve_paths("logs")
        return (
            f"task {rank} {how}; the other tasks were stopped. Its log: "
            f"{logs}/task_{rank:05d}.log. Re-run the same command to resume (finished tasks "
            "are skipped)"
        )

    def _rank_stats(self, rank: int) -> PipelineStats:
        with self.logging_dir.open(f"stats/{rank:05d}.json", "r") as f:
            return PipelineStats.from_json(json.load(f))


def _run_task(executor: QuietLocalExecutor, rank: int) -> None:
    """A task process: run one rank (a raised error exits non-zero after datatrove logged it)."""
    executor._run_for_rank(rank, 1)


# ---------------------------------------------------------------------------------------------
# ray

try:  # datatrove's Ray module imports Ray lazily (inside run()), so this import is always safe
    from datatrove.executor.ray import RayPipelineExecutor as _RayBase
except ImportError:  # pragma: no cover - datatrove without the ray module
    _RayBase = object  # type: ignore[assignment,misc]


def ray_available() -> bool:
    try:
        return importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):
        return False


def _need_ray() -> None:
    if not ray_available():
        raise CurateError(
            "executor 'ray' needs Ray: pip install 'curate[ray]' (or use --executor local)"
        )


class CurateRayExecutor(_RayBase):  # type: ignore[misc,valid-type]
    """Datatrove's Ray executor that also owns the Ray session and reports failed ranks.

    ``run()`` connects to ``address`` (or starts a private local Ray) unless Ray is already
    initialized in this process, runs every incomplete rank, disconnects if it connected, and
    raises `ExecutorError` when ranks are still incomplete (datatrove only logs a warning).
    """

    def __init__(self, *args: Any, address: str = "", ray_cpus: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address = address
        self.ray_cpus = ray_cpus

    def init_kwargs(self) -> dict[str, Any]:
        """`ray.init` arguments: the configured address, else $RAY_ADDRESS, else a private Ray."""
        kw: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,  # task output goes to the task logs, not the console
            "logging_level": "WARNING",
        }
        address = self.address or os.environ.get("RAY_ADDRESS", "")
        if address in ("", "local"):
            kw["address"] = "local"
            kw["_node_ip_address"] = "127.0.0.1"  # a private Ray listens on loopback only
            if self.ray_cpus:
                kw["num_cpus"] = self.ray_cpus
        else:
            kw["address"] = address
        return kw

    def _connect(self) -> bool:
        import ray  # optional extra (pip install -e '.[ray]'): only a Ray run needs it

        if ray.is_initialized():
            return False
        kw = self.init_kwargs()
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            ray.init(**kw)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise CurateError(
                f"cannot connect to Ray at address {kw['address']!r}: {e}; start a cluster "
                "(`ray start --head`) or set [executor] address"
            ) from None
        return True

    def run(self):
        import ray  # optional extra: only a Ray run needs it

        started = self._connect()
        try:
            super().run()
        finally:
            if started:
                ray.shutdown()
        _raise_incomplete(self, "Ray")


def _raise_incomplete(executor: Any, what: str) -> None:
    missing = executor.get_incomplete_ranks(range(executor.world_size), skip_completed=True)
    if missing:
        logs = executor.logging_dir.resolve_paths("logs")
        shown = ", ".join(map(str, missing[:8])) + (" ..." if len(missing) > 8 else "")
        raise ExecutorError(
            f"{len(missing)} of {executor.world_size} {what} task(s) did not finish (ranks "
            f"{shown}); see {logs}/task_{missing[0]:05d}.log (one log per rank), fix the cause "
            "and re-run the same command (finished ranks are skipped)"
        )


# ---------------------------------------------------------------------------------------------
# slurm

try:
    from datatrove.executor.slurm import SlurmPipelineExecutor as _SlurmBase
except ImportError:  # pragma: no cover
    _SlurmBase = object  # type: ignore[assignment,misc]

SLURM_JOBS = "slurm_jobs.json"


class CurateSlurmExecutor(_SlurmBase):  # type: ignore[misc,valid-type]
    """Datatrove's Slurm executor that refuses to submit a run's ranks twice.

    After submitting, the job id is kept in ``<logging_dir>/slurm_jobs.json``; running the same
    command again while ``squeue`` still lists that job raises `ExecutorError` (wait, then run it
    again) instead of submitting the unfinished ranks a second time.
    """

    def active_jobs(self) -> list[str]:

        if not self.logging_dir.exists(SLURM_JOBS):
            return []
        with self.logging_dir.open(SLURM_JOBS, "r") as f:
            ids = [str(j) for j in json.load(f)]
        if not ids:
            return []
        try:
            out = subprocess.run(
                ["squeue", "-h", "-o", "%i", "-j", ",".join(ids)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (FileNotFoundError, subprocess.TimeoutExpired):
            return []  # no squeue here: cannot tell, submit as datatrove would
        if out.returncode != 0:  # e.g. "Invalid job id specified": the jobs are gone
            return []
        return sorted({line.split("_")[0] for line in out.stdout.split() if line.strip()})

    def launch_job(self):

        active = self.active_jobs()
        if active:
            raise ExecutorError(
                f"Slurm job(s) {', '.join(active)} of this run are still queued or running "
                "(squeue); wait until they end, then run the same command again"
            )
        super().launch_job()
        if self.job_id not in (None, -1):
            with self.logging_dir.open(SLURM_JOBS, "w") as f:
                json.dump([str(self.job_id)], f)


def default_venv() -> str:
    """The activate script of the virtual environment running this process ('' if none)."""
    if sys.prefix == sys.base_prefix:
        return ""
    act = Path(sys.prefix) / "bin" / "activate"
    return str(act) if act.is_file() else ""


def _activate(venv_path: str) -> str:
    if not venv_path:
        return default_venv()
    p = Path(venv_path).expanduser()
    return str(p / "bin" / "activate") if p.is_dir() else str(p)


# ---------------------------------------------------------------------------------------------


def make_executor(
    cfg: ExecutorConfig,
    pipeline: Sequence[Any],
    logging_dir: str | os.PathLike[str],
    job: str = "job",
    skip_completed: bool = True,
) -> Any:
    """The datatrove executor for `cfg` running `pipeline`, logging into `logging_dir`.

    `logging_dir` is a path or an fsspec URL (Ray across machines and Slurm need one the workers
    share); `job` names the job kind (``curate-<job>`` is the default Slurm job name).
    """
    pipeline = list(pipeline)
    logs = str(logging_dir)
    if cfg.kind == "local":
        workers = cfg.tasks if cfg.workers == -1 else min(cfg.workers, cfg.tasks)
        return QuietLocalExecutor(
            pipeline,
            tasks=cfg.tasks,
            workers=workers,
            logging_dir=logs,
            skip_completed=skip_completed,
            start_method="fork",
        )
    if cfg.kind == "ray":
        _need_ray()

        # datatrove warns that a local logging dir must be shared by all nodes: true for a
        # cluster (docs/scale.md says so), noise for a private local Ray
        local = cfg.address in ("", "local")
        if local:
            logger.disable("datatrove.executor.ray")
        try:
            return CurateRayExecutor(
                pipeline,
                tasks=cfg.tasks,
                workers=cfg.workers,
                logging_dir=logs,
                skip_completed=skip_completed,
                cpus_per_task=cfg.cpus_per_task,
                mem_per_cpu_gb=cfg.mem_per_cpu_gb,
                gpus_per_task=cfg.gpus_per_task,
                tasks_per_job=cfg.tasks_per_job,
                time=cfg.task_timeout_s or None,
                address=cfg.address,
                ray_cpus=cfg.ray_cpus,
            )
        finally:
            if local:
                logger.enable("datatrove.executor.ray")
    if cfg.kind == "slurm":
        return CurateSlurmExecutor(
            pipeline,
            tasks=cfg.tasks,
            workers=cfg.workers,
            time=cfg.time,
            partition=cfg.partition,
            cpus_per_task=cfg.cpus_per_task,
            mem_per_cpu_gb=cfg.mem_per_cpu_gb,
            gpus_per_task=cfg.gpus_per_task,
            job_name=cfg.job_name or f"curate-{job}",
            qos=cfg.qos,
            env_command=cfg.env_command or None,
            venv_path=_activate(cfg.venv_path) or None,
            sbatch_args=dict(cfg.sbatch_args) or None,
            srun_args=dict(cfg.srun_args) or None,
            max_array_size=cfg.max_array_size,
            logging_dir=logs,
            skip_completed=skip_completed,
            slurm_logs_folder=cfg.logs_dir or None,
            tasks_per_job=cfg.tasks_per_job,
        )
    raise ConfigError(f"executor kind {cfg.kind!r}: valid: {', '.join(KINDS)}")


@dataclass(frozen=True)
class Outcome:
    """What `run_executor` did: ``done`` (every rank finished) or ``submitted`` (Slurm)."""

    status: Literal["done", "submitted"]
    incomplete: tuple[int, ...] = ()
    job_id: str | None = None


def run_executor(executor: Any) -> Outcome:
    """Run `executor`; local and Ray return when every rank finished (else `ExecutorError`);
    Slurm returns right after submission (``submitted``) unless every rank was already done."""
    quiet_datatrove_logs()  # datatrove's INFO lines go to the task logs, not the console
    if isinstance(executor, _SlurmBase) and _SlurmBase is not object:
        todo = executor.get_incomplete_ranks(skip_completed=True)
        if not todo:
            return Outcome("done")
        executor.run()
        return Outcome("submitted", tuple(todo), str(executor.job_id))
    executor.run()
    if not isinstance(executor, CurateRayExecutor):  # Ray checks in its own run()
        _raise_incomplete(executor, "local")
    return Outcome("done")
