"""Classifier metrics and calibrators (numpy only, no pickles).

Metrics (all on binary labels y in {0,1} and scores/probabilities s in [0,1]):

- `precision_recall_f1(y, p, threshold)`: positive iff p >= threshold; an empty denominator is 0.
- `auroc(y, s)`: Mann-Whitney statistic with average ranks for ties (0.5 for all-tied scores);
  NaN when one class is absent.
- `precision_at_recall(y, s, target)`: the highest precision over all thresholds whose recall is
  >= target (thresholds are the distinct scores; predicting positive iff s >= threshold).
- `ece(y, p, n_bins)`: expected calibration error with equal-width bins [0,0.1), ..., [0.9,1.0]
  (the last bin includes 1.0): sum over bins of |mean(p) - mean(y)| * n_bin / n.
- `reliability(y, p, n_bins)`: the same bins as rows {lo, hi, n, mean_p, frac_pos} (the data of a
  reliability plot; empty bins have n = 0 and NaN means).
- `auroc_interval(y, s)`: seeded percentile bootstrap interval (positives and negatives resampled
  separately); `rate_interval(k, n)`: Wilson score interval of a proportion.

Calibrators map a raw score to a probability and serialise to small JSON-able dicts:

- Platt: p = sigmoid(a * logit(raw) + b), fitted by damped Newton on the log-loss with Platt's
  smoothed targets (raw scores are clipped to [1e-6, 1 - 1e-6] before the logit).
- Isotonic: pool-adjacent-violators on the raw score; applied by linear interpolation between the
  fitted block points (constant beyond the ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

EPS = 1e-6


def _arr(x: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def precision_recall_f1(
    y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray, threshold: float = 0.5
) -> tuple[float, float, float]:
    y = _arr(y).astype(bool)
    pred = _arr(p) >= threshold
    tp = float(np.sum(pred & y))
    fp = float(np.sum(pred & ~y))
    fn = float(np.sum(~pred & y))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def _average_ranks(s: np.ndarray) -> np.ndarray:
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    i = 0
    n = len(s)
    while i < n:
        j = i
        while j + 1 < n and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def auroc(y: Sequence[int] | np.ndarray, s: Sequence[float] | np.ndarray) -> float:
    y = _arr(y).astype(bool)
    s = _arr(s)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    r = _average_ranks(s)
    return float((r[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _auroc_weighted(
    pos: np.ndarray, lo: np.ndarray, hi: np.ndarray, w_pos: np.ndarray, w_neg: np.ndarray
) -> float:
    """AUROC when positive i counts w_pos[i] times and sorted negative j counts w_neg[j] times;
    lo/hi: each positive's searchsorted left/right position among the sorted negatives."""
    cum = np.concatenate([[0.0], np.cumsum(w_neg)])
    below, ties = cum[lo], cum[hi] - cum[lo]
    return float(np.sum(w_pos * (below + 0.5 * ties)) / (w_pos.sum() * w_neg.sum()))


def auroc_interval(
    y: Sequence[int] | np.ndarray,
    s: Sequence[float] | np.ndarray,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the AUROC. Positives and negatives are resampled
    separately (their counts stay fixed), `n_boot` times with a seeded generator, so the same
    scores always give the same interval. It says how much the figure depends on which
    documents were sampled; it says nothing about training noise (another seed, another model)."""
    y = _arr(y).astype(bool)
    s = _arr(s)
    pos, neg = s[y], np.sort(s[~y])
    if len(pos) == 0 or len(neg) == 0:
        return float("nan"), float("nan")
    lo = np.searchsorted(neg, pos, side="left")
    hi = np.searchsorted(neg, pos, side="right")
    rng = np.random.default_rng(seed)
    boot = np.empty(n_boot)
    for b in range(n_boot):
        w_pos = np.bincount(rng.integers(0, len(pos), len(pos)), minlength=len(pos))
        w_neg = np.bincount(rng.integers(0, len(neg), len(neg)), minlength=len(neg))
        boot[b] = _auroc_weighted(pos, lo, hi, w_pos.astype(float), w_neg.astype(float))
    tail = (1.0 - level) / 2.0
    return float(np.quantile(boot, tail)), float(np.quantile(boot, 1.0 - tail))


def precision_at_recall(
    y: Sequence[int] | np.ndarray, s: Sequence[float] | np.ndarray, target: float = 0.9
) -> float:
    y = _arr(y).astype(bool)
    s = _arr(s)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    best = 0.0
    for t in np.unique(s):
        pred = s >= t
        tp = int(np.sum(pred & y))
        if tp / n_pos >= target - 1e-12:
            best = max(best, tp / int(pred.sum()))
    return float(best)


def ece(y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray, n_bins: int = 10) -> float:
    y = _arr(y)
    p = _arr(p)
    if len(y) == 0:
        return float("nan")
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        m = idx == b
        if m.any():
            total += abs(float(p[m].mean()) - float(y[m].mean())) * int(m.sum()) / len(y)
    return float(total)


def reliability(
    y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray, n_bins: int = 10
) -> list[dict[str, float]]:
    """Per equal-width bin (as `ece` bins them): its range, size, mean probability and the
    observed fraction of positives."""
    y = _arr(y)
    p = _arr(p)
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1) if len(p) else np.zeros(0, int)
    out = []
    for b in range(n_bins):
        m = idx == b
        k = int(m.sum())
        out.append(
            {
                "lo": b / n_bins,
                "hi": (b + 1) / n_bins,
                "n": k,
                "mean_p": float(p[m].mean()) if k else float("nan"),
                "frac_pos": float(y[m].mean()) if k else float("nan"),
            }
        )
    return out


def rate_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95% by default) of the proportion k/n; (NaN, NaN) when n = 0."""
    if n <= 0:
        return float("nan"), float("nan")
    ph = k / n
    den = 1 + z * z / n
    mid = (ph + z * z / (2 * n)) / den
    half = z * float(np.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n))) / den
    return max(0.0, mid - half), min(1.0, mid + half)


