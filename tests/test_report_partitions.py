"""Conclusion 1 and Fig. 4 over random minority sets (claims/partitions.py, partitions_page.py)
on hand-made records: the rho = 1 value of a rate under a set read from the balanced runs'
confusion matrices, and the pooled verdict over sets with one value per set."""

import numpy as np
import pytest
from report_records import points, record

from imbalance_lab.report.claims.partitions import (
    POOLED,
    STUDY_SET,
    balanced_rate,
    partition_verdicts,
    rate_measures,
    rise_factors,
)
from imbalance_lab.report.claims.study import study_verdicts
from imbalance_lab.report.claims.study_rates import conclusion_1
from imbalance_lab.report.conclusions_page import conclusions_markdown
from imbalance_lab.report.partitions_page import partitions_markdown

pytestmark = pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
STEP = {"imbalance.profile": "step"}
SETS = {11: [1, 5, 6, 7, 8], 12: [0, 2, 3, 8, 9], 13: [2, 4, 5, 6, 9]}
# p_I→I and p_I→A per set and seed (seeds 0 and 1); p_A→I 0.02 and p_A→A 0.01 throughout.
# p_I→I − p_I→A per seed: set 11: 0.10, 0.10; set 12: 0.06, 0.10; set 13: 0.09, 0.03, so
# per set (mean over seeds): 0.10, 0.08, 0.06.
LEVELS = {
    11: [(0.30, 0.20), (0.32, 0.22)],
    12: [(0.25, 0.19), (0.27, 0.17)],
    13: [(0.40, 0.31), (0.36, 0.33)],
}


def balanced_confusion(seed: int = 0) -> list[list[int]]:
    """Returns a balanced run's (10, 10) test counts, 100 images per digit: digit 1 -> 7
    (3 + seed images), 5 -> 3 (4), 0 -> 6 (2), 2 -> 4 (5)."""
    counts = np.diag([100] * 10)
    for true, predicted, errors in ((1, 7, 3 + seed), (5, 3, 4), (0, 6, 2), (2, 4, 5)):
        counts[true, predicted] = errors
        counts[true, true] -= errors
    return counts.tolist()


def balanced_runs(seeds=(0, 1)):
    """Returns the balanced (rho 1), uncorrected runs whose confusion matrices every set reads."""
    return [
        record(seed, rho=1, metrics={"test/confusion_matrix": balanced_confusion(seed)}, **STEP)
        for seed in seeds
    ]


def set_runs(partition, levels, minority=None):
    """Returns the runs at rho 10 of a minority set (partition None: the study's {0..4})."""
    config = {**STEP} if partition is None else {**STEP, "partition": partition}
    metrics = {"minority": minority or SETS[partition]}
    return [
        record(seed, rates=(i_i, i_a, 0.02, 0.01), metrics=metrics, **config)
        for seed, (i_i, i_a) in enumerate(levels)
    ]


def every_set():
    """Returns the points of the three random sets, the study's set and the balanced runs."""
    runs = [run for p, levels in LEVELS.items() for run in set_runs(p, levels)]
    study = set_runs(None, [(0.1, 0.6), (0.1, 0.6)], [0, 1, 2, 3, 4])  # reversed: not pooled
    return points(runs, study, balanced_runs())


def test_the_rho_1_rate_under_a_set_is_read_from_the_balanced_confusion_matrix():
    [balanced] = points(balanced_runs())
    # I = {1, 5, 6, 7, 8}, 500 minority images: 1 -> 7 stays in I (3 and 4 images at seeds 0
    # and 1), 5 -> 3 leaves it (4); of A, 0 -> 6 enters I (2), 2 -> 4 stays in A (5).
    found = {
        rate: balanced_rate(balanced, SETS[11], rate).by_seed
        for rate in ("p_I_to_I", "p_I_to_A", "p_A_to_I", "p_A_to_A")
    }
    assert found == {
        "p_I_to_I": {0: 3 / 500, 1: 4 / 500},
        "p_I_to_A": {0: 4 / 500, 1: 4 / 500},
        "p_A_to_I": {0: 2 / 500, 1: 2 / 500},
        "p_A_to_A": {0: 5 / 500, 1: 5 / 500},
    }
    # The study's I = {0..4} reads the same matrix otherwise: 1 -> 7 and 0 -> 6 leave I.
    assert balanced_rate(balanced, [0, 1, 2, 3, 4], "p_I_to_A").by_seed == {0: 5 / 500, 1: 6 / 500}


