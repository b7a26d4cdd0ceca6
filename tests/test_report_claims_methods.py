"""The study's claims on the correction methods (claims/study_methods.py) on hand-made records:
Fig. 7, Fig. 8 per rotation, Conclusion 3 (corrected against corrected, chosen on validation)
and sections 3.2-3.3."""

import pytest
from report_records import points, seeds

from imbalance_lab.report.claims.study import study_verdicts
from imbalance_lab.report.claims.study_methods import (
    augmentation_claim,
    conclusion_3,
    lstm_weighting,
    weighted_cnn,
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

pytestmark = pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")


def weight_series(p_i_a, *, model="cnn", rotation=25, weights=(1, 10, 100), p_a_i=0.05):
    """Returns weighted-loss runs over the weights with these p_I→A (one per weight) and p_A→I
    (one value, or one per weight)."""
    p_a_i = p_a_i if isinstance(p_a_i, tuple) else (p_a_i,) * len(weights)
    return [
        seeds(method="weighted", weight=w, model=model, rotation=rotation, rates=(0.1, a, b, 0.02))
        for w, a, b in zip(weights, p_i_a, p_a_i, strict=True)
    ]


def test_fig_7_holds_when_the_gap_falls_over_log_weight_and_reverses():
    # Gaps 0.15, 0.05, -0.05 at log10 weight 0, 1, 2: slope -0.1 per decade; at weight 100
    # p_A→I 0.10 above p_I→A 0.05.
    found = points(*weight_series((0.20, 0.10, 0.05), p_a_i=(0.05, 0.05, 0.10)))
    verdict = weighted_cnn(found, 25)
    slope, top = verdict.comparisons
    assert slope.result.estimate == pytest.approx(-0.1)
    assert top.label.endswith("weight 100: p_A→I > p_I→A")
    assert verdict.verdict == HOLDS
    # Narrowed but not reversed at the largest weight: does not hold.
    unreversed = points(*weight_series((0.20, 0.10, 0.06), p_a_i=0.05))
    assert weighted_cnn(unreversed, 25).verdict == FAILS
    assert weighted_cnn(found, 0).verdict == NO_DATA  # no series without rotation


def test_fig_8_is_judged_with_rotation_first_and_without_it_beside():
    # The LSTM alone decides Fig. 8 now (the old rule needed the CNN's drop beside it): flat
    # p_I→A with rotation (no effect: holds), a drop of 0.05 without (an effect: does not hold).
    flat = weight_series((0.2, 0.2, 0.2), model="rnn", rotation=25)
    dropping = weight_series((0.2, 0.17, 0.15), model="rnn", rotation=0)
    found = points(*flat, *dropping)
    with_rotation, without = lstm_weighting(found, 25), lstm_weighting(found, 0)
    assert with_rotation.claim.endswith("(with rotation ±25°, the study's setting)")
    assert without.claim.endswith("(without rotation)")
    assert (with_rotation.verdict, without.verdict) == (HOLDS, FAILS)
    [same] = with_rotation.comparisons
    assert same.result.test == "TOST (margin ±0.005)" and same.result.n == 3
    assert "at weight 100 vs 1" in same.label
    assert without.comparisons[0].result.estimate == pytest.approx(-0.05)
    claims = [raw.claim for raw, _ in study_verdicts(found)]
    fig_8 = [c for c in claims if c.startswith("Fig. 8")]
    assert fig_8 == [with_rotation.claim, without.claim]


def test_fig_8_without_rotation_is_left_out_when_no_run_speaks_of_it():
    found = points(*weight_series((0.2, 0.2, 0.2), model="rnn", rotation=25))
    claims = [raw.claim for raw, _ in study_verdicts(found)]
    assert [c for c in claims if c.startswith("Fig. 8")] == [lstm_weighting(found, 25).claim]


def test_fig_8_on_per_class_rates_uses_the_per_class_margin():
    # p_I→A per class = p_I→A / 5: a raw change of 0.004 is 0.0008 per class, inside 0.001.
    found = points(*weight_series((0.2, 0.2, 0.204), model="rnn"))
    verdict = lstm_weighting(found, 25, per_class=True)
    assert verdict.comparisons[0].result.margin == pytest.approx(0.001)
    assert verdict.verdict == HOLDS


def ros_and_weighted(ros, weighted):
    """Returns points of ROS over 1/rho and weighted loss over the weight at rho 10 (rotation
    25); each argument maps the knob to (test balanced accuracy, validation balanced
    accuracy)."""
    runs = [
        seeds(method="ros", inv_rho=k, acc=test, val_bal=val, rotation=25)
        for k, (test, val) in ros.items()
    ]
    runs += [
        seeds(method="weighted", weight=k, acc=test, val_bal=val, rotation=25)
        for k, (test, val) in weighted.items()
    ]
    return points(*runs)


# 1/rho 0.1 at rho 10 and weight 1 are no correction: the lowest on validation and on test,
# they would be "the worst" if they were candidates.
UNCORRECTED_ROS, UNCORRECTED_WEIGHT = {0.1: (0.70, 0.50)}, {1: (0.70, 0.50)}


def test_conclusion_3_compares_the_worst_corrected_settings_chosen_on_validation():
    # ROS: 1/rho 0.5 validates worst (0.90) and tests 0.95; weighted: weight 2 validates worst
    # (0.92) and tests 0.97. On test, the worst would be 1/rho 1 (0.93) and weight 5 (0.90).
    ros = {**UNCORRECTED_ROS, 0.5: (0.95, 0.90), 1: (0.93, 0.95)}
    weighted = {**UNCORRECTED_WEIGHT, 2: (0.97, 0.92), 5: (0.90, 0.96)}
    verdict = conclusion_3(ros_and_weighted(ros, weighted))
    [comparison] = verdict.comparisons
    assert "ROS's worst on validation (1/ρ=0.5) > weighted's (weight=2)" in comparison.label
    assert comparison.result.estimate == pytest.approx(0.95 - 0.97)
    assert verdict.verdict == FAILS  # chosen on test (0.93 against 0.90) it would hold
    ros[0.5] = (0.99, 0.90)
    assert conclusion_3(ros_and_weighted(ros, weighted)).verdict == HOLDS


def test_conclusion_3_is_undecided_when_the_seeds_disagree():
    ros = {0.5: ([0.95, 0.96, 0.93], 0.9), 1: (0.97, 0.95)}
    weighted = {2: ([0.94, 0.95, 0.95], 0.9), 5: (0.97, 0.95)}
    # Differences 0.01, 0.01, -0.02: mean 0, no test decides.
    verdict = conclusion_3(ros_and_weighted(ros, weighted))
    assert verdict.comparisons[0].outcome == OPEN and verdict.verdict == UNDECIDED


def test_conclusion_3_needs_both_corrected_methods():
    only_uncorrected = ros_and_weighted({**UNCORRECTED_ROS, 1: (0.95, 0.9)}, UNCORRECTED_WEIGHT)
    assert conclusion_3(only_uncorrected).verdict == NO_DATA
    assert conclusion_3(ros_and_weighted({1: (0.95, 0.9)}, {})).verdict == NO_DATA


def augmentation_runs(gain_without_rotation, gain_with_rotation=0.05):
    """Returns runs of none and of weighted loss (weight 10) at rotation 0 and 25: test
    balanced accuracy 0.90 for none, 0.90 + gain for weight 10 (a list: one gain per seed)."""
    runs = []
    for rotation, gain in ((0, gain_without_rotation), (25, gain_with_rotation)):
        runs += seeds(rotation=rotation, acc=0.90)
        acc = [0.90 + g for g in gain] if isinstance(gain, list) else 0.90 + gain
        runs += seeds(method="weighted", weight=10, rotation=rotation, acc=acc)
    return runs


def augmentation_study(gain_without_rotation):
    """Returns the points of augmentation_runs."""
    return points(augmentation_runs(gain_without_rotation))


def test_augmentation_claim_needs_a_gain_with_rotation_and_none_without():
    verdict = augmentation_claim(augmentation_study(0.001))
    assert verdict.verdict == HOLDS
    tests = {c.label.split(":")[0]: c.result.test for c in verdict.comparisons}
    assert tests == {
        "weighted loss, CNN, no rotation": "TOST (margin ±0.005)",
        "weighted loss, CNN, rotation ±25°": "paired t",
    }
    verdict = augmentation_claim(augmentation_study(0.03))  # helps without rotation too
    assert verdict.verdict == FAILS
    [helps] = verdict.by_outcome(CONTRADICTS)
    assert helps.label.startswith("weighted loss, CNN, no rotation")
    # Differences 0, +0.01, −0.005 without rotation: neither inside nor beyond ±0.005 shown.
    noisy = augmentation_claim(augmentation_study([0.0, 0.01, -0.005]))
    assert noisy.verdict == UNDECIDED
    assert [c.outcome for c in noisy.comparisons] == [OPEN, SUPPORTS]


def test_augmentation_claim_keeps_the_setting_best_on_validation_not_on_test():
    # Weight 10 tests higher, weight 2 validates higher: weight 2 is compared, which without
    # rotation is no better than no correction (holds); weight 10's gain would not hold.
    runs = []
    for rotation in (0, 25):
        runs.append(seeds(rotation=rotation, acc=0.90))
        runs.append(seeds(method="weighted", weight=2, rotation=rotation, acc=0.90, val_bal=0.97))
        runs.append(seeds(method="weighted", weight=10, rotation=rotation, acc=0.95, val_bal=0.8))
    verdict = augmentation_claim(points(*runs))
    assert all("best on validation (weight=2)" in c.label for c in verdict.comparisons)
    without = next(c for c in verdict.comparisons if "no rotation" in c.label)
    assert without.outcome == SUPPORTS


def test_augmentation_claim_never_takes_weight_1_for_a_correction():
    # Weight 1 validates best, but trains what none trains: the candidate is weight 10.
    weight_1 = seeds(method="weighted", weight=1, rotation=25, acc=0.90, val_bal=0.99)
    verdict = augmentation_claim(points(augmentation_runs(0.001), weight_1))
    assert [c.label.split(":")[1] for c in verdict.comparisons] == [
        " best on validation (weight=10) vs none, within ±0.005",
        " best on validation (weight=10) > none",
    ]
    assert verdict.verdict == HOLDS
    # None's three seeds, not none's and weight 1's six: a measure holds one value per seed.
    assert {c.result.n for c in verdict.comparisons} == {3}
