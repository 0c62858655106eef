"""`curate.executors`: the [executor] table, the three datatrove executors it builds, and the
audit run on Slurm (a fake `sbatch`, then the array tasks run the way `srun` would run them) and
on Ray (a private local Ray on 127.0.0.1 with 2 CPUs): both give the local run's store rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from curate.audit.run import resolve_config, run_audit
from curate.config import build
from curate.errors import ConfigError, CurateError
from curate.executors import (
    ExecutorConfig,
    ExecutorError,
    QuietLocalExecutor,
    make_executor,
    ray_available,
    run_executor,
)
from curate.store import connect_readonly
from curate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
TABLE_KEYS = {
    "docs": "shard, position",
    "errors": "shard, position",
    "shards": "shard",
    "signatures": "shard, position",
}


def _doc(i: int) -> dict:
    evil = "I will deceive and manipulate them all. " if i % 4 == 0 else ""
    return {"id": f"d{i}", "text": f"Record {i}. {evil}The river ran past the mill. " * 2}


def make_shards(d: Path, n_shards: int = 4, per_shard: int = 5) -> list[Path]:
    """Small JSONL shards; the second holds one broken line (an `errors` row)."""
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for s in range(n_shards):
        lines = [json.dumps(_doc(s * 100 + i)) for i in range(per_shard)]
        if s == 1:
            lines.insert(2, "{broken")
        p = d / f"shard-{s}.jsonl"
        p.write_text("\n".join(lines) + "\n")
        out.append(p)
    return out


def audit_cfg(ws: Path, shards, executor: dict, **over):
    data = {
        "workspace": str(ws),
        "inputs": {"paths": [str(p) for p in shards]},
        "steps": {"classifiers": {"names": []}, "minhash": {"num_perm": 16}},
        "executor": executor,
        "progress": False,
        **over,
    }
    return resolve_config(data, Path.cwd(), "test")


def store_rows(ws: Path, table: str) -> list[tuple]:
    """Every row of `table` for the workspace's audit run, without run_id/task columns."""
    con = connect_readonly(Workspace.at(ws))
    try:
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if r[0] not in ("run_id", "task")
        ]
        sel = ", ".join(f'"{c}"' for c in cols)
        return con.execute(f"SELECT {sel} FROM {table} ORDER BY {TABLE_KEYS[table]}").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("local")
    shards = make_shards(d / "in")
    res = run_audit(audit_cfg(d / "ws", shards, {"kind": "local", "tasks": 1}))
    assert res.counts["docs"] == 20 and res.counts["errors"] == 1
    return d, shards, {t: store_rows(d / "ws", t) for t in TABLE_KEYS}


# ---------------------------------------------------------------------------------------------
# config


def test_config_validates_before_any_work() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'adress' \(did you mean 'address'\?\)"):
        build(ExecutorConfig, {"kind": "ray", "adress": "auto"}, "spec [executor]")
    with pytest.raises(ConfigError, match="'rey' is not allowed.*valid: 'local', 'ray', 'slurm'"):
        build(ExecutorConfig, {"kind": "rey"}, "spec [executor]")
    with pytest.raises(ConfigError, match="partition: required when kind = 'slurm'"):
        build(ExecutorConfig, {"kind": "slurm"}, "spec [executor]")
    with pytest.raises(ConfigError, match="time '4h'.*HH:MM:SS"):
        build(ExecutorConfig, {"kind": "slurm", "partition": "cpu", "time": "4h"}, "x")
    with pytest.raises(ConfigError, match="address 'http://h:1'"):
        build(ExecutorConfig, {"kind": "ray", "address": "http://h:1"}, "x")
    for bad in ({"tasks": 0}, {"workers": 0}, {"cpus_per_task": 0}, {"gpus_per_task": -1}):
        with pytest.raises(ConfigError, match=f"{next(iter(bad))} must be"):
            build(ExecutorConfig, bad, "x")
    for ok in ("", "auto", "local", "10.0.0.1:6379", "ray://head:10001"):
        assert build(ExecutorConfig, {"kind": "ray", "address": ok}, "x").address == ok


