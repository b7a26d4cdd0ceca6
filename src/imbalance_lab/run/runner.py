"""run(cfg, output_dir): one experiment from a composed config to metrics.json, as a script of
named steps: check -> plan -> data -> module -> fit -> after training -> test -> results.

run() is the only function that reads the DictConfig: it checks it and turns it into plain
values, which every step below takes. The method's behaviour comes from its table entry
(imbalance/methods.py): its sampling shapes the plan, its loss the module, its after-training
step runs between fit and test.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytorch_lightning as pl
import torch
from lightning_fabric.utilities.rank_zero import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.config.check import check_config
from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.data.idx import load_split
from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.data.subsets import count_classes
from imbalance_lab.folder_claim import claimed_folder
from imbalance_lab.imbalance.methods import method_named, settings_of
from imbalance_lab.imbalance.plan import DataPlan, plan_data
from imbalance_lab.imbalance.profiles import PROFILES
from imbalance_lab.metrics.names import TEST_CONFUSION
from imbalance_lab.run.atomic_io import save_config_files
from imbalance_lab.run.loggers import build_logger, finish_wandb, log_image, log_summary
from imbalance_lab.run.results import collect_results, confusion_title
from imbalance_lab.run.stack_check import check_training_stack
from imbalance_lab.run.trainer_setup import Training, build_trainer
from imbalance_lab.run_folder import (
    CONFUSION_FIGURE,
    LAST_CHECKPOINT,
    METRICS_FILE,
    TESTED_CHECKPOINT,
    finished_metrics,
    write_json_atomic,
)
from imbalance_lab.training.after_training import AFTER_TRAINING, Fitted
from imbalance_lab.training.losses import loss_settings
from imbalance_lab.training.module import ImbalanceClassifier

log = logging.getLogger(__name__)


def run(
    cfg: DictConfig, output_dir: str | Path, group: str | None = None, threads: int | None = None
) -> dict:
    """Trains and tests one configuration; returns the metrics written to output_dir/metrics.json.

    group names the W&B group (the sweep folder) when the run belongs to a multirun; threads
    caps torch's CPU threads (parallel jobs must not oversubscribe the cores). With
    cfg.resume, a finished run is not trained again and an interrupted one continues from
    its last checkpoint.
    """
    check_config(cfg)
    config = OmegaConf.to_container(cfg, resolve=True)
    check_training_stack(config)
    output_dir = Path(output_dir)
    if rank_zero_only.rank != 0:
        # A DDP rank that Lightning started: rank 0 holds the folder and writes its files.
        return train(config, output_dir, group, threads, fingerprint=None)
    with claimed_folder(output_dir, config, resume=config["resume"]) as folder:
        if folder.kind == "finished":
            log.info(f"{output_dir}: finished before (metrics.json), skipped")
            return finished_metrics(output_dir)
        save_config_files(output_dir, cfg)
        return train(config, output_dir, group, threads, folder.fingerprint)


def train(
    config: dict, output_dir: Path, group: str | None, threads: int | None, fingerprint: str | None
) -> dict:
    """Trains and tests a checked config into output_dir (claimed by the caller); returns its
    metrics, written to metrics.json last (its presence marks a finished run)."""
    if threads:
        torch.set_num_threads(threads)
    pl.seed_everything(config["seed"], verbose=False)
    spec = DatasetSpec.from_config(config["data"])
    plan = plan_counts(config, spec)
    datamodule = data_module(config, spec, plan)
    module = classifier(config, spec, plan)
    logger = build_logger(config, output_dir, group)
    training = build_trainer(config, output_dir, logger)
    try:
        started = time.perf_counter()
        fit(training, module, datamodule, output_dir, resume=config["resume"])
        decided = after_training(config, training, module, datamodule, plan)
        tested = save_tested(config, training, output_dir, decided is not None)
        fit_seconds = time.perf_counter() - started
        test_metrics = training.trainer.test(module, datamodule=datamodule, verbose=False)[0]
        metrics = collect_results(
            test_metrics, training, module, datamodule, plan, spec, decided or {}
        )
        metrics.update({"time/fit_s": round(fit_seconds, 3), "test/checkpoint": tested})
        metrics["config/fingerprint"] = fingerprint
        if training.trainer.is_global_zero:
            draw_figure(config, output_dir, metrics, plan, logger)
            log_summary(logger, metrics)
    finally:
        finish_wandb(logger)
    if training.trainer.is_global_zero:
        write_json_atomic(output_dir / METRICS_FILE, metrics)
    return metrics


def plan_counts(config: dict, spec: DatasetSpec) -> DataPlan:
    """Returns the per-class counts of the profile and the method's re-sampling (a profile that
    keeps every image counts what the validation split leaves of the training split)."""
    imbalance = config["imbalance"]
    available = None
    if PROFILES[imbalance["profile"]].every_image:
        labels = torch.from_numpy(load_split(spec.root, "train")[1].copy())
        val_per_class = config["data"]["val_per_class"]
        available = [n - val_per_class for n in count_classes(labels, spec.num_classes)]
    return plan_data(imbalance, config["seed"], spec.num_classes, available)


def data_module(config: dict, spec: DatasetSpec, plan: DataPlan) -> ImbalancedData:
    """Returns the data module that draws the plan's images from the data set."""
    data = config["data"]
    return ImbalancedData(
        class_counts=plan.counts,
        spec=spec,
        val_per_class=data["val_per_class"],
        train_counts=plan.train_counts,
        rotation=float(data["rotation"]),
        batch_size=data["batch_size"],
        seed=config["seed"],
    )


