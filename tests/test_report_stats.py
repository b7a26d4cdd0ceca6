"""The report's intervals (engine/stats.py, engine.points.Point.interval) against hand
computations: t over seeds, Wilson from one run's test counts, a share's interval cut to
[0, 1]. (The tests: test_report_inference.py; the verdicts: test_report_verdicts.py.)"""

import math

import numpy as np
import pytest

from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.engine.runs import Run
from imbalance_lab.report.engine.stats import (
    Interval,
    count_interval,
    no_value,
    t_interval,
    wilson_interval,
)
from imbalance_lab.report.plots import seed_interval

T_975_1 = 12.706205  # t quantile 0.975 at 1 degree of freedom (2 seeds), from a t table
T_975_2 = 4.302653  # t quantile 0.975 at 2 degrees of freedom (3 seeds)
Z_975 = 1.959964  # normal quantile 0.975


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval's closed formula: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) /
    (1 + z²/n)."""
    p, z2 = k / n, Z_975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def test_t_interval_is_mean_plus_minus_t_times_s_over_root_n():
    # mean 0.97, s = 0.02 (deviations -0.02, 0, +0.02), n = 3
    found = t_interval([0.95, 0.97, 0.99])
    half = T_975_2 * 0.02 / math.sqrt(3)  # 0.049683
    assert (found.mean, found.n, found.method) == (pytest.approx(0.97), 3, "t")
    assert found.low == pytest.approx(0.97 - half, rel=1e-6)
    assert found.high == pytest.approx(0.97 + half, rel=1e-6)
    assert (round(found.low, 4), round(found.high, 4)) == (0.9203, 1.0197)


def test_no_t_interval_from_one_seed_and_a_point_for_identical_seeds():
    assert t_interval([0.9]) is None
    assert t_interval([]) is None
    same = t_interval([0.9, 0.9])
    assert (same.low, same.high) == (0.9, 0.9)


def test_wilson_interval_equals_the_closed_formula():
    found = wilson_interval(90, 100)
    assert (found.mean, found.n, found.method) == (0.9, 100, "Wilson")
    low, high = wilson_by_hand(90, 100)
    assert (found.low, found.high) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
    assert (round(found.low, 4), round(found.high, 4)) == (0.8256, 0.9448)
    assert wilson_interval(0, 0) is None


def confusion_with_errors() -> list[list[int]]:
    """100 test images of each digit; digit 0 (minority) sends 3 to digit 1 (minority) and 5 to
    digit 7 (majority); digit 9 (majority) sends 2 to digit 4 (minority)."""
    counts = np.diag([100] * 10)
    counts[0, 0], counts[0, 1], counts[0, 7] = 92, 3, 5
    counts[9, 9], counts[9, 4] = 98, 2
    return counts.tolist()


def test_counts_come_from_the_confusion_matrix_and_the_minority_set():
    metrics = {"test/confusion_matrix": confusion_with_errors(), "minority": [0, 1, 2, 3, 4]}
    # Accuracy: k = trace = 1000 - 10, n = 1000.
    assert count_interval(metrics, "test/acc") == wilson_interval(990, 1000)
    # p_I->A: 5 minority images predicted as a majority digit, of 500 minority images.
    p_i_a = count_interval(metrics, "test/p_I_to_A")
    assert (p_i_a.mean, p_i_a.n) == (0.01, 500)
    assert (p_i_a.low, p_i_a.high) == pytest.approx(wilson_by_hand(5, 500), rel=1e-6)
    assert count_interval(metrics, "test/p_I_to_I").mean == 3 / 500
    assert count_interval(metrics, "test/p_A_to_I").mean == 2 / 500
    assert count_interval(metrics, "test/p_A_to_A").mean == 0
    # Per class: an I->A error can land in 5 majority digits; an I->I one in 4 minority digits.
    per_class = count_interval(metrics, "test/p_I_to_A_per_class")
    assert (per_class.low, per_class.high) == pytest.approx((p_i_a.low / 5, p_i_a.high / 5))
    assert count_interval(metrics, "test/p_I_to_I_per_class").mean == pytest.approx(3 / 500 / 4)
    assert count_interval(metrics, "test/roc_auc") is None  # no counts behind it
    assert count_interval({}, "test/acc") is None  # an older run without the matrix


def test_a_point_of_one_seed_takes_the_wilson_interval_of_its_test_counts():
    metrics = {"test/acc": 0.99, "test/confusion_matrix": confusion_with_errors()}
    metrics["minority"] = [0, 1, 2, 3, 4]
    one = Point(config={}, runs=[Run(config={}, metrics={**metrics, "test/bal_acc": 0.99})])
    assert one.interval("test/acc") == wilson_interval(990, 1000)
    assert one.interval("test/bal_acc") is None  # no counts behind a mean of recalls
    assert no_value(one.estimate("test/bal_acc").low)  # the mean, without bounds
    three = Point(
        config={}, runs=[Run(config={}, metrics={"test/acc": a}) for a in (0.95, 0.97, 0.99)]
    )
    # [0.9203, 1.0197] over three seeds: an accuracy's cut at 1.
    assert three.interval("test/acc") == t_interval([0.95, 0.97, 0.99]).clipped(0.0, 1.0)
    assert three.interval("test/acc").high == 1.0


def test_no_value_is_none_nan_text_and_bool():
    assert all(no_value(v) for v in (None, math.nan, float("nan"), "0.5", True))
    assert not any(no_value(v) for v in (0, 0.0, 1, -2.5))


def test_interval_arithmetic_bounds_a_difference():
    a, b = Interval(0.5, 0.4, 0.6, 3, "t"), Interval(0.2, 0.15, 0.25, 3, "t")
    difference = a.minus(b)
    assert (difference.mean, difference.low, difference.high) == pytest.approx((0.3, 0.15, 0.45))
    assert a.complement() == Interval(0.5, 0.4, 0.6, 3, "t")
    assert a.scaled(2).high == pytest.approx(1.2)


HALF = T_975_1 * 0.009 / 2  # the 95% half-width of two seeds 0.009 apart


def two_seeds(metric: str, values: tuple[float, float]) -> Point:
    """Returns a point of two runs with these values of the metric."""
    return Point({}, [Run({"seed": i}, {metric: v}) for i, v in enumerate(values)])


def test_a_shares_t_interval_is_cut_to_0_and_1():
    # Two seeds 0.99 and 0.999: mean 0.9945, s / √2 = 0.009 / 2, half-width 12.706205 × 0.0045
    # = 0.057178: [0.937322, 1.051678], cut to [0.937322, 1].
    accuracy = two_seeds("test/acc", (0.99, 0.999)).interval("test/acc")
    assert (accuracy.mean, accuracy.low) == pytest.approx((0.9945, 0.9945 - HALF), abs=1e-6)
    assert accuracy.high == 1.0
    # A rate near 0: 0.001 and 0.02, half-width 12.706205 × 0.019 / 2 = 0.12071.
    rate = two_seeds("test/p_A_to_I", (0.001, 0.02)).interval("test/p_A_to_I")
    assert rate.low == 0.0
    assert rate.high == pytest.approx(0.0105 + T_975_1 * 0.019 / 2, rel=1e-5)
    for share in ("test/bal_acc", "test/p_I_to_A_per_class", "val/acc", "val/bal_acc"):
        found = two_seeds(share, (0.99, 0.999)).interval(share)
        assert found.high == 1.0, share
    # The figures' error bars come from the same interval.
    assert seed_interval(two_seeds("test/acc", (0.99, 0.999)), "test/acc")[2] == 1.0


def test_an_unbounded_metrics_interval_is_not_cut():
    slope = two_seeds("test/loss", (0.99, 0.999)).interval("test/loss")
    assert slope.high == pytest.approx(0.9945 + HALF, abs=1e-6)
    below = two_seeds("test/loss", (0.001, 0.02)).interval("test/loss")
    assert below.low < 0