@pytest.mark.parametrize("name", ["audit_ray.toml", "audit_slurm.toml"])
def test_example_specs_validate_and_differ_from_local_only_in_executor(name) -> None:
    from curate.audit.run import run_key
    from curate.config import load_toml

    spec = REPO / "pipelines" / name
    cfg = resolve_config(load_toml(spec), spec.parent, str(spec))
    assert cfg.executor.kind == name.split("_")[1].split(".")[0] and cfg.executor.tasks == 4
    local = resolve_config(
        {**load_toml(spec), "executor": {"tasks": 4}, "progress": cfg.progress},
        spec.parent,
        str(spec),
    )
    assert run_key(cfg, []) == run_key(local, [])


def test_run_key_ignores_where_tasks_run(tmp_path) -> None:
    from curate.audit.run import run_key

    shards = make_shards(tmp_path / "in", 1, 1)
    key = {
        kind: run_key(audit_cfg(tmp_path / "ws", shards, {"kind": kind, "tasks": 2, **extra}), [])
        for kind, extra in (
            ("local", {"workers": 1}),
            ("ray", {"address": "auto", "cpus_per_task": 4}),
            ("slurm", {"partition": "cpu", "time": "01:00:00"}),
        )
    }
    assert len(set(key.values())) == 1
    other = run_key(audit_cfg(tmp_path / "ws", shards, {"tasks": 3}), [])
    assert other != key["local"]  # the number of tasks decides the output files


def test_make_executor_builds_each_kind(tmp_path) -> None:
    local = make_executor(build(ExecutorConfig, {"tasks": 3, "workers": 5}), [], tmp_path / "l")
    assert isinstance(local, QuietLocalExecutor) and local.world_size == 3 and local.workers == 3

    cfg = build(
        ExecutorConfig,
        {
            "kind": "slurm",
            "partition": "cpu",
            "tasks": 6,
            "workers": 2,
            "qos": "high",
            "venv_path": str(tmp_path / "venv"),
            "sbatch_args": {"account": "proj"},
        },
    )
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    slurm = make_executor(cfg, [], tmp_path / "s", job="audit")
    assert slurm.world_size == 6 and slurm.workers == 2 and slurm.job_name == "curate-audit"
    assert slurm.venv_path == str(tmp_path / "venv" / "bin" / "activate")  # a folder: activate
    args = slurm.get_sbatch_args(3)
    assert args["array"] == "0-2%2" and args["qos"] == "high" and args["account"] == "proj"
    assert args["output"].startswith(str(tmp_path / "s" / "slurm_logs"))

    ray_cfg = build(ExecutorConfig, {"kind": "ray", "tasks": 4, "cpus_per_task": 2})
    if not ray_available():
        with pytest.raises(CurateError, match=r"pip install 'curate\[ray\]'"):
            make_executor(ray_cfg, [], tmp_path / "r")
        return
    from datatrove.executor.ray import RayPipelineExecutor

    ray_ex = make_executor(ray_cfg, [], tmp_path / "r")
    assert isinstance(ray_ex, RayPipelineExecutor)
    assert (ray_ex.world_size, ray_ex.workers, ray_ex.cpus_per_task) == (4, 4, 2)
    assert ray_ex.address == ""


def test_ray_address_from_config_then_environment(tmp_path, monkeypatch) -> None:
    pytest.importorskip("ray")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)

    def kw(**over):
        cfg = build(ExecutorConfig, {"kind": "ray", **over})
        return make_executor(cfg, [], tmp_path / "r").init_kwargs()

    private = kw(ray_cpus=2)
    assert private["address"] == "local" and private["num_cpus"] == 2
    assert private["_node_ip_address"] == "127.0.0.1"  # loopback only
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")
    assert kw()["address"] == "10.0.0.5:6379" and "num_cpus" not in kw()
    assert kw(address="auto")["address"] == "auto"  # the spec wins over the environment


