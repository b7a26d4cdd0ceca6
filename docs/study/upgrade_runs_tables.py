"""How docs/study/runs.csv and docs/methods/runs.csv got their `config` and `fingerprint`
columns (2026-12-04), kept as the record of that step; run from the repository's root:

    python docs/study/upgrade_runs_tables.py docs/study/runs.csv docs/methods/runs.csv

The tables were written before a runs table carried each run's config, and the run folders
behind them are gone. Each row records the overrides its job ran with (`overrides`) and the
commit of the code (`code/commit`); composing conf/ as it was at that commit with those
overrides gives the run's whole config again, exactly. Every row's setting columns (model,
method, rho, ..., seed) are checked against the composed config before it is written; any
difference stops the script. The rows then go through the report's own reader and writer
(engine/table.py), so the upgraded table is what imbalance-report writes.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from imbalance_lab.config.identity import fingerprint, results_config
from imbalance_lab.report.engine.points import varying_keys
from imbalance_lab.report.engine.runs import ALIASES
from imbalance_lab.report.engine.table import read_runs_table, runs_table
from imbalance_lab.report.text import write_csv


def conf_at(commit: str, into: Path) -> Path:
    """Returns the conf/ folder of the repository at commit, extracted under into."""
    folder = into / commit[:10]
    if not folder.exists():
        archive = subprocess.run(
            ["git", "archive", commit, "conf"], capture_output=True, check=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    return folder / "conf"


def composed(conf: Path, overrides: list[str]) -> dict:
    """Returns the job config (no hydra node) that conf/train.yaml and overrides compose to."""
    with initialize_config_dir(config_dir=str(conf.resolve()), version_base="1.3"):
        cfg = compose("train", overrides=overrides)
    return OmegaConf.to_container(cfg, resolve=True)


def same(cell: str, value: object) -> bool:
    """Returns whether a table cell shows the config value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(cell) == float(value)
    return cell == str(value)


def upgrade(path: Path, scratch: Path) -> None:
    """Rewrites the runs table at path with each row's config and fingerprint."""
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        overrides = row["overrides"].split()
        config = composed(conf_at(row["code/commit"], scratch), overrides)
        flat = results_config(config)
        for key, alias in [*ALIASES.items(), ("seed", "seed")]:
            if alias in row and row[alias] != "" and not same(row[alias], flat.get(key)):
                sys.exit(f"{path}: {row['run']}: {alias} {row[alias]} != composed {flat.get(key)}")
        for key in (k for k in row if "." in k and "/" not in k):  # data.val_per_class, ...
            if row[key] != "" and not same(row[key], flat.get(key)):
                sys.exit(f"{path}: {row['run']}: {key} {row[key]} != composed {flat.get(key)}")
        row["config"], row["fingerprint"] = json.dumps(flat, sort_keys=True), fingerprint(config)
    staged = scratch / path.name
    with staged.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*rows[0].keys()])
        writer.writeheader()
        writer.writerows(rows)
    runs = read_runs_table(staged)
    write_csv(path, runs_table(runs, varying_keys([r.config for r in runs])))
    print(f"{path}: {len(runs)} rows upgraded")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        for table in sys.argv[1:]:
            upgrade(Path(table), Path(scratch))
