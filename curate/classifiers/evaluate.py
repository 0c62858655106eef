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
``<!-- metrics:start -->`` and ``<!-- metrics:end -->`` (`curate.classifiers.card`).
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
import torch

from curate import jsonl
from curate.classifiers import embed_cache
from curate.classifiers.card import MODES, SWEEP, render, write_into_card
from curate.classifiers.cascade import CascadeModel
from curate.classifiers.embedder import Embedder
from curate.classifiers.metrics import (
    auroc,
    auroc_interval,
    ece,
    precision_at_recall,
    precision_recall_f1,
)
from curate.classifiers.recipe import load_recipe
from curate.errors import CurateError
from curate.files import atomic_write_text

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
        for lineno, r in jsonl.records(path):
            try:
                yes = r["answer_matching_behavior"].strip() == "Yes"
                text = r["statement"]
            except (KeyError, AttributeError) as e:
                raise CurateError(f"{path}:{lineno}: unreadable persona statement ({e})") from None
            label = int(yes) if trait in DARK_TRAITS else int(not yes)
            rows.append({"text": text, "label": label, "trait": trait})
    return rows


def load_real_text(folder: Path, max_docs: int) -> list[str]:
    """Texts of the JSON-lines files (.jsonl/.json, optionally .gz) in `folder`, sorted by path.

    Tolerant, unlike `curate.jsonl.read`: unlabeled web text from elsewhere, so a line that is not
    a JSON object with a non-empty "text" is skipped."""
    out: list[str] = []
    for path in sorted(folder.iterdir()):
        if not any(path.name.endswith(x) for x in (".jsonl", ".json", ".jsonl.gz", ".json.gz")):
            continue
        with jsonl.open_text(path) as f:
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
        for i in model.stage2_targets(ws):
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


def evaluate(folder: str | Path, write_card: bool = True) -> dict[str, Any]:
    torch.set_num_threads(1)
    folder = Path(folder)
    recipe, root = load_recipe(folder)
    data_dir = root / recipe.data.out
    test_path = data_dir / "docs_test.jsonl.gz"
    if not test_path.is_file():
        raise CurateError(
            f"{test_path}: held-out data missing; run `curate classifier train {folder}`"
        )
    embedder = Embedder(cache_dir=embed_cache.enabled_dir())
    embedder.memo = {}
    model = CascadeModel(folder, embedder=embedder)
    result: dict[str, Any] = {
        "classifier": model.name,
        "cascade_threshold": model.cascade_threshold,
        "sets": {},
    }

    docs = jsonl.read(test_path)
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
