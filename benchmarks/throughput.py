"""Training throughput of the study's models, three ways, on one device, in one process.

    python benchmarks/throughput.py                  # auto device: CUDA if present, else CPU
    python benchmarks/throughput.py --device cpu --threads 1 --repeats 5
    python benchmarks/throughput.py --device cuda --precision bf16-mixed

The ways (training_ways.py) train the same model class on the same images (the balanced set
ImbalancedData draws at rho 1 and this seed), batch 128, the same normalisation and
on-device rotation, Adam at lr 1e-3, cross-entropy: a plain eager loop, the same step
replayed as a CUDA graph (GPU only), and the framework, imbalance_lab.run.run().

With --repeats n the ways take turns n times (eager, cuda-graph, framework, eager, ...), so
a load from other processes that drifts over minutes hits each way alike. Per way the table
gives the best repeat's s/epoch (load only ever adds time) and the median repeat's;
ratio = time per training sample / eager's (1.00 is parity, > 1 slower), of the best repeats,
and the median of the ratios within each repeat (paired).

On the CPU, whose speed here drifts by 20-40 % over minutes (other tenants of the host), the
ways also time their training step inside each epoch. epoch / time-in-step is then measured
within the same seconds, so the drift cancels; its framework/eager quotient is the framework's
epoch over eager's for the same step, and the CPU target is read on it, worst repeat.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import time
import warnings

import pytorch_lightning as pl
import torch

from training_ways import (
    MAX_TRAIN_SIZE,
    NUM_CLASSES,
    WAYS,
    Timing,
    device_name,
    measure,
    training_set,
)

# Targets of issue 6, framework / floor: eager on the CPU, the CUDA graph on a GPU.
CPU_TARGET = 1.05
GPU_TARGET = 1.15


def measure_all(args, device: torch.device) -> dict[str, dict[str, list[Timing]]]:
    """Returns model -> way -> the timing of each repeat; prints one line per way and repeat."""
    timings: dict[str, dict[str, list[Timing]]] = {}
    for name in args.models:
        images, labels = training_set(args.train_size, args.seed, device)
        timings[name] = {}
        failed: set[str] = set()
        for repeat in range(args.repeats):
            for way in WAYS:
                tag = f"[{name}] {way:<10} {repeat + 1}/{args.repeats}"
                if way == "cuda-graph" and device.type != "cuda" or way in failed:
                    continue
                started = time.perf_counter()
                try:
                    timing = measure(way, name, images, labels, args, device)
                except Exception as error:  # a capture that fails must not hide the other ways
                    print(f"{tag} failed: {type(error).__name__}: {error}", flush=True)
                    failed.add(way)
                    continue
                timings[name].setdefault(way, []).append(timing)
                epochs = ", ".join(f"{t:.3f}" for t in timing.epochs)
                print(
                    f"{tag} done in {time.perf_counter() - started:6.1f} s: {timing.samples} "
                    f"samples/epoch, timed epochs (s): {epochs}",
                    flush=True,
                )
    return timings


def paired_ratios(runs: dict[str, list[Timing]], way: str) -> list[float]:
    """Returns way's time per sample over eager's within each repeat."""
    pairs = zip(runs[way], runs.get("eager", []), strict=False)  # a way may have failed
    return [mine.seconds_per_sample / eager.seconds_per_sample for mine, eager in pairs]


def overhead_ratios(runs: dict[str, list[Timing]]) -> list[float]:
    """Returns, per repeat, the framework's (epoch / time in step) over eager's: the ratio of
    their epochs if the step itself costs the same in both, which it does (the same ops,
    tests/test_captured_step.py); each factor is measured within its own epochs."""
    pairs = zip(runs["framework"], runs["eager"], strict=False)
    return [mine.epoch_over_step / eager.epoch_over_step for mine, eager in pairs]


def print_table(timings: dict[str, dict[str, list[Timing]]], device: torch.device) -> None:
    print(
        f"\n{'model':<7}{'way':<11}{'best s/epoch':>13}{'median s/epoch':>16}{'samples/s':>11}"
        f"{'ratio (best)':>14}{'ratio (paired median)':>23}"
    )
    for name, runs in timings.items():
        best = {way: min(runs[way], key=lambda t: t.seconds_per_sample) for way in runs}
        for way in WAYS:
            if way not in runs:
                print(f"{name:<7}{way:<11}{'-':>13}{'-':>16}{'-':>11}{'-':>14}{'-':>23}")
                continue
            per_epoch = [statistics.fmean(t.epochs) for t in runs[way]]
            ratio = best[way].seconds_per_sample / best["eager"].seconds_per_sample
            paired = statistics.median(paired_ratios(runs, way))
            print(
                f"{name:<7}{way:<11}{min(per_epoch):>13.3f}{statistics.median(per_epoch):>16.3f}"
                f"{1 / best[way].seconds_per_sample:>11.0f}{ratio:>14.3f}{paired:>23.3f}"
            )
    for name, runs in timings.items():
        for way in ("cuda-graph", "framework"):
            if way in runs:
                each = ", ".join(f"{r:.3f}" for r in paired_ratios(runs, way))
                print(f"{name} {way}/eager per repeat: {each}")
        if "framework" not in runs:
            continue
        if device.type == "cpu":
            overhead = overhead_ratios(runs)
            each = ", ".join(f"{r:.3f}" for r in overhead)
            print(f"{name} framework/eager by epoch / time in step, per repeat: {each}")
            # The premise of that figure, measured across minutes, so with the drift in it.
            in_step = [
                sum(mine.in_step) / mine.samples / (sum(eager.in_step) / eager.samples)
                for mine, eager in zip(runs["framework"], runs["eager"], strict=False)
            ]
            each = ", ".join(f"{r:.3f}" for r in in_step)
            print(f"{name} framework/eager time in step per sample, per repeat: {each}")
            paired, by_step = statistics.median(paired_ratios(runs, "framework")), max(overhead)
            print(
                f"target (CPU) {name}: framework/eager <= {CPU_TARGET}: paired median "
                f"{paired:.3f} {'met' if paired <= CPU_TARGET else 'NOT met'}; by time in step, "
                f"worst repeat {by_step:.3f} {'met' if by_step <= CPU_TARGET else 'NOT met'}"
            )
        elif "cuda-graph" in runs:
            framework = min(t.seconds_per_sample for t in runs["framework"])
            floor = min(t.seconds_per_sample for t in runs["cuda-graph"])
            eager = min(t.seconds_per_sample for t in runs["eager"])
            print(
                f"target (GPU) {name}: framework/cuda-graph {framework / floor:.3f} <= "
                f"{GPU_TARGET}: {'met' if framework / floor <= GPU_TARGET else 'NOT met'}; "
                f"eager/framework {eager / framework:.2f} >= 2.5: "
                f"{'met' if eager / framework >= 2.5 else 'NOT met'}"
            )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--models", default="cnn,rnn", help="comma-separated: cnn,rnn")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs, after 1 warm-up")
    parser.add_argument(
        "--train-size",
        type=int,
        help=f"training images, a multiple of 10 (default {MAX_TRAIN_SIZE:,} on GPU, the "
        "largest balanced set; 6,000 on CPU)",
    )
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rotation", type=float, default=25.0, help="degrees")
    parser.add_argument("--precision", choices=("32-true", "bf16-mixed"), default="32-true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="the ways take turns n times")
    parser.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads (default: torch's own); 1 on a shared machine, where 2 threads "
        "stall for seconds at OpenMP barriers whenever another process holds a core",
    )
    args = parser.parse_args(argv)
    resolve_common_args(parser, args)
    if min(args.epochs, args.repeats) < 1:
        parser.error("--epochs and --repeats must be >= 1")
    return args


def resolve_common_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks --models and --train-size and resolves --device auto, in place; a bad value
    ends the script with the parser's one-line error."""
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    if not args.models or set(args.models) - {"cnn", "rnn"}:
        parser.error("--models: a comma-separated list of cnn, rnn")
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA device")
    if args.train_size is None:
        args.train_size = MAX_TRAIN_SIZE if args.device == "cuda" else 6_000
    if args.train_size % NUM_CLASSES or not NUM_CLASSES <= args.train_size <= MAX_TRAIN_SIZE:
        parser.error(f"--train-size must be a multiple of 10 in [10, {MAX_TRAIN_SIZE}]")


