"""GPU check of the captured training step: does replaying it as a CUDA graph train exactly
as running it eagerly does? Needs a CUDA device; on the CPU it says so and exits 2.

    python benchmarks/check_cuda_graph.py            # both models, fp32 and bf16-mixed

Part 1, CapturedStep alone: for each model and precision, the same weights train 3 epochs on
the same real MNIST batches (2,000 images: 15 full batches of 128 and a partial one of 80 per
epoch) with capture on and off, under LDAM with deferred re-weighting from epoch 1, so the
run covers the warm-up, the capture, replays, the eager partial batch and one re-capture.
It prints the largest parameter difference relative to the parameter's scale and each
epoch's loss both ways. fp32 must agree to 1e-4 (graphs replay the eager kernels; only
reduction order may differ), bf16 to 1e-2.

Part 2, the framework: train.run() with step_mode=cuda_graph and step_mode=eager, 2 epochs of
the default config on 10,000 images; prints both test accuracies and fit times.

Exits 1 when a part 1 difference is over its bound.
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir

from imbalance_lab.data.batches import EpochOrder
from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.run.runner import run
from imbalance_lab.training.captured_step import CapturedStep
from imbalance_lab.training.losses import build_loss
from imbalance_lab.training.models import build_model

from training_ways import MNIST

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")
COUNTS = [200] * 10  # 2,000 training images
BATCH = 128
EPOCHS = 3
BOUND = {"32-true": 1e-4, "bf16-mixed": 1e-2}


def train(name: str, precision: str, capture: bool, device: torch.device, data) -> tuple:
    """Returns (parameters, per-epoch mean losses) after EPOCHS epochs of CapturedStep."""
    images, labels = data
    torch.manual_seed(0)
    model = build_model(name, MNIST.num_classes, MNIST.image_shape).to(device)
    settings = {"max_margin": 0.5, "scale": 30.0, "drw_epoch": 1, "beta": 0.9999}
    loss = build_loss("ldam", COUNTS, settings=settings).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, capturable=True)
    epoch_now = [0]
    step = CapturedStep(
        model,
        lambda z, y: loss(z, y, epoch=epoch_now[0]),
        optimizer,
        capture=capture,
        strict=True,  # a failed capture must fail the check, not fall back to eager
    )
    autocast = (
        torch.autocast("cuda", dtype=torch.bfloat16) if precision == "bf16-mixed" else nullcontext()
    )
    order = EpochOrder(len(labels), shuffle=True, seed=0)
    losses = []
    for epoch in range(EPOCHS):
        epoch_now[0] = epoch
        order.set_epoch(epoch)
        index = order.indices().to(device)
        for start in range(0, len(index), BATCH):
            batch = index[start : start + BATCH]
            inputs = (images[batch].unsqueeze(1).float() / 255.0 - MNIST.mean) / MNIST.std
            with autocast:
                step(inputs, labels[batch], graph_key=loss.phase(epoch))
        losses.append(step.epoch_loss().item())
    if capture and step.replays == 0:
        raise RuntimeError("capture on, yet no step was replayed from a graph")
    return [p.detach().float() for p in model.parameters()], losses


def check_step(device: torch.device) -> bool:
    data_module = ImbalancedData(class_counts=COUNTS, spec=MNIST, val_per_class=10, seed=0)
    data_module.setup("fit")
    data = tuple(t.to(device) for t in data_module.splits["train"])
    ok = True
    for name in ("cnn", "rnn"):
        for precision in ("32-true", "bf16-mixed"):
            captured, captured_losses = train(name, precision, True, device, data)
            eager, eager_losses = train(name, precision, False, device, data)
            worst = max(
                ((a - b).abs().max() / b.abs().max().clamp_min(1e-12)).item()
                for a, b in zip(captured, eager, strict=True)
            )
            passed = worst <= BOUND[precision]
            ok &= passed
            print(
                f"[step] {name} {precision:10s} max relative parameter difference {worst:.2e} "
                f"(bound {BOUND[precision]:.0e}) {'ok' if passed else 'FAILED'}; epoch losses "
                f"captured {[round(v, 5) for v in captured_losses]} "
                f"eager {[round(v, 5) for v in eager_losses]}",
                flush=True,
            )
    return ok


def check_framework() -> None:
    for name in ("cnn", "rnn"):
        for mode in ("cuda_graph", "eager"):
            overrides = [
                f"model={name}",
                f"step_mode={mode}",
                "logger=none",
                "checkpoint=false",
                "resume=false",
                "imbalance.n_max=1000",
                "trainer.max_epochs=2",
                "trainer.enable_progress_bar=false",
            ]
            with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
                cfg = compose(config_name="train", overrides=overrides)
            started = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="graph-check-") as output_dir:
                metrics = run(cfg, output_dir)
            whole = time.perf_counter() - started
            print(
                f"[run()] {name} step_mode={mode:10s} replayed graphs: "
                f"{metrics['train/cuda_graph']}, test acc {metrics['test/acc']:.4f} "
                f"fit {metrics['time/fit_s']:.2f} s, whole run {whole:.2f} s",
                flush=True,
            )


def main() -> None:
    if not torch.cuda.is_available():
        print("check_cuda_graph: no CUDA device here; run it on a GPU machine", file=sys.stderr)
        sys.exit(2)
    device = torch.device("cuda")
    print(f"device: {torch.cuda.get_device_name(device)}, torch {torch.__version__}", flush=True)
    ok = check_step(device)
    check_framework()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
