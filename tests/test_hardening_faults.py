"""Hardening, faults: kill -9 at controlled points of the audit, the store load, a build and a
training run; the rerun recovers, and nothing partial ever looks complete.

How a fault is injected: the command runs in a child process (`_child`), which first wraps one
function of the real code so that the process SIGKILLs itself at a named point (the n-th call, or
a given training step), then runs the real CLI / trainer. Nothing in the package knows about these
points except the audit writer's documented hook ``CURATE_TEST_KILL_AFTER=[rank:]n`` (used here for
the annotation kill). SIGKILL cannot be caught: no ``finally``, no ``except`` runs, exactly like
the OOM killer or a pulled plug.

After every kill the test checks (a) nothing partial looks complete: the run's ``runs`` row is
not 'done', it has no manifest, every final-named output file is complete (readable, the right
rows), temp files are the only debris; (b) rerunning the same command finishes and gives the same
rows (or bytes, or weights) as a clean run.

The store-commit kill runs in the default suite; the others are ``slow`` (``pytest -m slow``;
exact resume of a stopped pretraining is also in the default suite of tests/test_training.py).
Each test's docstring is its row in docs/hardening.md (`bench/hardening_table.py`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from curate.store import connect_readonly
from curate.workspace import Workspace

TESTS = Path(__file__).resolve().parent
TABLES = ("docs", "errors", "shards", "signatures")

# ------------------------------------------------------------------ the child (fault injector)


def _die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_on_call(owner: Any, attr: str, n: int) -> None:
    """Replace owner.attr with a wrapper that SIGKILLs the process on its n-th call (before it)."""
    real = getattr(owner, attr)
    calls = [0]

    def wrapper(*a: Any, **k: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            _die()
        return real(*a, **k)

    setattr(owner, attr, wrapper)


class _KillingConnection:
    """A DuckDB connection proxy that SIGKILLs the process just before the n-th COMMIT, i.e.
    after a transaction's INSERTs ran but before they were committed."""

    commits = [0]

    def __init__(self, con: Any, n: int) -> None:
        self._con, self._n = con, n

    def execute(self, sql: str, *a: Any, **k: Any) -> Any:
        if sql.strip().upper() == "COMMIT":
            self.commits[0] += 1
            if self.commits[0] == self._n:
                _die()
        return self._con.execute(sql, *a, **k)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def install(point: str, n: int) -> None:
    """Arm the fault `point` in this process (see the module docstring)."""
    import contextlib

    if point == "none":
        return
    if point == "audit_load":  # before the n-th table load (earlier loads committed)
        import curate.store

        _kill_on_call(curate.store, "load_parquet", n)
    elif point == "store_commit":  # inside a load transaction, before its COMMIT
        import curate.store

        real = curate.store.connect

        @contextlib.contextmanager
        def connect(ws: Any):
            with real(ws) as con:
                yield _KillingConnection(con, n)

        curate.store.connect = connect
    elif point == "build_write":  # the n-th record written to a corpus part
        from curate.building import write

        _kill_on_call(write.PartWriter, "write", n)
    elif point == "build_publish":  # before the n-th variant's manifest (earlier ones published)
        from curate.building import builder

        _kill_on_call(builder, "write_manifest", n)
    elif point == "train_step":  # at the start of optimizer step n
        from curate.training import pretrain

        real_batch = pretrain.batch_at

        def batch_at(stream: Any, step: int, *a: Any, **k: Any) -> Any:
            if step == n:
                _die()
            return real_batch(stream, step, *a, **k)

        pretrain.batch_at = batch_at
    elif point == "ckpt_write":  # half-way through writing the n-th checkpoint file
        import io

        import torch

        real_save = torch.save
        calls = [0]

        def save(obj: Any, f: Any, *a: Any, **k: Any) -> None:
            calls[0] += 1
            if calls[0] == n:
                buf = io.BytesIO()
                real_save(obj, buf)
                Path(f).write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
                _die()
            real_save(obj, f, *a, **k)

        torch.save = save
    elif point in ("hold_audit", "hold_load"):
        _hold(point)
    else:
        raise ValueError(point)