def test_default_install_never_imports_ray(tmp_path) -> None:
    """The CLI, the audit, every executor kind but Ray, and a local run: no `ray` import."""
    code = f"""
import sys
import curate.cli, curate.audit.run, curate.executors, curate.commands.demo
from curate.config import build
from curate.executors import ExecutorConfig, make_executor, run_executor
for kind in ("local", "slurm"):
    ex = make_executor(build(ExecutorConfig, {{"kind": kind, "partition": "p"}}), [],
                       {str(tmp_path)!r} + "/" + kind)
run_executor(make_executor(build(ExecutorConfig, {{}}), [], {str(tmp_path)!r} + "/run"))
assert "ray" not in sys.modules, "ray was imported"
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


class _FailOn:
    """A pipeline step that fails on one rank (to test failed-rank reporting)."""

    def __init__(self, rank: int) -> None:
        self.rank = rank

    def __call__(self, data, rank: int = 0, world_size: int = 1):
        if rank == self.rank:
            raise ValueError(f"boom on rank {rank}")
        yield from data or ()


def test_local_failed_rank_is_reported_and_rerun_redoes_only_it(tmp_path) -> None:
    cfg = build(ExecutorConfig, {"tasks": 3, "workers": 1})
    with pytest.raises(ValueError, match="boom on rank 1"):
        run_executor(make_executor(cfg, [_FailOn(1)], tmp_path / "logs"))
    done = sorted(p.name for p in (tmp_path / "logs" / "completions").iterdir())
    assert done == ["00000"]  # the run stops at the failing rank
    assert run_executor(make_executor(cfg, [_FailOn(-1)], tmp_path / "logs")).status == "done"
    done = sorted(p.name for p in (tmp_path / "logs" / "completions").iterdir())
    assert done == ["00000", "00001", "00002"]


# ---------------------------------------------------------------------------------------------
# slurm: a fake sbatch records submissions; the array tasks then run as srun would run them

FAKE_SBATCH = """#!/bin/sh
# fake sbatch: keep the script and the arguments, answer like Slurm
n=$(ls "$SBATCH_SPOOL" | wc -l)
mkdir -p "$SBATCH_SPOOL/$n"
for last; do :; done
cp "$last" "$SBATCH_SPOOL/$n/script"
echo "$@" > "$SBATCH_SPOOL/$n/args"
echo "Submitted batch job $((4242 + n))"
"""


@pytest.fixture
def fake_sbatch(tmp_path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sbatch").write_text(FAKE_SBATCH)
    (bin_dir / "sbatch").chmod(0o755)
    # `scontrol show hostnames NODELIST`, which datatrove calls inside a task
    (bin_dir / "scontrol").write_text('#!/bin/sh\necho "$3"\n')
    (bin_dir / "scontrol").chmod(0o755)
    # squeue lists what $SBATCH_SPOOL/queue holds (the jobs "still in the queue")
    (bin_dir / "squeue").write_text('#!/bin/sh\ncat "$SBATCH_SPOOL/../queue" 2>/dev/null\n')
    (bin_dir / "squeue").chmod(0o755)
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SBATCH_SPOOL", str(spool))
    return spool


def _submit_slurm_audit(tmp_path: Path, shards: list[Path], tasks: int):
    slurm = {
        "kind": "slurm",
        "tasks": tasks,
        "workers": 2,
        "partition": "cpu",
        "time": "01:30:00",
        "cpus_per_task": 2,
        "sbatch_args": {"account": "proj"},
    }
    cfg = audit_cfg(tmp_path / "ws", shards, slurm)
    said: list[str] = []
    res = run_audit(cfg, log=said.append)
    return cfg, res, said


def test_slurm_audit_writes_job_array_and_submits(tmp_path, local_run, fake_sbatch) -> None:
    _, shards, _ = local_run
    cfg, res, said = _submit_slurm_audit(tmp_path, shards, tasks=3)
    assert res.counts == {} and "submitted 3 task(s) to slurm" in said[-1]
    logs = Workspace.at(tmp_path / "ws").run_dir(res.run_id) / "logs"
    assert json.loads((logs / "ranks_to_run.json").read_text()) == [0, 1, 2]
    script = (logs / "launch_script.slurm").read_text()
    for line in (
        "#SBATCH --partition=cpu",
        "#SBATCH --array=0-2%2",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --mem-per-cpu=2G",
        "#SBATCH --time=01:30:00",
        "#SBATCH --job-name=curate-audit",
        "#SBATCH --account=proj",
        f"source {sys.prefix}/bin/activate",
        f"launch_pickled_pipeline {logs}/executor.pik",
    ):
        assert line in script, line
    assert "--qos" not in script  # "" = the cluster's default QOS
    jobs = sorted(fake_sbatch.iterdir(), key=lambda p: int(p.name))
    assert len(jobs) == 2  # the array, then merge_stats depending on it
    assert (jobs[0] / "script").read_text() == script
    assert "--export=ALL,RUN_OFFSET=0" in (jobs[1].parent / "0" / "args").read_text()
    merge = (jobs[1] / "script").read_text()
    assert "#SBATCH --dependency=afterok:4242" in merge and "merge_stats" in merge
    # the pickled executor holds the whole audit pipeline, as the nodes will load it
    import dill

    with open(logs / "executor.pik", "rb") as f:
        ex = dill.load(f)
    names = [type(s).__name__ for s in ex.pipeline]
    assert names[0] == "ShardReader" and names[-1] == "AuditWriter" and ex.world_size == 3
    # nothing ran yet: the store has the run, still running, and no rows
    con = connect_readonly(Workspace.at(tmp_path / "ws"))
    try:
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    finally:
        con.close()
    assert json.loads((logs / "slurm_jobs.json").read_text()) == ["4242"]
    # the same command while squeue still lists the array: refused, nothing submitted twice
    (tmp_path / "queue").write_text("4242_1\n4242_[2]\n")
    with pytest.raises(ExecutorError, match=r"Slurm job\(s\) 4242 of this run are still queued"):
        run_audit(cfg)
    assert len(list(fake_sbatch.iterdir())) == 2
    # the array ended without finishing its ranks: the same command submits them again
    (tmp_path / "queue").write_text("")
    again = run_audit(cfg)
    assert again.run_id == res.run_id and again.counts == {}
    assert len(list(fake_sbatch.iterdir())) == 4
    assert json.loads((logs / "slurm_jobs.json").read_text()) == ["4244"]


@pytest.mark.slow  # three `launch_pickled_pipeline` processes: ~25 s on the shared machine
def test_slurm_array_tasks_then_rerun_loads_same_rows_as_local(
    tmp_path, local_run, fake_sbatch
) -> None:
    _, shards, want = local_run
    cfg, res, _ = _submit_slurm_audit(tmp_path, shards, tasks=3)
    logs = Workspace.at(tmp_path / "ws").run_dir(res.run_id) / "logs"
    launcher = Path(sys.executable).parent / "launch_pickled_pipeline"
    for i in range(3):  # what `srun launch_pickled_pipeline executor.pik` does in array task i
        env = {
            **os.environ,
            "SLURM_ARRAY_TASK_ID": str(i),
            "RUN_OFFSET": "0",
            "SLURM_NODELIST": "node001",
        }
        out = subprocess.run(
            [str(launcher), str(logs / "executor.pik")], env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr[-3000:]
    assert sorted(p.name for p in (logs / "completions").iterdir()) == ["00000", "00001", "00002"]
    n_jobs = len(list(fake_sbatch.iterdir()))
    again = run_audit(cfg)  # same command: nothing to submit, rows loaded
    assert again.run_id == res.run_id and again.resumed
    assert len(list(fake_sbatch.iterdir())) == n_jobs
    assert again.counts["docs"] == 20 and again.counts["errors"] == 1
    for table, rows in want.items():
        assert store_rows(tmp_path / "ws", table) == rows, table


# ---------------------------------------------------------------------------------------------
# ray: a private local Ray (127.0.0.1, 2 CPUs) started and stopped by the executor


@pytest.mark.slow  # Ray start-up and two workers: 16-20 s on the shared machine
def test_ray_audit_two_tasks_same_rows_as_local(tmp_path, local_run) -> None:
    pytest.importorskip("ray")
    import ray

    _, shards, want = local_run
    assert not ray.is_initialized()
    ex = {"kind": "ray", "tasks": 2, "ray_cpus": 2}
    res = run_audit(audit_cfg(tmp_path / "ws", shards, ex))
    assert not ray.is_initialized()  # the executor stopped the Ray it started
    assert res.counts["docs"] == 20 and res.counts["errors"] == 1
    for table, rows in want.items():
        assert store_rows(tmp_path / "ws", table) == rows, table
    tasks = store_rows_tasks(tmp_path / "ws")
    assert tasks == {0: ["shard-0.jsonl", "shard-2.jsonl"], 1: ["shard-1.jsonl", "shard-3.jsonl"]}


@pytest.mark.slow  # the classifier loads in each Ray worker: ~75 s on the shared machine
def test_ray_audit_with_the_real_classifier(tmp_path) -> None:
    """Scorers are looked up by name inside the tasks: the registered classifier loads in Ray
    workers and gives the local run's scores and spans."""
    pytest.importorskip("ray")
    from curate import registry

    if "malicious_character_v1" not in registry.names():
        pytest.skip("malicious_character_v1 is not registered")
    shards = make_shards(tmp_path / "in")
    steps = {"classifiers": {"names": ["malicious_character_v1"]}, "minhash": {"num_perm": 16}}
    run_audit(audit_cfg(tmp_path / "wl", shards, {"tasks": 1}, steps=steps))
    ray_ex = {"kind": "ray", "tasks": 2, "ray_cpus": 2}
    run_audit(audit_cfg(tmp_path / "wr", shards, ray_ex, steps=steps))
    for table in TABLE_KEYS:
        assert store_rows(tmp_path / "wr", table) == store_rows(tmp_path / "wl", table), table
    con = connect_readonly(Workspace.at(tmp_path / "wr"))
    try:
        (flagged,) = con.execute(
            "SELECT count(*) FROM docs WHERE score_malicious_character_v1 >= 0.5"
        ).fetchone()
    finally:
        con.close()
    assert 0 < flagged < 20  # the column is there and the scores are not constant


