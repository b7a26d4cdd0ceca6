"""The study's claims about the correction methods: Fig. 7 (weighted loss on the CNN), Fig. 8
(weighted loss fails on the LSTM), Conclusion 3 (ROS is safer) and sections 3.2-3.3 (both
methods need augmentation). Each returns a three-way Verdict with the intervals behind it."""

from __future__ import annotations

from imbalance_lab.report.labels import describe, labels, rate_label
from imbalance_lab.report.points import (
    CORRECTION_KEYS,
    Point,
    context,
    group_by,
    is_imbalanced,
    is_uncorrected,
    uncorrected_trainings,
)
from imbalance_lab.report.runs import CORRECTED_METRICS, RATE_METRICS
from imbalance_lab.report.stats import Interval, is_number
from imbalance_lab.report.text import with_interval
from imbalance_lab.report.verdicts import Verdict, check, combine, no_data, tally

BAL = "test/bal_acc"
# The corrected setting a researcher would keep is chosen on validation, never by its test score.
VAL_BAL = "val/bal_acc"
# "Little effect" on the LSTM: its drop of p_I->A over the weight grid is under this share of
# the CNN's drop (the study shows no numbers, only flat curves).
LITTLE_EFFECT = 0.5
ZERO = Interval(0.0, 0.0, 0.0, 0, "exact")


def _rates(corrected: bool) -> tuple[str, str]:
    """Returns the names of p_I→A and p_A→I, raw or per class."""
    names = CORRECTED_METRICS if corrected else RATE_METRICS
    return names[1], names[2]


def _weight_series(points: list[Point], model: str | None = None) -> dict[tuple, list[Point]]:
    """Returns the weighted-loss points with a numeric weight grouped by everything but the
    weight (and the model when model is None), sorted by weight; groups of two or more."""

    def keep(c: dict) -> bool:
        """Returns whether c is a weighted-loss setting of the model with a numeric weight."""
        return (
            c.get("method") == "weighted"
            and is_number(c.get("weight"))
            and (model is None or c.get("model") == model)
        )

    drop = ("weight",) if model else ("weight", "model")
    return {
        key: sorted(group, key=lambda p: float(p.config["weight"]))
        for key, group in group_by(points, drop, keep).items()
        if len(group) > 1
    }


