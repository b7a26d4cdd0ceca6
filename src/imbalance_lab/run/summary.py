"""What the command line prints when a run or a sweep ends: the test accuracy, balanced
accuracy and the four p-rates, with where the run's files are. Plain dicts in, text out."""

from __future__ import annotations

from pathlib import Path

# metrics.json key -> column title, in the order printed.
COLUMNS = {
    "test/acc": "acc",
    "test/bal_acc": "bal acc",
    "test/p_I_to_I": "p_I→I",
    "test/p_I_to_A": "p_I→A",
    "test/p_A_to_I": "p_A→I",
    "test/p_A_to_A": "p_A→A",
}


def run_summary(metrics: dict, folder: Path, skipped: bool = False) -> str:
    """Returns the lines that end a run: its test scores, what they were measured on, and its
    folder."""
    scores = "  ".join(f"{title} {metrics[key]:.4f}" for key, title in COLUMNS.items())
    size = metrics.get("data/test_size")
    on = f"on {size:,} test images" if size is not None else "on the test split"
    if "select/epoch" in metrics:
        on += f", epoch {metrics['select/epoch']} (best {metrics['select/metric']})"
    epochs = len(metrics["history"])
    lines = [f"test {scores}", f"  ({on}; {epochs} epoch{'s' * (epochs != 1)} trained)"]
    if skipped:
        lines.append("  (finished before: metrics.json was already there; resume=false reruns)")
    lines.append(f"run folder: {folder}")
    return "\n".join(lines)


def sweep_table(jobs: list[tuple[str, str, dict | None]], sweep_dir: Path) -> str:
    """Returns the table that ends a sweep: one row per job (its name, its status, its test
    scores when it finished), then the sweep's folder."""
    width = max([len("job"), *(len(name) for name, _, _ in jobs)])
    header = f"{'job':<{width}}  {'status':<8}" + "".join(f"{t:>9}" for t in COLUMNS.values())
    rows = [header, "-" * len(header)]
    for name, status, metrics in jobs:
        cells = "".join(
            f"{metrics[key]:>9.4f}" if metrics and key in metrics else f"{'-':>9}"
            for key in COLUMNS
        )
        rows.append(f"{name:<{width}}  {status:<8}{cells}")
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
