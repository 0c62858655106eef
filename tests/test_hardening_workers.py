"""Hardening, killed local workers: a 4-worker local audit whose task processes are SIGKILLed at
random moments.

Before: datatrove's process pool waited forever for a killed worker, holding the workspace lock;
killing its Manager process ended `curate audit` with exit 0 and no message. Now each task is a
process the executor watches (`curate.executors.QuietLocalExecutor`): a task that dies fails the
run within seconds, naming the task and its log; the lock is released; the same command resumes
and the store ends with exactly the rows of an uninterrupted run.

Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from curate.workspace import Workspace

N_SHARDS, N_DOCS = 4, 15000


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> list[str]:
    d = tmp_path_factory.mktemp("wk")
    rng = random.Random(7)
    words = [f"w{i}" for i in range(500)]
    out = []
    for s in range(N_SHARDS):
        p = d / f"s{s}.jsonl"
        with p.open("w") as f:
            for i in range(N_DOCS):
                text = " ".join(rng.choice(words) for _ in range(120))
                f.write(json.dumps({"id": f"{s}-{i}", "text": text}) + "\n")
        out.append(str(p))
    return out


def _audit(ws: Path, shards: list[str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "curate.cli", "audit", *shards, "--workspace", str(ws)]
    cmd += ["--tasks", "4", "--workers", "4", "--classifier", "none", "--quiet"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _rows(ws: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    try:
        return {
            t: con.execute(
                f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY shard, position"
                if t != "shards"
                else "SELECT * EXCLUDE (run_id) FROM shards ORDER BY shard"
            ).fetchall()
            for t in ("docs", "errors", "signatures", "shards")
        }
    finally:
        con.close()


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# seconds the uninterrupted reference audit took on this machine: kills land at random fractions
# of it, so that most land while the workers run however fast or loaded the machine is
RUN_SECONDS: list[float] = []


@pytest.fixture(scope="module")
def reference(shards, tmp_path_factory) -> dict[str, list[tuple]]:
    ws = tmp_path_factory.mktemp("ref") / "ws"
    t0 = time.monotonic()
    p = _audit(ws, shards)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    RUN_SECONDS.append(time.monotonic() - t0)
    return _rows(ws)


def _trial(ws: Path, shards: list[str], rng: random.Random, reference) -> str:
    p = _audit(ws, shards)
    deadline = time.monotonic() + rng.uniform(0.1, 0.8) * RUN_SECONDS[0]
    victim = None
    while time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    kids = _children(p.pid)
    if kids and p.poll() is None:
        victim = rng.choice(kids)
        os.kill(victim, signal.SIGKILL)
    t_kill = time.monotonic()
    _, err = p.communicate(timeout=120)
    waited = time.monotonic() - t_kill
    if p.returncode == 0:
        outcome = "completed"
    else:
        assert p.returncode == 2, err
        assert "killed by signal 9" in err and "task " in err, err
        assert "Re-run the same command" in err, err
        assert waited < 30, f"took {waited:.0f} s to notice the dead worker"
        outcome = "failed fast"
    with Workspace.at(ws).lock("test: the lock is free"):
        pass
    if p.returncode != 0:
        r = _audit(ws, shards)
        _, err = r.communicate(timeout=300)
        assert r.returncode == 0, err
    assert _rows(ws) == reference
    return outcome


def _trials(n: int, shards, reference, tmp_path: Path, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [_trial(tmp_path / f"ws{i}", shards, rng, reference) for i in range(n)]


def test_a_killed_worker_fails_fast_and_the_rerun_completes(shards, reference, tmp_path):
    """kill -9 of one random worker process of a 4-worker local audit at a random moment (3 runs)
    | each run completes or exits 2 within seconds naming the killed task, its signal and its log;
    the workspace lock is free afterwards; the rerun's rows equal an uninterrupted run's"""
    outcomes = _trials(3, shards, reference, tmp_path, seed=1)
    assert "failed fast" in outcomes


@pytest.mark.slow
def test_twenty_random_worker_kills(shards, reference, tmp_path):
    """kill -9 of a random worker of a 4-worker local audit at a random moment, 20 runs | every run
    completes or fails fast with a clear message; the lock is always released; every rerun yields
    exactly the rows of an uninterrupted run"""
    outcomes = _trials(20, shards, reference, tmp_path, seed=2)
    assert outcomes.count("failed fast") >= 10
