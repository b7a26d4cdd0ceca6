"""The study's claims about the correction methods: Fig. 7 (weighted loss on the CNN), Fig. 8
(weighted loss fails on the LSTM), Conclusion 3 (ROS is safer) and sections 3.2-3.3 (both
methods need augmentation). A corrected setting is chosen on the validation split, never by its
test score, and compared with corrected settings or with no correction."""

from __future__ import annotations

import math

from imbalance_lab.metrics.names import TEST_BAL_ACC, VAL_BAL_ACC
from imbalance_lab.report.claims.study_rates import A_I, I_A, rate_names, series
from imbalance_lab.report.claims.study_settings import (
    ACCURACY_MARGIN,
    CORRECTION_KEYS,
    RATE_MARGIN,
    is_imbalanced,
    is_uncorrected,
    rate_margin,
    uncorrected_trainings,
)
from imbalance_lab.report.engine.measures import metric, trend
from imbalance_lab.report.engine.points import Point, context, group_by
from imbalance_lab.report.engine.stats import is_number
from imbalance_lab.report.engine.verdicts import Verdict, against, judge, versus
from imbalance_lab.report.labels import describe, labels, rate_label

STUDY_ROTATION = 25  # the study's augmentation: weighting and ROS "need" it (sections 3.2-3.3)


def setting_name(rotation: float) -> str:
    """Returns how a claim's title names its rotation."""
    return "with rotation ±25°, the study's setting" if rotation else "without rotation"


def weight_series(points: list[Point], model: str, rotation: float) -> dict[tuple, list[Point]]:
    """Returns the weighted-loss series over a numeric weight of one model at one rotation."""

    def keep(c: dict) -> bool:
        """Returns whether c is a weighted-loss setting of the model, rotation and a number."""
        return (
            c.get("method") == "weighted"
            and is_number(c.get("weight"))
            and c.get("model") == model
            and float(c.get("rotation", 0)) == rotation
        )

    return series(points, "weight", keep)


def weighted_cnn(points: list[Point], rotation: float, per_class: bool = False) -> Verdict:
    """Returns the verdict on Fig. 7 at one rotation: on the CNN, the gap p_I→A − p_A→I falls
    as the weight grows (per-seed slope over log10 weight below 0), and at the largest weight
    p_A→I lies above p_I→A."""
    names = rate_names(per_class)
    i_a, a_i = names[I_A], names[A_I]
    gap = f"{rate_label(i_a)} − {rate_label(a_i)}"
    claim = (
        "Fig. 7: weighted loss narrows p_I→A − p_A→I on the CNN; a high weight reverses it "
        f"({setting_name(rotation)})"
    )
    study = "weighted loss narrows p_I→A − p_A→I on the CNN; a high enough weight reverses them"
    rule = (
        f"in every CNN weight series {setting_name(rotation)}: the least-squares slope of {gap} "
        f"over log10(weight), one per seed, below 0 (one-sample t); at the largest weight "
        f"{rate_label(a_i)} above {rate_label(i_a)} (paired t)"
    )
    family = "both comparisons of every series (Holm)"
    comparisons = []
    found = weight_series(points, "cnn", rotation)
    for label, group in zip(labels([dict(k) for k in found]), found.values(), strict=True):
        gaps = [
            (math.log10(float(p.config["weight"])), metric(p, i_a) - metric(p, a_i)) for p in group
        ]
        weights = ", ".join(f"{p.config['weight']:g}" for p in group)
        slope = trend(f"slope of {gap}", gaps)
        comparisons.append(
            against(slope, 0.0, "less", f"{label}: slope of {gap} over log10 weight ({weights})")
        )
        top = group[-1]
        comparisons.append(
            versus(
                metric(top, a_i),
                metric(top, i_a),
                "greater",
                f"{label}, weight {top.config['weight']:g}: {rate_label(a_i)} > {rate_label(i_a)}",
            )
        )
    return judge(claim, study, rule, family, comparisons)


def lstm_weighting(points: list[Point], rotation: float, per_class: bool = False) -> Verdict:
    """Returns the verdict on Fig. 8, 'weighted loss fails on the LSTM', at one rotation: the
    LSTM's p_I→A at the largest weight within RATE_MARGIN of its value at the smallest."""
    name = rate_names(per_class)[I_A]
    claim = f"Fig. 8: weighted loss fails on the LSTM ({setting_name(rotation)})"
    study = "weighted loss simply failed to take effect on the RNN (with augmentation: §3.3)"
    rule = (
        f"in every LSTM weight series {setting_name(rotation)}, {rate_label(name)} at the "
        f"largest weight the same as at the smallest within ±{RATE_MARGIN:g} (per class: divided "
        "by the wrong classes it can land in; TOST, paired by seed): 'no effect'; a change "
        "beyond the margin does not hold"
    )
    family = "one comparison per series (Holm)"
    comparisons = []
    found = weight_series(points, "rnn", rotation)
    for label, group in zip(labels([dict(k) for k in found]), found.values(), strict=True):
        low, high = group[0], group[-1]
        margin = rate_margin(name, high)
        what = (
            f"{label}: {rate_label(name)} at weight {high.config['weight']:g} vs "
            f"{low.config['weight']:g}, within ±{margin:.4g}"
        )
        comparisons.append(versus(metric(high, name), metric(low, name), "same", what, margin))
    return judge(claim, study, rule, family, comparisons)


