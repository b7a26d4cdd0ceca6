"""The report command on a real (tiny) sweep, run as a user runs it, and how it reads a run
folder (the verdict functions on hand-made records: test_report_claims.py)."""

import csv
import json
import math
import statistics

import pytest
import yaml

from imbalance_lab.report.runs import SUMMARY_METRICS, read_run
from imbalance_lab.report.verdicts import FAILS, HOLDS, NO_DATA, UNDECIDED

from helpers import python

# Two models x two ROS levels x two seeds, each job a few batches of a few hundred images.
SWEEP = [
    "trainer=fast",
    "logger=none",
    "checkpoint=false",
    "imbalance.n_max=100",
    "imbalance.rho=4",
    "data.val_per_class=10",
    "trainer.limit_train_batches=2",
    "trainer.limit_val_batches=1",
    "trainer.limit_test_batches=2",
    "imbalance.method=ros",
    "imbalance.inv_rho=0.5,1.0",
    "seed=0,1",
    "model=cnn,rnn",
]
CLAIMS = [
    "Fig. 4: imbalance raises p_I→I and p_I→A, not p_A→I and p_A→A",
    "Conclusion 1: p_I→I > p_I→A > p_A→I > p_A→A",
    "Fig. 5: ROS narrows p_I→A − p_A→I as 1/ρ grows (CNN)",
    "Fig. 6: ROS narrows p_I→A − p_A→I as 1/ρ grows (LSTM)",
    "Conclusion 2: ROS works best when carried out to 1/ρ = 1",
    "Fig. 7: weighted loss narrows p_I→A − p_A→I on the CNN; a high weight reverses it",
    "Fig. 8: weighted loss fails on the LSTM",
    "Conclusion 3: ROS is a safer solution than weighted loss",
    "Sections 3.2–3.3: ROS and weighted loss help only with augmentation (rotation)",
    "Section 4.2: the LSTM is more parameter-efficient than the CNN",
    "Section 4.2: the CNN's test error is below the LSTM's",
    "Section 4.3: with SGD the LSTM needs lr ≥ 0.01 to reach 95%; the CNN 1 epoch at 0.01",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# t quantile 0.975 at 1 degree of freedom (2 seeds), from a t table to 6 decimals (so the
# bounds agree to 1e-6, not to float precision).
T_975_1 = 12.706205
Z_975 = 1.959964  # normal quantile 0.975


def job_point(job):
    """Returns (model, inv_rho as text, seed) from a job folder's resolved config."""
    config_file = job / ".hydra" / "config.yaml"
    if not config_file.is_file():
        return None
    config = yaml.safe_load(config_file.read_text())
    return config["model"]["name"], str(config["imbalance"]["inv_rho"]), config["seed"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A real 8-job sweep; the metrics.json of the job with seed 1, CNN, 1/rho 1.0 removed."""
    folder = tmp_path_factory.mktemp("report") / "sweep"
    # One torch thread: on a busy 2-core machine, two threads per op wait on each other (an
    # LSTM step took 6 s instead of 0.3 s).
    done = python(
        ["train.py", "-m", *SWEEP, f"hydra.sweep.dir={folder}"], env={"OMP_NUM_THREADS": "1"}
    )
    assert done.returncode == 0, done.stderr[-3000:]
    unfinished = next(job for job in folder.iterdir() if job_point(job) == ("cnn", "1.0", 1))
    (unfinished / "metrics.json").unlink()
    return folder, unfinished


@pytest.fixture(scope="module")
def report(sweep):
    """The finished report command on the sweep and its default report folder."""
    folder, _ = sweep
    done = python(["-m", "imbalance_lab.report", str(folder)])
    assert done.returncode == 0, done.stderr[-3000:]
    return done, folder / "report"


def read_csv(path):
    with path.open() as stream:
        return list(csv.DictReader(stream))


def test_runs_csv_lists_every_run_and_the_unfinished_one(sweep, report):
    _, unfinished = sweep
    done, out = report
    rows = read_csv(out / "runs.csv")
    assert len(rows) == 8
    assert sorted(row["status"] for row in rows) == ["finished"] * 7 + ["unfinished"]
    missing = next(row for row in rows if row["status"] == "unfinished")
    assert missing["run"] == unfinished.name
    assert (missing["model"], missing["inv_rho"], missing["seed"]) == ("cnn", "1.0", "1")
    assert missing["test/acc"] == ""  # listed, with no metrics
    assert "imbalance.inv_rho=1.0" in missing["overrides"].split()
    assert "8 runs: 7 finished, 0 failed, 1 unfinished" in done.stdout


def wilson_by_hand(k, n):
    """The Wilson score interval's closed formula."""
    p, z2 = k / n, Z_975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def test_summary_equals_a_hand_computation_from_metrics_json(sweep, report):
    folder, _ = sweep
    _, out = report
    by_point = {}
    for metrics_file in folder.glob("*/metrics.json"):
        model, inv_rho, _ = job_point(metrics_file.parent)
        by_point.setdefault((model, inv_rho), []).append(json.loads(metrics_file.read_text()))
    rows = read_csv(out / "summary.csv")
    assert {(row["model"], row["inv_rho"]) for row in rows} == set(by_point)
    for row in rows:
        runs = by_point[row["model"], row["inv_rho"]]
        assert int(row["n"]) == len(runs)
        for metric in SUMMARY_METRICS:
            values = [run[metric] for run in runs]
            mean = statistics.mean(values)
            assert float(row[f"{metric} mean"]) == pytest.approx(mean)
            if len(values) > 1:  # two seeds: mean ± t_{0.975,1} s / √2
                s = statistics.stdev(values)
                assert float(row[f"{metric} std"]) == pytest.approx(s)
                half = T_975_1 * s / math.sqrt(2)
                assert float(row[f"{metric} 95% low"]) == pytest.approx(mean - half, abs=1e-6)
                assert float(row[f"{metric} 95% high"]) == pytest.approx(mean + half, abs=1e-6)
            else:
                assert row[f"{metric} std"] == ""  # one seed has no spread
        if len(runs) == 1:  # the Wilson interval of the run's test counts
            assert row["interval"].startswith("Wilson, one seed (")
            counts = runs[0]["test/confusion_matrix"]
            k, n = sum(counts[i][i] for i in range(10)), sum(map(sum, counts))
            low, high = wilson_by_hand(k, n)
            assert float(row["test/acc 95% low"]) == pytest.approx(low, rel=1e-6)
            assert float(row["test/acc 95% high"]) == pytest.approx(high, rel=1e-6)
            assert row["test/roc_auc 95% low"] == ""  # no counts behind it
        else:
            assert row["interval"] == "t over 2 seeds"
    assert sorted(int(row["n"]) for row in rows) == [1, 2, 2, 2]
    markdown = (out / "summary.md").read_text()
    assert "| model | inv_rho | n | interval | accuracy | balanced accuracy | p_I→I |" in markdown
    assert "## Per-class error rates" in markdown


def test_summary_header_names_the_sizes_and_warns_of_smoke_runs(sweep, report):
    folder, _ = sweep
    _, out = report
    sizes = json.loads(next(folder.glob("*/metrics.json")).read_text())
    for name in ("summary.md", "conclusions.md"):
        text = (out / name).read_text()
        assert text.index("SMOKE-SIZED RUNS") < text.index(
            "## The study" if "conc" in name else "## Acc"
        )
        assert f"| {sizes['data/test_size']:,} | {sizes['data/val_size']:,} | 1, 2 |" in text
        assert f"{sizes['data/test_size']:,} test images (the study: 10,000)" in text


def test_figures_are_real_pngs_and_only_those_the_data_supports(report):
    _, out = report
    drawn = {path.name for path in out.glob("*.png")}
    # ROS runs over two 1/rho values: the ROS figures and accuracy; no weighted loss, one rho.
    assert drawn == {"ros_rates.png", "ros_rates_per_class.png", "accuracy_by_method.png"}
    for name in drawn:
        data = (out / name).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 20_000, name


def test_conclusions_name_every_claim_with_a_verdict(report):
    _, out = report
    text = (out / "conclusions.md").read_text()
    verdicts = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in CLAIMS:
            verdicts[cells[0]] = cells[1].strip("*")
    assert set(verdicts) == set(CLAIMS)
    assert set(verdicts.values()) <= {HOLDS, FAILS, UNDECIDED, NO_DATA}
    # Decidable on this sweep: ROS at 1/rho 0.5 and 1.0 for both models.
    for claim in ("Fig. 5", "Fig. 6", "Conclusion 2", "Section 4.2: the LSTM"):
        assert next(v for c, v in verdicts.items() if c.startswith(claim)) != NO_DATA, claim
    # Not decidable: no weighted-loss run, no imbalanced uncorrected run, no SGD run.
    for claim in ("Fig. 4", "Conclusion 1", "Conclusion 3", "Fig. 7", "Fig. 8", "Section 4.3"):
        assert next(v for c, v in verdicts.items() if c.startswith(claim)) == NO_DATA, claim
    assert "on per-class rates" in text and "1,618,026 parameters" in text
    assert "| Section 2: baseline | CNN: 99.15% [98.95%, 99.31%] test accuracy" in text


def test_wandb_without_credentials_logs_an_offline_run(sweep, tmp_path):
    folder, _ = sweep
    out = tmp_path / "out"
    done = python(
        ["-m", "imbalance_lab.report", str(folder), "--out", str(out), "--wandb"],
        env={"HOME": str(tmp_path)},
        unset=["WANDB_MODE", "WANDB_API_KEY"],
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notices = [line for line in done.stderr.splitlines() if line.startswith("W&B: ")]
    assert len(notices) == 1 and "logging offline" in notices[0]
    [run_dir] = (out / "wandb").glob("offline-run-*")
    assert next(run_dir.glob("run-*.wandb")).stat().st_size > 0
    tables = {p.name.split("_")[0]: p for p in run_dir.glob("files/media/table/*.table.json")}
    assert set(tables) == {"runs", "summary", "conclusions"}
    assert len(json.loads(tables["runs"].read_text())["data"]) == 8
    assert len(list(run_dir.glob("files/media/images/figures/*.png"))) == 3


def test_wandb_run_is_a_report_run_grouped_by_the_sweep(sweep, tmp_path, monkeypatch):
    import wandb

    from imbalance_lab.report import cli

    calls = []
    monkeypatch.setenv("WANDB_MODE", "offline")  # resolve_wandb_mode: no network check
    monkeypatch.setattr(wandb, "init", lambda **kwargs: calls.append(("init", kwargs)))
    monkeypatch.setattr(wandb, "log", lambda data: calls.append(("log", data)))
    monkeypatch.setattr(wandb, "finish", lambda: calls.append(("finish", None)))
    folder, _ = sweep
    assert cli.main([str(folder), "--out", str(tmp_path / "out"), "--wandb"]) == 0
    assert [name for name, _ in calls] == ["init", "log", "finish"]
    init, logged = calls[0][1], calls[1][1]
    assert (init["job_type"], init["group"], init["mode"]) == ("report", folder.name, "offline")
    assert all(isinstance(logged[name], wandb.Table) for name in ("runs", "summary", "conclusions"))
    assert len(logged["runs"].data) == 8
    assert isinstance(logged["figures/ros_rates"], wandb.Image)


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty"
    (empty / "not-a-run").mkdir(parents=True)
    for folder in (tmp_path / "missing", empty):
        done = python(["-m", "imbalance_lab.report", str(folder)], timeout=60)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith("error: ") and str(folder) in done.stderr
    assert not (empty / "report").exists()


def test_read_run_tells_finished_failed_and_unfinished_apart(tmp_path):
    for name in ("done", "failed", "running"):
        (tmp_path / name / ".hydra").mkdir(parents=True)
        (tmp_path / name / ".hydra" / "config.yaml").write_text("model: {name: cnn}\nseed: 3\n")
    (tmp_path / "done" / "metrics.json").write_text('{"test/acc": 0.5, "history": [{"epoch": 1}]}')
    (tmp_path / "failed" / "error.txt").write_text("Traceback\nRuntimeError: out of memory\n")
    done, failed, running = (read_run(tmp_path / n) for n in ("done", "failed", "running"))
    assert (done.status, done.metrics, done.history) == (
        "finished",
        {"test/acc": 0.5},
        [{"epoch": 1}],
    )
    assert (failed.status, failed.error) == ("failed", "RuntimeError: out of memory")
    assert (running.status, running.config["model"], running.seed) == ("unfinished", "cnn", 3)
