"""The study's claims on the four p-rates (claims/study_rates.py) judged on hand-made records:
Fig. 4, Conclusion 1, Figs. 5-6 and Conclusion 2 hold, do not hold or stay undecided exactly
where their paired tests say. Records with the same value at every seed give exact
differences (spread 0: p is 0, or 1 at no difference); noisy ones are worked by hand."""

import pytest
from report_records import at, points, seeds

from imbalance_lab.report.claims.study_rates import (
    conclusion_1,
    conclusion_2,
    imbalance_effect,
    ros_gap,
)
from imbalance_lab.report.engine.verdicts import (
    CONTRADICTS,
    FAILS,
    HOLDS,
    NO_DATA,
    OPEN,
    SUPPORTS,
    UNDECIDED,
)

# Equal values at every seed: their float mean can differ from each by rounding, and scipy warns.
pytestmark = pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
T975_2 = 4.302653  # t_{0.975, 2}: three seeds, from a t table


def test_conclusion_1_holds_when_the_chain_holds_in_every_setting():
    verdict = conclusion_1(points(seeds(), seeds(model="rnn")))
    assert verdict.verdict == HOLDS
    assert len(verdict.comparisons) == 6  # three steps of the chain, two settings
    assert {c.result.test for c in verdict.comparisons} == {"paired t"}
    assert verdict.comparisons[0].label == "CNN: p_I→I > p_I→A"


def test_conclusion_1_does_not_hold_when_one_setting_breaks_the_chain():
    broken = seeds(model="rnn", rates=(0.1, 0.3, 0.05, 0.02))  # p_I→I below p_I→A
    verdict = conclusion_1(points(seeds(), broken))
    assert verdict.verdict == FAILS
    [against] = verdict.by_outcome(CONTRADICTS)
    assert against.label == "LSTM: p_I→I > p_I→A"
    assert against.result.estimate == pytest.approx(-0.2)


def test_conclusion_1_on_per_class_rates_can_differ_from_the_raw_rates():
    # Raw: 0.10 > 0.09 for A->I > A->A, but per class 0.10/5 = 0.020 < 0.09/4 = 0.0225.
    found = points(seeds(rates=(0.30, 0.28, 0.10, 0.09)))
    assert conclusion_1(found).verdict == HOLDS
    corrected = conclusion_1(found, per_class=True)
    assert corrected.verdict == FAILS
    [against] = corrected.by_outcome(CONTRADICTS)
    assert against.label == "CNN: p_A→I per class > p_A→A per class"
    assert against.result.estimate == pytest.approx(0.020 - 0.0225)


def test_conclusion_1_needs_imbalanced_uncorrected_runs():
    balanced, corrected = seeds(rho=1), seeds(method="ros", inv_rho=1)
    assert conclusion_1(points(balanced, corrected)).verdict == NO_DATA
    assert conclusion_1(points(seeds(method="weighted", weight=1))).verdict == HOLDS  # weight 1
    # One seed: no test however far apart the rates (no spread to test against).
    one = conclusion_1(points(seeds(n=1)))
    assert one.verdict == NO_DATA and "no test" in one.comparisons[0].why


def test_conclusion_1_counts_one_setting_per_training():
    # Method none, weight 1 and ROS to the data's own 1/rho (0.1 at rho 10) are one training:
    # one setting of three seeds, not nine runs. Weight 2 and focal are corrections.
    found = points(
        seeds(),
        seeds(method="weighted", weight=1),
        seeds(method="ros", inv_rho=0.1),
        seeds(method="weighted", weight=2, rates=(0.1, 0.3, 0.05, 0.02)),
        seeds(method="focal", rates=(0.1, 0.3, 0.05, 0.02)),
        seeds(rotation=25),
    )
    verdict = conclusion_1(found)
    assert verdict.verdict == HOLDS  # the broken chains of weight 2 and focal are not read
    assert [c.label.split(":")[0] for c in verdict.comparisons[::3]] == [
        "CNN, no rotation",
        "CNN, rotation ±25°",
    ]
    assert {c.result.n for c in verdict.comparisons} == {3}