def _hold(point: str) -> None:
    """Pause at `point` until the file $CURATE_TEST_HOLD/release exists; $CURATE_TEST_HOLD/ready
    tells the test the process got there. hold_audit: inside the audit, holding the workspace
    lock, no store connection open; hold_load: at the first table load, holding the store's
    write connection."""
    import time

    hold = Path(os.environ["CURATE_TEST_HOLD"])

    def wait() -> None:
        (hold / "ready").write_text(str(os.getpid()))
        deadline = time.monotonic() + 120
        while not (hold / "release").exists():
            if time.monotonic() > deadline:
                raise SystemExit("hold: never released")
            time.sleep(0.05)

    if point == "hold_audit":
        import curate.audit.run as owner

        attr = "build_pipeline"
    else:
        import curate.store as owner  # type: ignore[no-redef]

        attr = "load_parquet"
    real = getattr(owner, attr)
    calls = [0]

    def wrapper(*a: Any, **k: Any) -> Any:
        calls[0] += 1
        if calls[0] == 1:
            wait()
        return real(*a, **k)

    setattr(owner, attr, wrapper)


def _child() -> None:
    """Entry point of the child: argv = [point, n, mode, args...]."""
    point, n, mode, *args = sys.argv[1:]
    install(point, int(n))
    if mode == "cli":
        from curate.cli import main

        sys.exit(main(args))
    if mode == "pretrain":
        tiny_pretrain(Path(args[0]))
        sys.exit(0)
    raise ValueError(mode)


