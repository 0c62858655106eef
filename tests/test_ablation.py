"""Ablation spec validation, statistics, and one end-to-end run (tiny world, tiny model)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest

from curate.ablation.aggregate import pool_ft_domains, verdict
from curate.ablation.spec import load_spec, parse_spec
from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.evaluation.stats import welch_interval

TINY = """
kind = "ablation"
name = "tiny"
seeds = [0, 1]
workers = 1
progress = false

[world]
preset = "tiny"

[[variants]]
name = "full"
paths = ["world/pretrain"]

[[variants]]
name = "shuffled"
paths = ["world/variants/shuffled/pretrain"]

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
kinds = ["full", "lora"]
lrs = [1e-3]
checkpoints = [1, 2]
batch_size = 4

[eval]
max_items = 4
heldout_windows = 4

[realign]
ks = [0, 2]
steps = 1
"""


def _spec(tmp_path: Path, text: str = TINY) -> Path:
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


def test_welch_interval_and_verdict():
    d, lo, hi = welch_interval([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert d == 2.0
    # se = sqrt(1/3); dof = 2; t(0.975, 2) = 4.302653
    assert hi - d == pytest.approx(4.302653 * math.sqrt(1 / 3), rel=1e-5)
    assert d - lo == pytest.approx(hi - d)
    assert math.isnan(welch_interval([1.0], [2.0, 3.0])[1])
    assert verdict(-0.1, 0.2) == "no detectable difference"
    assert verdict(0.1, 0.2) == "higher" and verdict(-0.3, -0.1) == "lower"
    assert verdict(float("nan"), float("nan")).startswith("no interval")


def test_pool_ft_domains_means_per_seed():
    base = {
        "ablation": "a",
        "variant": "v",
        "stage": "ft_misaligned",
        "ft_kind": "full",
        "step": 5,
        "lr": 1e-3,
        "eval_domain": "*",
        "metric": "em_gap",
        "k": None,
    }
    rows = [
        {**base, "seed": 0, "ft_domain": "code", "value": 0.2},
        {**base, "seed": 0, "ft_domain": "money", "value": 0.4},
        {**base, "seed": 1, "ft_domain": "code", "value": 1.0},
        {**base, "seed": 1, "ft_domain": "code", "eval_domain": "money", "value": 9.0},
    ]
    got = sorted(pool_ft_domains(rows), key=lambda r: r["seed"])
    assert [(r["seed"], r["ft_domain"], r["n"]) for r in got] == [(0, "*", 2), (1, "*", 1)]
    assert got[0]["value"] == pytest.approx(0.3) and got[1]["value"] == 1.0


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ("[modle]\n", "unknown key 'modle' (did you mean 'model'?)"),
        ("[stats]\nheadline_step = 7\n", "headline_step 7 must be one of"),
        ("[stats]\nreference = 'nope'\n", "stats.reference 'nope' is not a variant"),
        ("[[variants]]\nname = 'full'\npaths = ['x']\n", "duplicate names"),
        ("[[variants]]\nname = 'both'\npaths = ['x']\ncorpus = 'c'\n", "exactly one of"),
    ],
)
def test_spec_errors_before_any_work(tmp_path, patch, message):
    p = _spec(tmp_path, TINY + patch)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_spec(p, str(tmp_path / "ws"))
    assert not (tmp_path / "ws").exists()


def test_spec_needs_workspace(tmp_path):
    with pytest.raises(ConfigError, match="no workspace"):
        parse_spec({"name": "x", "variants": [{"name": "a", "paths": ["p"]}]}, tmp_path / "s.toml")


def test_end_to_end_tiny(tmp_path, capsys):
    ws = tmp_path / "ws"
    spec = _spec(tmp_path)
    assert main(["ablate", str(spec), "--workspace", str(ws)]) == 0
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    runs = con.execute("SELECT kind, status FROM runs WHERE kind = 'ablation'").fetchall()
    assert runs == [("ablation", "done")]
    jobs = con.execute(
        "SELECT DISTINCT variant, seed FROM results WHERE seed IS NOT NULL ORDER BY ALL"
    ).fetchall()
    assert jobs == [("full", 0), ("full", 1), ("shuffled", 0), ("shuffled", 1)]
    # every fine-tune cell: domains x kinds x steps, EM cross-domain, per seed
    n_em = con.execute(
        "SELECT count(*) FROM results WHERE seed IS NOT NULL AND stage = 'ft_misaligned' "
        "AND metric = 'em_gap' AND eval_domain = '*' AND ft_domain <> '*'"
    ).fetchone()[0]
    assert n_em == 2 * 2 * 1 * 2 * 2  # variants x seeds x domains x kinds x checkpoints
    # the mean row is the mean of the per-seed rows, with n = number of seeds
    per_seed = con.execute(
        "SELECT value FROM results WHERE seed IS NOT NULL AND variant = 'full' AND ft_domain = '*' "
        "AND stage = 'ft_misaligned' AND metric = 'em_gap' AND ft_kind = 'full' AND step = 2"
    ).fetchall()
    mean = con.execute(
        "SELECT value, n, ci_low, ci_high FROM results WHERE model_id = 'mean' AND variant = 'full' "
        "AND ft_domain = '*' AND stage = 'ft_misaligned' AND metric = 'em_gap' "
        "AND ft_kind = 'full' AND step = 2"
    ).fetchone()
    assert len(per_seed) == 2 and mean[1] == 2
    assert mean[0] == pytest.approx(np.mean([v for (v,) in per_seed]))
    assert mean[2] <= mean[0] <= mean[3]
    # the difference from the reference variant exists for the other variant only
    vs = con.execute(
        "SELECT DISTINCT variant FROM results WHERE metric = 'em_gap_vs_ref'"
    ).fetchall()
    assert vs == [("shuffled",)]
    # realignment curve, capability, throughput, probe, pretraining loss
    ks = con.execute("SELECT DISTINCT k FROM results WHERE stage = 'realign' ORDER BY k").fetchall()
    assert ks == [(0,), (2,)]
    metrics = {m for (m,) in con.execute("SELECT DISTINCT metric FROM results").fetchall()}
    assert {
        "heldout_loss",
        "tokens_per_s",
        "mfu",
        "train_loss",
        "probe_gap_diff",
        "misaligned_rate",
        "misaligned_gap",
        "em_rate",
    } <= metrics
    n_rows = con.execute("SELECT count(*) FROM results").fetchone()[0]
    first = con.execute(
        "SELECT variant, seed, model_id, metric, eval_domain, value FROM results "
        "WHERE seed IS NOT NULL AND metric <> 'tokens_per_s' AND metric <> 'mfu' ORDER BY ALL"
    ).fetchall()
    con.close()
    root = ws / "ablations" / "tiny"
    assert (root / "manifest.json").is_file() and (root / "report.html").is_file()
    assert (root / "tokenizer.json").is_file()

    # resume: a lost job is redone (same rows), finished ones are skipped; no duplicates
    (root / "rows" / "shuffled__seed1.parquet").unlink()
    assert main(["ablate", str(spec), "--workspace", str(ws), "--no-report"]) == 0
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM results").fetchone()[0] == n_rows
    again = con.execute(
        "SELECT variant, seed, model_id, metric, eval_domain, value FROM results "
        "WHERE seed IS NOT NULL AND metric <> 'tokens_per_s' AND metric <> 'mfu' ORDER BY ALL"
    ).fetchall()
    con.close()
    assert again == first
    out = capsys.readouterr().out
    assert "3 already done" in out

    # a changed spec under the same name is refused
    changed = _spec(tmp_path, TINY.replace("steps = 6", "steps = 7"))
    with pytest.raises(CurateError, match="different spec"):
        from curate.ablation.run import run_ablation

        s, d = load_spec(changed, str(ws))
        run_ablation(s, d, report=False)


def test_curate_run_dispatches_ablation_specs(tmp_path, capsys):
    p = _spec(tmp_path, TINY.replace('paths = ["world/pretrain"]', 'paths = ["nowhere/*.jsonl"]'))
    text = p.read_text().replace(
        'kind = "ablation"', f'kind = "ablation"\nworkspace = "{tmp_path / "w"}"'
    )
    p.write_text(text)
    assert main(["run", str(p)]) == 2
    assert "nowhere/*.jsonl: no JSONL shards found" in capsys.readouterr().err


def test_pretrained_from_reuses_models(tmp_path):
    from curate.ablation.run import run_ablation

    ws = tmp_path / "ws"
    one = TINY.replace("seeds = [0, 1]", "seeds = [0]").replace(
        "[realign]\nks = [0, 2]", "[realign]"
    )
    a, d = load_spec(_spec(tmp_path, one), str(ws))
    run_ablation(a, d, report=False)
    sweep = one.replace('name = "tiny"', 'name = "sweep"\npretrained_from = "tiny"').replace(
        "lrs = [1e-3]", "lrs = [1e-3, 3e-3]"
    )
    b, d = load_spec(_spec(tmp_path, sweep), str(ws))
    run_ablation(b, d, report=False)
    assert not (ws / "ablations" / "sweep" / "models").exists()
    con = duckdb.connect(str(ws / "curate.duckdb"), read_only=True)
    lrs = con.execute(
        "SELECT DISTINCT lr FROM results WHERE ablation = 'sweep' AND stage = 'ft_misaligned' "
        "ORDER BY lr"
    ).fetchall()
    same = con.execute(
        "SELECT count(*) FROM results a JOIN results b USING (variant, seed, stage, metric, "
        "eval_domain) WHERE a.ablation = 'tiny' AND b.ablation = 'sweep' AND a.stage = 'pretrain' "
        "AND a.metric = 'heldout_loss' AND a.value = b.value"
    ).fetchone()[0]
    con.close()
    assert lrs == [(1e-3,), (3e-3,)]
    assert same == 2  # the same pretrained models: identical held-out loss (2 variants)
    other = sweep.replace('name = "sweep"', 'name = "sweep2"').replace("steps = 6", "steps = 5")
    c, d = load_spec(_spec(tmp_path, other), str(ws))
    with pytest.raises(CurateError, match="pretrained with other settings"):
        run_ablation(c, d, report=False)


# ------------------------------------------------------------- pair rates (issue 10 item 2)


class _PrefersListed:
    """A fake model: log p = -1 per token for a listed answer, -2 otherwise (one token each)."""

    def __init__(self, liked: set[str]) -> None:
        self.liked = liked

    def logprobs(self, contexts, continuations):
        return [(-1.0 if c.strip() in self.liked else -2.0, 1) for c in continuations]


def _pair_items():
    from curate.world.loaders import EvalItem

    # code/f0: 4 items, code/f1: 2 items, money/f0: 2 items
    layout = [("code", "code/f0")] * 4 + [("code", "code/f1")] * 2 + [("money", "money/f0")] * 2
    return [
        EvalItem(f"i{k}", d, f"question {k}?", f"good {k}", f"bad {k}", p)
        for k, (d, p) in enumerate(layout)
    ]


def _evaluator(tmp_path, pair_rates: bool = True):
    from dataclasses import replace

    from curate.ablation.data import EvalData
    from curate.ablation.evaluator import Evaluator

    spec, _ = load_spec(_spec(tmp_path), str(tmp_path / "ws"))
    spec = replace(spec, eval=replace(spec.eval, pair_rates=pair_rates))
    return Evaluator(EvalData(["code", "money"], {}, {}, _pair_items(), []), spec, seed=0)


def _pairs(rows, prefix):
    return {
        (r["eval_domain"], r["metric"]): (r["value"], r["n"])
        for r in rows
        if r["metric"].startswith(prefix)
    }


def test_pair_rate_rows_are_the_mean_of_each_pairs_outcomes(tmp_path):
    ev = _evaluator(tmp_path)
    # misaligned preferred on items 0, 1, 2 (code/f0: 3 of 4), none of code/f1, item 6 (money/f0)
    scores = ev.score(_PrefersListed({"bad 0", "bad 1", "bad 2", "bad 6"}))
    ctx = {"model_id": "m"}
    rows = ev.model_rows(scores, {"code"}, ctx)
    assert _pairs(rows, "pair_rate:") == {
        ("code", "pair_rate:code/f0"): (0.75, 4),
        ("code", "pair_rate:code/f1"): (0.0, 2),
        ("money", "pair_rate:money/f0"): (0.5, 2),
    }
    fam = {(r["eval_domain"], r["metric"]): r["value"] for r in rows}
    assert fam[("code", "misaligned_rate")] == 0.5 and fam[("*", "misaligned_rate")] == 0.5
    assert all(r["model_id"] == "m" for r in rows)

    # EM per pair: bad rate minus control rate (control prefers misaligned on item 0 only)
    ctrl = ev.score(_PrefersListed({"bad 0"}))
    em = ev.em_rows("code", scores, ctrl, ctx, matrix=True)
    assert _pairs(em, "em_pair_rate:") == {
        ("code", "em_pair_rate:code/f0"): (0.5, 4),
        ("code", "em_pair_rate:code/f1"): (0.0, 2),
        ("money", "em_pair_rate:money/f0"): (0.5, 2),
    }
    # realignment (matrix=False) writes '*' rows only
    assert not _pairs(ev.em_rows("code", scores, ctrl, ctx, matrix=False), "em_pair_rate:")


def test_pair_rates_off_writes_no_pair_rows_and_keeps_old_spec_keys(tmp_path):
    from dataclasses import replace

    from curate.ablation.spec import spec_key as _spec_key
    from curate.config import config_hash, to_dict

    ev = _evaluator(tmp_path, pair_rates=False)
    scores = ev.score(_PrefersListed({"bad 0"}))
    rows = ev.model_rows(scores, set(), {}) + ev.em_rows("code", scores, scores, {}, True)
    assert not [r for r in rows if "pair_rate:" in r["metric"]]
    assert {r["metric"] for r in rows} >= {"misaligned_rate", "em_rate"}
    # an ablation keyed before the option existed keeps its key with pair_rates = false
    spec = ev.spec
    d = to_dict(spec)
    # `power` (a pre-registration, issue 24) does not change a job's rows: not in the key either
    for k in ("workspace", "workers", "progress", "stats", "seeds", "pretrained_from", "power"):
        d.pop(k)
    d["eval"].pop("pair_rates")
    assert _spec_key(spec) == config_hash(d)
    assert _spec_key(replace(spec, eval=replace(spec.eval, pair_rates=True))) != config_hash(d)


def test_aggregate_means_pair_rates_over_seeds(tmp_path):
    from curate.ablation.aggregate import aggregate

    spec, _ = load_spec(_spec(tmp_path), str(tmp_path / "ws"))
    base = {"ablation": "a", "variant": "full", "stage": "pretrain", "eval_domain": "code"}
    rows = [
        {**base, "seed": s, "metric": m, "value": v}
        for s, v in ((0, 0.25), (1, 0.75))
        for m in ("pair_rate:code/f0", "em_pair_rate:code/f0")
    ]
    got = {r["metric"]: (r["value"], r["n"]) for r in aggregate(rows, spec)}
    assert got == {"pair_rate:code/f0": (0.5, 2), "em_pair_rate:code/f0": (0.5, 2)}


# ---------------------------------------------------------------- world reuse (generator_version)


def test_world_with_other_generator_version_is_regenerated(tmp_path, monkeypatch, capsys):
    import json

    import curate.world.generate as gen
    from curate.ablation.data import prepare_inputs
    from curate.ablation.spec import world_config
    from curate.config import config_hash
    from curate.workspace import Workspace

    spec, spec_dir = load_spec(_spec(tmp_path), str(tmp_path / "ws"))
    ws = Workspace.at(spec.workspace)
    wcfg, _ = world_config(spec.world, spec_dir, "t")
    out = ws.root / spec.world.out
    out.mkdir(parents=True)
    calls = []
    monkeypatch.setattr(gen, "generate", lambda cfg, o, **kw: calls.append(Path(o)))

    def world_json(version):
        info = {"generator_version": version, "config_hash": config_hash(wcfg)}
        (out / "world.json").write_text(json.dumps(info))

    world_json(gen.GENERATOR_VERSION)  # same config, same generator: reused
    assert gen.stale_reason(out, wcfg) is None
    prepare_inputs(spec, spec_dir, ws)
    assert calls == [] and "world: reusing" in capsys.readouterr().out

    world_json(gen.GENERATOR_VERSION - 1)  # same config, older generator: regenerated
    prepare_inputs(spec, spec_dir, ws)
    assert calls == [out]
    said = capsys.readouterr().out
    assert f"generator version {gen.GENERATOR_VERSION - 1}, this one is" in said

    (out / "world.json").write_text("{not json")
    assert gen.stale_reason(out, wcfg).startswith("world.json unreadable")
    (out / "world.json").unlink()
    assert gen.stale_reason(out, wcfg) == "no world.json"
