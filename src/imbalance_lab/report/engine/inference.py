"""The statistical tests a verdict rests on, as pure functions of per-seed values: paired and
one-sample t (seeds matched), Welch's t (runs not matched), two one-sided tests (TOST) for "no
change" within a stated margin, Holm's correction over a family of tests, a prediction
interval for one new run, and the seeds a test would likely need (its power).

scipy does the t-tests and the t and noncentral-t distributions. Holm's step-down adjustment
and the TOST power are written here: scipy has neither (statsmodels has both, but is not a
dependency for twenty lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05  # every test's level, after Holm's correction within its claim's family
CONFIDENCE = 0.95  # every interval's coverage
POWER = 0.8  # "likely decides": a test at this power finds the observed effect
MOST_SEEDS = 30  # the largest number of seeds a power estimate names; beyond it: "more"


@dataclass(frozen=True)
class TestResult:
    """One test: its name, its sample size(s), the estimate (a mean difference, a mean or a
    slope) with its 95% confidence interval, and its p-values. p: two-sided, against no
    difference (TOST: against a difference of at least the margin, i.e. p of equivalence).
    p_beyond (TOST only): one-sided p that the difference exceeds the margin in the
    direction observed. sd: the spread the power estimate uses (of the paired differences,
    or the pooled one of Welch's two samples)."""

    test: str
    n: int
    estimate: float
    low: float
    high: float
    p: float
    sd: float
    p_beyond: float | None = None
    margin: float | None = None
    n_other: int | None = None  # Welch: the second sample's size


def _t_interval(mean: float, sem: float, df: float) -> tuple[float, float]:
    """Returns the 95% t-interval mean ± t_{0.975, df} sem (the point when sem is 0)."""
    if sem == 0:
        return mean, mean
    low, high = stats.t.interval(CONFIDENCE, df, loc=mean, scale=sem)
    return float(low), float(high)


def one_sample(values: list[float], null: float = 0.0, test: str = "one-sample t") -> TestResult:
    """Returns the t-test of mean(values) = null (two-sided) with the mean's 95% interval;
    values: one per seed, at least two. Identical values have no spread: p is 0 when their
    mean differs from null, 1 when it equals it."""
    array = np.asarray(values, dtype=float)
    if len(array) < 2:
        raise ValueError(f"a t-test needs two or more values, got {len(array)}")
    mean, sd = float(array.mean()), float(array.std(ddof=1))
    low, high = _t_interval(mean, sd / math.sqrt(len(array)), len(array) - 1)
    # Identical values (no spread): scipy's p is NaN; the difference is exact, p 0 or 1.
    no_spread = 0.0 if mean != null else 1.0
    p = no_spread if sd == 0 else float(stats.ttest_1samp(array, null).pvalue)
    return TestResult(test, len(array), mean, low, high, p, sd)


def paired(first: list[float], second: list[float]) -> TestResult:
    """Returns the paired t-test of first − second over matched seeds (the same order),
    which is scipy's ttest_rel: a one-sample t-test of the differences."""
    if len(first) != len(second):
        raise ValueError(f"paired samples differ in size: {len(first)} and {len(second)}")
    differences = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    return one_sample(list(differences), test="paired t")


def welch(first: list[float], second: list[float]) -> TestResult:
    """Returns Welch's t-test of mean(first) − mean(second) (unequal variances, runs not
    matched by seed), with the Welch-Satterthwaite 95% interval."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Welch's test needs two or more values a side, got {len(a)}, {len(b)}")
    result = stats.ttest_ind(a, b, equal_var=False)
    difference = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    pooled = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    if va + vb == 0:
        p = 0.0 if difference != 0 else 1.0
        return TestResult(
            "Welch t", len(a), difference, difference, difference, p, 0.0, n_other=len(b)
        )
    interval = result.confidence_interval(CONFIDENCE)
    return TestResult(
        "Welch t",
        len(a),
        difference,
        float(interval.low),
        float(interval.high),
        float(result.pvalue),
        pooled,
        n_other=len(b),
    )


def tost(differences: list[float], margin: float) -> TestResult:
    """Returns the two one-sided tests (Schuirmann 1987) of |mean difference| < margin over
    paired differences: p is the larger of the one-sided p-values of d > −margin and
    d < margin (equivalence when p < alpha); p_beyond the one-sided p that the difference
    passes the margin on the side its mean lies (a change larger than "no change" allows)."""
    array = np.asarray(differences, dtype=float)
    base = one_sample(list(array), test=f"TOST (margin ±{margin:g})")
    mean, sd = base.estimate, base.sd
    if sd == 0:
        inside = abs(mean) < margin
        return TestResult(
            base.test, base.n, mean, mean, mean, 0.0 if inside else 1.0, 0.0,
            p_beyond=0.0 if abs(mean) > margin else 1.0, margin=margin,
        )  # fmt: skip
    above = stats.ttest_1samp(array, -margin, alternative="greater").pvalue
    below = stats.ttest_1samp(array, margin, alternative="less").pvalue
    if mean >= 0:
        beyond = stats.ttest_1samp(array, margin, alternative="greater").pvalue
    else:
        beyond = stats.ttest_1samp(array, -margin, alternative="less").pvalue
    return TestResult(
        base.test, base.n, mean, base.low, base.high, float(max(above, below)), sd,
        p_beyond=float(beyond), margin=margin,
    )  # fmt: skip


def slopes(series: list[tuple[float, float]]) -> float:
    """Returns the least-squares slope of y on x for one seed's (x, y) points."""
    x, y = (np.asarray(v, dtype=float) for v in zip(*series, strict=True))
    return float(stats.linregress(x, y).slope)


def holm(pvalues: list[float]) -> list[float]:
    """Returns Holm's (1979) step-down adjusted p-values, in the given order: the i-th smallest
    p times (m − i + 1), made monotone, capped at 1. Rejecting where the adjusted p < alpha
    keeps the chance of any false rejection in the family at most alpha."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted = [0.0] * len(pvalues)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, (len(pvalues) - rank) * pvalues[index])
        adjusted[index] = min(1.0, running)
    return adjusted


def prediction_interval(values: list[float], test_size: int | None = None) -> tuple[float, float]:
    """Returns the 95% prediction interval of one new run's value from the runs' values:
    mean ± t_{0.975, n−1} · √(s² (1 + 1/n) + p(1 − p)/N). The seeds' spread s covers a new
    seed; the binomial term (p the mean, N test images) adds the noise of a test set of N
    images, as one run of another study is tested on (conservative: the shared MNIST test set
    is in s already). test_size None leaves the binomial term out (not a proportion)."""
    array = np.asarray(values, dtype=float)
    n, mean, sd = len(array), float(array.mean()), float(array.std(ddof=1))
    variance = sd**2 * (1 + 1 / n)
    if test_size:
        variance += mean * (1 - mean) / test_size
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * math.sqrt(variance)
    return mean - half, mean + half


def t_power(effect: float, sd: float, n: int, alpha: float) -> float:
    """Returns the power of a two-sided one-sample (or paired) t-test with n values at level
    alpha, when the true mean is effect and the spread sd (noncentral t)."""
    if n < 2:
        return 0.0
    if sd == 0:
        return 1.0 if effect != 0 else 0.0
    df, shift = n - 1, abs(effect) / (sd / math.sqrt(n))
    critical = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(critical, df, shift) + stats.nct.cdf(-critical, df, shift))


def tost_power(effect: float, sd: float, margin: float, n: int, alpha: float) -> float:
    """Returns the power of TOST with n paired values at level alpha when the true mean
    difference is effect (|effect| < margin) and the spread sd: both one-sided tests reject."""
    if n < 2 or abs(effect) >= margin:
        return 0.0
    if sd == 0:
        return 1.0
    df, sem = n - 1, sd / math.sqrt(n)
    critical = stats.t.ppf(1 - alpha, df)
    upper = stats.nct.sf(critical, df, (effect + margin) / sem)  # d > -margin rejected
    lower = stats.nct.cdf(-critical, df, (effect - margin) / sem)  # d < margin rejected
    return float(max(0.0, upper + lower - 1))


def seeds_needed(power_at, most: int = MOST_SEEDS) -> int | None:
    """Returns the fewest n in 2 .. most with power_at(n) >= POWER, or None when none reaches
    it (the effect is too small for its spread)."""
    return next((n for n in range(2, most + 1) if power_at(n) >= POWER), None)
