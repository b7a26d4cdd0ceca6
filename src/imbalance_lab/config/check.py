"""The config check: every value against its declaration (config/schema.py, the profile and
method tables), then the rules between keys that no single declaration can say. The first bad
value raises ConfigError, whose one line names the key, its value and what is allowed.

No torch: the sweeper checks every job with it before the first starts. What only the training
stack can judge (the model's and the Trainer's own arguments) is run/stack_check.py's.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from imbalance_lab.config.schema import LOGGERS, LOSS_SCALED_PRECISIONS, declared
from imbalance_lab.errors import ConfigError
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.imbalance.profiles import PROFILE_SETTINGS, PROFILES
from imbalance_lab.metrics.names import logged
from imbalance_lab.setting import REQUIRED


def check_config(cfg: DictConfig) -> None:
    """Raises ConfigError for the first key whose value is not allowed (Hydra's node aside)."""
    task = OmegaConf.masked_copy(cfg, [key for key in cfg if key != "hydra"])
    missing = sorted(OmegaConf.missing_keys(task))
    if missing:
        raise ConfigError(missing[0], REQUIRED, "a value: the data config's, or one given here")
    config = OmegaConf.to_container(task, resolve=True)
    check_values(config)
    for rule in (_data, _profile, _classes, _ratios, _validation, _optim, _trainer, _logger):
        rule(config, config["imbalance"], config["data"])


def check_values(config: dict) -> None:
    """Checks every declared key against its declaration; a method's own keys against the chosen
    method's (posthoc's tau may be auto), naming the methods that would allow a refused value."""
    method = METHODS.get(config["imbalance"]["method"])
    own = {f"imbalance.{k}": s for k, s in method.settings.items()} if method else {}
    for key, setting in declared().items():
        node, _, name = key.rpartition(".")
        value = (config[node] if node else config)[name]
        allowed = own.get(key, setting).allowed
        if not allowed.accepts(value):
            raise ConfigError(key, value, f"{allowed}{_allowed_by_others(key, value)}")


def _allowed_by_others(key: str, value: object) -> str:
    """Returns ' (imbalance.method=posthoc allows it)' for a method's key whose value another
    method's declaration allows, else ''."""
    node, _, name = key.partition(".")
    others = [
        m
        for m, method in METHODS.items()
        if node == "imbalance"
        and name in method.settings
        and method.settings[name].allowed.accepts(value)
    ]
    return f" (imbalance.method={', '.join(others)} allows it)" if others else ""


def _logger(config: dict, imb: dict, data: dict) -> None:
    name = config["logger"].get("name")
    if name not in LOGGERS:
        raise ConfigError("logger.name", name, f"one of {', '.join(LOGGERS)}")


def _data(config: dict, imb: dict, data: dict) -> None:
    if data["root"] is not None and not Path(data["root"]).is_dir():
        raise ConfigError(
            "data.root", data["root"], "null (the packaged MNIST) or an existing folder"
        )


def _profile(config: dict, imb: dict, data: dict) -> None:
    """A profile's optional settings stay null where the profile does not read them."""
    profile = PROFILES[imb["profile"]]
    for key, setting in PROFILE_SETTINGS.items():
        if setting.default is None and imb[key] is not None and key not in profile.reads:
            reads = ", ".join(profile.reads)
            raise ConfigError(
                f"imbalance.{key}",
                imb[key],
                f"null with imbalance.profile={imb['profile']}, which reads {reads}",
            )
    if profile.every_image and imb["rho"] != 1:
        raise ConfigError(
            "imbalance.rho",
            imb["rho"],
            f"1 with imbalance.profile={imb['profile']} (every image is kept)",
        )


def _classes(config: dict, imb: dict, data: dict) -> None:
    """Lists of classes fit the data set's C classes."""
    c = data["num_classes"]
    minority = imb["minority"]
    reads = "minority" in PROFILES[imb["profile"]].reads
    if reads and (max(minority) >= c or len(minority) > c - 1):
        raise ConfigError(
            "imbalance.minority",
            minority,
            f"a list of 1 to {c - 1} distinct classes, each in 0..{c - 1}",
        )
    if imb["alpha"] is not None and len(imb["alpha"]) != c:
        raise ConfigError("imbalance.alpha", imb["alpha"], f"null or a list of {c} numbers > 0")


def _ratios(config: dict, imb: dict, data: dict) -> None:
    """Each minority class keeps an image; re-sampling stays within [1/rho, 1]."""
    n_max, rho = imb["n_max"], imb["rho"]
    if "n_max" in PROFILES[imb["profile"]].reads and round(n_max / rho) < 1:
        raise ConfigError(
            "imbalance.rho",
            rho,
            f"below 2 * imbalance.n_max = {2 * n_max}, so that each minority class keeps "
            "round(n_max / rho) >= 1 image",
        )
    # 1/rho itself must pass though floats round it either way: allow a relative 1e-9 below.
    if imb["inv_rho"] < (1 / rho) * (1 - 1e-9):
        raise ConfigError("imbalance.inv_rho", imb["inv_rho"], f"a number >= {1 / rho:g} and <= 1")


def _validation(config: dict, imb: dict, data: dict) -> None:
    """A setting is chosen on the validation split, never by its test score."""
    allowed = logged("val", data["num_classes"])
    for key in ("select", "optimized_metric"):
        value = config[key]
        if value is None:
            continue
        if str(value).startswith("test/"):
            raise ConfigError(
                key, value, "null or a val/ metric: a setting is never chosen by its test score"
            )
        if value not in allowed:
            raise ConfigError(key, value, f"null or one of {', '.join(allowed[:10])}, ...")
        if data["val_per_class"] == 0:
            raise ConfigError(key, value, "null when data.val_per_class is 0 (no validation)")
    if imb["tau"] == "auto" and data["val_per_class"] == 0:
        raise ConfigError(
            "imbalance.tau", "auto", "a number when data.val_per_class is 0 (auto tunes on it)"
        )


def _optim(config: dict, imb: dict, data: dict) -> None:
    precision = str(config["trainer"].get("precision", "32-true"))
    clip = config["optim"]["clip_grad_norm"]
    if clip is not None and precision in LOSS_SCALED_PRECISIONS:
        raise ConfigError(
            "optim.clip_grad_norm",
            clip,
            "null under 16-mixed precision, whose loss scaling would be clipped too; use "
            "bf16-mixed",
        )


def _trainer(config: dict, imb: dict, data: dict) -> None:
    """What the Trainer would take but this project's own training step cannot
    (training/captured_step.py: a CUDA graph records the step whole)."""
    trainer = config["trainer"]
    epochs = trainer.get("max_epochs")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ConfigError("trainer.max_epochs", epochs, "an integer >= 1")
    if trainer.get("gradient_clip_val") is not None:
        raise ConfigError(
            "trainer.gradient_clip_val",
            trainer["gradient_clip_val"],
            "null: clip with optim.clip_grad_norm (the module runs its own training step)",
        )
    if trainer.get("accumulate_grad_batches", 1) != 1:
        raise ConfigError(
            "trainer.accumulate_grad_batches",
            trainer["accumulate_grad_batches"],
            "1: raise data.batch_size instead (the module runs its own training step)",
        )