def quiet_lightning() -> None:
    for name in ("pytorch_lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.WARNING)  # no per-run "GPU available" lines
    # torch 2.13 deprecates the LeafSpec() that Lightning 2.6 builds at every run().
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")


def print_machine(args, device: torch.device) -> None:
    """Prints the device, how loaded the CPU was, and the versions."""
    print(f"device: {args.device} ({device_name(device)})")
    if device.type == "cpu" and hasattr(os, "getloadavg"):
        # Timings on a CPU shared with other processes are noisy; this says how shared it was.
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    cuda = f", CUDA {torch.version.cuda}" if device.type == "cuda" else ""
    print(
        f"python {platform.python_version()}, torch {torch.__version__}{cuda}, "
        f"pytorch_lightning {pl.__version__}"
    )


def print_setting(args) -> None:
    print(
        f"train {args.train_size:,} images ({args.train_size // NUM_CLASSES:,} per class), "
        f"batch {args.batch_size}, rotation {args.rotation:g} deg, precision {args.precision}, "
        f"1 warm-up + {args.epochs} timed epochs per way, {args.repeats} repeats",
        flush=True,
    )


def start(args: argparse.Namespace) -> torch.device:
    """Returns the device to measure on, once Lightning is quiet, torch's threads are set and
    the machine is printed."""
    quiet_lightning()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    print_machine(args, device)
    return device


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    device = start(args)
    print_setting(args)
    print_table(measure_all(args, device), device)


if __name__ == "__main__":
    sys.exit(main())
