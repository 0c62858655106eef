"""Stage 1 distilled from stage 2: corpus, teacher labels, routing threshold, the `.ftz`.

1. Corpus: documents and statements from docgen with a seed stage 2 did not train on
   (`[stage1] docgen_seed`; documents cut into v2 windows), plus `n_ordinary` ordinary documents
   from the make_docs generator (`ordinary_script`, seed `ordinary_seed`: not the benchmark's).
2. Teacher: stage 2's calibrated probability of every text; >= `teacher_threshold` is malicious.
3. Groups with sha256(group) % `heldout_k` == 0 are held out: fastText is fitted on the rest of
   the `train_sources`, and the route threshold is the (1 - `recall`) quantile of its scores on
   the held-out teacher-positive windows of the `recall_sources`.
4. The final fastText is fitted on every text of the `train_sources`.
"""

from __future__ import annotations

import hashlib
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
from curate.classifiers.v2.stage1 import Stage1Model, train_stage1
from curate.classifiers.v2.windows import windows
from curate.errors import CurateError


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
    """Items {text, group, src}: generated document windows, generated statements, ordinary
    document windows (only the sources the recipe trains on or sets the threshold with)."""
    want = set(st1.train_sources) | set(st1.recall_sources)
    items: list[dict[str, Any]] = []
    for r in generate(st1.docgen_seed, st1.n_docs, st1.n_statements):
        if r["kind"] == "statement" and "gen_stmt" in want:
            items.append({"text": r["text"], "group": r["group"], "src": "gen_stmt"})
        elif r["kind"] == "document" and "gen_doc" in want:
            items += [
                {"text": r["text"][s:e], "group": r["group"], "src": "gen_doc"}
                for s, e in windows(r["text"], max_chars)
            ]
    if "ordinary" in want:
        for i, t in enumerate(ordinary):
            items += [
                {"text": t[s:e], "group": f"ord:{i}", "src": "ordinary"}
                for s, e in windows(t, max_chars)
            ]
    return items


def distill_stage1(
    st1: Any,
    max_chars: int,
    teacher_logits: Callable[[list[str]], np.ndarray],
    platt: tuple[float, float],
    root: Path,
    out: Path,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train `out/stage1.ftz`; returns the report (route threshold, held-out figures)."""
    ordinary = ordinary_docs(
        (root / st1.ordinary_script).resolve(), st1.n_ordinary, st1.ordinary_seed
    )
    items = corpus(st1, max_chars, ordinary)
    log(f"stage 1: {len(items)} windows/statements; teacher scoring")
    p = apply_platt(teacher_logits([x["text"] for x in items]), platt)
    cut = st1.teacher_threshold
    if st1.teacher_quantile:
        cut = float(np.quantile(p, st1.teacher_quantile))
    is_held = np.array([held_out(x["group"], st1.heldout_k) for x in items])
    use = np.array([x["src"] in st1.train_sources for x in items])
    tr = np.nonzero(~is_held & use)[0]
    cfg = st1.fasttext
    texts = [x["text"] for x in items]
    probe = out / ".stage1_heldout.ftz"
    train_stage1([texts[i] for i in tr], p[tr], cfg, probe, cut)
    va = np.nonzero(is_held)[0]
    q = Stage1Model(probe, max_chars).text_scores([texts[i] for i in va])
    probe.unlink()
    tpos = p[va] >= cut
    in_src = np.array([items[i]["src"] in st1.recall_sources for i in va], dtype=bool)
    if not (tpos & in_src).any():
        raise CurateError(
            "stage 1: no held-out teacher-positive window in the recall sources, so no route "
            "threshold; raise [stage1] n_docs in the recipe"
        )
    thr = float(np.quantile(q[tpos & in_src], 1 - st1.recall))
    by_src = {}
    for src in sorted({x["src"] for x in items}):
        m = np.array([items[i]["src"] == src for i in va], dtype=bool)
        pos, neg = m & tpos, m & ~tpos
        by_src[src] = {
            "n": int(m.sum()),
            "teacher_pos": int(pos.sum()),
            "recall": float(np.mean(q[pos] >= thr)) if pos.any() else None,
            "neg_routed": float(np.mean(q[neg] >= thr)) if neg.any() else None,
        }
    allt = np.nonzero(use)[0]
    train_stage1([texts[i] for i in allt], p[allt], cfg, out / "stage1.ftz", cut)
    return {
        "route_threshold": thr,
        "n_items": len(items),
        "n_train": int(len(allt)),
        "teacher_threshold": cut,
        "teacher_pos_rate": float(np.mean(p >= cut)),
        "heldout_by_source": by_src,
    }
