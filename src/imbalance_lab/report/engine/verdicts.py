"""Comparisons and verdicts: the one engine every claim goes through.

A claim makes comparisons, each between two measures (or a measure and a constant) in a
stated direction: 'greater', 'less', or 'same' within a margin. The engine picks the test the
design allows: paired t over the seeds two measures share, Welch's t where they share none,
TOST for 'same'. The claim's comparisons are its family: Holm's correction runs over all of
their p-values, so the chance of any false finding in the claim stays at most 5%. A comparison
supports the claim when its corrected test is significant in the claim's direction (for
'same': equivalence), contradicts it when significant the other way (for 'same': a change
beyond the margin), and is undecided otherwise. A claim holds when every comparison supports
it, does not hold when one contradicts it, and is undecided otherwise; then the power of its
undecided comparisons, at the observed effect and spread, says how many seeds would likely
decide it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from imbalance_lab.report.engine import inference
from imbalance_lab.report.engine.inference import ALPHA, TestResult
from imbalance_lab.report.engine.measures import Measure, shared_seeds

HOLDS, FAILS, UNDECIDED, NO_DATA = "holds", "does not hold", "undecided", "not enough data"
VERDICTS = (HOLDS, FAILS, UNDECIDED, NO_DATA)
SUPPORTS, CONTRADICTS, OPEN, UNTESTED = "supports", "contradicts", "undecided", "no test"
EXPECTS = ("greater", "less", "same")


@dataclass
class Comparison:
    """One comparison: first against second (a measure, or a constant), the direction the claim
    expects, the test made (None when the seeds allow none: `why` says so), and what the
    family's correction decided."""

    label: str
    expect: str
    result: TestResult | None
    why: str = ""
    # What the estimate is compared with: 0 for a difference, the constant of against().
    reference: float = 0.0
    p_adjusted: float | None = None
    outcome: str = UNTESTED
    seeds: int | None = None  # seeds that would likely decide it (undecided ones only)

    def hypotheses(self) -> list[float]:
        """Returns the p-value this comparison adds to its family (none without a test). 'same'
        asks two one-directional questions (inside the margin, or beyond it): its p is the
        smaller of the two doubled (Bonferroni within the comparison), one entry in the family."""
        if self.result is None:
            return []
        if self.expect == "same":
            return [min(1.0, 2 * min(self.result.p, self.result.p_beyond))]
        return [self.result.p]


def versus(
    first: Measure, second: Measure, expect: str, label: str, margin: float | None = None
) -> Comparison:
    """Returns the comparison 'first is <expect> second': paired over their shared seeds (two
    or more), else Welch's t when they share none (not for 'same': equivalence needs pairs)."""
    _check(expect, margin)
    seeds = shared_seeds(first, second)
    if len(seeds) >= 2:
        a, b = first.values(seeds), second.values(seeds)
        if expect == "same":
            result = inference.tost([x - y for x, y in zip(a, b, strict=True)], margin)
        else:
            result = inference.paired(a, b)
        return Comparison(label, expect, result)
    if not seeds and first.n >= 2 and second.n >= 2 and expect != "same":
        return Comparison(label, expect, inference.welch(first.values(), second.values()))
    why = f"seeds {first.n} and {second.n}, {len(seeds)} shared: no test"
    return Comparison(label, expect, None, why)


def against(
    measure: Measure,
    value: float,
    expect: str,
    label: str,
    margin: float | None = None,
    bounds: tuple[float, float] | None = None,
) -> Comparison:
    """Returns the comparison 'measure is <expect> value' (a constant), over its seeds; bounds:
    the range of the measure (an accuracy's (0, 1)), to which its interval is cut (a seed that
    diverged carries a 3-seed t-interval of accuracies to [-0.83, 1.60])."""
    _check(expect, margin)
    if measure.n < 2:
        return Comparison(label, expect, None, f"{measure.n} seed: no test")
    values = [v - value for v in measure.values()]
    if expect == "same":
        return Comparison(label, expect, inference.tost(values, margin))  # a difference
    result = inference.one_sample(values)
    low, high = result.low + value, result.high + value
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    shifted = TestResult(
        result.test, result.n, result.estimate + value, low, high, result.p, result.sd
    )
    return Comparison(label, expect, shifted, reference=value)


def exactly(first: float, second: float, expect: str, label: str) -> Comparison:
    """Returns the comparison of two exact numbers (no noise: a parameter count): decided by
    their difference alone (p 0 when it lies in the expected or the other direction, 1 at 0)."""
    _check(expect, None)
    difference = first - second
    result = TestResult("exact", 1, difference, difference, difference, float(difference == 0), 0.0)
    return Comparison(label, expect, result)


def _check(expect: str, margin: float | None) -> None:
    if expect not in EXPECTS:
        raise ValueError(f"expect must be one of {EXPECTS}, got {expect!r}")
    if (expect == "same") != (margin is not None):
        raise ValueError("a margin goes with expect='same', and only with it")


