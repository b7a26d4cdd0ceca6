"""What only the training stack can judge, checked before any data is read: the model built from
its settings for the data set, and Lightning's Trainer built from the trainer node (any of its
arguments can be added with +trainer.<name>). An error of either becomes the one line of a
ConfigError naming the key, so `trainer.precision=8` is refused like any other bad value."""

from __future__ import annotations

import functools
import inspect
import json
import logging

import pytorch_lightning as pl
import torch

from imbalance_lab.config.schema import LOSS_SCALED_PRECISIONS
from imbalance_lab.errors import ConfigError, UnknownKeyError, closest
from imbalance_lab.training.models import MODELS, build_model


def check_training_stack(config: dict) -> None:
    """Raises ConfigError when the model or the Trainer refuses its settings (config: the
    composed config as plain values). A sweep's jobs share their nodes: each is built once."""
    _check_model(json.dumps(config["model"]), json.dumps(config["data"]))
    _check_trainer(json.dumps(config["trainer"], sort_keys=True))
    trainer = config["trainer"]
    if config["step_mode"] == "cuda_graph" and not _one_cuda_process(trainer):
        raise ConfigError(
            "step_mode",
            "cuda_graph",
            "auto or eager here: cuda_graph needs a CUDA device, trainer.devices 1 and no "
            "16-mixed precision",
        )


@functools.cache
def _check_model(model_json: str, data_json: str) -> None:
    model, data = json.loads(model_json), json.loads(data_json)
    name, settings = model["name"], {k: v for k, v in model.items() if k != "name"}
    if name not in MODELS:
        raise ConfigError("model.name", name, f"one of {', '.join(MODELS)}")
    try:
        build_model(name, data["num_classes"], tuple(data["image_shape"]), **settings)
    except (TypeError, ValueError, RuntimeError) as error:
        raise _blamed("model", settings, error) from None


@functools.cache
def _check_trainer(trainer_json: str) -> None:
    trainer = json.loads(trainer_json)
    arguments = set(inspect.signature(pl.Trainer.__init__).parameters) - {"self"}
    for key in trainer:
        if key not in arguments:
            close = closest(key, sorted(arguments))
            hint = f" (did you mean {' or '.join(f'trainer.{k}' for k in close)}?)" if close else ""
            message = f"trainer.{key} is not a config key: no argument of pytorch_lightning.Trainer"
            raise UnknownKeyError(f"trainer.{key}", trainer[key], message + hint)
    logging.disable(logging.INFO)  # its device lines are the real Trainer's to say
    try:  # built and dropped: no logger, callbacks or checkpoints, nothing written
        pl.Trainer(**{**trainer, "logger": False, "callbacks": [], "enable_checkpointing": False})
    except Exception as error:  # Lightning raises ValueError, MisconfigurationException, ...
        raise _blamed("trainer", trainer, error) from None
    finally:
        logging.disable(logging.NOTSET)


def _blamed(node: str, settings: dict, error: Exception) -> ConfigError:
    """Returns the ConfigError for a node whose settings were refused: on the setting that the
    error's message names (Lightning's name the argument), else on the node itself."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    named = [key for key in settings if key.lower() in message.lower()]
    if named:
        return ConfigError(f"{node}.{named[0]}", settings[named[0]], message)
    return ConfigError(node, settings, message)


def _one_cuda_process(trainer: dict) -> bool:
    """Returns whether the Trainer settings train in one process on one CUDA device without
    fp16 loss scaling, which is what a captured training step needs."""
    devices = trainer.get("devices", "auto")
    one_device = devices == 1 or (isinstance(devices, list) and len(devices) == 1)
    return (
        torch.cuda.is_available()
        and trainer.get("accelerator", "auto") in ("auto", "gpu", "cuda")
        and one_device
        and trainer.get("num_nodes", 1) == 1
        and str(trainer.get("precision", "32-true")) not in LOSS_SCALED_PRECISIONS
    )
