"""The study's claims judged on hand-made records: each verdict function holds, does not hold
or stays undecided exactly where its rule says."""

from imbalance_lab.report.claims_methods import (
    augmentation_claim,
    conclusion_3,
    lstm_weighting_claim,
)
from imbalance_lab.report.claims_models import depth_claim, error_claim, parameter_claim
from imbalance_lab.report.claims_rates import conclusion_1, conclusion_2
from imbalance_lab.report.points import grid_points
from imbalance_lab.report.runs import Run
from imbalance_lab.report.verdicts import FAILS, HOLDS, NO_DATA, UNDECIDED

BASE = {
    "model": "cnn",
    "method": "none",
    "rho": 10,
    "inv_rho": 1.0,
    "weight": 1.0,
    "rotation": 0,
    "optimizer": "adam",
    "lr": 0.001,
    "epochs": 10,
}
SLOTS = {"p_I_to_I": 4, "p_I_to_A": 5, "p_A_to_I": 5, "p_A_to_A": 4}  # 5 minority, 5 majority
# Each seed's metrics move by (seed - 1) × JITTER: over seeds 0, 1, 2, s = JITTER and the 95%
# t-interval is the mean ± 4.302653 × JITTER / √3 = ± 0.0025.
JITTER = 0.001


def record(rates=(0.3, 0.2, 0.1, 0.05), acc=0.9, seed=0, history=(), val_acc=None, **config):
    """Returns a finished Run with these four raw rates (and their per-class values), this test
    accuracy and validation balanced accuracy (the test's unless given), each moved by
    (seed - 1) × JITTER."""
    shift = (seed - 1) * JITTER
    metrics = {"test/acc": acc + shift, "test/bal_acc": acc + shift}
    metrics["val/bal_acc"] = (acc if val_acc is None else val_acc) + shift
    metrics |= {"model/params": 1000, "model/bytes": 4000}
    for (name, slots), rate in zip(SLOTS.items(), rates, strict=True):
        metrics[f"test/{name}"] = rate + shift
        metrics[f"test/{name}_per_class"] = (rate + shift) / slots
    rows = [{"epoch": e + 1, "val/acc": a} for e, a in enumerate(history)]
    return Run(config={**BASE, **config, "seed": seed}, metrics=metrics, history=rows)


def seeds(**kwargs):
    """Returns three records of one setting, seeds 0, 1 and 2."""
    return [record(seed=seed, **kwargs) for seed in range(3)]


def points(*runs):
    return grid_points([run for group in runs for run in group])


def test_conclusion_1_holds_when_the_chain_holds_in_every_setting():
    verdict = conclusion_1(points(seeds(), seeds(model="rnn")))
    assert verdict.verdict == HOLDS
    assert verdict.evidence[0] == "of 2 settings: holds in 2"


def test_conclusion_1_does_not_hold_when_one_setting_breaks_the_chain():
    verdict = conclusion_1(points(seeds(), seeds(model="rnn", rates=(0.1, 0.3, 0.05, 0.02))))
    assert verdict.verdict == FAILS
    assert any(line.startswith("LSTM") and "does not hold" in line for line in verdict.evidence)


def test_conclusion_1_on_per_class_rates_can_differ_from_the_raw_rates():
    # Raw: 0.10 > 0.09 for A->I > A->A, but per class 0.10/5 = 0.020 < 0.09/4 = 0.0225.
    runs = points(seeds(rates=(0.30, 0.28, 0.10, 0.09)))
    assert conclusion_1(runs).verdict == HOLDS
    corrected = conclusion_1(runs, corrected=True)
    assert corrected.verdict == FAILS
    assert "p_A→I per class 0.0200 [0.0195, 0.0205]" in corrected.evidence[1]


def test_conclusion_1_needs_imbalanced_uncorrected_runs():
    balanced = seeds(rho=1)
    corrected = seeds(method="ros", inv_rho=1.0)
    assert conclusion_1(points(balanced, corrected)).verdict == NO_DATA
    # Weight 1 is no correction: it counts.
    assert conclusion_1(points(seeds(method="weighted", weight=1))).verdict == HOLDS


