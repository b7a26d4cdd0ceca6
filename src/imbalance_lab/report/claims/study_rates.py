"""The study's claims about the four p-rates: Fig. 4 (what imbalance does), Conclusion 1 (their
order), Figs. 5-6 (ROS narrows p_I→A − p_A→I) and Conclusion 2 (ROS to 1/ρ = 1). Each states
its comparisons; the engine tests them (paired by seed) and corrects over the claim."""

from __future__ import annotations

from itertools import pairwise

from imbalance_lab.metrics.names import TEST_BAL_ACC
from imbalance_lab.report.claims.study_settings import (
    RATE_MARGIN,
    is_imbalanced,
    rate_margin,
    uncorrected_trainings,
)
from imbalance_lab.report.engine.measures import metric, trend
from imbalance_lab.report.engine.points import Point, group_by
from imbalance_lab.report.engine.runs import CORRECTED_METRICS, RATE_METRICS
from imbalance_lab.report.engine.verdicts import Verdict, against, judge, versus
from imbalance_lab.report.labels import PRETTY, labels, rate_label

I_I, I_A, A_I, A_A = range(4)  # positions of p_I→I, p_I→A, p_A→I, p_A→A in RATE_METRICS


def rate_names(per_class: bool) -> tuple[str, ...]:
    """Returns the four rates' metric names, raw or per class."""
    return CORRECTED_METRICS if per_class else RATE_METRICS


def series(points: list[Point], knob: str, keep) -> dict[tuple, list[Point]]:
    """Returns the points that pass keep grouped by everything but knob, each group sorted by
    knob and kept only with two or more values of it."""
    groups = group_by(points, (knob,), keep)
    return {
        key: sorted(group, key=lambda p: float(p.config[knob]))
        for key, group in groups.items()
        if len(group) > 1
    }


def imbalance_effect(points: list[Point], per_class: bool = False) -> Verdict:
    """Returns the verdict on Fig. 4: at every ρ > 1 without correction, p_I→I and p_I→A lie
    above their ρ = 1 values, and p_A→I and p_A→A stay within RATE_MARGIN of theirs."""
    names = rate_names(per_class)
    claim = "Fig. 4: imbalance raises p_I→I and p_I→A, not p_A→I and p_A→A"
    study = "p_I→I and p_I→A rise a lot with imbalance; p_A→I and p_A→A stay almost the same"
    rule = (
        "in each uncorrected series over ρ that starts at ρ = 1 (each model, minority set "
        "{0..4}), at every ρ > 1: p_I→I and p_I→A above their ρ = 1 values (paired t over "
        f"seeds), p_A→I and p_A→A the same within ±{RATE_MARGIN:g} (per class: divided by the "
        "wrong classes a rate can land in; TOST, paired)"
    )
    family = "every comparison of every series and ρ (Holm)"
    keep = lambda c: "rho" in c and "partition" not in c  # noqa: E731
    found = series(uncorrected_trainings(points), "rho", keep)
    found = {k: g for k, g in found.items() if float(g[0].config["rho"]) == 1}
    comparisons = []
    for label, group in zip(labels([dict(k) for k in found]), found.values(), strict=True):
        balanced = group[0]
        for point in group[1:]:
            where = f"{label}, ρ={point.config['rho']:g} vs ρ=1"
            for i in range(4):
                after, before = metric(point, names[i]), metric(balanced, names[i])
                what = f"{where}: {rate_label(names[i])}"
                if i in (I_I, I_A):
                    comparisons.append(versus(after, before, "greater", f"{what} rises"))
                else:
                    margin = rate_margin(names[i], point)
                    same = f"{what} stays within ±{margin:.4g}"
                    comparisons.append(versus(after, before, "same", same, margin))
    return judge(claim, study, rule, family, comparisons)


def chain(point: Point, names: tuple[str, ...], where: str) -> list:
    """Returns the three comparisons of p_I→I > p_I→A > p_A→I > p_A→A at one point, each pair
    of rates paired by seed (both rates come from the same runs)."""
    return [
        versus(
            metric(point, a),
            metric(point, b),
            "greater",
            f"{where}: {rate_label(a)} > {rate_label(b)}",
        )
        for a, b in pairwise(names)
    ]


