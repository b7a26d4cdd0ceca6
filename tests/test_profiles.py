"""Minority draws, class orders and graded (linear / exponential) class counts."""

from __future__ import annotations

import pytest

from imbalance_lab.imbalance.draws import class_order, draw_minority
from imbalance_lab.imbalance.profiles import (
    exp_class_counts,
    linear_class_counts,
    minority_of,
    step_class_counts,
)

# Minority draws (step imbalance by fraction mu).


@pytest.mark.parametrize(
    ("num_classes", "mu", "size"),
    [
        (10, 0.5, 5),
        (10, 0.1, 1),
        (10, 0.2, 2),
        (10, 0.9, 9),
        (10, 0.0, 1),  # at least one minority class
        (10, 0.04, 1),  # round(0.4) = 0, raised to 1
        (10, 1.0, 9),  # at least one majority class
        (10, 0.96, 9),  # round(9.6) = 10, cut to 9
        (4, 0.5, 2),
        (2, 0.5, 1),
        (100, 0.37, 37),
    ],
)
def test_draw_minority_size_range_and_order(num_classes, mu, size):
    for seed in range(3):
        drawn = draw_minority(num_classes, mu, seed)
        assert len(drawn) == size
        assert len(set(drawn)) == size
        assert all(0 <= c < num_classes for c in drawn)
        assert drawn == sorted(drawn)


def test_draw_minority_is_fixed_by_the_seed():
    assert draw_minority(10, 0.3, 7) == draw_minority(10, 0.3, 7)
    draws = {tuple(draw_minority(10, 0.3, seed)) for seed in range(5)}
    assert len(draws) > 1


def test_draw_minority_reaches_every_class():
    # A draw, not the first k classes: over 30 seeds every class is a minority at least once.
    drawn = {c for seed in range(30) for c in draw_minority(10, 0.2, seed)}
    assert drawn == set(range(10))


@pytest.mark.parametrize(("num_classes", "mu"), [(10, -0.1), (10, 1.5), (1, 0.5)])
def test_draw_minority_rejects_bad_values(num_classes, mu):
    with pytest.raises(ValueError):
        draw_minority(num_classes, mu, 0)


# Class orders.


@pytest.mark.parametrize("num_classes", [1, 2, 10, 100])
def test_class_order_is_a_permutation(num_classes):
    for seed in range(3):
        assert sorted(class_order(num_classes, seed)) == list(range(num_classes))


def test_class_order_is_fixed_by_the_seed():
    assert class_order(10, 3) == class_order(10, 3)
    orders = {tuple(class_order(10, seed)) for seed in range(5)}
    assert len(orders) == 5  # 10! orders: five seeds do not collide
    assert tuple(range(10)) not in orders


# Linear counts (Buda et al. 2018).

IDENTITY_10 = list(range(10))


@pytest.mark.parametrize(
    ("n_max", "rho", "order", "expected"),
    [
        # Step (1000 - 100) / 9 = 100.
        (1000, 10, IDENTITY_10, [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]),
        # n_min = 50, step (5000 - 50) / 9 = 550.
        (5000, 100, IDENTITY_10, [5000, 4450, 3900, 3350, 2800, 2250, 1700, 1150, 600, 50]),
        # n_min = 333.33, step 222.22: 1000, 777.78, 555.56, 333.33.
        (1000, 3, [0, 1, 2, 3], [1000, 778, 556, 333]),
        # n_min = 25, step 18.75: 100, 81.25, 62.5 (half to even: 62), 43.75, 25.
        (100, 4, [0, 1, 2, 3, 4], [100, 81, 62, 44, 25]),
        (5000, 10, [0, 1], [5000, 500]),
        (5000, 1, IDENTITY_10, [5000] * 10),
        (1000, 10, [0], [1000]),
        # Exact halves round to even: 15 - 1.5 i = 15, 13.5, 12, 10.5, 9, 7.5, 6, 4.5, 3, 1.5.
        (15, 10, IDENTITY_10, [15, 14, 12, 10, 9, 8, 6, 4, 3, 2]),
        # 25 - i * 25 / 6 = 25, 20.83, 16.67, 12.5, 8.33 (12.5 in floats is 12.500000000000002).
        (25, 3, [0, 1, 2, 3, 4], [25, 21, 17, 12, 8]),
        # rho as written: 37 / 3.7 = 10, so the middle is 23.5 (to even: 24).
        (37, 3.7, [0, 1, 2], [37, 24, 10]),
        (55, 3, [0, 1, 2, 3, 4], [55, 46, 37, 28, 18]),  # 45.83, 36.67, 27.5, 18.33
    ],
)
def test_linear_class_counts_hand_computed(n_max, rho, order, expected):
    assert linear_class_counts(order, n_max, rho) == expected


