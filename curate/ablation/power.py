"""Power of a paired-by-seed comparison: the pre-registration (`[power]`) and the observed result.

Variants of one ablation are *paired by seed*: for a seed k every variant's model starts from
the same initial weights (`torch.manual_seed(k)` before the GPT is built; the tokenizer, hence
the shapes, is shared), draws its pretraining windows from the same generator sequence (seeded
by (k, step); identical windows where two corpora have the same length, otherwise the same
random numbers over a different stream), and every fine-tune of every variant sees the same
examples in the same batches (`seed * 7919 + 17`) from the same RNG state
(`torch.manual_seed(k)` before each fine-tune, so dropout, when on, is paired too); the
evaluation's bootstrap is seeded by k as well. So the per-seed difference a − b of the headline
EM gap removes what seeds share, and the paired t test on those differences is the comparison
a design can be powered for (`curate.evaluation.stats.power_analysis`).

- `register(spec, root)`: before any job of an ablation with `[power]` runs, the calculation is
  written to `ablations/<name>/power.json` (inputs, required n, the seeds listed, the time); the
  spec validation has already refused fewer seeds than required. A rerun with a different
  `[power]` (or none) is refused; adding `[power]` to an ablation that already has finished jobs
  is refused (it would not be a pre-registration).
- `paired(rows, a, b, cell)`: the per-seed values of two variants at a (kind, lr, step) cell
  (`results` rows with seed not NULL, metric em_gap, ft_domain and eval_domain '*'), paired by
  seed, and the mean difference with its paired t interval (`observed`).
- `power_report(ws, name, a, b, ...)`: both, from a finished ablation in the store (what
  `curate power` prints, `markdown`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from curate.ablation.aggregate import verdict
from curate.ablation.results import AGG, Row, ablation_dir, has_value, load_rows
from curate.ablation.spec import AblationSpec
from curate.config import to_dict
from curate.errors import CurateError, unknown_name
from curate.evaluation.stats import power_analysis, t_interval
from curate.files import atomic_write_text
from curate.workspace import Workspace

Cell = tuple[Any, Any, Any]  # (ft_kind, lr, step)


# --------------------------------------------------------------------------- pre-registration


def register(spec: AblationSpec, root: Path) -> dict[str, Any] | None:
    """Write (first run) or check (rerun) the pre-registration `power.json`; returns it."""
    path = root / "power.json"
    old = json.loads(path.read_text()) if path.is_file() else None
    if not spec.power.active:
        if old is not None:
            raise CurateError(
                f"{path}: ablation {spec.name!r} was pre-registered with a [power] section; a "
                "rerun must keep it unchanged (or use another `name`)"
            )
        return None
    section = to_dict(spec.power)
    if old is not None:
        if old["section"] != section:
            raise CurateError(
                f"{path}: the pre-registered [power] of ablation {spec.name!r} was "
                f"{old['section']}; the spec now says {section}. A pre-registration is fixed "
                "before the run: restore it, or start a new ablation under another `name`"
            )
        return old
    rows_dir = root / "rows"
    if rows_dir.is_dir() and any(rows_dir.glob("*.parquet")):
        raise CurateError(
            f"{root}: ablation {spec.name!r} already has finished jobs; a [power] section can "
            "only be added before any job runs (it would not be a pre-registration). Give this "
            "spec another `name`"
        )
    pa = spec.power.analysis(len(spec.seeds))
    fs = spec.finetune
    rec = {
        "section": section,
        "cell": [fs.kinds[0], fs.lrs[0], spec.stats.headline_step or max(fs.checkpoints)],
        "analysis": pa.as_dict(),
        "seeds": list(spec.seeds),
        "registered_at": datetime.now(UTC).isoformat(),
        "test": "two-sided paired t test on per-seed differences of the headline EM gap",
    }
    atomic_write_text(path, json.dumps(rec, indent=2) + "\n")
    return rec


def registration(ws: Workspace, name: str) -> dict[str, Any] | None:
    """The ablation's `power.json`, or None when it has no [power] section."""
    p = ablation_dir(ws, name) / "power.json"
    return json.loads(p.read_text()) if p.is_file() else None


# ------------------------------------------------------------------------------- observed


def headline_of(cfg: dict[str, Any], rows: Sequence[Row]) -> Cell:
    """The report's headline cell: the first fine-tune kind and lr of the spec, `[stats]
    headline_step` or the last checkpoint (from the manifest's config, else from the rows)."""
    ft = [r for r in rows if r["stage"] == "ft_misaligned" and r["metric"] == "em_gap"]
    fcfg = cfg.get("finetune") or {}
    kinds = fcfg.get("kinds") or sorted({r["ft_kind"] for r in ft if r["ft_kind"]})
    lrs = fcfg.get("lrs") or sorted({r["lr"] for r in ft})
    steps = sorted({r["step"] for r in ft})
    step = (cfg.get("stats") or {}).get("headline_step") or (steps[-1] if steps else None)
    return (kinds[0] if kinds else None, lrs[0] if lrs else None, step)