def conclusion_1(points: list[Point], per_class: bool = False) -> Verdict:
    """Returns the verdict on p_I→I > p_I→A > p_A→I > p_A→A for imbalanced, uncorrected points
    (minority set {0..4}; the random sets: claims/partitions.py)."""
    names = rate_names(per_class)
    claim = "Conclusion 1: " + " > ".join(rate_label(m) for m in RATE_METRICS)
    study = "it's almost sure that p_I→I > p_I→A > p_A→I > p_A→A on imbalanced data"
    rule = (
        "in every imbalanced setting (ρ > 1) trained without correction (method none, weight "
        "1, or ROS no further than 1/ρ; minority set {0..4}), each rate above the next (paired "
        "t over seeds: both rates come from the same runs)"
    )
    family = "the three steps of the chain in every setting (Holm)"
    chosen = [
        p
        for p in uncorrected_trainings([p for p in points if is_imbalanced(p.config)])
        if "partition" not in p.config
    ]
    comparisons = []
    for label, point in zip(labels([p.config for p in chosen]), chosen, strict=True):
        comparisons += chain(point, names, label)
    return judge(claim, study, rule, family, comparisons)


def ros_gap(points: list[Point], model: str, rotation: float, per_class: bool = False) -> Verdict:
    """Returns the verdict on Fig. 5 (CNN) or Fig. 6 (LSTM) at one rotation: over each ROS
    series, the gap p_I→A − p_A→I falls as 1/ρ grows (its per-seed slope over the whole grid
    lies below 0)."""
    names = rate_names(per_class)
    figure = "Fig. 5" if model == "cnn" else "Fig. 6"
    gap = f"{rate_label(names[I_A])} − {rate_label(names[A_I])}"
    setting = "with rotation ±25° (the study's)" if rotation else "without rotation"
    claim = f"{figure}: ROS narrows p_I→A − p_A→I as 1/ρ grows ({PRETTY[model]}, {setting})"
    study = f"ROS bridges p_I→A − p_A→I with increasing 1/ρ ({PRETTY[model]})"
    rule = (
        f"in every ROS series over 1/ρ of the {PRETTY[model]} {setting}, the least-squares "
        f"slope of {gap} over all 1/ρ of the grid, one per seed, lies below 0 (one-sample t)"
    )
    family = "one slope per series (Holm)"
    keep = lambda c: (  # noqa: E731
        c.get("method") == "ros"
        and c.get("model") == model
        and float(c.get("rotation", 0)) == rotation
    )
    found = series(points, "inv_rho", keep)
    comparisons = []
    for label, group in zip(labels([dict(k) for k in found]), found.values(), strict=True):
        gaps = [
            (float(p.config["inv_rho"]), metric(p, names[I_A]) - metric(p, names[A_I]))
            for p in group
        ]
        slope = trend(f"slope of {gap} over 1/ρ", gaps)
        grid = ", ".join(f"{x:g}" for x, _ in gaps)
        comparisons.append(
            against(slope, 0.0, "less", f"{label}: slope of {gap} over 1/ρ = {grid}")
        )
    return judge(claim, study, rule, family, comparisons)


def conclusion_2(points: list[Point], rotation: float) -> Verdict:
    """Returns the verdict on 'ROS is best carried out to 1/ρ = 1' (balanced accuracy) at one
    rotation."""
    setting = "with rotation ±25° (the study's)" if rotation else "without rotation"
    claim = f"Conclusion 2: ROS works best when carried out to 1/ρ = 1 ({setting})"
    study = "ROS should be carried out until all classes are evenly distributed (ρ ≈ 1)"
    rule = (
        f"in every ROS series over 1/ρ {setting} that includes 1, the test balanced accuracy "
        "at 1/ρ = 1 lies above that at every other 1/ρ (paired t over seeds)"
    )
    family = "the comparisons of 1/ρ = 1 with each other 1/ρ, every series (Holm)"
    keep = lambda c: c.get("method") == "ros" and float(c.get("rotation", 0)) == rotation  # noqa: E731
    found = {
        k: g
        for k, g in series(points, "inv_rho", keep).items()
        if float(g[-1].config["inv_rho"]) == 1
    }
    comparisons = []
    for label, group in zip(labels([dict(k) for k in found]), found.values(), strict=True):
        full = metric(group[-1], TEST_BAL_ACC)
        for point in group[:-1]:
            what = f"{label}: balanced accuracy at 1/ρ=1 > at 1/ρ={point.config['inv_rho']:g}"
            comparisons.append(versus(full, metric(point, TEST_BAL_ACC), "greater", what))
    return judge(claim, study, rule, family, comparisons)
