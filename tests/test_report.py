"""The report command on a real (tiny) sweep, run as a user runs it: the files it writes, the
summary against a hand computation from metrics.json, the verdict table, and its runs.csv read
back as a source (the claims on hand-made records: test_report_claims*.py)."""

import csv
import json
import math
import re
import statistics

import pytest
import yaml

from imbalance_lab.report.cli import main
from imbalance_lab.report.engine.runs import SUMMARY_METRICS
from imbalance_lab.report.engine.verdicts import NO_DATA, VERDICTS

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
# The claims judged in the study's setting (rotation ±25°, SGD for section 4.3) are always
# listed; the sweep has no such run, so each has not enough data.
ALWAYS = [
    "Fig. 4: imbalance raises p_I→I and p_I→A, not p_A→I and p_A→A",
    "Conclusion 1: p_I→I > p_I→A > p_A→I > p_A→A",
    "Fig. 5: ROS narrows p_I→A − p_A→I as 1/ρ grows (CNN, with rotation ±25° (the study's))",
    "Fig. 6: ROS narrows p_I→A − p_A→I as 1/ρ grows (LSTM, with rotation ±25° (the study's))",
    "Conclusion 2: ROS works best when carried out to 1/ρ = 1 (with rotation ±25° (the study's))",
    "Fig. 7: weighted loss narrows p_I→A − p_A→I on the CNN; a high weight reverses it "
    "(with rotation ±25°, the study's setting)",
    "Fig. 8: weighted loss fails on the LSTM (with rotation ±25°, the study's setting)",
    "Conclusion 3: ROS is a safer solution than weighted loss",
    "Sections 3.2–3.3: ROS and weighted loss help only with augmentation (rotation)",
    "Section 4.3: the LSTM needs lr ≥ 0.01 to reach 95%; the CNN 1 epoch at 0.01 "
    "(SGD (momentum 0.9))",
]
# Decidable here: two seeds of both models at 1/rho 0.5 and 1 without rotation. Fig. 5 without
# rotation is not listed: the CNN at 1/rho 1 kept one seed, so no slope has two seeds.
JUDGED = [
    "Fig. 6: ROS narrows p_I→A − p_A→I as 1/ρ grows (LSTM, without rotation)",
    "Conclusion 2: ROS works best when carried out to 1/ρ = 1 (without rotation)",
    "Section 4.2: the LSTM is more parameter-efficient than the CNN",
    "Section 4.2: the CNN's test error is below the LSTM's",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# t quantile 0.975 at 1 degree of freedom (2 seeds), from a t table to 6 decimals (so the
# bounds agree to 1e-6, not to float precision).
T_975_1 = 12.706205
Z_975 = 1.959964  # normal quantile 0.975


def job_point(job):
    """Returns (model, inv_rho, seed) from a job folder's resolved config."""
    config_file = job / ".hydra" / "config.yaml"
    if not config_file.is_file():
        return None
    config = yaml.safe_load(config_file.read_text())
    return config["model"]["name"], float(config["imbalance"]["inv_rho"]), config["seed"]


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
    unfinished = next(job for job in folder.iterdir() if job_point(job) == ("cnn", 1.0, 1))
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
    # Settings as the results config holds them: 1/rho 1.0 trains what 1/rho 1 trains.
    assert (missing["model"], missing["inv_rho"], missing["seed"]) == ("cnn", "1", "1")
    assert missing["test/acc"] == ""  # listed, with no metrics
    assert "imbalance.inv_rho=1.0" in missing["overrides"].split()
    assert "8 runs: 7 finished, 0 failed, 1 unfinished" in done.stdout
    assert all(json.loads(row["config"])["imbalance.method"] == "ros" for row in rows)


def wilson_by_hand(k, n):
    """The Wilson score interval's closed formula."""
    p, z2 = k / n, Z_975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def is_share(metric):
    """Returns whether the metric lies in [0, 1] (its interval cut to it): the accuracies, the
    rates, and the scores macro F1, ROC AUC, geometric mean of recalls and ECE."""
    scores = ("test/acc", "test/bal_acc", "test/macro_f1", "test/roc_auc", "test/gmean", "test/ece")
    return metric in scores or metric.startswith("test/p_")


def test_summary_equals_a_hand_computation_from_metrics_json(sweep, report):
    folder, _ = sweep
    _, out = report
    by_point = {}
    for metrics_file in folder.glob("*/metrics.json"):
        model, inv_rho, _ = job_point(metrics_file.parent)
        by_point.setdefault((model, inv_rho), []).append(json.loads(metrics_file.read_text()))
    rows = read_csv(out / "summary.csv")
    assert {(row["model"], float(row["inv_rho"])) for row in rows} == set(by_point)
    for row in rows:
        runs = by_point[row["model"], float(row["inv_rho"])]
        assert int(row["n"]) == len(runs)
        for metric in SUMMARY_METRICS:
            values = [run[metric] for run in runs]
            mean = statistics.mean(values)
            assert float(row[f"{metric} mean"]) == pytest.approx(mean)
            if len(values) > 1:  # two seeds: mean ± t_{0.975,1} s / √2
                s = statistics.stdev(values)
                assert float(row[f"{metric} std"]) == pytest.approx(s)
                low, high = mean - T_975_1 * s / math.sqrt(2), mean + T_975_1 * s / math.sqrt(2)
                if is_share(metric):
                    low, high = max(low, 0.0), min(high, 1.0)
                assert float(row[f"{metric} 95% low"]) == pytest.approx(low, abs=1e-6)
                assert float(row[f"{metric} 95% high"]) == pytest.approx(high, abs=1e-6)
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


def test_every_page_warns_of_reduced_runs(sweep, report):
    folder, _ = sweep
    _, out = report
    sizes = json.loads(next(folder.glob("*/metrics.json")).read_text())
    test, val = sizes["data/test_size"], sizes["data/val_scored"]
    trained, planned = sizes["train/images_per_epoch"], sizes["train/size"]
    for name, body in (
        ("summary.md", "## Acc"),
        ("conclusions.md", "## How"),
        ("validation.md", "| setting |"),
    ):
        text = (out / name).read_text()
        assert text.index("REDUCED RUNS") < text.index(body), name
        assert f"| {trained:,} | {test:,} | {val:,} | 1, 2 |" in text
        assert f"{test:,} test images (the data set's test split: 10,000)" in text
        assert f"reduced run: {trained:,} of {planned:,} training images per epoch" in text


def test_figures_are_real_pngs_and_only_those_the_data_supports(report):
    _, out = report
    drawn = {path.name for path in out.glob("*.png")}
    # ROS runs over two 1/rho values: the ROS figures and accuracy; no weighted loss, one rho,
    # one method (nothing to rank).
    assert drawn == {"ros_rates.png", "ros_rates_per_class.png", "accuracy_by_method.png"}
    for name in drawn:
        data = (out / name).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 20_000, name
    assert "No setting holds runs of two or more methods" in (out / "ranking.md").read_text()
    assert not (out / "partitions.md").exists()  # no random minority set


def verdict_rows(text):
    """Returns {claim: cells} of the verdict table of conclusions.md."""
    table = text.split("## Verdicts")[1].split("\n## ")[0]
    lines = [line for line in table.splitlines() if line.startswith("| ")][2:]  # no header
    cells = [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in lines]
    return {row[0]: row[1:] for row in cells}


def test_conclusions_name_every_claim_with_a_verdict_and_how_it_was_reached(report):
    _, out = report
    text = (out / "conclusions.md").read_text()
    columns = (
        "| claim | verdict on reduced runs (not the study's) | how | seeds | seeds to decide |"
    )
    assert columns + " on per-class rates |" in text
    rows = verdict_rows(text)
    assert set(rows) == set(ALWAYS) | set(JUDGED)
    for claim, (verdict, how, seeds, to_decide, per_class) in rows.items():
        verdict = verdict.strip("*")
        assert verdict in VERDICTS, claim
        if claim in ALWAYS:
            assert (verdict, how, seeds) == (NO_DATA, "no comparison could be made", "—"), claim
            continue
        assert verdict != NO_DATA and seeds == "2", claim
        assert re.fullmatch(r"\d+ \w+(, \d+ \w+)* of \d+; e\.g\. .+, p \(Holm\) [\d.<> ]+", how)
        if verdict == "undecided":
            assert re.fullmatch(r"~\d+ seeds|more than 30 seeds", to_decide), claim
        else:
            assert to_decide == "", claim
        assert (
            per_class == "unaffected: reads accuracies only" or per_class.split(" (")[0] in VERDICTS
        )
    # The exact comparison of section 4.2: the study's architectures, 6,322 KB and 524 KB.
    assert "parameters, CNN 1,618,026 > LSTM 133,810 | exact |" in text
    assert "## The study's numbers against one run here" in text
    assert "No setting here stands for one of the study's numbers." in text


def test_its_runs_csv_is_a_source_that_gives_the_same_summary(report, tmp_path):
    _, out = report
    assert main([str(out / "runs.csv"), "--out", str(tmp_path / "again")]) == 0
    again = tmp_path / "again"
    assert (again / "summary.csv").read_text() == (out / "summary.csv").read_text()
    assert verdict_rows((again / "conclusions.md").read_text()) == verdict_rows(
        (out / "conclusions.md").read_text()
    )
    rows = read_csv(again / "runs.csv")
    assert [r["status"] for r in rows] == [r["status"] for r in read_csv(out / "runs.csv")]


def test_wandb_without_credentials_logs_an_offline_run(sweep, tmp_path):
    folder, _ = sweep
    out = tmp_path / "out"
    done = python(
        ["-m", "imbalance_lab.report", str(folder), "--out", str(out), "--wandb"],
        env={"HOME": str(tmp_path)},
        unset=["WANDB_MODE", "WANDB_API_KEY", "WANDB_SILENT"],  # CI sets WANDB_SILENT itself
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notices = [line for line in done.stderr.splitlines() if line.startswith("W&B: ")]
    assert len(notices) == 1 and "logging offline" in notices[0]
    # W&B's own banner (wandb: Tracking run ..., wandb: Syncing ...) stays silent.
    shown = (done.stdout + done.stderr).splitlines()
    assert not [line for line in shown if line.lower().startswith("wandb:")]
    [run_dir] = (out / "wandb").glob("offline-run-*")
    assert next(run_dir.glob("run-*.wandb")).stat().st_size > 0
    tables = {p.name.split("_")[0]: p for p in run_dir.glob("files/media/table/*.table.json")}
    assert set(tables) == {"runs", "summary", "conclusions"}
    assert len(json.loads(tables["runs"].read_text())["data"]) == 8
    assert len(list(run_dir.glob("files/media/images/figures/*.png"))) == 3


def test_wandb_run_is_a_report_run_grouped_by_the_sweep(sweep, tmp_path, monkeypatch):
    import wandb

    calls = []
    monkeypatch.setenv("WANDB_MODE", "offline")  # resolve_wandb_mode: no network check
    monkeypatch.setattr(wandb, "init", lambda **kwargs: calls.append(("init", kwargs)))
    monkeypatch.setattr(wandb, "log", lambda data: calls.append(("log", data)))
    monkeypatch.setattr(wandb, "finish", lambda: calls.append(("finish", None)))
    folder, _ = sweep
    assert main([str(folder), "--out", str(tmp_path / "out"), "--wandb"]) == 0
    assert [name for name, _ in calls] == ["init", "log", "finish"]
    init, logged = calls[0][1], calls[1][1]
    assert (init["job_type"], init["group"], init["mode"]) == ("report", folder.name, "offline")
    assert all(isinstance(logged[name], wandb.Table) for name in ("runs", "summary", "conclusions"))
    assert len(logged["runs"].data) == 8
    assert logged["conclusions"].columns == ["claim", "verdict", "seeds", "per-class verdict"]
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
