"""The benchmark scripts run end to end on a slice of the data (their figures are not
asserted: speed is what the scripts measure, not what a test checks)."""

import re

import pytest
import torch

from helpers import python


def test_throughput_prints_every_way_and_the_cpu_verdict():
    done = python(
        [
            "benchmarks/throughput.py",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--models",
            "rnn",
            "--train-size",
            "300",
            "--epochs",
            "1",
            "--repeats",
            "2",
        ]
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {
        line.split()[1]: line.split()[2:]
        for line in done.stdout.splitlines()
        if line.startswith("rnn ") and len(line.split()) == 7
    }
    assert rows["eager"][-2:] == ["1.000", "1.000"]  # eager against itself
    assert rows["cuda-graph"] == ["-"] * 5  # no CUDA here
    assert float(rows["framework"][0]) > 0
    verdict = r"\d\.\d{3} (met|NOT met)"
    target = rf"target \(CPU\) rnn: framework/eager <= 1\.05: paired median {verdict}; "
    assert re.search(target + rf"by time in step, worst repeat {verdict}", done.stdout)
    assert len(re.findall(r"\[rnn\] framework  \d/2 done", done.stdout)) == 2


def test_bf16_check_compares_against_the_fp32_seed_spread():
    done = python(
        [
            "benchmarks/bf16_check.py",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--models",
            "rnn",
            "--train-size",
            "200",
            "--epochs",
            "1",
            "--seeds",
            "2",
        ]
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (
        len(re.findall(r"\[rnn\] (32-true|bf16-mixed) +seed \d: test/acc 0\.\d{4}", done.stdout))
        == 3
    )
    assert re.search(r"bf16 - fp32 at seed 0: [+-]0\.\d{4}; fp32 over 2 seeds", done.stdout)


@pytest.mark.skipif(torch.cuda.is_available(), reason="with a GPU the script checks instead")
def test_cuda_graph_check_says_when_there_is_no_gpu():
    done = python(["benchmarks/check_cuda_graph.py"])
    assert done.returncode == 2
    assert "no CUDA device here" in done.stderr


def test_job_overhead_times_a_real_two_job_sweep():
    done = python(
        [
            "benchmarks/job_overhead.py",
            "--jobs",
            "2",
            "--threads",
            "1",
            "--",
            "model=rnn",
            "trainer.limit_train_batches=2",
        ]
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 jobs in one process" in done.stdout
    assert re.search(r"job 0 -> 1: \d+\.\d{3} s \(Hydra between jobs", done.stdout)
    assert "read and checked once per process: yes" in done.stdout
