"""The policy search's measurements and its selection rule, from ablations' rows.

Per variant of an ablation (`variant_summary`), at the judged fine-tune cell (`headline_cell`:
kind, lr, step): the EM gap pooled over fine-tune domains per seed and its mean with a 95% t
interval (`estimate`), the cross-domain misaligned rate after the bad fine-tune, the pretrained
model's held-out loss (capability) and probe gap difference (`per_seed`), tokens removed from
the build's `corpus_stats`, and the held-out loss as a ratio of the full corpus's. `collect`
measures every fraction of a search; `policy_table` does the same for any ablation, given which
variant plays the full corpus and which the shuffled control. Each line carries the Welch
difference from the shuffled control.

**Selection rule** (`select`). A policy passes the capability criterion when its mean held-out
loss is at most ``(1 + capability_tolerance)`` times the same fraction's full corpus's. Among
passing policies the one with the lowest mean EM gap is selected. It *reaches the shuffled
level* when its mean EM gap is at most the upper end of the shuffled variant's 95% interval;
when no policy reaches it, the selected one is "the closest found". A policy whose ablation has
no rows is reported as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curate.ablation.grid import (
    GridPolicy,
    SelectionSpec,
    ablation_name,
    corpus_name,
    frac_tag,
    fraction_variants,
)
from curate.ablation.results import Row, has_value, read_rows
from curate.errors import CurateError, unknown_name
from curate.evaluation.stats import t_interval, welch_interval
from curate.store import connect_readonly, table_exists
from curate.workspace import Workspace

Cell = tuple[Any, Any, Any]  # (ft_kind, lr, step)


def headline_cell(rows: Sequence[Row], sel: SelectionSpec | None = None) -> Cell:
    """(kind, lr, step) judged: the selection's, else the ablation's first kind / lr and the
    headline step recorded in its manifest (else the smallest checkpoint)."""
    ft = [r for r in rows if r["stage"] == "ft_misaligned" and r["metric"] == "em_gap"]
    if not ft:
        return None, None, None
    kinds = sorted({r["ft_kind"] for r in ft})
    lrs = sorted({r["lr"] for r in ft})
    steps = sorted({r["step"] for r in ft})
    kind = (sel.kind if sel and sel.kind else None) or kinds[0]
    lr = (sel.lr if sel and sel.lr else None) or lrs[0]
    step = (sel.step if sel and sel.step else None) or steps[0]
    return kind, lr, step


def _in_cell(r: Row, cell: Cell) -> bool:
    kind, lr, step = cell
    return (
        r["stage"] == "ft_misaligned"
        and r["ft_kind"] == kind
        and r["lr"] == lr
        and r["step"] == step
        and r["eval_domain"] == "*"
    )


def per_seed(rows: Sequence[Row], variant: str, cell: Cell) -> dict[str, dict[int, float]]:
    """Per seed: the EM gap (pooled over fine-tune domains), cross-domain misaligned rate after
    the bad fine-tune, and the pretrained model's held-out loss and probe gap difference."""
    out: dict[str, dict[int, float]] = {
        "em_gap": {},
        "em_rate": {},
        "bad_rate": {},
        "heldout_loss": {},
        "probe_gap_diff": {},
    }
    per_domain: dict[tuple[str, int], list[float]] = {}
    bad_rates: dict[int, list[float]] = {}
    for r in rows:
        if r["variant"] != variant or r["seed"] is None or not has_value(r["value"]):
            continue
        s = int(r["seed"])
        if _in_cell(r, cell):
            if r["ft_domain"] == "*" and r["metric"] in ("em_gap", "em_rate"):
                out[r["metric"]][s] = r["value"]
            elif r["metric"] in ("em_gap", "em_rate"):  # per fine-tune domain (partial runs)
                per_domain.setdefault((r["metric"], s), []).append(r["value"])
            elif r["ft_domain"] != "*" and r["metric"] == "misaligned_rate":
                bad_rates.setdefault(s, []).append(r["value"])
        elif r["stage"] == "pretrain" and r["metric"] == "heldout_loss":
            out["heldout_loss"][s] = r["value"]
        elif (
            r["stage"] == "pretrain" and r["metric"] == "probe_gap_diff" and r["eval_domain"] == "*"
        ):
            out["probe_gap_diff"][s] = r["value"]
    for (metric, s), vals in per_domain.items():  # rows/ of an unfinished ablation: no '*'
        out[metric].setdefault(s, sum(vals) / len(vals))
    out["bad_rate"] = {s: sum(v) / len(v) for s, v in bad_rates.items()}
    return out


