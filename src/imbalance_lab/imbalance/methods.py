"""The method table: every imbalance method declared once. The config check, the data plan
and run() read it instead of branching on method names.

A method is what `imbalance.method` names: how it re-samples the training set, which loss
(training/losses.py's registry) it trains with, what runs after training, and which
`imbalance.*` settings it owns. Its settings' defaults live in conf/train.yaml, and they reach
the re-sampling, the loss and the after-training step unchanged, as one mapping (see
settings_of). To add a method: one entry here, one loss class if it needs a new loss, one row
in docs/methods.md (docs/architecture.md has the recipe).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SAMPLINGS = ("over", "under", "power")  # imbalance/plan.py: ROS, RUS, n_c ** q
AFTER_TRAINING = ("posthoc", "two_phase")  # training/after_training.py


@dataclass(frozen=True)
class Method:
    """How one method trains.

    sampling: None (train on the imbalanced set) or one of SAMPLINGS.
    loss: a name in training.losses.LOSSES.
    after_training: None or one of AFTER_TRAINING.
    settings: the imbalance.* keys the method reads (its own settings).
    """

    sampling: str | None = None
    loss: str = "cross_entropy"
    after_training: str | None = None
    settings: tuple[str, ...] = ()

    def __post_init__(self):
        if self.sampling is not None and self.sampling not in SAMPLINGS:
            raise ValueError(f"sampling must be None or one of {SAMPLINGS}, got {self.sampling!r}")
        if self.after_training is not None and self.after_training not in AFTER_TRAINING:
            raise ValueError(
                f"after_training must be None or one of {AFTER_TRAINING}, "
                f"got {self.after_training!r}"
            )


METHODS: dict[str, Method] = {
    "none": Method(),
    "ros": Method(sampling="over", settings=("inv_rho",)),
    "rus": Method(sampling="under", settings=("inv_rho",)),
    "sqrt": Method(sampling="power", settings=("q",)),
    "weighted": Method(loss="weighted_cross_entropy", settings=("weight",)),
    "class_balanced": Method(loss="class_balanced", settings=("beta",)),
    "focal": Method(loss="focal", settings=("gamma", "alpha")),
    "ldam": Method(loss="ldam", settings=("max_margin", "scale", "drw_epoch", "beta")),
    "logit_adjusted": Method(loss="logit_adjusted", settings=("tau",)),
    "balanced_softmax": Method(loss="balanced_softmax"),
    "posthoc": Method(after_training="posthoc", settings=("tau",)),
    "two_phase": Method(
        sampling="over", after_training="two_phase", settings=("inv_rho", "finetune_epochs")
    ),
}


def method_named(name: str) -> Method:
    """Returns the table entry of method `name` (KeyError naming the known ones otherwise)."""
    try:
        return METHODS[name]
    except KeyError:
        raise KeyError(f"unknown method {name!r}; known: {', '.join(METHODS)}") from None


def settings_of(name: str, imbalance: Mapping[str, object]) -> dict[str, object]:
    """Returns the method's own settings, {key: value}, taken from the imbalance config values
    (a plain mapping), unchanged."""
    return {key: imbalance[key] for key in method_named(name).settings}
