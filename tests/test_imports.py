"""The torch-free parts import without torch, with no lazy import in any package __init__.py: a
split by modules, not a trick."""

import ast
import json
import subprocess
import sys

from helpers import ROOT

TORCH_FREE = [
    "imbalance_lab",
    "imbalance_lab.setting",
    "imbalance_lab.errors",
    "imbalance_lab.run_folder",
    "imbalance_lab.folder_claim",
    "imbalance_lab.config.schema",
    "imbalance_lab.config.check",
    "imbalance_lab.config.identity",
    "imbalance_lab.imbalance.profiles",
    "imbalance_lab.imbalance.sampling",
    "imbalance_lab.imbalance.methods",
    "imbalance_lab.metrics.names",
    "imbalance_lab.metrics.groups",
    "imbalance_lab.metrics.reduced",
    "imbalance_lab.cli.preflight",
    "imbalance_lab.cli.help",
    "imbalance_lab.cli.docs",
    "imbalance_lab.cli.summary",
    "imbalance_lab.data.spec",
]
STACK = ("torch", "pytorch_lightning", "lightning_fabric", "torchmetrics")


def test_the_torch_free_modules_import_no_training_stack():
    code = (
        "import importlib, json, sys\n"
        f"for name in {TORCH_FREE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{STACK!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_no_package_imports_lazily():
    for init in sorted((ROOT / "src" / "imbalance_lab").glob("**/__init__.py")):
        tree = ast.parse(init.read_text())
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert "__getattr__" not in names, init
