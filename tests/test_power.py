"""Power of a paired-by-seed comparison: the function, the `[power]` pre-registration, the report
section and `curate power`."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from curate.ablation.power import paired
from curate.ablation.spec import load_spec
from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.evaluation.stats import paired_t_power, power_analysis

# the pilot reproduction's per-seed EM gaps at step 10 (README): full and oracle, seeds 0, 1, 2
PILOT_FULL = [0.20, 0.12, 0.15]
PILOT_ORACLE = [0.07, 0.11, 0.06]

TINY = """
kind = "ablation"
name = "tiny"
seeds = {seeds}
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
steps = 4
batch_size = 4
warmup_steps = 1
ckpt_every = 4

[finetune]
domains = ["code"]
kinds = ["full"]
lrs = [1e-3]
checkpoints = [1]
batch_size = 4

[eval]
max_items = 4
heldout_windows = 4
incontext = false
pair_rates = false
"""

POWER = """
[power]
a = "full"
b = "{b}"
{body}
"""


def _spec(tmp_path: Path, seeds: str = "[0, 1]", power: str | None = None, b: str = "") -> Path:
    text = TINY.format(seeds=seeds)
    if power is not None:
        text += POWER.format(body=power, b=b or "shuffled")
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


# ----------------------------------------------------------------------------- the function


def test_power_matches_published_sample_sizes():
    # paired t test, two-sided alpha 0.05, d = 0.5: n = 34 for 80% power, 44 for 90% (G*Power)
    assert power_analysis(mean=0.5, sd=1.0).n_required == 34
    assert power_analysis(mean=0.5, sd=1.0, power=0.9).n_required == 44
    assert paired_t_power(0.5, 1.0, 34) == pytest.approx(0.8078, abs=1e-4)
    assert paired_t_power(0.5, 1.0, 33) < 0.8 <= paired_t_power(0.5, 1.0, 34)
    # d = 1: n = 10 (power 0.803); the sign of the effect does not matter
    assert power_analysis(mean=-1.0, sd=1.0).n_required == 10


def test_power_is_the_rejection_rate_of_the_paired_t_test():
    """The exact noncentral-t power equals a simulated paired t test's rejection rate."""
    from scipy.stats import t as student_t

    rng = np.random.default_rng(0)
    n, d, reps = 6, 0.9, 40_000
    x = rng.normal(d, 1.0, size=(reps, n))
    t = x.mean(1) / (x.std(1, ddof=1) / math.sqrt(n))
    rate = float((np.abs(t) > student_t.ppf(0.975, n - 1)).mean())
    assert paired_t_power(d, 1.0, n) == pytest.approx(rate, abs=0.01)


def test_pilot_full_minus_oracle_needs_8_seeds():
    diffs = [f - o for f, o in zip(PILOT_FULL, PILOT_ORACLE, strict=True)]
    pa = power_analysis(diffs, n=3)
    assert pa.mean == pytest.approx(0.07667, abs=1e-5) and pa.sd == pytest.approx(0.0611, abs=1e-4)
    assert pa.n_obs == 3 and pa.effect_size == pytest.approx(1.2548, abs=1e-3)
    assert pa.n_required == 8 and pa.power_at_required == pytest.approx(0.859, abs=1e-3)
    assert paired_t_power(pa.mean, pa.sd, 7) < 0.8  # 7 seeds are not enough
    assert pa.power_at_n == pytest.approx(0.245, abs=1e-3)  # what the 3-seed run had
    assert power_analysis(diffs, power=0.9).n_required == 9
    # the same from mean and sd
    assert power_analysis(mean=pa.mean, sd=pa.sd).n_required == 8


def test_power_edge_cases():
    assert power_analysis(mean=1.0, sd=0.0).n_required == 2  # no noise: any 2 seeds
    zero = power_analysis(mean=0.0, sd=1.0)
    assert zero.n_required is None and math.isnan(zero.power_at_required)
    assert paired_t_power(0.0, 1.0, 5) == pytest.approx(0.05, abs=1e-9)  # size = alpha
    powers = [paired_t_power(0.3, 1.0, n) for n in range(2, 60)]
    assert powers == sorted(powers)  # monotone in n
    with pytest.raises(ValueError, match="either"):
        power_analysis([1.0, 2.0], mean=1.0, sd=1.0)
    with pytest.raises(ValueError, match="at least 2"):
        power_analysis([1.0])
    with pytest.raises(ValueError, match="n >= 2"):
        paired_t_power(1.0, 1.0, 1)


