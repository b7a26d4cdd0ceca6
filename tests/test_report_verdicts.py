"""The verdict engine on hand-made measures: which test a design gets, Holm's correction over a
claim's family, the three-way rule, and the seeds a power estimate names."""

import pytest

from imbalance_lab.report.engine import inference
from imbalance_lab.report.engine.measures import Measure, combine, trend
from imbalance_lab.report.engine.verdicts import (
    CONTRADICTS,
    FAILS,
    HOLDS,
    NO_DATA,
    OPEN,
    SUPPORTS,
    UNDECIDED,
    against,
    exactly,
    judge,
    versus,
)


def measure(*values, first_seed=0, label="m"):
    """Returns a measure with these values at seeds first_seed, first_seed + 1, ..."""
    return Measure(label, {first_seed + i: v for i, v in enumerate(values)})


A = measure(0.93, 0.94, 0.95, 0.96)
B = measure(0.90, 0.92, 0.91, 0.95)


def test_shared_seeds_are_paired_and_disjoint_ones_get_welch():
    paired = versus(A, B, "greater", "A > B")
    assert paired.result.test == "paired t"
    assert paired.result.p == pytest.approx(inference.paired(A.values(), B.values()).p)
    later = measure(0.90, 0.92, 0.91, first_seed=10)
    welch = versus(A, later, "greater", "A > later")
    assert welch.result.test == "Welch t"
    assert welch.result.p == pytest.approx(inference.welch(A.values(), later.values()).p)
    one = versus(measure(0.9), measure(0.8), "greater", "one seed")
    assert one.result is None and "no test" in one.why


def test_only_the_shared_seeds_are_paired():
    longer = measure(0.90, 0.92, 0.91, 0.95, 0.99, 0.99)  # seeds 4, 5 have no partner in A
    comparison = versus(A, longer, "greater", "A > longer")
    assert comparison.result.n == 4
    assert comparison.result.estimate == pytest.approx(0.025)


def test_a_claim_holds_when_every_corrected_comparison_supports_it():
    verdict = judge("c", "", "", "f", [versus(A, B, "greater", "A > B")])
    assert verdict.verdict == HOLDS and verdict.comparisons[0].outcome == SUPPORTS
    assert verdict.comparisons[0].p_adjusted == pytest.approx(0.030466, abs=1e-5)


def test_holm_over_the_family_can_leave_a_comparison_undecided():
    # Alone, p = 0.030 supports; beside two comparisons at p ~ 0.4 it is multiplied by 3.
    weak = measure(0.90, 0.93, 0.91, 0.96)  # A - weak: 0.03, 0.01, 0.04, 0.00
    comparisons = [versus(A, B, "greater", "A > B"), versus(A, weak, "greater", "A > weak")]
    comparisons.append(versus(B, weak, "greater", "B > weak"))
    verdict = judge("c", "", "", "f", comparisons)
    first = verdict.comparisons[0]
    raw = [c.result.p for c in comparisons]
    assert first.p_adjusted == pytest.approx(inference.holm(raw)[0])
    assert first.p_adjusted == pytest.approx(3 * first.result.p)
    assert first.outcome == OPEN and verdict.verdict == UNDECIDED


def test_one_significant_contradiction_makes_the_claim_not_hold():
    verdict = judge(
        "c", "", "", "f", [versus(B, A, "greater", "B > A"), versus(A, B, "greater", "A > B")]
    )
    assert [c.outcome for c in verdict.comparisons] == [OPEN, OPEN]  # 2 x p = 0.061
    strong = measure(0.80, 0.81, 0.80, 0.81)
    verdict = judge("c", "", "", "f", [versus(strong, A, "greater", "strong > A")])
    assert verdict.comparisons[0].outcome == CONTRADICTS and verdict.verdict == FAILS


def test_same_within_a_margin_supports_contradicts_or_stays_open():
    base = measure(0.100, 0.110, 0.105, 0.108)
    close = combine("close", lambda v: v + 0.001, base)
    moved = combine("moved", lambda v: v + 0.03, base)
    noisy = measure(0.100, 0.140, 0.070, 0.118)
    outcomes = [
        judge("c", "", "", "f", [versus(m, base, "same", "x", 0.005)]).comparisons[0].outcome
        for m in (close, moved, noisy)
    ]
    assert outcomes == [SUPPORTS, CONTRADICTS, OPEN]
    same = versus(close, base, "same", "x", 0.005)
    # One entry in the family: the smaller of its two one-directional p-values, doubled.
    assert same.hypotheses() == [
        pytest.approx(min(1, 2 * min(same.result.p, same.result.p_beyond)))
    ]


def test_against_a_constant_keeps_the_estimate_on_its_scale():
    accuracy = measure(0.97, 0.975, 0.972)
    comparison = against(accuracy, 0.95, "greater", "above 95%")
    assert comparison.result.estimate == pytest.approx(0.9723333, abs=1e-6)
    assert comparison.result.low > 0.95
    assert judge("c", "", "", "f", [comparison]).verdict == HOLDS
    slope = trend("slope", [(0.2, measure(0.3, 0.32)), (1.0, measure(0.1, 0.14))])
    assert slope.values() == pytest.approx([-0.25, -0.225])


def test_against_a_constant_cuts_the_interval_to_the_bounds_given():
    diverged = measure(0.98, 0.97, 0.10)  # one seed of three diverged
    uncut = against(diverged, 0.95, "greater", "above 95%").result
    assert uncut.low < 0.0 and uncut.high > 1.0
    cut = against(diverged, 0.95, "greater", "above 95%", bounds=(0.0, 1.0)).result
    assert (cut.low, cut.high) == (0.0, 1.0)
    assert (cut.estimate, cut.p) == (uncut.estimate, uncut.p)  # the test itself is unchanged


def test_exact_numbers_need_no_test():
    assert (
        judge("c", "", "", "f", [exactly(1_618_026, 133_810, "greater", "params")]).verdict == HOLDS
    )
    assert judge("c", "", "", "f", [exactly(1, 2, "greater", "params")]).verdict == FAILS


def test_no_testable_comparison_is_not_enough_data():
    assert (
        judge("c", "", "", "f", [versus(measure(1.0), measure(0.5), "greater", "x")]).verdict
        == NO_DATA
    )
    assert judge("c", "", "", "f", []).verdict == NO_DATA


def test_an_undecided_claim_names_the_seeds_its_power_asks_for():
    small = measure(0.100, 0.104, 0.099)  # small effect against a noisy partner
    other = measure(0.097, 0.104, 0.094)
    verdict = judge("c", "", "", "f", [versus(small, other, "greater", "x")])
    assert verdict.verdict == UNDECIDED
    result = verdict.comparisons[0].result
    expected = inference.seeds_needed(
        lambda n: inference.t_power(result.estimate, result.sd, n, 0.05)
    )
    assert verdict.seeds == expected == verdict.comparisons[0].seeds
    assert verdict.seeds > 3
