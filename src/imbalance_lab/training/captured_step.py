"""The whole training step (forward, loss, backward, optimizer step, loss sum) as one function
that can be captured once as a CUDA graph and replayed.

At batch 128 a GPU step of the study's small models is bound by the launch of a few hundred
kernels, not by arithmetic: replaying a captured graph launches them all at once. With capture
off the same function runs eagerly on every batch; that is the CPU path, so every CPU run and
test goes through the code that the graph records.

What a capture needs, and how this file provides it:
- static shapes and addresses: batches are copied into fixed input tensors; a batch of another
  shape (the last, partial one of an epoch) runs the same step eagerly, so no image is dropped;
- no host synchronisation inside the step: the loss is summed on the device and read once per
  epoch; Adam keeps its step count on the device (capturable=True, set by the module);
- warm-up before capture: the first WARMUP_STEPS full batches run eagerly on a side stream,
  which creates the optimizer state and the autograd buffers;
- Python branches are frozen at capture: `graph_key` names the step's branch (the loss's
  phase, e.g. LDAM's deferred re-weighting), and a new key captures a new graph.

A capture that fails (an op that syncs with the host, say) raises when `strict`; otherwise it
logs a warning once and the run goes on eagerly, training that batch too: nothing runs while
a graph is being recorded, so the failed capture changed no weight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from contextlib import nullcontext

import torch

WARMUP_STEPS = 3  # eager steps before a capture (PyTorch's whole-network capture example)

log = logging.getLogger(__name__)


class CapturedStep:
    """Trains `forward` (images (B, 1, H, W) -> logits (B, C)) with `loss(logits, labels)`
    and `optimizer`, one batch per call; `capture` replays full batches as a CUDA graph.

    on_step / after_step wrap every step, replayed ones too (the trainer's step counter).
    backward defaults to Tensor.backward; DDP and fp16 need the trainer's (no capture then).
    clip_grad_norm: the gradients' total L2 norm is clipped to it before each optimizer step.
    strict: a failed capture raises instead of falling back to eager steps."""

    def __init__(
        self,
        forward: Callable[[torch.Tensor], torch.Tensor],
        loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        optimizer: torch.optim.Optimizer,
        capture: bool,
        backward: Callable[[torch.Tensor], None] = torch.Tensor.backward,
        clip_grad_norm: float | None = None,
        strict: bool = False,
        on_step: Callable[[], None] = lambda: None,
        after_step: Callable[[], None] = lambda: None,
    ):
        self.forward, self.loss, self.optimizer = forward, loss, optimizer
        self.backward, self.clip_grad_norm, self.strict = backward, clip_grad_norm, strict
        # What clip_grad_norm clips, listed once: the optimizer's groups do not change.
        self.parameters = [p for group in optimizer.param_groups for p in group["params"]]
        self.replays = 0  # steps replayed from a graph since this object was made
        self.capture, self.on_step, self.after_step = capture, on_step, after_step
        self.loss_sum: torch.Tensor | None = None  # () fp32: summed per-sample loss this epoch
        self.samples = 0  # images trained on this epoch
        self.graph: torch.cuda.CUDAGraph | None = None
        self.graph_key: Hashable = None
        self.static_images = self.static_labels = None  # the graph's input tensors
        self.full_shape: torch.Size | None = None  # (B, 1, H, W) of a full batch
        self.warm_steps = 0  # eager full-batch steps since the key last changed

    def __call__(self, images: torch.Tensor, labels: torch.Tensor, graph_key: Hashable = 0) -> None:
        """Trains on one batch: images (B, 1, H, W) float, labels (B,) int64."""
        if self.loss_sum is None:
            self.loss_sum = torch.zeros((), device=images.device)
        if self.full_shape is None:
            self.full_shape = images.shape
        self.on_step()
        if not self.capture or images.shape != self.full_shape:
            self._eager(images, labels)
        elif self.graph is not None and graph_key == self.graph_key:
            self.static_images.copy_(images)
            self.static_labels.copy_(labels)
            self.graph.replay()
            self.replays += 1
        elif self.warm_steps < WARMUP_STEPS or graph_key != self.graph_key:
            self._warm_up(images, labels, graph_key)
        else:
            self._capture(images, labels)
        self.samples += len(labels)
        self.after_step()

    def running_loss(self) -> torch.Tensor:
        """Returns the mean per-sample training loss so far this epoch, () on the device,
        without resetting it (the progress bar reads it every few dozen steps)."""
        return self.loss_sum / max(self.samples, 1)

    def epoch_loss(self) -> torch.Tensor:
        """Returns the mean per-sample training loss since the last reset () on the device,
        without a host sync; then starts a new sum."""
        mean = self.loss_sum / max(self.samples, 1)
        self.loss_sum.zero_()  # in place: a captured graph adds to this very tensor
        self.samples = 0
        return mean

    def _step(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        """The step the graph records: gradients are assigned by backward (none exist when it
        is captured), so it zeroes nothing itself."""
        loss = self.loss(self.forward(images), labels)  # () fp32
        self.backward(loss)
        if self.clip_grad_norm is not None:
            # foreach, and no error check on a non-finite norm: nothing syncs with the host.
            torch.nn.utils.clip_grad_norm_(self.parameters, self.clip_grad_norm, foreach=True)
        self.optimizer.step()
        self.loss_sum.add_(loss.detach() * len(labels))

    def _eager(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        # Once a graph exists its gradient tensors must stay in place: zero them, don't free.
        self.optimizer.zero_grad(set_to_none=self.graph is None)
        self._step(images, labels)

    def _warm_up(self, images: torch.Tensor, labels: torch.Tensor, graph_key: Hashable) -> None:
        if graph_key != self.graph_key:  # a new branch of the step: warm it up, then capture
            self.graph, self.graph_key, self.warm_steps = None, graph_key, 0
        self.warm_steps += 1
        if images.device.type != "cuda":  # no streams to keep apart: the capture will say why
            self._eager(images, labels)
            return
        side = torch.cuda.Stream(images.device)
        side.wait_stream(torch.cuda.current_stream(images.device))
        with torch.cuda.stream(side):
            self._eager(images, labels)
        torch.cuda.current_stream(images.device).wait_stream(side)

    def _capture(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        self.static_images, self.static_labels = images.clone(), labels.clone()
        self.optimizer.zero_grad(set_to_none=True)  # backward allocates them in the graph's pool
        try:
            if images.device.type != "cuda":  # a graph records CUDA kernels; CPU ops would
                raise RuntimeError(f"a CUDA graph cannot capture a step on {images.device}")
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph), _autocast_without_cache(images.device):
                self._step(self.static_images, self.static_labels)
        except RuntimeError as error:
            if self.strict:
                raise
            log.warning(f"CUDA-graph capture failed, training on eagerly: {error}")
            self.capture, self.static_images, self.static_labels = False, None, None
            self._eager(images, labels)
            return
        self.graph = graph
        self.graph.replay()  # capturing records the step; replaying runs it for this batch
        self.replays += 1


def _autocast_without_cache(device: torch.device):
    """Returns the enclosing autocast (bf16-mixed), with its cast cache off: a cast cached
    outside a capture would be missing from the graph (PyTorch's CUDA-graph notes)."""
    if not torch.is_autocast_enabled(device.type):
        return nullcontext()
    dtype = torch.get_autocast_dtype(device.type)
    return torch.autocast(device.type, dtype=dtype, cache_enabled=False)
