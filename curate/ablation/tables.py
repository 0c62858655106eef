"""Tables of EM gaps: the policy search's table and rows, and the per-variant EM table of any
ablation (`curate em-table`).

- `markdown_table(table, sel)`: the search's lines (`curate.ablation.selection`) as Markdown,
  the selected policies in bold, followed by `describe(sel)`;
- `result_rows(name, table, sel)`: the search's own `results` rows (ablation = the search's
  name): the copied means (EM gap, held-out loss) keep their stage, its derived numbers (tokens
  removed, capability ratio, selected, ...) have stage 'search';
- `em_table(ws, ablation, order)`: per variant, the EM gap per seed and its mean [95% CI], the
  cross-domain misaligned rate after the bad fine-tune, held-out loss and the in-context probe;
  for consecutive variants of `order` the Welch difference and its verdict (the pilot's
  ordering: full ≈ random > filtered > shuffled ≈ no persona documents); `check_order` compares
  those verdicts with expected relations, `em_table_markdown` prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curate.ablation.aggregate import verdict
from curate.ablation.grid import SelectionSpec, frac_tag
from curate.ablation.results import Row, has_value, read_rows
from curate.ablation.selection import estimate, headline_cell, per_seed
from curate.errors import CurateError, unknown_name
from curate.evaluation.stats import welch_interval
from curate.workspace import Workspace


def fmt(e: dict[str, Any] | None, d: int = 3, signed: bool = True) -> str:
    """'value [low, high]' of an estimate dict ('–' when it has no value)."""
    if not e or not has_value(e.get("value")):
        return "–"
    sg = "+" if signed else ""
    if has_value(e.get("ci_low")) and has_value(e.get("ci_high")):
        return f"{e['value']:{sg}.{d}f} [{e['ci_low']:{sg}.{d}f}, {e['ci_high']:{sg}.{d}f}]"
    return f"{e['value']:{sg}.{d}f}"


def chosen(sel: dict[str, Any]) -> set[str | None]:
    """The policies the selection chose (one per fraction)."""
    return {c.get("policy") for c in sel["per_fraction"].values()}


def describe(sel: dict[str, Any]) -> str:
    b = sel.get("best")
    if not b:
        return "no policy passed the capability criterion (or none was measured)"
    e, s = b["em_gap"], b["shuffled_em_gap"] or {}
    n = e.get("n")
    few = f"; only {n} seed(s): no interval, not a finding" if n is not None and n < 2 else ""
    return (
        f"selected {b['policy']}: EM gap {fmt(e)} vs shuffled {fmt(s)} -> {b['status']} "
        f"(held-out loss x{b['heldout_ratio']:.4f} of full{few})"
    )


def _tolerance(r: dict[str, Any], sel: dict[str, Any]) -> float:
    return sel["per_fraction"][frac_tag(r["fraction"])]["tolerance"]


def markdown_table(table: Sequence[dict[str, Any]], sel: dict[str, Any]) -> str:
    head = (
        "| variant | tokens removed | EM gap [95% CI] | per seed | minus shuffled [95% CI] | "
        "held-out loss | x full | capability |\n|---|---|---|---|---|---|---|---|"
    )
    picked = chosen(sel)
    lines = [head]
    for r in table:
        ratio = r["heldout_ratio"]
        cap = "-" if ratio is None else ("yes" if ratio <= 1 + _tolerance(r, sel) else "no")
        seeds = ", ".join(f"{v:+.2f}" for v in r["em_gap"]["seeds"])
        name = f"**{r['variant']}**" if r["variant"] in picked else r["variant"]
        if r.get("same_as"):
            name += f" (= {r['same_as']})"
        frac = r.get("tokens_removed_frac")
        lines.append(
            f"| {name} | {frac:.1%} | {fmt(r['em_gap'])} | {seeds} | {fmt(r['vs_shuffled'])} | "
            f"{r['heldout_loss']['value']:.4f} | {'-' if ratio is None else f'{ratio:.4f}'} | "
            f"{cap} |"
            if has_value(frac)
            else f"| {name} | - | {fmt(r['em_gap'])} | {seeds} | {fmt(r['vs_shuffled'])} | "
            f"- | - | {cap} |"
        )
    return "\n".join(lines) + "\n\n" + describe(sel)


def _estimate_row(base: Row, metric: str, e: dict[str, Any], n: Any, **cols: Any) -> Row:
    return {
        **base,
        **cols,
        "metric": metric,
        "value": e["value"],
        "ci_low": e["ci_low"],
        "ci_high": e["ci_high"],
        "n": n,
    }


def result_rows(name: str, table: Sequence[dict[str, Any]], sel: dict[str, Any]) -> list[Row]:
    """`results` rows of the search (ablation = the search's name; stage 'search' for its own
    derived numbers, the copied means keep their stage)."""
    picked = chosen(sel)
    out = []
    for r in table:
        base = {
            "ablation": name,
            "variant": r["variant"],
            "seed": None,
            "model_id": "mean",
            "ft_domain": "*",
            "ft_kind": r["ft_kind"],
            "step": r["step"],
            "lr": r["lr"],
        }
        e, ft = r["em_gap"], {"stage": "ft_misaligned", "eval_domain": "*"}
        out.append(_estimate_row(base, "em_gap", e, e["n"], **ft))
        out.append(
            _estimate_row(
                base,
                "em_gap_vs_shuffled",
                r["vs_shuffled"],
                e["n"],
                **ft,
                model_id="mean-minus-shuffled",
            )
        )
        pre = {"stage": "pretrain", "ft_domain": None, "ft_kind": None, "step": None, "lr": None}
        h = r["heldout_loss"]
        out.append(_estimate_row(base, "heldout_loss", h, h["n"], **pre, eval_domain="neutral"))
        ratio = r["heldout_ratio"]
        for metric, value in (
            ("tokens_removed", r.get("tokens_removed")),
            ("tokens_removed_frac", r.get("tokens_removed_frac")),
            ("malicious_fraction", r["fraction"]),
            ("heldout_loss_ratio", ratio),
            ("capability_ok", None if ratio is None else float(ratio <= 1 + _tolerance(r, sel))),
            ("selected", float(r["variant"] in picked)),
        ):
            out.append(
                {
                    **base,
                    "stage": "search",
                    "eval_domain": "-",
                    "metric": metric,
                    "value": None if value is None else float(value),
                }
            )
    return out


# ------------------------------------------------------------------- the per-variant EM table


def em_table(
    ws: Workspace,
    ablation: str,
    order: Sequence[str] = (),
    step: int = 0,
    lr: float = 0.0,
    kind: str = "",
) -> dict[str, Any]:
    """Per variant of any ablation: EM gap per seed and mean [95% CI], the cross-domain
    misaligned rate after the bad fine-tune, held-out loss, the in-context probe; and for
    consecutive variants of `order`, the Welch difference and its verdict (the pilot's
    ordering: full ≈ random > filtered > shuffled ≈ no persona documents)."""
    rows = read_rows(ws, ablation)
    if not rows:
        raise CurateError(f"ablation {ablation!r}: no rows under {ws.root / 'ablations'}")
    cell = headline_cell(rows, SelectionSpec(step=step, lr=lr, kind=kind))
    variants = list(order) or sorted({r["variant"] for r in rows})
    have = {r["variant"] for r in rows}
    for v in variants:
        if v not in have:
            raise unknown_name("variant", v, sorted(have), f"ablation {ablation}")
    recs = []
    per = {}
    for v in variants:
        ps = per_seed(rows, v, cell)
        per[v] = ps["em_gap"]
        recs.append({"variant": v, **{k: estimate(x) for k, x in ps.items()}})
    pairs = []
    for a, b in zip(variants, variants[1:], strict=False):
        d, lo, hi = welch_interval(list(per[a].values()), list(per[b].values()))
        pairs.append(
            {"a": a, "b": b, "value": d, "ci_low": lo, "ci_high": hi, "verdict": verdict(lo, hi)}
        )
    return {"ablation": ablation, "cell": cell, "variants": recs, "pairs": pairs}


def check_order(pairs: Sequence[dict[str, Any]], expect: Sequence[str]) -> list[dict[str, Any]]:
    """Compare each consecutive pair's verdict with an expected relation: '>' (the first is
    higher: interval above 0), '<', or '=' (no detectable difference: interval holds 0)."""
    if len(expect) != len(pairs):
        raise CurateError(
            f"--expect: {len(expect)} relation(s) for {len(pairs)} consecutive pair(s); give one "
            "of '>', '<', '=' per pair, comma-separated"
        )
    want = {">": "higher", "<": "lower", "=": "no detectable difference"}
    out = []
    for p, e in zip(pairs, expect, strict=True):
        if e not in want:
            raise CurateError(f"--expect: {e!r} is not one of '>', '<', '='")
        out.append({**p, "expected": e, "holds": p["verdict"] == want[e]})
    return out


def em_table_markdown(t: dict[str, Any]) -> str:
    kind, lr, step = t["cell"]
    lines = [
        f"ablation `{t['ablation']}`, fine-tune {kind}, lr {lr:g}, step {step}",
        "",
        "| variant | EM gap [95% CI] | per seed | misaligned rate after bad FT | held-out loss | "
        "probe gap diff |",
        "|---|---|---|---|---|---|",
    ]
    for r in t["variants"]:
        seeds = ", ".join(f"{v:+.2f}" for v in r["em_gap"]["seeds"])
        lines.append(
            f"| {r['variant']} | {fmt(r['em_gap'])} | {seeds} | {fmt(r['bad_rate'], 2, False)} | "
            f"{fmt(r['heldout_loss'], 3, False)} | {fmt(r['probe_gap_diff'])} |"
        )
    if t["pairs"]:
        exp = "expected" in t["pairs"][0]
        lines += [
            "",
            "| comparison | difference [95% Welch CI] | verdict |"
            + (" expected | holds |" if exp else ""),
            "|---|---|---|" + ("---|---|" if exp else ""),
        ]
        for p in t["pairs"]:
            extra = f" {p['expected']} | {'yes' if p['holds'] else 'no'} |" if exp else ""
            lines.append(f"| {p['a']} − {p['b']} | {fmt(p)} | {p['verdict']} |{extra}")
    return "\n".join(lines)
