"""The report never loads the training stack: every module of the package imported in a fresh
interpreter leaves torch, Lightning and torchmetrics out of sys.modules."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, pkgutil, sys
import imbalance_lab.report as report
names = [m.name for m in pkgutil.walk_packages(report.__path__, "imbalance_lab.report.")]
for name in names:
    if not name.endswith("__main__"):  # __main__ runs the command
        importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""
TRAINING_STACK = ("torch", "pytorch_lightning", "lightning", "lightning_fabric", "torchmetrics")
# What the report may import from the rest of the package: the run folder's file names, the
# shared errors, the W&B online/offline rule, the I/A group rules, what a reduced run is, the
# config's fingerprint, the metric names and the method table (which settings each method owns,
# with the settings' declarations and the sampling table it names), all torch-free.
ALLOWED = {
    "imbalance_lab",
    "imbalance_lab.run_folder",
    "imbalance_lab.errors",
    "imbalance_lab.wandb_mode",
    "imbalance_lab.metrics",
    "imbalance_lab.metrics.groups",
    "imbalance_lab.metrics.reduced",
    "imbalance_lab.config",
    "imbalance_lab.config.identity",
    "imbalance_lab.imbalance",
    "imbalance_lab.imbalance.methods",
    "imbalance_lab.imbalance.sampling",
    "imbalance_lab.metrics.names",
    "imbalance_lab.setting",
}


def test_importing_every_report_module_loads_no_torch():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert "imbalance_lab.report.cli" in found["modules"]
    for name in ("engine.stats", "engine.verdicts", "engine.table", "claims.study", "ranking"):
        assert f"imbalance_lab.report.{name}" in found["modules"]
    loaded = set(found["loaded"])
    assert not {name for name in loaded if name.split(".")[0] in TRAINING_STACK}
    outside = {
        name for name in loaded if name.startswith("imbalance_lab") and ".report" not in name
    }
    assert outside <= ALLOWED
