"""Which numeric format and thread layout trains fastest on this CPU? One training step
(batch 128, forward, cross-entropy, backward, Adam) of each model, timed per format.

    python benchmarks/cpu_step_formats.py                  # formats, 2 torch threads
    python benchmarks/cpu_step_formats.py --layouts        # + 1 job x 2 threads vs 2 jobs x 1

Formats: fp32; fp32 with the CNN's convolutions in channels_last; bf16 autocast (what
Lightning's bf16-mixed does: forward and loss under torch.autocast, fp32 weights); bf16 +
channels_last. They take turns in blocks of --steps steps (fp32, cl, bf16, ..., fp32, ...),
so a drift of the CPU's speed over minutes hits them alike; each format's figure is the median
of its blocks' mean step, and ratio = that / fp32's (below 1 is faster), measured in this run.

--layouts also trains fp32 (channels_last for the CNN) for --seconds in one process with 2
threads, then in two processes with 1 thread each at once, and compares images per second:
how a sweep should share the 2 cores. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from imbalance_lab.training.models import CNN, LSTMClassifier

from training_ways import MNIST

FORMATS = {  # name -> (channels_last, bf16 autocast)
    "fp32": (False, False),
    "fp32 channels_last": (True, False),
    "bf16 autocast": (False, True),
    "bf16 + channels_last": (True, True),
}
BATCH = 128


def make_step(model_name: str, channels_last: bool, bf16: bool):
    """Returns a function that trains one fresh model (seed 0) one step per call."""
    torch.manual_seed(0)
    size = {"num_classes": MNIST.num_classes, "image_shape": MNIST.image_shape}
    model = (
        CNN(**size, channels_last=channels_last) if model_name == "cnn" else LSTMClassifier(**size)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.randn(BATCH, 1, *MNIST.image_shape)  # (B, 1, H, W), as the data module serves
    labels = torch.randint(0, MNIST.num_classes, (BATCH,))
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        with autocast:
            loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    return step


def block_seconds(step, steps: int) -> float:
    """Returns the mean seconds of one step over `steps` calls."""
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) / steps


def compare_formats(model_name: str, blocks: int, steps: int) -> None:
    formats = {n: f for n, f in FORMATS.items() if model_name == "cnn" or not f[0]}
    ways = {name: make_step(model_name, *flags) for name, flags in formats.items()}
    for step in ways.values():
        block_seconds(step, 2)  # warm-up: allocations, oneDNN's kernel choice
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for block in range(blocks):
        for name, step in ways.items():
            seconds[name].append(block_seconds(step, steps))
        print(f"[{model_name}] block {block + 1}/{blocks} done", file=sys.stderr, flush=True)
    base = statistics.median(seconds["fp32"])
    for name, times in seconds.items():
        median = statistics.median(times)
        print(
            f"{model_name:<4} {name:<22} median step {median * 1e3:7.1f} ms   "
            f"ratio to fp32 {median / base:5.2f}   (blocks: {min(times) * 1e3:.1f}-"
            f"{max(times) * 1e3:.1f} ms)",
            flush=True,
        )


def worker(model_name: str, seconds: float) -> None:
    """Trains fp32 (channels_last for the CNN) for `seconds`; prints the steps it made."""
    step = make_step(model_name, model_name == "cnn", False)
    block_seconds(step, 2)
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        step()
        steps += 1
    print(steps / (time.perf_counter() - started) * BATCH, flush=True)


def compare_layouts(model_name: str, seconds: float) -> None:
    def launch(threads: int) -> subprocess.Popen:
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        command = [sys.executable, __file__, "--worker", model_name, "--seconds", str(seconds)]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)

    one = float(launch(2).communicate()[0])
    pair = [launch(1), launch(1)]
    two = sum(float(p.communicate()[0]) for p in pair)
    print(
        f"{model_name:<4} 1 job x 2 threads {one:7.0f} images/s   2 jobs x 1 thread "
        f"{two:7.0f} images/s in all   ratio {two / one:4.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="cnn,rnn")
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--steps", type=int, default=5, help="steps per block")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for the formats")
    parser.add_argument("--layouts", action="store_true")
    parser.add_argument("--seconds", type=float, default=40.0, help="per layout run")
    parser.add_argument("--worker", choices=("cnn", "rnn"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
        worker(args.worker, args.seconds)
        return
    torch.set_num_threads(args.threads)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line]
    cpu, flags = (names[0] if names else platform.processor() or "cpu"), cpuinfo
    print(
        f"cpu: {cpu}, {os.cpu_count()} cores, avx512_bf16 {'avx512_bf16' in flags}, "
        f"amx_bf16 {'amx_bf16' in flags}; torch {torch.__version__}, {args.threads} threads; "
        f"load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(f"batch {BATCH}; {args.blocks} blocks of {args.steps} steps per format, interleaved")
    for model_name in args.models.split(","):
        compare_formats(model_name, args.blocks, args.steps)
    if args.layouts:
        for model_name in args.models.split(","):
            compare_layouts(model_name, args.seconds)


if __name__ == "__main__":
    main()
