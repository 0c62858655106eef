"""The report's "Pre-registered power" section (ablations with a `[power]` section).

Shows the calculation as it was registered before any job ran (`ablations/<name>/power.json`,
`curate.ablation.power.register`): the comparison, the assumed per-seed differences and where
they come from, alpha, the power wanted, the seeds needed and the seeds listed with the design
power at that count; then, from the store's rows, the observed per-seed differences at the
headline cell, their mean with the paired t interval at the registered level, and whether the
difference is detectable (the interval excludes 0).
"""

from __future__ import annotations

from typing import Any

from curate.ablation.power import paired
from curate.ablation.report import html as H
from curate.ablation.report.sections import ReportData


def section(d: ReportData, reg: dict[str, Any]) -> str:
    sec, pa = reg["section"], reg["analysis"]
    a, b, alpha = sec["a"], sec["b"], float(sec["alpha"])
    assumed = sec.get("diffs") or []
    src = f" ({H.esc(sec['source'])})" if sec.get("source") else ""
    inputs = (
        f"per-seed differences {H.esc(', '.join(f'{x:+.3f}' for x in assumed))}"
        if assumed
        else f"mean {H.num(sec.get('mean'))}, sd {H.num(sec.get('sd'), signed=False)}"
    )
    need = pa["n_required"]
    calc = H.table(
        [
            "comparison",
            "assumed mean diff",
            "sd",
            "d",
            "alpha (two-sided)",
            "power wanted",
            "seeds needed",
            "power at that n",
            "seeds listed",
            "design power with them",
        ],
        [
            [
                f"{a} − {b}",
                H.num(pa["mean"], 4),
                H.num(pa["sd"], 4, signed=False),
                H.num(pa["effect_size"], 2, signed=False),
                f"{alpha:g}",
                f"{pa['power']:.0%}",
                need if need is not None else "unreachable",
                H.num(pa["power_at_required"], 3, signed=False),
                len(reg["seeds"]),
                H.num(pa["power_at_n"], 3, signed=False),
            ]
        ],
        "power_calc",
    )
    obs = paired(d.rows, a, b, (d.kind, d.lr, d.head_step), alpha)
    per_seed = H.table(
        ["seed", a, b, f"{a} − {b}"],
        [
            [s, H.num(x), H.num(y), H.num(z)]
            for s, x, y, z in zip(
                obs["seeds"], obs["values_a"], obs["values_b"], obs["diffs"], strict=True
            )
        ],
        "power_seeds",
    )
    if obs["diffs"]:
        ci = {"value": obs["mean"], "ci_low": obs["ci_low"], "ci_high": obs["ci_high"]}
        word = "detectable" if obs["detectable"] else "not detectable"
        result = (
            f"<p>Observed ({d.setting}): {H.esc(a)} − {H.esc(b)} = {H.interval(ci)} "
            f"({obs['level']:.0%} paired t interval over {len(obs['diffs'])} seeds "
            f"{H.esc(obs['seeds'])}): {H.verdict_html(obs['verdict'])} — the pre-registered "
            f"difference is <b>{word}</b> at alpha {alpha:g}.</p>"
        )
    else:
        result = "<p class='note'>No seed has both variants' rows yet.</p>"
    cell = reg.get("cell") or ["?", "?", "?"]
    return (
        f"<p>Registered {H.esc(reg.get('registered_at', '?'))}, before any job ran: "
        f"{H.esc(reg.get('test', ''))} ({H.esc(cell[0])} fine-tune, lr {H.esc(cell[1])}, step "
        f"{H.esc(cell[2])}), {H.esc(a)} − {H.esc(b)}, assuming {inputs}{src}. Seeds "
        f"listed at registration: {H.esc(reg['seeds'])}. The run refuses fewer seeds than "
        "needed, so the seed count was not chosen after seeing results.</p>"
        + calc
        + result
        + per_seed
    )
