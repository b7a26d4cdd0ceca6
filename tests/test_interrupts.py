"""SIGTERM (a scheduler's pre-emption) and SIGINT (Ctrl-C) end a real run with 143 / 130, one
line that says so, and the command that resumes it; that command continues the run."""

import json
import shlex
import signal
import subprocess
import sys
import time

import pytest

from helpers import ROOT, TINY, environment, train_command

# 25 CNN batches per epoch with rotation: seconds per epoch, so the signal lands mid-run.
ARGS = [
    *TINY,
    "imbalance.n_max=500",
    "data.rotation=25",
    "trainer.max_epochs=3",
    "trainer.limit_train_batches=null",
]


def _interrupted_run(folder, signum: int) -> subprocess.CompletedProcess:
    """Returns the finished run after signum was sent to it once its first checkpoint exists."""
    process = subprocess.Popen(
        train_command([*ARGS, f"hydra.run.dir={folder}"]),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    checkpoint = folder / "checkpoints" / "last.ckpt"
    deadline = time.monotonic() + 240
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before the signal"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_the_run_with_its_status_one_line_and_the_resume_command(
    tmp_path, signum, status
):
    folder = tmp_path / "run"
    stopped = _interrupted_run(folder, signum)
    assert stopped.returncode == status, stopped.stderr[-3000:]
    last = stopped.stderr.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    prefix = f"interrupted by {name}: {folder} keeps its last checkpoint; resume with: "
    assert last.startswith(prefix), stopped.stderr[-3000:]
    assert "Traceback" not in stopped.stderr
    assert not (folder / "metrics.json").exists()

    command = shlex.split(last.removeprefix(prefix))
    assert command[:2] == ["python", "train.py"] and f"hydra.run.dir={folder}" in command
    resumed = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from" in resumed.stderr + resumed.stdout
    assert len(json.loads((folder / "metrics.json").read_text())["history"]) == 3