def test_conclusion_1_pairs_rates_by_seed_where_their_intervals_overlap():
    # p_I→A and p_A→I move together over seeds (one run holds both): 0.201 ± 0.001 against
    # 0.200 ± 0.001 (binary fractions, so the differences are exact). Each mean's 95% interval
    # is ± 4.302653 × (1/1024) / √3 = ± 0.0024 wide, so they overlap (the old rule: undecided);
    # paired by seed the difference is 1/1024 at every seed (p = 0).
    shift = [-1 / 1024, 0.0, 1 / 1024]
    rates = [(0.5 + s, 206 / 1024 + s, 205 / 1024 + s, 0.0625 + s) for s in shift]
    found = points(seeds(rates=rates))
    point = found[0]
    low = point.interval("test/p_I_to_A").low
    assert low < point.interval("test/p_A_to_I").high  # the intervals overlap
    assert point.interval("test/p_I_to_A").high - low == pytest.approx(
        2 * T975_2 / 1024 / 3**0.5, rel=1e-6
    )
    verdict = conclusion_1(found)
    middle = verdict.comparisons[1]
    assert middle.label == "CNN: p_I→A > p_A→I"
    assert (middle.result.estimate, middle.result.p) == (1 / 1024, 0.0)
    assert verdict.verdict == HOLDS


def rho_series(*, rises=(0.2, 0.3, 0.0, 0.0), **config):
    """Returns the points of an uncorrected rho series 1 -> 10: each rate at rho 10 is its
    rho 1 value (0.01 each) plus its rise."""
    at_10 = tuple(0.01 + r for r in rises)
    return [seeds(rho=1, rates=(0.01,) * 4, **config), seeds(rho=10, rates=at_10, **config)]


def test_fig_4_holds_when_the_minority_rates_rise_and_the_majority_rates_stay():
    verdict = imbalance_effect(points(*rho_series(rises=(0.2, 0.3, 0.004, -0.002))))
    assert verdict.verdict == HOLDS
    tests = [c.result.test for c in verdict.comparisons]
    assert tests == ["paired t", "paired t", "TOST (margin ±0.005)", "TOST (margin ±0.005)"]
    assert verdict.comparisons[2].label == "CNN, ρ=10 vs ρ=1: p_A→I stays within ±0.005"


def test_fig_4_fails_when_a_majority_rate_moves_beyond_the_margin():
    # The old rule compared rises (p_I→I's above p_A→A's, p_I→A's above p_A→I's): this series
    # passed it. Now p_A→I's rise of 0.02 passes the ±0.005 of "almost the same".
    verdict = imbalance_effect(points(*rho_series(rises=(0.2, 0.3, 0.02, 0.0))))
    assert verdict.verdict == FAILS
    [moved] = verdict.by_outcome(CONTRADICTS)
    assert "p_A→I stays within" in moved.label


def test_fig_4_needs_a_series_that_starts_at_rho_1():
    series = [seeds(rho=10), seeds(rho=100, rates=(0.5, 0.4, 0.1, 0.05))]
    assert imbalance_effect(points(*series)).verdict == NO_DATA


def test_fig_4_per_class_divides_the_margin_by_the_wrong_classes():
    # p_A→I per class can land in 5 classes: margin 0.005 / 5 = 0.001; a raw rise of 0.004
    # is a per-class rise of 0.0008, inside both.
    verdict = imbalance_effect(points(*rho_series(rises=(0.2, 0.3, 0.004, 0.0))), True)
    assert verdict.verdict == HOLDS
    assert verdict.comparisons[2].result.margin == pytest.approx(0.001)
    assert verdict.comparisons[3].result.margin == pytest.approx(0.005 / 4)


def ros_points(gaps, model="cnn", rotation=25, grid=(0.2, 0.4, 0.6, 0.8, 1.0)):
    """Returns ROS points over 1/rho with p_I→A − p_A→I = gaps (p_A→I 0.05 throughout)."""
    runs = []
    for inv_rho, gap in zip(grid, gaps, strict=True):
        rates = [(0.3, 0.05 + at(gap, s), 0.05, 0.02) for s in range(3)]
        runs.append(
            seeds(method="ros", inv_rho=inv_rho, model=model, rotation=rotation, rates=rates)
        )
    return points(*runs)


