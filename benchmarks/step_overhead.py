"""What CapturedStep adds to a plain PyTorch step, in microseconds per step, on the CPU.

    python benchmarks/step_overhead.py --threads 1
    python benchmarks/step_overhead.py --threads 1 --model cnn --blocks 40 --steps 3

throughput.py's drift-free CPU figure (epoch / time in step) counts what CapturedStep does
inside a step (the trainer's step-counter hooks, the on-device loss sum, its branching) as
step time. This measures that part alone: a near-zero-compute model (one Linear(784, 10),
batch 128) trained by CapturedStep (capture off, the trainer's counter hooks stubbed by
Python no-ops of the same shape) and by the plain loop, in alternating blocks of steps so
that a drift of the CPU's speed hits both alike. Prints the median step of each and the
difference. --model cnn / rnn uses the study's models instead, to check that the whole step
costs the same both ways (the premise of throughput.py's CPU figure).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from imbalance_lab.training.captured_step import CapturedStep
from imbalance_lab.training.models import build_model

from training_ways import MNIST


def block_seconds(step, images, labels, steps: int) -> float:
    """Returns the mean seconds of one step over `steps` calls."""
    started = time.perf_counter()
    for _ in range(steps):
        step(images, labels)
    return (time.perf_counter() - started) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=30)
    parser.add_argument("--steps", type=int, default=200, help="steps per block")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--model", choices=("linear", "cnn", "rnn"), default="linear")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images = torch.randn(128, 1, *MNIST.image_shape)  # (B, 1, H, W): MNIST-sized batches
    labels = torch.randint(0, MNIST.num_classes, (128,))

    def model_and_optimizer():
        torch.manual_seed(0)
        if args.model == "linear":
            model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
        else:
            model = build_model(args.model, MNIST.num_classes, MNIST.image_shape)
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)

    plain_model, plain_optimizer = model_and_optimizer()

    def plain(images, labels) -> None:
        plain_optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(plain_model(images), labels)
        loss.backward()
        plain_optimizer.step()

    counter = {"ready": 0, "completed": 0}  # what the trainer's hooks do: count the steps
    model, optimizer = model_and_optimizer()
    captured = CapturedStep(
        model,
        F.cross_entropy,
        optimizer,
        capture=False,
        on_step=lambda: counter.__setitem__("ready", counter["ready"] + 1),
        after_step=lambda: counter.__setitem__("completed", counter["completed"] + 1),
    )
    ways = {"plain loop": plain, "CapturedStep": captured}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for step in ways.values():  # warm-up
        block_seconds(step, images, labels, args.steps)
    for _ in range(args.blocks):
        for name, step in ways.items():
            seconds[name].append(block_seconds(step, images, labels, args.steps))
    median = {name: statistics.median(values) * 1e6 for name, values in seconds.items()}
    print(
        f"{args.model}: {args.blocks} alternating blocks of {args.steps} steps, "
        f"{torch.get_num_threads()} threads"
    )
    for name, value in median.items():
        print(f"{name:<13} median step {value:8.1f} us")
    extra = median["CapturedStep"] - median["plain loop"]
    ratio = median["CapturedStep"] / median["plain loop"]
    print(f"CapturedStep - plain loop: {extra:+.1f} us per step (ratio {ratio:.4f})")


if __name__ == "__main__":
    main()
