"""The p_{a->b} rates against a brute-force count of the study's definition."""

from __future__ import annotations

import math

import pytest
import torch
from torchmetrics.utilities import dim_zero_sum

from imbalance_lab.metrics import names
from imbalance_lab.metrics.group_rates import GroupErrorRates, confusion_counts
from imbalance_lab.metrics.groups import landing_classes, per_class_rates, rate_name
from imbalance_lab.metrics.scores import build_scores, flatten_scores

KEYS = ["p_I_to_I", "p_I_to_A", "p_A_to_I", "p_A_to_A"]
MINORITY_SETS = [[0], [0, 1, 2], [3, 7], [0, 1, 2, 3, 4], list(range(9))]


def random_batch(n: int, seed: int, num_classes: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (preds (n,), target (n,)): random labels, about 1 in 2 predictions right."""
    generator = torch.Generator().manual_seed(seed)
    target = torch.randint(num_classes, (n,), generator=generator)
    wrong = torch.randint(num_classes, (n,), generator=generator)
    keep = torch.rand(n, generator=generator) < 0.5
    return torch.where(keep, target, wrong), target


def brute_force(preds, target, minority: list[int]) -> dict[str, float]:
    """Returns p_{a->b} = #{wrong, label in a, prediction in b} / #{label in a}, by counting."""
    group = {c: ("I" if c in minority else "A") for c in range(10)}
    pairs = list(zip(preds.tolist(), target.tolist(), strict=True))
    rates = {}
    for a in "IA":
        for b in "IA":
            in_a = [(p, t) for p, t in pairs if group[t] == a]
            wrong = sum(1 for p, t in in_a if p != t and group[p] == b)
            rates[f"p_{a}_to_{b}"] = wrong / len(in_a) if in_a else math.nan
    return rates


def as_floats(rates: dict[str, torch.Tensor]) -> dict[str, float]:
    """Returns the four raw rates of compute() as floats (its per-class rates: tested apart)."""
    return {key: float(rates[key]) for key in KEYS}


@pytest.mark.parametrize("minority", MINORITY_SETS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rates_match_brute_force(minority, seed):
    preds, target = random_batch(500, seed)
    metric = GroupErrorRates(minority, 10)
    metric.update(preds, target)
    got = as_floats(metric.compute())
    assert sorted(metric.compute()) == sorted([*KEYS, *(names.per_class(k) for k in KEYS)])
    assert got == pytest.approx(brute_force(preds, target, minority), abs=1e-12)


def test_hand_computed_rates():
    # minority {0}; labels 0,0,0,0 -> preds 0,1,0,0 ; labels 1,2 -> preds 0,2.
    target = torch.tensor([0, 0, 0, 0, 1, 2])
    preds = torch.tensor([0, 1, 0, 0, 0, 2])
    metric = GroupErrorRates([0], num_classes=3)
    metric.update(preds, target)
    got = as_floats(metric.compute())
    assert got == pytest.approx({"p_I_to_I": 0, "p_I_to_A": 0.25, "p_A_to_I": 0.5, "p_A_to_A": 0})


def test_majority_to_majority_error_counts():
    # An A->A error (1 predicted as 2) is an error even though both classes are majority.
    metric = GroupErrorRates([0], num_classes=3)
    metric.update(torch.tensor([2, 1]), torch.tensor([1, 1]))
    assert float(metric.compute()["p_A_to_A"]) == 0.5


def test_minority_order_and_duplicates_do_not_matter():
    preds, target = random_batch(300, 4)
    first, second = GroupErrorRates([2, 0, 2], 10), GroupErrorRates([0, 2], 10)
    first.update(preds, target)
    second.update(preds, target)
    assert as_floats(first.compute()) == as_floats(second.compute())


def test_logits_equal_labels():
    preds, target = random_batch(400, 5)
    logits = torch.randn(400, 10, generator=torch.Generator().manual_seed(9))
    logits[torch.arange(400), preds] += 100.0  # argmax is preds
    from_labels, from_logits = GroupErrorRates([1, 4], 10), GroupErrorRates([1, 4], 10)
    from_labels.update(preds, target)
    from_logits.update(logits, target)
    assert torch.equal(from_labels.confmat, from_logits.confmat)
    assert as_floats(from_labels.compute()) == as_floats(from_logits.compute())


def test_two_updates_equal_one_on_the_concatenation():
    first, second = random_batch(300, 6), random_batch(200, 7)
    twice, once = GroupErrorRates([0, 1, 2], 10), GroupErrorRates([0, 1, 2], 10)
    twice.update(*first)
    twice.update(*second)
    once.update(torch.cat([first[0], second[0]]), torch.cat([first[1], second[1]]))
    assert torch.equal(twice.confmat, once.confmat)
    assert as_floats(twice.compute()) == as_floats(once.compute())


def test_reset_gives_back_zeros():
    metric = GroupErrorRates([0, 1], 10)
    metric.update(*random_batch(100, 8))
    assert metric.confmat.sum() == 100
    metric.reset()
    assert torch.equal(metric.confmat, torch.zeros(10, 10, dtype=torch.long))
    # After a reset the metric counts only what comes next.
    preds, target = random_batch(50, 9)
    metric.update(preds, target)
    assert as_floats(metric.compute()) == pytest.approx(brute_force(preds, target, [0, 1]))


@pytest.mark.parametrize("minority", MINORITY_SETS)
def test_rates_of_a_group_sum_to_its_error_rate(minority):
    preds, target = random_batch(500, 10)
    metric = GroupErrorRates(minority, 10)
    metric.update(preds, target)
    rates = as_floats(metric.compute())
    for a in "IA":
        rows = torch.tensor([(t in minority) == (a == "I") for t in target.tolist()])
        error = (preds[rows] != target[rows]).double().mean().item()
        assert rates[rate_name(a, "I")] + rates[rate_name(a, "A")] == pytest.approx(error)


def test_empty_group_gives_nan():
    metric = GroupErrorRates([0], num_classes=3)
    metric.update(torch.tensor([1, 2]), torch.tensor([1, 1]))  # no label 0
    rates = as_floats(metric.compute())
    assert math.isnan(rates["p_I_to_I"]) and math.isnan(rates["p_I_to_A"])
    assert rates["p_A_to_A"] == 0.5


def test_confusion_counts_rows_are_labels_columns_predictions():
    confmat = confusion_counts(torch.tensor([2, 2, 0]), torch.tensor([0, 2, 0]), 3)
    assert confmat.tolist() == [[1, 0, 1], [0, 0, 0], [0, 0, 1]]


def test_landing_classes():
    assert landing_classes([0, 1, 2], 10) == {
        ("I", "I"): 2,
        ("I", "A"): 7,
        ("A", "I"): 3,
        ("A", "A"): 6,
    }


def test_per_class_rates_hand_computed():
    # minority {0, 1, 2} of 10: k_I = 3, k_A = 7; divide by k_b (a != b), k_b - 1 (a == b).
    rates = {"p_I_to_I": 0.2, "p_I_to_A": 0.7, "p_A_to_I": 0.3, "p_A_to_A": 0.6}
    got = per_class_rates(rates, [0, 1, 2], 10)
    assert got == pytest.approx(
        {
            "p_I_to_I_per_class": 0.2 / 2,
            "p_I_to_A_per_class": 0.7 / 7,
            "p_A_to_I_per_class": 0.3 / 3,
            "p_A_to_A_per_class": 0.6 / 6,
        }
    )


def test_per_class_rates_accepts_tensors_and_gives_nan_without_slots():
    # One minority class: an I error can never land in I, so that rate has no slot.
    rates = {key: torch.tensor(0.4, dtype=torch.float64) for key in KEYS}
    got = per_class_rates(rates, [5], 10)
    assert math.isnan(got["p_I_to_I_per_class"])
    assert got["p_I_to_A_per_class"] == pytest.approx(0.4 / 9)
    assert got["p_A_to_I_per_class"] == pytest.approx(0.4 / 1)
    assert got["p_A_to_A_per_class"] == pytest.approx(0.4 / 8)


def test_confusion_matrix_state_is_summed_across_processes():
    metric = GroupErrorRates([0], 10)
    assert metric._reductions["confmat"] is dim_zero_sum
    assert metric._defaults["confmat"].dtype == torch.long
    assert metric._defaults["confmat"].shape == (10, 10)


def test_the_logged_names_are_the_names_modules():
    # The Metric and the scores log exactly what metrics/names.py names (the config check,
    # the results and the report read it): two updates, one compute.
    scores = build_scores(4)
    rates = GroupErrorRates([0], 4)
    probabilities = torch.softmax(torch.randn(12, 4, generator=torch.Generator().manual_seed(0)), 1)
    labels = torch.arange(12) % 4
    scores.update(probabilities, labels)
    rates.update(probabilities, labels)
    logged = {f"val/{name}" for name in {**flatten_scores(scores.compute()), **rates.compute()}}
    assert logged == set(names.logged("val", 4))
    assert names.lower_is_better("val/ece") and names.lower_is_better("test/p_A_to_I_per_class")
    assert not names.lower_is_better("val/bal_acc") and not names.lower_is_better("val/recall_0")


@pytest.mark.parametrize("minority", [[0], [0, 1, 2], [3, 7]])
def test_the_metric_returns_its_per_class_rates_by_the_torch_free_rule(minority):
    metric = GroupErrorRates(minority, 10)
    metric.update(*random_batch(400, 11))
    computed = metric.compute()
    expected = per_class_rates(as_floats(computed), minority, 10)
    got = {key: float(computed[key]) for key in expected}
    for key, value in expected.items():  # NaN where a rate has no class to land in
        assert (math.isnan(got[key]) and math.isnan(value)) or got[key] == pytest.approx(value)
    assert math.isnan(got["p_I_to_I_per_class"]) == (len(minority) == 1)