def _effect(comparison: Comparison) -> float:
    """Returns the estimate's distance from what it is compared with."""
    return comparison.result.estimate - comparison.reference


def _decide(comparison: Comparison) -> str:
    """Returns the comparison's outcome from its corrected p-values."""
    if comparison.result is None:
        return UNTESTED
    if comparison.expect == "same":
        if comparison.p_adjusted >= ALPHA:
            return OPEN
        inside = comparison.result.p <= comparison.result.p_beyond  # which question decided
        return SUPPORTS if inside else CONTRADICTS
    if comparison.p_adjusted >= ALPHA:
        return OPEN
    effect = _effect(comparison)
    wanted = effect > 0 if comparison.expect == "greater" else effect < 0
    return SUPPORTS if wanted else CONTRADICTS


def _seeds(comparison: Comparison, alpha: float) -> int | None:
    """Returns the seeds at which the undecided comparison's test would likely (POWER) become
    significant at level alpha, given its observed effect and spread; None beyond MOST_SEEDS."""
    result, effect = comparison.result, _effect(comparison)
    # Welch with n seeds a side: its standard error is that of a paired test with sd √2.
    spread = result.sd * (math.sqrt(2) if result.test == "Welch t" else 1)
    if comparison.expect != "same":
        return inference.seeds_needed(lambda n: inference.t_power(effect, spread, n, alpha))
    margin = result.margin
    if abs(effect) < margin:
        power = lambda n: inference.tost_power(effect, spread, margin, n, alpha)  # noqa: E731
    else:  # beyond the margin: how soon the one-sided test of a larger change rejects
        power = lambda n: inference.t_power(abs(effect) - margin, spread, n, 2 * alpha)  # noqa: E731
    return inference.seeds_needed(power)


@dataclass
class Verdict:
    """A claim's verdict and how it was reached: what the study says, the rule (tests and
    directions), the family Holm corrected over, each comparison, and for an undecided claim
    the seeds that would likely decide it (None: more than MOST_SEEDS, or no test possible)."""

    claim: str
    verdict: str
    study: str
    rule: str
    family: str
    comparisons: list[Comparison]
    seeds: int | None = None
    notes: list[str] = field(default_factory=list)
    unit: str = "seeds"  # what n counts: seeds, or minority sets where a claim pools over them

    @property
    def n(self) -> str:
        """Returns the seeds behind the tests, as text ('3', '3–5'; exact counts left out)."""
        tested = [c.result for c in self.comparisons if c.result and c.result.test != "exact"]
        sizes = sorted({result.n for result in tested})
        return "—" if not sizes else str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"

    def by_outcome(self, outcome: str) -> list[Comparison]:
        """Returns the comparisons with this outcome."""
        return [c for c in self.comparisons if c.outcome == outcome]


def judge(claim: str, study: str, rule: str, family: str, comparisons: list[Comparison]) -> Verdict:
    """Returns the verdict of a claim made of these comparisons, after Holm's correction over
    every p-value they hold."""
    pvalues = [p for c in comparisons for p in c.hypotheses()]
    adjusted = iter(inference.holm(pvalues))
    for comparison in comparisons:
        if comparison.hypotheses():
            comparison.p_adjusted = next(adjusted)
        comparison.outcome = _decide(comparison)
    tested = [c for c in comparisons if c.result]
    if not tested:
        return Verdict(claim, NO_DATA, study, rule, family, comparisons)
    outcomes = [c.outcome for c in comparisons]
    if CONTRADICTS in outcomes:
        verdict = FAILS
    elif all(o == SUPPORTS for o in outcomes):
        verdict = HOLDS
    else:
        verdict = UNDECIDED
    result = Verdict(claim, verdict, study, rule, family, comparisons)
    # Every undecided comparison gets its seeds (a ranking reads them whatever the verdict);
    # the claim's own only when the claim is undecided.
    seeds = _claim_seeds([c for c in tested if c.outcome == OPEN], len(pvalues))
    result.seeds = seeds if verdict == UNDECIDED else None
    return result


def _claim_seeds(open_comparisons: list[Comparison], family_size: int) -> int | None:
    """Returns the seeds that would likely decide the claim: the fewest that make one
    comparison leaning against it contradict it, else the most any comparison leaning for it
    needs to support it. Each at the family's strictest level, alpha / m (Holm's first step)."""
    alpha = ALPHA / max(family_size, 1)
    for comparison in open_comparisons:
        comparison.seeds = _seeds(comparison, alpha)
    against = [c for c in open_comparisons if _leans_against(c)]
    if against:
        found = [c.seeds for c in against if c.seeds is not None]
        return min(found) if found else None
    found = [c.seeds for c in open_comparisons]
    return None if None in found or not found else max(found)


def _leans_against(comparison: Comparison) -> bool:
    """Returns whether an undecided comparison's estimate lies on the side that contradicts."""
    effect = _effect(comparison)
    if comparison.expect == "same":
        return abs(effect) >= comparison.result.margin
    return effect < 0 if comparison.expect == "greater" else effect > 0
