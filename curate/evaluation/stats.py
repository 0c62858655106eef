"""Intervals: seeded percentile bootstrap over items, Student-t over seeds.

- `bootstrap_ci(values)`: resample items with replacement ``n_boot`` times (numpy PCG64 seeded
  with `seed`), take the mean of each resample, report the ``alpha/2`` and ``1 - alpha/2``
  quantiles (numpy's default linear interpolation). Deterministic given the seed.
- `diff_ci(a, b, paired)`: interval of ``mean(a) - mean(b)``. Paired (the same items scored by two
  models, e.g. bad vs control fine-tune): one index resample applied to both. Unpaired: each
  side resampled independently.
- `t_interval(values)`: mean ± t(0.975, n-1)·s/√n over seeds (n ≥ 2; for n = 1 the interval is
  undefined and returned as (nan, nan), never silently widened or narrowed).
- `welch_interval(a, b)`: mean(a) − mean(b) over seeds with a Welch–Satterthwaite t interval
  (a variant against the reference variant, or against the shuffled control).

A difference is "called" only when its interval excludes zero (`excludes_zero`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t

N_BOOT = 2000
ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval and the number of units behind it."""

    value: float
    low: float
    high: float
    n: int

    def excludes_zero(self) -> bool:
        return excludes_zero(self.low, self.high)

    def as_dict(self) -> dict[str, float | int]:
        return {"value": self.value, "ci_low": self.low, "ci_high": self.high, "n": self.n}


def excludes_zero(low: float, high: float) -> bool:
    return bool(low > 0 or high < 0)


def _arr(values: Sequence[float]) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError("values must be one-dimensional")
    return a


def bootstrap_ci(
    values: Sequence[float], n_boot: int = N_BOOT, seed: int = 0, alpha: float = ALPHA
) -> tuple[float, float]:
    a = _arr(values)
    if a.size == 0:
        return (math.nan, math.nan)
    rng = np.random.Generator(np.random.PCG64(seed))
    idx = rng.integers(0, a.size, size=(n_boot, a.size))
    means = a[idx].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi))


def mean_estimate(values: Sequence[float], n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    a = _arr(values)
    if a.size == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    lo, hi = bootstrap_ci(a, n_boot, seed)
    return Estimate(float(a.mean()), lo, hi, int(a.size))


def diff_ci(
    a: Sequence[float],
    b: Sequence[float],
    paired: bool,
    n_boot: int = N_BOOT,
    seed: int = 0,
    alpha: float = ALPHA,
) -> tuple[float, float]:
    x, y = _arr(a), _arr(b)
    if x.size == 0 or y.size == 0:
        return (math.nan, math.nan)
    rng = np.random.Generator(np.random.PCG64(seed))
    if paired:
        if x.size != y.size:
            raise ValueError("paired difference needs equally many values on both sides")
        idx = rng.integers(0, x.size, size=(n_boot, x.size))
        diffs = (x[idx] - y[idx]).mean(axis=1)
    else:
        ix = rng.integers(0, x.size, size=(n_boot, x.size))
        iy = rng.integers(0, y.size, size=(n_boot, y.size))
        diffs = x[ix].mean(axis=1) - y[iy].mean(axis=1)
    lo, hi = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi))


def diff_estimate(
    a: Sequence[float], b: Sequence[float], paired: bool, n_boot: int = N_BOOT, seed: int = 0
) -> Estimate:
    x, y = _arr(a), _arr(b)
    if x.size == 0 or y.size == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    lo, hi = diff_ci(x, y, paired, n_boot, seed)
    return Estimate(float(x.mean() - y.mean()), lo, hi, int(min(x.size, y.size)))


def t_quantile(df: float, q: float = 0.975) -> float:
    return float(student_t.ppf(q, df))


def t_interval(values: Sequence[float], alpha: float = ALPHA) -> Estimate:
    """Mean over seeds with a Student-t interval."""
    a = _arr(values)
    n = int(a.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    m = float(a.mean())
    if n == 1:
        return Estimate(m, math.nan, math.nan, 1)
    half = t_quantile(n - 1, 1 - alpha / 2) * float(a.std(ddof=1)) / math.sqrt(n)
    return Estimate(m, m - half, m + half, n)


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = 1 - ALPHA
) -> tuple[float, float, float]:
    """(mean(a) − mean(b), low, high): Welch–Satterthwaite t interval of a difference of means;
    no interval (nan) with fewer than 2 values on a side."""
    x, y = _arr(a), _arr(b)
    if len(x) == 0 or len(y) == 0:
        return math.nan, math.nan, math.nan
    d = float(x.mean() - y.mean())
    if len(x) < 2 or len(y) < 2:
        return d, math.nan, math.nan
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(va + vb)
    if se == 0:
        return d, d, d
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = t_quantile(dof, 0.5 + confidence / 2) * se
    return d, d - half, d + half
