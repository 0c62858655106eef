"""Stage 1 of the cascade: fastText on the training passages, fitted so it rebuilds byte for byte.

fastText 0.9.2 with thread=1 and a fixed seed gives the same model every time in a fresh process,
but not in a process where torch has run, so every fit runs in a spawned process
(`_fit_fasttext`) and the parent loads and re-saves the result (`train_stage1`). The spawned
process imports this module, which therefore must not import torch, directly or through the
modules it imports. `oof_stage1_raw` gives stage 2 its out-of-fold stage-1 feature.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from curate.classifiers.features import NEG, POS, prep
from curate.classifiers.recipe import Recipe
from curate.errors import CurateError
from curate.files import atomic_write_bytes


def _fit_fasttext_here(recipe: Recipe, passages: list[dict[str, Any]], quantize: bool) -> Any:
    """Train (and optionally quantise) fastText on `passages` in this process (thread=1, seed)."""
    import fasttext  # deferred: a compiled extension, loaded only when stage 1 trains

    fasttext.FastText.eprint = lambda *a, **k: None
    lines = [f"{POS if p['label'] else NEG} {prep(p['text'])}" for p in passages]
    lines.sort()
    random.Random(recipe.seed).shuffle(lines)
    c = recipe.stage1
    with tempfile.TemporaryDirectory(prefix="curate-ft-") as tmp:
        train_file = Path(tmp) / "train.txt"
        train_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        # fastText 0.9.2 sometimes raises "Encountered NaN" at random on the same input (seen on
        # small training sets); a run that succeeds is deterministic (thread=1, fixed seed, the
        # same bytes every time, checked in tests), so retrying the whole fit is safe.
        for attempt in range(8):
            try:
                model = fasttext.train_supervised(
                    input=str(train_file),
                    lr=c.lr,
                    epoch=c.epoch,
                    dim=c.dim,
                    wordNgrams=c.word_ngrams,
                    minn=c.minn,
                    maxn=c.maxn,
                    bucket=c.bucket,
                    minCount=c.min_count,
                    loss="softmax",
                    thread=1,
                    seed=recipe.seed,
                    verbose=0,
                )
                if quantize:
                    model.quantize(
                        input=str(train_file),
                        qnorm=c.qnorm,
                        retrain=True,
                        cutoff=c.cutoff,
                        dsub=c.dsub,
                        thread=1,
                        verbose=0,
                    )
                break
            except RuntimeError as e:
                if attempt == 7:
                    raise CurateError(
                        f"[stage1] fastText training failed 8 times ({e}) on {len(lines)} "
                        "passages; lower stage1.lr or generate more data (data.default_n)"
                    ) from None
    return model


def _fit_in_child(recipe: Recipe, passages: list[dict[str, Any]], quantize: bool, out: str) -> None:
    _fit_fasttext_here(recipe, passages, quantize).save_model(out)


def _fit_fasttext(recipe: Recipe, passages: list[dict[str, Any]], quantize: bool) -> Any:
    """Train fastText in a fresh (spawned) process and load the result here.

    fastText 0.9.2 with thread=1 and a fixed seed gives the same model every time in a fresh
    process, but not in a process where torch has run (MiniLM embeddings, other tests): there
    the same call gave different models from run to run (measured: the out-of-fold stage-1 scores
    of stage 2's features changed, and with them the stage-2 weights). A fresh process per fit
    makes every fit, and so the whole classifier, rebuild byte for byte."""
    import fasttext  # deferred: a compiled extension, loaded only when stage 1 trains

    fasttext.FastText.eprint = lambda *a, **k: None
    with tempfile.TemporaryDirectory(prefix="curate-ft-") as tmp:
        out = str(Path(tmp) / ("model.ftz" if quantize else "model.bin"))
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
            ex.submit(_fit_in_child, recipe, passages, quantize, out).result()
        return fasttext.load_model(out)


def train_stage1(recipe: Recipe, passages: list[dict[str, Any]], out_path: Path) -> None:
    """Train stage 1 on `passages` (quantised when the recipe says so) and write it to
    `out_path`."""
    # The artifact is the parent's re-save of the loaded model, not the child's own file: the two
    # differ in some bytes (measured), and the committed stage1.ftz is the re-saved form.
    model = _fit_fasttext(recipe, passages, recipe.stage1.quantize)
    with tempfile.TemporaryDirectory(prefix="curate-ft-") as tmp:
        tmp_model = Path(tmp) / "model.bin"
        model.save_model(str(tmp_model))
        atomic_write_bytes(out_path, tmp_model.read_bytes())


def oof_stage1_raw(
    recipe: Recipe, train_p: list[dict[str, Any]], sample: list[dict[str, Any]]
) -> np.ndarray:
    """Out-of-fold stage-1 raw probabilities for `sample` (folds by group, so no leakage)."""
    k = recipe.stage2.oof_folds

    def fold(p: dict[str, Any]) -> int:
        return int(hashlib.sha256(f"{recipe.seed}:fold:{p['group']}".encode()).hexdigest(), 16) % k

    out = np.zeros(len(sample))
    for f in range(k):
        model = _fit_fasttext(recipe, [p for p in train_p if fold(p) != f], quantize=False)
        idx = [i for i, p in enumerate(sample) if fold(p) == f]
        if not idx:
            continue
        labels, probs = model.predict([prep(sample[i]["text"]) for i in idx], k=1)
        for i, lab, pr in zip(idx, labels, probs, strict=True):
            out[i] = pr[0] if lab[0] == POS else 1.0 - pr[0]
    return np.clip(out, 0.0, 1.0)
