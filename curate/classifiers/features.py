"""What each stage's model sees of a window: the one definition, shared by training and scoring.

- Stage 1 (fastText): `prep(text)`, lower case with punctuation split off as tokens and no
  newlines; labels `POS` / `NEG` in fastText's `__label__` format.
- Stage 2 (MiniLM + linear head): `stage2_features`, the blocks a recipe names, in its order:
  the embedding e, n*e, n (`NEGATION_RE`: a negation cue such as not, never, no, n't, rarely,
  refuse), the stage-1 logit and the length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from curate.classifiers.metrics import logit

POS = "__label__malicious"
NEG = "__label__benign"

NEGATION_RE = re.compile(
    r"\b(?:not|never|no|nobody|nothing|nowhere|neither|nor|rarely|hardly|seldom|refuse[sd]?|"
    r"avoid|without|cannot)\b|n't\b|n’t\b",
    re.IGNORECASE,
)
# fastText input: lower case, punctuation split off as tokens, no newlines.
_PUNCT_CHARS = '.,!?;:"()[]{}…“”‘’*#'


def prep(text: str) -> str:
    """The one text normalisation fastText sees, in training and in scoring.

    Lower case; each of `_PUNCT_CHARS` becomes a separate token; newlines and tabs become spaces.
    (Chained `str.replace` is ~15x faster than `str.translate` with a dict here.)"""
    t = text.lower()
    for c in _PUNCT_CHARS:
        if c in t:
            t = t.replace(c, f" {c} ")
    return t.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def stage2_features(
    emb: np.ndarray, texts: Sequence[str], s1_raw: np.ndarray, features: Sequence[str]
) -> np.ndarray:
    """Stage-2 feature matrix: the blocks named in `features`, in that order.

    emb: MiniLM vector e; neg_emb: n*e; neg: n (negation cue present); s1: stage-1 logit / 10
    (clipped to +-10); len: min(chars, 600) / 600; s1_len: s1 * len (stage 1 is reliable on
    paragraphs, much less on one-sentence statements, so the fit may trust it by length)."""
    e = emb.astype(np.float64)
    n = np.array([1.0 if NEGATION_RE.search(t) else 0.0 for t in texts])[:, None]
    s1 = (np.clip(logit(s1_raw), -10.0, 10.0) / 10.0)[:, None]
    length = np.array([min(len(t), 600) / 600.0 for t in texts])[:, None]
    blocks = {
        "emb": lambda: e,
        "neg_emb": lambda: e * n,
        "neg": lambda: n,
        "s1": lambda: s1,
        "len": lambda: length,
        "s1_len": lambda: s1 * length,
    }
    return np.hstack([blocks[f]() for f in features])
