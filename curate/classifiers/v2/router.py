"""Stage 1 of v2: a hashed word/word-pair linear router, distilled from stage 2, run in numpy.

Why not fastText (v2's first router): on the benchmark's 3 KB documents fastText's `predict`
costs ~280 µs per document over sentence windows (`bench/classifier_speed.py` at 0afdc45^, the
commit before this router), more than the whole audit without a classifier (~130 µs per document); an audit keeping half its throughput
needs the router at a few tens of µs. The words a router needs are already cut and hashed by the
audit's text kernels (`curate.text.word_codes`, `curate.minhash.word_hashes`), so the router is a
lookup table over those hashes.

**Model.** A text's features are its words (the `curate.text` view: NFKC, lower case, runs of
``\\w``) and each pair of adjacent words, hashed into one of ``2**bits`` buckets (one table for
both). ``logit(text) = bias + mean(weight[f] for f in features)``. A two-label fastText softmax
over mean-pooled embeddings computes this same function (its per-row scalar is
``embedding · (w_mal - w_ok)``); here the scalar is stored directly (float16).

**Documents.** A document's stage-1 logit is the maximum over its windows of `window_words`
consecutive words (every start; a document with fewer words is one window), so a short malicious
passage in a long benign page is not averaged away. Window sums come from two prefix sums per
batch (words, pairs): a few numpy passes per batch, no Python per word.

**Training** (`fit_router`): texts with targets in [0, 1] (distillation passes stage 2's
labels at its threshold, `curate.classifiers.v2.distill`), binary cross-entropy, Adam on a one-dimensional ``EmbeddingBag(mode="mean")`` plus a bias, L2
on the table, seeded batches; torch is imported only to train. Scoring needs numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from curate.classifiers.v2.windows import windows
from curate.errors import ConfigError, CurateError
from curate.files import atomic_path
from curate.minhash import fmix64, word_hashes
from curate.text import word_codes

FORMAT = "hash-router-1"  # the stage-1 file's "format" metadata: what this module reads
_PAIR_MUL = np.uint64(0x9E3779B97F4A7C15)  # folds a word pair into one 64-bit value
_PAIR_SALT = np.uint64(0x5BD1E9955BD1E995)
CHUNK_DOCS = 128  # documents scored per numpy pass
_NO_WORDS = np.empty(0, dtype=np.uint64)


@dataclass(frozen=True)
class RouterConfig:
    bits: int = 18  # 2**bits buckets (float16: 2**bits * 2 bytes on disk)
    labels: Literal["hard", "soft"] = (
        "hard"  # stage 2's labels at its threshold, or its probabilities
    )
    window_words: tuple[int, ...] = (64,)  # candidates; the held-out split picks one
    epochs: int = 4
    lr: float = 0.02
    l2: float = 1e-6  # on the table (per bucket, added to the mean loss)
    batch_size: int = 256
    seed: int = 0

    def validate(self) -> None:
        if not 8 <= self.bits <= 24:
            raise ConfigError(f"bits must be in 8..24, got {self.bits}")
        if not self.window_words or min(self.window_words) < 4:
            raise ConfigError(f"window_words must be non-empty, each >= 4: {self.window_words}")
        if self.epochs < 1 or self.batch_size < 1 or not self.lr > 0 or self.l2 < 0:
            raise ConfigError("need epochs >= 1, batch_size >= 1, lr > 0, l2 >= 0")


# ------------------------------------------------------------------------------ features
def _word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 hash of every word, texts in order; words per text). ASCII and other texts go
    through `word_codes` separately (it wants one kind per call) and are put back in order."""
    n = len(texts)
    asc = np.fromiter((t.isascii() for t in texts), dtype=bool, count=n)
    groups = [np.flatnonzero(asc), np.flatnonzero(~asc)]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for idx in groups:
        if idx.size:
            sub = [texts[i] for i in idx]
            wh, wdoc = word_hashes(*word_codes(sub))
            parts.append((idx, wh, np.bincount(wdoc, minlength=idx.size)))
    if len(parts) == 1 and parts[0][0].size == n:
        return parts[0][1], parts[0][2]
    counts = np.zeros(n, dtype=np.int64)
    pieces: list[list[np.ndarray]] = [[] for _ in range(n)]
    for idx, wh, cnt in parts:
        counts[idx] = cnt
        for i, chunk in zip(idx.tolist(), np.split(wh, np.cumsum(cnt)[:-1]), strict=True):
            pieces[i].append(chunk)
    flat = [c for p in pieces for c in p]
    return (np.concatenate(flat) if flat else np.empty(0, dtype=np.uint64)), counts


