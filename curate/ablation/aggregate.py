"""From the jobs' per-seed rows to the numbers an ablation reports.

1. `pool_ft_domains`: per seed, the mean over the fine-tune domains of the cross-domain EM
   (`ft_domain = '*'`, model_id 'mean-over-ft-domains'): a seed's one EM number per (kind, lr,
   step), what the headline interval over seeds is computed from;
2. `aggregate`: means over seeds (`seed` NULL, model_id 'mean') with a 95% Student t interval
   (`n` = seeds), and `<metric>_vs_ref` rows (model_id `mean-minus-<ref>`) for em_gap, em_rate,
   em_soft_rate, probe_gap_diff and heldout_loss: the difference from the reference variant
   (`[stats] reference`, default the first variant) with a Welch interval;
3. `verdict`: the words an interval earns — a difference is called only when its interval
   excludes 0, otherwise "no detectable difference" (the report, `curate em-table`).
"""

from __future__ import annotations

import math

import numpy as np

from curate.ablation.results import AGG, Row, has_value
from curate.ablation.spec import AblationSpec
from curate.evaluation.stats import t_interval, welch_interval

_GROUP = (
    "ablation",
    "variant",
    "stage",
    "ft_domain",
    "ft_kind",
    "step",
    "lr",
    "eval_domain",
    "metric",
    "k",
    "realign_domain",
)
# per-seed metrics whose mean over seeds is worth a row (not the train-loss curve points)
_AGG_METRICS = {
    "misaligned_gap",
    "misaligned_rate",
    "soft_misaligned_rate",
    "aligned_answer_loss",
    "em_gap",
    "em_rate",
    "em_soft_rate",
    "heldout_loss",
    "probe_gap_diff",
    "probe_rate_diff",
    "probe_gap_after_aligned",
    "probe_gap_after_misaligned",
    "tokens_per_s",
    "mfu",
}
# graded per-pair metrics (`pair_rate:<pair_id>`, `em_pair_rate:<pair_id>`) are averaged too
_AGG_PREFIXES = ("pair_rate:", "em_pair_rate:")
# metrics also reported as a difference from the reference variant
_VS_REF = ("em_gap", "em_rate", "em_soft_rate", "probe_gap_diff", "heldout_loss")
_EM = ("em_gap", "em_rate", "em_soft_rate")
# what identifies a seed's EM over fine-tune domains
_POOL = ("ablation", "variant", "seed", "stage", "ft_kind", "step", "lr", "metric", "k")


def pool_ft_domains(rows: list[Row]) -> list[Row]:
    """Per seed, the mean over fine-tune domains of the cross-domain EM (ft_domain '*').

    A seed's EM for a (kind, lr, step) is one number: the mean over the fine-tune domains of
    its cross-domain EM. These per-seed rows (model_id 'mean-over-ft-domains') are what the
    headline interval over seeds is computed from.
    """
    groups: dict[tuple, list[float]] = {}
    for r in rows:
        if (
            r["stage"] in ("ft_misaligned", "realign")
            and r["eval_domain"] == AGG
            and r["metric"] in _EM
            and r["seed"] is not None
            and r.get("ft_domain") not in (None, AGG)
        ):
            groups.setdefault(tuple(r.get(c) for c in _POOL), []).append(r["value"])
    out = []
    for key, vals in groups.items():
        vals = [v for v in vals if has_value(v)]
        if vals:
            out.append(
                {
                    **dict(zip(_POOL, key, strict=True)),
                    "ft_domain": AGG,
                    "eval_domain": AGG,
                    "model_id": "mean-over-ft-domains",
                    "value": float(np.mean(vals)),
                    "n": len(vals),
                }
            )
    return out


def _interval_row(rec: Row, model_id: str, value: float, low: float, high: float, n: int) -> Row:
    return {
        **rec,
        "seed": None,
        "model_id": model_id,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "n": n,
    }


def aggregate(rows: list[Row], spec: AblationSpec) -> list[Row]:
    """Mean over seeds with a t interval; em_gap / em_rate / incontext_gap minus the reference."""
    groups: dict[tuple, list[float]] = {}
    for r in rows:
        m = r["metric"]
        agg = m in _AGG_METRICS or m.startswith(_AGG_PREFIXES)
        if agg and r["seed"] is not None and has_value(r["value"]):
            groups.setdefault(tuple(r.get(c) for c in _GROUP), []).append(r["value"])
    out = []
    for key, vals in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        est = t_interval(vals)
        rec = dict(zip(_GROUP, key, strict=True))
        out.append(_interval_row(rec, "mean", est.value, est.low, est.high, len(vals)))
    ref = spec.reference
    for key, vals in groups.items():
        rec = dict(zip(_GROUP, key, strict=True))
        if rec["variant"] == ref or rec["metric"] not in _VS_REF:
            continue
        ref_key = tuple(ref if c == "variant" else rec[c] for c in _GROUP)
        if ref_key not in groups:
            continue
        d, lo, hi = welch_interval(vals, groups[ref_key])
        rec["metric"] = f"{rec['metric']}_vs_ref"
        out.append(_interval_row(rec, f"mean-minus-{ref}", d, lo, hi, len(vals)))
    return out


def verdict(low: float | None, high: float | None) -> str:
    """The words the report uses for an effect's interval."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "no interval (fewer than 2 seeds)"
    if low <= 0 <= high:
        return "no detectable difference"
    return "higher" if low > 0 else "lower"
