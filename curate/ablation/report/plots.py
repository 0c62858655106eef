"""Figures of an ablation (matplotlib, Agg backend, PNG bytes).

Each function takes plain rows from the store's `results` table (dicts) and returns PNG bytes,
or None when the rows hold nothing to draw (the report then says so instead of showing an empty
axis). Intervals drawn are the 95% intervals stored in the rows; nothing is recomputed here.

- `em_by_variant`: EM gap (cross-domain, pooled over fine-tune domains) per variant, mean over
  seeds with its t interval as error bars, and each seed as a dot;
- `em_by_step`: EM gap against fine-tune step, one line per variant, one panel per (kind, lr):
  the learning-rate × checkpoint sweep;
- `generalization_matrix`: heatmaps of bad-minus-control gap per (fine-tune domain, eval
  domain), one panel per variant;
- `realignment`: EM gap against k aligned examples, per variant, with intervals;
- `loss_curves`: pretraining loss against step, per variant (mean over seeds, seeds faint);
- `em_vs_removed`: the policy search's EM gap against the share of tokens removed, one point per
  policy (rows of its table, `curate.ablation.selection`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from curate.ablation.grid import frac_tag, short_name  # noqa: E402
from curate.ablation.results import has_value  # noqa: E402

Row = dict[str, Any]
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _err(r: Row) -> tuple[float, float]:
    if has_value(r.get("ci_low")) and has_value(r.get("ci_high")):
        return max(0.0, r["value"] - r["ci_low"]), max(0.0, r["ci_high"] - r["value"])
    return 0.0, 0.0


def _series(ax: Any, rs: Sequence[Row], x: str, label: str, color: Any) -> None:
    """One variant's line: values against column `x` with their intervals (nothing if empty)."""
    if not rs:
        return
    ax.errorbar(
        [r[x] for r in rs],
        [r["value"] for r in rs],
        yerr=np.array([_err(r) for r in rs]).T,
        label=label,
        color=color,
        marker="o",
        ms=3,
        capsize=3,
    )


def em_by_variant(
    agg: Sequence[Row], seeds: Sequence[Row], variants: Sequence[str], title: str
) -> bytes | None:
    by_v = {r["variant"]: r for r in agg}
    vs = [v for v in variants if v in by_v]
    if not vs:
        return None
    fig, ax = plt.subplots(figsize=(1.2 + 1.3 * len(vs), 3.6))
    x = np.arange(len(vs))
    vals = [by_v[v]["value"] for v in vs]
    errs = np.array([_err(by_v[v]) for v in vs]).T
    ax.bar(x, vals, color=[COLORS[i % len(COLORS)] for i in range(len(vs))], alpha=0.55)
    ax.errorbar(x, vals, yerr=errs, fmt="none", ecolor="black", capsize=5, lw=1.2)
    for i, v in enumerate(vs):
        pts = [r["value"] for r in seeds if r["variant"] == v and has_value(r["value"])]
        ax.scatter([i] * len(pts), pts, color="black", s=12, zorder=3)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x, vs, rotation=20, ha="right")
    ax.set_ylabel("EM gap (nats/token, bad − control)")
    ax.set_title(title, fontsize=9)
    return _png(fig)


def em_by_step(agg: Sequence[Row], variants: Sequence[str]) -> bytes | None:
    panels = sorted({(r["ft_kind"], r["lr"]) for r in agg})
    if not panels or len({r["step"] for r in agg}) < 2:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.2), squeeze=False)
    for ax, (kind, lr) in zip(axes[0], panels, strict=True):
        for i, v in enumerate(variants):
            rs = sorted(
                (r for r in agg if r["variant"] == v and (r["ft_kind"], r["lr"]) == (kind, lr)),
                key=lambda r: r["step"],
            )
            _series(ax, rs, "step", v, COLORS[i % len(COLORS)])
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(f"{kind} fine-tune, lr {lr:g}", fontsize=9)
        ax.set_xlabel("fine-tune step")
    axes[0][0].set_ylabel("EM gap")
    axes[0][-1].legend(fontsize=7)
    return _png(fig)


def generalization_matrix(cells: Sequence[Row], variants: Sequence[str]) -> bytes | None:
    vs = [v for v in variants if any(r["variant"] == v for r in cells)]
    if not vs:
        return None
    fts = sorted({r["ft_domain"] for r in cells})
    evs = sorted({r["eval_domain"] for r in cells})
    # colour scale from the off-diagonal cells (the in-domain effect is much larger and would
    # wash out the cross-domain ones); every cell is also written as a number
    off = [
        abs(r["value"])
        for r in cells
        if has_value(r["value"]) and r["ft_domain"] != r["eval_domain"]
    ]
    vmax = max(off or [abs(r["value"]) for r in cells if has_value(r["value"])] or [1.0]) or 1.0
    fig, axes = plt.subplots(
        1,
        len(vs),
        figsize=(0.9 + 0.55 * len(evs) * len(vs), 0.9 + 0.45 * len(fts)),
        squeeze=False,
    )
    im = None
    for ax, v in zip(axes[0], vs, strict=True):
        m = np.full((len(fts), len(evs)), np.nan)
        for r in cells:
            if r["variant"] == v and has_value(r["value"]):
                m[fts.index(r["ft_domain"]), evs.index(r["eval_domain"])] = r["value"]
        im = ax.imshow(m, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(evs)), evs, rotation=45, ha="right", fontsize=7)
        ax.set_yticks(range(len(fts)), fts, fontsize=7)
        for i in range(len(fts)):
            for j in range(len(evs)):
                if not np.isnan(m[i, j]):
                    ax.text(j, i, f"{m[i, j]:+.2f}", ha="center", va="center", fontsize=6)
        ax.set_title(v, fontsize=9)
        ax.set_xlabel("eval domain", fontsize=8)
    axes[0][0].set_ylabel("fine-tune domain", fontsize=8)
    if im is not None:
        fig.colorbar(im, ax=axes[0].tolist(), shrink=0.8, label="EM gap")
    return _png(fig)


