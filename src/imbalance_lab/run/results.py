"""metrics.json's content: the test metrics, the tested epoch's validation metrics, corrected
rates, the history, and what the run trained on and with, read through the public faces of the
trainer, the module and the data module."""

from __future__ import annotations

from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.imbalance.methods import settings_of
from imbalance_lab.imbalance.plan import DataPlan
from imbalance_lab.metrics.names import TEST_CONFUSION
from imbalance_lab.metrics.reduced import reduced_note
from imbalance_lab.run.provenance import machine, source_commit
from imbalance_lab.run.trainer_setup import Training
from imbalance_lab.training.models import count_parameters
from imbalance_lab.training.module import ImbalanceClassifier


def collect_results(
    test_metrics: dict,
    training: Training,
    module: ImbalanceClassifier,
    datamodule: ImbalancedData,
    plan: DataPlan,
    spec: DatasetSpec,
    decided: dict,
) -> dict:
    """Returns metrics.json's entries of a tested run (decided: what its after-training step
    chose), all but the fit's time, the tested checkpoint and the fingerprint."""
    trainer, history, best = training.trainer, training.history.rows, training.best
    metrics = collect_metrics(test_metrics, history, plan.minority, best.epoch if best else None)
    metrics.update(decided)
    metrics.update(data_record(module, datamodule, plan, spec))
    metrics.update(
        {
            "train/cuda_graph": module.replayed_cuda_graphs(),
            "model/params": count_parameters(module.model),
            "model/bytes": parameter_bytes(module.model),
            "code/commit": source_commit(),
            **machine(trainer.strategy.root_device),
            **trained_sizes(history, trainer.num_training_batches),
        }
    )
    if best:
        metrics.update({"select/metric": best.metric, "select/epoch": best.epoch})
    return metrics


def data_record(
    module: ImbalanceClassifier, datamodule: ImbalancedData, plan: DataPlan, spec: DatasetSpec
) -> dict:
    """Returns what a tested run's data were: the data set, the images kept and trained per
    class, the splits' sizes, the images actually evaluated, the test confusion matrix."""
    confusion, val_confusion = module.confusion("test"), module.confusion("val")  # (C, C)
    return {
        "data/name": spec.name,
        "data/class_counts": plan.counts,
        # Images actually evaluated (trainer.limit_*_batches may cut them).
        "data/test_size": int(confusion.sum()),
        "data/val_size": datamodule.split_size("val"),
        # The data set's own test split: what a reduced run's test size is measured against.
        "data/test_split_size": datamodule.split_size("test"),
        "data/val_scored": None if val_confusion is None else int(val_confusion.sum()),
        "train/class_counts": datamodule.train_class_counts,
        "train/size": sum(datamodule.train_class_counts),
        TEST_CONFUSION: confusion.tolist(),  # rows: true class
    }


def collect_metrics(
    test_metrics: dict, history: list[dict], minority: list[int], val_epoch: int | None = None
) -> dict:
    """Returns the test metrics and the validation metrics of the epoch tested (val_epoch,
    1-based; None: the last), each with the group-size-corrected p-rates the Metric returned,
    and the per-epoch history, rounded to 6 digits."""
    metrics = {k: round(float(v), 6) for k, v in test_metrics.items()}
    row = history[-1] if val_epoch is None else history[val_epoch - 1]
    metrics.update({k: v for k, v in row.items() if k.startswith("val/")})
    return {**metrics, "history": history, "minority": minority}


def trained_sizes(history: list[dict], batches_per_epoch: int | float) -> dict:
    """Returns what training actually went through, from the epochs' rows: the images of the
    first epoch (every epoch of a phase trains as many) and of all epochs, and the batches per
    epoch (trainer.limit_train_batches cuts them: a smoke run trains a slice)."""
    images = [int(row["train/images"]) for row in history if "train/images" in row]
    return {
        "train/images_per_epoch": images[0] if images else None,
        "train/images_trained": sum(images),
        "train/batches_per_epoch": int(batches_per_epoch),
    }


def parameter_bytes(model) -> int:
    """Returns the bytes of the model's parameters as stored (fp32: 4 per parameter)."""
    return sum(p.numel() * p.element_size() for p in model.parameters())


def confusion_title(config: dict, metrics: dict) -> str:
    """Returns the confusion figure's title: what tells apart the runs of a sweep (e.g. 'cnn,
    ros inv_rho=0.4, rho 10, rotation 25, seed 1'), the test accuracy, and a reduced run's note."""
    imbalance, rotation = config["imbalance"], float(config["data"]["rotation"])
    own = settings_of(imbalance["method"], imbalance)
    method = " ".join([imbalance["method"], *(f"{k}={v}" for k, v in own.items())])
    parts = [config["model"]["name"], method, f"rho {float(imbalance['rho']):g}"]
    parts += [f"rotation {rotation:g}"] * bool(rotation) + [f"seed {config['seed']}"]
    lines = [", ".join(parts), f"test acc {metrics['test/acc']:.4f}", reduced_note(metrics)]
    return "\n".join(line for line in lines if line)
