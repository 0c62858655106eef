"""A sweep's outputs: its table (one line per grid point), the plot, and a small HTML page.

`sweep_table(ws, sweep)` reads each point's `results` rows from the store and, at the point's
headline cell (`curate.ablation.power.headline_of`), takes the per-seed EM gaps of the contrast's
two variants a and b: each one's mean with a 95% t interval over seeds, a − b paired by seed
(paired t interval) and unpaired (Welch, as the ablation's `_vs_ref` rows), the verdict, a's
held-out loss, the model's parameters (`stats.json` of a's first model) and a's mean tokens/s
and MFU per process. `markdown_table` prints it; `sweep_plot` draws EM gap of a and b (left) and
a − b (right) against the x axis, one line per combination of the other axes;
`write_sweep_report` writes `figures/em_vs_<x>.png` and `report.html` (linking every point's
own report) under `ablations/<sweep>/`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from curate.ablation.aggregate import verdict
from curate.ablation.power import headline_of, paired, per_seed_em
from curate.ablation.report import html as H
from curate.ablation.report.plots import COLORS, _png, plt
from curate.ablation.results import Row, ablation_dir, has_value, load_rows
from curate.evaluation.stats import t_interval, welch_interval
from curate.files import atomic_write_bytes, atomic_write_text
from curate.workspace import Workspace


def fmt_value(v: Any) -> str:
    """An axis value as written in names and tables (0.25, 128, true)."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _est(values: Sequence[float]) -> dict[str, Any]:
    e = t_interval(list(values))
    return {"value": e.value, "ci_low": e.low, "ci_high": e.high, "n": e.n}


def _mean_metric(rows: Sequence[Row], variant: str, metric: str) -> float | None:
    r = [
        x["value"]
        for x in rows
        if x["variant"] == variant
        and x["seed"] is None
        and x["model_id"] == "mean"
        and x["stage"] == "pretrain"
        and x["metric"] == metric
    ]
    return r[0] if r else None


def _n_params(ws: Workspace, name: str, variant: str, seeds: Sequence[int]) -> int | None:
    for s in seeds:
        p = ablation_dir(ws, name) / "models" / variant / f"seed{s}" / "stats.json"
        if p.is_file():
            return int(json.loads(p.read_text()).get("n_params") or 0) or None
    return None


def point_line(ws: Workspace, name: str, values: dict[str, Any], a: str, b: str) -> dict:
    """One grid point's line of the sweep table (see the module docstring)."""
    rows = load_rows(ws, name)
    mf = ablation_dir(ws, name) / "manifest.json"
    cfg = json.loads(mf.read_text()).get("config", {}) if mf.is_file() else {}
    cell = headline_of(cfg, rows)
    va, vb = per_seed_em(rows, a, cell), per_seed_em(rows, b, cell)
    d, lo, hi = welch_interval(list(va.values()), list(vb.values()))
    pair = paired(rows, a, b, cell)
    return {
        "ablation": name,
        "values": values,
        "cell": list(cell),
        "a": {**_est([va[s] for s in sorted(va)]), "seeds": [va[s] for s in sorted(va)]},
        "b": {**_est([vb[s] for s in sorted(vb)]), "seeds": [vb[s] for s in sorted(vb)]},
        "paired": {k: pair[k] for k in ("mean", "ci_low", "ci_high", "verdict", "seeds")},
        "welch": {"value": d, "ci_low": lo, "ci_high": hi, "verdict": verdict(lo, hi)},
        "heldout_loss": _mean_metric(rows, a, "heldout_loss"),
        "tokens_per_s": _mean_metric(rows, a, "tokens_per_s"),
        "mfu": _mean_metric(rows, a, "mfu"),
        "n_params": _n_params(ws, name, a, sorted(va)),
    }


