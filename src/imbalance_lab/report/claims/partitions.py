"""Conclusion 1 and Fig. 4 over random minority sets (experiment=partitions): which digits are
the minority decides much of a rate's level (MNIST's own confusions across the split), so the
claims are judged per partition I | A and pooled over partitions, on the rates' levels and on
each rate's rise over its own ρ = 1 value.

The ρ = 1 value of a rate under a partition comes from the balanced runs' test confusion
matrices, read with that partition's I: at ρ = 1 every class keeps n_max images, so the
minority set does not enter training and one balanced run per seed serves every partition.
Pooled: a partition's value is its mean over seeds, and the tests run over partitions (the
partitions, not the seeds, are the random sample the claim generalises over).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from imbalance_lab.metrics.names import TEST_CONFUSION
from imbalance_lab.report.claims.study_rates import I_A, I_I
from imbalance_lab.report.claims.study_settings import RATE_MARGIN
from imbalance_lab.report.engine.measures import Measure, metric, rekeyed
from imbalance_lab.report.engine.points import Point, find
from imbalance_lab.report.engine.runs import RATE_METRICS, RATES
from imbalance_lab.report.engine.stats import group_counts
from imbalance_lab.report.engine.verdicts import Verdict, judge, versus
from imbalance_lab.report.labels import PRETTY, rate_label

STUDY_SET = "0..4"  # the study's minority set here (imbalance.minority's default): a reference
POOLED = "pooled"


def balanced_rate(balanced: Point, minority: list[int], rate: str) -> Measure:
    """Returns p_a→b per seed of the balanced runs, read from their test confusion matrices
    with the given minority set (runs without a matrix are left out)."""
    source, target = rate.removeprefix("p_").split("_to_")
    by_seed = {}
    for run in balanced.runs:
        confusion = run.metrics.get(TEST_CONFUSION)
        if confusion is not None:
            k, n = group_counts(np.asarray(confusion), minority, source, target)
            by_seed[run.seed] = k / n
    return Measure(f"{rate_label(rate)} at ρ=1", by_seed)


def partition_points(points: list[Point]) -> dict[str, dict[tuple, Point]]:
    """Returns {partition: {(model, rho): point}} of the uncorrected, unrotated imbalanced
    points: the random sets by partition seed, and the study's set {0..4} as STUDY_SET."""
    found: dict[str, dict[tuple, Point]] = {}
    for point in find(points, method="none", rotation=0):
        config = point.config
        if float(config.get("rho", 1)) <= 1 or config.get("epochs") != 10:
            continue
        if config.get("optimizer", "adam") != "adam" or config.get("imbalance.profile") != "step":
            continue
        key = str(config["partition"]) if "partition" in config else STUDY_SET
        found.setdefault(key, {})[(config["model"], config["rho"])] = point
    return found


def minority_of(point: Point) -> list[int]:
    """Returns the minority set the point's runs recorded."""
    return list(point.runs[0].metrics.get("minority", []))


def rate_measures(point: Point, balanced: Point | None, rises: bool) -> list[Measure]:
    """Returns the four rates per seed at a point, or their rises over the balanced runs'
    values under the same minority set."""
    levels = [metric(point, name, rate_label(name)) for name in RATE_METRICS]
    if not rises:
        return levels
    minority = minority_of(point)
    return [
        level - balanced_rate(balanced, minority, rate)
        for level, rate in zip(levels, RATES, strict=True)
    ]


def _balanced(points: list[Point], model: str) -> Point | None:
    """Returns the balanced, uncorrected point of a model (ρ = 1, minority set as listed)."""
    found = [
        p
        for p in find(points, model=model, rho=1, method="none", rotation=0)
        if "partition" not in p.config
    ]
    found = [
        p
        for p in found
        if p.config.get("imbalance.profile") == "step" and p.config.get("optimizer") == "adam"
    ]
    found = [p for p in found if any(TEST_CONFUSION in r.metrics for r in p.runs)]
    return found[0] if found else None


