"""The command line, run as a user runs it: a real subprocess of train.py."""

import json

from imbalance_lab.imbalance.methods import METHODS

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
    # The end-of-sweep table marks the reduced runs: trainer=fast tests a slice.
    note = "* reduced run: 1,024 of 10,000 test images (2 of 2 jobs, the first shown)"
    assert note in done.stdout.splitlines()


def test_bad_value_is_one_line_and_leaves_no_folder(tmp_path):
    run_dir = tmp_path / "run"
    done = train([*TINY, "imbalance.method=smote", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: imbalance.method='smote' is not allowed: one of {', '.join(METHODS)}"
    ]
    assert not run_dir.exists()


def test_a_refused_run_removes_the_folders_made_for_it_and_keeps_older_ones(tmp_path):
    # As outputs/runs/<time> by default: Hydra makes outputs/ and outputs/runs/ too.
    run_dir = tmp_path / "outputs" / "runs" / "now"
    done = train([*TINY, "imbalance.rho=0.5", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []
    # An outputs/runs/ that was there before stays, empty as it was.
    run_dir.parent.mkdir(parents=True)
    done = train([*TINY, "imbalance.rho=0.5", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 2
    assert run_dir.parent.is_dir() and list(run_dir.parent.iterdir()) == []


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


def test_unknown_keys_are_refused_in_one_line_before_any_folder(tmp_path):
    rho = "error: imbalance.rh is not a config key (did you mean imbalance.rho?)"
    cases = {
        "+imbalance.rh=100": rho,
        "imbalance.rh=100": rho,
        "trainer.max_epoch=5": "error: trainer.max_epoch is not a config key of trainer=fast "
        "(did you mean trainer.max_epochs?)",
        # Added with +, Lightning's Trainer judges it before any work (run/stack_check.py).
        "+trainer.max_epoch=5": "error: trainer.max_epoch is not a config key: no argument of "
        "pytorch_lightning.Trainer (did you mean trainer.max_epochs?)",
        # Any value the Trainer refuses: one line naming the key (it was a 26-line traceback).
        "trainer.precision=8": "error: trainer.precision=8 is not allowed: Precision 8 is invalid. "
        "Allowed precision values: ('transformer-engine', 'transformer-engine-float16', "
        "'16-true', '16-mixed', 'bf16-true', 'bf16-mixed', '32-true', '64-true', 64, 32, 16, "
        "'64', '32', '16', 'bf16')",
    }
    for override, message in cases.items():
        run_dir = tmp_path / "run"
        done = train([*TINY, override, f"hydra.run.dir={run_dir}"])
        assert done.returncode == 2, override
        assert done.stderr.strip().splitlines() == [message]
        assert not run_dir.exists() and not (tmp_path / "outputs").exists()


def test_an_experiment_with_hydras_basic_sweeper_is_refused_saying_why(tmp_path):
    done = train(["-m", "experiment=ros", "hydra/sweeper=basic", f"hydra.sweep.dir={tmp_path}/s"])
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "hydra.sweeper.grids" in line and "hydra/sweeper=checked" in line


def test_help_lists_the_groups_and_every_key_with_its_meaning():
    done = train(["--help"])
    assert done.returncode == 0
    for expected in ("model=rnn", "experiment=study", "imbalance.inv_rho=1.0", "data.rotation=0"):
        assert expected in done.stdout
    assert "ROS" in done.stdout and "Hydra" in done.stdout


def test_a_run_ends_with_its_summary_and_logs_without_boilerplate(tmp_path):
    run_dir = tmp_path / "run"
    done = train([*TINY, "model=rnn", "logger=csv", f"hydra.run.dir={run_dir}"])
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[-4].startswith("test acc ") and all(
        rate in lines[-4] for rate in ("bal acc", "p_I→I", "p_I→A", "p_A→I", "p_A→A")
    )
    # TINY trains all 10 of its batches; trainer=fast scores slices of validation and test.
    assert lines[-3] == (
        "  (trained 1 epoch of 10 batches (1,250 images each); validated on 200 images; "
        "tested on 1,024 of 10,000 images)"
    )
    assert lines[-2] == "  (a reduced run: its numbers check the pipeline, they are no result)"
    assert lines[-1] == f"run folder: {run_dir}"
    shown = done.stdout + done.stderr
    for boilerplate in ("GPU available", "TPU available", "💡 Tip", "LeafSpec", "logging interval"):
        assert boilerplate not in shown, boilerplate
    log = (run_dir / "train.log").read_text()
    assert lines[-4] in log  # the log holds the run's summary too