def test_conclusion_2_checks_that_inv_rho_1_is_best():
    def series(*accuracies):
        grid = zip((0.2, 0.6, 1.0), accuracies, strict=True)
        return points(*[seeds(method="ros", inv_rho=r, acc=a) for r, a in grid])

    assert conclusion_2(series(0.90, 0.92, 0.95)).verdict == HOLDS
    verdict = conclusion_2(series(0.90, 0.96, 0.95))
    assert verdict.verdict == FAILS
    assert "at 1/ρ=1 0.9500 [0.9475, 0.9525] > at 1/ρ=0.6" in verdict.evidence[1]
    assert conclusion_2(series(0.90, 0.951, 0.95)).verdict == UNDECIDED  # within ± 0.0025
    assert conclusion_2(points(seeds(method="ros", inv_rho=0.5))).verdict == NO_DATA


def test_conclusion_3_compares_the_worst_case_of_each_grid():
    ros = [seeds(method="ros", inv_rho=r, acc=a) for r, a in ((0.5, 0.93), (1.0, 0.95))]

    def weighted(*accuracies):
        grid = zip((2, 5), accuracies, strict=True)
        return [seeds(method="weighted", weight=w, acc=a) for w, a in grid]

    assert conclusion_3(points(*ros, *weighted(0.92, 0.96))).verdict == HOLDS
    assert conclusion_3(points(*ros, *weighted(0.94, 0.96))).verdict == FAILS
    assert conclusion_3(points(*ros, *weighted(0.931, 0.96))).verdict == UNDECIDED
    assert conclusion_3(points(*ros)).verdict == NO_DATA


def test_augmentation_claim_compares_gains_with_and_without_rotation():
    def study(gain_without_rotation):
        runs = []
        for rotation, gain in ((0, gain_without_rotation), (25, 0.05)):
            runs += [seeds(rotation=rotation, acc=0.90)]
            runs += [seeds(method="ros", inv_rho=1.0, rotation=rotation, acc=0.90 + gain)]
        return points(*runs)

    assert augmentation_claim(study(-0.03)).verdict == HOLDS  # no help without rotation
    assert augmentation_claim(study(0.0)).verdict == UNDECIDED  # equal: cannot tell
    verdict = augmentation_claim(study(0.03))  # ROS helps without rotation too
    assert verdict.verdict == FAILS
    assert any("rotation ±0°" in line and "does not hold" in line for line in verdict.evidence)


def test_conclusion_1_counts_one_setting_per_training():
    # Method none, weight 1 and ROS to the data's own 1/rho (0.1 at rho 10) are one training:
    # one setting, three runs. Weight 2 and focal are corrections: not counted.
    runs = [
        seeds(),
        seeds(method="weighted", weight=1.0),
        seeds(method="ros", inv_rho=0.1),
        seeds(method="weighted", weight=2.0),
        seeds(method="focal", rho=100),  # a correction (experiment=methods): not counted
        seeds(rotation=25),
    ]
    verdict = conclusion_1(points(*runs))
    assert verdict.evidence[0] == "of 2 settings: holds in 2"
    assert [line.count("(n=3)") for line in verdict.evidence[1:]] == [1, 1]
    assert [line.split(" (n=")[0] for line in verdict.evidence[1:]] == [
        "CNN, rotation ±0°",
        "CNN, rotation ±25°",
    ]


def test_augmentation_claim_counts_each_seed_of_no_correction_once():
    # Method none and weight 1 at the same seeds are one training each: the baseline keeps
    # three runs (0.9 ± 0.0025), not six duplicates (± 0.0009), so a gain of 0.004 without
    # rotation overlaps it (undecided) instead of lying apart from it (does not hold).
    runs = []
    for rotation in (0, 25):
        runs += [seeds(rotation=rotation, acc=0.90)]
        runs += [seeds(method="weighted", weight=1.0, rotation=rotation, acc=0.90)]
        runs += [seeds(method="weighted", weight=10.0, rotation=rotation, acc=0.904)]
    verdict = augmentation_claim(points(*runs))
    without_rotation = [line for line in verdict.evidence if "rotation ±0°" in line]
    assert len(without_rotation) == 1
    assert "none 0.9000 [0.8975, 0.9025]" in without_rotation[0]
    assert without_rotation[0].endswith("undecided")


