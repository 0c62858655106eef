"""Reports of ablations: PNG figures and one self-contained HTML page, from the store.

`write_report(ws, name)` reads the `results` rows of ablation `name` (read-only connection) and
the run's manifest (`sections.ReportData`), draws the figures (`plots`), writes them as PNG files
under `ablations/<name>/figures/` and embeds the same bytes in `ablations/<name>/report.html`
(`html`). It never trains or evaluates anything: a report can be redrawn at any time with
`curate report WS --ablation NAME`. The policy search's page is `search.write_search_report`.

The page leads with the headline: per variant, the EM gap (cross-domain, pooled over the
fine-tune domains) at the headline (kind, lr, step) with its 95% interval over seeds, then the
difference from the reference variant with its interval and the verdict ("no detectable
difference" when the interval includes 0). Then the sweep (every kind × lr × step), the
generalization matrix, the realignment curve, capability and the in-context probe, pretraining
loss and throughput. An ablation with a `[power]` section gets a "Pre-registered power" section
after the headline (`power`: the registered calculation and the observed paired difference).
"""

from __future__ import annotations

from pathlib import Path

from curate.ablation.power import registration
from curate.ablation.report import html as H
from curate.ablation.report import power as P
from curate.ablation.report import sections as S
from curate.ablation.results import ablation_dir
from curate.files import atomic_write_bytes, atomic_write_text
from curate.workspace import Workspace


def write_report(ws: Workspace, name: str) -> Path:
    """Draw ablation `name`'s figures and page; returns the page's path."""
    d = S.ReportData.load(ws, name)
    root = ablation_dir(ws, name)
    figs = S.figures(d)
    for k, png in figs.items():
        if png is not None:
            atomic_write_bytes(root / "figures" / f"{k}.png", png)
    sections = [
        ("Headline", S.headline(d, figs)),
    ]
    reg = registration(ws, name)
    if reg is not None:
        sections.append(("Pre-registered power", P.section(d, reg)))
    sections += [
        ("Fine-tune sweep: learning rate × checkpoint", S.sweep(d, figs)),
        ("Per fine-tune domain", S.per_domain(d)),
        ("Generalization matrix", S.generalization(figs)),
        ("Realignment", S.realignment(d, figs)),
        ("Pretraining", S.pretraining(d, figs)),
    ]
    out = root / "report.html"
    atomic_write_text(out, H.page(f"Ablation {name}", sections))
    return out
