"""Hardening, concurrency: two writers into one workspace, readers during a write, a lock holder
killed with -9.

Writers (`curate audit`, `curate build`, `curate dedup`) take the workspace lock (`flock` on
WS/.lock, `Workspace.lock`): a second writer fails at once with a message naming the holder
instead of waiting or interleaving. The lock dies with its process, so a SIGKILLed holder never
leaves a stale lock. Readers (`curate query`, `curate summary`) need no lock; while a writer holds
the DuckDB file open for writing they fail with a clear message (DuckDB's own file lock), never
with a traceback or a torn read.

Processes are paused at exact points with the `hold_*` faults of `test_hardening_faults`, so
"at the same time" is deterministic, not a race the test may lose. Each test's docstring is its row
in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_hardening_faults import (
    audit_args,
    make_corpus,
    q,
    run_child,
    start_child,
    table_rows,
)

N_DOCS, N_ERRORS = 3 * 38, 3 * 2


def _wait_ready(hold: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not (hold / "ready").exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"holder exited early ({proc.returncode}): {err}")
        assert time.monotonic() < deadline, "holder never reached its hold point"
        time.sleep(0.05)


def _store_is_sound(ws: Path, n_runs: int) -> None:
    """The store opens, holds exactly `n_runs` finished audit runs, each reconciling."""
    from curate.audit.run import check_accounting
    from curate.store import connect_readonly
    from curate.workspace import Workspace

    runs = q(ws, "SELECT run_id, status FROM runs ORDER BY started_at")
    assert [s for _, s in runs] == ["done"] * n_runs, runs
    con = connect_readonly(Workspace.at(ws, create=False))
    try:
        for run_id, _ in runs:
            shards = [
                r[0]
                for r in con.execute(
                    "SELECT shard FROM shards WHERE run_id = ?", [run_id]
                ).fetchall()
            ]
            check_accounting(con, run_id, shards)
            assert len(table_rows(ws, "docs", run_id)) == N_DOCS
            assert len(table_rows(ws, "errors", run_id)) == N_ERRORS
    finally:
        con.close()
    assert q(ws, "SELECT count(*) FROM docs") == [(N_DOCS * n_runs,)]


@pytest.fixture
def held(tmp_path):
    """An audit paused inside the workspace lock (no store connection open)."""
    src = make_corpus(tmp_path)
    ws = tmp_path / "ws"
    hold = tmp_path / "hold"
    hold.mkdir()
    a = start_child("hold_audit", 1, "cli", audit_args(src, ws), {"CURATE_TEST_HOLD": str(hold)})
    try:
        _wait_ready(hold, a)
        yield src, ws, hold, a
    finally:
        if a.poll() is None:
            a.kill()
            a.communicate()


def test_second_audit_fails_at_once_while_the_first_holds_the_lock(held):
    """two `curate audit` into one workspace at once (the first paused inside its run) | the
    second exits 2 at once with "workspace is busy (pid N: curate audit)" while the first is
    still running; the first then finishes; the store opens and holds exactly one run's rows,
    reconciled"""
    src, ws, hold, a = held
    b = run_child("none", 0, "cli", audit_args(src, ws))
    assert a.poll() is None  # the first is still paused: the second did not wait for it
    assert b.returncode == 2, b.stderr
    assert "workspace is busy" in b.stderr and f"pid {a.pid}: curate audit" in b.stderr
    assert "Traceback" not in b.stderr
    (hold / "release").touch()
    out, err = a.communicate(timeout=300)
    assert a.returncode == 0, err
    _store_is_sound(ws, 1)


@pytest.mark.slow
def test_build_and_dedup_refused_while_an_audit_runs_reads_allowed(held, tmp_path):
    """`curate build` and `curate dedup` while an audit holds the workspace; `curate query`
    meanwhile | build and dedup exit 2 with the busy message and write nothing; the query reads
    the store (the audit shows as 'running'); after the audit, the store holds one sound run"""
    src, ws, hold, a = held
    pol = tmp_path / "p.toml"
    pol.write_text('corpus = "c"\n[[variants]]\nname = "full"\n')
    for args in (["build", str(pol), "--workspace", str(ws)], ["dedup", str(ws)]):
        r = run_child("none", 0, "cli", args)
        assert r.returncode == 2 and "workspace is busy" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert not (ws / "corpora").exists() and not (ws / "dedup").exists()
    r = run_child(
        "none", 0, "cli", ["query", str(ws), "SELECT status FROM runs", "--format", "csv"]
    )
    assert r.returncode == 0 and r.stdout.split() == ["status", "running"], r.stderr
    (hold / "release").touch()
    a.communicate(timeout=300)
    assert a.returncode == 0
    _store_is_sound(ws, 1)


@pytest.mark.slow
def test_reader_during_store_load_gets_a_clear_message(tmp_path):
    """`curate query` and `curate summary` while an audit holds the store open for writing (paused
    in its load) | both exit 2 with "cannot open the store read-only" and no traceback; after the
    load the same query succeeds and the store is sound"""
    src = make_corpus(tmp_path)
    ws, hold = tmp_path / "ws", tmp_path / "hold"
    hold.mkdir()
    a = start_child("hold_load", 1, "cli", audit_args(src, ws), {"CURATE_TEST_HOLD": str(hold)})
    try:
        _wait_ready(hold, a)
        for args in (["query", str(ws), "SELECT count(*) FROM runs"], ["summary", str(ws)]):
            r = run_child("none", 0, "cli", args)
            assert r.returncode == 2, (args, r.stdout, r.stderr)
            assert "cannot open the store read-only" in r.stderr and "Traceback" not in r.stderr
        (hold / "release").touch()
        a.communicate(timeout=300)
        assert a.returncode == 0
    finally:
        if a.poll() is None:
            a.kill()
    _store_is_sound(ws, 1)


@pytest.mark.slow
def test_lock_holder_killed_leaves_no_stale_lock(held):
    """kill -9 of an audit while it holds the workspace lock | the lock is released by the
    kernel (the .lock file stays but is not held); the next `curate audit` resumes the same run
    and finishes; the store holds one sound run"""
    src, ws, hold, a = held
    a.send_signal(signal.SIGKILL)
    a.communicate()
    assert (ws / ".lock").exists()
    ((run_id, status),) = q(ws, "SELECT run_id, status FROM runs")
    assert status == "running"
    r = run_child("none", 0, "cli", audit_args(src, ws)[:-1])  # without -q: prints "(resumed)"
    assert r.returncode == 0 and "(resumed)" in r.stdout and run_id in r.stdout, r.stderr
    _store_is_sound(ws, 1)


@pytest.mark.slow
def test_two_audits_started_together(tmp_path):
    """two `curate audit` of the same corpus started at the same instant (no pausing) | each
    either finishes or fails at once with the busy message (exit 2); at least one finishes; no
    run is left 'running'; every finished run has all its rows, reconciled"""
    src = make_corpus(tmp_path)
    ws = tmp_path / "ws"
    procs = [start_child("none", 0, "cli", audit_args(src, ws)) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes in ([0, 0], [0, 2]), (codes, outs)
    if codes == [0, 2]:
        assert any("workspace is busy" in err for _, err in outs)
    _store_is_sound(ws, codes.count(0))


@pytest.mark.slow
def test_open_reader_blocks_the_store_load_then_rerun_resumes(held):
    """another process opens the store read-only (e.g. a forgotten DuckDB shell) while an audit
    is annotating, and keeps it open through the audit's store load | the audit exits 2 with "the
    store is locked by another process", no traceback, no rows loaded, its runs row is not
    'done'; once the reader is gone the same command resumes the run (completed tasks are not
    redone) and the store holds one sound run"""
    import sys

    src, ws, hold, a = held
    code = (
        "import sys, time, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print('open', flush=True); time.sleep(600)"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code, str(ws / "curate.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        (hold / "release").touch()
        out, err = a.communicate(timeout=300)
        assert a.returncode == 2, err
        assert "the store is locked by another process" in err and "Traceback" not in err
    finally:
        reader.kill()
        reader.communicate()
    ((run_id, status),) = q(ws, "SELECT run_id, status FROM runs")
    assert status != "done" and table_rows(ws, "docs", run_id) == []
    written = ws / "audit" / run_id / "docs" / "00000.parquet"
    mtime = written.stat().st_mtime_ns
    resumed = run_child("none", 0, "cli", audit_args(src, ws)[:-1])  # without -q
    assert resumed.returncode == 0 and "(resumed)" in resumed.stdout, resumed.stderr
    assert written.stat().st_mtime_ns == mtime  # the completed task was not redone
    _store_is_sound(ws, 1)


def test_second_ablation_of_the_same_name_fails_at_once(tmp_path):
    """`curate ablate` of an ablation whose folder lock is held by another run (its jobs would
    write the same checkpoints and rows) | CurateError "busy" naming the holder, before any work:
    no store, no runs row, no spec_key written; once released the lock is free again"""
    from curate.ablation.results import ablation_dir
    from curate.ablation.run import run_ablation
    from curate.ablation.spec import parse_spec
    from curate.errors import CurateError
    from curate.workspace import Workspace

    ws = tmp_path / "ws"
    spec, spec_dir = parse_spec(
        {"name": "abl", "workspace": str(ws), "variants": [{"name": "v", "paths": ["x.jsonl"]}]},
        tmp_path / "spec.toml",
    )
    root = ablation_dir(Workspace.at(ws), "abl")
    root.mkdir(parents=True)
    busy = r"busy \(pid \d+: curate ablate abl \(other"
    with (
        Workspace(root).lock("curate ablate abl (other process)"),
        pytest.raises(CurateError, match=busy),
    ):
        run_ablation(spec, spec_dir, report=False)
    assert not (ws / "curate.duckdb").exists() and not (root / "spec_key").exists()
    with Workspace(root).lock("free again"):
        pass