def weighted_cnn(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on Fig. 7: on the CNN, weighted loss narrows p_I→A − p_A→I from the
    smallest to the largest weight, and at the largest weight p_A→I exceeds p_I→A."""
    i_a, a_i = _rates(corrected)
    claim = "Fig. 7: weighted loss narrows p_I→A − p_A→I on the CNN; a high weight reverses it"
    study = "weighted loss narrows p_I→A − p_A→I on the CNN; a high enough weight reverses them"
    rule = (
        f"in every CNN weight series, the gap {rate_label(i_a)} − {rate_label(a_i)} at the "
        f"smallest weight lies above the gap at the largest, and at the largest weight "
        f"{rate_label(a_i)} lies above {rate_label(i_a)}"
    )
    series = _weight_series(points, "cnn")
    if not series:
        return no_data(claim, rule, study, "no weighted-loss series over the weight for the CNN")
    outcomes, evidence, per_series = [], [], []
    for label, group in zip(labels([dict(k) for k in series]), series.values(), strict=True):
        low, high = group[0], group[-1]
        steps = [
            check(
                f"gap at weight {low.config['weight']}",
                low.difference(i_a, a_i),
                f"at {high.config['weight']}",
                high.difference(i_a, a_i),
            ),
            check(
                f"{rate_label(a_i)} at weight {high.config['weight']}",
                high.estimate(a_i),
                rate_label(i_a),
                high.estimate(i_a),
            ),
        ]
        per_series.append(combine([o for o, _ in steps]))
        outcomes += [o for o, _ in steps]
        evidence.append(f"{label}: " + "; ".join(t for _, t in steps))
    here = tally(per_series, "series")
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def lstm_weighting_claim(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on Fig. 8, 'weighted loss fails on the LSTM': the drop of p_I→A
    from the smallest to the largest weight, LSTM against CNN."""
    metric = _rates(corrected)[0]
    claim = "Fig. 8: weighted loss fails on the LSTM"
    study = "weighted loss simply failed to take effect on the RNN"
    rule = (
        f"in every setting, the CNN's drop of {rate_label(metric)} from the smallest to the "
        f"largest weight lies above 0, and {LITTLE_EFFECT:g} × the CNN's drop lies above the "
        "LSTM's (drops bounded by interval arithmetic)"
    )
    pairs = {}
    for key, group in _weight_series(points).items():
        by_model = {m: [p for p in group if p.config["model"] == m] for m in ("cnn", "rnn")}
        if all(len(s) > 1 for s in by_model.values()):
            pairs[key] = by_model
    if not pairs:
        return no_data(claim, rule, study, "no setting with a weight grid for both models")
    outcomes, evidence, per_setting = [], [], []
    for label, by_model in zip(labels([dict(k) for k in pairs]), pairs.values(), strict=True):
        drops = {}
        for model, name in (("cnn", "CNN"), ("rnn", "LSTM")):
            low, high = by_model[model][0], by_model[model][-1]
            before, after = low.estimate(metric), high.estimate(metric)
            drops[model] = before.minus(after) if before and after else None
            evidence.append(
                f"{label}, {name}: {rate_label(metric)} {with_interval(before)} at weight "
                f"{low.config['weight']} → {with_interval(after)} at {high.config['weight']} "
                f"(drop {with_interval(drops[model])})"
            )
        cnn = drops["cnn"]
        steps = [
            check("CNN drop", cnn, "zero", ZERO),
            check(
                f"{LITTLE_EFFECT:g} × CNN drop",
                cnn and cnn.scaled(LITTLE_EFFECT),
                "LSTM drop",
                drops["rnn"],
            ),
        ]
        per_setting.append(combine([o for o, _ in steps]))
        outcomes += [o for o, _ in steps]
        evidence.append(f"{label}: " + "; ".join(t for _, t in steps))
    here = tally(per_setting)
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def conclusion_3(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS is safer than weighted loss' (worst case over each grid)."""
    claim = "Conclusion 3: ROS is a safer solution than weighted loss"
    study = "random over-sampling is likely a safer solution than weighted loss"
    rule = (
        "in every imbalanced setting run with both, the balanced accuracy of ROS's worst grid "
        "point lies above that of the weighted loss's worst grid point"
    )
    groups = group_by(points, CORRECTION_KEYS, lambda c: c.get("method") in ("ros", "weighted"))
    both = {}
    for key, group in groups.items():
        methods = {m: [p for p in group if p.config["method"] == m] for m in ("ros", "weighted")}
        if all(methods.values()) and is_imbalanced(dict(key)):
            both[key] = methods
    if not both:
        return no_data(claim, rule, study, "no setting run with both ROS and weighted loss")
    outcomes, evidence = [], []
    for label, methods in zip(labels([dict(k) for k in both]), both.values(), strict=True):
        worst = {m: min(g, key=lambda p: p.mean(BAL)) for m, g in methods.items()}
        outcome, text = check(
            f"ROS's worst ({describe([('inv_rho', worst['ros'].config.get('inv_rho'))])})",
            worst["ros"].estimate(BAL),
            f"weighted's worst (weight={worst['weighted'].config.get('weight')})",
            worst["weighted"].estimate(BAL),
        )
        outcomes.append(outcome)
        evidence.append(f"{label}, balanced accuracy: {text}")
    here = tally(outcomes)
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def augmentation_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS and weighting help only with augmentation'."""
    claim = "Sections 3.2–3.3: ROS and weighted loss help only with augmentation (rotation)"
    study = "ROS (and weighted loss) brought no improvement until rotation was added"
    rule = (
        "for each method and model, the test balanced accuracy of the corrected setting with the "
        "best validation balanced accuracy lies above no correction's with rotation, and below "
        "it without rotation (overlap: undecided; grids without a validation split: no data)"
    )
    baselines = {context(p.config, CORRECTION_KEYS): p for p in uncorrected_trainings(points)}
    cases: dict[tuple, dict[float, tuple[Point, Point]]] = {}
    for method in ("ros", "weighted"):
        is_treated = lambda c, m=method: c.get("method") == m and not is_uncorrected(c)  # noqa: E731
        treated = group_by(points, CORRECTION_KEYS, is_treated)
        for key, group in treated.items():
            validated = [p for p in group if p.values(VAL_BAL)]
            if validated and key in baselines and is_imbalanced(dict(key)):
                case = (method, *[(k, v) for k, v in key if k != "rotation"])
                best = max(validated, key=lambda p: p.mean(VAL_BAL))
                cases.setdefault(case, {})[dict(key).get("rotation", 0)] = (best, baselines[key])
    complete = {k: v for k, v in cases.items() if 0 in v and any(r > 0 for r in v)}
    if not complete:
        why = (
            "no method run with a validation split, with and without rotation, each beside an "
            "uncorrected run"
        )
        return no_data(claim, rule, study, why)
    outcomes, evidence = [], []
    names = labels([dict(k[1:]) for k in complete])
    for label, (case, by_rotation) in zip(names, complete.items(), strict=True):
        knob = "inv_rho" if case[0] == "ros" else "weight"
        for rotation, (best, base) in sorted(by_rotation.items()):
            corrected = f"best on validation ({knob} {best.config[knob]})"
            if rotation > 0:  # helps: the best corrected point above no correction
                outcome, text = check(corrected, best.estimate(BAL), "none", base.estimate(BAL))
            else:  # does not help: no correction above the best corrected point
                outcome, text = check("none", base.estimate(BAL), corrected, best.estimate(BAL))
            outcomes.append(outcome)
            evidence.append(
                f"{describe([('method', case[0])])}, {label}, rotation ±{rotation}°, balanced "
                f"accuracy: {text}"
            )
    here = tally(outcomes, "comparisons")
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)