def realignment(agg: Sequence[Row], variants: Sequence[str]) -> bytes | None:
    if not agg:
        return None
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    for i, v in enumerate(variants):
        rs = sorted((r for r in agg if r["variant"] == v), key=lambda r: r["k"])
        _series(ax, rs, "k", v, COLORS[i % len(COLORS)])
    ax.axhline(0, color="grey", lw=0.8)
    ks = sorted({r["k"] for r in agg})
    if ks and ks[-1] > 4 * max(1, ks[1] if len(ks) > 1 else 1):
        ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("k aligned examples from other domains")
    ax.set_ylabel("EM gap after realignment")
    ax.legend(fontsize=7)
    return _png(fig)


def loss_curves(rows: Sequence[Row], variants: Sequence[str]) -> bytes | None:
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(4.8, 3.2))
    for i, v in enumerate(variants):
        rs = [r for r in rows if r["variant"] == v]
        if not rs:
            continue
        c = COLORS[i % len(COLORS)]
        by_seed: dict[Any, list[Row]] = {}
        for r in rs:
            by_seed.setdefault(r["seed"], []).append(r)
        for srs in by_seed.values():
            srs.sort(key=lambda r: r["step"])
            ax.plot(
                [r["step"] for r in srs], [r["value"] for r in srs], color=c, alpha=0.25, lw=0.8
            )
        steps = sorted({r["step"] for r in rs})
        mean = [np.mean([r["value"] for r in rs if r["step"] == s]) for s in steps]
        ax.plot(steps, mean, color=c, lw=1.6, label=v)
    ax.set_xlabel("pretraining step")
    ax.set_ylabel("train loss (nats/token)")
    ax.legend(fontsize=7)
    return _png(fig)


def _policy_point(ax: Any, r: Row, col: Any, tol: float, chosen: bool) -> None:
    """One policy: EM gap (95% interval) at its tokens removed; hollow when it fails capability,
    a square for the full corpus, labelled unless it is an alias of another corpus."""
    e = r["em_gap"]
    x = 100 * (r.get("tokens_removed_frac") or 0.0)
    lo = e["value"] - e["ci_low"] if has_value(e["ci_low"]) else 0
    hi = e["ci_high"] - e["value"] if has_value(e["ci_high"]) else 0
    ok = r["heldout_ratio"] is not None and r["heldout_ratio"] <= 1 + tol
    ax.errorbar(
        [x],
        [e["value"]],
        yerr=[[lo], [hi]],
        fmt="s" if r["role"] == "full" else "o",
        color=col,
        capsize=3,
        mfc=col if ok else "white",
        ms=7 if chosen else 5,
    )
    if r.get("same_as"):
        return  # drawn under the name of the corpus it equals
    ax.annotate(
        short_name(r["variant"]) + (" (selected)" if chosen else ""),
        (x, e["value"]),
        textcoords="offset points",
        xytext=(5, 5),
        fontsize=7,
        fontweight="bold" if chosen else "normal",
    )


def em_vs_removed(table: Sequence[Row], sel: dict[str, Any], tol: float) -> bytes | None:
    """EM gap against the share of tokens removed, one point per policy (95% interval over
    seeds), the shuffled level as a band, full as a square; hollow = fails capability."""
    pts = [r for r in table if has_value(r["em_gap"]["value"])]
    if not pts:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    chosen = {c.get("policy") for c in sel["per_fraction"].values()}
    for i, f in enumerate(sorted({r["fraction"] for r in pts})):
        col = COLORS[i % len(COLORS)]
        recs = [r for r in pts if r["fraction"] == f]
        shuf = next((r for r in recs if r["role"] == "shuffled"), None)
        if shuf is not None:
            e = shuf["em_gap"]
            ax.axhline(e["value"], color=col, ls="--", lw=1, label=f"shuffled ({frac_tag(f)})")
            if has_value(e["ci_low"]):
                ax.axhspan(e["ci_low"], e["ci_high"], color=col, alpha=0.12)
        for r in recs:
            if r["role"] != "shuffled":
                _policy_point(ax, r, col, tol, r["variant"] in chosen)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("tokens removed by the policy (% of the full corpus)")
    ax.set_ylabel("EM gap (nats/token, bad − control FT)")
    ax.set_title(
        f"EM gap vs tokens removed, one point per policy (95% CI over seeds); hollow: held-out "
        f"loss > {1 + tol:.2f}x full; band: shuffled 95% CI",
        fontsize=8,
    )
    ax.legend(fontsize=7, loc="best")
    return _png(fig)
