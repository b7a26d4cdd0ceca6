"""The command line, run as a user runs it: a real subprocess of train.py."""

import json

from helpers import TINY, train


def test_multirun_two_jobs_each_in_its_own_folder(tmp_path):
    sweep = tmp_path / "sweep"
    # An override this long makes Hydra's folder name pass the 255-byte limit of a file name.
    alpha = "imbalance.alpha=[" + ",".join(["1.000000000000001"] * 10) + "]"
    done = train(["-m", *TINY, alpha, "model=cnn,rnn", f"hydra.sweep.dir={sweep}"])
    assert done.returncode == 0, done.stderr[-3000:]
    jobs = sorted(p for p in sweep.iterdir() if p.is_dir())
    assert [p.name.split("_")[0] for p in jobs] == ["0", "1"]
    assert all(len(job.name) < 255 and "~" in job.name for job in jobs)  # cut, with a hash
    params = [json.loads((job / "metrics.json").read_text())["model/params"] for job in jobs]
    assert params == [1_618_026, 133_810]
    assert (sweep / "multirun.yaml").is_file()


def test_bad_value_is_one_line_and_leaves_no_folder(tmp_path):
    run_dir = tmp_path / "run"
    done = train([*TINY, "imbalance.method=smote", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: imbalance.method='smote' is not allowed: one of none, ros, rus, sqrt, weighted, "
        "class_balanced, focal, ldam, logit_adjusted, balanced_softmax, posthoc, two_phase"
    ]
    assert not run_dir.exists()


def test_multirun_checks_every_job_before_the_first_trains(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", *TINY, "imbalance.method=ros", "imbalance.inv_rho=0.5,0.1"]
    done = train([*args, f"hydra.sweep.dir={sweep}"])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: sweep job 1 (")
    assert "imbalance.inv_rho=0.1 is not allowed: a number >= 0.25 and <= 1" in done.stderr
    assert not sweep.exists()  # job 0 was valid, yet it did not start


def test_wandb_without_credentials_runs_offline_and_says_so(tmp_path):
    run_dir = tmp_path / "run"
    # No key, no ~/.netrc, no WANDB_MODE: the logger must choose offline by itself.
    done = train(
        [*TINY, "logger=wandb", f"hydra.run.dir={run_dir}"],
        env={"HOME": str(tmp_path)},
        unset=["WANDB_MODE", "WANDB_API_KEY"],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notices = [line for line in done.stderr.splitlines() if line.startswith("W&B: ")]
    assert len(notices) == 1 and "logging offline" in notices[0]
    offline_runs = list((run_dir / "wandb").glob("offline-run-*"))
    assert len(offline_runs) == 1
    assert list(offline_runs[0].glob("*.wandb"))  # the run's records, ready for `wandb sync`
    assert list(offline_runs[0].glob("files/media/images/test/confusion_matrix*.png"))
    assert (run_dir / "metrics.json").is_file()