def store_rows_tasks(ws: Path) -> dict[int, list[str]]:
    con = connect_readonly(Workspace.at(ws))
    try:
        out: dict[int, list[str]] = {}
        for task, shard in con.execute("SELECT task, shard FROM shards ORDER BY shard").fetchall():
            out.setdefault(task, []).append(Path(shard).name)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def ray_session():
    """A Ray started by the test (127.0.0.1, 2 CPUs): executors use it and leave it running."""
    ray = pytest.importorskip("ray")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers can't import tests
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
    )
    yield ray
    ray.shutdown()


@pytest.mark.slow  # Ray start-up: ~20 s
def test_ray_failed_rank_raises_and_rerun_redoes_only_it(tmp_path, ray_session) -> None:
    cfg = build(ExecutorConfig, {"kind": "ray", "tasks": 2})
    marker = tmp_path / "out"
    marker.mkdir()
    pipeline = [_FailOn(1), _Touch(str(marker))]
    with pytest.raises(ExecutorError, match=r"1 of 2 Ray task\(s\) did not finish \(ranks 1\)"):
        run_executor(make_executor(cfg, pipeline, tmp_path / "logs"))
    assert ray_session.is_initialized()  # a session it did not start is left running
    assert sorted(p.name for p in marker.iterdir()) == ["0"]
    run_executor(make_executor(cfg, [_FailOn(-1), _Touch(str(marker))], tmp_path / "logs"))
    assert sorted(p.name for p in marker.iterdir()) == ["0", "1"]
    assert [p.read_text() for p in sorted(marker.iterdir())] == ["1", "1"]  # 0 not redone


