"""What the command line prints when a run or a sweep ends: the test accuracy, balanced
accuracy and the four p-rates, with where the run's files are. Plain dicts in, text out."""

from __future__ import annotations

from pathlib import Path

from imbalance_lab.metrics.names import ACC, BAL_ACC, GROUP_PAIRS, rate_name
from imbalance_lab.metrics.reduced import reduced_note, reduced_parts

# metrics.json key -> column title, in the order printed.
COLUMNS = {
    f"test/{ACC}": "acc",
    f"test/{BAL_ACC}": "bal acc",
    **{f"test/{rate_name(a, b)}": f"p_{a}→{b}" for a, b in GROUP_PAIRS},
}


def _images(n: int, of: int | None) -> str:
    """Returns '2,560 images', or '2,560 of 27,500 images' when of says more were planned."""
    return f"{n:,} of {of:,} images" if of is not None and of > n else f"{n:,} images"


def run_summary(metrics: dict, folder: Path, skipped: bool = False) -> str:
    """Returns the lines that end a run: its test scores, what it actually trained, validated
    and tested on (a reduced run says so), and its folder."""
    scores = "  ".join(f"{title} {metrics[key]:.4f}" for key, title in COLUMNS.items())
    epochs = len(metrics["history"])
    done = [f"{epochs} epoch{'s' * (epochs != 1)} trained"]
    if metrics.get("train/images_per_epoch") is not None:
        batches, images = metrics["train/batches_per_epoch"], metrics["train/images_per_epoch"]
        done = [
            f"trained {done[0].split()[0]} epoch{'s' * (epochs != 1)} of {batches:,} "
            f"batches ({_images(images, metrics.get('train/size'))} each)"
        ]
    if metrics.get("data/val_scored"):
        done.append(f"validated on {_images(metrics['data/val_scored'], metrics['data/val_size'])}")
    size = metrics.get("data/test_size")
    tested = "tested on the test split"
    if size is not None:
        tested = f"tested on {_images(size, metrics.get('data/test_split_size'))}"
    if "select/epoch" in metrics:
        tested += f" at epoch {metrics['select/epoch']} (best {metrics['select/metric']})"
    lines = [f"test {scores}", f"  ({'; '.join([*done, tested])})"]
    if reduced_parts(metrics):
        lines.append("  (a reduced run: its numbers check the pipeline, they are no result)")
    if skipped:
        lines.append("  (finished before: metrics.json was already there; resume=false reruns)")
    lines.append(f"run folder: {folder}")
    return "\n".join(lines)


def sweep_table(jobs: list[tuple[str, str, dict | None]], sweep_dir: Path) -> str:
    """Returns the table that ends a sweep: one row per job (its name, its status, its test
    scores when it finished, * for a reduced run), then what * means and the sweep's folder."""
    width = max([len("job"), *(len(name) for name, _, _ in jobs)])
    header = f"{'job':<{width}}  {'status':<8}" + "".join(f"{t:>9}" for t in COLUMNS.values())
    rows = [header, "-" * len(header)]
    notes = []
    for name, status, metrics in jobs:
        cells = "".join(
            f"{metrics[key]:>9.4f}" if metrics and key in metrics else f"{'-':>9}"
            for key in COLUMNS
        )
        note = reduced_note(metrics or {})
        rows.append(f"{name:<{width}}  {status:<8}{cells}{' *' if note else ''}")
        notes += [note] if note else []
    if notes:  # '* reduced run: 1,024 of 10,000 test images (2 of 2 jobs, the first shown)'
        many = f"{len(notes)} of {len(jobs)} jobs, the first shown"
        rows.append(f"* {notes[0]} ({many if len(notes) > 1 else 'one job'})")
    rows.append(f"sweep folder: {sweep_dir}")
    return "\n".join(rows)


def job_names(overrides: list[list[str]]) -> list[str]:
    """Returns a short name per job: its number and the overrides whose values differ between
    the jobs (those that are the same for all say nothing about one job)."""
    varying = {
        text.split("=", 1)[0]
        for job in overrides
        for text in job
        if sum(text in other for other in overrides) < len(overrides)
    }
    return [
        f"{number} " + " ".join(t for t in job if t.split("=", 1)[0] in varying)
        for number, job in enumerate(overrides)
    ]


def job_listing(names: list[str], folders: list[tuple[Path, object]]) -> str:
    """Returns the dry run's listing: one line per job, its name, what its folder holds (new,
    finished, resumable, clash) and the folder; then the count of each."""
    width = max([len("job"), *(len(name) for name in names)])
    rows = [f"{'job':<{width}}  {'folder holds':<12}  folder"]
    for name, (folder, state) in zip(names, folders, strict=True):
        rows.append(f"{name:<{width}}  {state.kind:<12}  {folder}")
    kinds = [state.kind for _, state in folders]
    counts = ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds))
    rows.append(f"{len(names)} jobs ({counts}); dry run: none started")
    return "\n".join(rows)