def _comparisons(measures: list[Measure], claim: str, where: str) -> list:
    """Returns a claim's comparisons on the four measures (levels or rises) at one place."""
    if claim == "fig4":
        zero = Measure("0", {key: 0.0 for key in measures[0].by_seed})
        found = []
        for i, measure in enumerate(measures):
            if i in (I_I, I_A):
                found.append(versus(measure, zero, "greater", f"{where}: {measure.label} rises"))
            else:
                what = f"{where}: {measure.label} within ±{RATE_MARGIN:g}"
                found.append(versus(measure, zero, "same", what, RATE_MARGIN))
        return found
    return [
        versus(a, b, "greater", f"{where}: {a.label} > {b.label}") for a, b in pairwise(measures)
    ]


CLAIMS = {
    "levels": ("Conclusion 1 on the rates' levels", False, "c1"),
    "rises": ("Conclusion 1 on each rate's rise over its ρ = 1 value", True, "c1"),
    "fig4": ("Fig. 4: the minority rates rise, the majority rates stay (±0.005)", True, "fig4"),
}


def partition_verdicts(points: list[Point]) -> dict[str, list[tuple[str, Verdict]]]:
    """Returns, per claim of CLAIMS, [(partition, verdict)]: one per minority set (the study's
    first), then the pooled verdict over the random sets."""
    by_partition = partition_points(points)
    order = sorted(by_partition, key=lambda k: (k != STUDY_SET, k))
    balanced = {m: _balanced(points, m) for m in ("cnn", "rnn")}
    results: dict[str, list[tuple[str, Verdict]]] = {}
    for name, (title, rises, kind) in CLAIMS.items():
        rows = []
        pooled: dict[tuple, dict[str, list[Measure]]] = {}
        for partition in order:
            comparisons = []
            for (model, rho), point in sorted(by_partition[partition].items(), key=str):
                if rises and balanced[model] is None:
                    continue
                measures = rate_measures(point, balanced[model], rises)
                where = f"{PRETTY[model]}, ρ={rho:g}"
                comparisons += _comparisons(measures, kind, where)
                if partition != STUDY_SET:
                    pooled.setdefault((model, rho), {})[partition] = measures
            rule = f"{title}: each model and ρ, paired t over seeds (Holm over the partition)"
            rows.append(
                (
                    partition,
                    judge(
                        f"{title}, I = {_set_name(by_partition[partition])}",
                        "",
                        rule,
                        "this partition's comparisons",
                        comparisons,
                    ),
                )
            )
        comparisons = []
        for (model, rho), by_key in sorted(pooled.items(), key=str):
            measures = [
                rekeyed(by_key[next(iter(by_key))][i].label, {k: ms[i] for k, ms in by_key.items()})
                for i in range(4)
            ]
            comparisons += _comparisons(measures, kind, f"{PRETTY[model]}, ρ={rho:g}")
        rule = f"{title}: each partition's mean over seeds, paired t over the random partitions"
        claim = f"{title}, pooled over random minority sets"
        verdict = judge(claim, "", rule, "every model and ρ (Holm)", comparisons)
        verdict.unit = "minority sets"  # n counts sets here: each a mean over its seeds
        rows.append((POOLED, verdict))
        results[name] = rows
    return results


def _set_name(points_of_partition: dict[tuple, Point]) -> str:
    """Returns a partition's minority set as text, e.g. '{1, 5, 6, 7, 8}'."""
    point = next(iter(points_of_partition.values()))
    return "{" + ", ".join(map(str, minority_of(point))) + "}"


def rise_factors(points: list[Point]) -> list[list[object]]:
    """Returns rows (partition, I, model, ρ, then per rate: mean level and level / ρ=1 value)
    for the descriptive table of the partitions page."""
    rows = []
    by_partition = partition_points(points)
    for partition in sorted(by_partition, key=lambda k: (k != STUDY_SET, k)):
        for (model, rho), point in sorted(by_partition[partition].items(), key=str):
            balanced = _balanced(points, model)
            row = [partition, _set_name({0: point}), PRETTY[model], f"{rho:g}"]
            for name, rate in zip(RATE_METRICS, RATES, strict=True):
                level = point.mean(name)
                base = (
                    balanced_rate(balanced, minority_of(point), rate).values() if balanced else []
                )
                factor = level / np.mean(base) if base and np.mean(base) > 0 else float("nan")
                row.append((level, factor))
            rows.append(row)
    return rows