def test_paired_uses_seeds_present_in_both_variants():
    base = {
        "stage": "ft_misaligned",
        "metric": "em_gap",
        "ft_domain": "*",
        "eval_domain": "*",
        "ft_kind": "full",
        "lr": 3e-4,
        "step": 10,
    }
    rows = [
        {**base, "variant": "full", "seed": s, "value": v} for s, v in enumerate(PILOT_FULL)
    ] + [{**base, "variant": "oracle", "seed": s, "value": v} for s, v in enumerate(PILOT_ORACLE)]
    rows += [
        {**base, "variant": "full", "seed": 5, "value": 9.0},  # no oracle at seed 5
        {**base, "variant": "oracle", "seed": None, "value": 9.0},  # a mean row
        {**base, "variant": "oracle", "seed": 0, "step": 25, "value": 9.0},  # another step
    ]
    got = paired(rows, "full", "oracle", ("full", 3e-4, 10))
    assert got["seeds"] == [0, 1, 2] and got["unpaired_seeds"] == [5]
    assert got["diffs"] == pytest.approx([0.13, 0.01, 0.09])
    assert got["mean"] == pytest.approx(0.07667, abs=1e-5)
    # paired t interval: mean +- t(0.975, 2) * sd / sqrt(3)
    half = 4.302653 * 0.0611010 / math.sqrt(3)
    assert got["ci_low"] == pytest.approx(0.07667 - half, abs=1e-4)
    assert got["verdict"] == "no detectable difference" and not got["detectable"]