def test_linear_class_counts_are_indexed_by_class():
    # Rank i goes to class order[i]: class 3 keeps the most, class 0 the fewest.
    assert linear_class_counts([3, 1, 2, 0], 1000, 4) == [250, 750, 500, 1000]


@pytest.mark.parametrize(("n_max", "rho"), [(5000, 10), (5421, 100), (1000, 3), (999, 7.3)])
def test_linear_endpoints_match_step(n_max, rho):
    counts = linear_class_counts(IDENTITY_10, n_max, rho)
    assert counts[0] == n_max
    assert counts[-1] == step_class_counts([0], n_max, rho, 1)[0] == round(n_max / rho)
    assert counts == sorted(counts, reverse=True)


# Exponential counts (Cao et al. 2019, CIFAR-LT).


@pytest.mark.parametrize(
    ("n_max", "rho", "order", "expected"),
    [
        (1600, 16, [0, 1, 2, 3, 4], [1600, 800, 400, 200, 100]),  # 16 ** (-i / 4) = 2 ** -i
        (5000, 1000, [0, 1, 2, 3], [5000, 500, 50, 5]),  # 1000 ** (-i / 3) = 10 ** -i
        (1000, 8, [0, 1, 2, 3], [1000, 500, 250, 125]),
        (1000, 100, [0, 1, 2], [1000, 100, 10]),
        # 5000 * 10 ** (-i / 9) = 5000, 3871.32, 2997.42, 2320.79, 1796.91, 1391.28, 1077.22,
        # 834.05, 645.77, 500 (to 40 digits with decimal.Decimal).
        (5000, 10, IDENTITY_10, [5000, 3871, 2997, 2321, 1797, 1391, 1077, 834, 646, 500]),
        # CIFAR-10-LT shape, rho = 100: 5000 * 100 ** (-i / 9).
        (5000, 100, IDENTITY_10, [5000, 2997, 1797, 1077, 646, 387, 232, 139, 83, 50]),
        (5000, 1, IDENTITY_10, [5000] * 10),
        (5000, 10, [0, 1], [5000, 500]),
    ],
)
def test_exp_class_counts_hand_computed(n_max, rho, order, expected):
    assert exp_class_counts(order, n_max, rho) == expected


def test_exp_class_counts_are_indexed_by_class():
    assert exp_class_counts([2, 0, 1], 1000, 100) == [100, 10, 1000]


@pytest.mark.parametrize(("n_max", "rho"), [(5000, 10), (5421, 100), (1000, 3), (999, 7.3)])
def test_exp_endpoints_match_step(n_max, rho):
    counts = exp_class_counts(IDENTITY_10, n_max, rho)
    assert counts[0] == n_max
    assert counts[-1] == round(n_max / rho)
    assert counts == sorted(counts, reverse=True)


def test_exp_falls_below_linear_between_the_endpoints():
    linear = linear_class_counts(IDENTITY_10, 5000, 100)
    exp = exp_class_counts(IDENTITY_10, 5000, 100)
    assert all(e < lin for e, lin in zip(exp[1:-1], linear[1:-1], strict=True))


@pytest.mark.parametrize("counts_of", [linear_class_counts, exp_class_counts])
@pytest.mark.parametrize(("order", "rho"), [([0, 1, 1], 10), ([0, 2], 10), ([], 10), ([1, 0], 0.5)])
def test_graded_counts_reject_bad_values(counts_of, order, rho):
    with pytest.raises(ValueError):
        counts_of(order, 1000, rho)


# Minority sets of graded profiles.


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100], [5, 6, 7, 8, 9]),
        ([250, 750, 500, 1000], [0, 2]),
        ([5, 3, 1], [2]),  # C = 3: floor(3 / 2) = 1 class
        ([7], []),
        ([5, 5, 5, 5], [0, 1]),  # all tied: the lower class indices
        ([3, 1, 1, 2], [1, 2]),
        ([1, 2, 2, 2, 5], [0, 1]),  # the tie at 2 goes to class 1
        ([9, 2, 9, 2, 2, 9], [1, 3, 4]),
        ([2, 9, 2, 9, 2, 1], [0, 2, 5]),  # class 4 ties with 0 and 2 and loses
    ],
)
def test_minority_of_hand_cases(counts, expected):
    assert minority_of(counts) == expected


def test_minority_of_follows_the_class_order():
    order = class_order(10, 4)
    minority = minority_of(linear_class_counts(order, 5000, 10))
    assert minority == sorted(order[5:])
    assert minority_of(exp_class_counts(order, 5000, 10)) == minority
    assert minority_of(linear_class_counts(order, 5000, 1)) == [0, 1, 2, 3, 4]
