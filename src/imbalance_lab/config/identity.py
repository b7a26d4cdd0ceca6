"""What decides a run's results: its composed config minus the keys that only change how it
runs, and the fingerprint of that (a hash), so that a folder's results are never mistaken for
another config's. The one list of run-only keys: the fingerprint, the job folder names
(conf/train.yaml's exclude_keys) and the report's grid points all read it.

Pure Python on plain dicts: no torch, no OmegaConf.
"""

from __future__ import annotations

import hashlib
import json
import math

# Dotted config keys (a key stands for its whole node) that change how a run executes, logs or
# keeps its files, never what it learns. Everything else decides the results. A GPU, DDP over
# N devices (tests/test_ddp.py: the same steps as one process), a CUDA-graph step and the CNN's
# channels_last layout compute the same maths with other float rounding, as thread counts do
# (docs/configuration.md, "What reruns bit for bit").
RUN_ONLY_KEYS = (
    "logger",
    "resume",
    "checkpoint",
    "threads",
    "confusion_figure",
    "optimized_metric",
    "step_mode",
    "model.channels_last",
    "trainer.accelerator",
    "trainer.devices",
    "trainer.num_nodes",
    "trainer.strategy",
    "trainer.enable_progress_bar",
    "trainer.enable_model_summary",
    "trainer.log_every_n_steps",
)
# Command-line override keys left out of a sweep job's folder name: the run-only keys, and
# experiment (it names grids; the job's own overrides carry the values that matter).
FOLDER_NAME_EXCLUDED = ("experiment", *RUN_ONLY_KEYS)
FINGERPRINT_DIGITS = 16  # hex digits of sha256 kept: 64 bits, no collision among any sweep's runs


def is_run_only(key: str) -> bool:
    """Returns whether a dotted config key only changes how a run runs (it or a node above it is
    in RUN_ONLY_KEYS)."""
    return any(key == k or key.startswith(f"{k}.") for k in RUN_ONLY_KEYS)


def flatten(node: dict, prefix: str = "") -> dict[str, object]:
    """Returns {dotted key: value} of a nested dict; lists stay lists."""
    flat: dict[str, object] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _canonical(value: object) -> object:
    """Returns value with integral floats as ints (rho 10 and 10.0 train the same) and tuples as
    lists, recursively."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def results_config(config: dict) -> dict[str, object]:
    """Returns the flat {dotted key: value} of a resolved config (nested dict, no hydra node)
    that decides its results: run-only keys left out, and null values too (null is a key's
    'off', so adding a key whose default is null leaves every older fingerprint as it was)."""
    flat = flatten(config) if any(isinstance(v, dict) for v in config.values()) else dict(config)
    return {
        key: _canonical(value)
        for key, value in sorted(flat.items())
        if value is not None and not is_run_only(key)
    }


def fingerprint(config: dict) -> str:
    """Returns the fingerprint of a config (nested, or flat from results_config): 16 hex digits
    of the sha256 of its results config as canonical JSON."""
    text = json.dumps(results_config(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_DIGITS]


def differences(recorded: dict, asked: dict) -> list[tuple[str, object, object]]:
    """Returns (key, recorded value, asked value) for every results key whose value differs
    between two configs (a key one of them lacks has the value None), sorted by key."""
    one, two = results_config(recorded), results_config(asked)
    keys = sorted(set(one) | set(two))
    return [(k, one.get(k), two.get(k)) for k in keys if one.get(k) != two.get(k)]
