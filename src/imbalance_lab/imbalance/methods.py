"""The method table: every imbalance method declared once, with its own `imbalance.*` settings
(default, allowed values, meaning) beside its entry. The schema, the config check, the data
plan, run(), --help and the docs read it instead of branching on method names.

A method is what `imbalance.method` names: how it re-samples the training set (SAMPLINGS),
which loss it trains with (training/losses.py's LOSSES), what runs after training
(training/after_training.py's AFTER_TRAINING) and its settings, which reach the re-sampling,
the loss and the after-training step unchanged, as one mapping (settings_of). To add a method:
one entry here, and one loss class if it needs a new loss (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from imbalance_lab.imbalance.sampling import SAMPLINGS
from imbalance_lab.setting import NULL, Either, ListOf, Number, OneOf, Setting

AUTO = OneOf(("auto",))
INV_RHO = Setting(
    1.0,
    Number(0, 1, low_open=True),
    "re-sample to the ratio 1/inv_rho of the largest to the smallest class, in [1/rho, 1]",
)
BETA = Setting(
    0.9999,
    Number(0, 1, high_open=True),
    "the effective-number beta of the class-balanced weights (1 - beta) / (1 - beta^n_c)",
)
TAU = Setting(1.0, Number(0), "the strength of the log-prior tau")


@dataclass(frozen=True)
class Method:
    """How one method trains: sampling (None: the imbalanced set, or a key of SAMPLINGS), loss
    (a key of LOSSES), after_training (None or a key of AFTER_TRAINING), its own settings, and
    what it does (description, reference: --help and docs/methods.md show them)."""

    description: str
    sampling: str | None = None
    loss: str = "cross_entropy"
    after_training: str | None = None
    settings: Mapping[str, Setting] = field(default_factory=dict)
    reference: str = ""

    def __post_init__(self):
        if self.sampling is not None and self.sampling not in SAMPLINGS:
            known = ", ".join(SAMPLINGS)
            raise ValueError(f"sampling must be None or one of {known}, got {self.sampling!r}")


METHODS: dict[str, Method] = {
    "none": Method("cross-entropy on the imbalanced set"),
    "ros": Method(
        "random over-sampling: every class below round(max_c n_c x inv_rho) draws its own "
        "images again, with replacement, up to that count",
        sampling="over",
        settings={"inv_rho": INV_RHO},
        reference="the study; Buda et al. 2018",
    ),
    "rus": Method(
        "random under-sampling: each majority class is cut, without replacement, to "
        "max(n_min, round(n_min / inv_rho)), n_min the smallest minority count",
        sampling="under",
        settings={"inv_rho": INV_RHO},
        reference="Buda et al. 2018",
    ),
    "sqrt": Method(
        "re-samples to the same total N with class c in proportion to n_c^q (q 0.5: square-root "
        "sampling; q 0: class-balanced sampling; q 1: unchanged)",
        sampling="power",
        settings={"q": Setting(0.5, Number(0), "class c is sampled in proportion to n_c^q")},
        reference="Mahajan et al. 2018; Kang et al. 2020",
    ),
    "weighted": Method(
        "cross-entropy weighted `weight` on I and 1 on A",
        loss="weighted_cross_entropy",
        settings={
            "weight": Setting(
                1.0,
                Either((Number(0, low_open=True), AUTO)),
                "the minority classes' loss weight (1 on A); auto: w_c = N / (C n_c)",
            )
        },
        reference="the study",
    ),
    "class_balanced": Method(
        "cross-entropy weighted w_c = (1 - beta) / (1 - beta^n_c), scaled to sum to C",
        loss="class_balanced",
        settings={"beta": BETA},
        reference="Cui et al. 2019",
    ),
    "focal": Method(
        "mean over the batch of -alpha_y (1 - p_y)^gamma log p_y",
        loss="focal",
        settings={
            "gamma": Setting(2.0, Number(0), "the focusing parameter (0 is cross-entropy)"),
            "alpha": Setting(
                None,
                Either((NULL, ListOf(Number(0, low_open=True)))),
                "optional per-class weights, C numbers",
            ),
        },
        reference="Lin et al. 2017",
    ),
    "ldam": Method(
        "CE(scale (z - m_y e_y)) with margins m_c = max_margin n_c^(-1/4) / max_c' n_c'^(-1/4); "
        "from epoch drw_epoch on, weighted by the class-balanced weights of beta (deferred "
        "re-weighting, DRW)",
        loss="ldam",
        settings={
            "max_margin": Setting(0.5, Number(0, low_open=True), "the largest class margin"),
            "scale": Setting(
                1.0,
                Number(0, low_open=True),
                "the logit scale (Cao et al. use 30 on cosine logits; ours are raw)",
            ),
            "drw_epoch": Setting(
                None,
                Either((NULL, Number(0, integer=True))),
                "the epoch, counted from 0, from which to re-weight; null: never",
            ),
            "beta": BETA,
        },
        reference="Cao et al. 2019",
    ),
    "logit_adjusted": Method(
        "CE(z + tau log pi)",
        loss="logit_adjusted",
        settings={"tau": TAU},
        reference="Menon et al. 2021",
    ),
    "balanced_softmax": Method(
        "CE(z + log n_c), which is logit_adjusted at tau 1",
        loss="balanced_softmax",
        reference="Ren et al. 2020",
    ),
    "posthoc": Method(
        "trains with cross-entropy, then predicts argmax(z - tau log pi); tau 1 is prior "
        "thresholding; tau auto picks tau in {0, 0.25, ..., 2} for balanced accuracy on the "
        "validation split (the smallest on ties)",
        after_training="posthoc",
        settings={"tau": Setting(TAU.default, Either((TAU.allowed, AUTO)), TAU.meaning)},
        reference="Buda et al. 2018; Menon et al. 2021",
    ),
    "two_phase": Method(
        "trains on the ROS set (as ros), then fine-tunes only the model's last layer on the "
        "imbalanced set with cross-entropy at lr / 10 for finetune_epochs epochs",
        sampling="over",
        after_training="two_phase",
        settings={
            "inv_rho": INV_RHO,
            "finetune_epochs": Setting(
                2, Number(1, integer=True), "epochs of last-layer fine-tuning on the imbalanced set"
            ),
        },
        reference="Buda et al. 2018",
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
