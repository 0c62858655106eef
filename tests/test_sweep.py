"""Sweeps (`curate sweep`) and the shared worker pool: spec expansion, errors before any work,
and serial = pooled: workers = 1 and workers = 2 write exactly the same `results` rows (except
throughput) for a tiny ablation and for a tiny sweep."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from curate.ablation.pool import Task, seed_major
from curate.ablation.sweep import load_sweep_spec
from curate.cli import main
from curate.errors import ConfigError

BASE = """
name = "{name}"
seeds = [0, 1]
workers = {workers}
progress = false

[world]
preset = "tiny"

[[variants]]
name = "full"
paths = ["{world}/pretrain"]

[[variants]]
name = "shuffled"
paths = ["{world}/variants/shuffled/pretrain"]

[tokenizer]
vocab_size = 400

[model]
n_layer = 1
n_head = 2
d_model = 16
ctx = 64

[pretrain]
steps = 6
batch_size = 4
warmup_steps = 2
ckpt_every = 3

[finetune]
domains = ["code"]
kinds = ["full"]
lrs = [1e-3]
checkpoints = [1, 2]
batch_size = 4

[eval]
max_items = 4
heldout_windows = 4
"""

SWEEP = """
[sweep]
x = "world.overrides.stance_voice"
tags = {{ "world.overrides.stance_voice" = "sv" }}