# ------------------------------------------------------------------ calibrators


def logit(p: np.ndarray | Sequence[float]) -> np.ndarray:
    p = np.clip(_arr(p), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))


def fit_platt(
    raw: Sequence[float] | np.ndarray, y: Sequence[int] | np.ndarray, l2: float = 1e-3
) -> dict[str, Any]:
    """Fit p = sigmoid(a * logit(raw) + b); returns {"kind": "platt", "a", "b"}.

    Platt's smoothed targets ((n+ + 1)/(n+ + 2) for positives, 1/(n- + 2) for negatives) and a small
    L2 term keep the fit finite on separable data; Newton steps are halved until the loss drops."""
    x = logit(raw)
    t0 = _arr(y)
    n_pos = float(t0.sum())
    n_neg = float(len(t0) - n_pos)
    t = np.where(t0 > 0.5, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(a: float, b: float) -> float:
        z = a * x + b
        return float(np.sum(np.logaddexp(0, z) - t * z)) + 0.5 * l2 * (a * a + b * b)

    a, b = 1.0, 0.0
    cur = loss(a, b)
    for _ in range(200):
        p = sigmoid(a * x + b)
        w = p * (1 - p)
        ga = float(np.sum((p - t) * x)) + l2 * a
        gb = float(np.sum(p - t)) + l2 * b
        haa = float(np.sum(w * x * x)) + l2
        hab = float(np.sum(w * x))
        hbb = float(np.sum(w)) + l2
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-8:
            na, nb = a - step * da, b - step * db
            new = loss(na, nb)
            if new <= cur:
                break
            step /= 2
        else:
            break
        a, b, prev, cur = na, nb, cur, new
        if prev - cur < 1e-12:
            break
    return {"kind": "platt", "a": round(a, 10), "b": round(b, 10)}


def fit_isotonic(
    raw: Sequence[float] | np.ndarray, y: Sequence[int] | np.ndarray
) -> dict[str, Any]:
    """Pool-adjacent-violators; returns {"kind": "isotonic", "x": [...], "y": [...]}."""
    x = _arr(raw)
    t = _arr(y)
    order = np.lexsort((t, x))
    xs, ts = x[order], t[order]
    # blocks: [sum_y, weight, x_min, x_max]
    blocks: list[list[float]] = []
    for xi, ti in zip(xs, ts, strict=True):
        blocks.append([ti, 1.0, xi, xi])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, w, _lo, hi = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += w
            blocks[-1][3] = hi
    px: list[float] = []
    py: list[float] = []
    for s, w, lo, hi in blocks:
        v = round(s / w, 10)
        px.append(round(float(lo), 10))
        py.append(v)
        if hi != lo:
            px.append(round(float(hi), 10))
            py.append(v)
    return {"kind": "isotonic", "x": px, "y": py}


def apply_calibrator(cal: dict[str, Any], raw: Sequence[float] | np.ndarray) -> np.ndarray:
    raw = _arr(raw)
    if cal["kind"] == "platt":
        return sigmoid(cal["a"] * logit(raw) + cal["b"])
    if cal["kind"] == "isotonic":
        return np.interp(raw, cal["x"], cal["y"])
    if cal["kind"] == "identity":
        return raw
    raise ValueError(f"unknown calibrator kind {cal['kind']!r}")


def fit_calibrator(method: str, raw: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    if method == "platt":
        return fit_platt(raw, y)
    if method == "isotonic":
        return fit_isotonic(raw, y)
    raise ValueError(f"unknown calibration method {method!r}")
