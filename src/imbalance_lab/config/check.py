"""Checks a composed config before any data is read: the first bad value stops the run with
one line naming the key, the value and what is allowed.

This is the only module besides run() that reads a DictConfig. It imports no training stack
(the sweeper plugin imports it at Hydra's start); the model and loss checks import torch when
they run.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from imbalance_lab.config.step_modes import LOSS_SCALED_PRECISIONS, STEP_MODES
from imbalance_lab.config.values import (
    choice,
    class_list,
    flag,
    is_int,
    is_number,
    number,
    per_class_numbers,
)
from imbalance_lab.errors import ConfigError
from imbalance_lab.imbalance.methods import METHODS, method_named, settings_of
from imbalance_lab.metrics.names import logged

PROFILES = ("step", "linear", "exp", "original")
OPTIMIZERS = ("adam", "sgd")
LOGGERS = ("csv", "wandb", "none")
NODES = ("model", "data", "imbalance", "optim", "logger", "trainer")
# The packaged MNIST (data.root null) is 10 classes of 28 x 28 pixels.
PACKAGED = {"num_classes": 10, "image_shape": [28, 28]}


def check_config(cfg: DictConfig) -> None:
    """Raises ConfigError for the first key whose value is not allowed."""
    for node in NODES:
        missing = OmegaConf.missing_keys(cfg[node])
        if missing:
            raise ConfigError(f"{node}.{sorted(missing)[0]}", "???", "a value is required")
    plain = {node: OmegaConf.to_container(cfg[node], resolve=True) for node in NODES}
    number("seed", cfg.seed, 0, 2**32 - 1, integer=True)  # numpy's and Lightning's range
    for key in ("checkpoint", "resume", "confusion_figure"):
        flag(key, cfg[key])
    if cfg.threads is not None:
        number("threads", cfg.threads, 1, integer=True)
    data = plain["data"]
    _check_data(data)
    _check_imbalance(plain["imbalance"], data)
    _check_model(plain["model"], data)
    _check_optim(plain["optim"], plain["trainer"])
    _check_validation_metrics(cfg.select, cfg.optimized_metric, data)
    choice("logger.name", plain["logger"]["name"], LOGGERS)
    number("trainer.max_epochs", plain["trainer"]["max_epochs"], 1, integer=True)
    _check_step_mode(cfg.step_mode, plain["trainer"])


def _check_validation_metrics(select, optimized_metric, data: dict) -> None:
    """select and optimized_metric name a validation metric or are null: a setting is never
    chosen by its test score."""
    allowed = logged("val", data["num_classes"])
    for key, value in (("select", select), ("optimized_metric", optimized_metric)):
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


def _check_data(data: dict) -> None:
    """Checks the dataset spec and how the data are used."""
    if not isinstance(data["name"], str) or not data["name"]:
        raise ConfigError("data.name", data["name"], "a non-empty name")
    number("data.num_classes", data["num_classes"], 2, integer=True)
    shape = data["image_shape"]
    pixels = isinstance(shape, list) and all(is_int(n) and n >= 2 for n in shape)
    if not (pixels and len(shape) == 2):
        raise ConfigError("data.image_shape", shape, "[height, width], each an integer >= 2")
    number("data.mean", data["mean"], float("-inf"))
    number("data.std", data["std"], 0, low_open=True)
    root = data["root"]
    if root is None:
        for key, packaged in PACKAGED.items():
            if data[key] != packaged:
                raise ConfigError(
                    f"data.{key}",
                    data[key],
                    f"{packaged} with data.root null (the packaged MNIST); set data.root to "
                    "the folder of your IDX files",
                )
    elif not Path(str(root)).is_dir():
        raise ConfigError("data.root", root, "null (the packaged MNIST) or an existing folder")
    number("data.val_per_class", data["val_per_class"], 0, integer=True)
    number("data.rotation", data["rotation"], 0, 180)
    number("data.batch_size", data["batch_size"], 1, integer=True)


def _check_imbalance(imb: dict, data: dict) -> None:
    """Checks the profile and every method setting (for every method, so that a sweep over a
    setting the method ignores is caught rather than silently void)."""
    num_classes = data["num_classes"]
    choice("imbalance.profile", imb["profile"], PROFILES)
    choice("imbalance.method", imb["method"], list(METHODS))
    class_list("imbalance.minority", imb["minority"], num_classes)
    n_max = number("imbalance.n_max", imb["n_max"], 1, integer=True)
    rho = number("imbalance.rho", imb["rho"], 1)
    if imb["profile"] == "original" and rho != 1:
        raise ConfigError(
            "imbalance.rho", rho, "1 with imbalance.profile=original (every image is kept)"
        )
    if round(n_max / rho) < 1:
        raise ConfigError(
            "imbalance.rho",
            rho,
            f"below 2 * imbalance.n_max = {2 * n_max}, so that each minority class keeps "
            "round(n_max / rho) >= 1 image",
        )
    # 1/rho itself must pass though floats round it either way: allow a relative 1e-9 below.
    number("imbalance.inv_rho", imb["inv_rho"], (1 / rho) * (1 - 1e-9), 1)
    if imb["weight"] != "auto" and not (is_number(imb["weight"]) and imb["weight"] > 0):
        raise ConfigError("imbalance.weight", imb["weight"], "a number > 0, or auto")
    if imb["partition_seed"] is not None:
        number("imbalance.partition_seed", imb["partition_seed"], 0, 2**63 - 1, integer=True)
        if imb["profile"] not in ("step", "original"):
            raise ConfigError(
                "imbalance.partition_seed",
                imb["partition_seed"],
                f"null with imbalance.profile={imb['profile']}, whose minority set is the half "
                "of the classes with the fewest images",
            )
    if imb["mu"] is not None:
        number("imbalance.mu", imb["mu"], 0, 1, low_open=True)
        if imb["mu"] == 1:
            raise ConfigError("imbalance.mu", imb["mu"], "a fraction < 1: A must keep a class")
    number("imbalance.q", imb["q"], 0)
    number("imbalance.beta", imb["beta"], 0, 0.999999999)
    number("imbalance.gamma", imb["gamma"], 0)
    per_class_numbers("imbalance.alpha", imb["alpha"], num_classes)
    number("imbalance.max_margin", imb["max_margin"], 0, low_open=True)
    number("imbalance.scale", imb["scale"], 0, low_open=True)
    if imb["drw_epoch"] is not None:
        number("imbalance.drw_epoch", imb["drw_epoch"], 0, integer=True)
    tau_is_auto = imb["tau"] == "auto" and method_named(imb["method"]).after_training == "posthoc"
    if not tau_is_auto and not (is_number(imb["tau"]) and imb["tau"] >= 0):
        raise ConfigError("imbalance.tau", imb["tau"], "a number >= 0 (auto: posthoc only)")
    if tau_is_auto and data["val_per_class"] == 0:
        raise ConfigError(
            "imbalance.tau", "auto", "a number when data.val_per_class is 0 (auto tunes on it)"
        )
    number("imbalance.finetune_epochs", imb["finetune_epochs"], 1, integer=True)
    _check_loss(imb, num_classes)


def _check_loss(imb: dict, num_classes: int) -> None:
    """Builds the method's loss from its settings: a setting that the loss refuses (a method
    added to the table whose settings have no check above) is caught here, before any data."""
    from imbalance_lab.training.losses import build_loss  # imports torch

    method = method_named(imb["method"])
    try:
        build_loss(method.loss, [1] * num_classes, imb["minority"], settings_of(imb["method"], imb))
    except (TypeError, ValueError, KeyError) as error:
        raise ConfigError(
            "imbalance.method", imb["method"], f"settings it accepts: {error}"
        ) from None


def _check_model(model: dict, data: dict) -> None:
    """Checks model.name and builds the model from its settings, sized for the data set."""
    from imbalance_lab.training.models import MODELS, build_model  # imports torch

    name = choice("model.name", model["name"], list(MODELS))
    settings = {key: value for key, value in model.items() if key != "name"}
    try:
        build_model(name, data["num_classes"], tuple(data["image_shape"]), **settings)
    except (TypeError, ValueError, RuntimeError) as error:
        raise ConfigError("model", name, f"settings that {name} accepts: {error}") from None


def _check_optim(optim: dict, trainer: dict) -> None:
    choice("optim.name", optim["name"], OPTIMIZERS)
    number("optim.lr", optim["lr"], 0, low_open=True)
    number("optim.momentum", optim["momentum"], 0, 1)
    number("optim.weight_decay", optim["weight_decay"], 0)
    if optim["clip_grad_norm"] is not None:
        number("optim.clip_grad_norm", optim["clip_grad_norm"], 0, low_open=True)
    # The options that only Lightning's automatic optimisation has: the module runs its own
    # training step (training/captured_step.py), as a CUDA graph can only record it whole.
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
    precision = str(trainer.get("precision", "32-true"))
    if optim["clip_grad_norm"] is not None and precision in LOSS_SCALED_PRECISIONS:
        raise ConfigError(
            "optim.clip_grad_norm",
            optim["clip_grad_norm"],
            "null under 16-mixed precision, whose loss scaling would be clipped too; use "
            "bf16-mixed",
        )


def _check_step_mode(step_mode: str, trainer: dict) -> None:
    choice("step_mode", step_mode, STEP_MODES)
    if step_mode == "cuda_graph" and not _one_cuda_process(trainer):
        raise ConfigError(
            "step_mode",
            "cuda_graph",
            "auto or eager here: cuda_graph needs a CUDA device, trainer.devices 1 and no "
            "16-mixed precision",
        )


def _one_cuda_process(trainer: dict) -> bool:
    """Returns whether the Trainer settings train in one process on one CUDA device without
    fp16 loss scaling, which is what a captured training step needs."""
    import torch

    devices = trainer.get("devices", "auto")
    one_device = devices == 1 or (isinstance(devices, list) and len(devices) == 1)
    return (
        torch.cuda.is_available()
        and trainer.get("accelerator", "auto") in ("auto", "gpu", "cuda")
        and one_device
        and trainer.get("num_nodes", 1) == 1
        and str(trainer.get("precision", "32-true")) not in LOSS_SCALED_PRECISIONS
    )
