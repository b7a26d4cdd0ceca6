"""Fuzzing the config and the data files: every valid config trains, every invalid one stops
with one line naming the key that was broken.

Validity is decided by an oracle written here from the README's table of options, not by
imbalance_lab.config.check_config.
"""

import json
import math
from pathlib import Path

import pytest
from hydra.errors import MissingConfigException
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from imbalance_lab.errors import ConfigError
from imbalance_lab.run.runner import run

from helpers import MAX_SEED, compose_config

# One training step, one validation batch, one test batch: a valid config runs in about a second.
ONE_STEP = [
    "trainer.limit_train_batches=1",
    "trainer.limit_val_batches=1",
    "trainer.limit_test_batches=1",
    "checkpoint=false",
]
VAL_PER_CLASS = 20  # helpers.TINY
# Images per digit 0-9 in the official MNIST training split; the validation split comes first.
MNIST_TRAIN = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
AVAILABLE = [n - VAL_PER_CLASS for n in MNIST_TRAIN]
PARAMS = {"cnn": 1_618_026, "rnn": 133_810}
METHODS = ("none", "ros", "weighted")
NAN, INF = float("nan"), float("inf")

# The default of each fuzzed key (conf/train.yaml with helpers.TINY).
BASE = {
    "model.name": "cnn",
    "seed": 0,
    "data.batch_size": 128,
    "imbalance.method": "none",
    "imbalance.minority": [0, 1, 2, 3, 4],
    "imbalance.n_max": 200,
    "imbalance.rho": 4,
    "imbalance.inv_rho": 1.0,
    "imbalance.weight": 1.0,
}
FIELDS = tuple(BASE)


# --- the oracle ----------------------------------------------------------------------------------


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def oracle(config: dict) -> tuple[set[str], set[str]]:
    """Returns (keys whose value the README does not allow, other keys an error may name).

    The second set holds keys that cannot be judged because a key they depend on is broken:
    an error naming them is fine, and the config is invalid anyway."""
    broken, maybe = set(), set()

    def require(key: str, allowed: bool) -> None:
        if not allowed:
            broken.add(key)

    require("model.name", config["model.name"] in PARAMS)
    seed = config["seed"]
    require("seed", is_int(seed) and 0 <= seed <= MAX_SEED)
    batch = config["data.batch_size"]
    require("data.batch_size", is_int(batch) and batch >= 1)
    require("imbalance.method", config["imbalance.method"] in METHODS)

    # The minority set I: 1 to 9 distinct digits.
    minority = config["imbalance.minority"]
    minority_ok = (
        isinstance(minority, list)
        and all(is_int(c) and 0 <= c <= 9 for c in minority)
        and len(set(minority)) == len(minority)
        and 1 <= len(minority) <= 9
    )
    require("imbalance.minority", minority_ok)

    n_max, rho, inv_rho = (config[f"imbalance.{k}"] for k in ("n_max", "rho", "inv_rho"))
    n_max_ok = is_int(n_max) and n_max >= 1
    require("imbalance.n_max", n_max_ok)
    rho_ok = is_number(rho) and rho >= 1
    require("imbalance.rho", rho_ok)
    if rho_ok and n_max_ok and round(n_max / rho) < 1:
        # Each minority class keeps round(n_max / rho) images: none is not a training set.
        broken.add("imbalance.rho")
        maybe.add("imbalance.n_max")
        rho_ok = False

    # inv_rho in [1/rho, 1] (checked whatever the method). The strategies never draw a value
    # within float noise below 1/rho, so the bound is compared exactly.
    if not (is_number(inv_rho) and 0 < inv_rho <= 1):
        broken.add("imbalance.inv_rho")
    elif rho_ok:
        require("imbalance.inv_rho", inv_rho >= 1 / rho)
    else:
        maybe.add("imbalance.inv_rho")

    weight = config["imbalance.weight"]
    require("imbalance.weight", weight == "auto" or (is_number(weight) and weight > 0))

    # n_max images per majority class must exist after the validation split (and
    # round(n_max / rho) per minority class).
    if n_max_ok and rho_ok and minority_ok:
        require("imbalance.n_max", all(map(int.__le__, class_counts(config), AVAILABLE)))
    elif n_max_ok and n_max > min(AVAILABLE):
        maybe.add("imbalance.n_max")
    return broken, maybe