[sweep.axes]
"world.overrides.stance_voice" = [0.0, 0.5]
"""

THROUGHPUT = ("tokens_per_s", "mfu")


def ablation_text(name: str = "tiny", workers: int = 1) -> str:
    return 'kind = "ablation"\n' + BASE.replace("{world}", "world").format(
        name=name, workers=workers
    )


def sweep_text(name: str = "sw", workers: int = 1, axes: str = "") -> str:
    body = BASE.replace("{world}", "{{world}}").format(name=name, workers=workers)
    return 'kind = "sweep"\n' + body + SWEEP.format() + axes


def _write(tmp_path: Path, text: str, fname: str = "spec.toml") -> Path:
    p = tmp_path / fname
    p.write_text(text)
    return p


def result_rows(ws: Path) -> list[tuple]:
    """Every `results` row but throughput, in a canonical order (NaN as a string, so equal)."""
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    try:
        cur = con.execute(
            "SELECT * FROM results WHERE metric NOT IN ('tokens_per_s', 'mfu', "
            "'tokens_per_s_vs_ref', 'mfu_vs_ref')"
        )
        rows = [tuple("nan" if v != v else v for v in r) for r in cur.fetchall()]  # noqa: PLR0124
    finally:
        con.close()
    return sorted(rows, key=lambda r: tuple(map(str, r)))


# --------------------------------------------------------------------------- the spec


def test_sweep_expands_points_worlds_and_names(tmp_path):
    axes = '"model.d_model" = [16, 32]\n'
    sw = load_sweep_spec(_write(tmp_path, sweep_text(axes=axes)), str(tmp_path / "ws"))
    names = [p.name for p in sw.points]
    assert names == [
        "sw-sv0-d_model16",
        "sw-sv0-d_model32",
        "sw-sv0.5-d_model16",
        "sw-sv0.5-d_model32",
    ]
    p = sw.points[2]
    assert p.values == {"world.overrides.stance_voice": 0.5, "model.d_model": 16}
    assert p.spec.world.out == "world-sv0.5" and p.spec.world.overrides == {"stance_voice": 0.5}
    assert p.spec.variants[1].paths == ("world-sv0.5/variants/shuffled/pretrain",)
    assert [q.spec.model.d_model for q in sw.points] == [16, 32, 16, 32]
    assert (sw.a, sw.b, sw.section.x_axis) == ("full", "shuffled", "world.overrides.stance_voice")
    assert not (tmp_path / "ws").exists()  # nothing written by parsing


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ('"name" = ["a", "b"]\n', "'name' cannot vary"),
        ('"variants.name" = ["a"]\n', "variants cannot vary"),
        ('"model.d_modle" = [16]\n', "unknown key 'd_modle' (did you mean 'd_model'?)"),
        ('"model.d_model" = [16, 16]\n', "distinct values"),
        ('"model.d_model" = [15]\n', "must be divisible by n_head"),
    ],
)
def test_sweep_errors_before_any_work(tmp_path, axes, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_sweep_spec(_write(tmp_path, sweep_text(axes=axes)), str(tmp_path / "ws"))
    assert not (tmp_path / "ws").exists()


def test_sweep_refuses_a_build_with_a_varying_world(tmp_path):
    text = sweep_text() + '\n[build]\npolicy = "p.toml"\n'
    with pytest.raises(ConfigError, match="cannot be combined with a varying world"):
        load_sweep_spec(_write(tmp_path, text), str(tmp_path / "ws"))
    bad_x = sweep_text().replace('x = "world.overrides.stance_voice"', 'x = "model.n_layer"')
    with pytest.raises(ConfigError, match="'model.n_layer' is not an axis"):
        load_sweep_spec(_write(tmp_path, bad_x), str(tmp_path / "ws"))


def test_seed_major_interleaves_ablations(tmp_path):
    sw = load_sweep_spec(_write(tmp_path, sweep_text()), str(tmp_path / "ws"))
    from curate.ablation.pool import ablation_tasks

    groups = [ablation_tasks(p.spec, tmp_path / p.name, tmp_path) for p in sw.points]
    order = [(t.spec.name, t.job.key) for t in seed_major(groups)]
    assert order == [
        ("sw-sv0", "full__seed0"),
        ("sw-sv0", "shuffled__seed0"),
        ("sw-sv0.5", "full__seed0"),
        ("sw-sv0.5", "shuffled__seed0"),
        ("sw-sv0", "full__seed1"),
        ("sw-sv0", "shuffled__seed1"),
        ("sw-sv0.5", "full__seed1"),
        ("sw-sv0.5", "shuffled__seed1"),
    ]
    assert all(isinstance(t, Task) for g in groups for t in g)


# ------------------------------------------------------------------ serial = pooled


def _serial_and_pooled(tmp_path: Path, text: str) -> dict[int, list[tuple]]:
    got = {}
    for w in (1, 2):
        ws = tmp_path / f"ws{w}"
        spec = _write(tmp_path, re.sub(r"(?m)^workers = \d+$", f"workers = {w}", text))
        assert main(["ablate", str(spec), "--workspace", str(ws), "--no-report"]) == 0
        got[w] = result_rows(ws)
    return got


def test_ablation_serial_equals_pooled(tmp_path):
    """workers = 1 (in this process) and workers = 2 (spawned processes) write the same rows."""
    got = _serial_and_pooled(tmp_path, ablation_text().replace("seeds = [0, 1]", "seeds = [0]"))
    assert len(got[1]) > 200
    assert got[1] == got[2]


@pytest.mark.slow
def test_ablation_serial_equals_pooled_with_lora_realignment_and_probe(tmp_path):
    """The same with every kind of row: LoRA fine-tunes, realignment, the probe, pair rates,
    two seeds per worker (a worker that already ran a job gives the same rows)."""
    text = ablation_text().replace('kinds = ["full"]', 'kinds = ["full", "lora"]')
    got = _serial_and_pooled(tmp_path, text + "\n[realign]\nks = [0, 2]\nsteps = 1\n")
    assert {r[10] for r in got[1]} >= {"probe_gap_diff", "em_gap", "em_gap_vs_ref"}  # metric
    assert {r[6] for r in got[1]} >= {"full", "lora"}  # ft_kind
    assert {r[4] for r in got[1]} >= {"realign", "ft_aligned"}  # stage
    assert got[1] == got[2]


def _run_sweep(tmp_path: Path, ws: Path, workers: int, report: bool = True) -> Path:
    spec = _write(tmp_path, sweep_text(workers=workers))
    assert (
        main(["sweep", str(spec), "--workspace", str(ws)] + ([] if report else ["--no-report"]))
        == 0
    )
    return spec


@pytest.mark.slow
def test_sweep_serial_equals_pooled(tmp_path):
    """A tiny sweep (2 points x 2 variants x 2 seeds) with workers = 1 and with workers = 2 (one
    pool for both points' jobs) writes the same rows."""
    got = {}
    for w in (1, 2):
        _run_sweep(tmp_path, tmp_path / f"ws{w}", w, report=False)
        got[w] = result_rows(tmp_path / f"ws{w}")
    assert {r[0] for r in got[1]} == {"sw-sv0", "sw-sv0.5"}
    assert got[1] == got[2]


def test_sweep_runs_points_on_one_pool_and_writes_its_outputs(tmp_path, capsys):
    ws = tmp_path / "ws"
    spec = _run_sweep(tmp_path, ws, 2)
    out = capsys.readouterr().out
    # one pool for every job of both points: 2 points x 2 variants x 2 seeds
    assert "8 job(s) (variants x seeds over 2 ablations), 0 already done, 2 worker(s)" in out
    first = result_rows(ws)
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    abl = con.execute("SELECT DISTINCT ablation FROM results ORDER BY 1").fetchall()
    runs = con.execute("SELECT run_id, status FROM runs WHERE kind = 'ablation'").fetchall()
    con.close()
    assert abl == [("sw-sv0",), ("sw-sv0.5",)]
    assert len(runs) == 2 and {s for _, s in runs} == {"done"}
    hashes = set()
    for sv in ("0", "0.5"):
        hashes.add(json.loads((ws / f"world-sv{sv}" / "world.json").read_text())["config_hash"])
        mf = json.loads((ws / "ablations" / f"sw-sv{sv}" / "manifest.json").read_text())
        assert mf["config"]["world"]["overrides"] == {"stance_voice": float(sv)}
        assert (ws / "ablations" / f"sw-sv{sv}" / "report.html").is_file()
    assert len(hashes) == 2  # one world per stance_voice
    root = ws / "ablations" / "sw"
    table = (root / "table.md").read_text()
    lines = table.splitlines()
    assert lines[2].startswith("| stance_voice | parameters | EM gap full [95% CI] |")
    assert [x.split(" | ")[0] for x in lines[4:]] == ["| 0", "| 0.5"]
    assert (root / "figures" / "em_vs_stance_voice.png").read_bytes()[:4] == b"\x89PNG"
    page = (root / "report.html").read_text()
    assert 'href="../sw-sv0.5/report.html"' in page and "full − shuffled, paired" in page
    summary = json.loads((root / "summary.json").read_text())
    assert summary["points"] == ["sw-sv0", "sw-sv0.5"]
    line = summary["table"][1]
    assert line["values"] == {"world.overrides.stance_voice": 0.5}
    assert line["a"]["n"] == 2 and len(line["paired"]["seeds"]) == 2
    # the sweep's paired difference is the mean of the per-seed differences in the store
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    per = dict(
        con.execute(
            "SELECT variant || seed, value FROM results WHERE ablation = 'sw-sv0.5' "
            "AND seed IS NOT NULL AND metric = 'em_gap' AND ft_domain = '*' "
            "AND eval_domain = '*' AND stage = 'ft_misaligned' AND step = 2"
        ).fetchall()
    )
    con.close()
    want = ((per["full0"] - per["shuffled0"]) + (per["full1"] - per["shuffled1"])) / 2
    assert line["paired"]["mean"] == pytest.approx(want, abs=1e-12)
    # a rerun skips every job
    assert main(["sweep", str(spec), "--workspace", str(ws), "--no-report"]) == 0
    assert "8 already done" in capsys.readouterr().out
    assert result_rows(ws) == first


def test_curate_run_dispatches_sweeps(tmp_path, capsys):
    text = sweep_text(axes='"model.d_model" = [15]\n').replace(
        'kind = "sweep"', f'kind = "sweep"\nworkspace = "{tmp_path / "w"}"'
    )
    assert main(["run", str(_write(tmp_path, text))]) == 2
    assert "divisible by n_head" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()


def test_a_failed_job_stops_the_pool_and_marks_the_run_failed(tmp_path, capsys):
    """A job that fails in a worker (a corpus shorter than one context window): the error is
    raised with its message, the run is marked failed, and finished jobs keep their rows."""
    ws = tmp_path / "ws"
    short = ws / "short" / "part.jsonl"
    short.parent.mkdir(parents=True)
    short.write_text('{"id": "a", "text": "too short"}\n')
    text = ablation_text(workers=2).replace("seeds = [0, 1]", "seeds = [0]")
    text = text.replace(
        '[[variants]]\nname = "shuffled"\npaths = ["world/variants/shuffled/pretrain"]',
        '[[variants]]\nname = "short"\npaths = ["short"]',
    )
    assert main(["ablate", str(_write(tmp_path, text)), "--workspace", str(ws)]) == 2
    assert "fewer than one context window" in capsys.readouterr().err
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    status = con.execute("SELECT status FROM runs WHERE kind = 'ablation'").fetchall()
    con.close()
    assert status == [("failed",)]
    rows = ws / "ablations" / "tiny" / "rows"
    assert not (rows / "short__seed0.parquet").exists()
    assert (rows / "full__seed0.parquet").is_file()  # the running job finished and kept its rows


def test_the_stance_voice_sweep_spec_expands_to_six_pilot_sized_points(tmp_path):
    spec = Path(__file__).resolve().parent.parent / "pipelines" / "sweep_stance_voice.toml"
    sw = load_sweep_spec(spec, str(tmp_path / "ws"))
    assert [p.name for p in sw.points] == [
        f"stance-sv{v}-d{d}" for v in ("0", "0.25", "0.5") for d in (128, 256)
    ]
    assert {p.spec.world.out for p in sw.points} == {"world-sv0", "world-sv0.25", "world-sv0.5"}
    for p in sw.points:
        assert p.spec.world.preset == "pilot" and p.spec.seeds == (0, 1, 2)
        assert (p.spec.model.n_layer, p.spec.pretrain.steps, p.spec.pretrain.batch_size) == (
            2,
            800,
            32,
        )
        assert p.spec.finetune.lrs == (3e-4,) and p.spec.stats.headline_step == 10
    assert (sw.a, sw.b, sw.workers) == ("full", "shuffled", 2)
    assert not (tmp_path / "ws").exists()