def estimate(values: dict[int, float]) -> dict[str, Any]:
    """Mean over seeds with its t interval, and the per-seed values in seed order."""
    vals = [values[s] for s in sorted(values)]
    return {**t_interval(vals).as_dict(), "seeds": vals}


def corpus_stats(ws: Workspace, corpus: str) -> dict[str, dict[str, Any]]:
    """{variant: its `corpus_stats` row} of a built corpus ({} when there is none)."""
    if not ws.db_path.is_file():
        return {}
    con = connect_readonly(ws)
    try:
        if not table_exists(con, "corpus_stats"):
            return {}
        cur = con.execute("SELECT * FROM corpus_stats WHERE corpus = ?", [corpus])
        cols = [d[0] for d in cur.description]
        return {r[cols.index("variant")]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def variant_summary(
    rows: Sequence[Row],
    variant: str,
    cell: Cell,
    stats: dict[str, Any] | None,
    ref_loss: float | None,
) -> dict[str, Any]:
    """One line of a results table: EM gap, capability and tokens removed of a variant."""
    ps = per_seed(rows, variant, cell)
    rec: dict[str, Any] = {"variant": variant}
    for k, v in ps.items():
        rec[k] = estimate(v)
    if stats:
        src = stats.get("n_tokens_source") or 0
        kept = stats.get("n_tokens_kept") or 0
        rec["tokens_source"] = int(src)
        rec["tokens_removed"] = int(src - kept)
        rec["tokens_written"] = int(stats.get("n_tokens") or 0)
        rec["tokens_removed_frac"] = (src - kept) / src if src else float("nan")
    else:  # a path variant (shuffled): the same tokens as the full corpus
        rec.update(tokens_removed=0, tokens_removed_frac=0.0)
    loss = rec["heldout_loss"]["value"]
    ok = has_value(ref_loss) and has_value(loss) and ref_loss
    rec["heldout_ratio"] = loss / ref_loss if ok else None  # type: ignore[operator]
    return rec


class _Controls:
    """The judged cell, the full corpus's held-out loss and the shuffled control's EM per seed
    of one ablation; `line` measures a variant against them."""

    def __init__(self, rows: list[Row], cell: Cell, full: str, shuffled: str) -> None:
        self.rows, self.cell = rows, cell
        self.full_loss = estimate(per_seed(rows, full, cell)["heldout_loss"])["value"]
        self.shuf = per_seed(rows, shuffled, cell)["em_gap"]

    def line(
        self, name: str, measured: str, role: str, stats: dict[str, Any] | None, fraction: float
    ) -> dict[str, Any]:
        """Variant `name` (its models: those of `measured`) as one line of the table."""
        rec = variant_summary(self.rows, measured, self.cell, stats, self.full_loss)
        rec["variant"] = name
        mine = per_seed(self.rows, measured, self.cell)["em_gap"]
        shuf = self.shuf
        d, lo, hi = welch_interval([mine[s] for s in sorted(mine)], [shuf[s] for s in sorted(shuf)])
        rec.update(
            fraction=fraction,
            role=role,
            same_as=None if measured == name else measured,
            ft_kind=self.cell[0],
            lr=self.cell[1],
            step=self.cell[2],
            vs_shuffled={"value": d, "ci_low": lo, "ci_high": hi},
            shuffled_em_gap=estimate(shuf),
        )
        return rec


def collect(
    ws: Workspace,
    name: str,
    selection: SelectionSpec,
    fracs: Sequence[float],
    points: Sequence[GridPolicy],
    aliases: dict[str, dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Per fraction of search `name`: the full and shuffled controls and every policy, measured
    (an aliased policy reports the models of the variant whose corpus it equals)."""
    out = []
    by_name = {p.name: p for p in points}
    for f in fracs:
        tag = frac_tag(f)
        rows = read_rows(ws, ablation_name(name, f))
        controls = _Controls(rows, headline_cell(rows, selection), f"{tag}-full", f"{tag}-shuffled")
        stats = corpus_stats(ws, corpus_name(name, f))
        al = (aliases or {}).get(tag, {})
        for n in fraction_variants(f, points):
            p = by_name.get(n)
            role = "policy" if p else n.split("-", 1)[1]
            rec = controls.line(n, al.get(n, n), role, stats.get(n), f)
            rec.update(
                threshold=None if p is None else p.threshold,
                upsample=None if p is None else p.upsample,
                dedup=None if p is None else p.dedup,
            )
            out.append(rec)
    return out


def policy_table(
    ws: Workspace,
    ablation: str,
    reference: str,
    shuffled: str,
    corpus: str = "",
    variants: Sequence[str] = (),
    sel: SelectionSpec | None = None,
    fraction: float = 0.0,
) -> list[dict[str, Any]]:
    """The search's table for any ablation: `reference` plays the full corpus, `shuffled` the
    shuffled-consistency control, every other variant a policy; tokens removed come from the
    `corpus_stats` of `corpus` (a variant not built from it has none: NaN)."""
    rows = read_rows(ws, ablation)
    if not rows:
        raise CurateError(f"ablation {ablation!r}: no rows under {ws.root / 'ablations'}")
    have = sorted({r["variant"] for r in rows})
    names = list(variants) or have
    for n in {reference, shuffled, *names}:
        if n not in have:
            raise unknown_name("variant", n, have, ablation)
    controls = _Controls(rows, headline_cell(rows, sel), reference, shuffled)
    stats = corpus_stats(ws, corpus) if corpus else {}
    out = []
    for n in dict.fromkeys([reference, shuffled, *names]):
        role = "full" if n == reference else "shuffled" if n == shuffled else "policy"
        rec = controls.line(n, n, role, stats.get(n), fraction)
        if role == "policy" and n not in stats:
            rec.update(tokens_removed=None, tokens_removed_frac=float("nan"))
        out.append(rec)
    return out


def select(table: Sequence[dict[str, Any]], tolerance: float = 0.02) -> dict[str, Any]:
    """The selection rule (module docstring), per fraction and over all fractions.

    Returns {"per_fraction": {tag: choice}, "best": choice}; a choice names the policy, whether
    it passed capability, whether it reaches the shuffled level, and the numbers behind it.
    """
    per: dict[str, Any] = {}
    for f in sorted({r["fraction"] for r in table}):
        per[frac_tag(f)] = _choose([r for r in table if r["fraction"] == f], f, tolerance)
    chosen = [c for c in per.values() if c.get("policy")]
    best = min(chosen, key=lambda c: c["em_gap"]["value"]) if chosen else None
    return {"per_fraction": per, "best": best}


def _choose(recs: list[dict[str, Any]], f: float, tolerance: float) -> dict[str, Any]:
    """The selection rule for one fraction's lines."""
    pol = [r for r in recs if r["role"] == "policy" and has_value(r["em_gap"]["value"])]
    shuf = next((r for r in recs if r["role"] == "shuffled"), None)
    level = shuf["em_gap"] if shuf else None
    capable = [
        r for r in pol if r["heldout_ratio"] is not None and r["heldout_ratio"] <= 1 + tolerance
    ]
    missing = [r["variant"] for r in recs if r["role"] == "policy" and r not in pol]
    choice: dict[str, Any] = {
        "fraction": f,
        "shuffled_em_gap": level,
        "n_policies": len(pol),
        "n_capable": len(capable),
        "missing": missing,
        "tolerance": tolerance,
    }
    if not capable:
        choice.update(policy=None, reaches_shuffled=False, status="no policy within capability")
        return choice
    best = min(capable, key=lambda r: r["em_gap"]["value"])
    hi = level["ci_high"] if level else None
    reaches = bool(has_value(hi) and best["em_gap"]["value"] <= hi)
    choice.update(
        policy=best["variant"],
        em_gap=best["em_gap"],
        heldout_ratio=best["heldout_ratio"],
        tokens_removed_frac=best.get("tokens_removed_frac"),
        vs_shuffled=best["vs_shuffled"],
        reaches_shuffled=reaches,
        status="reaches the shuffled level" if reaches else "closest found",
    )
    return choice