def test_curate_power_from_differences(capsys):
    assert main(["power", "--diffs", "0.13,0.01,0.09", "--n", "3"]) == 0
    out = capsys.readouterr().out
    assert "| +0.0767 | 0.0611 | 1.25 | 0.05 | 80% | 8 | 0.859 | 3 | 0.245 |" in out
    assert main(["power", "--mean", "0.5", "--sd", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["analysis"]["n_required"] == 34
    assert main(["power", "--diffs", "0.1"]) == 2
    assert "at least 2" in capsys.readouterr().err
    assert main(["power"]) == 2


# ---------------------------------------------------------------- the pre-registration


@pytest.mark.parametrize(
    ("seeds", "power", "message"),
    [
        ("[0, 1, 2]", "diffs = [0.13, 0.01, 0.09]", "needs 8 seeds; `seeds` has 3 (power 0.25)"),
        ("[0, 1]", "diffs = [0.1, 0.1]\n#full", "a and b must be two different"),
        ("[0, 1]", "mean = 1.0", "`mean` and `sd` (>= 0) are both needed"),
        ("[0, 1]", "diffs = [0.1, 0.2]\nmean = 1.0\nsd = 1.0", "either `diffs`"),
        ("[0, 1]", "mean = 0.0\nsd = 1.0", "not detectable with 80% power at any seed count"),
    ],
)
def test_power_section_refuses_before_any_work(tmp_path, seeds, power, message):
    p = _spec(tmp_path, seeds, power, "full" if "#full" in power else "")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_spec(p, str(tmp_path / "ws"))
    assert not (tmp_path / "ws").exists()


def test_unknown_power_variant(tmp_path):
    p = _spec(tmp_path, "[0, 1]", "mean = 1.0\nsd = 0.01", "oracle")
    with pytest.raises(ConfigError, match="'oracle' is not a variant"):
        load_spec(p, str(tmp_path / "ws"))


def test_preregistered_run_reports_power_and_refuses_changes(tmp_path, capsys):
    ws = tmp_path / "ws"
    reg = "mean = 1.0\nsd = 0.01\nsource = 'made up for the test'"
    spec = _spec(tmp_path, "[0, 1]", reg)
    assert main(["ablate", str(spec), "--workspace", str(ws)]) == 0
    root = ws / "ablations" / "tiny"
    rec = json.loads((root / "power.json").read_text())
    assert rec["seeds"] == [0, 1] and rec["analysis"]["n_required"] == 2
    assert rec["cell"] == ["full", 1e-3, 1]
    assert rec["section"]["source"] == "made up for the test"
    page = (root / "report.html").read_text()
    assert "Pre-registered power" in page and 'id="power_calc"' in page
    assert "made up for the test" in page and "paired t interval over 2 seeds" in page
    # curate power on the finished ablation: the same per-seed differences as the store
    capsys.readouterr()
    assert main(["power", str(ws), "--ablation", "tiny", "--a", "full", "--b", "shuffled"]) == 0
    out = capsys.readouterr().out
    assert "full − shuffled, paired by seed" in out and "| 0 |" in out and "| 1 |" in out
    assert main(["power", str(ws), "--ablation", "tiny", "--a", "full", "--b", "nope"]) == 2
    # a changed [power] is refused; so is dropping it
    changed = _spec(tmp_path, "[0, 1]", "mean = 2.0\nsd = 0.01")
    with pytest.raises(CurateError, match="pre-registered"):
        from curate.ablation.run import run_ablation

        run_ablation(*load_spec(changed, str(ws)), report=False)
    assert main(["ablate", str(_spec(tmp_path)), "--workspace", str(ws)]) == 2
    # adding [power] to an ablation that already has jobs is not a pre-registration
    other = _spec(tmp_path).read_text().replace('name = "tiny"', 'name = "late"')
    (tmp_path / "late.toml").write_text(other)
    assert main(["ablate", str(tmp_path / "late.toml"), "--workspace", str(ws)]) == 0
    (tmp_path / "late.toml").write_text(
        other + POWER.format(body="mean = 1.0\nsd = 0.01", b="shuffled")
    )
    capsys.readouterr()
    assert main(["ablate", str(tmp_path / "late.toml"), "--workspace", str(ws)]) == 2
    assert "already has finished jobs" in capsys.readouterr().err


def test_variants_are_paired_by_seed(tmp_path):
    """Two variants with the same corpus are the same experiment at the same seed (init,
    pretraining windows, fine-tune batches, evaluation bootstrap all follow the seed, nothing the
    variant's name), and another seed is another experiment."""
    import pyarrow.parquet as pq

    text = TINY.format(seeds="[0, 1]").replace(
        'name = "shuffled"\npaths = ["world/variants/shuffled/pretrain"]',
        'name = "twin"\npaths = ["world/pretrain"]',
    )
    (tmp_path / "twin.toml").write_text(text)
    ws = tmp_path / "ws"
    assert main(["ablate", str(tmp_path / "twin.toml"), "--workspace", str(ws), "--no-report"]) == 0
    rows = ws / "ablations" / "tiny" / "rows"

    def job(variant: str, seed: int) -> list[tuple]:
        out = []
        for r in pq.read_table(rows / f"{variant}__seed{seed}.parquet").to_pylist():
            if r["metric"] in ("tokens_per_s", "mfu"):
                continue
            r["model_id"] = r["model_id"].split("/", 1)[1]
            out.append(tuple(v for k, v in sorted(r.items()) if k != "variant"))
        return sorted(out, key=lambda t: tuple(map(str, t)))

    assert job("full", 0) == job("twin", 0)
    assert job("full", 1) == job("twin", 1)
    assert job("full", 0) != job("full", 1)


def test_the_powered_spec_preregisters_full_minus_oracle_at_8_seeds():
    """pipelines/science_v2.toml: its [power] is the pilot's full − oracle and its seeds are the
    8 that needs (the whole spec validates once malicious_character_v2 is registered)."""
    from curate.ablation.spec import PowerSpec, check_power
    from curate.config import build, load_toml

    data = load_toml(Path(__file__).resolve().parent.parent / "pipelines" / "science_v2.toml")
    p = build(PowerSpec, data["power"], "power")
    names = [v["name"] for v in data["variants"]]
    assert names == ["full", "v2", "oracle", "random"] and data["workers"] == 2
    assert list(p.diffs) == pytest.approx(
        [f - o for f, o in zip(PILOT_FULL, PILOT_ORACLE, strict=True)]
    )
    assert len(data["seeds"]) == p.analysis().n_required == 8
    check_power(p, tuple(data["seeds"]), names)
    with pytest.raises(ConfigError, match="needs 8 seeds"):
        check_power(p, tuple(data["seeds"][:7]), names)
