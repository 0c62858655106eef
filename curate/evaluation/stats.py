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
from scipy.stats import nct as noncentral_t
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


# ------------------------------------------------------------------------------------ power


@dataclass(frozen=True)
class PowerAnalysis:
    """Seeds needed to detect a paired-by-seed difference with a two-sided paired t test.

    `mean` and `sd` are of the per-seed paired differences the design assumes (from an earlier
    run), `n_obs` how many there were (0 when given as mean and sd); `n_required` is the
    smallest n >= 2 whose exact power reaches `power` (None when no n up to `n_max` does, e.g.
    a zero mean), `power_at_required` its power; `n` / `power_at_n` the power at a given n (the
    seeds an ablation actually uses) when asked for."""

    mean: float
    sd: float
    n_obs: int
    alpha: float
    power: float
    n_required: int | None
    power_at_required: float
    n: int | None = None
    power_at_n: float | None = None

    @property
    def effect_size(self) -> float:
        """Cohen's d of the paired differences (mean / sd; inf when sd is 0)."""
        return abs(self.mean) / self.sd if self.sd > 0 else math.inf

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "mean": self.mean,
            "sd": self.sd,
            "n_obs": self.n_obs,
            "effect_size": self.effect_size,
            "alpha": self.alpha,
            "power": self.power,
            "n_required": self.n_required,
            "power_at_required": self.power_at_required,
            "n": self.n,
            "power_at_n": self.power_at_n,
        }


def paired_t_power(mean: float, sd: float, n: int, alpha: float = ALPHA) -> float:
    """Exact power of the two-sided one-sample (paired) t test at level `alpha` with `n` pairs
    when the paired differences have mean `mean` and standard deviation `sd`:
    P(|T| > t(1 - alpha/2, n - 1)) for T ~ noncentral t(n - 1, mean / (sd / sqrt(n)))."""
    if n < 2:
        raise ValueError(f"a paired t test needs n >= 2 pairs, got {n}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if sd < 0 or not math.isfinite(sd) or not math.isfinite(mean):
        raise ValueError(f"mean and sd must be finite, sd >= 0 (got {mean}, {sd})")
    if sd == 0:
        return 1.0 if mean != 0 else alpha
    df = n - 1
    crit = t_quantile(df, 1 - alpha / 2)
    nc = mean / (sd / math.sqrt(n))
    p = float(noncentral_t.sf(crit, df, nc) + noncentral_t.cdf(-crit, df, nc))
    return min(1.0, max(0.0, p))


def _mean_sd(diffs: Sequence[float] | None, mean: float | None, sd: float | None) -> tuple:
    if diffs is not None:
        if mean is not None or sd is not None:
            raise ValueError("give either the per-seed differences or their mean and sd, not both")
        a = _arr(diffs)
        if a.size < 2 or not np.isfinite(a).all():
            raise ValueError(f"need at least 2 finite per-seed differences, got {list(diffs)}")
        return float(a.mean()), float(a.std(ddof=1)), int(a.size)
    if mean is None or sd is None:
        raise ValueError("give the per-seed differences, or both their mean and sd")
    return float(mean), float(sd), 0


def power_analysis(
    diffs: Sequence[float] | None = None,
    *,
    mean: float | None = None,
    sd: float | None = None,
    alpha: float = ALPHA,
    power: float = 0.8,
    n: int | None = None,
    n_max: int = 100_000,
) -> PowerAnalysis:
    """Seeds needed for a paired-by-seed comparison (`PowerAnalysis`), from observed per-seed
    paired differences `diffs` (their mean and sample sd) or from `mean` and `sd` directly.

    Power grows with n (for a fixed effect), so the smallest n >= 2 reaching `power` is found
    by doubling and then bisection on the exact noncentral-t power (`paired_t_power`)."""
    if not 0 < power < 1:
        raise ValueError(f"power must be in (0, 1), got {power}")
    m, s, n_obs = _mean_sd(diffs, mean, sd)
    pw = lambda k: paired_t_power(m, s, k, alpha)  # noqa: E731
    need: int | None = None
    if pw(2) >= power:
        need = 2
    elif m != 0:
        lo, hi = 2, 4
        while hi <= n_max and pw(hi) < power:
            lo, hi = hi, hi * 2
        if hi > n_max and pw(n_max) >= power:
            hi = n_max
        if hi <= n_max:
            while hi - lo > 1:  # pw(lo) < power <= pw(hi)
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if pw(mid) < power else (lo, mid)
            need = hi
    return PowerAnalysis(
        mean=m,
        sd=s,
        n_obs=n_obs,
        alpha=alpha,
        power=power,
        n_required=need,
        power_at_required=pw(need) if need is not None else math.nan,
        n=n,
        power_at_n=pw(n) if n is not None and n >= 2 else None,
    )
