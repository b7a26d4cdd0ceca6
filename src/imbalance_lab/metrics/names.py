"""Every metric's name, once: what the module logs per stage, what `select` and
`optimized_metric` may name, what metrics.json holds and what the report reads. No torch.

A logged metric is `<stage>/<name>`: stage val or test, name a score, a per-class recall
(recall_<c>) or one of the four p-rates, or a rate's group-size-corrected value
`<rate>_per_class` (the Metric returns both).
"""

from __future__ import annotations

from imbalance_lab.metrics.groups import GROUP_PAIRS, PER_CLASS, rate_name

STAGES = ("val", "test")
ACC = "acc"
BAL_ACC = "bal_acc"  # balanced accuracy: the mean per-class recall
MACRO_F1 = "macro_f1"
ROC_AUC = "roc_auc"  # one-vs-rest, averaged over the classes
ECE = "ece"  # expected calibration error
GMEAN = "gmean"  # geometric mean of the per-class recalls
SCORES = (ACC, BAL_ACC, MACRO_F1, ROC_AUC, ECE, GMEAN)
RECALL = "recall"  # per class: recall_0 .. recall_<C-1>
# The study's error-flow rates p_{a->b} between the minority set I and the majority set A.
RATES = tuple(rate_name(a, b) for a, b in GROUP_PAIRS)  # p_I_to_I, p_I_to_A, p_A_to_I, p_A_to_A
CONFUSION = "confusion_matrix"  # metrics.json only: rows true class, columns predicted (counts)


def staged(stage: str, name: str) -> str:
    """Returns a metric's logged name, e.g. staged('test', 'acc') -> 'test/acc'."""
    return f"{stage}/{name}"


# The full names the run's results and the report read most.
TEST_ACC, TEST_BAL_ACC = staged("test", ACC), staged("test", BAL_ACC)
VAL_ACC, VAL_BAL_ACC = staged("val", ACC), staged("val", BAL_ACC)
TEST_CONFUSION = staged("test", CONFUSION)


def recall(c: int) -> str:
    """Returns the name of class c's recall, e.g. 'recall_3'."""
    return f"{RECALL}_{c}"


def per_class(rate: str) -> str:
    """Returns the name of a rate divided by the classes it can land in ('p_I_to_A_per_class')."""
    return f"{rate}{PER_CLASS}"


def logged(stage: str, num_classes: int) -> list[str]:
    """Returns the names the module logs for a stage after each evaluation, e.g. 'val/acc':
    what `select` and `optimized_metric` may name (with stage val)."""
    names = [*SCORES, *RATES, *map(per_class, RATES), *(recall(c) for c in range(num_classes))]
    return [f"{stage}/{name}" for name in names]


# Where less is better (a calibration error, an error rate); every other score is the opposite.
LOWER_IS_BETTER = (ECE, *RATES)


def lower_is_better(metric: str) -> bool:
    """Returns whether a smaller value of a metric ('val/ece', 'test/p_I_to_A', ...) is better."""
    name = metric.rpartition("/")[2].removesuffix(PER_CLASS)
    return name in LOWER_IS_BETTER