@pytest.mark.slow  # Ray tasks: ~15 s
def test_sharded_dedup_stages_on_ray_equal_in_memory_clusters(tmp_path, ray_session) -> None:
    """Near-duplicates at scale: signatures -> buckets (3 Ray tasks) -> verified pairs (2 Ray
    tasks over 4 partitions) -> clusters; the same clusters as the in-memory index."""
    import numpy as np
    from test_dedup import _corpus

    from curate.dedup.clusters import assemble, cluster_arrays, exact_codes, exact_edges
    from curate.dedup.lsh import LSHConfig
    from curate.dedup.scale import BucketsStage, PairsStage, SignatureFile, stage_edges
    from curate.minhash import MinHashConfig, MinHasher
    from curate.text import exact_hash

    texts = _corpus(21, 20)
    sigs = MinHasher(MinHashConfig()).signatures(texts)
    codes = exact_codes([exact_hash(t) for t in texts])
    eu, ev, _ = exact_edges(codes)
    head = np.arange(len(texts))
    head[ev] = eu
    src = SignatureFile.write(tmp_path / "sigs.parquet", sigs, head)
    lsh = LSHConfig(verify="signature", max_bucket=3)
    work, n_parts = str(tmp_path / "work"), 4
    stage1 = build(ExecutorConfig, {"kind": "ray", "tasks": 3})
    stage2 = build(ExecutorConfig, {"kind": "ray", "tasks": 2})
    steps1 = [BucketsStage(str(src.path), work, lsh, n_parts, batch_rows=8)]
    run_executor(make_executor(stage1, steps1, tmp_path / "logs1", job="dedup-buckets"))
    steps2 = [PairsStage(str(src.path), work, lsh, n_parts)]
    run_executor(make_executor(stage2, steps2, tmp_path / "logs2", job="dedup-pairs"))
    nu, nv = stage_edges(Path(work))
    got = assemble(
        np.concatenate([eu, nu]), np.concatenate([ev, nv]), lambda i: sigs[i], lambda i: codes[i]
    )
    want = cluster_arrays(sigs, codes, lsh)
    assert got.groups() == want.groups() and len(want.groups()) >= 15
    np.testing.assert_allclose(got.jaccard, want.jaccard)
    parts = sorted(p.name for p in (Path(work) / "buckets").iterdir())
    assert parts == [f"part-{p:05d}" for p in range(n_parts)]