def sweep_table(ws: Workspace, sweep: Any) -> list[dict[str, Any]]:
    """One line per grid point of `sweep` (a `curate.ablation.sweep.SweepSpec`)."""
    return [point_line(ws, p.name, p.values, sweep.a, sweep.b) for p in sweep.points]


def _fmt(e: dict[str, Any] | None, key: str = "value") -> str:
    if not e or not has_value(e.get(key)):
        return "–"
    v, lo, hi = e[key], e.get("ci_low"), e.get("ci_high")
    if has_value(lo) and has_value(hi):
        return f"{v:+.3f} [{lo:+.3f}, {hi:+.3f}]"
    return f"{v:+.3f}"


def _cells(line: dict[str, Any], axes: Sequence[str]) -> list[str]:
    from_values = [fmt_value(line["values"][k]) for k in axes]
    tps, mfu, n = line["tokens_per_s"], line["mfu"], line["n_params"]
    loss = line["heldout_loss"]
    return [
        *from_values,
        f"{n:,}" if n else "–",
        _fmt(line["a"]),
        _fmt(line["b"]),
        _fmt({**line["paired"], "value": line["paired"]["mean"]}),
        line["paired"]["verdict"],
        _fmt(line["welch"]),
        f"{loss:.3f}" if loss is not None else "–",
        f"{tps:,.0f}" if tps is not None else "–",
        f"{mfu:.3f}" if mfu is not None else "–",
        str(line["a"]["n"]),
    ]


def _headers(sweep: Any) -> list[str]:
    a, b = sweep.a, sweep.b
    return [
        *(k.split(".")[-1] for k in sweep.section.axes),
        "parameters",
        f"EM gap {a} [95% CI]",
        f"EM gap {b} [95% CI]",
        f"{a} − {b}, paired [95% CI]",
        "verdict",
        f"{a} − {b}, Welch [95% CI]",
        f"held-out loss ({a})",
        "tokens/s per process",
        "MFU",
        "seeds",
    ]


def markdown_table(table: Sequence[dict[str, Any]], sweep: Any) -> str:
    heads = _headers(sweep)
    kind, lr, step = table[0]["cell"] if table else (None, None, None)
    lines = [
        f"sweep `{sweep.name}`: headline EM gap ({kind} fine-tune, lr {lr:g}, step {step}), "
        f"95% t intervals over seeds"
        if lr is not None
        else f"sweep `{sweep.name}`",
        "",
        "| " + " | ".join(heads) + " |",
        "|" + "---|" * len(heads),
    ]
    lines += ["| " + " | ".join(_cells(r, list(sweep.section.axes))) + " |" for r in table]
    return "\n".join(lines)


def _x_positions(values: Sequence[Any]) -> tuple[list[float], list[str] | None]:
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values], None
    labels = list(dict.fromkeys(map(str, values)))
    return [float(labels.index(str(v))) for v in values], labels


def _yerr(vals: Sequence[float], es: Sequence[dict[str, Any]]) -> list[list[float]]:
    lo = [v - e["ci_low"] if has_value(e["ci_low"]) else 0.0 for v, e in zip(vals, es, strict=True)]
    hi = [
        e["ci_high"] - v if has_value(e["ci_high"]) else 0.0 for v, e in zip(vals, es, strict=True)
    ]
    return [[max(0.0, x) for x in lo], [max(0.0, x) for x in hi]]