def corrected_by_method(points: list[Point], method: str) -> dict[tuple, list[Point]]:
    """Returns the corrected, validated, imbalanced points of a method grouped by their setting
    without the correction keys (model, rotation, ...)."""
    keep = lambda c: c.get("method") == method and not is_uncorrected(c) and is_imbalanced(c)  # noqa: E731
    groups = group_by(points, CORRECTION_KEYS, keep)
    return {key: [p for p in group if p.values(VAL_BAL_ACC)] for key, group in groups.items()}


def knob_text(point: Point) -> str:
    """Returns the correction setting of a point, e.g. '1/ρ=0.4' or 'weight=5'."""
    knob = "inv_rho" if point.config.get("method") == "ros" else "weight"
    return describe([(knob, point.config.get(knob))])


def conclusion_3(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS is safer than weighted loss': in each setting run with both,
    the corrected ROS setting that validates worst beats the corrected weighted one that
    validates worst, on test balanced accuracy."""
    claim = "Conclusion 3: ROS is a safer solution than weighted loss"
    study = "random over-sampling is likely a safer solution than weighted loss"
    rule = (
        "in every imbalanced setting run with both (model, rotation), among corrected settings "
        "only (ROS to 1/ρ above the data's, weight above 1), the one of each method with the "
        "lowest validation balanced accuracy is picked; ROS's has the higher test balanced "
        "accuracy (paired t over seeds)"
    )
    family = "one comparison per setting (Holm)"
    ros, weighted = corrected_by_method(points, "ros"), corrected_by_method(points, "weighted")
    shared = [key for key in ros if key in weighted and ros[key] and weighted[key]]
    comparisons = []
    for label, key in zip(labels([dict(k) for k in shared]), shared, strict=True):
        worst = {
            name: min(group[key], key=lambda p: p.mean(VAL_BAL_ACC))
            for name, group in (("ros", ros), ("weighted", weighted))
        }
        what = (
            f"{label}: ROS's worst on validation ({knob_text(worst['ros'])}) > weighted's "
            f"({knob_text(worst['weighted'])}), test balanced accuracy"
        )
        comparisons.append(
            versus(
                metric(worst["ros"], TEST_BAL_ACC),
                metric(worst["weighted"], TEST_BAL_ACC),
                "greater",
                what,
            )
        )
    return judge(claim, study, rule, family, comparisons)


def augmentation_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS and weighted loss help only with augmentation': for each
    method and model, the corrected setting best on validation beats no correction with
    rotation, and stays within ACCURACY_MARGIN of it without."""
    claim = "Sections 3.2–3.3: ROS and weighted loss help only with augmentation (rotation)"
    study = "ROS (and weighted loss) brought no improvement until rotation was added"
    rule = (
        "for each method and model, the corrected setting with the best validation balanced "
        "accuracy against no correction, on test balanced accuracy paired by seed: with rotation "
        f"above it (paired t); without rotation the same within ±{ACCURACY_MARGIN:g} (TOST): "
        "'no improvement'"
    )
    family = "every method × model × rotation (Holm)"
    baselines = {context(p.config, CORRECTION_KEYS): p for p in uncorrected_trainings(points)}
    comparisons = []
    for method in ("ros", "weighted"):
        for key, group in sorted(corrected_by_method(points, method).items(), key=str):
            if not group or key not in baselines:
                continue
            # Chosen on validation, never on test.
            best = max(group, key=lambda p: p.mean(VAL_BAL_ACC))
            config = dict(key)
            rotation = config.get("rotation", 0)
            where = describe(
                [("method", method), ("model", config.get("model")), ("rotation", rotation)]
            )
            corrected, none = metric(best, TEST_BAL_ACC), metric(baselines[key], TEST_BAL_ACC)
            if float(config.get("rotation", 0)) > 0:
                what = f"{where}: best on validation ({knob_text(best)}) > none"
                comparisons.append(versus(corrected, none, "greater", what))
            else:
                what = (
                    f"{where}: best on validation ({knob_text(best)}) vs none, within "
                    f"±{ACCURACY_MARGIN:g}"
                )
                comparisons.append(versus(corrected, none, "same", what, ACCURACY_MARGIN))
    return judge(claim, study, rule, family, comparisons)