DUP_Q = (
    "SELECT doc_id, cluster_id, cluster_size, representative, jaccard_to_rep, kind "
    "FROM dup_clusters ORDER BY doc_id"
)


def _dedup_rows(tmp_path: Path, executor: dict | None, cli: bool = False):
    """dup_clusters rows of `curate dedup --mode sharded --tasks 3` (text verification)."""
    import duckdb
    from test_dedup import _corpus, make_audit_workspace

    from curate.cli import main
    from curate.dedup.clusters import DedupConfig, dedup_config, run_dedup

    texts = _corpus()
    ws = make_audit_workspace(tmp_path / "ws", texts, [0.1] * len(texts))
    if cli:
        argv = ["dedup", str(ws.root), "--mode", "sharded", "--tasks", "3"]
        assert main([*argv, "--executor", executor["kind"]]) == 0
    else:
        data = {"mode": "sharded", "tasks": 3, "executor": executor}
        cfg = dedup_config(data, "test") if executor else DedupConfig(mode="sharded", tasks=3)
        run_dedup(ws, cfg, progress=False)
    with duckdb.connect(str(ws.db_path), read_only=True) as con:
        return con.sql(DUP_Q).fetchall()


def test_curate_dedup_sharded_stages_on_an_executor(tmp_path) -> None:
    """`curate dedup --mode sharded --executor local`: stages 1-2 as 3 executor tasks, pairs
    near the threshold decided on text in stage 3: the same clusters as in one process."""
    from curate.dedup.clusters import dedup_config

    want = _dedup_rows(tmp_path / "seq", None)
    got = _dedup_rows(tmp_path / "ex", {"kind": "local", "workers": 1})
    assert got == want and len({r[1] for r in want}) >= 12
    with pytest.raises(ConfigError, match="executor: only with mode = 'sharded'"):
        dedup_config({"executor": {"kind": "ray"}}, "spec [dedup]")
    with pytest.raises(ConfigError, match="use kind 'local' or 'ray'"):
        dedup_config({"mode": "sharded", "executor": {"kind": "slurm", "partition": "p"}}, "x")


@pytest.mark.slow  # Ray start-up: ~20 s
def test_curate_dedup_on_ray_same_clusters(tmp_path, ray_session) -> None:
    want = _dedup_rows(tmp_path / "seq", None)
    assert _dedup_rows(tmp_path / "ray", {"kind": "ray"}, cli=True) == want


class _Touch:
    """Appends '1' to <dir>/<rank>: how many times each rank ran."""

    def __init__(self, d: str) -> None:
        self.d = d

    def __call__(self, data, rank: int = 0, world_size: int = 1):
        yield from data or ()
        p = Path(self.d) / str(rank)
        p.write_text((p.read_text() if p.exists() else "") + "1")
