"""metrics.json's content: the test metrics, the last epoch's validation metrics, corrected
rates, the history, and what the run trained on and with. Plain values in, a dict out."""

from __future__ import annotations

from imbalance_lab.metrics.groups import per_class_rates


def collect_metrics(
    test_metrics: dict,
    history: list[dict],
    minority: list[int],
    num_classes: int,
    val_epoch: int | None = None,
) -> dict:
    """Returns the test metrics and the validation metrics of the epoch tested (val_epoch,
    1-based; None: the last), each with their group-size-corrected p-rates, and the per-epoch
    history, rounded to 6 digits."""
    metrics = {k: round(float(v), 6) for k, v in test_metrics.items()}
    row = history[-1] if val_epoch is None else history[val_epoch - 1]
    metrics.update({k: v for k, v in row.items() if k.startswith("val/")})
    for stage in ("test", "val"):
        rates = {k.removeprefix(f"{stage}/"): v for k, v in metrics.items() if k.startswith(stage)}
        if not rates:
            continue  # no validation split (data.val_per_class=0)
        corrected = per_class_rates(rates, minority, num_classes)
        metrics.update({f"{stage}/{k}": round(v, 6) for k, v in corrected.items()})
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


def run_label(
    model: str, method: str, settings: dict, rho: float, rotation: float, seed: int
) -> str:
    """Returns a one-line name of a run's setting, e.g. 'cnn, ros inv_rho=0.4, rho 10,
    rotation 25, seed 1': what tells apart the runs of a sweep on their figures."""
    own = " ".join(f"{key}={value}" for key, value in settings.items())
    parts = [model, f"{method} {own}".strip(), f"rho {rho:g}"]
    if rotation:
        parts.append(f"rotation {rotation:g}")
    return ", ".join([*parts, f"seed {seed}"])
