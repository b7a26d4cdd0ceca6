"""Class counts, draws and weights that build the study's imbalanced training sets."""

from __future__ import annotations

import pytest
import torch

from imbalance_lab.data.subsets import count_classes, draw_per_class, oversample, split_per_class
from imbalance_lab.imbalance.profiles import step_class_counts
from imbalance_lab.imbalance.sampling import ros_class_counts
from imbalance_lab.imbalance.weights import inverse_frequency_weights, minority_weights

from helpers import gen, random_labels

# Counts.


@pytest.mark.parametrize(
    ("rho", "minority", "n_max", "expected"),
    [
        (1, [0, 1, 2, 3, 4], 5000, [5000] * 10),
        (10, [0, 1, 2, 3, 4], 5000, [500] * 5 + [5000] * 5),
        (100, [0, 1, 2, 3, 4], 5000, [50] * 5 + [5000] * 5),
        (100, [3, 7], 5421, [5421, 5421, 5421, 54, 5421, 5421, 5421, 54, 5421, 5421]),
        (3, [9], 1000, [1000] * 9 + [333]),
        (2.5, [0, 5], 1000, [400, 1000, 1000, 1000, 1000, 400, 1000, 1000, 1000, 1000]),
        (1000, [1], 5000, [5000, 5, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000]),
        (10, [], 5000, [5000] * 10),
    ],
)
def test_step_class_counts(rho, minority, n_max, expected):
    assert step_class_counts(minority, n_max, rho, 10) == expected


def test_step_class_counts_follows_num_classes():
    assert step_class_counts([1], 100, 4, 3) == [100, 25, 100]


@pytest.mark.parametrize(
    ("inv_rho", "expected_minority"),
    [(0.01, 50), (0.1, 500), (0.25, 1250), (0.5, 2500), (1 / 3, 1667), (1.0, 5000)],
)
def test_ros_class_counts_raise_minority_to_target(inv_rho, expected_minority):
    minority = [0, 1, 2, 3, 4]
    counts = step_class_counts(minority, 5000, 100, 10)  # 50 per minority class
    got = ros_class_counts(counts, minority, 5000, inv_rho)
    assert got == [expected_minority] * 5 + [5000] * 5


def test_ros_class_counts_never_remove_images():
    # A target below a class's count keeps the count; majority classes are never touched.
    counts = [50, 700, 5000, 30, 5000]
    got = ros_class_counts(counts, [0, 1, 3], 5000, 0.1)
    assert got == [500, 700, 5000, 500, 5000]
    assert all(new >= old for new, old in zip(got, counts, strict=True))


def test_ros_class_counts_leave_majority_below_target_alone():
    assert ros_class_counts([10, 20, 30], [0], 100, 1.0) == [100, 20, 30]


def test_count_classes():
    labels = torch.tensor([0, 2, 2, 3, 3, 3], dtype=torch.uint8)
    assert count_classes(labels, 5) == [1, 0, 2, 3, 0]


# Draws.


def test_draw_per_class_gives_exact_counts_from_the_pool():
    labels = random_labels(600)
    pool = torch.arange(0, 600, 2)  # even indices only
    counts = [3, 0, 5, 1, 2, 4, 7, 6, 1, 2]
    chosen = draw_per_class(labels, pool, counts, gen(1))
    assert count_classes(labels[chosen], 10) == counts
    assert len(chosen.unique()) == len(chosen)
    assert set(chosen.tolist()) <= set(pool.tolist())
    assert chosen.tolist() == sorted(chosen.tolist())


def test_draw_per_class_can_take_a_whole_class():
    labels = random_labels(300)
    pool = torch.arange(300)
    counts = count_classes(labels, 10)
    chosen = draw_per_class(labels, pool, counts, gen(2))
    assert chosen.tolist() == list(range(300))


def test_draw_per_class_is_fixed_by_the_seed():
    labels = random_labels(600)
    pool = torch.arange(600)
    counts = [10] * 10
    first = draw_per_class(labels, pool, counts, gen(7))
    again = draw_per_class(labels, pool, counts, gen(7))
    other = draw_per_class(labels, pool, counts, gen(8))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_oversample_keeps_originals_and_adds_same_class_only():
    labels = random_labels(600)
    indices = draw_per_class(
        labels, torch.arange(600), [5, 5, 40, 40, 40, 3, 40, 40, 40, 40], gen()
    )
    targets = [40, 20, 40, 40, 40, 40, 40, 40, 40, 40]
    out = oversample(labels, indices, targets, gen(3))
    assert torch.equal(out[: len(indices)], indices)
    assert count_classes(labels[out], 10) == targets
    extra = out[len(indices) :]
    assert set(extra.tolist()) <= set(indices.tolist())
    assert set(labels[extra].tolist()) == {0, 1, 5}


def test_oversample_leaves_classes_at_or_above_target():
    labels = random_labels(600)
    indices = draw_per_class(labels, torch.arange(600), [30] * 10, gen())
    out = oversample(labels, indices, [10] * 10, gen())
    assert torch.equal(out, indices)


def test_oversample_is_fixed_by_the_seed():
    labels = random_labels(600)
    indices = draw_per_class(labels, torch.arange(600), [4] * 10, gen())
    targets = [30] * 10
    assert torch.equal(
        oversample(labels, indices, targets, gen(5)), oversample(labels, indices, targets, gen(5))
    )
    assert not torch.equal(
        oversample(labels, indices, targets, gen(5)), oversample(labels, indices, targets, gen(6))
    )


def test_split_per_class_holds_out_per_class_of_each_class():
    labels = random_labels(600)
    rest, held = split_per_class(labels, 6, gen(4))
    assert count_classes(labels[held], 10) == [6] * 10
    assert set(rest.tolist()).isdisjoint(held.tolist())
    assert sorted(rest.tolist() + held.tolist()) == list(range(600))
    assert rest.tolist() == sorted(rest.tolist())
    assert torch.equal(held, split_per_class(labels, 6, gen(4))[1])
    assert not torch.equal(held, split_per_class(labels, 6, gen(5))[1])


# Weights.


def test_minority_weights():
    assert minority_weights(5, [1, 3], 4) == [1.0, 4.0, 1.0, 4.0, 1.0]
    assert minority_weights(3, [], 10) == [1.0, 1.0, 1.0]


def test_inverse_frequency_weights_balanced_is_ones():
    assert inverse_frequency_weights([500] * 10) == [1.0] * 10


def test_inverse_frequency_weights_hand_computed():
    # N = 160, C = 3: w = 160 / (3 n).
    assert inverse_frequency_weights([100, 50, 10]) == pytest.approx([160 / 300, 160 / 150, 16 / 3])
    # Step imbalance rho 10, 5 + 5 classes: N = 27500, w_c = 2750 / n_c.
    weights = inverse_frequency_weights([500] * 5 + [5000] * 5)
    assert weights == pytest.approx([5.5] * 5 + [0.55] * 5)
    # Every class then carries the same total weight N / C.
    assert [w * n for w, n in zip(weights, [500] * 5 + [5000] * 5, strict=True)] == pytest.approx(
        [2750.0] * 10
    )
