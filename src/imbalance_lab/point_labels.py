"""Human labels of grid points and metrics, and the per-setting curves the figures plot."""

from __future__ import annotations

from imbalance_lab.sweep_results import Point, group_by, is_number, varying_keys


def rate_label(metric: str) -> str:
    """Returns 'p_I→A' for 'test/p_I_to_A' ('p_I→A per class' for the corrected rate)."""
    name = metric.removeprefix("test/").removeprefix("p_")
    core = name.removesuffix("_per_class").replace("_to_", "→")
    return f"p_{core}" + (" per class" if name.endswith("_per_class") else "")


PRETTY = dict(cnn="CNN", rnn="LSTM", none="no correction", ros="ROS", weighted="weighted loss")


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


Curve = tuple[list[float], list[float], list[float]]  # (xs, means, stds)


def curves(points: list[Point], x: str, metrics: tuple[str, ...]) -> dict[str, dict[str, Curve]]:
    """Returns {panel label: {metric: (xs, means, stds)}}: a panel per combination of the other
    settings, only those with two or more numeric x values."""
    groups = {
        key: sorted(group, key=lambda p: p.config[x])
        for key, group in group_by(points, (x,), lambda c: is_number(c.get(x))).items()
        if len(group) > 1
    }
    return {
        label: {
            m: ([float(p.config[x]) for p in g], [p.mean(m) for p in g], [p.std(m) for p in g])
            for m in metrics
        }
        for label, g in zip(labels([dict(k) for k in groups]), groups.values(), strict=True)
    }
