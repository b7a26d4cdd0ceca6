"""Does trainer.precision=bf16-mixed train as well as fp32? Test accuracy of the framework
(imbalance_lab.run.run(), full 10,000-image test set) at several seeds of each.

    python benchmarks/bf16_check.py --device cpu --threads 1 --models cnn --bf16-seeds 3
    python benchmarks/bf16_check.py --device cuda

Noise is the range (max - min) of fp32's accuracy over its seeds: bf16's difference (at
seed 0; of the means when bf16 has several seeds) is within noise when it is no larger.
"""

from __future__ import annotations

import argparse
import statistics
import sys

import torch

from throughput import resolve_common_args, start
from training_ways import framework_run


def check_bf16(args, device: torch.device) -> None:
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
    parser.add_argument("--epochs", type=int, default=3, help="training epochs per run")
    parser.add_argument("--train-size", type=int, help="default 54,000 on GPU, 6,000 on CPU")
    parser.add_argument("--seeds", type=int, default=3, help="fp32 seeds")
    parser.add_argument("--bf16-seeds", type=int, default=1, help="bf16-mixed seeds")
    parser.add_argument("--threads", type=int, help="torch CPU threads")
    args = parser.parse_args(argv)
    resolve_common_args(parser, args)
    if min(args.epochs, args.seeds, args.bf16_seeds) < 1:
        parser.error("--epochs, --seeds and --bf16-seeds must be >= 1")
    # What framework_run reads besides these: the throughput benchmark's defaults.
    args.batch_size, args.rotation = 128, 25.0
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    device = start(args)
    print(
        f"train {args.train_size:,} images, batch 128, rotation 25 deg, {args.epochs} epochs; "
        f"test on all 10,000 images; fp32 seeds 0..{args.seeds - 1}, bf16-mixed seeds "
        f"0..{args.bf16_seeds - 1}",
        flush=True,
    )
    check_bf16(args, device)


if __name__ == "__main__":
    sys.exit(main())
