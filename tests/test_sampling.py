"""RUS and power-law class counts, and the index draws that realise them."""

from __future__ import annotations

import math

import pytest
import torch

from imbalance_lab.data.subsets import (
    count_classes,
    draw_per_class,
    oversample,
    resample,
    undersample,
)
from imbalance_lab.imbalance.profiles import linear_class_counts, minority_of, step_class_counts
from imbalance_lab.imbalance.sampling import power_class_counts, ros_class_counts, rus_class_counts

from helpers import gen, random_labels


def imbalanced(counts: list[int], n: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (labels (n,), indices): a sorted draw with exactly counts[c] of class c."""
    labels = random_labels(n, dtype=torch.uint8)
    return labels, draw_per_class(labels, torch.arange(n), counts, gen(99))


# RUS counts.

STEP_10 = step_class_counts([0, 1, 2, 3, 4], 5000, 10, 10)  # 500 x 5, then 5000 x 5


@pytest.mark.parametrize(
    ("inv_rho", "majority"),
    [(1.0, 500), (0.5, 1000), (0.25, 2000), (1 / 3, 1500), (0.2, 2500), (0.1, 5000)],
)
def test_rus_class_counts_step_hand_computed(inv_rho, majority):
    got = rus_class_counts(STEP_10, [0, 1, 2, 3, 4], inv_rho)
    assert got == [500] * 5 + [majority] * 5
    assert max(got) / min(got) == pytest.approx(1 / inv_rho)


def test_rus_class_counts_never_add_images():
    # Target 400 (n_min 100 / 0.25): class 1 already has fewer and keeps its 300.
    assert rus_class_counts([100, 300, 1000], [0], 0.25) == [100, 300, 400]
    # A target above every majority count changes nothing.
    assert rus_class_counts(STEP_10, [0, 1, 2, 3, 4], 0.01) == STEP_10


def test_rus_class_counts_target_at_least_the_smallest_minority():
    # inv_rho > 1 would ask for fewer than n_min; the target stays at n_min.
    assert rus_class_counts([50, 400, 400], [0], 2.0) == [50, 50, 50]


def test_rus_class_counts_graded_profile():
    counts = linear_class_counts(list(range(10)), 1000, 10)  # 1000, 900, ..., 100
    minority = minority_of(counts)  # classes 5..9, n_min = 100
    assert rus_class_counts(counts, minority, 0.5) == [200] * 5 + [500, 400, 300, 200, 100]
    assert rus_class_counts(counts, minority, 1 / 7) == [700, 700, 700, 700, 600] + counts[5:]


def test_rus_class_counts_uses_the_smallest_minority_class():
    # Minority {0, 2}: n_min is 40 (class 2), not 80; target 40 / 0.5 = 80.
    assert rus_class_counts([80, 500, 40, 300], [0, 2], 0.5) == [80, 80, 40, 80]


@pytest.mark.parametrize(("minority", "inv_rho"), [([], 0.5), ([0], 0.0), ([0], -1.0)])
def test_rus_class_counts_rejects_bad_values(minority, inv_rho):
    with pytest.raises(ValueError):
        rus_class_counts([10, 20], minority, inv_rho)


# Power-law (class-balanced / square-root) counts.


@pytest.mark.parametrize(
    ("counts", "q", "expected"),
    [
        ([900, 100], 0.5, [750, 250]),  # sqrt: 30 : 10 of 1000
        ([400, 100, 100], 0.5, [300, 150, 150]),  # 20 : 10 : 10 of 600
        ([900, 100], 0.0, [500, 500]),
        ([900, 100], 1.0, [900, 100]),
        # 10 / 3 = 3.33 each: rounding gives 9, largest remainder gives the 10th to class 0.
        ([5, 3, 2], 0.0, [4, 3, 3]),
        # 11 / 3 = 3.67 each: rounding gives 12, largest remainder gives 11.
        ([9, 1, 1], 0.0, [4, 4, 3]),
        # sqrt 2.449, 1.732, 1 of 10: 4.727, 3.343, 1.930 -> floors 4, 3, 1; the two spare
        # images go to class 2 (.930) and class 0 (.727).
        ([6, 3, 1], 0.5, [5, 3, 2]),
        ([10, 0, 6], 0.0, [8, 0, 8]),  # an empty class gets nothing, even at q = 0
        ([0, 0], 0.5, [0, 0]),
    ],
)
def test_power_class_counts_hand_computed(counts, q, expected):
    assert power_class_counts(counts, q) == expected


def test_power_class_counts_step_sqrt_hand_computed():
    # 500 x 5 and 5000 x 5, q = 0.5: weights 1 : sqrt(10) of N = 27500, so a minority class
    # gets 5500 / (1 + sqrt 10) = 1321.39 and a majority class 4178.61. Floors 1321 / 4178
    # leave 5 spare images; they go to the 5 majority classes (fraction .61 beats .39).
    got = power_class_counts([500] * 5 + [5000] * 5, 0.5)
    assert got == [1321] * 5 + [4179] * 5
    # Square-root sampling halves the imbalance in log terms: 4179 / 1321 is about sqrt(10).
    assert got[-1] / got[0] == pytest.approx(math.sqrt(10), rel=1e-3)


def some_counts(seed: int) -> list[int]:
    generator = gen(seed)
    num_classes = int(torch.randint(2, 12, (1,), generator=generator))
    return torch.randint(0, 3000, (num_classes,), generator=generator).tolist()


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("q", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_power_class_counts_keep_the_total_and_stay_near_the_ideal(seed, q):
    counts = some_counts(seed)
    got = power_class_counts(counts, q)
    assert sum(got) == sum(counts)
    weights = [n**q if n else 0.0 for n in counts]
    for n_c, w in zip(got, weights, strict=True):
        ideal = sum(counts) * w / sum(weights)
        assert math.floor(ideal) <= n_c <= math.floor(ideal) + 1


@pytest.mark.parametrize("seed", range(20))
def test_power_class_counts_q1_identity_q0_balanced(seed):
    counts = some_counts(seed)
    assert power_class_counts(counts, 1.0) == counts
    balanced = [n for n, have in zip(power_class_counts(counts, 0.0), counts, strict=True) if have]
    assert max(balanced) - min(balanced) <= 1


# Under-sampling draws.


def test_undersample_gives_exact_counts_without_repeats():
    labels, indices = imbalanced([50, 60, 70, 40, 30, 50, 60, 70, 40, 30])
    targets = [10, 60, 0, 40, 5, 49, 1, 70, 2, 30]
    out = undersample(labels, indices, targets, gen(1))
    assert count_classes(labels[out], 10) == targets
    assert len(out.unique()) == len(out)
    assert set(out.tolist()) <= set(indices.tolist())
    assert out.tolist() == sorted(out.tolist())  # the order of `indices` is kept


def test_undersample_to_rus_counts_is_exact():
    # "RUS ... gives the exact counts asked for."
    counts = [20] * 5 + [100] * 5
    labels, indices = imbalanced(counts)
    targets = rus_class_counts(counts, [0, 1, 2, 3, 4], 0.5)
    assert targets == [20] * 5 + [40] * 5
    out = undersample(labels, indices, targets, gen(2))
    assert count_classes(labels[out], 10) == targets
    assert len(out.unique()) == len(out)


def test_undersample_keeps_whole_classes_without_a_draw():
    labels, indices = imbalanced([30] * 10)
    assert torch.equal(undersample(labels, indices, [30] * 10, gen(3)), indices)
    # Whole classes leave the generator where it was; a cut class advances it.
    generator = gen(3)
    undersample(labels, indices, [30] * 10, generator)
    assert torch.equal(generator.get_state(), gen(3).get_state())
    undersample(labels, indices, [10] + [30] * 9, generator)
    assert not torch.equal(generator.get_state(), gen(3).get_state())


def test_undersample_is_fixed_by_the_seed():
    labels, indices = imbalanced([40] * 10)
    targets = [10] * 10
    first = undersample(labels, indices, targets, gen(5))
    assert torch.equal(first, undersample(labels, indices, targets, gen(5)))
    assert not torch.equal(first, undersample(labels, indices, targets, gen(6)))


@pytest.mark.parametrize(
    "targets", [[31] + [30] * 9, [30] * 9, [-1] + [30] * 9]
)  # more than there is, a class without a target, a negative target
def test_undersample_rejects_impossible_targets(targets):
    labels, indices = imbalanced([30] * 10)
    with pytest.raises(ValueError):
        undersample(labels, indices, targets, gen())


# Re-sampling draws (cut or fill each class to its target).


def test_resample_gives_exact_counts_and_keeps_originals():
    counts = [5, 5, 40, 40, 40, 3, 40, 40, 40, 40]
    labels, indices = imbalanced(counts)
    targets = [40, 20, 10, 40, 0, 40, 1, 40, 39, 40]
    out = resample(labels, indices, targets, gen(3))
    assert count_classes(labels[out], 10) == targets
    assert set(out.tolist()) <= set(indices.tolist())
    by_class = {c: out[labels[out] == c].tolist() for c in range(10)}
    originals = {c: indices[labels[indices] == c].tolist() for c in range(10)}
    for c, (wanted, have) in enumerate(zip(targets, counts, strict=True)):
        if wanted >= have:  # over-sampled: every original is kept
            assert set(by_class[c]) == set(originals[c])
        else:  # under-sampled: no image twice
            assert len(set(by_class[c])) == wanted


def test_resample_to_ros_counts_is_exact_and_matches_oversample():
    # "ROS ... gives the exact counts asked for"; with no class cut, resample is oversample.
    minority = [0, 1, 2, 3, 4]
    counts = step_class_counts(minority, 100, 10, 10)  # 10 x 5, 100 x 5
    labels, indices = imbalanced(counts)
    targets = ros_class_counts(counts, minority, 100, 0.5)
    assert targets == [50] * 5 + [100] * 5
    out = resample(labels, indices, targets, gen(4))
    assert count_classes(labels[out], 10) == targets
    assert torch.equal(out, oversample(labels, indices, targets, gen(4)))


def test_resample_to_power_counts_is_exact():
    counts = [10] * 5 + [100] * 5
    labels, indices = imbalanced(counts)
    targets = power_class_counts(counts, 0.0)  # 55 each: cut the majority, fill the minority
    out = resample(labels, indices, targets, gen(5))
    assert count_classes(labels[out], 10) == [55] * 10
    assert len(out) == sum(counts)


def test_resample_with_unchanged_counts_keeps_the_set():
    labels, indices = imbalanced([20] * 10)
    assert torch.equal(resample(labels, indices, [20] * 10, gen(6)), indices)


def test_resample_is_fixed_by_the_seed():
    labels, indices = imbalanced([10] * 5 + [60] * 5)
    targets = [30] * 10
    first = resample(labels, indices, targets, gen(7))
    assert torch.equal(first, resample(labels, indices, targets, gen(7)))
    assert not torch.equal(first, resample(labels, indices, targets, gen(8)))


def test_resample_rejects_filling_an_empty_class():
    labels, indices = imbalanced([0] + [30] * 9)
    with pytest.raises(ValueError):
        resample(labels, indices, [5] + [30] * 9, gen())
    # Asking nothing of an empty class is fine.
    out = resample(labels, indices, [0] + [30] * 9, gen())
    assert count_classes(labels[out], 10) == [0] + [30] * 9
