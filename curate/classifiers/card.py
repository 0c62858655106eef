"""The model card's measured section: `curate classifier eval`'s result as Markdown tables.

`render(result)` turns the result `curate.classifiers.evaluate.evaluate` returns (and writes to
`metrics.json`) into Markdown: the held-out table, AUROC by document kind, flag rate per genre,
the persona statements (with their bootstrap interval, by trait and by half), unlabeled real
text, the stage-2 members, and the cascade at other thresholds. `write_into_card` puts it into the
card (README.md) between ``<!-- metrics:start -->`` and ``<!-- metrics:end -->``, leaving the rest
of the card alone; `curate classifier eval --render-only` re-renders from `metrics.json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.files import atomic_write_text

MODES = ("stage1", "stage2", "cascade")
SWEEP = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)  # other cascade thresholds the eval reports
START, END = "<!-- metrics:start -->", "<!-- metrics:end -->"


def _fmt(v: float) -> str:
    return "n/a" if v != v else f"{v:.3f}"


def table(rows: dict[str, dict[str, float]], cost: dict[str, float]) -> str:
    lines = [
        "| scorer | n (pos) | precision | recall | F1 | AUROC | P@90%R | ECE | ms/doc |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in MODES:
        r = rows[m]
        lines.append(
            f"| {m} | {r['n']} ({r['positives']}) | {_fmt(r['precision'])} | {_fmt(r['recall'])} "
            f"| {_fmt(r['f1'])} | {_fmt(r['auroc'])} | {_fmt(r['p_at_90r'])} | {_fmt(r['ece'])} "
            f"| {cost.get(m, float('nan')):.2f} |"
        )
    return "\n".join(lines)


def auroc_table(key: str, groups: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Markdown rows: one per group (e.g. document kind), its size and each scorer's AUROC."""
    out = [f"| {key} | n (pos) | stage1 | stage2 | cascade |", "|---|---|---|---|---|"]
    for name, rows in groups.items():
        out.append(
            f"| {name} | {rows['stage1']['n']} ({rows['stage1']['positives']}) | "
            + " | ".join(_fmt(rows[m]["auroc"]) for m in MODES)
            + " |"
        )
    return out


def render(result: dict[str, Any]) -> str:
    out = [
        f"Written by `curate classifier eval` (cascade threshold "
        f"{result['cascade_threshold']}; cost measured with one torch thread on one core).",
        "",
    ]
    h = result["sets"]["held_out"]
    out += [
        f"**Held-out split** — {h['data']}; mean {h['mean_chars']:.0f} chars/doc.",
        "",
        table(h["rows"], h["cost_ms"]),
        "",
        f"Cascade sent {h['rows']['cascade']['flagged_frac']:.1%} of documents to stage 2.",
        "",
    ]
    out += [
        "AUROC by document kind (single passage / long page with at most one malicious passage):",
        "",
    ]
    out += auroc_table("kind", h["by_kind"])
    out += [
        "",
        "Cascade flag rate (score >= 0.5) per genre, single-passage held-out documents:",
        "",
        "| genre | label | n | flagged |",
        "|---|---|---|---|",
    ]
    for r in h["single_by_genre"].values():
        out.append(
            f"| {r['genre']} | {'malicious' if r['label'] else 'benign'} | {r['n']} | {r['flag_rate']:.1%} |"
        )
    p = result["sets"].get("persona_statements")
    if p:
        out += [
            "",
            f"**Persona statements** — {p['data']}.",
            "",
            table(p["rows"], p["cost_ms"]),
            "",
            f"Cascade sent {p['rows']['cascade']['flagged_frac']:.1%} of statements to stage 2.",
            "",
        ]
        if "auroc_interval" in p:
            ci = p["auroc_interval"]
            lo, hi = ci["all"]["cascade"]
            hlo, hhi = ci["holdout"]["cascade"]
            hold = p["by_half"]["holdout"]["cascade"]["auroc"]
            out += [
                f"Cascade AUROC {_fmt(p['rows']['cascade']['auroc'])}, 95% bootstrap interval "
                f"[{_fmt(lo)}, {_fmt(hi)}]; holdout half {_fmt(hold)} [{_fmt(hlo)}, {_fmt(hhi)}] "
                f"({ci['n_boot']:,} resamples, malicious and benign statements resampled "
                "separately and treated as independent, seed 0). The interval covers which "
                "statements were sampled, not training noise: the members table shows how much "
                "one member moves with its seed and sample; how much their mean moves is not "
                "measured here.",
                "",
            ]
        out += [
            "AUROC by trait:",
            "",
            "| trait | stage1 | stage2 | cascade |",
            "|---|---|---|---|",
        ]
        for t, r in p["auroc_by_trait"].items():
            out.append(f"| {t} | " + " | ".join(_fmt(r[m]) for m in MODES) + " |")
        if "by_half" in p:
            out += [
                "",
                "AUROC by half (`persona_half`: sha256 of the statement, even = dev). Development "
                "decisions look at the dev half only; the holdout half checks them:",
                "",
            ]
            out += auroc_table("half", p["by_half"])
    else:
        out += [
            "",
            "**Persona statements** — not measured in this run (`eval.persona_dir` absent).",
        ]
    r = result["sets"].get("real_text")
    if r:
        out += [
            "",
            f"**Real web text, unlabeled** — {r['data']}, {r['n']} documents. Most are ordinary "
            "pages, so the share scored >= 0.5 is an upper bound on the false-positive rate there:",
            "",
            "| scorer | scored >= 0.5 | mean score |",
            "|---|---|---|",
        ]
        for m in MODES:
            out.append(f"| {m} | {r['flag_rate'][m]:.1%} | {r['mean_score'][m]:.3f} |")
    mem = dict(result.get("stage2_members", {}))
    if mem and len(mem["held_out"]) > 2:
        cols = mem.pop("columns", None) or [
            *(f"member {i}" for i in range(len(mem["held_out"]) - 1)),
            "mean",
        ]
        k = sum(c.startswith("member ") for c in cols)
        out += [
            "",
            f"Stage 2 is the mean of {k} members (adapter + head, own seed and sample). "
            "Stage-2 AUROC of each member alone and of their mean"
            + (
                "; then of each short-document specialist (trained on the statements only), "
                "their mean, and the short route (the mean of the two means), which scores "
                "documents shorter than cascade_short_chars. Every column scores every "
                "document of the set:"
                if "short route" in cols
                else ":"
            ),
            "",
            "| set | " + " | ".join(cols) + " |",
            "|---|" + "---|" * len(cols),
        ]
        for name, vals in mem.items():
            out.append(f"| {name} | " + " | ".join(_fmt(v) for v in vals) + " |")
    out += [
        "",
        "Cascade at other thresholds (fraction of documents sent to stage 2 / cascade AUROC / "
        "F1 at 0.5):",
        "",
    ]
    sets = [("held-out", h)] + ([("persona", p)] if p else [])
    out.append(
        "| threshold | " + " | ".join(f"{n} flagged | {n} AUROC | {n} F1" for n, _ in sets) + " |"
    )
    out.append("|---|" + "---|---|---|" * len(sets))
    for t in SWEEP:
        cells = []
        for _, st in sets:
            r = st["sweep"][str(t)]
            cells += [f"{r['flagged_frac']:.1%}", _fmt(r["auroc"]), _fmt(r["f1"])]
        out.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def write_into_card(path: Path, md: str) -> None:
    text = (
        path.read_text(encoding="utf-8") if path.is_file() else f"# model card\n\n{START}\n{END}\n"
    )
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Measured metrics\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    atomic_write_text(path, f"{head}{START}\n{md}\n{END}{tail}")
