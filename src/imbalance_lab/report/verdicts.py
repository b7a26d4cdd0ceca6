"""Three-way verdicts: a claim holds when every comparison it makes holds with 95% intervals
apart, does not hold when one comparison goes the other way with intervals apart, and is
undecided otherwise (intervals overlap, or one seed gave no interval)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from imbalance_lab.report.stats import Interval, no_value
from imbalance_lab.report.text import with_interval

HOLDS, FAILS, UNDECIDED, NO_DATA = "holds", "does not hold", "undecided", "not enough data"
VERDICTS = (HOLDS, FAILS, UNDECIDED, NO_DATA)


@dataclass
class Verdict:
    """A claim, its verdict, the rule that decided it and the numbers behind it; study: what the
    study says, here: this project's numbers in one line (the study-vs-here table)."""

    claim: str
    verdict: str
    rule: str
    evidence: list[str]
    study: str = ""
    here: str = ""


def no_data(claim: str, rule: str, study: str, why: str) -> Verdict:
    """Returns the verdict of a claim nothing in the sweeps can test."""
    return Verdict(claim, NO_DATA, rule, [why], study=study, here=why)


def compare(larger: Interval | None, smaller: Interval | None) -> str:
    """Returns HOLDS when larger's 95% interval lies wholly above smaller's, FAILS when wholly
    below, UNDECIDED when they overlap or one has no bounds, NO_DATA when a mean is missing."""
    if larger is None or smaller is None or no_value(larger.mean) or no_value(smaller.mean):
        return NO_DATA
    if larger.above(smaller):
        return HOLDS
    if smaller.above(larger):
        return FAILS
    return UNDECIDED


def combine(outcomes: list[str]) -> str:
    """Returns the verdict of a claim made of these comparisons: FAILS when one fails, HOLDS
    when all hold, NO_DATA when none could be made, UNDECIDED otherwise."""
    if all(o == NO_DATA for o in outcomes):
        return NO_DATA
    if FAILS in outcomes:
        return FAILS
    return HOLDS if all(o == HOLDS for o in outcomes) else UNDECIDED


def check(
    left: str, larger: Interval | None, right: str, smaller: Interval | None
) -> tuple[str, str]:
    """Returns (outcome, text) of the comparison 'left > right', the text with both intervals."""
    outcome = compare(larger, smaller)
    return outcome, f"{left} {with_interval(larger)} > {right} {with_interval(smaller)}: {outcome}"


def tally(outcomes: list[str], what: str = "settings") -> str:
    """Returns 'holds in 2 of 3 settings, undecided in 1' for per-setting outcomes."""
    counts = Counter(outcomes)
    parts = [f"{v} in {counts[v]}" for v in VERDICTS if counts[v]]
    return f"of {len(outcomes)} {what}: " + ", ".join(parts)
