"""run(cfg, output_dir): one experiment from a composed config to metrics.json.

The only place besides the config check that reads the config; everything below it takes
plain values. The flow: check -> data plan (profile + the method's re-sampling) -> data module
-> LightningModule (model + the method's loss) -> fit -> the method's after-training step ->
test -> metrics.json.
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
from imbalance_lab.folder_claim import claimed_folder
from imbalance_lab.imbalance.counts import class_counts
from imbalance_lab.imbalance.methods import method_named, settings_of
from imbalance_lab.imbalance.plan import plan_data
from imbalance_lab.metrics.reduced import reduced_note
from imbalance_lab.run.files import save_config_files
from imbalance_lab.run.loggers import build_logger, finish_wandb, log_image
from imbalance_lab.run.provenance import machine, source_commit
from imbalance_lab.run.results import collect_metrics, parameter_bytes, run_label, trained_sizes
from imbalance_lab.run.trainer_setup import build_trainer
from imbalance_lab.run_folder import (
    CONFUSION_FIGURE,
    LAST_CHECKPOINT,
    METRICS_FILE,
    TESTED_CHECKPOINT,
    finished_metrics,
    write_json_atomic,
)
from imbalance_lab.training.after_training import run_after_training
from imbalance_lab.training.losses import loss_settings
from imbalance_lab.training.models import count_parameters
from imbalance_lab.training.module import ImbalanceClassifier

log = logging.getLogger(__name__)

# Config keys of the data node that describe the data set (the rest are how it is used).
SPEC_KEYS = ("name", "num_classes", "image_shape", "mean", "std", "root")


def dataset_spec(data: dict) -> DatasetSpec:
    """Returns the dataset spec held by the data config (a plain dict)."""
    spec = {key: data[key] for key in SPEC_KEYS}
    return DatasetSpec(**{**spec, "image_shape": tuple(spec["image_shape"])})


def available_counts(spec: DatasetSpec, val_per_class: int) -> list[int]:
    """Returns the training images per class that the validation split leaves."""
    labels = torch.from_numpy(load_split(spec.root, "train")[1].copy())
    return [n - val_per_class for n in class_counts(labels, spec.num_classes)]


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
    output_dir = Path(output_dir)
    config = OmegaConf.to_container(cfg, resolve=True)
    if rank_zero_only.rank != 0:
        # A DDP rank that Lightning started: rank 0 holds the folder and writes its files.
        return _train(cfg, output_dir, group, threads, None)
    with claimed_folder(output_dir, config, resume=bool(cfg.resume)) as folder:
        if folder.kind == "finished":
            log.info(f"{output_dir}: finished before (metrics.json), skipped")
            return finished_metrics(output_dir)
        save_config_files(output_dir, cfg)
        return _train(cfg, output_dir, group, threads, folder.fingerprint)


def _train(
    cfg: DictConfig,
    output_dir: Path,
    group: str | None,
    threads: int | None,
    fingerprint: str | None,
) -> dict:
    """Trains and tests cfg into output_dir (claimed by the caller); returns its metrics."""
    if threads:
        torch.set_num_threads(threads)
    pl.seed_everything(cfg.seed, verbose=False)

    # Plain values from here on.
    data = OmegaConf.to_container(cfg.data, resolve=True)
    imb = OmegaConf.to_container(cfg.imbalance, resolve=True)
    model_cfg = OmegaConf.to_container(cfg.model, resolve=True)
    spec = dataset_spec(data)
    method = method_named(imb["method"])
    settings = settings_of(imb["method"], imb)
    plan = plan_data(
        method=imb["method"],
        settings=settings,
        profile=imb["profile"],
        minority=list(imb["minority"]),
        mu=None if imb["mu"] is None else float(imb["mu"]),
        partition_seed=imb["partition_seed"],
        n_max=imb["n_max"],
        rho=float(imb["rho"]),
        seed=cfg.seed,
        num_classes=spec.num_classes,
        available=available_counts(spec, data["val_per_class"])
        if imb["profile"] == "original"
        else None,
    )
    datamodule = ImbalancedData(
        class_counts=plan.counts,
        train_counts=plan.train_counts,
        spec=spec,
        val_per_class=data["val_per_class"],
        rotation=float(data["rotation"]),
        batch_size=data["batch_size"],
        seed=cfg.seed,
    )
    module = ImbalanceClassifier(
        model=model_cfg.pop("name"),
        model_settings=model_cfg,
        minority=plan.minority,
        loss=method.loss,
        loss_settings=loss_settings(method.loss, settings),
        class_counts=plan.train_counts,
        optimizer=cfg.optim.name,
        lr=float(cfg.optim.lr),
        momentum=float(cfg.optim.momentum),
        weight_decay=float(cfg.optim.weight_decay),
        num_classes=spec.num_classes,
        image_shape=spec.image_shape,
        step_mode=cfg.step_mode,
        clip_grad_norm=None
        if cfg.optim.clip_grad_norm is None
        else float(cfg.optim.clip_grad_norm),
    )
    logger_cfg = OmegaConf.to_container(cfg.logger, resolve=True)
    logger = build_logger(
        logger_cfg.pop("name"),
        output_dir,
        group=group,
        tags=[cfg.model.name, imb["method"]],
        config=OmegaConf.to_container(cfg, resolve=True),
        **logger_cfg,
    )
    trainer_kwargs = OmegaConf.to_container(cfg.trainer, resolve=True)
    if data["val_per_class"] == 0:
        trainer_kwargs["limit_val_batches"] = 0  # no validation split: the study's baselines
    trainer, history, best = build_trainer(
        trainer_kwargs, output_dir, logger, checkpoint=bool(cfg.checkpoint), select=cfg.select
    )
    resume_from = output_dir / LAST_CHECKPOINT
    resume_from = resume_from if cfg.resume and resume_from.is_file() else None
    if resume_from:
        log.info(f"resuming from {resume_from}")
    try:
        started = time.perf_counter()
        trainer.fit(module, datamodule=datamodule, ckpt_path=resume_from)
        if best:
            best.restore(module)  # test the epoch that validated best
        module.after_training = run_after_training(
            method.after_training,
            settings,
            trainer=trainer,
            trainer_kwargs=trainer_kwargs,
            module=module,
            datamodule=datamodule,
            history=history,
            counts=plan.counts,
        )
        tested = LAST_CHECKPOINT
        if (best or method.after_training) and cfg.checkpoint:
            # last.ckpt stays the last epoch's (what a resumed run continues from); the
            # weights tested below are saved on their own, so that they reproduce the test.
            tested = TESTED_CHECKPOINT
            trainer.save_checkpoint(output_dir / tested)
        fit_seconds = time.perf_counter() - started
        test_metrics = trainer.test(module, datamodule=datamodule, verbose=False)[0]
        confusion = module.confusion("test")  # (C, C), summed over ranks
        val_confusion = module.confusion("val")
        metrics = {
            **collect_metrics(
                test_metrics,
                history.rows,
                plan.minority,
                spec.num_classes,
                val_epoch=best.epoch if best else None,
            ),
            **module.after_training,
            "data/name": spec.name,
            "data/class_counts": plan.counts,
            # Images actually evaluated (trainer.limit_*_batches may cut them).
            "data/test_size": int(confusion.sum()),
            "data/val_size": len(datamodule.splits["val"][1]),
            "train/class_counts": datamodule.train_class_counts,
            "train/size": sum(datamodule.train_class_counts),
            "model/params": count_parameters(module.model),
            "model/bytes": parameter_bytes(module.model),
            "time/fit_s": round(fit_seconds, 3),
            # Whether the (last) fit replayed its steps as CUDA graphs (step_mode, a GPU).
            "train/cuda_graph": bool(module.captured_step and module.captured_step.replays),
            "test/confusion_matrix": confusion.tolist(),  # rows: true class
            "code/commit": source_commit(),
            "config/fingerprint": fingerprint,
            **machine(trainer.strategy.root_device),
            **trained_sizes(history.rows, trainer.num_training_batches),
            # The data set's own test split: what a reduced run's test size is measured against.
            "data/test_split_size": len(datamodule.splits["test"][1]),
            # Images scored by the last validation (trainer.limit_val_batches may cut them).
            "data/val_scored": None if val_confusion is None else int(val_confusion.sum()),
            # The checkpoint whose weights gave these test metrics (None: checkpoint=false).
            "test/checkpoint": str(tested) if cfg.checkpoint else None,
        }
        if best:
            metrics.update({"select/metric": best.metric, "select/epoch": best.epoch})
        # Under DDP every rank gets here with the same metrics: one draws.
        if trainer.is_global_zero and cfg.confusion_figure:
            # Imported here: matplotlib takes ~0.5 s to import, paid only by runs that draw.
            from imbalance_lab.run.confusion_figure import plot_confusion_matrix

            figure = output_dir / CONFUSION_FIGURE
            label = run_label(
                cfg.model.name,
                imb["method"],
                settings,
                float(imb["rho"]),
                float(data["rotation"]),
                cfg.seed,
            )
            title = f"{label}\ntest acc {metrics['test/acc']:.4f}"
            if note := reduced_note(metrics):
                title += f"\n{note}"
            plot_confusion_matrix(metrics["test/confusion_matrix"], plan.minority, figure, title)
            log_image(logger, "test/confusion_matrix", figure)
    finally:
        finish_wandb(logger)
    if trainer.is_global_zero:
        write_json_atomic(output_dir / METRICS_FILE, metrics)  # last: it marks a finished run
    return metrics
