"""Training throughput of the study's models, three ways, on one device, in one process.

    python benchmarks/throughput.py                  # auto device: CUDA if present, else CPU
    python benchmarks/throughput.py --device cpu --train-size 2000 --epochs 2
    python benchmarks/throughput.py --device cuda --check-bf16

The three ways train the same model class (models.build_model) on the same images (the
balanced set ImbalancedMNIST draws at rho 1 and this seed), batch 128, the same
normalisation and on-device rotation (augment.rotate_batch), Adam at lr 1e-3, cross-entropy:

  eager      a plain PyTorch loop: uint8 images held on the device, batches gathered by index
             from the seeded permutation of batches.EpochOrder, host sync only at epoch end.
  cuda-graph the whole step (gather, rotation, forward, loss, backward, Adam capturable=True)
             captured once with torch.cuda.graph and replayed; static index buffer, so the last
             partial batch is dropped. CUDA only.
  framework  imbalance_lab.train.run() on the composed config (trainer=default, logger=none,
             checkpoint=false), i.e. Lightning with the project's DataModule and module.

Timing: every way trains 1 warm-up epoch, not timed, then --epochs timed epochs. eager and
cuda-graph time each epoch with perf_counter (after a device sync). run() takes no callbacks,
so the framework is timed by its own fit clock (metrics.json time/fit_s, which excludes the
test pass): it runs twice, with max_epochs 1 and 1 + epochs, and
    s/epoch = (fit_s(1 + epochs) - fit_s(1)) / epochs,
which cancels set-up and the warm-up epoch. A framework epoch also validates on
10 x VAL_PER_CLASS images (one batch), which the other ways do not.
ratio = time per training sample / that of eager: 1.00 is parity, > 1 is slower.

With --repeats n the ways are measured n times, in turn: the table keeps each way's best time
(seconds_per_epoch), and the ratio of each repeat against that repeat's eager loop is printed
too (paired_ratios). On the CPU the table adds this process's CPU time (time.process_time)
per epoch, which counts only its own work, so it is less disturbed by other processes than
the wall clock; use --threads 1 on a shared machine, as 2 threads on 2 busy cores stall for
seconds at OpenMP barriers.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import NamedTuple

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from hydra import compose, initialize_config_dir

from imbalance_lab.augment import rotate_batch
from imbalance_lab.batches import EpochOrder
from imbalance_lab.data import PIXEL_MEAN, PIXEL_STD, ImbalancedMNIST
from imbalance_lab.models import build_model
from imbalance_lab.train import run

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")
NUM_CLASSES = 10
VAL_PER_CLASS = 10  # the framework's per-epoch validation: 100 images, one batch
LR = 1e-3  # conf/train.yaml optim.lr
# At rho 1 every class keeps n_max images; digit 5 has 5,421 training images, less the
# validation ones, so 10 x 5,400 is the largest balanced set (all 60,000 cannot be balanced).
MAX_TRAIN_SIZE = 54_000


def device_name(device: torch.device) -> str:
    """Returns the GPU's name, or the CPU's model name and the threads torch uses."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {torch.get_num_threads()} torch threads"


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def autocast(device: torch.device, precision: str, cache_enabled: bool = True):
    """Returns the context Lightning's precision plugin uses for the forward pass."""
    if precision == "bf16-mixed":
        return torch.autocast(device.type, dtype=torch.bfloat16, cache_enabled=cache_enabled)
    return nullcontext()


