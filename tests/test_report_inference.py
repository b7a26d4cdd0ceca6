"""The report's statistical tests against hand computations from their textbook formulas, with
t quantiles from a t table (6 decimals)."""

import math

import numpy as np
import pytest

from imbalance_lab.report.engine import inference

# t_{0.975, df} from a t table.
T975 = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445}
SECOND = [0.90, 0.92, 0.91, 0.95]
FIRST = [0.93, 0.94, 0.95, 0.96]


def test_paired_t_is_the_one_sample_t_of_the_differences():
    differences = [a - b for a, b in zip(FIRST, SECOND, strict=True)]  # 0.03, 0.02, 0.04, 0.01
    mean = sum(differences) / 4
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / 3)
    t = mean / (sd / 2)
    result = inference.paired(FIRST, SECOND)
    assert result.test == "paired t" and result.n == 4
    assert result.estimate == pytest.approx(0.025)
    assert result.sd == pytest.approx(sd)
    assert (result.low, result.high) == pytest.approx(
        (mean - T975[3] * sd / 2, mean + T975[3] * sd / 2), abs=1e-6
    )
    # Two-sided p from the t distribution with 3 degrees of freedom: t = 3.872983.
    assert t == pytest.approx(3.872983, abs=1e-6)
    assert result.p == pytest.approx(0.030466, abs=1e-5)


def test_welch_uses_unequal_variances_and_satterthwaite_degrees_of_freedom():
    a, b = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0, 8.0]
    va, vb = np.var(a, ddof=1) / 3, np.var(b, ddof=1) / 4  # 1/3 and 5/3
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / 2 + vb**2 / 3)  # 3.3103...
    result = inference.welch(a, b)
    assert result.test == "Welch t" and (result.n, result.n_other) == (3, 4)
    assert result.estimate == pytest.approx(-3.0)
    from scipy import stats  # the t quantile at a fractional df: no table has it

    half = stats.t.ppf(0.975, df) * se
    assert (result.low, result.high) == pytest.approx((-3 - half, -3 + half))
    assert result.p == pytest.approx(2 * stats.t.sf(3 / se, df))


def test_tost_is_the_larger_of_two_one_sided_p_values():
    differences = [0.001, -0.002, 0.0005, 0.0015]
    margin = 0.005
    mean = sum(differences) / 4
    sd = float(np.std(differences, ddof=1))
    se = sd / 2
    from scipy import stats

    lower = stats.t.sf((mean + margin) / se, 3)  # H0: d <= -margin
    upper = stats.t.cdf((mean - margin) / se, 3)  # H0: d >= margin
    result = inference.tost(differences, margin)
    assert result.p == pytest.approx(max(lower, upper))
    assert result.p < 0.05  # equivalent within ±0.005
    assert result.p_beyond == pytest.approx(stats.t.sf((mean - margin) / se, 3))
    # A change of 0.03 is no equivalence, and passes the margin.
    moved = inference.tost([0.03, 0.031, 0.029], margin)
    assert moved.p > 0.5 and moved.p_beyond < 0.01


def test_identical_values_give_exact_answers_not_nan():
    same = inference.one_sample([0.5, 0.5, 0.5], null=0.5)
    assert same.p == 1.0 and same.low == same.high == 0.5
    shifted = inference.paired([0.6, 0.6], [0.5, 0.5])
    assert shifted.p == 0.0 and shifted.estimate == pytest.approx(0.1)


def test_holm_multiplies_the_ith_smallest_p_by_m_minus_i_and_stays_monotone():
    # Sorted: 0.01 x 4 = 0.04; 0.02 x 3 = 0.06; 0.03 x 2 = 0.06; 0.5 x 1 = 0.5.
    assert inference.holm([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.06, 0.5, 0.04, 0.06])
    # Monotone: 0.021 x 2 = 0.042 is raised to the 0.06 before it; 0.6 x 1 to 0.8.
    assert inference.holm([0.02, 0.021, 0.9]) == pytest.approx([0.06, 0.06, 0.9])
    assert inference.holm([0.4, 0.6]) == pytest.approx([0.8, 0.8])
    assert inference.holm([]) == []


def test_prediction_interval_of_one_new_run():
    values = [0.9890, 0.9910, 0.9880, 0.9917, 0.9892]
    n, mean, sd = 5, float(np.mean(values)), float(np.std(values, ddof=1))
    low, high = inference.prediction_interval(values)
    half = T975[4] * sd * math.sqrt(1 + 1 / n)
    assert (low, high) == pytest.approx((mean - half, mean + half), abs=1e-6)
    # With 10,000 test images the binomial variance p(1 - p)/N widens it.
    low_n, high_n = inference.prediction_interval(values, test_size=10_000)
    half_n = T975[4] * math.sqrt(sd**2 * (1 + 1 / n) + mean * (1 - mean) / 10_000)
    assert (low_n, high_n) == pytest.approx((mean - half_n, mean + half_n), abs=1e-6)
    assert high_n - low_n > high - low


def test_slope_is_the_least_squares_slope():
    assert inference.slopes([(0.2, 1.0), (0.6, 0.8), (1.0, 0.6)]) == pytest.approx(-0.5)


def test_t_power_matches_a_simulation_of_the_test():
    rng = np.random.default_rng(0)
    effect, sd, n, alpha = 0.5, 1.0, 10, 0.05
    from scipy import stats

    draws = rng.normal(effect, sd, size=(20_000, n))
    t = draws.mean(axis=1) / (draws.std(axis=1, ddof=1) / math.sqrt(n))
    simulated = float(np.mean(np.abs(t) > stats.t.ppf(1 - alpha / 2, n - 1)))
    assert inference.t_power(effect, sd, n, alpha) == pytest.approx(simulated, abs=0.01)


def test_tost_power_matches_a_simulation_of_tost():
    rng = np.random.default_rng(1)
    effect, sd, margin, n, alpha = 0.001, 0.004, 0.005, 8, 0.05
    from scipy import stats

    draws = rng.normal(effect, sd, size=(20_000, n))
    se = draws.std(axis=1, ddof=1) / math.sqrt(n)
    critical = stats.t.ppf(1 - alpha, n - 1)
    both = ((draws.mean(axis=1) + margin) / se > critical) & (
        (draws.mean(axis=1) - margin) / se < -critical
    )
    assert inference.tost_power(effect, sd, margin, n, alpha) == pytest.approx(
        float(both.mean()), abs=0.015
    )


def test_seeds_needed_is_the_first_n_reaching_the_power():
    needed = inference.seeds_needed(lambda n: inference.t_power(0.01, 0.01, n, 0.05))
    assert inference.t_power(0.01, 0.01, needed, 0.05) >= inference.POWER
    assert inference.t_power(0.01, 0.01, needed - 1, 0.05) < inference.POWER
    assert inference.seeds_needed(lambda n: inference.t_power(0.0001, 0.01, n, 0.05)) is None
