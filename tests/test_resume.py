"""Never lose a run: finished jobs are skipped, killed jobs continue, failed jobs are isolated."""

import json
import signal
import subprocess
import time

import pytest

from imbalance_lab.run.runner import run

from helpers import ROOT, TINY, compose_config, environment, train, train_command, without_timing


def test_finished_run_is_skipped_unless_resume_is_false(tmp_path):
    first = run(compose_config(["model=rnn"]), tmp_path)
    written = (tmp_path / "metrics.json").stat().st_mtime_ns
    again = run(compose_config(["model=rnn"]), tmp_path)
    assert again == first
    assert (tmp_path / "metrics.json").stat().st_mtime_ns == written
    rerun = run(compose_config(["model=rnn", "resume=false"]), tmp_path)
    assert (tmp_path / "metrics.json").stat().st_mtime_ns != written
    assert without_timing(rerun) == without_timing(first)


def test_rerun_sweep_skips_finished_jobs_and_isolates_the_failed_one(tmp_path):
    sweep = tmp_path / "sweep"
    # n_max 6000 passes the config check but not the data: digit 5 has 5,021 training images.
    args = ["-m", *TINY, "model=rnn", "imbalance.n_max=6000,200", f"hydra.sweep.dir={sweep}"]
    done = train(args)
    assert done.returncode == 1
    failed_dir, good_dir = sorted(p for p in sweep.iterdir() if p.is_dir())
    assert "failed: " in done.stderr and failed_dir.name in done.stderr
    assert "imbalance.n_max=6000 is not allowed" in (failed_dir / "error.txt").read_text()
    assert "Traceback" in (failed_dir / "error.txt").read_text()
    assert not (failed_dir / "metrics.json").exists()
    assert (good_dir / "metrics.json").is_file()
    assert "1 jobs finished, 0 skipped" in done.stderr + done.stdout

    written = (good_dir / "metrics.json").stat().st_mtime_ns
    again = train(args)
    assert again.returncode == 1
    assert "0 jobs finished, 1 skipped" in again.stderr + again.stdout
    assert (good_dir / "metrics.json").stat().st_mtime_ns == written


@pytest.mark.slow
def test_killed_run_continues_from_its_checkpoint_to_the_same_metrics(tmp_path):
    # 25 CNN batches per epoch with rotation: seconds per epoch, so the kill lands mid-run.
    args = [
        *TINY,
        "imbalance.n_max=500",
        "data.rotation=25",
        "trainer.max_epochs=3",
        "trainer.limit_train_batches=null",
        "checkpoint=true",  # what the resume continues from
    ]
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        train_command([*args, f"hydra.run.dir={killed}"]),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )
    checkpoint = killed / "checkpoints" / "last.ckpt"
    deadline = time.monotonic() + 240
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert checkpoint.exists(), "the run never wrote its first checkpoint"
    assert not (killed / "metrics.json").exists(), "the run finished before it was killed"

    resumed = train([*args, f"hydra.run.dir={killed}"])
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from" in resumed.stderr + resumed.stdout
    straight = train([*args, f"hydra.run.dir={tmp_path / 'straight'}"])
    assert straight.returncode == 0, straight.stderr[-3000:]

    resumed_metrics = json.loads((killed / "metrics.json").read_text())
    straight_metrics = json.loads((tmp_path / "straight" / "metrics.json").read_text())
    assert len(resumed_metrics["history"]) == 3
    assert without_timing(resumed_metrics) == without_timing(straight_metrics)


def test_a_rerun_at_the_same_thread_count_repeats_every_metric_bit_for_bit(tmp_path):
    # As a user reruns it: a fresh process each time, two torch threads (what one job of a
    # 2-core machine gets), the CNN with rotation and ROS so that every random draw is used.
    args = [*TINY, "threads=2", "data.rotation=25", "imbalance.method=ros", "imbalance.inv_rho=0.5"]
    metrics = []
    for name in ("first", "again"):
        done = train([*args, f"hydra.run.dir={tmp_path / name}"])
        assert done.returncode == 0, done.stderr[-2000:]
        metrics.append(json.loads((tmp_path / name / "metrics.json").read_text()))
    assert metrics[0]["env/threads"] == 2
    assert without_timing(metrics[0]) == without_timing(metrics[1])
