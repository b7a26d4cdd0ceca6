"""Human labels of grid points and metrics."""

from __future__ import annotations

from imbalance_lab.metrics.names import TEST_ACC, TEST_BAL_ACC
from imbalance_lab.report.engine.points import varying_keys
from imbalance_lab.report.engine.stats import is_number

METRIC_NAMES = {TEST_ACC: "accuracy", TEST_BAL_ACC: "balanced accuracy"}
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
        elif key == "rotation" and number:
            words.append(f"rotation ±{value:g}°" if value else "no rotation")
        elif key == "rho" and number:
            words.append(f"ρ={value:g}")
        else:
            # A swept float (Optuna's weights) to 4 significant digits, not 8.558894657793088.
            shown = f"{value:.4g}" if isinstance(value, float) else value
            words.append(f"{'1/ρ' if key == 'inv_rho' else key}={shown}")
    return ", ".join(words) or "all runs"


def labels(configs: list[dict]) -> list[str]:
    """Returns a label per config naming the settings that differ between them (model always)."""
    keys = varying_keys(configs)
    keys = keys if "model" in keys else ["model", *keys]
    return [describe([(k, c[k]) for k in keys if k in c]) for c in configs]