def classifier(config: dict, spec: DatasetSpec, plan: DataPlan) -> ImbalanceClassifier:
    """Returns the LightningModule: the chosen model sized for the data set, the method's loss
    with the method's own settings, the optimizer."""
    model, optim, imbalance = dict(config["model"]), config["optim"], config["imbalance"]
    loss = method_named(imbalance["method"]).loss
    clip = optim["clip_grad_norm"]
    return ImbalanceClassifier(
        model=model.pop("name"),
        model_settings=model,
        minority=plan.minority,
        loss=loss,
        loss_settings=loss_settings(loss, settings_of(imbalance["method"], imbalance)),
        class_counts=plan.train_counts,
        optimizer=optim["name"],
        lr=float(optim["lr"]),
        momentum=float(optim["momentum"]),
        weight_decay=float(optim["weight_decay"]),
        num_classes=spec.num_classes,
        image_shape=spec.image_shape,
        step_mode=config["step_mode"],
        clip_grad_norm=None if clip is None else float(clip),
    )


def fit(
    training: Training,
    module: ImbalanceClassifier,
    datamodule: ImbalancedData,
    output_dir: Path,
    resume: bool,
) -> None:
    """Trains (continuing from checkpoints/last.ckpt when resume finds one), then restores the
    weights of the epoch that validated best when select asks for it."""
    resume_from = output_dir / LAST_CHECKPOINT
    resume_from = resume_from if resume and resume_from.is_file() else None
    if resume_from:
        log.info(f"resuming from {resume_from}")
    training.trainer.fit(module, datamodule=datamodule, ckpt_path=resume_from)
    if training.best:
        training.best.restore(module)  # test the epoch that validated best


def after_training(
    config: dict,
    training: Training,
    module: ImbalanceClassifier,
    datamodule: ImbalancedData,
    plan: DataPlan,
) -> dict | None:
    """Runs the method's after-training step (AFTER_TRAINING); returns what it decided, for
    metrics.json, or None for a method without one."""
    imbalance = config["imbalance"]
    step = method_named(imbalance["method"]).after_training
    if step is None:
        return None
    fitted = Fitted(
        training.trainer, training.kwargs, module, datamodule, training.history, plan.counts
    )
    return AFTER_TRAINING[step](fitted, settings_of(imbalance["method"], imbalance))


def save_tested(config: dict, training: Training, output_dir: Path, changed: bool) -> str | None:
    """Returns the checkpoint whose weights the test will use (None without checkpoints):
    last.ckpt, or tested.ckpt, written now when select or an after-training step changed the
    weights (last.ckpt stays the last epoch's, what a resumed run continues from)."""
    if not config["checkpoint"]:
        return None
    if not (training.best or changed):
        return str(LAST_CHECKPOINT)
    training.trainer.save_checkpoint(output_dir / TESTED_CHECKPOINT)
    return str(TESTED_CHECKPOINT)


def draw_figure(config: dict, output_dir: Path, metrics: dict, plan: DataPlan, logger) -> None:
    """Draws the test confusion matrix into the run folder (and W&B) when confusion_figure."""
    if not config["confusion_figure"]:
        return
    # Imported here: matplotlib takes ~0.5 s to import, paid only by runs that draw.
    from imbalance_lab.run.confusion_figure import plot_confusion_matrix

    figure = output_dir / CONFUSION_FIGURE
    title = confusion_title(config, metrics)
    plot_confusion_matrix(metrics[TEST_CONFUSION], plan.minority, figure, title)
    log_image(logger, TEST_CONFUSION, figure)
