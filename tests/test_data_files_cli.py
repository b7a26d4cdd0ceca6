"""The command line on invalid configs and corrupt data files: one line naming the key or the
file, exit code 2, and no run folder. Every case starts as a real subprocess with the module."""

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import MAX_SEED, MNIST, ROOT, TINY

CLI_CONFIGS = {  # name: (overrides, the key the error line must name)
    "empty_minority": (["imbalance.minority=[]"], "imbalance.minority"),
    "seed_beyond_32_bits": ([f"seed={MAX_SEED + 1}"], "seed"),
    "n_max_beyond_the_data": (["imbalance.n_max=6000"], "imbalance.n_max"),
}


def idx_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def truncate_gzip(folder: Path) -> str:
    """Cuts the training labels' gzip stream in half; returns the broken file's name."""
    path = folder / "train-labels-idx1-ubyte.gz"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path.name


def wrong_magic(folder: Path) -> str:
    """Gives the test images the labels' magic number (0x00000801 for 0x00000803)."""
    path = folder / "t10k-images-idx3-ubyte.gz"
    data = idx_bytes(path)
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + data[4:], compresslevel=1))
    return path.name


def fewer_labels(folder: Path) -> str:
    """Makes the training labels a well-formed IDX file of 59,999 labels (60,000 images)."""
    path = folder / "train-labels-idx1-ubyte.gz"
    data = idx_bytes(path)
    count = int.from_bytes(data[4:8], "big") - 1
    path.write_bytes(gzip.compress(data[:4] + count.to_bytes(4, "big") + data[8:-1]))
    return path.name


CLI_DATA = {  # name: (how to break a copy of the data, what the error line must also say)
    "truncated_gzip": (truncate_gzip, "cannot be read"),
    "wrong_magic": (wrong_magic, "magic number 0x00000801, expected 0x00000803"),
    "fewer_labels": (fewer_labels, "60000 images but 59999 labels"),
}


@pytest.fixture(scope="module", autouse=True)
def cli_started(request, tmp_path_factory):
    """Yields {case: (process, stderr file, run folder, data folder or None, broken file)}.

    Every command-line case starts with the module, all at once: each is mostly Python
    start-up, and they run beside the in-process tests, which use one core."""
    if not any("cli" in item.fixturenames for item in request.session.items):
        yield {}
        return
    root = tmp_path_factory.mktemp("cli")
    cases = {name: (overrides, None, None) for name, (overrides, _) in CLI_CONFIGS.items()}
    for name, (breaker, _) in CLI_DATA.items():
        folder = root / f"data_{name}"
        shutil.copytree(MNIST, folder)
        cases[name] = ([f"data.root={folder}"], folder, breaker(folder))
    environment = {**os.environ, "WANDB_MODE": "disabled"}
    started = {}
    try:
        for name, (overrides, folder, broken_file) in cases.items():
            run_dir, stderr = root / name, root / f"{name}.stderr"
            with stderr.open("w") as stream:
                process = subprocess.Popen(
                    [sys.executable, "train.py", *TINY, *overrides, f"hydra.run.dir={run_dir}"],
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stream,
                    env=environment,
                )
            started[name] = (process, stderr, run_dir, folder, broken_file)
        yield started
    finally:
        for process, *_ in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cli(cli_started):
    """Returns {case: (exit code, stderr, run folder, data folder or None, broken file name)}."""
    results = {}
    for name, (process, stderr, run_dir, folder, broken_file) in cli_started.items():
        code = process.wait(timeout=600)
        results[name] = (code, stderr.read_text(), run_dir, folder, broken_file)
    return results


def error_line(stderr: str) -> str:
    """Returns the one 'error: ' line of stderr, after checking that there is no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr[-3000:]
    return errors[0]


@pytest.mark.parametrize("name", CLI_CONFIGS)
def test_cli_invalid_config_is_one_line_naming_the_key(cli, name):
    code, stderr, run_dir, _, _ = cli[name]
    key = CLI_CONFIGS[name][1]
    line = error_line(stderr)
    assert code == 2, stderr[-3000:]
    assert line.startswith(f"error: {key}="), line
    if name != "n_max_beyond_the_data":  # found before Lightning starts: nothing else printed
        assert stderr.strip().splitlines() == [line]
    assert not run_dir.exists()


@pytest.mark.parametrize("name", CLI_DATA)
def test_cli_corrupt_data_file_is_one_line_naming_the_file(cli, name):
    code, stderr, run_dir, folder, broken_file = cli[name]
    line = error_line(stderr)
    assert code == 2, stderr[-3000:]
    assert CLI_DATA[name][1] in line, line
    if name == "fewer_labels":
        # Neither file is wrong alone: the line names the folder and the split.
        assert f"error: {folder}: " in line and "train split" in line, line
    else:
        assert f"error: {folder / broken_file}: " in line, line
    assert not run_dir.exists()
