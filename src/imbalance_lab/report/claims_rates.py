"""The study's claims about the four p-rates: Fig. 4 (what imbalance does), Conclusion 1 (their
order), Figs. 5-6 (ROS narrows p_I→A − p_A→I) and Conclusion 2 (ROS to 1/ρ = 1). Each takes the
grid points and returns a three-way Verdict with the intervals behind it."""

from __future__ import annotations

from itertools import pairwise

from imbalance_lab.report.labels import PRETTY, labels, rate_label
from imbalance_lab.report.points import Point, group_by, is_imbalanced, uncorrected_trainings
from imbalance_lab.report.runs import CORRECTED_METRICS, RATE_METRICS
from imbalance_lab.report.text import with_interval
from imbalance_lab.report.verdicts import Verdict, check, combine, no_data, tally

BAL = "test/bal_acc"
I_I, I_A, A_I, A_A = range(4)  # positions of p_I→I, p_I→A, p_A→I, p_A→A in RATE_METRICS


def _names(corrected: bool) -> tuple[str, ...]:
    """Returns the four rates' metric names, raw or per class."""
    return CORRECTED_METRICS if corrected else RATE_METRICS


def _series(points: list[Point], knob: str, keep) -> dict[tuple, list[Point]]:
    """Returns the points that pass keep grouped by everything but knob, each group sorted by
    knob and kept only with two or more values of it."""
    groups = group_by(points, (knob,), keep)
    return {
        key: sorted(group, key=lambda p: float(p.config[knob]))
        for key, group in groups.items()
        if len(group) > 1
    }


