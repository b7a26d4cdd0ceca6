"""Checks a composed config before any data is read: the first bad value stops the run with
one line naming the key, the value and what is allowed.

This is the only module besides train.run() that reads a DictConfig."""

from __future__ import annotations

import math
import numbers
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.captured_step import LOSS_SCALED_PRECISIONS
from imbalance_lab.errors import ConfigError
from imbalance_lab.models import MODELS
from imbalance_lab.module import STEP_MODES

METHODS = (
    "none",
    "ros",
    "rus",
    "sqrt",
    "weighted",
    "class_balanced",
    "focal",
    "ldam",
    "logit_adjusted",
    "balanced_softmax",
    "posthoc",
    "two_phase",
)
PROFILES = ("step", "linear", "exp", "original")
OPTIMIZERS = ("adam", "sgd")
LOGGERS = ("csv", "wandb", "none")


def _is_number(value: object) -> bool:
    """Returns whether value is a finite real number (nan and inf pass no bound check)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _number(
    key: str,
    value: object,
    low: float,
    high: float = float("inf"),
    *,
    low_open: bool = False,
    integer: bool = False,
) -> float:
    """Returns value if it is a number in [low, high] (or (low, high] when low_open)."""
    kind = "an integer" if integer else "a number"
    bounds = f"{'>' if low_open else '>='} {low:g}" + (
        f" and <= {high:g}" if high < float("inf") else ""
    )
    if not (_is_int(value) if integer else _is_number(value)):
        raise ConfigError(key, value, f"{kind} {bounds}")
    if value < low or (low_open and value == low) or value > high:
        raise ConfigError(key, value, f"{kind} {bounds}")
    return value


def _choice(key: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(key, value, "one of " + ", ".join(allowed))
    return value


def check_config(cfg: DictConfig) -> None:
    """Raises ConfigError for the first key whose value is not allowed."""
    for node in ("model", "data", "imbalance", "optim", "logger", "trainer"):
        missing = OmegaConf.missing_keys(cfg[node])
        if missing:
            raise ConfigError(f"{node}.{sorted(missing)[0]}", "???", "a value is required")

    _choice("model.name", cfg.model.name, tuple(MODELS))
    _number("seed", cfg.seed, 0, 2**32 - 1, integer=True)  # numpy's and Lightning's range
    for key in ("checkpoint", "resume", "confusion_figure"):
        if not isinstance(cfg[key], bool):
            raise ConfigError(key, cfg[key], "true or false")
    if cfg.threads is not None:
        _number("threads", cfg.threads, 1, integer=True)

    data = cfg.data
    if data.root is not None and not Path(str(data.root)).is_dir():
        raise ConfigError("data.root", data.root, "null (the packaged MNIST) or an existing folder")
    _number("data.val_per_class", data.val_per_class, 0, integer=True)
    _number("data.rotation", data.rotation, 0, 180)
    _number("data.batch_size", data.batch_size, 1, integer=True)

    imb = cfg.imbalance
    _choice("imbalance.profile", imb.profile, PROFILES)
    _choice("imbalance.method", imb.method, METHODS)
    minority = (
        OmegaConf.to_object(imb.minority) if OmegaConf.is_list(imb.minority) else imb.minority
    )
    if (
        not isinstance(minority, list)
        or not all(_is_int(c) and 0 <= c <= 9 for c in minority)
        or len(set(minority)) != len(minority)
        or not 1 <= len(minority) <= 9
    ):
        raise ConfigError(
            "imbalance.minority", minority, "a list of 1 to 9 distinct classes, each in 0..9"
        )
    _number("imbalance.n_max", imb.n_max, 1, integer=True)
    rho = _number("imbalance.rho", imb.rho, 1)
    if imb.profile == "original" and rho != 1:
        raise ConfigError(
            "imbalance.rho", rho, "1 with imbalance.profile=original (every image is kept)"
        )
    if round(imb.n_max / rho) < 1:
        raise ConfigError(
            "imbalance.rho",
            rho,
            f"below 2 * imbalance.n_max = {2 * imb.n_max}, so that each minority class keeps "
            "round(n_max / rho) >= 1 image",
        )
    # Checked for every method, so that a sweep over inv_rho without ROS is not silently void.
    # 1/rho itself must pass though floats round it either way: allow a relative 1e-9 below.
    _number("imbalance.inv_rho", imb.inv_rho, (1 / rho) * (1 - 1e-9), 1)
    if imb.weight != "auto" and not (_is_number(imb.weight) and imb.weight > 0):
        raise ConfigError("imbalance.weight", imb.weight, "a number > 0, or auto")
    if imb.mu is not None:
        _number("imbalance.mu", imb.mu, 0, 1, low_open=True)
        if imb.mu == 1:
            raise ConfigError("imbalance.mu", imb.mu, "a fraction < 1: A must keep a class")
    _number("imbalance.q", imb.q, 0)
    _number("imbalance.beta", imb.beta, 0, 0.999999999)
    _number("imbalance.gamma", imb.gamma, 0)
    alpha = OmegaConf.to_object(imb.alpha) if OmegaConf.is_list(imb.alpha) else imb.alpha
    if alpha is not None and not (
        isinstance(alpha, list) and len(alpha) == 10 and all(_is_number(a) and a > 0 for a in alpha)
    ):
        raise ConfigError("imbalance.alpha", alpha, "null or a list of 10 numbers > 0")
    _number("imbalance.max_margin", imb.max_margin, 0, low_open=True)
    _number("imbalance.scale", imb.scale, 0, low_open=True)
    if imb.drw_epoch is not None:
        _number("imbalance.drw_epoch", imb.drw_epoch, 0, integer=True)
    tau_is_auto = imb.tau == "auto" and imb.method == "posthoc"
    if not tau_is_auto and not (_is_number(imb.tau) and imb.tau >= 0):
        raise ConfigError("imbalance.tau", imb.tau, "a number >= 0 (auto: posthoc only)")
    if tau_is_auto and data.val_per_class == 0:
        raise ConfigError(
            "imbalance.tau", "auto", "a number when data.val_per_class is 0 (auto tunes on it)"
        )
    _number("imbalance.finetune_epochs", imb.finetune_epochs, 1, integer=True)

    optim = cfg.optim
    _choice("optim.name", optim.name, OPTIMIZERS)
    _number("optim.lr", optim.lr, 0, low_open=True)
    _number("optim.momentum", optim.momentum, 0, 1)
    _number("optim.weight_decay", optim.weight_decay, 0)
    if optim.clip_grad_norm is not None:
        _number("optim.clip_grad_norm", optim.clip_grad_norm, 0, low_open=True)

    _choice("logger.name", cfg.logger.name, LOGGERS)
    _number("trainer.max_epochs", cfg.trainer.max_epochs, 1, integer=True)
    _check_manual_optimisation(cfg)
    _choice("step_mode", cfg.step_mode, STEP_MODES)
    if cfg.step_mode == "cuda_graph" and not _one_cuda_process(cfg.trainer):
        raise ConfigError(
            "step_mode",
            "cuda_graph",
            "auto or eager here: cuda_graph needs a CUDA device, trainer.devices 1 and no "
            "16-mixed precision",
        )


def _check_manual_optimisation(cfg: DictConfig) -> None:
    """Refuses the Trainer options that only automatic optimisation has: the module runs its
    own training step (captured_step.CapturedStep), as a CUDA graph can only record it whole."""
    trainer = cfg.trainer
    if trainer.get("gradient_clip_val") is not None:
        raise ConfigError(
            "trainer.gradient_clip_val",
            trainer.gradient_clip_val,
            "null: clip with optim.clip_grad_norm (the module runs its own training step)",
        )
    if trainer.get("accumulate_grad_batches", 1) != 1:
        raise ConfigError(
            "trainer.accumulate_grad_batches",
            trainer.accumulate_grad_batches,
            "1: raise data.batch_size instead (the module runs its own training step)",
        )
    precision = str(trainer.get("precision", "32-true"))
    if cfg.optim.clip_grad_norm is not None and precision in LOSS_SCALED_PRECISIONS:
        raise ConfigError(
            "optim.clip_grad_norm",
            cfg.optim.clip_grad_norm,
            "null under 16-mixed precision, whose loss scaling would be clipped too; use "
            "bf16-mixed",
        )


def _one_cuda_process(trainer: DictConfig) -> bool:
    """Returns whether the Trainer settings train in one process on one CUDA device without
    fp16 loss scaling, which is what a captured training step needs."""
    devices = trainer.get("devices", "auto")
    one_device = devices == 1 or (OmegaConf.is_list(devices) and len(devices) == 1)
    return (
        torch.cuda.is_available()
        and trainer.get("accelerator", "auto") in ("auto", "gpu", "cuda")
        and one_device
        and trainer.get("num_nodes", 1) == 1
        and str(trainer.get("precision", "32-true")) not in LOSS_SCALED_PRECISIONS
    )
