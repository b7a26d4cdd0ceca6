"""The config check: every value against its declaration (config/schema.py, the profile and
method tables), then the rules between keys that no single declaration can say. The first bad
value raises ConfigError, whose one line names the key, its value and what is allowed. No torch:
the sweeper checks every job with it before the first starts (the model's and the Trainer's own
arguments are run/stack_check.py's)."""

from __future__ import annotations

from collections.abc import Iterator
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
    method = METHODS.get(config["imbalance"]["method"])
    for key, setting in declared().items():
        node, _, name = key.rpartition(".")
        value = (config[node] if node else config)[name]
        # A method's own keys by its own declaration (posthoc's tau may be auto).
        allowed = (method.settings if method and node == "imbalance" else {}).get(name, setting)
        if not allowed.allowed.accepts(value):
            others = [
                m for m, o in METHODS.items() if node == "imbalance" and _allows(o, name, value)
            ]
            hint = f" (imbalance.method={', '.join(others)} allows it)" if others else ""
            raise ConfigError(key, value, f"{allowed.allowed}{hint}")
    for key, value, allowed in broken_rules(config):
        raise ConfigError(key, value, allowed)


def _allows(method, name: str, value: object) -> bool:
    return name in method.settings and method.settings[name].allowed.accepts(value)


def broken_rules(config: dict) -> Iterator[tuple[str, object, str]]:
    """Yields (key, value, what is allowed) for each rule between keys that config breaks."""
    imb, data, trainer = config["imbalance"], config["data"], config["trainer"]
    profile, classes = PROFILES[imb["profile"]], data["num_classes"]
    if data["root"] is not None and not Path(data["root"]).is_dir():
        yield "data.root", data["root"], "null (the packaged MNIST) or an existing folder"
    for key, setting in PROFILE_SETTINGS.items():  # a profile's optional keys, where it reads them
        if setting.default is None and imb[key] is not None and key not in profile.reads:
            reads = f"null with imbalance.profile={imb['profile']}, which reads"
            yield f"imbalance.{key}", imb[key], f"{reads} {', '.join(profile.reads)}"
    if profile.every_image and imb["rho"] != 1:
        yield "imbalance.rho", imb["rho"], f"1 with imbalance.profile={imb['profile']}"
    minority = imb["minority"]
    if "minority" in profile.reads and (max(minority) >= classes or len(minority) >= classes):
        allowed = f"a list of 1 to {classes - 1} distinct classes, each in 0..{classes - 1}"
        yield "imbalance.minority", minority, allowed
    if imb["alpha"] is not None and len(imb["alpha"]) != classes:
        yield "imbalance.alpha", imb["alpha"], f"null or a list of {classes} numbers > 0"
    if "n_max" in profile.reads and round(imb["n_max"] / imb["rho"]) < 1:
        allowed = f"below 2 * imbalance.n_max = {2 * imb['n_max']}: I keeps an image a class"
        yield "imbalance.rho", imb["rho"], allowed
    # 1/rho itself must pass though floats round it either way: a relative 1e-9 below.
    if imb["inv_rho"] < (1 / imb["rho"]) * (1 - 1e-9):
        yield "imbalance.inv_rho", imb["inv_rho"], f"a number >= {1 / imb['rho']:g} and <= 1"
    yield from _validation(config, imb, data)
    clip = config["optim"]["clip_grad_norm"]
    if clip is not None and str(trainer.get("precision")) in LOSS_SCALED_PRECISIONS:
        yield "optim.clip_grad_norm", clip, "null under 16-mixed precision: use bf16-mixed"
    epochs = trainer.get("max_epochs")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        yield "trainer.max_epochs", epochs, "an integer >= 1"
    # What Lightning's own step has and this project's does not (training/captured_step.py).
    if trainer.get("gradient_clip_val") is not None:
        yield (
            "trainer.gradient_clip_val",
            trainer["gradient_clip_val"],
            "null: optim.clip_grad_norm",
        )
    if trainer.get("accumulate_grad_batches", 1) != 1:
        allowed = "1: raise data.batch_size instead"
        yield "trainer.accumulate_grad_batches", trainer["accumulate_grad_batches"], allowed
    if config["logger"].get("name") not in LOGGERS:
        yield "logger.name", config["logger"].get("name"), f"one of {', '.join(LOGGERS)}"


def _validation(config: dict, imb: dict, data: dict) -> Iterator[tuple[str, object, str]]:
    """A setting is chosen on the validation split, never by its test score."""
    allowed = logged("val", data["num_classes"])
    for key in ("select", "optimized_metric"):
        value = config[key]
        if value is not None and str(value).startswith("test/"):
            yield key, value, "null or a val/ metric: a setting is never chosen by its test score"
        elif value is not None and value not in allowed:
            yield key, value, f"null or one of {', '.join(allowed[:10])}, ..."
        elif value is not None and data["val_per_class"] == 0:
            yield key, value, "null when data.val_per_class is 0 (no validation)"
    if imb["tau"] == "auto" and data["val_per_class"] == 0:
        yield "imbalance.tau", "auto", "a number when data.val_per_class is 0 (auto tunes on it)"