def imbalance_effect(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on Fig. 4: from ρ = 1 to the largest ρ (no correction), p_I→I and
    p_I→A rise, and each rises more than the majority rate it is paired with."""
    names = _names(corrected)
    study = "p_I→I and p_I→A rise a lot with imbalance; p_A→I and p_A→A stay almost the same"
    claim = "Fig. 4: imbalance raises p_I→I and p_I→A, not p_A→I and p_A→A"
    rule = (
        "for each setting without correction (method none), from ρ = 1 to the largest ρ: p_I→I "
        "and p_I→A rise (intervals apart), and the rise of p_I→I exceeds that of p_A→A, the "
        "rise of p_I→A that of p_A→I (rises bounded by interval arithmetic)"
    )
    series = _series(points, "rho", lambda c: c.get("method") == "none" and "rho" in c)
    series = {k: g for k, g in series.items() if float(g[0].config["rho"]) == 1}
    if not series:
        return no_data(claim, rule, study, "no series over ρ from ρ = 1 without correction")
    outcomes, evidence, per_setting = [], [], []
    for label, group in zip(labels([dict(k) for k in series]), series.values(), strict=True):
        low, high = group[0], group[-1]
        before, after = ([p.estimate(m) for m in names] for p in (low, high))
        rise = [a.minus(b) if a and b else None for a, b in zip(after, before, strict=True)]
        where = f"ρ={high.config['rho']:g} vs ρ=1"
        steps = [
            check(
                f"{rate_label(names[i])} at ρ={high.config['rho']:g}", after[i], "at ρ=1", before[i]
            )
            for i in (I_I, I_A)
        ] + [
            check(f"rise of {rate_label(names[i])}", rise[i], f"of {rate_label(names[j])}", rise[j])
            for i, j in ((I_I, A_A), (I_A, A_I))
        ]
        per_setting.append(combine([o for o, _ in steps]))
        outcomes += [o for o, _ in steps]
        evidence.append(
            f"{label} ({where}, n={low.n} and {high.n}): " + "; ".join(t for _, t in steps)
        )
    here = tally(per_setting, "series")
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def conclusion_1(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on p_I→I > p_I→A > p_A→I > p_A→A for imbalanced, uncorrected points."""
    names = _names(corrected)
    claim = "Conclusion 1: " + " > ".join(rate_label(m) for m in RATE_METRICS)
    study = "it's almost sure that p_I→I > p_I→A > p_A→I > p_A→A on imbalanced data"
    rule = (
        "in every imbalanced setting (ρ > 1) trained without correction (method none, weight "
        "1, or ROS no further than 1/ρ), each rate's interval lies above the next one's"
    )
    # weight 1 and ROS to the data's own 1/ρ train what method none trains: one setting each
    chosen = uncorrected_trainings([p for p in points if is_imbalanced(p.config)])
    chosen = [p for p in chosen if all(p.values(m) for m in names)]  # older runs lack per-class
    if not chosen:
        return no_data(claim, rule, study, "no finished run with ρ > 1 and no correction")
    outcomes, evidence, per_setting = [], [], []
    for label, point in zip(labels([p.config for p in chosen]), chosen, strict=True):
        estimates = [point.estimate(m) for m in names]
        pairs = pairwise(zip(names, estimates, strict=True))
        steps = [check(a, x, b, y)[0] for (a, x), (b, y) in pairs]
        per_setting.append(combine(steps))
        outcomes += steps
        rates = ", ".join(
            f"{rate_label(m)} {with_interval(e)}" for m, e in zip(names, estimates, strict=True)
        )
        evidence.append(f"{label} (n={point.n}): {rates}: {per_setting[-1]}")
    here = tally(per_setting)
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def ros_gap(points: list[Point], model: str, corrected: bool = False) -> Verdict:
    """Returns the verdict on Fig. 5 (CNN) or Fig. 6 (LSTM): over each ROS series, the gap
    p_I→A − p_A→I at the smallest 1/ρ exceeds the gap at the largest."""
    names = _names(corrected)
    figure = "Fig. 5" if model == "cnn" else "Fig. 6"
    gap = f"{rate_label(names[I_A])} − {rate_label(names[A_I])}"
    claim = f"{figure}: ROS narrows p_I→A − p_A→I as 1/ρ grows ({PRETTY[model]})"
    study = f"ROS bridges p_I→A − p_A→I with increasing 1/ρ ({PRETTY[model]})"
    rule = (
        f"in every ROS series over 1/ρ of the {PRETTY[model]}, the gap {gap} at the smallest "
        "1/ρ lies above the gap at the largest (gaps: t over the seeds' paired differences)"
    )
    keep = lambda c: c.get("method") == "ros" and c.get("model") == model  # noqa: E731
    series = _series(points, "inv_rho", keep)
    if not series:
        return no_data(claim, rule, study, f"no ROS series over 1/ρ for the {PRETTY[model]}")
    outcomes, evidence = [], []
    for label, group in zip(labels([dict(k) for k in series]), series.values(), strict=True):
        first, last = group[0], group[-1]
        outcome, text = check(
            f"gap at 1/ρ={first.config['inv_rho']}",
            first.difference(names[I_A], names[A_I]),
            f"at 1/ρ={last.config['inv_rho']}",
            last.difference(names[I_A], names[A_I]),
        )
        outcomes.append(outcome)
        evidence.append(f"{label}: {gap}: {text}")
    here = tally(outcomes, "series")
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)


def conclusion_2(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS is best carried out to 1/rho = 1' (balanced accuracy)."""
    claim = "Conclusion 2: ROS works best when carried out to 1/ρ = 1"
    study = "ROS should be carried out until all classes are evenly distributed (ρ ≈ 1)"
    rule = (
        "in every ROS series over 1/ρ that includes 1, the balanced accuracy at 1/ρ = 1 lies "
        "above that at every other 1/ρ"
    )
    keep = lambda c: c.get("method") == "ros"  # noqa: E731
    series = {
        k: g
        for k, g in _series(points, "inv_rho", keep).items()
        if float(g[-1].config["inv_rho"]) == 1
    }
    if not series:
        return no_data(claim, rule, study, "no ROS series with 1/ρ = 1 and another 1/ρ")
    outcomes, evidence, per_series = [], [], []
    for label, group in zip(labels([dict(k) for k in series]), series.values(), strict=True):
        full = group[-1]
        steps = [
            check("at 1/ρ=1", full.estimate(BAL), f"at 1/ρ={p.config['inv_rho']}", p.estimate(BAL))
            for p in group[:-1]
        ]
        per_series.append(combine([o for o, _ in steps]))
        outcomes += [o for o, _ in steps]
        evidence.append(f"{label}, balanced accuracy: " + "; ".join(t for _, t in steps))
    here = tally(per_series, "series")
    return Verdict(claim, combine(outcomes), rule, [here, *evidence], study=study, here=here)
