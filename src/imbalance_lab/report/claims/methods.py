"""The methods' ranking (experiment=methods, experiment=buda) as paired comparisons: in each
setting several methods share (model, ρ, ...), every method against no correction, and against
the method best on validation, on test balanced accuracy paired by seed; Holm's correction over
the methods of the setting. A second claim set on the same engine as the study's."""

from __future__ import annotations

from dataclasses import dataclass

from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.metrics.names import TEST_BAL_ACC, VAL_BAL_ACC
from imbalance_lab.report.claims.study_settings import is_uncorrected, uncorrected_trainings
from imbalance_lab.report.engine.measures import metric
from imbalance_lab.report.engine.points import Point, group_by
from imbalance_lab.report.engine.runs import unowned_settings
from imbalance_lab.report.engine.stats import is_number
from imbalance_lab.report.engine.verdicts import Verdict, judge, versus


@dataclass
class MethodGroup:
    """The methods of one shared setting: each against none, and against the best on
    validation (None without validation), each a family of its own."""

    context: tuple
    points: list[Point]
    versus_none: Verdict | None
    best: Point | None
    versus_best: Verdict | None


def method_groups(points: list[Point]) -> dict[tuple, list[Point]]:
    """Returns the points grouped by everything but the method, keeping groups where at least
    two methods compete. Weight 1 or ROS to the data's own 1/rho is method none under another
    name: it joins none's runs instead of ranking as a method of its own."""
    corrected = [p for p in points if not is_uncorrected(p.config)]
    # Each point keeps only its own method's settings (ROS its inv_rho, ...): they are no part
    # of what the methods share.
    drop = ("method", *sorted(unowned_settings(None)))
    groups = group_by(corrected + uncorrected_trainings(points), drop=drop)
    return {
        key: group
        for key, group in groups.items()
        if len({p.config.get("method") for p in group}) >= 2
    }


def method_label(point: Point, group: list[Point]) -> str:
    """Returns the method's name, with its own settings where the group holds it more than
    once (ROS to two targets: 'ros (inv_rho=0.5)')."""
    method = str(point.config["method"])
    if sum(p.config.get("method") == method for p in group) == 1:
        return method
    own = set(METHODS[method].settings) if method in METHODS else set()
    shown = [
        f"{k.removeprefix('imbalance.')}={v:g}" if is_number(v) else f"{k}={v}"
        for k, v in sorted(point.config.items())
        if k.removeprefix("imbalance.") in own
    ]
    return f"{method} ({', '.join(shown)})"


AGAINST_NONE = (
    "against no correction",
    "each method's test balanced accuracy against none's (paired t over seeds)",
)
AGAINST_BEST = (
    "against the best on validation",
    "the test balanced accuracy of the method best on validation balanced accuracy against each "
    "other method's (paired t over seeds)",
)


def _against(reference: Point | None, ordered: list[Point], above: bool, title) -> Verdict | None:
    """Returns every other method compared with the reference point (None without one): the
    method above the reference when `above`, else the reference above the method; Holm over
    the methods of the setting."""
    if reference is None:
        return None
    comparisons = []
    for point in (p for p in ordered if p is not reference):
        first, second = (point, reference) if above else (reference, point)
        label = method_label(point, ordered)
        comparisons.append(
            versus(metric(first, TEST_BAL_ACC), metric(second, TEST_BAL_ACC), "greater", label)
        )
    return judge(title[0], "", title[1], "every method of this setting (Holm)", comparisons)


def rank(points: list[Point]) -> list[MethodGroup]:
    """Returns every shared setting's paired comparisons, methods best on test mean first."""
    found = []
    for context, group in method_groups(points).items():
        ordered = sorted(group, key=lambda p: -p.mean(TEST_BAL_ACC))
        none = next((p for p in group if p.config.get("method") == "none"), None)
        validated = [p for p in group if p.values(VAL_BAL_ACC)]
        best = max(validated, key=lambda p: p.mean(VAL_BAL_ACC)) if validated else None
        versus_none = _against(none, ordered, True, AGAINST_NONE)
        versus_best = _against(best, ordered, False, AGAINST_BEST)
        found.append(MethodGroup(context, ordered, versus_none, best, versus_best))
    return found
