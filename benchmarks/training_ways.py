"""The three ways benchmarks/throughput.py trains a model, each timed per epoch.

  eager      a plain PyTorch loop: uint8 images held on the device, batches gathered by index
             from the seeded permutation of batches.EpochOrder, host sync only at epoch end.
  cuda-graph the whole step (gather, rotation, forward, loss, backward, Adam capturable=True)
             captured once with torch.cuda.graph and replayed; static index buffer, so the last
             partial batch is dropped. CUDA only.
  framework  imbalance_lab.run.run() on the composed config (trainer=default, logger=none,
             checkpoint=false): Lightning with the project's DataModule and module, whose
             step_mode auto replays CUDA graphs on a GPU.

Every way trains 1 warm-up epoch, not timed, then `epochs` timed epochs. eager and cuda-graph
time each epoch with perf_counter after a device sync; the framework's epochs are timed by
its own EpochHistory callback (metrics.json history time/epoch_s), which also counts the
per-epoch validation of 10 x VAL_PER_CLASS images (one batch) that the other ways skip.
"""

from __future__ import annotations

import platform
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import NamedTuple
from unittest.mock import patch

import torch
import torch.nn.functional as F
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from imbalance_lab.data.augment import rotate_batch
from imbalance_lab.data.batches import EpochOrder
from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.run.runner import run
from imbalance_lab.training.captured_step import CapturedStep
from imbalance_lab.training.models import build_model

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")
# The packaged MNIST as its data config declares it: what every way here trains on.
MNIST = DatasetSpec.from_config(OmegaConf.load(Path(CONF_DIR) / "data" / "mnist.yaml").data)
NUM_CLASSES = MNIST.num_classes
VAL_PER_CLASS = 10  # the framework's per-epoch validation: 100 images, one batch
LR = 1e-3  # conf/train.yaml optim.lr
# At rho 1 every class keeps n_max images; digit 5 has 5,421 training images, less the
# validation ones, so 10 x 5,400 is the largest balanced set (all 60,000 cannot be balanced).
MAX_TRAIN_SIZE = 54_000
WAYS = ("eager", "cuda-graph", "framework")


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
    ImbalancedData.on_after_batch_transfer does: scale, rotate, normalise."""
    images = rotate_batch(images.unsqueeze(1).float() / 255.0, rotation, generator)
    return (images - MNIST.mean) / MNIST.std


def training_set(train_size: int, seed: int, device: torch.device):
    """Returns (images (N, 28, 28) uint8, labels (N,) int64) on device: the very set that run()
    trains on at imbalance.rho=1, imbalance.n_max=N/10, data.val_per_class=VAL_PER_CLASS."""
    data = ImbalancedData(
        class_counts=[train_size // NUM_CLASSES] * NUM_CLASSES,
        spec=MNIST,
        val_per_class=VAL_PER_CLASS,
        seed=seed,
    )
    data.setup("fit")
    images, labels = data.splits["train"]
    return images.to(device), labels.to(device)


class Timing(NamedTuple):
    """Wall seconds of each timed epoch, the images trained per epoch, and on the CPU the
    seconds of each timed epoch spent inside the training step (forward, loss, backward,
    optimizer step): what is left is the way's own overhead (batches, loop, validation)."""

    epochs: list[float]
    samples: int
    in_step: list[float] | None = None

    @property
    def seconds_per_sample(self) -> float:
        return sum(self.epochs) / len(self.epochs) / self.samples

    @property
    def epoch_over_step(self) -> float | None:
        """Returns epoch time / time in the step: both measured in the same epochs, so a
        drift of the CPU's speed over minutes cancels out of it."""
        return None if self.in_step is None else sum(self.epochs) / sum(self.in_step)


def timed_epochs(epochs: int, device: torch.device, epoch: Callable[[int], None]) -> list[float]:
    """Returns the wall seconds of epochs 1..epochs of `epoch(e)`; epoch 0 is the warm-up."""
    seconds = []
    for e in range(epochs + 1):
        started = time.perf_counter()
        epoch(e)
        sync(device)
        seconds.append(time.perf_counter() - started)
    return seconds[1:]


def eager_way(name, images, labels, args, device) -> Timing:
    """Returns the timing of a plain PyTorch training loop."""
    torch.manual_seed(args.seed)
    model = build_model(name, NUM_CLASSES, MNIST.image_shape).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    order = EpochOrder(len(labels), shuffle=True, seed=args.seed)
    angles = torch.Generator(device=device)
    in_step = []  # seconds per epoch

    def epoch(e: int) -> None:
        spent = 0.0
        order.set_epoch(e)
        # The angles' generator reseeded per epoch, as ImbalancedData._angles_generator does.
        angles.manual_seed((args.seed * 1_000_003 + e) * 64)
        index = order.indices().to(device)
        for start in range(0, len(index), args.batch_size):
            batch = index[start : start + args.batch_size]
            # Outside autocast, as Lightning calls on_after_batch_transfer outside it.
            inputs = prepare(images[batch], args.rotation, angles)
            started = time.perf_counter()
            with autocast(device, args.precision):
                loss = F.cross_entropy(model(inputs), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            spent += time.perf_counter() - started
        in_step.append(spent)

    epochs = timed_epochs(args.epochs, device, epoch)
    return Timing(epochs, len(labels), in_step[1:] if device.type == "cpu" else None)


def cuda_graph_way(name, images, labels, args, device) -> Timing:
    """Returns the timing of the whole step replayed as one captured CUDA graph; only full
    batches, as the index buffer has a fixed size."""
    torch.manual_seed(args.seed)
    model = build_model(name, NUM_CLASSES, MNIST.image_shape).to(device)
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

    return Timing(timed_epochs(args.epochs, device, epoch), steps * args.batch_size)


def framework_run(name, args, device, *, epochs, seed, precision, full_test=False) -> dict:
    """Returns the metrics of imbalance_lab.run.run() on the composed config; the test pass
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
    """Returns the timing of one run() of 1 + epochs epochs, by its own per-epoch clock; on the
    CPU CapturedStep.__call__ is wrapped to stamp the time spent in each step (it still runs)."""
    in_step = []  # seconds of each step
    step = CapturedStep.__call__

    def timed_step(self, *args, **kwargs) -> None:
        started = time.perf_counter()
        step(self, *args, **kwargs)
        in_step.append(time.perf_counter() - started)

    with patch.object(CapturedStep, "__call__", timed_step):
        metrics = framework_run(
            name, args, device, epochs=1 + args.epochs, seed=args.seed, precision=args.precision
        )
    epochs = [row["time/epoch_s"] for row in metrics["history"][1:]]
    samples = metrics["train/size"]
    steps = -(-samples // args.batch_size)  # per epoch
    per_epoch = [sum(in_step[e * steps : (e + 1) * steps]) for e in range(1, 1 + args.epochs)]
    return Timing(epochs, samples, per_epoch if device.type == "cpu" else None)


def measure(way: str, name: str, images, labels, args, device) -> Timing:
    """Returns the timing of one way."""
    if way == "framework":
        return framework_way(name, args, device)
    return {"eager": eager_way, "cuda-graph": cuda_graph_way}[way](
        name, images, labels, args, device
    )
