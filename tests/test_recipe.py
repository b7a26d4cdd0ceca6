"""plan_data: the class counts each profile keeps and each method trains on."""

import pytest

from imbalance_lab.imbalance.plan import plan_data

from helpers import METHOD_DEFAULTS

STEP = dict(profile="step", minority=[0, 1, 2, 3, 4], mu=None, partition_seed=None, n_max=1000)


def plan(method: str = "none", inv_rho: float = 1.0, q: float = 0.5, seed: int = 0, **overrides):
    """Returns the plan of STEP (rho 10) with overrides; inv_rho and q are method settings."""
    imbalance = {**METHOD_DEFAULTS, **STEP, "rho": 10, "method": method, "inv_rho": inv_rho}
    imbalance.update({"q": q, **overrides})
    return plan_data(imbalance, seed, 10)


def test_step_profile_without_correction():
    result = plan()
    assert result.counts == [100] * 5 + [1000] * 5
    assert result.train_counts == result.counts
    assert result.minority == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("method", "inv_rho", "expected"),
    [
        ("ros", 0.4, [400] * 5 + [1000] * 5),
        ("ros", 1.0, [1000] * 10),
        ("two_phase", 0.5, [500] * 5 + [1000] * 5),
        ("rus", 1.0, [100] * 10),
        ("rus", 0.5, [100] * 5 + [200] * 5),
    ],
)
def test_resampling_methods_give_the_asked_counts(method, inv_rho, expected):
    result = plan(method=method, inv_rho=inv_rho)
    assert result.train_counts == expected
    assert result.counts == [100] * 5 + [1000] * 5  # what is kept from the data is unchanged


def test_square_root_sampling_keeps_the_total():
    result = plan(method="sqrt", q=0.5)
    # n^0.5: 10 and 31.62; N = 5500 split in proportion, so minority 1321.x and majority 4178.x.
    assert sum(result.train_counts) == 5500
    assert result.train_counts[0] == pytest.approx(5500 * 10 / (5 * (10 + 1000**0.5)), abs=1)
    assert plan(method="sqrt", q=0.0).train_counts == [550] * 10


@pytest.mark.parametrize("method", ["weighted", "focal", "ldam", "posthoc", "balanced_softmax"])
def test_loss_and_posthoc_methods_train_on_the_imbalanced_set(method):
    assert plan(method=method).train_counts == [100] * 5 + [1000] * 5


def test_mu_draws_the_minority_set_from_the_seed():
    first = plan(mu=0.3, seed=4)
    assert len(first.minority) == 3
    assert first.counts == [100 if c in first.minority else 1000 for c in range(10)]
    assert plan(mu=0.3, seed=4).minority == first.minority
    assert len({tuple(plan(mu=0.3, seed=s).minority) for s in range(6)}) > 1


@pytest.mark.parametrize("profile", ["linear", "exp"])
def test_linear_and_exp_profiles_define_their_minority_as_the_smaller_half(profile):
    result = plan(profile=profile, rho=100)
    assert max(result.counts) == 1000 and min(result.counts) == 10
    assert len(result.minority) == 5
    smallest = sorted(range(10), key=lambda c: (result.counts[c], c))[:5]
    assert result.minority == sorted(smallest)
    # ROS fills every class up to n_max * inv_rho, not only the minority half.
    filled = plan(profile=profile, rho=100, method="ros", inv_rho=0.5)
    assert filled.train_counts == [max(n, 500) for n in result.counts]