def test_figs_5_6_read_the_whole_grid_through_a_per_seed_slope():
    # The ends alone say "narrows": 0.10 at 1/rho 0.2 above 0.09 at 1.0 (the old rule held).
    # The least-squares slope over the grid says the gap grows: x − mean = -0.4 .. 0.4 (sum of
    # squares 0.4); sum (x − mean) y = -0.04 - 0.024 + 0 + 0.032 + 0.036 = 0.004; slope 0.01.
    verdict = ros_gap(ros_points((0.10, 0.12, 0.14, 0.16, 0.09)), "cnn", 25)
    [slope] = verdict.comparisons
    assert slope.result.estimate == pytest.approx(0.01)
    assert slope.label.endswith("over 1/ρ = 0.2, 0.4, 0.6, 0.8, 1")
    assert verdict.verdict == FAILS
    # The same ends with a falling middle: the slope is below 0 and the claim holds.
    assert ros_gap(ros_points((0.10, 0.08, 0.06, 0.04, 0.09)), "cnn", 25).verdict == HOLDS


def test_figs_5_6_slope_is_tested_over_seeds_against_0():
    # Slopes per seed: gaps 0.10 -> 0.08 (slope -0.025), 0.10 -> 0.10 (0) and 0.10 -> 0.06
    # (-0.05) over 1/rho 0.2 -> 1.0: mean -0.025, s = 0.025, t = -0.025 / (0.025 / √3) = -1.73,
    # below t_{0.975,2} = 4.30 in size: undecided.
    found = ros_points([[0.10, 0.10, 0.10], [0.08, 0.10, 0.06]], grid=(0.2, 1.0))
    verdict = ros_gap(found, "cnn", 25)
    [slope] = verdict.comparisons
    assert slope.result.estimate == pytest.approx(-0.025)
    assert slope.result.sd == pytest.approx(0.025)
    assert (slope.outcome, verdict.verdict) == (OPEN, UNDECIDED)


def test_figs_5_6_judge_one_model_at_one_rotation():
    found = ros_points((0.10, 0.08, 0.06, 0.04, 0.02), model="rnn", rotation=0)
    assert ros_gap(found, "rnn", 0).verdict == HOLDS
    assert ros_gap(found, "rnn", 25).verdict == NO_DATA
    assert ros_gap(found, "cnn", 0).verdict == NO_DATA
    title = ros_gap(found, "rnn", 0).claim
    assert title.startswith("Fig. 6") and "LSTM, without rotation" in title


def ros_accuracies(*accuracies, rotation=25):
    grid = zip((0.2, 0.6, 1.0), accuracies, strict=True)
    return points(*[seeds(method="ros", inv_rho=r, acc=a, rotation=rotation) for r, a in grid])


def test_conclusion_2_checks_that_inv_rho_1_is_best():
    assert conclusion_2(ros_accuracies(0.90, 0.92, 0.95), 25).verdict == HOLDS
    verdict = conclusion_2(ros_accuracies(0.90, 0.96, 0.95), 25)
    assert verdict.verdict == FAILS
    assert [c.outcome for c in verdict.comparisons] == [SUPPORTS, CONTRADICTS]
    assert verdict.comparisons[1].label.endswith("balanced accuracy at 1/ρ=1 > at 1/ρ=0.6")
    # 1/rho 0.6 at 0.951, 0.945, 0.956: differences -0.001, 0.005, -0.006 (mean -0.00067).
    noisy = ros_accuracies(0.90, [0.951, 0.945, 0.956], 0.95)
    assert conclusion_2(noisy, 25).verdict == UNDECIDED
    assert (
        conclusion_2(points(seeds(method="ros", inv_rho=0.5, rotation=25)), 25).verdict == NO_DATA
    )


def test_conclusion_2_is_judged_at_its_rotation_only():
    found = ros_accuracies(0.90, 0.96, 0.95, rotation=0)
    assert conclusion_2(found, 25).verdict == NO_DATA
    assert conclusion_2(found, 0).verdict == FAILS