def per_seed_em(rows: Sequence[Row], variant: str, cell: Cell) -> dict[int, float]:
    """{seed: headline EM gap} of a variant (pooled over fine-tune domains) at `cell`."""
    kind, lr, step = cell
    return {
        int(r["seed"]): float(r["value"])
        for r in rows
        if r["variant"] == variant
        and r["seed"] is not None
        and r["stage"] == "ft_misaligned"
        and r["metric"] == "em_gap"
        and r["ft_domain"] == AGG
        and r["eval_domain"] == AGG
        and r["ft_kind"] == kind
        and r["lr"] == lr
        and r["step"] == step
        and has_value(r["value"])
    }


def paired(rows: Sequence[Row], a: str, b: str, cell: Cell, alpha: float = 0.05) -> dict:
    """Per seed (both variants present) the values and a − b, and the mean difference with its
    (1 - alpha) paired t interval; `detectable` when the interval excludes 0."""
    va, vb = per_seed_em(rows, a, cell), per_seed_em(rows, b, cell)
    seeds = sorted(set(va) & set(vb))
    diffs = [va[s] - vb[s] for s in seeds]
    est = t_interval(diffs, alpha) if diffs else None
    lo, hi = (est.low, est.high) if est else (math.nan, math.nan)
    return {
        "a": a,
        "b": b,
        "cell": list(cell),
        "seeds": seeds,
        "values_a": [va[s] for s in seeds],
        "values_b": [vb[s] for s in seeds],
        "diffs": diffs,
        "unpaired_seeds": sorted(set(va) ^ set(vb)),
        "mean": est.value if est else math.nan,
        "ci_low": lo,
        "ci_high": hi,
        "level": 1 - alpha,
        "verdict": verdict(lo, hi),
        "detectable": bool(est and est.excludes_zero()),
    }


def power_report(
    ws: Workspace,
    name: str,
    a: str,
    b: str,
    alpha: float = 0.05,
    power: float = 0.8,
    kind: str = "",
    lr: float = 0.0,
    step: int = 0,
) -> dict[str, Any]:
    """From a finished ablation in the store: the paired per-seed differences a − b at the
    headline cell (or the given kind / lr / step) and the seeds a study of that effect needs."""
    rows = load_rows(ws, name)
    have = sorted({r["variant"] for r in rows})
    for v in (a, b):
        if v not in have:
            raise unknown_name("variant", v, have, f"ablation {name}")
    mf = ablation_dir(ws, name) / "manifest.json"
    cfg = json.loads(mf.read_text()).get("config", {}) if mf.is_file() else {}
    head = headline_of(cfg, rows)
    cell = (kind or head[0], lr or head[1], step or head[2])
    obs = paired(rows, a, b, cell, alpha)
    if len(obs["diffs"]) < 2:
        raise CurateError(
            f"ablation {name!r}: {len(obs['diffs'])} seed(s) with both {a!r} and {b!r} at "
            f"{cell}; at least 2 are needed for an sd"
        )
    pa = power_analysis(obs["diffs"], alpha=alpha, power=power, n=len(obs["diffs"]))
    return {"ablation": name, "observed": obs, "analysis": pa.as_dict()}


# --------------------------------------------------------------------------------- printing


def _f(v: Any, d: int = 3, sign: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:+.{d}f}" if sign else f"{v:.{d}f}"


def analysis_lines(pa: dict[str, Any], n_label: str = "seeds used") -> list[str]:
    """The power calculation as a Markdown table."""
    need = pa["n_required"]
    return [
        "| mean diff | sd | d | alpha (two-sided) | power wanted | seeds needed | power at that n "
        f"| {n_label} | power at {n_label} |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {_f(pa['mean'], 4)} | {_f(pa['sd'], 4, False)} | {_f(pa['effect_size'], 2, False)} "
        f"| {pa['alpha']:g} | {pa['power']:.0%} | {need if need is not None else 'unreachable'} "
        f"| {_f(pa['power_at_required'], 3, False)} | {pa['n'] if pa['n'] is not None else '–'} "
        f"| {_f(pa['power_at_n'], 3, False)} |",
    ]


def markdown(rep: dict[str, Any]) -> str:
    """`curate power`'s table: per seed a, b, a − b; the mean with its interval; the power."""
    o, pa = rep["observed"], rep["analysis"]
    kind, lr, step = o["cell"]
    a, b = o["a"], o["b"]
    lines = [
        f"ablation `{rep['ablation']}`, fine-tune {kind}, lr {lr:g}, step {step}: headline EM "
        f"gap, {a} − {b}, paired by seed",
        "",
        f"| seed | {a} | {b} | {a} − {b} |",
        "|---|---|---|---|",
    ]
    for s, x, y, d in zip(o["seeds"], o["values_a"], o["values_b"], o["diffs"], strict=True):
        lines.append(f"| {s} | {_f(x)} | {_f(y)} | {_f(d)} |")
    lines.append(
        f"| mean [{o['level']:.0%} paired t CI] | | | {_f(o['mean'])} [{_f(o['ci_low'])}, "
        f"{_f(o['ci_high'])}]: {o['verdict']} |"
    )
    if o["unpaired_seeds"]:
        lines.append(
            f"\n(seeds with only one of the two variants, left out: {o['unpaired_seeds']})"
        )
    lines += ["", "Seeds needed to detect this difference (exact paired t test power):", ""]
    lines += analysis_lines(pa)
    return "\n".join(lines)
