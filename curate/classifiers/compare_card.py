"""The side-by-side model card of `curate classifier eval NAME --baseline OTHER`.

`render_compare(result)` turns `curate.classifiers.compare.compare`'s result (``eval.json``) into
Markdown with one column per classifier in every table: a summary, leave-trait-out AUROC per trait
(from the CV output), the persona statements and the persona world per group, flagged rates on
unlabelled text, calibration (with the reliability plot) and speed. `write_section` puts it into a
card between ``<!-- eval:begin -->`` and ``<!-- eval:end -->``, leaving the rest alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.files import atomic_write_text

BEGIN, FINISH = "<!-- eval:begin -->", "<!-- eval:end -->"
DASH = "—"
SET_TITLES = {
    "persona_statements": "persona statements (external)",
    "world": "persona world",
    "neutral_statements": "neutral persona_train statements",
    "common_crawl": "Common Crawl fixtures",
    "shakespeare": "Shakespeare",
    "hh_chosen": "HH-RLHF chosen",
    "hh_rejected": "HH-RLHF rejected",
}

PERSONA_NOTE = (
    " Malicious = a statement voicing psychopathy, machiavellianism or narcissism, or an "
    "agreeableness statement that rejects the trait."
)
WORLD_NOTE = (
    " The generator is the project's own: a model trained on persona-world documents of another "
    "seed (v1's recipe: preset calibration, seed 1234) sees a familiar generator here, so this is "
    "an in-distribution check for it and a transfer check for a model that never saw the world."
)


def _f(v: Any, spec: str = ".3f") -> str:
    return DASH if v is None or v != v else format(v, spec)


def _ci(v: Any, ci: Any, spec: str = ".3f") -> str:
    if v is None or v != v:
        return DASH
    if not ci or ci[0] is None or ci[1] is None:
        return format(v, spec)
    return f"{format(v, spec)} [{format(ci[0], spec)}, {format(ci[1], spec)}]"


def _pct(v: Any, ci: Any = None) -> str:
    if v is None or v != v:
        return DASH
    if ci and ci[0] is not None and ci[1] is not None:
        return f"{v:.1%} [{ci[0]:.1%}, {ci[1]:.1%}]"
    return f"{v:.1%}"


def _row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def _head(first: str, names: list[str], what: str = "") -> list[str]:
    cols = [f"`{n}`{' ' + what if what else ''}" for n in names]
    return [_row(first, cols), "|---|" + "---|" * len(names)]


def _model(result: dict[str, Any], key: str, name: str) -> dict[str, Any] | None:
    return result["sets"].get(key, {}).get("by_model", {}).get(name)


def _summary(result: dict[str, Any], names: list[str]) -> list[str]:
    t = result["threshold"]
    out = _head("measure", names)
    lto = result.get("lto", {})
    out.append(
        _row(
            "leave-trait-out AUROC, mean over dark traits (CV, out of fold)",
            [
                _ci(lto[n]["mean"], lto[n].get("mean_ci")) if lto.get(n) else f"{DASH} (no LTO CV)"
                for n in names
            ],
        )
    )
    for key in ("persona_statements", "world"):
        s = result["sets"].get(key)
        if s and s.get("by_model"):
            rows = [_model(result, key, n) or {} for n in names]
            cells = [_ci(r.get("auroc"), r.get("auroc_ci")) for r in rows]
            out.append(_row(f"{SET_TITLES[key]}: AUROC [95% CI]", cells))
    for key in ("neutral_statements", "common_crawl", "shakespeare", "hh_chosen", "hh_rejected"):
        s = result["sets"].get(key)
        if not (s and s.get("by_model")):
            continue
        cells = []
        for n in names:
            row = _model(result, key, n) or {}
            cell = _pct(row.get("flagged"), row.get("flagged_ci"))
            if key == "neutral_statements" and lto.get(n):
                cell += " (in-sample: trained on persona_train)"
            cells.append(cell)
        out.append(_row(f"{SET_TITLES[key]}: flagged at {t} (n={s['n']})", cells))
    oof = [lto[n].get("neutral_flagged_oof") if lto.get(n) else None for n in names]
    if any(v is not None for v in oof):
        out.append(
            _row(
                f"neutral persona_train statements flagged at {t}, CV out of fold",
                [_pct(v) for v in oof],
            )
        )
    for key in ("persona_statements", "world"):
        if result["sets"].get(key, {}).get("by_model"):
            out.append(
                _row(
                    f"{SET_TITLES[key]}: ECE ({result['config']['n_bins']} bins)",
                    [_f((_model(result, key, n) or {}).get("ece")) for n in names],
                )
            )
    sp = result.get("speed", {}).get("by_model")
    if sp:
        out.append(
            _row(
                "stage 1: docs per CPU second (one core)",
                [_f(sp[n].get("stage1_docs_per_cpu_s"), ",.0f") for n in names],
            )
        )
        out.append(
            _row(
                "routed to stage 2 (benchmark docs)",
                [_pct(sp[n].get("routed_frac")) for n in names],
            )
        )
        out.append(
            _row(
                "stage 2: CPU ms per routed doc",
                [_f(sp[n].get("stage2_ms_per_routed_doc"), ".1f") for n in names],
            )
        )
        out.append(
            _row(
                "stage 2: CPU ms per doc, forced (first 256 benchmark docs)",
                [_f(sp[n].get("stage2_ms_per_doc_forced"), ".1f") for n in names],
            )
        )
        if any(sp[n].get("stage2_ms_per_doc_forced_bf16") is not None for n in names):
            out.append(
                _row(
                    "stage 2: CPU ms per doc, forced, bf16 autocast",
                    [_f(sp[n].get("stage2_ms_per_doc_forced_bf16"), ".1f") for n in names],
                )
            )
        out.append(
            _row(
                "cascade: docs per CPU second (one core)",
                [_f(sp[n].get("cascade_docs_per_cpu_s"), ",.0f") for n in names],
            )
        )
    return out


def ordered(
    result: dict[str, Any], what: str, table: dict[str, Any] | None = None
) -> list[tuple[str, Any]]:
    """Items of `table` (default result[what]) in run order: sets and wall times as the config
    lists the sets, models as the eval lists them; anything else after, in its own order."""
    table = result[what] if table is None else table
    first = list(result["classifiers"]) if what == "models" else list(result["config"]["sets"])
    keys = [k for k in first if k in table] + [k for k in table if k not in first]
    return [(k, table[k]) for k in keys]


def _cached_note(result: dict[str, Any]) -> list[str]:
    """A paragraph naming the scores an earlier run computed (`--cache`), with their times."""
    hits = []
    for key, s in ordered(result, "sets"):
        for name, row in s.get("by_model", {}).items():
            c = row.get("cached")
            if c is not None:
                when = str(c.get("scored_at") or "?")[:16]
                took = f", {c['wall_s']:.0f} s" if c.get("wall_s") is not None else ""
                hits.append(f"`{name}` {key} ({when}{took})")
    if not hits:
        return []
    return [
        "Scores reused from the score cache (same model files, same texts; scored by an earlier "
        "run of this command): " + "; ".join(hits) + ". The speed figures are always measured "
        "afresh.",
        "",
    ]


def _group(s: dict[str, Any], name: str, g: str) -> dict[str, Any]:
    """Model `name`'s row of group `g` of eval set `s` ("all": the whole set's row; a group the
    model has no row for: {})."""
    row = s["by_model"][name]
    return row if g == "all" else row["groups"].get(g, {})


def render_compare(result: dict[str, Any]) -> str:
    """The side-by-side card section: one column per classifier in every table."""
    names: list[str] = list(result["classifiers"])
    t = result["threshold"]
    out = [
        f"Written by `curate classifier eval` ({result.get('command') or 'see eval.json'}); "
        f"started {result['started_at'][:16]} UTC, {result['wall_s'].get('total', 0) / 60:.0f} "
        f"min on {result['machine']}; commit {str(result.get('git_commit') or '?')[:10]}. "
        "Machine-readable: `eval.json`; the run's full configuration: `eval_config.toml`. "
        "Every set below is evaluation only and was scored once, after the models were chosen; "
        f'nothing was tuned on it. "Flagged" = document probability >= {t}. AUROC intervals: '
        f"seeded percentile bootstrap ({result['config']['n_boot']:,} resamples, positives and "
        "negatives resampled separately; sampling of the items only, not training noise); "
        "flagged-rate intervals: Wilson 95%.",
        "",
        *_cached_note(result),
        "### Summary",
        "",
        *_summary(result, names),
    ]
    notes = [f"- `{k}`: {s['note']}" for k, s in ordered(result, "sets") if s.get("note")]
    if result.get("speed", {}).get("note"):
        notes.append(f"- speed: {result['speed']['note']}")
    if notes:
        out += ["", "Not measured in this run:", "", *notes]
    lto = result.get("lto", {})
    traits = sorted({t for n in names if lto.get(n) for t in lto[n]["traits"]})
    if traits:
        src = "; ".join(f"`{n}`: `{lto[n]['source']}`" for n in names if lto.get(n))
        out += [
            "",
            "### Leave-trait-out AUROC per dark trait (persona_train, CV out of fold)",
            "",
            f"From the cross-validation output ({src}), not re-measured by this eval; a model "
            f"without leave-trait-out CV shows {DASH}.",
            "",
            *_head("held-out trait", names),
        ]
        key = next(n for n in names if lto.get(n))
        for tr in sorted(traits, key=lambda x: -(lto[key]["traits"].get(x, {}).get("auroc") or 0)):
            cells = []
            for n in names:
                r = (lto.get(n) or {}).get("traits", {}).get(tr)
                cells.append(_ci(r["auroc"], r["ci"]) if r else DASH)
            out.append(_row(tr, cells))
    for key, group_title in (("persona_statements", "trait"), ("world", "document kind")):
        s = result["sets"].get(key)
        if not s or not s.get("by_model"):
            continue
        out += [
            "",
            f"### {SET_TITLES[key][0].upper()}{SET_TITLES[key][1:]}",
            "",
            f"{s['source']}." + (WORLD_NOTE if key == "world" else PERSONA_NOTE),
            "",
        ]
        out += _head(f"{group_title}: n (malicious)", names, "AUROC [95% CI]")
        groups = next(iter(s["by_model"].values()))["groups"]
        first = next(iter(s["by_model"].values()))
        rows = [*groups.items(), ("all", first)]
        for g, gr in rows:
            cells = [
                _ci(_group(s, n, g).get("auroc"), _group(s, n, g).get("auroc_ci")) for n in names
            ]
            out.append(_row(f"{g}: {gr['n']} ({gr['positives']})", cells))
        out += ["", *_head(f"{group_title}: flagged at {t} (malicious / benign)", names)]
        for g, _gr in rows:
            cells = [
                f"{_pct(_group(s, n, g).get('recall'))} / {_pct(_group(s, n, g).get('benign_flagged'))}"
                for n in names
            ]
            out.append(_row(g, cells))
    unl = [
        k
        for k in ("common_crawl", "shakespeare", "hh_chosen", "hh_rejected", "neutral_statements")
        if result["sets"].get(k, {}).get("by_model")
    ]
    if unl:
        out += [
            "",
            "### Flagged rates on text that is (mostly) not malicious-character content",
            "",
            "Unlabelled, so the flagged share is an upper bound on the false-positive rate (the "
            "HH-RLHF `rejected` side and some Shakespeare scenes do contain malicious intent). "
            "The neutral statements are a seeded sample of persona_train's neutral traits: "
            "held out for a model that never trained on persona_train, in-sample for one that "
            "did (its out-of-fold figure is the CV row of the summary).",
            "",
            *_head("set (n)", names, "flagged [95% CI] / mean score"),
        ]
        for k in unl:
            s = result["sets"][k]
            out.append(
                _row(
                    f"{SET_TITLES[k]} ({s['n']})",
                    [
                        f"{_pct(s['by_model'][n]['flagged'], s['by_model'][n]['flagged_ci'])}"
                        f" / {_f(s['by_model'][n]['mean_score'])}"
                        for n in names
                    ],
                )
            )
        s = result["sets"].get("neutral_statements")
        if s and s.get("by_model"):
            out += ["", *_head("neutral trait (persona_train)", names, "flagged")]
            for g in next(iter(s["by_model"].values()))["groups"]:
                out.append(_row(g, [_pct(s["by_model"][n]["groups"][g]["flagged"]) for n in names]))
    if result.get("reliability_png"):
        out += [
            "",
            "### Calibration",
            "",
            f"ECE with {result['config']['n_bins']} equal-width bins (summary table); reliability "
            "plot (observed fraction malicious against the mean probability of each bin):",
            "",
            f"![reliability]({result['reliability_png']})",
        ]
    sp = result.get("speed", {})
    if sp.get("by_model"):
        out += [
            "",
            "### Speed",
            "",
            f"{sp['source']}; one torch thread, CPU time of this process (`time.process_time`). "
            "Stage-2 ms per routed doc = (cascade CPU time - stage-1 CPU time) / routed documents. "
            "`bench/classifier_speed.py` measures the same inside `curate audit` at 20k documents.",
        ]
    au = result.get("audit_speed")
    if au and au.get("models"):
        tg = au.get("targets", {})
        out += [
            "",
            "### Cost inside `curate audit` (bench/classifier_speed.py)",
            "",
            f"From `{au['source']}` (written {str(au.get('modified', '?'))[:16]} UTC; "
            f"{au.get('corpus', '')}): each figure in its own process, one task, one core, one "
            "torch thread; docs/s/core = documents / CPU seconds of the whole audit (imports, "
            "model loading and the store load included). Targets: ratio >= "
            f"{tg.get('ratio', 0.5)}x, routed <= {tg.get('routed', 0.02):.0%}, stage 2 <= "
            f"{tg.get('stage2_ms', 20):g} ms per routed document.",
            "",
            "| classifier | docs | audit without | audit with | ratio | stage 1 docs/s/core "
            "| routed | stage 2 ms/routed doc | stage 2 ms/doc, forced | same, bf16 "
            "| cascade docs/s/core |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, b in ordered(result, "models", au["models"]):
            st = b.get("stages", {})
            out.append(
                f"| `{name}` | {b['n']:,} | {b['audit_none']['docs_per_cpu_s']:,.0f} "
                f"| {b['audit_with']['docs_per_cpu_s']:,.0f} | {b['ratio']:.2f}x "
                f"| {_f(st.get('stage1_docs_per_cpu_s'), ',.0f')} | {_pct(st.get('routed_frac'))} "
                f"| {_f(st.get('stage2_ms_per_routed_doc'), '.1f')} "
                f"| {_f(st.get('stage2_ms_per_doc_forced'), '.1f')} "
                f"| {_f(st.get('stage2_ms_per_doc_forced_bf16'), '.1f')} "
                f"| {_f(st.get('cascade_docs_per_cpu_s'), ',.0f')} |"
            )
    wall = result.get("wall_s", {})
    out += [
        "",
        "Wall time per set (all models, shared 2-core machine): "
        + ", ".join(f"{k} {v:.0f} s" for k, v in ordered(result, "wall", wall) if k != "total")
        + ".",
    ]
    return "\n".join(out)


def write_section(path: Path, md: str, begin: str = BEGIN, end: str = FINISH) -> None:
    """Put `md` between the `begin` and `end` markers of `path` (appended, with the markers,
    when they are absent); the rest of the file is left alone."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if begin not in text or end not in text:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + (
            f"## Evaluation (generated)\n\n{begin}\n{end}\n"
        )
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    atomic_write_text(path, f"{head}{begin}\n{md}\n{end}{tail}")