def features(
    texts: Sequence[str], bits: int, hashes: Sequence[np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(word bucket per word, pair bucket per word (the pair with the next word; -1 at a text's
    last word), words per text). Buckets index a table of ``2**bits``. `hashes`: each text's
    word hashes when the caller has them (the audit's text annotator computes the same ones for
    MinHash, `curate.audit.steps.annotate`), so they are not computed twice."""
    if hashes is None:
        wh, counts = _word_hashes(texts)
    else:
        counts = np.fromiter((h.size for h in hashes), dtype=np.int64, count=len(hashes))
        wh = np.concatenate(hashes).astype(np.uint64, copy=False) if len(hashes) else _NO_WORDS
    mask = np.uint64((1 << bits) - 1)
    uni = (wh & mask).astype(np.int64)
    pair = np.full(wh.size, -1, dtype=np.int64)
    if wh.size > 1:
        ends = np.cumsum(counts) - 1  # each text's last word: no pair after it
        ph = fmix64(wh[:-1] * _PAIR_MUL + wh[1:] + _PAIR_SALT)
        pair[:-1] = (ph & mask).astype(np.int64)
        pair[ends[counts > 0]] = -1
    return uni, pair, counts


# ------------------------------------------------------------------------------ the model
class HashRouter:
    """A trained router: the table, the bias and the window length."""

    def __init__(self, weight: np.ndarray, bias: float, bits: int, window_words: int) -> None:
        if weight.shape != (1 << bits,):
            raise CurateError(f"router table has shape {weight.shape}, expected ({1 << bits},)")
        self.weight = weight.astype(np.float64)
        self.bias = float(bias)
        self.bits = bits
        self.window_words = window_words

    # io -----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        # deferred: safetensors' numpy API, only when a model is written
        from safetensors.numpy import save_file

        # one metadata key: safetensors writes metadata in hash-map order, so several keys would
        # make the bytes of the same model differ between runs
        meta = {"format": FORMAT}
        tensors = {
            "weight": self.weight.astype(np.float16),
            "bias": np.array([self.bias], dtype=np.float32),
            "bits": np.array([self.bits], dtype=np.int64),
            "window_words": np.array([self.window_words], dtype=np.int64),
        }
        with atomic_path(path) as tmp:
            save_file(tensors, str(tmp), metadata=meta)

    @classmethod
    def load(cls, path: str | Path) -> HashRouter:
        # deferred: safetensors' numpy API, only when a model is read
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(str(path), framework="numpy") as f:
                meta = f.metadata() or {}
                if meta.get("format") != FORMAT:
                    raise CurateError(
                        f"{path}: format {meta.get('format')!r}, not {FORMAT!r}: not a v2 hash "
                        "router; retrain the classifier"
                    )
                return cls(
                    f.get_tensor("weight"),
                    float(f.get_tensor("bias")[0]),
                    int(f.get_tensor("bits")[0]),
                    int(f.get_tensor("window_words")[0]),
                )
        except (OSError, ValueError, KeyError, json.JSONDecodeError, SafetensorError) as e:
            raise CurateError(f"{path}: unreadable router ({e}); restore the file") from None

    # scoring -----------------------------------------------------------------------------
    def _terms(
        self, texts: Sequence[str], hashes: Sequence[np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(word term, pair term (0 where no pair), words per text)."""
        uni, pair, counts = features(texts, self.bits, hashes)
        a = self.weight[uni]
        b = np.where(pair >= 0, self.weight[np.maximum(pair, 0)], 0.0)
        return a, b, counts

    def text_logits(self, texts: Sequence[str]) -> np.ndarray:
        """The logit of each text as one window (-inf for a text without words)."""
        a, b, counts = self._terms(texts)
        n = len(texts)
        doc = np.repeat(np.arange(n), counts)
        s = np.bincount(doc, weights=a, minlength=n) + np.bincount(doc, weights=b, minlength=n)
        nf = 2 * counts - 1
        out = np.full(n, -np.inf)
        has = counts > 0
        out[has] = self.bias + s[has] / nf[has]
        return out

    def doc_logits(
        self, texts: Sequence[str], hashes: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        """Each document's maximum window logit (windows of `window_words` words, every start;
        a document with fewer words is one window; -inf without words). Batches are cut into
        runs of `CHUNK_DOCS`, so the arrays of a run stay in cache. `hashes`: see `features`."""
        if len(texts) > CHUNK_DOCS:
            return np.concatenate(
                [
                    self.doc_logits(
                        texts[i : i + CHUNK_DOCS],
                        None if hashes is None else hashes[i : i + CHUNK_DOCS],
                    )
                    for i in range(0, len(texts), CHUNK_DOCS)
                ]
            )
        a, b, counts = self._terms(texts, hashes)
        n, L = len(texts), self.window_words
        first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=first[1:])
        A = np.concatenate(([0.0], np.cumsum(a)))
        B = np.concatenate(([0.0], np.cumsum(b)))
        out = np.full(n, -np.inf)
        short = (counts > 0) & (counts < L)
        f, e = first[:-1][short], first[1:][short]
        out[short] = self.bias + (A[e] - A[f] + B[e - 1] - B[f]) / (2 * counts[short] - 1)
        long_ = np.flatnonzero(counts >= L)
        nw = a.size
        if long_.size:
            s = np.arange(nw - L + 1)
            win = np.full(nw, -np.inf)
            doc = np.repeat(np.arange(n), counts)
            ok = doc[s] == doc[s + L - 1]
            s = s[ok]
            win[s] = (A[s + L] - A[s] + B[s + L - 1] - B[s]) / (2 * L - 1)
            out[long_] = self.bias + np.maximum.reduceat(win, first[long_])
        return out

    def doc_scores(
        self, texts: Sequence[str], hashes: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        return _sigmoid(self.doc_logits(texts, hashes))

    def text_scores(self, texts: Sequence[str]) -> np.ndarray:
        return _sigmoid(self.text_logits(texts))

    def window_scores(
        self, docs: Sequence[str], max_chars: int
    ) -> list[tuple[list[tuple[int, int]], np.ndarray]]:
        """For each document: its sentence windows (`curate.classifiers.v2.windows`, the
        windows stage 2 scores) and each window's stage-1 probability as one text."""
        spans = [windows(d, max_chars) for d in docs]
        p = self.text_scores([d[s:e] for d, sp in zip(docs, spans, strict=True) for s, e in sp])
        out, i = [], 0
        for sp in spans:
            out.append((sp, p[i : i + len(sp)]))
            i += len(sp)
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


# ------------------------------------------------------------------------------ training
def fit_router(
    texts: Sequence[str], targets: Sequence[float], cfg: RouterConfig, window_words: int
) -> HashRouter:
    """Fit the table and bias to soft `targets` in [0, 1] (texts without words are skipped)."""
    # deferred: torch takes seconds to import; scoring never needs it
    import torch

    uni, pair, counts = features(texts, cfg.bits)
    y_all = np.clip(np.asarray(targets, dtype=np.float64), 0.0, 1.0)
    doc = np.repeat(np.arange(len(texts)), counts)
    keep_pair = pair >= 0
    # each text's features: its words then its pairs, grouped by text
    idx = np.concatenate([uni, pair[keep_pair]])
    owner = np.concatenate([doc, doc[keep_pair]])
    order = np.argsort(owner, kind="stable")
    idx, owner = idx[order], owner[order]
    nf = np.bincount(owner, minlength=len(texts))
    use = np.flatnonzero(nf > 0)
    if use.size < 2 or len({round(float(v)) for v in y_all[use]}) < 2:
        raise CurateError(
            f"router training data: {use.size} texts with words and one class only after "
            "rounding the teacher's probabilities; generate more documents (recipe [stage1])"
        )
    start = np.concatenate(([0], np.cumsum(nf)))
    torch.manual_seed(cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    bag = torch.nn.EmbeddingBag(1 << cfg.bits, 1, mode="mean")
    torch.nn.init.zeros_(bag.weight)
    p0 = float(np.clip(y_all[use].mean(), 1e-4, 1 - 1e-4))
    bias = torch.nn.Parameter(torch.tensor([np.log(p0 / (1 - p0))], dtype=torch.float32))
    opt = torch.optim.Adam([bag.weight, bias], lr=cfg.lr)
    idx_t = torch.from_numpy(idx)
    y_t = torch.from_numpy(y_all.astype(np.float32))
    for _ in range(cfg.epochs):
        perm = use[torch.randperm(use.size, generator=g).numpy()]
        for k in range(0, perm.size, cfg.batch_size):
            rows = perm[k : k + cfg.batch_size]
            seg = [idx_t[start[r] : start[r + 1]] for r in rows.tolist()]
            offs = torch.tensor(np.concatenate(([0], np.cumsum(nf[rows])[:-1])))
            logit = bag(torch.cat(seg), offs).squeeze(1) + bias
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y_t[rows])
            if cfg.l2:
                loss = loss + cfg.l2 * bag.weight.pow(2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    w = bag.weight.detach().numpy()[:, 0].astype(np.float16)  # stored precision
    return HashRouter(w, float(bias.item()), cfg.bits, window_words)
