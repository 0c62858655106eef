"""Metrics and calibrators on tiny hand-made inputs with exact expected values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.classifiers.metrics import (
    _auroc_weighted,
    apply_calibrator,
    auroc,
    auroc_interval,
    ece,
    fit_isotonic,
    fit_platt,
    precision_at_recall,
    precision_recall_f1,
)


def test_precision_recall_f1_exact() -> None:
    y = [1, 1, 0, 0, 1]
    p = [0.9, 0.4, 0.6, 0.1, 0.5]  # predicted positive: 0, 2, 4 -> tp=2, fp=1, fn=1
    prec, rec, f1 = precision_recall_f1(y, p, 0.5)
    assert prec == pytest.approx(2 / 3)
    assert rec == pytest.approx(2 / 3)
    assert f1 == pytest.approx(2 / 3)
    assert precision_recall_f1([0, 0], [0.1, 0.2]) == (0.0, 0.0, 0.0)


def test_auroc_exact_with_ties() -> None:
    assert auroc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert auroc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == 0.0
    # pairs (pos, neg): (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.1) = 1, (0.9 vs both) = 2 -> 3.5 / 4
    assert auroc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1]) == pytest.approx(0.875)
    assert auroc([1, 0], [0.3, 0.3]) == 0.5
    assert math.isnan(auroc([1, 1], [0.2, 0.3]))


def test_auroc_interval_exact_cases() -> None:
    # perfectly separated: every resample is separated too
    assert auroc_interval([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], n_boot=50) == (1.0, 1.0)
    assert auroc_interval([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4], n_boot=50) == (0.0, 0.0)
    # all scores tied: every resample is 0.5
    assert auroc_interval([1, 0, 1, 0], [0.3] * 4, n_boot=50) == (0.5, 0.5)
    assert all(math.isnan(v) for v in auroc_interval([1, 1], [0.2, 0.3]))
    # seeded: the same scores give the same interval, another seed another one
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = y * 0.5 + rng.random(300)
    assert auroc_interval(y, s, n_boot=200) == auroc_interval(y, s, n_boot=200)
    assert auroc_interval(y, s, n_boot=200) != auroc_interval(y, s, n_boot=200, seed=1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.1, 0.2, 0.5, 0.9])), min_size=2, max_size=40
    )
)
def test_weighted_auroc_with_unit_weights_is_the_auroc(rows: list[tuple[int, float]]) -> None:
    y = np.array([r[0] for r in rows], dtype=bool)
    s = np.array([r[1] for r in rows])
    if y.all() or not y.any():
        return
    pos, neg = s[y], np.sort(s[~y])
    lo, hi = np.searchsorted(neg, pos, "left"), np.searchsorted(neg, pos, "right")
    got = _auroc_weighted(pos, lo, hi, np.ones(len(pos)), np.ones(len(neg)))
    assert got == pytest.approx(auroc(y, s))
    # a positive counted twice equals the data with that positive duplicated
    w = np.ones(len(pos))
    w[0] = 2.0
    dup_y = np.concatenate([y, [True]])
    dup_s = np.concatenate([s, [pos[0]]])
    got2 = _auroc_weighted(pos, lo, hi, w, np.ones(len(neg)))
    assert got2 == pytest.approx(auroc(dup_y, dup_s))
    # ... and a negative counted twice (the last of the sorted negatives, a tie-prone one)
    wn = np.ones(len(neg))
    wn[-1] = 2.0
    dup_y = np.concatenate([y, [False]])
    dup_s = np.concatenate([s, [neg[-1]]])
    got3 = _auroc_weighted(pos, lo, hi, np.ones(len(pos)), wn)
    assert got3 == pytest.approx(auroc(dup_y, dup_s))
    lo_i, hi_i = auroc_interval(y, s, n_boot=30)
    assert 0.0 <= lo_i <= hi_i <= 1.0


def test_precision_at_recall_exact() -> None:
    # 10 positives; scores rank: positives at ranks chosen so 9/10 recall needs threshold 0.35
    y = [1] * 10 + [0] * 4
    s = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.5, 0.35, 0.05] + [0.95, 0.4, 0.3, 0.2]
    # threshold 0.35: tp = 9, predicted = 9 + 2 negatives (0.95, 0.4) -> 9/11
    assert precision_at_recall(y, s, 0.9) == pytest.approx(9 / 11)
    # recall 1.0 requires threshold 0.05: 10 / 14
    assert precision_at_recall(y, s, 1.0) == pytest.approx(10 / 14)


def test_ece_exact() -> None:
    # bin [0.2,0.3): p mean 0.25, y mean 0.5 -> |.25| * 2/4; bin [0.9,1]: p mean 0.95, y 1 -> .05 * 2/4
    y = [0, 1, 1, 1]
    p = [0.2, 0.3 - 1e-9, 0.9, 1.0]
    expected = abs((0.2 + 0.3 - 1e-9) / 2 - 0.5) * 0.5 + abs(0.95 - 1.0) * 0.5
    assert ece(y, p) == pytest.approx(expected)
    assert ece([1, 0], [1.0, 0.0]) == 0.0
    assert ece([1, 0], [0.5, 0.5]) == 0.0  # one bin: mean p 0.5 = mean y 0.5
    assert ece([1, 1], [0.5, 0.5]) == pytest.approx(0.5)


def test_platt_is_monotone_and_finite_on_separable_data() -> None:
    raw = [0.0, 0.01, 0.2, 0.8, 0.99, 1.0]
    y = [0, 0, 0, 1, 1, 1]
    cal = fit_platt(raw, y)
    assert cal["kind"] == "platt" and math.isfinite(cal["a"]) and math.isfinite(cal["b"])
    assert 0 < cal["a"] < 100
    p = apply_calibrator(cal, raw)
    assert np.all(np.diff(p) >= 0) and np.all((p > 0) & (p < 1))


def test_platt_recovers_a_known_mapping() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 20000)
    raw = 1 / (1 + np.exp(-z))
    y = (rng.random(len(z)) < 1 / (1 + np.exp(-(0.5 * z - 1.0)))).astype(int)
    cal = fit_platt(raw, y)
    assert cal["a"] == pytest.approx(0.5, abs=0.05)
    assert cal["b"] == pytest.approx(-1.0, abs=0.08)


def test_isotonic_exact() -> None:
    cal = fit_isotonic([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1])
    # PAV: [0], [1,0] pooled to 0.5, [1]
    assert cal["x"] == [0.1, 0.2, 0.3, 0.4]
    assert cal["y"] == [0.0, 0.5, 0.5, 1.0]
    assert apply_calibrator(cal, [0.0, 0.25, 0.5]).tolist() == [0.0, 0.5, 1.0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=2, max_size=40))
def test_metric_ranges(rows: list[tuple[int, float]]) -> None:
    y = [r[0] for r in rows]
    s = [r[1] for r in rows]
    a = auroc(y, s)
    assert math.isnan(a) or 0.0 <= a <= 1.0
    assert 0.0 <= ece(y, s) <= 1.0
    if sum(y):
        assert 0.0 < precision_at_recall(y, s, 0.9) <= 1.0
    iso = apply_calibrator(fit_isotonic(s, y), s)
    assert np.all(np.diff(iso[np.argsort(s, kind="stable")]) >= -1e-12)
