"""What the numbers come from, per sweep folder: epochs, training, test and validation sizes,
seeds per grid point and code commits; and the warning when the runs are smoke-sized."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

from imbalance_lab.metrics.reduced import reduced_note
from imbalance_lab.report.engine.points import Point, agree
from imbalance_lab.report.engine.runs import Run
from imbalance_lab.report.engine.stats import is_number
from imbalance_lab.report.text import counted, markdown_table, sizes

MULTIRUN_FILE = "multirun.yaml"  # Hydra's record of a whole sweep, in the sweep folder
EPOCHS_OVERRIDE = "trainer.max_epochs="
# Below these the runs check the pipeline, not the study: the study trained for 10 epochs, and
# one seed gives no interval over seeds. A run that tested fewer images than its data set's test
# split holds (data/test_split_size; MNIST's 10,000 for runs from before it was recorded), or
# trained or validated a slice (metrics/reduced.py), is a reduced run.
MNIST_TEST_SIZE = 10_000
MIN_EPOCHS = 3


@dataclass
class SweepFacts:
    """One sweep folder's sizes as text, and why it is smoke-sized (empty when it is not)."""

    folder: str
    runs: str
    epochs: str
    train: str
    test: str
    val: str
    seeds: str
    commits: str
    smoke: list[str]


def _pinning_grids(folder: Path) -> list[str]:
    """Returns the names of the sweep's grids that set trainer.max_epochs themselves."""
    try:
        grids = OmegaConf.to_container(OmegaConf.load(folder / MULTIRUN_FILE).hydra.sweeper.grids)
    except Exception:  # no multirun.yaml, or a sweep without named grids
        return []
    return [name for name, params in grids.items() if "trainer.max_epochs" in (params or {})]


def _epochs(runs: list[Run], folder: Path) -> tuple[str, list[int]]:
    """Returns the epochs as text (a grid that pins its own listed apart) and every value."""
    pinned = [any(o.startswith(EPOCHS_OVERRIDE) for o in r.overrides) for r in runs]
    epochs = [r.config.get("epochs") for r in runs]
    usual = sorted({e for e, p in zip(epochs, pinned, strict=True) if is_number(e) and not p})
    own = sorted({e for e, p in zip(epochs, pinned, strict=True) if is_number(e) and p})
    text = ", ".join(map(str, usual))
    if own:
        grids = ", ".join(_pinning_grids(folder)) or "runs that set trainer.max_epochs"
        pinned_text = f"{', '.join(map(str, own))} in {grids}"
        text = f"{text}; {pinned_text}" if text else pinned_text
    return text or "—", usual + own


def _commits(runs: list[Run]) -> str:
    """Returns the distinct code commits (short), and how many runs did not record one."""
    commits = Counter(str(r.metrics.get("code/commit") or "") for r in runs)
    named = [c[:10] for c in sorted(commits) if c]
    missing = commits.get("", 0)
    return ", ".join(named + ([f"not recorded ({missing} runs)"] if missing else [])) or "—"


