"""Hydra launchers, run as a user runs them: joblib processes, submitit's local executor, and
the SLURM launcher's config (composed only: nothing is ever submitted)."""

import json
import os
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from imbalance_lab.cli import job as cli_job

from helpers import CONF_DIR, ROOT, TINY, train

PARAMS = {"cnn": 1_618_026, "rnn": 133_810}


def launcher_node(launcher: str | None, overrides=()):
    """Returns the composed hydra.launcher node for `hydra/launcher=launcher` (None: default)."""
    choice = [f"hydra/launcher={launcher}"] if launcher else []
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(
            config_name="train", overrides=[*choice, *overrides], return_hydra_config=True
        )
    return cfg.hydra.launcher


def job_folders(sweep: Path) -> list[Path]:
    """Returns the sweep's job folders in job order (hidden ones, like .submitit, left out)."""
    jobs = [p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(jobs, key=lambda p: int(p.name.split("_")[0]))


def check_two_finished_jobs(sweep: Path) -> list[Path]:
    """Returns the two job folders after checking that each holds its model's metrics.json."""
    jobs = job_folders(sweep)
    assert [p.name.split("_")[0] for p in jobs] == ["0", "1"]
    for job, model in zip(jobs, PARAMS, strict=True):
        assert f"model={model}" in job.name
        metrics = json.loads((job / "metrics.json").read_text())
        assert metrics["model/params"] == PARAMS[model]
        assert metrics["train/class_counts"] == [50] * 5 + [200] * 5
    return jobs


# --- threads per job --------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch):
    """Returns train.py's job module (cli/job.py), on a machine that reports 8 cores."""
    monkeypatch.setattr(cli_job.os, "cpu_count", lambda: 8)
    return cli_job


@pytest.mark.parametrize(("n_jobs", "threads"), [(1, 8), (2, 4), (3, 2), (8, 1), (16, 1), (-1, 1)])
def test_joblib_divides_the_cores_among_the_jobs(cli, n_jobs, threads):
    launcher = launcher_node("parallel", [f"hydra.launcher.n_jobs={n_jobs}"])
    assert launcher.n_jobs == n_jobs
    assert cli.threads_per_job(launcher, None) == threads


def test_parallel_launcher_defaults_to_two_jobs(cli):
    launcher = launcher_node("parallel")
    assert launcher._target_.endswith("JoblibLauncher")
    assert cli.threads_per_job(launcher, None) == 4


@pytest.mark.parametrize("launcher", ["submitit_local", "slurm"])
def test_submitit_gives_each_job_its_cpus_per_task(cli, launcher):
    node = launcher_node(launcher, ["hydra.launcher.cpus_per_task=3"])
    assert cli.threads_per_job(node, None) == 3


def test_slurm_default_threads_follow_its_cpus_per_task(cli):
    assert cli.threads_per_job(launcher_node("slurm"), None) == 8


@pytest.mark.parametrize(
    ("launcher", "overrides"),
    [
        (None, []),
        ("parallel", ["hydra.launcher.n_jobs=4"]),
        ("parallel", ["hydra.launcher.n_jobs=-1"]),
        ("submitit_local", ["hydra.launcher.cpus_per_task=3"]),
        ("slurm", []),
    ],
)
def test_explicit_threads_win(cli, launcher, overrides):
    assert cli.threads_per_job(launcher_node(launcher, overrides), 5) == 5


def test_basic_launcher_leaves_torch_its_default(cli):
    launcher = launcher_node(None)
    assert launcher._target_.endswith("BasicLauncher")
    assert cli.threads_per_job(launcher, None) is None


def test_plain_nodes_without_hydra():
    cli = cli_job
    cores = os.cpu_count() or 1
    assert cli.threads_per_job(OmegaConf.create({"n_jobs": 1}), None) == cores
    assert cli.threads_per_job(OmegaConf.create({"cpus_per_task": 2}), None) == 2
    # submitit_local's default cpus_per_task is null: torch's default, as with one job.
    assert cli.threads_per_job(OmegaConf.create({"cpus_per_task": None}), None) is None
    assert cli.threads_per_job(OmegaConf.create({}), None) is None


# --- joblib: two jobs in two processes ---------------------------------------------------------


def test_parallel_launcher_runs_two_jobs_at_once(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "hydra/launcher=parallel", "hydra.launcher.n_jobs=2", "model=cnn,rnn", *TINY]
    done = train([*args, f"hydra.sweep.dir={sweep}"])
    assert done.returncode == 0, done.stderr[-3000:]
    output = done.stdout + done.stderr
    assert "Joblib.Parallel(n_jobs=2,backend=loky,prefer=processes" in output
    assert "2 jobs finished, 0 skipped" in output
    jobs = check_two_finished_jobs(sweep)
    # Each job writes its .hydra/config.yaml when it starts and metrics.json when it ends: in
    # two processes the second job starts before the first ends (one process: one after the
    # other).
    starts = [(job / ".hydra" / "config.yaml").stat().st_mtime for job in jobs]
    ends = [(job / "metrics.json").stat().st_mtime for job in jobs]
    assert max(starts) < min(ends)


# --- submitit, local executor -------------------------------------------------------------------


@pytest.mark.slow
def test_submitit_local_runs_two_jobs_in_their_own_processes(tmp_path):
    sweep = tmp_path / "sweep"
    args = [
        "-m",
        "hydra/launcher=submitit_local",
        "hydra.launcher.timeout_min=10",
        "hydra.launcher.cpus_per_task=1",
        "model=cnn,rnn",
        *TINY,
    ]
    done = train([*args, f"hydra.sweep.dir={sweep}"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 jobs finished, 0 skipped" in done.stdout + done.stderr
    check_two_finished_jobs(sweep)
    # submitit's folder stays inside the sweep: one folder per job, named by the job's id (the
    # process id of the local executor), each with the job's pickled result.
    submitted = [p for p in (sweep / ".submitit").iterdir() if p.name.isdigit()]
    assert len(submitted) == 2
    assert all(list(p.glob("*_result.pkl")) for p in submitted)
    assert not (ROOT / ".submitit").exists()


# --- SLURM: composed, never submitted ------------------------------------------------------------


def test_slurm_launcher_holds_the_documented_fields():
    launcher = launcher_node("slurm")
    assert (
        launcher._target_ == "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
    )
    assert launcher.partition is None
    assert launcher.timeout_min == 60
    assert launcher.nodes == 1
    assert launcher.tasks_per_node == 1
    assert launcher.gpus_per_node == 1
    assert launcher.cpus_per_task == 8
    assert launcher.mem_gb == 32
    assert launcher.array_parallelism == 64
    # Inside the sweep folder, not the working directory.
    assert OmegaConf.to_container(launcher)["submitit_folder"] == "${hydra.sweep.dir}/.submitit/%j"


def test_slurm_launcher_composes_on_the_command_line(tmp_path):
    overrides = [
        "hydra/launcher=slurm",
        "hydra.launcher.partition=gpu",
        "hydra.launcher.timeout_min=240",
        "hydra.launcher.gpus_per_node=4",
        "hydra.launcher.array_parallelism=8",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    ]
    done = train([*overrides, "--cfg", "hydra"], timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    launcher = OmegaConf.create(done.stdout).hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.partition, launcher.timeout_min) == ("gpu", 240)
    assert (launcher.gpus_per_node, launcher.array_parallelism) == (4, 8)
    assert launcher.cpus_per_task == 8
    assert not (tmp_path / "sweep").exists()  # --cfg prints and stops: nothing ran


def test_slurm_sweep_with_a_bad_value_stops_before_submitting(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "hydra/launcher=slurm", "hydra.launcher.partition=gpu", *TINY]
    # 0.2 is below 1/rho = 0.25 (TINY): the sweeper's check of job 1 refuses it.
    overrides = ["imbalance.method=ros", "imbalance.inv_rho=1,0.2", f"hydra.sweep.dir={sweep}"]
    done = train([*args, *overrides], timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.strip().splitlines()[-1].startswith("error: sweep job 1 (")
    assert "imbalance.inv_rho=0.2 is not allowed" in done.stderr
    assert "Traceback" not in done.stderr
    assert not sweep.exists()  # no .submitit folder: nothing was submitted