def test_augmentation_claim_keeps_the_setting_best_on_validation_not_on_test():
    # Weight 10 scores higher on test, weight 2 on validation: the claim compares weight 2,
    # which without rotation is no better than no correction (holds), where weight 10 would
    # have looked like a gain without rotation (does not hold).
    runs = []
    for rotation in (0, 25):
        runs += [seeds(rotation=rotation, acc=0.90)]
        runs += [seeds(method="weighted", weight=2.0, rotation=rotation, acc=0.85, val_acc=0.97)]
        runs += [seeds(method="weighted", weight=10.0, rotation=rotation, acc=0.95, val_acc=0.8)]
    verdict = augmentation_claim(points(*runs))
    assert all("best on validation (weight 2.0)" in line for line in verdict.evidence[1:])
    without_rotation = [line for line in verdict.evidence if "rotation ±0°" in line]
    assert without_rotation[0].endswith(": holds")


def test_lstm_weighting_claim_compares_the_drop_of_p_I_to_A():
    def study(lstm_drop):
        runs = []
        for model, drop in (("cnn", 0.10), ("rnn", lstm_drop)):
            for weight, p_ia in ((1, 0.2), (20, 0.2 - drop)):
                rates = (0.1, p_ia, 0.05, 0.02)
                runs.append(seeds(model=model, method="weighted", weight=weight, rates=rates))
        return points(*runs)

    assert lstm_weighting_claim(study(0.01)).verdict == HOLDS
    assert lstm_weighting_claim(study(0.01), corrected=True).verdict == HOLDS
    assert lstm_weighting_claim(study(0.08)).verdict == FAILS
    assert lstm_weighting_claim(study(0.05)).verdict == UNDECIDED  # 0.5 × 0.10 = 0.05


def test_parameter_and_error_claims_weigh_error_against_parameters():
    def pair(rnn_acc):
        cnn, rnn = seeds(rho=1, acc=0.99), seeds(rho=1, model="rnn", acc=rnn_acc)
        for run in cnn:
            run.metrics["model/params"] = 1_618_026
        for run in rnn:
            run.metrics["model/params"] = 133_810
        return points(cnn, rnn)

    # Errors 0.010 and 0.012 (± 0.0025): 2 × 0.010 lies above 0.012, but 0.012 not above 0.010.
    assert parameter_claim(pair(0.988)).verdict == HOLDS
    assert error_claim(pair(0.988)).verdict == UNDECIDED
    assert error_claim(pair(0.98)).verdict == HOLDS
    assert parameter_claim(pair(0.95)).verdict == FAILS  # five times the CNN's error
    assert parameter_claim(points(seeds(rho=1))).verdict == NO_DATA


def test_depth_claim_reads_epochs_to_95_percent_from_history():
    sgd = {"optimizer": "sgd", "rho": 1}
    slow, fast = [0.5, 0.7, 0.9], [0.96, 0.98, 0.99]
    runs = [
        record(model="cnn", lr=0.01, history=fast, **sgd),
        record(model="rnn", lr=0.001, history=slow, **sgd),
        record(model="rnn", lr=0.01, history=[0.8, 0.95, 0.97], **sgd),
    ]
    verdict = depth_claim(points(runs))
    assert verdict.verdict == HOLDS
    assert any("LSTM, lr=0.01" in line and ": 2" in line for line in verdict.evidence)
    assert any("never within 10 epochs" in line for line in verdict.evidence)
    split = runs + [record(model="rnn", lr=0.001, history=fast, seed=1, **sgd)]
    assert depth_claim(points(split)).verdict == UNDECIDED  # the seeds disagree
    runs[1] = record(model="rnn", lr=0.001, history=fast, **sgd)  # fast at a small lr too
    assert depth_claim(points(runs)).verdict == FAILS