def test_a_rise_is_the_level_minus_the_rho_1_value_under_the_same_set():
    found = every_set()
    [balanced] = [p for p in found if p.config["rho"] == 1]
    [point] = [p for p in found if p.config.get("partition") == 11]
    rises = rate_measures(point, balanced, rises=True)
    assert rises[0].by_seed == pytest.approx({0: 0.30 - 3 / 500, 1: 0.32 - 4 / 500})
    assert rises[1].by_seed == pytest.approx({0: 0.20 - 4 / 500, 1: 0.22 - 4 / 500})
    assert rises[2].by_seed == pytest.approx({0: 0.02 - 2 / 500, 1: 0.02 - 2 / 500})
    levels = rate_measures(point, balanced, rises=False)
    assert levels[3].by_seed == {0: 0.01, 1: 0.01}


def test_the_pooled_verdict_tests_one_value_per_random_set():
    results = partition_verdicts(every_set())
    rows = dict(results["levels"])
    assert list(rows) == [STUDY_SET, "11", "12", "13", POOLED]
    assert rows[STUDY_SET].verdict == "does not hold"  # its p_I→I below p_I→A
    assert rows["11"].claim.endswith("I = {1, 5, 6, 7, 8}")
    first = rows[POOLED].comparisons[0]  # p_I→I > p_I→A over the three random sets
    # Per set 0.10, 0.08, 0.06: mean 0.08, s = 0.02 (over sets, not over the six runs),
    # t = 0.08 / (0.02 / √3) = 6.93 > t_{0.975,2} = 4.30; the study's set left out.
    assert (first.result.n, first.result.test) == (3, "paired t")
    assert first.result.estimate == pytest.approx(0.08)
    assert first.result.sd == pytest.approx(0.02)
    assert rows["11"].comparisons[0].result.n == 2  # per set: paired over its seeds


def test_fig_4_over_sets_tests_each_rise_against_0():
    rows = dict(partition_verdicts(every_set())["fig4"])
    pooled = rows[POOLED]
    labels = [c.label for c in pooled.comparisons]
    assert labels[:2] == [
        "CNN, ρ=10: p_I→I − p_I→I at ρ=1 rises",
        "CNN, ρ=10: p_I→A − p_I→A at ρ=1 rises",
    ]
    # p_A→A rises by 0.01 − (5/500 = 0.01) = 0 under set 11; under 12 and 13 by their own.
    assert pooled.comparisons[3].result.test == "TOST (margin ±0.005)"
    rises = [c.result.estimate for c in rows["11"].comparisons[:2]]
    assert rises == pytest.approx([(0.30 + 0.32) / 2 - 7 / 1000, (0.20 + 0.22) / 2 - 8 / 1000])


def test_without_balanced_runs_only_the_levels_are_judged():
    runs = [run for p, levels in LEVELS.items() for run in set_runs(p, levels)]
    results = partition_verdicts(points(runs))
    assert dict(results["levels"])[POOLED].verdict != "not enough data"
    assert dict(results["rises"])[POOLED].verdict == "not enough data"


def test_rise_factors_divide_the_level_by_the_rho_1_value_under_the_set():
    rows = {row[0]: row for row in rise_factors(every_set())}
    level, factor = rows["11"][4]  # p_I→I under set 11
    assert level == pytest.approx(0.31)
    assert factor == pytest.approx(0.31 / (3.5 / 500))
    assert rows["11"][1:4] == ["{1, 5, 6, 7, 8}", "CNN", "10"]


def test_partitions_md_is_written_only_when_random_sets_exist():
    study_only = points(set_runs(None, [(0.3, 0.2)] * 2, [0, 1, 2, 3, 4]), balanced_runs())
    assert partitions_markdown(study_only) == ""
    text = partitions_markdown(every_set())
    assert text.startswith("# Which digits are the minority")
    for name in ("partition_seed 11", "the study's {0..4} (reference)", "| pooled |"):
        assert name in text


def test_the_study_set_claims_leave_the_random_sets_out_and_list_the_pooled_verdicts():
    found = every_set()
    # Conclusion 1 on the study's {0..4} alone: its reversed chain, not the random sets'.
    assert {c.result.n for c in conclusion_1(found).comparisons} == {2}
    assert conclusion_1(found).comparisons[0].result.estimate == pytest.approx(-0.5)
    claims = [raw.claim for raw, _ in study_verdicts(found)]
    pooled = [c for c in claims if c.endswith("pooled over random minority sets")]
    assert [c.removesuffix(", pooled over random minority sets") for c in pooled] == [
        "Conclusion 1 on the rates' levels",
        "Conclusion 1 on each rate's rise over its ρ = 1 value",
        "Fig. 4: the minority rates rise, the majority rates stay (±0.005)",
    ]


def test_a_pooled_verdict_is_not_said_to_read_accuracies_only():
    found = every_set()
    runs = [run for point in found for run in point.runs]
    page = conclusions_markdown(runs, found, facts=[])
    rows = [line for line in page.splitlines() if line.startswith("| ") and "sets |" in line]
    assert len(rows) == 3  # the three pooled claims in the verdict table
    assert all(row.endswith("| not judged: raw rates only (partitions.md) |") for row in rows)
