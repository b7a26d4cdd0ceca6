"""run(cfg, output_dir): one experiment from a composed config to metrics.json.

The only place where the config is read; everything below takes plain values.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import ModelCheckpoint

from imbalance_lab import imbalance
from imbalance_lab.after_training import adjust_logits_posthoc, fine_tune_on_imbalanced
from imbalance_lab.config import check_config
from imbalance_lab.data import ImbalancedMNIST
from imbalance_lab.files import AtomicCheckpointIO, write_json_atomic
from imbalance_lab.history import EpochHistory
from imbalance_lab.idx import load_split
from imbalance_lab.loggers import build_logger, finish_wandb, log_image
from imbalance_lab.metrics import per_class_normalised_rates
from imbalance_lab.models import count_parameters
from imbalance_lab.module import ImbalanceClassifier
from imbalance_lab.provenance import source_commit
from imbalance_lab.recipe import plan_data

NUM_CLASSES = 10
# Methods trained with plain cross-entropy (they re-sample, or act after training); the loss
# methods carry their own name, and weighted is cross-entropy with class weights.
LOSS_OF_METHOD = {
    method: "cross_entropy"
    for method in ("none", "ros", "rus", "sqrt", "two_phase", "posthoc", "weighted")
}
METRICS_FILE = "metrics.json"
LAST_CHECKPOINT = Path("checkpoints") / "last.ckpt"
CONFUSION_FIGURE = "confusion_matrix.png"

log = logging.getLogger(__name__)


def finished_metrics(output_dir: Path) -> dict | None:
    """Returns the metrics of a run that finished in output_dir, None if it did not.

    metrics.json is written last and atomically, so a readable one means a finished run."""
    try:
        metrics = json.loads((output_dir / METRICS_FILE).read_text())
    except (OSError, ValueError):
        return None
    return metrics if "test/acc" in metrics else None


def class_weights_for(
    method: str, weight, minority: list[int], counts: list[int]
) -> list[float] | None:
    """Returns the loss weights (C,) of the method, None for an unweighted loss."""
    if method != "weighted":
        return None
    if weight == "auto":
        return imbalance.inverse_frequency_weights(counts)
    return imbalance.minority_weights(len(counts), minority, float(weight))


def collect_metrics(test_metrics: dict, history: list[dict], minority: list[int]) -> dict:
    """Returns the test metrics and the last epoch's validation metrics, each with their
    group-size-corrected p-rates, and the per-epoch history, rounded to 6 digits."""
    metrics = {k: round(float(v), 6) for k, v in test_metrics.items()}
    metrics.update({k: v for k, v in history[-1].items() if k.startswith("val/")})
    for stage in ("test", "val"):
        rates = {k.removeprefix(f"{stage}/"): v for k, v in metrics.items() if k.startswith(stage)}
        if not rates:
            continue  # no validation split (data.val_per_class=0)
        corrected = per_class_normalised_rates(rates, minority, NUM_CLASSES)
        metrics.update({f"{stage}/{k}": round(v, 6) for k, v in corrected.items()})
    return {**metrics, "history": history, "minority": minority}


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
    if cfg.resume and (done := finished_metrics(output_dir)) is not None:
        log.info(f"{output_dir}: finished before (metrics.json), skipped")
        return done
    output_dir.mkdir(parents=True, exist_ok=True)
    if threads:
        torch.set_num_threads(threads)
    pl.seed_everything(cfg.seed, verbose=False)

    imb, data = cfg.imbalance, cfg.data
    available = None
    if imb.profile == "original":
        # Every training image after the validation split (val_per_class of each class).
        labels = torch.from_numpy(load_split(data.root, "train")[1].copy())
        available = [n - data.val_per_class for n in imbalance.class_counts(labels, NUM_CLASSES)]
    plan = plan_data(
        profile=imb.profile,
        minority=list(OmegaConf.to_object(imb.minority)),
        mu=None if imb.mu is None else float(imb.mu),
        n_max=imb.n_max,
        rho=float(imb.rho),
        method=imb.method,
        inv_rho=float(imb.inv_rho),
        q=float(imb.q),
        seed=cfg.seed,
        num_classes=NUM_CLASSES,
        available=available,
    )
    datamodule = ImbalancedMNIST(
        class_counts=plan.counts,
        train_counts=plan.train_counts,
        root=data.root,
        val_per_class=data.val_per_class,
        rotation=float(data.rotation),
        batch_size=data.batch_size,
        seed=cfg.seed,
    )
    alpha = imb.alpha if imb.alpha is None else [float(a) for a in imb.alpha]
    module = ImbalanceClassifier(
        model=cfg.model.name,
        channels_last=bool(cfg.model.get("channels_last", False)),
        minority=plan.minority,
        loss=LOSS_OF_METHOD.get(imb.method, imb.method),
        class_counts=plan.train_counts,
        class_weights=class_weights_for(imb.method, imb.weight, plan.minority, plan.counts),
        gamma=float(imb.gamma),
        alpha=alpha,
        beta=float(imb.beta),
        max_margin=float(imb.max_margin),
        scale=float(imb.scale),
        drw_epoch=imb.drw_epoch,
        tau=float(imb.tau) if imb.tau != "auto" else 1.0,
        optimizer=cfg.optim.name,
        lr=float(cfg.optim.lr),
        momentum=float(cfg.optim.momentum),
        weight_decay=float(cfg.optim.weight_decay),
        clip_grad_norm=None
        if cfg.optim.clip_grad_norm is None
        else float(cfg.optim.clip_grad_norm),
        step_mode=cfg.step_mode,
    )
    logger_cfg = OmegaConf.to_container(cfg.logger, resolve=True)
    logger = build_logger(
        logger_cfg.pop("name"),
        output_dir,
        group=group,
        tags=[cfg.model.name, imb.method],
        config=OmegaConf.to_container(cfg, resolve=True),
        **logger_cfg,
    )
    history = EpochHistory()
    callbacks = [history]
    if cfg.checkpoint:
        # checkpoints/last.ckpt after every epoch, written atomically (AtomicCheckpointIO).
        # Saved at the training epoch's end, after EpochHistory has its row, so a resumed
        # run's history is whole. Reload with load_from_checkpoint(path).
        callbacks.append(
            # top-1 without a monitor keeps the newest; save_last would only save at the end.
            ModelCheckpoint(
                dirpath=output_dir / "checkpoints",
                filename=LAST_CHECKPOINT.stem,
                save_top_k=1,
                enable_version_counter=False,
                save_on_train_epoch_end=True,
            )
        )
    trainer_kwargs = OmegaConf.to_container(cfg.trainer, resolve=True)
    if data.val_per_class == 0:
        trainer_kwargs["limit_val_batches"] = 0  # no validation split: the study's baselines
    trainer = pl.Trainer(
        **trainer_kwargs,
        logger=logger,
        callbacks=callbacks,
        default_root_dir=str(output_dir),
        enable_checkpointing=bool(cfg.checkpoint),
        plugins=[AtomicCheckpointIO()],
    )
    resume_from = output_dir / LAST_CHECKPOINT
    resume_from = resume_from if cfg.resume and resume_from.is_file() else None
    if resume_from:
        log.info(f"resuming from {resume_from}")
    try:
        started = time.perf_counter()
        trainer.fit(module, datamodule=datamodule, ckpt_path=resume_from)
        if imb.method == "two_phase":
            fine_tune_on_imbalanced(
                trainer_kwargs, module, datamodule, history, epochs=imb.finetune_epochs
            )
        fit_seconds = time.perf_counter() - started
        tau_used = None
        if imb.method == "posthoc":
            tau = None if imb.tau == "auto" else float(imb.tau)
            tau_used = adjust_logits_posthoc(trainer, module, datamodule, plan.counts, tau)
        test_metrics = trainer.test(module, datamodule=datamodule, verbose=False)[0]
        metrics = {
            **collect_metrics(test_metrics, history.rows, plan.minority),
            "data/class_counts": plan.counts,
            "train/class_counts": datamodule.train_class_counts,
            "train/size": sum(datamodule.train_class_counts),
            # Images actually evaluated (trainer.limit_*_batches may cut them), summed over ranks.
            "data/test_size": int(module.group_rates["test"].last_confusion.sum()),
            "data/val_size": len(datamodule.splits["val"][1]),
            "code/commit": source_commit(),
            "model/params": count_parameters(module.model),
            "model/bytes": sum(p.numel() * p.element_size() for p in module.model.parameters()),
            "time/fit_s": round(fit_seconds, 3),
            # Whether the (last) fit replayed its steps as CUDA graphs (step_mode, a GPU).
            "train/cuda_graph": bool(module.captured_step and module.captured_step.replays),
            # (C, C), rows true digit, summed over ranks
            "test/confusion_matrix": module.group_rates["test"].last_confusion.tolist(),
        }
        if tau_used is not None:
            metrics["posthoc/tau"] = tau_used
        # Under DDP every rank gets here with the same metrics: one draws.
        if trainer.is_global_zero and cfg.confusion_figure:
            # Imported here: matplotlib takes ~0.5 s to import, paid only by runs that draw.
            from imbalance_lab.confusion_figure import plot_confusion_matrix

            figure = output_dir / CONFUSION_FIGURE
            title = (
                f"{cfg.model.name}, {imb.method}, rho {imb.rho}: test acc {metrics['test/acc']:.4f}"
            )
            plot_confusion_matrix(metrics["test/confusion_matrix"], plan.minority, figure, title)
            log_image(logger, "test/confusion_matrix", figure)
    finally:
        finish_wandb(logger)
    if trainer.is_global_zero:
        write_json_atomic(output_dir / METRICS_FILE, metrics)  # last: it marks a finished run
    return metrics