def sweep_facts(runs: list[Run], points: list[Point]) -> list[SweepFacts]:
    """Returns the facts of each sweep folder the runs come from, in order. A folder's seeds
    per point count every source of the report (points: the grid points of all the runs): a
    folder that adds seed 3 to the grid points of a runs table holds one seed per point, yet
    its points are not one-seed points."""
    seeds_of = {id(run): point.n for point in points for run in point.runs}
    by_folder: dict[Path, list[Run]] = {}
    for run in runs:
        source = run.source or Path(".")
        # A runs table holds several sweeps: each is listed on its own, 'runs.csv: sweep'.
        key = Path(f"{source}: {run.sweep}") if source.is_file() and run.sweep else source
        by_folder.setdefault(key, []).append(run)
    facts = []
    for folder, group in by_folder.items():
        done = [r for r in group if r.status == "finished"]
        epochs, epoch_values = _epochs(group, folder)
        tests = [r.test_size for r in done if r.test_size is not None]
        # A run counted once elsewhere (the same training in two sources) is in no point.
        seeds = sorted({seeds_of[id(r)] for r in done if id(r) in seeds_of})
        smoke = []
        splits = [_test_split(r) for r in done if r.test_size is not None]
        if any(t < s for t, s in zip(tests, splits, strict=True) if s):
            known = sizes([s for s in splits if s])
            smoke.append(f"{sizes(tests)} test images (the data set's test split: {known})")
        cut = [note for r in done if (note := reduced_note(r.metrics))]
        if cut:
            smoke.append(f"{counted(len(cut), 'reduced run')}, e.g. {cut[0]}")
        if seeds and max(seeds) == 1:
            smoke.append("one seed per grid point (no interval over seeds)")
        if epoch_values and min(epoch_values) < MIN_EPOCHS:
            smoke.append(f"{counted(min(epoch_values), 'epoch')} of training (the study: 10)")
        # What was actually trained on and scored, where recorded (a reduced run cuts both).
        values = {
            "train/size": [_done(r, "train/images_per_epoch", "train/size") for r in done],
            "data/val_size": [_done(r, "data/val_scored", "data/val_size") for r in done],
        }
        facts.append(
            SweepFacts(
                folder=str(folder),
                runs=f"{len(done)} finished of {len(group)}",
                epochs=epochs,
                train=sizes([int(v) for v in values["train/size"] if is_number(v)]),
                test=sizes(tests),
                val=sizes([int(v) for v in values["data/val_size"] if is_number(v)]),
                seeds=sizes(seeds),
                commits=_commits(done),
                smoke=smoke,
            )
        )
    return facts


def _done(run: Run, actual: str, planned: str) -> object:
    """Returns the run's actual count where recorded, else its planned one."""
    value = run.metrics.get(actual)
    return value if is_number(value) else run.metrics.get(planned)


def _test_split(run: Run) -> int | None:
    """Returns the size of the run's data set's test split (MNIST's for runs that predate
    data/test_split_size); None when unknown."""
    size = run.metrics.get("data/test_split_size")
    if is_number(size):
        return int(size)
    return MNIST_TEST_SIZE if run.metrics.get("data/name", "mnist") == "mnist" else None


def repeat_lines(points: list[Point]) -> list[str]:
    """Returns a line on the runs that appeared twice (one fingerprint: one training), and
    whether their copies agree; none when no run did."""
    pairs = [pair for p in points for pair in p.repeats]
    if not pairs:
        return []
    differing = [kept for kept, dropped in pairs if not agree(kept, dropped)]
    said = "all agree bit for bit" if not differing else f"{len(differing)} disagree"
    return [
        f"{counted(len(pairs), 'run')} appeared twice: one config and seed (settings of other "
        "methods aside, which a method does not read), so one training, in two sweeps or in a "
        f"runs table and a sweep; counted once, the copy that recorded more kept. Their test "
        f"metrics: {said}."
    ]


def is_smoke(facts: list[SweepFacts]) -> bool:
    """Returns whether any sweep folder is smoke-sized."""
    return any(f.smoke for f in facts)


def header_lines(facts: list[SweepFacts]) -> list[str]:
    """Returns the markdown header: a table of each sweep folder's sizes, then a warning box
    when any is smoke-sized."""
    columns = ["sweep folder", "runs", "epochs", "training images per epoch", "test images"]
    columns += ["validation images", "seeds per point", "code commit"]
    rows = [
        [f"`{f.folder}`", f.runs, f.epochs, f.train, f.test, f.val, f.seeds, f.commits]
        for f in facts
    ]
    lines = ["## What these numbers come from", "", *markdown_table(columns, rows), ""]
    lines.append(
        "Test images: per run (data/test_size, or the sum of the test confusion matrix for "
        "runs that predate it). Seeds per point: finished runs per grid point, over every "
        "source of this report (a folder of new seeds counts the seeds it adds to)."
    )
    if is_smoke(facts):
        lines += ["", "> **⚠ REDUCED RUNS: these numbers and verdicts are not the study's.**"]
        for f in facts:
            if f.smoke:
                lines += [">", f"> `{f.folder}`: {'; '.join(f.smoke)}."]
        lines.append(">")
        lines.append(
            "> They show that the pipeline runs end to end; rerun at full size (every training "
            "and test image, three seeds, the study's epochs) before reading any verdict."
        )
    return lines
