"""Stage 1 distilled from stage 2: corpus, teacher scores, the router, its route threshold.

1. Corpus: documents from docgen with a seed stage 2 did not train on (`[stage1] docgen_seed`),
   plus `n_ordinary` ordinary documents from the make_docs generator (`ordinary_script`, seed
   `ordinary_seed`: not the benchmark's), plus `n_world` persona-world documents (`world_preset`,
   `world_seed`: neither stage 2's world nor the evaluation's), each cut into v2 windows.
2. Teacher: stage 2's calibrated probability of every window (cached under
   `<out>/.cache/`, keyed by the stage-2 file's sha256 and the corpus settings, so retraining
   stage 1 alone does not rescore); a document is teacher-positive when one of its windows is at
   or over `teacher_threshold`.
3. Documents whose group has sha256(group) % `heldout_k` == 0 are held out. The router
   (`curate.classifiers.v2.router`) is fitted on the other documents' windows, labelled
   teacher >= `teacher_threshold` (`[stage1.router] labels = "hard"`; "soft" fits the teacher's
   probabilities instead: the model card has both, measured). On the held-out documents, for each candidate `window_words`,
   the route threshold is the (1 - `recall`) quantile of the teacher-positive documents' router
   scores (those of the `recall_sources`), and the candidate routing the fewest teacher-negative
   documents wins.
4. The shipped router is that fitted model with that threshold: the recall and routing figures
   in the report are held-out measurements of the file that ships. "cascade_recall" is the share
   of held-out teacher-positive documents that are routed *and* have a teacher-positive window
   among the `top_windows` windows the router picks for stage 2 (what the cascade finds).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from curate import jsonl
from curate.classifiers.docgen import generate
from curate.classifiers.v2.calibrate import apply_platt
from curate.classifiers.v2.data import world_docs, world_group
from curate.classifiers.v2.router import fit_router
from curate.classifiers.v2.windows import windows
from curate.config import to_dict
from curate.errors import CurateError

STAGE1_FILE = "stage1.safetensors"


def held_out(group: str, k: int) -> bool:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % k == 0


def ordinary_docs(script: Path, n: int, seed: int) -> list[str]:
    """`n` documents of the make_docs generator with `seed` (generated now, in a temp folder)."""
    if n <= 0:
        return []
    if not script.is_file():
        raise CurateError(
            f"{script}: the ordinary-document generator is missing; set the recipe's "
            "[stage1] ordinary_script to make_docs.py, or n_ordinary = 0"
        )
    with tempfile.TemporaryDirectory(prefix="curate-ordinary-") as tmp:
        subprocess.run(
            [sys.executable, str(script), tmp, "--n", str(n), "--seed", str(seed)],
            check=True, capture_output=True,
        )  # fmt: skip
        return [str(r["text"]) for r in jsonl.read(Path(tmp) / "docs.jsonl")]


def corpus(st1: Any, max_chars: int, ordinary: list[str]) -> list[dict[str, Any]]:
    """Documents {text, group, src, spans}: generated documents then ordinary ones, with their
    v2 windows (only the sources the recipe trains on or sets the threshold with)."""
    want = set(st1.train_sources) | set(st1.recall_sources)
    docs: list[dict[str, Any]] = []
    if "gen_doc" in want:
        for r in generate(st1.docgen_seed, st1.n_docs, 0):
            if r["kind"] == "document":
                docs.append({"text": r["text"], "group": r["group"], "src": "gen_doc"})
    if "world" in want:
        for i, r in enumerate(world_docs(st1.world_preset, st1.world_seed, st1.n_world)):
            docs.append({"text": r["text"], "group": world_group(r, i), "src": "world"})
    if "ordinary" in want:
        docs += [
            {"text": t, "group": f"ord:{i}", "src": "ordinary"} for i, t in enumerate(ordinary)
        ]
    for d in docs:
        d["spans"] = windows(d["text"], max_chars)
    return docs


def teacher_scores(
    texts: list[str],
    teacher_logits: Callable[[list[str]], np.ndarray],
    platt: tuple[float, float],
    cache: Path | None,
    log: Callable[[str], None],
) -> np.ndarray:
    """The teacher's calibrated probability of every window (`texts`, documents in order)."""
    if cache is not None and cache.is_file():
        z = np.load(cache)
        if z["logits"].size == len(texts):
            log(f"stage 1: teacher logits from {cache}")
            return apply_platt(z["logits"], platt)
    log(f"stage 1: teacher scoring {len(texts)} windows")
    logits = teacher_logits(texts)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, logits=logits)
    return apply_platt(logits, platt)


