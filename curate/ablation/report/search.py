"""The policy search's page: the selection per fraction, the plot "EM gap vs tokens removed" and
the table of policies, as one self-contained HTML file (`ablations/<search>/report.html`, the
figure also as `figures/em_vs_tokens_removed.png`). Every number comes from the search's table
(`curate.ablation.selection`); nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from curate.ablation.report import html as H
from curate.ablation.report.plots import em_vs_removed
from curate.ablation.results import ablation_dir, has_value
from curate.ablation.tables import chosen, fmt
from curate.files import atomic_write_bytes, atomic_write_text
from curate.workspace import Workspace

_COLUMNS = [
    "variant",
    "tokens removed",
    "EM gap [95% CI]",
    "per seed",
    "minus shuffled [95% CI]",
    "held-out loss",
    "x full",
]


def _policy_rows(table: Sequence[dict[str, Any]], picked: set[str | None]) -> list[list[str]]:
    out = []
    for r in table:
        ratio = r["heldout_ratio"]
        frac = r.get("tokens_removed_frac")
        name = ("<b>" + H.esc(r["variant"]) + "</b>") if r["variant"] in picked else r["variant"]
        out.append(
            [
                name + (f" (= {r['same_as']})" if r.get("same_as") else ""),
                "-" if not has_value(frac) else f"{100 * frac:.1f}%",
                H.interval(r["em_gap"]),
                ", ".join(f"{v:+.3f}" for v in r["em_gap"]["seeds"]),
                H.interval(r["vs_shuffled"]),
                H.interval(r["heldout_loss"], 4, signed=False),
                "-" if ratio is None else f"{ratio:.4f}",
            ]
        )
    return out


def _verdicts(sel: dict[str, Any]) -> str:
    """One list item per fraction: what the selection rule found."""
    items = []
    for tag, c in sel["per_fraction"].items():
        found = (
            f" — <b>{H.esc(c['policy'])}</b>, EM gap {H.esc(fmt(c['em_gap']))} vs shuffled "
            f"{H.esc(fmt(c['shuffled_em_gap']))}; held-out loss x{c['heldout_ratio']:.4f} of full"
            if c.get("policy")
            else ""
        )
        items.append(
            f"<li>{H.esc(tag)}: {H.esc(c['status'])}{found}"
            f" ({c['n_capable']} of {c['n_policies']} policies within capability)</li>"
        )
    return "".join(items)


def write_search_report(
    ws: Workspace, name: str, table: Sequence[dict[str, Any]], sel: dict[str, Any]
) -> Path:
    """Draw the search's figure and page; returns the page's path."""
    root = ablation_dir(ws, name)
    tol = next(iter(sel["per_fraction"].values()))["tolerance"] if sel["per_fraction"] else 0.02
    png = em_vs_removed(table, sel, tol)
    if png is not None:
        atomic_write_bytes(root / "figures" / "em_vs_tokens_removed.png", png)
    sections = [
        (
            "Selection",
            f"<p class='note'>Rule: among policies whose held-out loss is within "
            f"{100 * tol:g}% of the full corpus's, the lowest mean EM gap; it reaches the "
            "shuffled-consistency level when its mean is at most the upper end of the shuffled "
            f"95% interval.</p><ul>{_verdicts(sel)}</ul>",
        ),
        (
            "EM gap vs tokens removed",
            H.figure(png, "EM gap vs tokens removed, one point per policy", "em-vs-removed"),
        ),
        ("Policies", H.table(_COLUMNS, _policy_rows(table, chosen(sel)), "policies")),
    ]
    out = root / "report.html"
    atomic_write_text(out, H.page(f"Policy search {name}", sections))
    return out
