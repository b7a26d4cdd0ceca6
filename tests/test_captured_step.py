"""CapturedStep with the graph switched off (the CPU path of the code a CUDA graph records),
and the framework's training against a plain PyTorch loop on the same real batches."""

import pytest
import pytorch_lightning as pl
import torch
import torch.nn.functional as F

from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.training.captured_step import CapturedStep
from imbalance_lab.training.history import EpochHistory
from imbalance_lab.training.losses import build_loss
from imbalance_lab.training.models import build_model
from imbalance_lab.training.module import ImbalanceClassifier

from helpers import MNIST_SIZE, MNIST_SPEC


def twin_models(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(seed)
    model = build_model("rnn", **MNIST_SIZE)
    twin = build_model("rnn", **MNIST_SIZE)
    twin.load_state_dict(model.state_dict())
    return model, twin


def batches(sizes: list[int], seed: int = 1) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    return [
        (
            torch.randn(n, 1, 28, 28, generator=generator),
            torch.randint(0, 10, (n,), generator=generator),
        )
        for n in sizes
    ]


def test_uncaptured_step_equals_a_plain_loop_and_sums_the_loss():
    model, twin = twin_models()
    step = CapturedStep(
        model, F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2), capture=False
    )
    plain_optimizer = torch.optim.Adam(twin.parameters(), lr=1e-2)
    data = batches([16, 16, 16, 16, 7])  # full batches, then the partial last one
    plain_losses = []
    for images, labels in data:
        step(images, labels)
        plain_optimizer.zero_grad()
        loss = F.cross_entropy(twin(images), labels)
        loss.backward()
        plain_optimizer.step()
        plain_losses.append(loss.item() * len(labels))
    for ours, theirs in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(ours, theirs)
    assert step.epoch_loss().item() == pytest.approx(sum(plain_losses) / 71, rel=1e-6)
    assert step.loss_sum.item() == 0 and step.samples == 0  # the next epoch starts a new sum


def test_clipped_step_equals_a_plain_loop_that_clips():
    model, twin = twin_models()
    step = CapturedStep(
        model,
        F.cross_entropy,
        torch.optim.SGD(model.parameters(), lr=0.5),
        capture=False,
        clip_grad_norm=0.05,
    )
    plain_optimizer = torch.optim.SGD(twin.parameters(), lr=0.5)
    norms = []
    for images, labels in batches([16, 16, 5]):
        step(images, labels)
        plain_optimizer.zero_grad()
        F.cross_entropy(twin(images), labels).backward()
        norms.append(torch.nn.utils.clip_grad_norm_(twin.parameters(), 0.05).item())
        plain_optimizer.step()
    assert max(norms) > 0.05  # the clip was active
    for ours, theirs in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.allclose(ours, theirs, atol=1e-7)


def test_a_failed_capture_falls_back_to_eager_steps_unless_strict(caplog):
    """No CUDA here, so the capture (after 3 warm-up steps) fails: the batch it was for, and
    every later one, trains eagerly, exactly as a plain loop trains."""
    model, twin = twin_models()
    step = CapturedStep(
        model, F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2), capture=True
    )
    plain_optimizer = torch.optim.Adam(twin.parameters(), lr=1e-2)
    for images, labels in batches([16] * 6 + [7]):
        step(images, labels)
        plain_optimizer.zero_grad()
        F.cross_entropy(twin(images), labels).backward()
        plain_optimizer.step()
    assert "CUDA-graph capture failed, training on eagerly" in caplog.text
    assert step.capture is False and step.replays == 0
    for ours, theirs in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(ours, theirs)

    strict = CapturedStep(
        model, F.cross_entropy, torch.optim.SGD(model.parameters()), capture=True, strict=True
    )
    with pytest.raises(RuntimeError):
        for images, labels in batches([16] * 4):
            strict(images, labels)


def test_every_step_is_wrapped_by_the_step_hooks():
    model, _ = twin_models()
    calls = []
    step = CapturedStep(
        model,
        F.cross_entropy,
        torch.optim.SGD(model.parameters(), lr=0.1),
        capture=False,
        on_step=lambda: calls.append("before"),
        after_step=lambda: calls.append("after"),
    )
    for images, labels in batches([8, 8, 3]):
        step(images, labels)
    assert calls == ["before", "after"] * 3


def test_the_loss_phase_changes_only_for_deferred_reweighting():
    drw = build_loss(
        "ldam",
        [100] * 5 + [10] * 5,
        settings={"max_margin": 0.5, "scale": 30.0, "drw_epoch": 2, "beta": 0.9999},
    )
    assert [drw.phase(epoch) for epoch in range(4)] == [0, 0, 1, 1]
    plain = build_loss("cross_entropy", [100] * 5 + [10] * 5)
    assert [plain.phase(epoch) for epoch in range(4)] == [0, 0, 0, 0]


def test_framework_training_equals_a_plain_pytorch_loop_on_the_same_batches():
    """Two epochs of Lightning (manual optimisation through CapturedStep, validation, the
    per-epoch loss log) leave exactly the weights of a plain loop over the same batches."""
    counts = [20] * 5 + [60] * 5  # 400 images: 3 full batches of 128 and one of 16
    datamodule = ImbalancedData(
        class_counts=counts, spec=MNIST_SPEC, val_per_class=5, batch_size=128, seed=3
    )
    pl.seed_everything(0)
    module = ImbalanceClassifier(
        model="rnn", class_counts=counts, step_mode="eager", minority=[0], **MNIST_SIZE
    )
    twin = build_model("rnn", **MNIST_SIZE)
    twin.load_state_dict(module.model.state_dict())
    history = EpochHistory()
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=2,
        logger=False,
        callbacks=[history],
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        use_distributed_sampler=False,
    )
    trainer.fit(module, datamodule=datamodule)

    optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)
    epoch_losses = []
    for epoch in range(2):
        loader = datamodule.train_dataloader()
        loader.sampler.set_epoch(epoch)
        total = 0.0
        for images, labels in loader:
            images = (images.unsqueeze(1).float() / 255.0 - MNIST_SPEC.mean) / MNIST_SPEC.std
            optimizer.zero_grad()
            loss = F.cross_entropy(twin(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
        epoch_losses.append(total / len(loader.labels))

    assert trainer.global_step == 2 * 4  # the trainer counted every optimizer step
    for ours, theirs in zip(module.model.parameters(), twin.parameters(), strict=True):
        assert torch.allclose(ours, theirs, atol=1e-6)
    assert [row["train/loss"] for row in history.rows] == pytest.approx(epoch_losses, abs=1e-5)
    assert all("val/acc" in row and row["time/epoch_s"] > 0 for row in history.rows)
    assert not module.replayed_cuda_graphs()  # eager: nothing captured


def test_captures_only_where_asked_and_possible():
    module = ImbalanceClassifier(model="cnn", step_mode="auto", minority=[0], **MNIST_SIZE)
    trainer = pl.Trainer(accelerator="cpu", logger=False, enable_progress_bar=False)
    module.trainer = trainer
    assert module.captures() is False  # auto on the CPU: the same step, uncaptured
    forced = ImbalanceClassifier(model="cnn", step_mode="cuda_graph", minority=[0], **MNIST_SIZE)
    forced.trainer = trainer
    with pytest.raises(ValueError, match="step_mode cuda_graph needs one CUDA device"):
        forced.captures()
    with pytest.raises(ValueError, match="step_mode must be one of eager, auto, cuda_graph"):
        ImbalanceClassifier(step_mode="graph", minority=[0], **MNIST_SIZE)