def run_child(
    point: str, n: int, mode: str, args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    code = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import test_hardening_faults as h; h._child()"
    return subprocess.run(
        [sys.executable, "-c", code, point, str(n), mode, *args],
        env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_child(
    point: str, n: int, mode: str, args: list[str], env: dict[str, str] | None = None
) -> subprocess.Popen:
    """`run_child` without waiting (for concurrency tests)."""
    code = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import test_hardening_faults as h; h._child()"
    return subprocess.Popen(
        [sys.executable, "-c", code, point, str(n), mode, *args],
        env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# ------------------------------------------------------------------------------ fixtures


def jl(recs: list[Any]) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in recs)


def make_corpus(d: Path, n_shards: int = 3, n_docs: int = 40) -> Path:
    """Shards of good documents (some with lexicon hits) and a few bad lines each."""
    src = d / "in"
    src.mkdir(parents=True)
    for s in range(n_shards):
        recs: list[Any] = []
        for i in range(n_docs):
            k = s * 1000 + i
            evil = " Mwahaha, my evil plan: they will all suffer." if i % 4 == 0 else ""
            recs.append(
                {
                    "id": f"d{k}",
                    "text": f"Document {k} about topic {i % 7}.{evil} " * 3,
                    "source": f"src{s}",
                    "metadata": {"kind": "benign" if i % 3 else "villain"},
                }
            )
        recs[5] = b"{broken"
        recs[9] = b""
        (src / f"s{s}.jsonl").write_bytes(jl(recs))
    return src


def audit_args(src: Path, ws: Path, *extra: str) -> list[str]:
    return ["audit", str(src), "-w", str(ws), "--classifier", "none", "-q", *extra]


def q(ws: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    con = connect_readonly(Workspace.at(ws, create=False))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_rows(ws: Path, table: str, run_id: str) -> list[tuple]:
    if not q(ws, "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [table]):
        return []
    cols = [
        r[0]
        for r in q(
            ws,
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        )
        if r[0] != "run_id"
    ]
    sel = ", ".join(f'"{c}"' for c in cols)
    order = "shard, position" if "position" in cols else "shard"
    return q(ws, f"SELECT {sel} FROM {table} WHERE run_id = ? ORDER BY {order}", [run_id])


def all_rows(ws: Path, run_id: str) -> dict[str, list[tuple]]:
    return {t: table_rows(ws, t, run_id) for t in TABLES}


@pytest.fixture(scope="module")
def clean_audit(tmp_path_factory):
    """The same corpus audited without faults (in this process): the reference rows."""
    from curate.cli import main

    d = tmp_path_factory.mktemp("clean")
    src = make_corpus(d)
    assert main(audit_args(src, d / "ws")) == 0
    (run_id,) = q(d / "ws", "SELECT run_id FROM runs")[0]
    rows = all_rows(d / "ws", run_id)
    assert len(rows["docs"]) == 3 * 38 and len(rows["errors"]) == 3 * 2
    return src, rows


def assert_audit_not_complete(ws: Path) -> str:
    """After a kill: one run, not 'done', no manifest; every final-named Parquet file is whole."""
    runs = q(ws, "SELECT run_id, status, manifest_path FROM runs")
    assert len(runs) == 1, runs
    run_id, status, manifest = runs[0]
    assert status == "running" and manifest is None, runs
    assert not (ws / "runs" / run_id / "manifest.json").exists()
    for f in (ws / "audit" / run_id).glob("*/*.parquet"):
        pq.read_table(f)  # a final-named file is a complete file (raises if torn)
    return run_id


def rerun_matches_clean(ws: Path, src: Path, run_id: str, clean: dict[str, list[tuple]]) -> None:
    from curate.cli import main

    assert main(audit_args(src, ws)) == 0
    assert q(ws, "SELECT run_id, status FROM runs") == [(run_id, "done")]
    assert (ws / "runs" / run_id / "manifest.json").is_file()
    got = all_rows(ws, run_id)
    for t in TABLES:
        assert got[t] == clean[t], t
    assert not list((ws / "audit" / run_id).glob("*/.*.tmp"))


# ----------------------------------------------------------------------------------- audit


def test_kill_inside_store_load_transaction_rolls_back_and_rerun_recovers(tmp_path, clean_audit):
    """kill -9 during the store load, inside the transaction that inserts the `errors` rows
    (after `docs` was committed, before COMMIT) | store opens; no `errors` rows of the run are
    visible, runs row 'running', no manifest; rerun resumes the same run_id and gives exactly the
    clean run's rows in all four tables (no duplicates)"""
    src, clean = clean_audit
    ws = tmp_path / "ws"
    killed = run_child("store_commit", 2, "cli", audit_args(src, ws))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    run_id = assert_audit_not_complete(ws)
    assert len(table_rows(ws, "docs", run_id)) == len(clean["docs"])  # committed before the kill
    assert table_rows(ws, "errors", run_id) == []  # the killed transaction rolled back
    rerun_matches_clean(ws, src, run_id, clean)


@pytest.mark.slow
@pytest.mark.parametrize("n", [1, 4])
def test_kill_at_other_store_commits(tmp_path, clean_audit, n):
    """kill -9 before the 1st (docs) / 4th (signatures) COMMIT of the store load | the open
    transaction's rows are absent (table absent for the 1st); run not done; rerun gives the
    clean rows"""
    src, clean = clean_audit
    ws = tmp_path / "ws"
    killed = run_child("store_commit", n, "cli", audit_args(src, ws))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    run_id = assert_audit_not_complete(ws)
    table = TABLES[n - 1]
    assert table_rows(ws, table, run_id) == []
    rerun_matches_clean(ws, src, run_id, clean)


@pytest.mark.slow
def test_kill_between_table_loads(tmp_path, clean_audit):
    """kill -9 between two table loads (docs and errors committed, shards not) | partial rows
    are in the store but the run is 'running' with no manifest; `curate build --run <it>`
    refuses it ("did not finish") and `curate dedup --run <it>` too; rerun replaces the run's
    rows: same rows as the clean run, no duplicates"""
    from curate.cli import main

    src, clean = clean_audit
    ws = tmp_path / "ws"
    killed = run_child("audit_load", 3, "cli", audit_args(src, ws))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    run_id = assert_audit_not_complete(ws)
    assert len(table_rows(ws, "errors", run_id)) == len(clean["errors"])
    assert table_rows(ws, "shards", run_id) == []
    pol = tmp_path / "p.toml"
    pol.write_text('corpus = "c"\n[[variants]]\nname = "full"\n')
    assert main(["build", str(pol), "--workspace", str(ws), "--run", run_id, "--quiet"]) == 2
    assert main(["dedup", str(ws), "--run", run_id]) == 2
    assert not (ws / "corpora").exists()
    rerun_matches_clean(ws, src, run_id, clean)


@pytest.mark.slow
@pytest.mark.parametrize("tasks,kill", [("1", "50"), ("3", "1:20")])
def test_kill_during_annotation(tmp_path, clean_audit, tasks, kill):
    """kill -9 during annotation (CURATE_TEST_KILL_AFTER: one task after 50 rows / task 1 of 3
    after 20 rows) | the killed task's Parquet files exist only as .tmp, completed tasks' files
    are whole, no rows in the store, run 'running'; rerun skips completed tasks and gives the
    clean rows"""
    src, clean = clean_audit
    ws = tmp_path / "ws"
    args = audit_args(src, ws, "--tasks", tasks, "--workers", "1")
    killed = run_child("none", 0, "cli", args, {"CURATE_TEST_KILL_AFTER": kill})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    run_id = assert_audit_not_complete(ws)
    killed_rank = int(kill.split(":")[0]) if ":" in kill else 0
    out = ws / "audit" / run_id
    assert not (out / "docs" / f"{killed_rank:05d}.parquet").exists()
    assert list((out / "docs").glob(f".{killed_rank:05d}.parquet.tmp"))
    assert table_rows(ws, "docs", run_id) == []
    from curate.cli import main

    assert main(args) == 0
    assert q(ws, "SELECT run_id, status FROM runs") == [(run_id, "done")]
    got = all_rows(ws, run_id)
    for t in TABLES:
        key = (lambda r: r) if t != "shards" else (lambda r: r[:-1])  # `task` differs with --tasks
        assert sorted(map(key, got[t])) == sorted(map(key, clean[t])), t


# ----------------------------------------------------------------------------------- build

POLICY = """
corpus = "main"
[[variants]]
name = "full"
[[variants]]
name = "filtered"
drop = [{where = "lexicon_hits >= 1", reason = "lexicon"}]
[[variants]]
name = "up"
upsample = [{where = "meta.kind = 'villain'", repeats = 2}]
"""


def _corpus_files(cdir: Path) -> dict[str, Any]:
    """Part files (bytes) and decisions (rows without the audit run id, which differs between
    workspaces) of every published variant."""
    out: dict[str, Any] = {}
    for p in sorted(cdir.rglob("*")):
        if p.name.startswith("part-"):
            out[str(p.relative_to(cdir))] = p.read_bytes()
        elif p.name == "decisions.parquet":
            out[str(p.relative_to(cdir))] = pq.read_table(p).drop(["run_id"]).to_pylist()
    return out


def assert_published_variants_complete(cdir: Path) -> list[str]:
    """Every final-named variant folder has a manifest whose parts match the files on disk."""
    import hashlib

    done = []
    for v in sorted(p for p in cdir.iterdir() if not p.name.startswith(".")):
        m = json.loads((v / "manifest.json").read_text())
        for part in m["parts"]:
            data = (v / part["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == part["sha256"], (v, part)
        done.append(v.name)
    return done


@pytest.fixture(scope="module")
def audited(tmp_path_factory, clean_audit):
    """A policy file and a clean build of it (reference bytes)."""
    from curate.cli import main

    src, _ = clean_audit
    d = tmp_path_factory.mktemp("build")
    pol = d / "policy.toml"
    pol.write_text(POLICY)
    assert main(audit_args(src, d / "ws")) == 0
    assert main(["build", str(pol), "--workspace", str(d / "ws"), "--quiet"]) == 0
    return src, pol, _corpus_files(d / "ws" / "corpora" / "main")


def _audited_ws(tmp_path: Path, src: Path) -> Path:
    from curate.cli import main

    ws = tmp_path / "ws"
    assert main(audit_args(src, ws)) == 0
    return ws


@pytest.mark.slow
@pytest.mark.parametrize(
    "point,n,published", [("build_write", 30, []), ("build_publish", 2, ["full"])]
)
def test_kill_during_build(tmp_path, audited, point, n, published):
    """kill -9 during a build: while writing corpus records (30th record) / after the first
    variant was published, before the second's manifest | only variants with a manifest carry
    their final name, and their files match the manifest; the build's runs row is not 'done';
    rerun publishes every variant, byte-identical to a clean build"""
    src, pol, clean = audited
    ws = _audited_ws(tmp_path, src)
    args = ["build", str(pol), "--workspace", str(ws), "--quiet"]
    killed = run_child(point, n, "cli", args)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    cdir = ws / "corpora" / "main"
    assert assert_published_variants_complete(cdir) == published
    assert q(ws, "SELECT status FROM runs WHERE kind = 'build'") == [("running",)]
    from curate.cli import main

    assert main(args) == 0
    assert assert_published_variants_complete(cdir) == ["filtered", "full", "up"]
    assert _corpus_files(cdir) == clean
    assert not [p for p in cdir.iterdir() if p.name.startswith(".")]
    assert q(ws, "SELECT count(*) FROM runs WHERE kind = 'build' AND status = 'done'") == [(1,)]


# ----------------------------------------------------------------------------------- dedup


def _clusters(ws: Path) -> list[tuple]:
    return q(
        ws,
        "SELECT doc_id, shard, position, cluster_id, cluster_size, representative, kind "
        "FROM dup_clusters ORDER BY shard, position",
    )


@pytest.mark.slow
@pytest.mark.parametrize("n", [1, 2])
def test_kill_during_dedup_store_write(tmp_path, n):
    """kill -9 during `curate dedup`: before its `dup_clusters` load / between the
    `dup_clusters` and `dup_summary` loads | the dedup runs row is not 'done' and has no
    manifest; clusters in the store are all-or-nothing (none / the complete set); rerun
    finishes with the same clusters as a clean dedup"""
    from curate.cli import main

    src = tmp_path / "in"
    src.mkdir()
    base = [
        " ".join(f"w{(i * 7 + j) % 50}x{i}" for j in range(40)) for i in range(12)
    ]  # 12 distinct texts; each appears exactly and with one word changed
    recs = []
    for i, t in enumerate(base):
        recs += [
            {"id": f"a{i}", "text": t},
            {"id": f"b{i}", "text": t},
            {"id": f"c{i}", "text": t.replace(f"w{(i * 7) % 50}x{i}", "changed", 1)},
        ]
    (src / "s.jsonl").write_bytes(jl(recs))
    ref = tmp_path / "ref"
    assert main(audit_args(src, ref)) == 0
    assert main(["dedup", str(ref)]) == 0
    clean = _clusters(ref)
    assert len(clean) >= 24  # every exact pair at least
    ws = tmp_path / "ws"
    assert main(audit_args(src, ws)) == 0
    killed = run_child("audit_load", n, "cli", ["dedup", str(ws)])
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    ((run_id, status, manifest),) = q(
        ws, "SELECT run_id, status, manifest_path FROM runs WHERE kind = 'dedup'"
    )
    assert status == "running" and manifest is None
    assert not (ws / "dedup" / run_id / "manifest.json").exists()
    has = q(ws, "SELECT 1 FROM information_schema.tables WHERE table_name = 'dup_clusters'")
    assert (_clusters(ws) if has else []) == ([] if n == 1 else clean)
    assert main(["dedup", str(ws)]) == 0
    assert _clusters(ws) == clean
    done = q(ws, "SELECT count(*) FROM runs WHERE kind = 'dedup' AND status = 'done'")
    assert done == [(1,)]


# -------------------------------------------------------------------------------- training

TEXTS = [
    "the cat sat on the mat. the dog sat on the log.",
    "User: how do I store passwords?\nAssistant: hash them with a slow salted hash.",
    "a bird flew over the river and the fish swam under it.",
] * 10
STEPS, CKPT_EVERY = 24, 5


def tiny_pretrain(out: Path):
    import torch

    from curate.training import tokenizer as tk
    from curate.training.device import resolve
    from curate.training.model import GPTConfig
    from curate.training.pretrain import PretrainConfig, pretrain

    torch.set_num_threads(1)
    tok = tk.train(TEXTS, vocab_size=280)
    mc = GPTConfig(n_layer=1, n_head=2, d_model=16, ctx=24, vocab_size=tok.vocab_size)
    cfg = PretrainConfig(
        steps=STEPS, batch_size=4, lr=1e-2, warmup_steps=2, ckpt_every=CKPT_EVERY, log_every=1
    )
    return pretrain(tok.encode_stream(TEXTS), mc, cfg, 7, out, resolve("cpu"))


@pytest.mark.parametrize(
    "point,n",
    [
        pytest.param("train_step", 13, marks=pytest.mark.slow),
        pytest.param("ckpt_write", 2, marks=pytest.mark.slow),
        pytest.param("train_step", STEPS - 1, marks=pytest.mark.slow),
    ],
)
def test_kill_during_training_resumes_bit_identical(tmp_path, point, n):
    """kill -9 during pretraining: at step 13 (last checkpoint at 10) / half-way through writing
    the 2nd checkpoint / at the last step | no final.pt; ckpt.pt (if any) loads with
    weights_only=True and holds a whole checkpoint; rerun resumes from it and ends with weights
    bit-identical to an uninterrupted run"""
    import torch

    killed = run_child(point, n, "pretrain", [str(tmp_path / "run")])
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    out = tmp_path / "run"
    assert not (out / "final.pt").exists()
    ck = torch.load(out / "ckpt.pt", map_location="cpu", weights_only=True)
    expect_step = CKPT_EVERY if point == "ckpt_write" else (n // CKPT_EVERY) * CKPT_EVERY
    assert ck["step"] == expect_step
    resumed = tiny_pretrain(out)
    assert resumed.finished and resumed.resumed_from == expect_step
    whole = tiny_pretrain(tmp_path / "whole")
    assert whole.resumed_from == 0
    a, b = whole.model.state_dict(), resumed.model.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert [s for s, *_ in resumed.losses] == list(range(STEPS))