def prepare(
    images: torch.Tensor, rotation: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Returns training inputs (B, 1, 28, 28) float from uint8 images (B, 28, 28), as
    ImbalancedMNIST.on_after_batch_transfer does: scale, rotate, normalise."""
    images = rotate_batch(images.unsqueeze(1).float() / 255.0, rotation, generator)
    return (images - PIXEL_MEAN) / PIXEL_STD


def training_set(train_size: int, seed: int, device: torch.device):
    """Returns (images (N, 28, 28) uint8, labels (N,) int64) on device: the very set that run()
    trains on at imbalance.rho=1, imbalance.n_max=N/10, data.val_per_class=VAL_PER_CLASS."""
    data = ImbalancedMNIST(
        class_counts=[train_size // NUM_CLASSES] * NUM_CLASSES,
        val_per_class=VAL_PER_CLASS,
        seed=seed,
    )
    data.setup("fit")
    images, labels = data.splits["train"]
    return images.to(device), labels.to(device)


class Timing(NamedTuple):
    """Seconds by the wall clock and in this process's CPU time: of each timed epoch, or for
    the framework of its two fits, (1 epoch, 1 + epochs epochs)."""

    wall: list[float]
    cpu: list[float]
    samples: int  # trained per epoch


def epoch_seconds(way: str, seconds: list[float], epochs: int) -> float:
    """Returns the mean s/epoch of one measurement of a way (its Timing.wall or .cpu)."""
    if way == "framework":
        return (seconds[1] - seconds[0]) / epochs
    return statistics.fmean(seconds)


def seconds_per_epoch(way: str, runs: list[list[float]], epochs: int) -> float:
    """Returns the best s/epoch over repeated runs of a way, as contention from other
    processes only ever adds time: the least mean epoch, or for the framework the least long
    fit less the least short fit (the least difference would favour a slowed short fit)."""
    if way == "framework":
        return epoch_seconds(
            way, [min(run[0] for run in runs), min(run[1] for run in runs)], epochs
        )
    return min(statistics.fmean(run) for run in runs)


def timed_epochs(epochs: int, device: torch.device, epoch: Callable[[int], None]):
    """Returns (wall, cpu) seconds of epochs 1..epochs of `epoch(e)`; epoch 0 is the warm-up."""
    wall, cpu = [], []
    for e in range(epochs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        epoch(e)
        sync(device)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall[1:], cpu[1:]


def eager_way(name, images, labels, args, device) -> Timing:
    """Returns the timing of a plain PyTorch training loop."""
    torch.manual_seed(args.seed)
    model = build_model(name, NUM_CLASSES).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    order = EpochOrder(len(labels), shuffle=True, seed=args.seed)
    angles = torch.Generator(device=device)

    def epoch(e: int) -> None:
        order.set_epoch(e)
        # The angles' generator reseeded per epoch, as ImbalancedMNIST._angles_generator does.
        angles.manual_seed((args.seed * 1_000_003 + e) * 64)
        index = order.indices().to(device)
        for start in range(0, len(index), args.batch_size):
            batch = index[start : start + args.batch_size]
            # Outside autocast, as Lightning calls on_after_batch_transfer outside it.
            inputs = prepare(images[batch], args.rotation, angles)
            with autocast(device, args.precision):
                loss = F.cross_entropy(model(inputs), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

    return Timing(*timed_epochs(args.epochs, device, epoch), len(labels))


def cuda_graph_way(name, images, labels, args, device) -> Timing:
    """Returns the timing of the whole step replayed as one captured CUDA graph; only full
    batches, as the index buffer has a fixed size."""
    torch.manual_seed(args.seed)
    model = build_model(name, NUM_CLASSES).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, capturable=True)
    order = EpochOrder(len(labels), shuffle=True, seed=args.seed)
    steps = len(labels) // args.batch_size
    static_index = order.indices()[: args.batch_size].to(device)  # (B,) int64, refilled per step

    def step() -> None:
        # Angles from the default CUDA generator, which graphs capture (a private one would
        # need graph.register_generator_state): the same kernels, other angles.
        inputs = prepare(images[static_index], args.rotation)
        # Autocast's weight cache must be off under capture (PyTorch CUDA graphs notes).
        with autocast(device, args.precision, cache_enabled=False):
            loss = F.cross_entropy(model(inputs), labels[static_index])
        loss.backward()
        optimizer.step()

    # A few eager steps on a side stream before capture, as torch.cuda.graph requires.
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(3):
            optimizer.zero_grad(set_to_none=True)
            step()
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    optimizer.zero_grad(set_to_none=True)  # backward in the graph then writes fresh grads
    with torch.cuda.graph(graph):
        step()

    def epoch(e: int) -> None:
        order.set_epoch(e)
        index = order.indices()[: steps * args.batch_size].to(device)
        for start in range(0, len(index), args.batch_size):
            static_index.copy_(index[start : start + args.batch_size])
            graph.replay()

    return Timing(*timed_epochs(args.epochs, device, epoch), steps * args.batch_size)


def framework_run(name, args, device, *, epochs, seed, precision, full_test=False) -> dict:
    """Returns the metrics of imbalance_lab.train.run() on the composed config; the test pass
    uses one batch unless full_test."""
    overrides = [
        f"model={name}",
        "logger=none",
        "checkpoint=false",
        "resume=false",
        f"seed={seed}",
        "imbalance.rho=1",
        f"imbalance.n_max={args.train_size // NUM_CLASSES}",
        f"data.val_per_class={VAL_PER_CLASS}",
        f"data.rotation={args.rotation}",
        f"data.batch_size={args.batch_size}",
        f"optim.lr={LR}",
        f"trainer.max_epochs={epochs}",
        f"trainer.accelerator={device.type}",
        f"trainer.precision={precision}",
        "trainer.enable_progress_bar=false",
        f"++trainer.limit_test_batches={1.0 if full_test else 1}",
    ]
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=overrides)
    with tempfile.TemporaryDirectory(prefix="throughput-") as output_dir:
        return run(cfg, output_dir)


def framework_way(name, args, device) -> Timing:
    """Returns the timing of run()'s fits of 1 and 1 + epochs epochs (module docstring)."""
    wall, cpu = [], []
    for epochs in (1, 1 + args.epochs):
        started_cpu = time.process_time()
        metrics = framework_run(
            name, args, device, epochs=epochs, seed=args.seed, precision=args.precision
        )
        wall.append(metrics["time/fit_s"])
        cpu.append(time.process_time() - started_cpu)  # all of run(): set-up cancels out
    return Timing(wall, cpu, args.train_size)


def measure(way: str, name: str, images, labels, args, device) -> Timing:
    """Returns the timing of one way."""
    if way == "framework":
        return framework_way(name, args, device)
    return {"eager": eager_way, "cuda-graph": cuda_graph_way}[way](
        name, images, labels, args, device
    )


class Row(NamedTuple):
    """One line of the table; None where a way did not run."""

    model: str
    way: str
    epoch_s: float | None = None
    rate: float | None = None  # samples/s
    ratio: float | None = None  # time per sample over eager's, wall clock
    cpu_s: float | None = None
    cpu_ratio: float | None = None
    paired: list[float] = []  # the wall ratio of each repeat against that repeat's eager


def per_sample_ratio(times: dict[str, float], samples: dict[str, int], way: str) -> float | None:
    """Returns way's time per training sample over eager's (the CUDA graph drops a batch)."""
    if "eager" not in times:
        return None
    return times[way] / samples[way] / (times["eager"] / samples["eager"])


def paired_ratios(way: str, timings: dict, samples: dict[str, int], epochs: int) -> list[float]:
    """Returns way's wall time per sample over eager's, repeat by repeat: the two ran a minute
    apart, so a load from other processes that drifts over minutes cancels within a pair."""
    pairs = zip(timings.get(way, []), timings.get("eager", []), strict=False)  # one may fail
    return [
        epoch_seconds(way, mine.wall, epochs)
        / samples[way]
        / (epoch_seconds("eager", eager.wall, epochs) / samples["eager"])
        for mine, eager in pairs
    ]


def throughput(args, device: torch.device) -> list[Row]:
    """Returns the table's rows, each time the best of --repeats (seconds_per_epoch); prints
    one progress line per way and repeat."""
    ways = ["eager", "cuda-graph", "framework"]
    rows = []
    for name in args.models:
        images, labels = training_set(args.train_size, args.seed, device)
        timings: dict[str, list[Timing]] = {}
        samples: dict[str, int] = {}
        failed: set[str] = set()
        for repeat in range(args.repeats):
            for way in ways:
                tag = f"[{name}] {way:<10} {repeat + 1}/{args.repeats}"
                if way == "cuda-graph" and device.type != "cuda":
                    if repeat == 0:
                        print(f"[{name}] {way:<10} skipped (no CUDA)", flush=True)
                    continue
                if way in failed:
                    continue
                started = time.perf_counter()
                try:
                    timing = measure(way, name, images, labels, args, device)
                except Exception as error:  # a capture that fails must not hide the other ways
                    print(f"{tag} failed: {type(error).__name__}: {error}", flush=True)
                    failed.add(way)
                    continue
                samples[way] = timing.samples
                timings.setdefault(way, []).append(timing)
                what = (
                    f"fits of 1 and {1 + args.epochs} epochs (s)"
                    if way == "framework"
                    else "timed epochs (s)"
                )
                print(
                    f"{tag} done in {time.perf_counter() - started:6.1f} s: {timing.samples} "
                    f"samples/epoch, {what}: {', '.join(f'{t:.2f}' for t in timing.wall)}"
                    f" (CPU s: {', '.join(f'{t:.2f}' for t in timing.cpu)})",
                    flush=True,
                )
        best, best_cpu = {}, {}  # way -> s/epoch by the wall clock, in CPU time
        for way, runs in timings.items():
            best[way] = seconds_per_epoch(way, [t.wall for t in runs], args.epochs)
            best_cpu[way] = seconds_per_epoch(way, [t.cpu for t in runs], args.epochs)
            if min(best[way], best_cpu[way]) <= 0:  # a difference of two noisy fits
                print(f"[{name}] {way}: noise exceeds the signal, no figure (use --threads 1)")
                best.pop(way)
        for way in ways:
            if way not in best:
                rows.append(Row(name, way))
                continue
            ratios = [per_sample_ratio(times, samples, way) for times in (best, best_cpu)]
            paired = paired_ratios(way, timings, samples, args.epochs)
            rate = samples[way] / best[way]
            rows.append(
                Row(name, way, best[way], rate, ratios[0], best_cpu[way], ratios[1], paired)
            )
    return rows


def print_table(rows: list[Row], device: torch.device) -> None:
    """Prints the table; the CPU-time columns only for the CPU, where they measure the work
    done whatever other processes take (with 1 thread), unlike the wall clock."""
    cpu = device.type == "cpu"
    header = f"{'s/epoch':>9}{'samples/s':>11}{'ratio vs eager':>16}"
    print(
        f"\nmodel  {'way':<11}{header}" + (f"{'CPU s/epoch':>13}{'CPU ratio':>11}" if cpu else "")
    )

    def number(value, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    for name, way, epoch_s, rate, ratio, cpu_s, cpu_ratio, _ in rows:
        line = f"{name:<7}{way:<11}"
        line += f"{number(epoch_s, '.3f'):>9}{number(rate, '.0f'):>11}{number(ratio, '.3f'):>16}"
        if cpu:
            line += f"{number(cpu_s, '.3f'):>13}{number(cpu_ratio, '.3f'):>11}"
        print(line)
    for row in rows:
        if row.way != "eager" and len(row.paired) > 1:
            median = statistics.median(row.paired)
            each = ", ".join(f"{r:.3f}" for r in row.paired)
            print(f"{row.model} {row.way}/eager per repeat (wall): {each}; median {median:.3f}")
    if cpu:
        for row in rows:
            if row.way == "framework" and row.ratio is not None:
                figures = {"wall": row.ratio, "CPU time": row.cpu_ratio}
                if len(row.paired) > 1:
                    figures["median per repeat"] = statistics.median(row.paired)
                print(
                    f"target (CPU) {row.model}: framework/eager <= 1.05: "
                    + ", ".join(
                        f"{what} {r:.3f} {'met' if r <= 1.05 else 'NOT met'}"
                        for what, r in figures.items()
                    )
                )


def check_bf16(args, device: torch.device) -> None:
    """Prints the framework's test accuracy in 32-true at seeds 0..seeds-1 and in bf16-mixed at
    seeds 0..bf16_seeds-1. Noise is the range (max - min) of 32-true over its seeds: the
    bf16 - fp32 difference (at seed 0; of the means when bf16 has several seeds) is within
    noise when it is no larger."""
    print(f"\nbf16-mixed vs 32-true, framework path, full test set (10,000), {args.epochs} epochs")
    for name in args.models:
        accuracy: dict[str, list[float]] = {"32-true": [], "bf16-mixed": []}
        for precision, seeds in (("32-true", args.seeds), ("bf16-mixed", args.bf16_seeds)):
            for seed in range(seeds):
                kwargs = {"epochs": args.epochs, "seed": seed, "precision": precision}
                metrics = framework_run(name, args, device, full_test=True, **kwargs)
                accuracy[precision].append(metrics["test/acc"])
                print(f"[{name}] {precision:<10} seed {seed}: test/acc {metrics['test/acc']:.4f}")
        fp32, bf16 = accuracy["32-true"], accuracy["bf16-mixed"]
        spread = max(fp32) - min(fp32)
        std = statistics.stdev(fp32) if len(fp32) > 1 else 0.0
        what, diff = "at seed 0", bf16[0] - fp32[0]
        if len(bf16) > 1:
            what = f"means of {len(bf16)} vs {len(fp32)} seeds"
            diff = statistics.fmean(bf16) - statistics.fmean(fp32)
        verdict = "within noise" if abs(diff) <= spread else "OUTSIDE noise"
        print(
            f"[{name}] bf16 - fp32 {what}: {diff:+.4f}; fp32 over {len(fp32)} seeds: mean "
            f"{statistics.fmean(fp32):.4f}, std {std:.4f}, range {spread:.4f} -> {verdict}",
            flush=True,
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
    parser.add_argument(
        "--repeats", type=int, default=1, help="measure each way n times, keep the best"
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads (default: torch's own); 1 on a shared machine, where 2 threads "
        "stall for seconds at OpenMP barriers whenever another process holds a core",
    )
    parser.add_argument("--check-bf16", action="store_true", help="also compare test accuracy")
    parser.add_argument("--seeds", type=int, default=3, help="32-true seeds of --check-bf16")
    parser.add_argument("--bf16-seeds", type=int, default=1, help="bf16 seeds of --check-bf16")
    parser.add_argument("--skip-throughput", action="store_true", help="only --check-bf16")
    args = parser.parse_args(argv)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA device")
    if args.train_size is None:
        args.train_size = MAX_TRAIN_SIZE if args.device == "cuda" else 6_000
    if args.train_size % NUM_CLASSES or not NUM_CLASSES <= args.train_size <= MAX_TRAIN_SIZE:
        parser.error(f"--train-size must be a multiple of 10 in [10, {MAX_TRAIN_SIZE}]")
    if min(args.epochs, args.repeats, args.seeds, args.bf16_seeds) < 1:
        parser.error("--epochs, --repeats, --seeds and --bf16-seeds must be >= 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    for name in ("pytorch_lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.WARNING)  # no per-run "GPU available" lines
    # torch 2.13 deprecates the LeafSpec() that Lightning 2.6 builds at every run().
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    print(f"device: {args.device} ({device_name(device)})")
    if device.type == "cpu" and hasattr(os, "getloadavg"):
        # Timings on a CPU shared with other processes are noisy; this says how shared it was.
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    cuda = f", CUDA {torch.version.cuda}" if device.type == "cuda" else ""
    print(
        f"python {platform.python_version()}, torch {torch.__version__}{cuda}, "
        f"pytorch_lightning {pl.__version__}"
    )
    print(
        f"train {args.train_size:,} images ({args.train_size // NUM_CLASSES:,} per class), "
        f"batch {args.batch_size}, rotation {args.rotation:g} deg",
        flush=True,
    )
    if not args.skip_throughput:
        print(
            f"precision {args.precision}, 1 warm-up + {args.epochs} timed epochs per way, "
            f"best of {args.repeats}",
            flush=True,
        )
        print_table(throughput(args, device), device)
    if args.check_bf16:
        check_bf16(args, device)


if __name__ == "__main__":
    sys.exit(main())
