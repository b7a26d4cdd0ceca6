"""The report's intervals and three-way verdicts against hand computations."""

import math

import numpy as np
import pytest

from imbalance_lab.report.claims_rates import conclusion_1
from imbalance_lab.report.points import Point, grid_points
from imbalance_lab.report.runs import Run
from imbalance_lab.report.stats import (
    Interval,
    count_interval,
    no_value,
    t_interval,
    wilson_interval,
)
from imbalance_lab.report.verdicts import (
    FAILS,
    HOLDS,
    NO_DATA,
    UNDECIDED,
    check,
    combine,
    compare,
)

T_975_2 = 4.302653  # t quantile 0.975 at 2 degrees of freedom (3 seeds), from a t table
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
    assert three.interval("test/acc") == t_interval([0.95, 0.97, 0.99])


def test_no_value_is_none_nan_text_and_bool():
    assert all(no_value(v) for v in (None, math.nan, float("nan"), "0.5", True))
    assert not any(no_value(v) for v in (0, 0.0, 1, -2.5))


def test_interval_arithmetic_bounds_a_difference():
    a, b = Interval(0.5, 0.4, 0.6, 3, "t"), Interval(0.2, 0.15, 0.25, 3, "t")
    difference = a.minus(b)
    assert (difference.mean, difference.low, difference.high) == pytest.approx((0.3, 0.15, 0.45))
    assert a.complement() == Interval(0.5, 0.4, 0.6, 3, "t")
    assert a.scaled(2).high == pytest.approx(1.2)


def test_compare_is_three_way_on_95_percent_intervals():
    high, low = Interval(0.5, 0.45, 0.55, 3, "t"), Interval(0.3, 0.25, 0.35, 3, "t")
    near = Interval(0.42, 0.33, 0.51, 3, "t")  # overlaps both
    assert compare(high, low) == HOLDS
    assert compare(low, high) == FAILS
    assert compare(high, near) == compare(near, low) == UNDECIDED
    no_bounds = Interval(0.9, math.nan, math.nan, 1, "mean")  # one seed, no counts
    assert compare(no_bounds, low) == UNDECIDED
    assert compare(None, low) == NO_DATA
    outcome, text = check("a", high, "b", low)
    assert (
        outcome == HOLDS and text == "a 0.5000 [0.4500, 0.5500] > b 0.3000 [0.2500, 0.3500]: holds"
    )


def test_combine_holds_only_when_all_hold_and_fails_on_one_clear_failure():
    assert combine([HOLDS, HOLDS]) == HOLDS
    assert combine([HOLDS, UNDECIDED]) == UNDECIDED
    assert combine([HOLDS, UNDECIDED, FAILS]) == FAILS
    assert combine([HOLDS, NO_DATA]) == UNDECIDED  # a comparison that could not be made
    assert combine([NO_DATA]) == combine([]) == NO_DATA


def chain_runs(rates, jitter=0.001, model="cnn"):
    """Returns three seeds of an imbalanced uncorrected run with these four raw rates, each
    seed shifted by (seed - 1) × jitter: s = jitter, so the 95% half-width is 2.48 × jitter."""
    config = {"model": model, "method": "none", "rho": 10, "inv_rho": 1.0, "weight": 1.0}
    names = ("p_I_to_I", "p_I_to_A", "p_A_to_I", "p_A_to_A")
    return [
        Run(
            config={**config, "seed": seed},
            metrics={
                f"test/{n}": r + (seed - 1) * jitter for n, r in zip(names, rates, strict=True)
            },
        )
        for seed in range(3)
    ]


def test_conclusion_1_holds_fails_or_is_undecided_by_its_intervals():
    apart = chain_runs((0.30, 0.20, 0.10, 0.05))
    verdict = conclusion_1(grid_points(apart))
    assert verdict.verdict == HOLDS
    assert "p_I→I 0.3000 [0.2975, 0.3025]" in verdict.evidence[1]
    # p_I->A 0.201 vs p_A->I 0.200: intervals ±0.0025 overlap, the rest apart.
    close = chain_runs((0.30, 0.201, 0.200, 0.05))
    assert conclusion_1(grid_points(close)).verdict == UNDECIDED
    # One setting clearly reversed (p_I->I < p_I->A) makes the claim fail, even beside an
    # undecided one.
    reversed_ = chain_runs((0.10, 0.20, 0.05, 0.02), model="rnn")
    verdict = conclusion_1(grid_points(close + reversed_))
    assert verdict.verdict == FAILS
    assert verdict.evidence[0] == "of 2 settings: does not hold in 1, undecided in 1"
    # One seed without confusion matrix: no interval, so undecided however far apart.
    assert conclusion_1(grid_points(apart[:1])).verdict == UNDECIDED
