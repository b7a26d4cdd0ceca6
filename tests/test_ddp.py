"""DDP on the CPU (gloo, two processes) against one process: the same metrics.

data.batch_size is the global batch, sharded across the ranks, so a DDP step sees the images
of the single-process step; the metric states are summed across the ranks. Both runs must then
give the same numbers, up to float rounding.
"""

import json
import math

import pytest

from helpers import train

pytestmark = pytest.mark.slow

COMMON = [
    "logger=none",
    "imbalance.n_max=200",
    "imbalance.rho=4",
    "data.val_per_class=20",
    "trainer.max_epochs=2",
    "trainer.accelerator=cpu",
    "+trainer.limit_test_batches=8",
    "trainer.enable_progress_bar=false",
]
DDP = ["trainer=ddp", "trainer.devices=2"]
RATES = ["p_I_to_I", "p_I_to_A", "p_A_to_I", "p_A_to_A"]
COMPARED = [
    "test/acc",
    "test/bal_acc",
    *(f"test/{rate}" for rate in RATES),
    *(f"test/{rate}_per_class" for rate in RATES),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Returns {'ddp': metrics, 'single': metrics, 'root': folder} of one DDP run and one
    single-process run, in root/ddp and root/single."""
    root = tmp_path_factory.mktemp("ddp")
    metrics = {"root": root}
    for name, extra in (("ddp", DDP), ("single", [])):
        done = train([*COMMON, *extra, f"hydra.run.dir={root / name}"])
        assert done.returncode == 0, f"{name}: {done.stderr[-3000:]}"
        metrics[name] = json.loads((root / name / "metrics.json").read_text())
    return metrics


def test_ddp_really_ran_two_processes(runs):
    # Lightning starts rank 1 as a second train.py (Hydra job train_ddp_process_1), with its
    # own log file: the run really had two processes.
    assert (runs["root"] / "ddp" / "train_ddp_process_1.log").is_file()
    assert not (runs["root"] / "single" / "train_ddp_process_1.log").exists()


@pytest.mark.parametrize("key", COMPARED)
def test_test_metrics_equal_single_process(runs, key):
    ddp, single = runs["ddp"][key], runs["single"][key]
    assert math.isfinite(single)
    assert ddp == pytest.approx(single, abs=1e-6)


def test_trained_on_the_same_class_counts(runs):
    assert runs["ddp"]["train/class_counts"] == runs["single"]["train/class_counts"]
    assert runs["ddp"]["train/class_counts"] == [50] * 5 + [200] * 5
    assert runs["ddp"]["train/size"] == runs["single"]["train/size"] == 1250


def test_validation_history_equal_single_process(runs):
    ddp = [row["val/acc"] for row in runs["ddp"]["history"]]
    single = [row["val/acc"] for row in runs["single"]["history"]]
    assert len(ddp) == len(single) == 2
    assert ddp == pytest.approx(single, abs=1e-6)


def test_batch_size_not_divisible_by_the_processes_is_a_config_error(tmp_path):
    run_dir = tmp_path / "odd"
    done = train([*COMMON, *DDP, "data.batch_size=127", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error: " in line]
    # One line, from rank 0 only: when every rank prints it, the lines come out twice and,
    # as the ranks write at the same moment, at times run together into one garbled line.
    assert errors == [
        "error: data.batch_size=127 is not allowed: a multiple of the 2 DDP processes"
    ], done.stderr[-3000:]
    assert not (run_dir / "metrics.json").exists()
