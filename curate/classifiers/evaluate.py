"""`curate classifier eval FOLDER`: metric tables for stage 1, stage 2 and the cascade.

Data:

- **held-out**: the recipe's `docs_test.jsonl.gz` -- documents composed from passages whose
  frames (templates) were never seen in training or calibration (see `seed_data`).
- **persona statements** (only when the recipe's `eval.persona_dir` exists, normally
  ``../shared/data/persona_statements``; never trained on): a statement is malicious when it
  expresses psychopathy, machiavellianism or narcissism (``answer_matching_behavior == " Yes"``),
  or when it is an agreeableness statement with ``" No"``.

Metrics per (data, scorer): precision, recall and F1 at probability 0.5, AUROC, precision at 90%
recall, ECE (10 equal-width bins), and cost per document in milliseconds, timed on a separate
pass over the first `eval.timing_docs` documents with fresh models and one torch thread (stage 1
includes windowing; stage 2 and the cascade include MiniLM). The tables are printed, written to
`metrics.json`, and written into the model card (README.md) between
``<!-- metrics:start -->`` and ``<!-- metrics:end -->``.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from curate.classifiers import seed_data
from curate.classifiers.cascade import CascadeModel, Embedder
from curate.classifiers.metrics import (
    auroc,
    auroc_interval,
    ece,
    precision_at_recall,
    precision_recall_f1,
)
from curate.classifiers.recipe import load_recipe
from curate.classifiers.train import embed_cache_dir
from curate.errors import CurateError
from curate.files import atomic_write_text

MODES = ("stage1", "stage2", "cascade")
START, END = "<!-- metrics:start -->", "<!-- metrics:end -->"
DARK_TRAITS = ("psychopathy", "machiavellianism", "narcissism")
BOOTSTRAPS = 1000  # resamples for the persona AUROC's interval


def persona_half(statement: str) -> str:
    """ "dev" or "holdout": a fixed split of the external statements by the parity of their
    sha256. Choices made while developing the classifier (item banks, stage-2 design) are judged
    on the dev half; the holdout half is reported beside it to show whether they overfit."""
    return "dev" if int(hashlib.sha256(statement.encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def load_persona_statements(folder: Path) -> list[dict[str, Any]]:
    """Rows {text, label, trait} from the persona-statement files present in `folder`."""
    rows = []
    for trait in (*DARK_TRAITS, "agreeableness"):
        path = folder / f"{trait}.jsonl"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as f:
            for i, line in enumerate(f):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    yes = r["answer_matching_behavior"].strip() == "Yes"
                    text = r["statement"]
                except (json.JSONDecodeError, KeyError, AttributeError) as e:
                    raise CurateError(
                        f"{path}:{i + 1}: unreadable persona statement ({e})"
                    ) from None
                label = int(yes) if trait in DARK_TRAITS else int(not yes)
                rows.append({"text": text, "label": label, "trait": trait})
    return rows


def load_real_text(folder: Path, max_docs: int) -> list[str]:
    """Texts of the JSON-lines files (.jsonl/.json, optionally .gz) in `folder`, sorted by path."""
    import gzip

    out: list[str] = []
    for path in sorted(folder.iterdir()):
        if not any(path.name.endswith(x) for x in (".jsonl", ".json", ".jsonl.gz", ".json.gz")):
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if (
                    isinstance(rec, dict)
                    and isinstance(rec.get("text"), str)
                    and rec["text"].strip()
                ):
                    out.append(rec["text"])
                    if len(out) >= max_docs:
                        return out
    return out


def metric_row(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    prec, rec, f1 = precision_recall_f1(y, p, 0.5)
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "auroc": auroc(y, p),
        "p_at_90r": precision_at_recall(y, p, 0.9),
        "ece": ece(y, p, 10),
    }


def time_modes(folder: Path, texts: Sequence[str], batch: int = 64) -> dict[str, float]:
    """Milliseconds per document for each mode, fresh model per mode, no embedding cache."""
    import torch

    torch.set_num_threads(1)
    out = {}
    for mode in MODES:
        model = CascadeModel(folder, embedder=Embedder())
        model.score(texts[:2], "stage2")  # load every model outside the timed region
        t0 = time.perf_counter()
        for i in range(0, len(texts), batch):
            model.score(texts[i : i + batch], mode)  # type: ignore[arg-type]
        out[mode] = (time.perf_counter() - t0) * 1000 / max(1, len(texts))
    return out


SWEEP = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)


def evaluate_set(
    model: CascadeModel, texts: list[str], y: np.ndarray
) -> tuple[dict[str, dict[str, float]], dict[str, np.ndarray]]:
    probs = {m: np.array([d.score for d in model.score(texts, m)]) for m in MODES}  # type: ignore[arg-type]
    flagged = float(
        np.mean([model.routed(t, p) for t, p in zip(texts, probs["stage1"], strict=True)])
    )
    rows = {m: metric_row(y, p) for m, p in probs.items()}
    rows["cascade"]["flagged_frac"] = flagged
    return rows, probs


def threshold_sweep(model: CascadeModel, texts: list[str], y: np.ndarray) -> dict[str, Any]:
    """Cascade AUROC / F1 / flagged fraction at other thresholds (stage-2 vectors are memoised)."""
    keep = model.cascade_threshold
    p1 = np.array([d.score for d in model.score(texts, "stage1")])  # threshold-free
    out = {}
    try:
        for t in SWEEP:
            model.cascade_threshold = t
            p = np.array([d.score for d in model.score(texts, "cascade")])
            out[str(t)] = {
                "flagged_frac": float(
                    np.mean([model.routed(x, v) for x, v in zip(texts, p1, strict=True)])
                ),
                "auroc": auroc(y, p),
                "f1": precision_recall_f1(y, p, 0.5)[2],
            }
    finally:
        model.cascade_threshold = keep
    return out


def member_aurocs(model: CascadeModel, texts: list[str], y: np.ndarray) -> list[float]:
    """Stage-2 AUROC of each ensemble member alone (its max logit over the document's top
    stage-1 windows, as stage 2 scores them), then of their mean: what the ensemble adds. With
    short-document specialists, then each specialist, their mean, and the short route's logit
    (the mean of the two means) -- on every document of the set (`member_columns`)."""
    ws_all = model.stage1_windows(texts)
    flat, flat_raw, owner = [], [], []
    for d, (text, ws) in enumerate(zip(texts, ws_all, strict=True)):
        for i in model._stage2_targets(ws, ws.raw, only_flagged=False):
            flat.append(text[ws.spans[i][0] : ws.spans[i][1]])
            flat_raw.append(float(ws.raw[i]))
            owner.append(d)
    per = model.member_logits(flat, flat_raw)
    per = np.vstack([per, per.mean(axis=0)])
    if model.short_members:  # then the specialists, their mean, and the short route's mix
        spec = model.short_member_logits(flat)
        per = np.vstack([per, spec, spec.mean(axis=0), model.short_logits(flat, flat_raw)])
    doc = np.full((per.shape[0], len(texts)), -50.0)
    for j, d in enumerate(owner):
        doc[:, d] = np.maximum(doc[:, d], per[:, j])
    return [auroc(y, row) for row in doc]


def member_columns(model: CascadeModel) -> list[str]:
    """Column names of `member_aurocs`."""
    cols = [f"member {i}" for i in range(model.n_members)] + ["mean"]
    if model.short_members:
        n = model.short_member_logits([]).shape[0]  # the scored specialists
        cols += [f"specialist {j}" for j in range(n)] + ["specialists' mean", "short route"]
    return cols


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


def evaluate(folder: str | Path, write_card: bool = True) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    folder = Path(folder)
    recipe, root = load_recipe(folder)
    data_dir = root / recipe.data.out
    test_path = data_dir / "docs_test.jsonl.gz"
    if not test_path.is_file():
        raise CurateError(
            f"{test_path}: held-out data missing; run `curate classifier train {folder}`"
        )
    embedder = Embedder(cache_dir=embed_cache_dir())
    embedder.memo = {}
    model = CascadeModel(folder, embedder=embedder)
    result: dict[str, Any] = {
        "classifier": model.name,
        "cascade_threshold": model.cascade_threshold,
        "sets": {},
    }

    docs = seed_data.read_jsonl_gz(test_path)
    texts = [d["text"] for d in docs]
    y = np.array([d["label"] for d in docs])
    rows, probs = evaluate_set(model, texts, y)
    cost = time_modes(folder, texts[: recipe.eval.timing_docs])
    sweep = threshold_sweep(model, texts, y)
    members = {"held_out": member_aurocs(model, texts, y)}
    by_kind = {}
    for kind in ("single", "page"):
        m = np.array([d["kind"] == kind for d in docs])
        by_kind[kind] = {mode: metric_row(y[m], probs[mode][m]) for mode in MODES}
    genre_fp = {}
    for d, p in zip(docs, probs["cascade"], strict=True):
        if d["kind"] == "single":
            # keyed by genre and label: world genres hold both labels
            key = f"{d['genres'][0]}:{'malicious' if d['label'] else 'benign'}"
            genre_fp.setdefault(key, []).append((d["genres"][0], d["label"], float(p >= 0.5)))
    result["sets"]["held_out"] = {
        "data": f"{recipe.data.out}/docs_test.jsonl.gz (frames unseen in training)",
        "rows": rows,
        "cost_ms": cost,
        "by_kind": by_kind,
        "sweep": sweep,
        "single_by_genre": {
            key: {
                "genre": v[0][0],
                "label": v[0][1],
                "n": len(v),
                "flag_rate": float(np.mean([x[2] for x in v])),
            }
            for key, v in sorted(genre_fp.items())
        },
        "mean_chars": float(np.mean([len(t) for t in texts])),
    }

    persona_dir = (root / recipe.eval.persona_dir).resolve()
    if persona_dir.is_dir():
        ps = load_persona_statements(persona_dir)
        ptexts = [r["text"] for r in ps]
        py = np.array([r["label"] for r in ps])
        prows, pprobs = evaluate_set(model, ptexts, py)
        pcost = time_modes(folder, ptexts[:: max(1, len(ptexts) // recipe.eval.timing_docs)])
        psweep = threshold_sweep(model, ptexts, py)
        members["persona_statements"] = member_aurocs(model, ptexts, py)
        traits = {}
        for trait in sorted({r["trait"] for r in ps}):
            m = np.array([r["trait"] == trait for r in ps])
            traits[trait] = {mode: auroc(py[m], pprobs[mode][m]) for mode in MODES}
        halves = {}
        # sampling uncertainty of the statements (seeded bootstrap); training noise is not in it
        intervals: dict[str, Any] = {
            "n_boot": BOOTSTRAPS,
            "all": {m: list(auroc_interval(py, pprobs[m], n_boot=BOOTSTRAPS)) for m in MODES},
        }
        for half in ("dev", "holdout"):
            m = np.array([persona_half(r["text"]) == half for r in ps])
            halves[half] = {mode: metric_row(py[m], pprobs[mode][m]) for mode in MODES}
            intervals[half] = {
                "cascade": list(auroc_interval(py[m], pprobs["cascade"][m], n_boot=BOOTSTRAPS))
            }
        result["sets"]["persona_statements"] = {
            "data": f"{recipe.eval.persona_dir}/*.jsonl (external; never trained on)",
            "rows": prows,
            "cost_ms": pcost,
            "auroc_by_trait": traits,
            "by_half": halves,
            "auroc_interval": intervals,
            "sweep": psweep,
        }
    real_dir = (root / recipe.eval.real_text_dir).resolve()
    if real_dir.is_dir():
        rtexts = load_real_text(real_dir, recipe.eval.real_text_max_docs)
        if rtexts:
            rp = {m: np.array([d.score for d in model.score(rtexts, m)]) for m in MODES}  # type: ignore[arg-type]
            result["sets"]["real_text"] = {
                "data": f"{recipe.eval.real_text_dir} (unlabeled Common Crawl pages)",
                "n": len(rtexts),
                "flag_rate": {m: float(np.mean(p >= 0.5)) for m, p in rp.items()},
                "mean_score": {m: float(np.mean(p)) for m, p in rp.items()},
            }
    members["columns"] = member_columns(model)
    result["stage2_members"] = members
    result["machine"] = f"{platform.machine()}, torch threads=1"
    atomic_write_text(folder / "metrics.json", json.dumps(result, indent=2, sort_keys=True) + "\n")
    md = render(result)
    if write_card:
        write_into_card(folder / "README.md", md)
    return result


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
