"""Stage 1: a small fastText model distilled from stage 2, scoring every window (the router).

Training (`train_stage1`): texts labelled by the teacher (stage 2's calibrated probability >=
`teacher_threshold` -> malicious), written as fastText lines in a seeded order, trained with an
explicit learning rate and quantized (`cutoff` keeps the most important rows) to a small `.ftz`.
fastText 0.9.2 sometimes stops with "Encountered NaN" at random, and always in a process where
torch has run: the fit runs in a spawned (torch-free) child process, retried with the next seed,
and the child is retried when it dies.

Scoring (`Stage1Model`): every window of a batch of documents in one `predict` call; a document's
stage-1 score is the maximum over its windows (a raw fastText probability: stage 1 routes, it
does not calibrate).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.classifiers.v2.windows import windows
from curate.errors import ConfigError, CurateError
from curate.files import atomic_path

POS = "__label__mal"
NEG = "__label__ok"
_PUNCT = '.,!?;:"()[]{}…“”‘’*#'
FIT_TRIES = 8  # seeds tried inside one child
CHILD_TRIES = 4  # children started


def prep(text: str) -> str:
    """fastText's view of a text: lower case, punctuation as separate tokens, one line."""
    t = text.lower()
    for c in _PUNCT:
        if c in t:
            t = t.replace(c, f" {c} ")
    return t.replace("\n", " ").replace("\r", " ").replace("\t", " ")


@dataclass(frozen=True)
class FastTextConfig:
    dim: int = 16
    bucket: int = 300_000
    word_ngrams: int = 2
    minn: int = 0
    maxn: int = 0
    lr: float = 0.05
    epoch: int = 10
    min_count: int = 2
    cutoff: int = 100_000  # quantize keeping this many rows (words + n-gram buckets); 0 = no
    dsub: int = 8
    qnorm: bool = True
    seed: int = 0
    threads: int = 2

    def validate(self) -> None:
        if min(self.dim, self.epoch, self.word_ngrams, self.threads, self.dsub) < 1:
            raise ConfigError("dim, epoch, word_ngrams, threads and dsub must be >= 1")
        if not self.lr > 0 or self.bucket < 0 or self.cutoff < 0 or self.min_count < 1:
            raise ConfigError("need lr > 0, bucket >= 0, cutoff >= 0, min_count >= 1")


def _fit(train_file: str, cfg: FastTextConfig, out_path: str) -> None:
    """Train + quantize + save in this process (run it in a fresh, torch-free process)."""
    # deferred: a compiled extension, loaded only when stage 1 trains or scores
    import fasttext

    fasttext.FastText.eprint = lambda *a, **k: None
    model = None
    for attempt in range(FIT_TRIES):
        try:
            model = fasttext.train_supervised(
                input=train_file, dim=cfg.dim, bucket=cfg.bucket, wordNgrams=cfg.word_ngrams,
                minn=cfg.minn, maxn=cfg.maxn, lr=cfg.lr, epoch=cfg.epoch, minCount=cfg.min_count,
                thread=cfg.threads, seed=cfg.seed + attempt, verbose=0, loss="softmax",
            )  # fmt: skip
            if cfg.cutoff:
                model.quantize(
                    input=train_file, qnorm=cfg.qnorm, retrain=True, cutoff=cfg.cutoff,
                    dsub=cfg.dsub, thread=cfg.threads, verbose=0,
                )  # fmt: skip
            break
        except RuntimeError as e:
            if "NaN" not in str(e) or attempt == FIT_TRIES - 1:
                raise
    assert model is not None
    with atomic_path(out_path) as tmp:
        model.save_model(str(tmp))


def train_stage1(
    texts: Sequence[str],
    teacher_p: Sequence[float],
    cfg: FastTextConfig,
    out_path: str | Path,
    teacher_threshold: float = 0.5,
) -> Path:
    """Distil: label = teacher_p >= teacher_threshold; train, quantize, write `out_path` (.ftz)."""
    lines = sorted(
        f"{POS if p >= teacher_threshold else NEG} {prep(t)}"
        for t, p in zip(texts, teacher_p, strict=True)
        if prep(t).strip()
    )
    if len({ln.split(" ", 1)[0] for ln in lines}) < 2:
        raise CurateError(
            f"stage-1 training data has {len(lines)} lines but one label only: the teacher "
            "flagged none (or all) of them; generate more documents (recipe [stage1])"
        )
    random.Random(cfg.seed).shuffle(lines)
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="curate-stage1-") as d:
        f = Path(d) / "train.txt"
        f.write_text("\n".join(lines) + "\n")
        ctx = mp.get_context("spawn")
        for _ in range(CHILD_TRIES):
            proc = ctx.Process(target=_fit, args=(str(f), cfg, str(out_path)))
            proc.start()
            proc.join()
            if proc.exitcode == 0 and out_path.is_file():
                return out_path
    raise CurateError(
        f"fastText training failed {CHILD_TRIES} times on {len(lines)} lines (pid {os.getpid()}); "
        "rerun, or change [stage1] seed in the recipe"
    )


class Stage1Model:
    """A trained stage-1 `.ftz` and the window rule it scores with."""

    def __init__(self, path: str | Path, max_chars: int = 512) -> None:
        # deferred: a compiled extension, loaded only when stage 1 runs
        import fasttext

        fasttext.FastText.eprint = lambda *a, **k: None  # silence the load warning
        try:
            self.model = fasttext.load_model(str(path))
        except ValueError as e:
            raise CurateError(f"{path}: not a fastText model ({e}); restore the file") from None
        self.max_chars = max_chars
        if POS not in self.model.get_labels():
            raise CurateError(f"{path}: fastText model has no {POS} label; retrain the classifier")

    def text_scores(self, texts: Sequence[str]) -> np.ndarray:
        """P(malicious) of each text as one window (no splitting)."""
        if not texts:
            return np.zeros(0)
        labels, probs = self.model.predict([prep(t) for t in texts], k=2)
        out = [
            float(p[list(lab).index(POS)]) if POS in lab else 0.0
            for lab, p in zip(labels, probs, strict=True)
        ]
        return np.clip(np.asarray(out, dtype=np.float64), 0.0, 1.0)

    def window_scores(self, docs: Sequence[str]) -> list[tuple[list[tuple[int, int]], np.ndarray]]:
        """For each document: (window spans, stage-1 P(malicious) per window)."""
        spans = [windows(d, self.max_chars) for d in docs]
        p = self.text_scores([d[s:e] for d, sp in zip(docs, spans, strict=True) for s, e in sp])
        out, i = [], 0
        for sp in spans:
            out.append((sp, p[i : i + len(sp)]))
            i += len(sp)
        return out