def cache_key(st1: Any, max_chars: int, stage2_sha: str) -> str:
    keep = {k: v for k, v in to_dict(st1).items() if k not in ("router", "recall", "heldout_k")}
    raw = json.dumps({"stage1": keep, "max_chars": max_chars, "stage2": stage2_sha}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def distill_stage1(
    st1: Any,
    max_chars: int,
    teacher_logits: Callable[[list[str]], np.ndarray],
    platt: tuple[float, float],
    root: Path,
    out: Path,
    stage2_sha: str = "",
    log: Callable[[str], None] = print,
    top_windows: int = 2,
) -> dict[str, Any]:
    """Write `out/stage1.safetensors`; returns the report (threshold, held-out figures)."""
    ordinary = ordinary_docs(
        (root / st1.ordinary_script).resolve(), st1.n_ordinary, st1.ordinary_seed
    )
    docs = corpus(st1, max_chars, ordinary)
    cache = out / ".cache" / f"stage1_teacher_{cache_key(st1, max_chars, stage2_sha)}.npz"
    texts = [d["text"][s:e] for d in docs for s, e in d["spans"]]
    p = teacher_scores(texts, teacher_logits, platt, cache if stage2_sha else None, log)
    cut = st1.teacher_threshold
    if st1.teacher_quantile:
        cut = float(np.quantile(p, st1.teacher_quantile))
    nwin = np.array([len(d["spans"]) for d in docs])
    wdoc = np.repeat(np.arange(len(docs)), nwin)
    doc_max = np.full(len(docs), 0.0)
    np.maximum.at(doc_max, wdoc, p)
    held = np.array([held_out(d["group"], st1.heldout_k) for d in docs])
    src = np.array([d["src"] for d in docs])
    in_train = np.isin(src, list(st1.train_sources))
    tr_win = np.flatnonzero(~held[wdoc] & in_train[wdoc])
    log(f"stage 1: router on {tr_win.size} windows ({int(np.sum(~held & in_train))} documents)")
    cfg = st1.router
    y = (p[tr_win] >= cut).astype(np.float64) if cfg.labels == "hard" else p[tr_win]
    model = fit_router([texts[i] for i in tr_win], y, cfg, cfg.window_words[0])
    va = np.flatnonzero(held)
    tpos = doc_max[va] >= cut
    in_recall = np.isin(src[va], list(st1.recall_sources))
    if not (tpos & in_recall).any():
        raise CurateError(
            "stage 1: no held-out teacher-positive document in the recall sources, so no route "
            "threshold; raise [stage1] n_docs in the recipe"
        )
    va_texts = [docs[i]["text"] for i in va]
    # what stage 2 would see of each held-out document: its `top_windows` best windows by the
    # router (their teacher probabilities are already known)
    first_win = np.concatenate(([0], np.cumsum(nwin)))
    va_win = [texts[first_win[i] : first_win[i + 1]] for i in va]
    w_scores = model.text_scores([w for ws in va_win for w in ws])
    best_seen = np.zeros(va.size)
    k = 0
    for j, i in enumerate(va):
        n = nwin[i]
        top = sorted(range(n), key=lambda x: (-w_scores[k + x], x))[:top_windows]
        best_seen[j] = max((p[first_win[i] + x] for x in top), default=0.0)
        k += n
    candidates = []
    for L in cfg.window_words:
        model.window_words = L
        q = model.doc_scores(va_texts)
        thr = float(np.quantile(q[tpos & in_recall], 1 - st1.recall))
        by_src = {}
        for s in sorted(set(src[va].tolist())):
            m = src[va] == s
            pos, neg = m & tpos, m & ~tpos
            by_src[s] = {
                "docs": int(m.sum()),
                "teacher_pos": int(pos.sum()),
                "recall": float(np.mean(q[pos] >= thr)) if pos.any() else None,
                "neg_routed": float(np.mean(q[neg] >= thr)) if neg.any() else None,
            }
        neg_routed = float(np.mean(q[~tpos] >= thr)) if (~tpos).any() else 0.0
        found = (q >= thr) & (best_seen >= cut)  # routed, and stage 2 sees a positive window
        cascade_recall = float(np.mean(found[tpos & in_recall]))
        candidates.append({"window_words": L, "route_threshold": thr, "neg_routed": neg_routed,
                           "cascade_recall": cascade_recall,
                           "heldout_by_source": by_src})  # fmt: skip
        log(f"stage 1: window_words {L}: threshold {thr:.4f}, teacher-negative routed "
            f"{neg_routed:.4f}, cascade recall {cascade_recall:.4f}")  # fmt: skip
    best = min(candidates, key=lambda c: (c["neg_routed"], c["window_words"]))
    model.window_words = int(best["window_words"])
    model.save(out / STAGE1_FILE)
    return {
        "file": STAGE1_FILE,
        "route_threshold": best["route_threshold"],
        "window_words": best["window_words"],
        "n_docs": len(docs),
        "n_windows": len(texts),
        "n_train_windows": int(tr_win.size),
        "teacher_threshold": cut,
        "teacher_pos_rate_windows": float(np.mean(p >= cut)),
        "teacher_pos_rate_docs": float(np.mean(doc_max >= cut)),
        "heldout_docs": int(va.size),
        "candidates": candidates,
    }
