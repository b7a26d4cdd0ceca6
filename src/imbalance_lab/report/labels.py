"""Human labels of grid points and metrics."""

from __future__ import annotations

from imbalance_lab.report.points import varying_keys
from imbalance_lab.report.stats import is_number

METRIC_NAMES = {"test/acc": "accuracy", "test/bal_acc": "balanced accuracy"}
PRETTY = dict(cnn="CNN", rnn="LSTM", none="no correction", ros="ROS", weighted="weighted loss")


def rate_label(metric: str) -> str:
    """Returns 'p_I→A' for 'test/p_I_to_A' ('p_I→A per class' for the corrected rate)."""
    name = metric.removeprefix("test/").removeprefix("p_")
    core = name.removesuffix("_per_class").replace("_to_", "→")
    return f"p_{core}" + (" per class" if name.endswith("_per_class") else "")


def metric_label(metric: str) -> str:
    """Returns the human name of a metric: 'accuracy', 'p_I→A', 'macro_f1'."""
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    if metric.startswith("test/p_"):
        return rate_label(metric)
    return metric.removeprefix("test/")


def describe(pairs: tuple | list) -> str:
    """Returns a short human label of (key, value) pairs, e.g. 'LSTM, rotation ±25°'."""
    words = []
    for key, value in pairs:
        number = is_number(value)
        if key in ("model", "method"):
            words.append(PRETTY.get(str(value), str(value)))
        elif key in ("rotation", "rho") and number:
            words.append(f"rotation ±{value:g}°" if key == "rotation" else f"ρ={value:g}")
        else:
            words.append(f"{'1/ρ' if key == 'inv_rho' else key}={value}")
    return ", ".join(words) or "all runs"


def labels(configs: list[dict]) -> list[str]:
    """Returns a label per config naming the settings that differ between them (model always)."""
    keys = varying_keys(configs)
    keys = keys if "model" in keys else ["model", *keys]
    return [describe([(k, c[k]) for k in keys if k in c]) for c in configs]
