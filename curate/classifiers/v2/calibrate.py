"""Platt calibration of stage-2 logits: p = sigmoid(a * logit + b).

Fitted on held-out logits (the pooled out-of-fold logits of the leave-trait-out CV), so a
threshold of 0.5 is a posterior of 0.5 on data like the CV's."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def fit_platt(logits: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a * logit + b) (Newton steps, tiny L2)."""
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a * x + b)))
        w = p * (1 - p) + 1e-12
        ga = np.sum((p - y) * x) + 1e-6 * a
        gb = np.sum(p - y)
        haa, hab, hbb = np.sum(w * x * x) + 1e-6, np.sum(w * x), np.sum(w) + 1e-9
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return float(a), float(b)


def apply_platt(logits: np.ndarray | Sequence[float], ab: Sequence[float]) -> np.ndarray:
    """Calibrated probabilities of `logits` under Platt parameters `ab` = (a, b)."""
    x = np.asarray(logits, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(ab[0] * x + ab[1], -50.0, 50.0)))
