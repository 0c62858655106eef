"""Platt calibration of stage-2 logits: p = sigmoid(a * logit + b).

Fitted on held-out logits (the pooled out-of-fold logits of the leave-trait-out CV), so a
threshold of 0.5 is a posterior of 0.5 on data like the CV's."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _loss(x: np.ndarray, y: np.ndarray, a: float, b: float) -> float:
    z = a * x + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5e-6 * a * a)


def fit_platt(logits: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a * logit + b): Newton steps (tiny L2), each
    halved until the loss falls (a full step can overshoot and diverge when the logits are
    large; this one cannot)."""
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    a, b = 1.0, 0.0
    loss = _loss(x, y, a, b)
    for _ in range(200):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * x + b, -50.0, 50.0)))
        w = p * (1 - p) + 1e-12
        ga = np.sum((p - y) * x) + 1e-6 * a
        gb = np.sum(p - y)
        haa, hab, hbb = np.sum(w * x * x) + 1e-6, np.sum(w * x), np.sum(w) + 1e-9
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        step = 1.0
        new = _loss(x, y, a - da, b - db)
        while step > 1e-8 and new > loss:
            step /= 2
            new = _loss(x, y, a - step * da, b - step * db)
        a, b = a - step * da, b - step * db
        if abs(step * da) < 1e-9 and abs(step * db) < 1e-9 or loss - new < 1e-12:
            break
        loss = new
    return float(a), float(b)


def apply_platt(logits: np.ndarray | Sequence[float], ab: Sequence[float]) -> np.ndarray:
    """Calibrated probabilities of `logits` under Platt parameters `ab` = (a, b)."""
    x = np.asarray(logits, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(ab[0] * x + ab[1], -50.0, 50.0)))