def sweep_plot(table: Sequence[dict[str, Any]], sweep: Any) -> bytes | None:
    """EM gap of a (solid) and b (dashed) against the x axis, and a − b paired (right), one
    colour per combination of the other axes; 95% intervals as error bars."""
    x_key = sweep.section.x_axis
    others = [k for k in sweep.section.axes if k != x_key]
    pts = [r for r in table if has_value(r["a"]["value"])]
    if not pts:
        return None
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in pts:
        groups.setdefault(tuple(r["values"][k] for k in others), []).append(r)
    xs_all, labels = _x_positions([r["values"][x_key] for r in pts])
    span = (max(xs_all) - min(xs_all)) or 1.0
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, (g, rs) in enumerate(groups.items()):
        col = COLORS[i % len(COLORS)]
        name = ", ".join(f"{sweep.section.tag(k)}={v}" for k, v in zip(others, g, strict=True))
        xs, _ = _x_positions([r["values"][x_key] for r in rs])
        if labels:
            xs = [labels.index(str(r["values"][x_key])) for r in rs]
        off = (i - (len(groups) - 1) / 2) * 0.03 * span  # side by side, not on top
        for ax, key, ls, label, dx in (
            (axes[0], "a", "-", f"{sweep.a} {name}".strip(), -0.006 * span),
            (axes[0], "b", "--", f"{sweep.b} {name}".strip(), 0.006 * span),
            (axes[1], "paired", "-", name or f"{sweep.a} − {sweep.b}", 0.0),
        ):
            es = [r[key] for r in rs]
            vals = [e["value"] if key != "paired" else e["mean"] for e in es]
            ax.errorbar(
                [x + off + dx for x in xs],
                vals,
                yerr=_yerr(vals, es),
                color=col,
                ls=ls,
                marker="o" if ls == "-" else "s",
                ms=4,
                capsize=3,
                label=label,
            )
    for ax in axes:
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel(sweep.section.tag(x_key) if labels else x_key.split(".")[-1])
        if labels:
            ax.set_xticks(range(len(labels)), labels)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("EM gap (nats/token, bad − control FT)")
    axes[0].set_title(f"EM gap: {sweep.a} (solid) and {sweep.b} (dashed), 95% CI", fontsize=9)
    axes[1].set_ylabel(f"{sweep.a} − {sweep.b}")
    axes[1].set_title(f"{sweep.a} − {sweep.b}, paired by seed, 95% CI", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def write_sweep_report(ws: Workspace, sweep: Any, table: Sequence[dict[str, Any]]) -> str:
    """`figures/em_vs_<x>.png` and `report.html` of the sweep; returns the page's path."""
    root = ablation_dir(ws, sweep.name)
    png = sweep_plot(table, sweep)
    x = sweep.section.x_axis.split(".")[-1]
    if png is not None:
        atomic_write_bytes(root / "figures" / f"em_vs_{x}.png", png)
    axes = list(sweep.section.axes)
    rows = []
    for r in table:
        cells: list[Any] = _cells(r, axes)
        cells[len(axes) + 4] = H.verdict_html(cells[len(axes) + 4])
        link = f'<a href="../{H.esc(r["ablation"])}/report.html">{H.esc(r["ablation"])}</a>'
        rows.append([link, *cells])
    kind, lr, step = table[0]["cell"] if table else (None, None, None)
    setting = f"{kind} fine-tune, lr {lr:g}, step {step}" if lr is not None else ""
    intro = (
        f"<p>{len(table)} grid point(s), each an ordinary ablation (its rows are in "
        f"<code>results</code> under its own name; the link opens its report). Headline cell: "
        f"{H.esc(setting)}. EM gap = cross-domain misaligned-vs-aligned log-likelihood gap after "
        "the misaligned minus the aligned fine-tune (nats/token); 95% t intervals over seeds; "
        f"{H.esc(sweep.a)} − {H.esc(sweep.b)} paired by seed (t interval of the per-seed "
        "differences) and Welch. A difference is called only when its interval excludes 0."
        "</p>"
    )
    body = (
        intro
        + H.table(["ablation", *_headers(sweep)], rows, "sweep_table", left=1 + len(axes))
        + H.figure(png, f"EM gap against {x}", "fig_sweep")
        + f"<p class='note'>axes: {H.esc(json.dumps(sweep.section.axes))}</p>"
    )
    out = root / "report.html"
    atomic_write_text(out, H.page(f"Sweep {sweep.name}", [("", body)]))
    return str(out)