def class_counts(config: dict, ros: bool = False) -> list[int]:
    """Returns the images per class that the README promises: n_max for A, round(n_max / rho)
    for I; with ROS, each minority class raised to round(n_max * inv_rho)."""
    n_max, rho, minority = (config[f"imbalance.{k}"] for k in ("n_max", "rho", "minority"))
    counts = [round(n_max / rho) if c in minority else n_max for c in range(10)]
    if ros:
        target = round(n_max * config["imbalance.inv_rho"])
        counts = [max(n, target) if c in minority else n for c, n in enumerate(counts)]
    return counts


# --- configs as overrides -------------------------------------------------------------------------


def render(value) -> str:
    """Returns value as a Hydra override value that parses back to the same Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ",".join(render(v) for v in value) + "]"
    return "'" + value + "'"


def same(found, drawn) -> bool:
    """Returns whether the composed value is the drawn one, of the same type (nan == nan)."""
    if isinstance(drawn, list):
        return isinstance(found, list) and len(found) == len(drawn) and all(map(same, found, drawn))
    if isinstance(drawn, float) and math.isnan(drawn):
        return isinstance(found, float) and math.isnan(found)
    return type(found) is type(drawn) and found == drawn


def check(changes: dict, out_dir: Path) -> None:
    """Composes BASE with changes, runs it, and checks the outcome that the oracle predicts."""
    config = {**BASE, **changes}
    # A real model is chosen as users choose it, by its config group (its own settings
    # come with it); a wrong name is set on the key, where only the config check sees it.
    group = [f"model={config['model.name']}"] if config["model.name"] in PARAMS else []
    overrides = (f"{k}={render(v)}" for k, v in config.items())
    cfg = compose_config([*ONE_STEP, *group, *overrides])
    for key, value in config.items():
        found = OmegaConf.select(cfg, key)
        found = OmegaConf.to_object(found) if OmegaConf.is_list(found) else found
        assert same(found, value), f"{key}: drew {value!r}, Hydra composed {found!r}"

    broken, maybe = oracle(config)
    if broken:
        with pytest.raises(ConfigError) as caught:
            run(cfg, out_dir)
        message = str(caught.value)
        assert len(message.splitlines()) == 1, message
        assert message.split("=", 1)[0] in broken | maybe, f"{message!r}; broken: {broken}"
        assert not (out_dir / "metrics.json").exists()
        return

    metrics = run(cfg, out_dir)
    written = json.loads((out_dir / "metrics.json").read_text())
    assert written.keys() == metrics.keys()
    assert written["test/acc"] == metrics["test/acc"]
    ros = config["imbalance.method"] == "ros"
    assert metrics["train/class_counts"] == class_counts(config, ros)
    assert metrics["train/size"] == sum(metrics["train/class_counts"])
    assert metrics["minority"] == sorted(config["imbalance.minority"])
    assert metrics["model/params"] == PARAMS[config["model.name"]]
    assert len(metrics["history"]) == 1


# --- strategies ----------------------------------------------------------------------------------

# 1 to 9 distinct digits in any order (a unique st.lists would reject many draws).
valid_minority = st.tuples(st.permutations(range(10)), st.integers(1, 9)).map(
    lambda t: list(t[0][: t[1]])
)
STRATEGIES = {  # key: (valid values, values meant to be invalid); the oracle has the last word
    "model.name": (st.sampled_from(["cnn", "rnn"]), st.sampled_from(["mlp", "CNN", "", None])),
    "seed": (
        st.one_of(st.sampled_from([0, 1, MAX_SEED]), st.integers(0, MAX_SEED)),
        st.one_of(st.sampled_from([-1, MAX_SEED + 1, 2**40, 1.5]), st.integers(-(2**40), -1)),
    ),
    "data.batch_size": (
        st.one_of(st.sampled_from([1, 2, 128, 256]), st.integers(1, 256)),
        st.one_of(st.sampled_from([0, -1, 2.5, 64.0]), st.integers(-1000, 0)),
    ),
    "imbalance.method": (st.sampled_from(METHODS), st.sampled_from(["smote", "ROS", "", None])),
    "imbalance.minority": (
        valid_minority,
        st.one_of(
            st.just([]),
            st.just(list(range(10))),
            valid_minority.map(lambda m: [*m, m[0]]),  # a duplicate
            st.tuples(valid_minority, st.sampled_from([-1, 10, 11, 100])).map(
                lambda t: [*t[0], t[1]]  # out of range
            ),
            st.integers(0, 9),  # not a list
            st.sampled_from([[1.5], [True]]),
        ),
    ),
    "imbalance.n_max": (
        st.one_of(st.sampled_from([1, 200, 300]), st.integers(1, 300)),
        st.one_of(st.sampled_from([0, -1, 6000, 10**6]), st.integers(-1000, 0)),
    ),
    "imbalance.rho": (
        st.one_of(st.sampled_from([1, 1.0, 2, 4, 10]), st.floats(1, 20)),
        st.sampled_from([0, 0.5, 0.999, -1, -INF, NAN, INF, 1e6, 1e308]),
    ),
    "imbalance.weight": (
        st.one_of(st.sampled_from(["auto", 1, 5, 0.001]), st.floats(0.01, 100)),
        st.sampled_from([0, 0.0, -1, -0.5, "Auto", "none", "", NAN, -INF, True]),
    ),
}


def inv_rho_strategies(rho) -> tuple:
    """Returns (valid, meant-to-be-invalid) strategies for inv_rho given the drawn rho."""
    if not (is_number(rho) and 1 <= rho < INF):
        return st.sampled_from([1.0, 0.5]), st.sampled_from([0.0, -1.0, 1.5, 2, NAN, INF])
    low = 1 / rho
    valid = st.one_of(st.just(low), st.just(1.0), st.floats(low, 1.0))
    invalid = st.sampled_from([low * 0.5, low * 0.9, 0.0, -1.0, 1.0 + 1e-9, 1.5, 2, NAN, INF])
    return valid, invalid


@st.composite
def configs(draw) -> dict:
    """Returns a config dict: one in two or so breaks one or two keys, the rest are meant
    valid (the oracle decides: a combination of valid values can still be invalid)."""
    broken = draw(
        st.one_of(
            st.just(frozenset()), st.frozensets(st.sampled_from(FIELDS), min_size=1, max_size=2)
        )
    )
    config = {}
    for key, (valid, invalid) in STRATEGIES.items():
        config[key] = draw(invalid if key in broken else valid)
    valid, invalid = inv_rho_strategies(config["imbalance.rho"])
    config["imbalance.inv_rho"] = draw(invalid if "imbalance.inv_rho" in broken else valid)
    return config


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: each example trains a model; a failure is reported as drawn.
    phases=[Phase.explicit, Phase.generate],
)
@given(config=configs())
def test_any_config_trains_or_names_the_broken_key(config, tmp_path_factory):
    broken, _ = oracle(config)
    event("broken: " + ", ".join(sorted(broken)) if broken else "valid")
    check(config, tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize(
    "changes",
    [
        # valid: the bounds themselves
        {"seed": MAX_SEED},
        {"imbalance.rho": 1, "imbalance.inv_rho": 1.0, "imbalance.method": "ros"},
        {"imbalance.rho": 6, "imbalance.inv_rho": 1 / 6, "imbalance.method": "ros"},
        {"imbalance.rho": 300, "model.name": "rnn"},  # round(200 / 300) = 1 image per class
        {"imbalance.n_max": 6000, "imbalance.minority": [0, 2, 4, 5, 6, 8, 9]},  # 1, 3, 7 have 6000
        {"imbalance.method": "weighted", "imbalance.weight": "auto"},
        # invalid
        {"seed": MAX_SEED + 1},
        {"seed": -1},
        {"imbalance.rho": NAN},
        {"imbalance.inv_rho": NAN},
        {"imbalance.inv_rho": NAN, "imbalance.method": "ros"},
        {"imbalance.n_max": 1, "imbalance.rho": 2},  # round(0.5) = 0 images per minority class
        {"imbalance.n_max": 6000},  # digit 5 (in A) has 5,401 images after the validation split
        {"imbalance.minority": list(range(10))},
        {"imbalance.minority": []},
        {"data.batch_size": 0},
        {"imbalance.weight": 0},
    ],
    ids=lambda changes: " ".join(f"{k}={render(v)}" for k, v in changes.items()),
)
def test_edge_configs(changes, tmp_path):
    check(changes, tmp_path)


def test_unknown_group_options_are_hydras_error():
    with pytest.raises(MissingConfigException, match="model/mlp"):
        compose_config(["model=mlp"])
