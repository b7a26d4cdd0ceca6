"""The two classifiers: parameter counts of the study, output shapes, rows as the sequence."""

from __future__ import annotations

import pytest
import torch

from imbalance_lab.training.models import CNN, LSTMClassifier, build_model, count_parameters

from helpers import MNIST_SIZE


def images(batch: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(("name", "count"), [("cnn", 1_618_026), ("rnn", 133_810)])
def test_parameter_counts(name, count):
    assert count_parameters(build_model(name, **MNIST_SIZE)) == count


def test_count_parameters_skips_frozen_ones():
    model = build_model("cnn", **MNIST_SIZE)
    model.features.requires_grad_(False)  # the two convolutions: 320 + 9,248
    assert count_parameters(model) == 1_618_026 - 320 - 9_248


@pytest.mark.parametrize(("name", "cls"), [("cnn", CNN), ("rnn", LSTMClassifier)])
def test_build_model_returns_fresh_instances(name, cls):
    first, second = build_model(name, **MNIST_SIZE), build_model(name, **MNIST_SIZE)
    assert type(first) is cls
    assert first is not second


@pytest.mark.parametrize("name", ["cnn", "rnn"])
@pytest.mark.parametrize("batch", [1, 5])
def test_output_shape(name, batch):
    torch.manual_seed(0)
    logits = build_model(name, **MNIST_SIZE)(images(batch))
    assert logits.shape == (batch, 10)
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize("name", ["cnn", "rnn"])
def test_num_classes_sets_the_output_width(name):
    assert build_model(name, 3, (28, 28))(images(2)).shape == (2, 3)


@pytest.mark.parametrize("name", ["cnn", "rnn"])
def test_each_image_is_classified_on_its_own(name):
    torch.manual_seed(0)
    model = build_model(name, **MNIST_SIZE).eval()
    batch = images(4)
    with torch.no_grad():
        together = model(batch)
        alone = torch.cat([model(batch[i : i + 1]) for i in range(4)])
    torch.testing.assert_close(together, alone, atol=1e-5, rtol=1e-4)


def test_lstm_reads_rows_as_the_sequence():
    torch.manual_seed(0)
    model = build_model("rnn", **MNIST_SIZE).eval()
    seen = []
    model.lstm.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0]))
    batch = images(3)
    with torch.no_grad():
        logits = model(batch)
        # (B, 28, 28): step t is image row t, its 28 pixels the features.
        assert torch.equal(seen[0], batch[:, 0])
        outputs, _ = model.lstm(batch[:, 0])
        torch.testing.assert_close(logits, model.head(outputs[:, -1]))
        transposed, _ = model.lstm(batch[:, 0].transpose(1, 2))
        assert not torch.allclose(logits, model.head(transposed[:, -1]), atol=1e-4)


def test_lstm_output_depends_on_the_last_row():
    torch.manual_seed(0)
    model = build_model("rnn", **MNIST_SIZE).eval()
    batch = images(2)
    changed = batch.clone()
    changed[:, :, -1] = 1 - changed[:, :, -1]
    with torch.no_grad():
        assert not torch.allclose(model(batch), model(changed), atol=1e-5)


def test_channels_last_cnn_computes_what_the_contiguous_one_does():
    # The same maths in another memory layout: equal logits and gradients within float
    # tolerance, from the same weights.
    torch.manual_seed(0)
    plain = CNN(**MNIST_SIZE)
    fast = CNN(**MNIST_SIZE, channels_last=True)
    fast.load_state_dict(plain.state_dict())
    assert fast.features[0].weight.is_contiguous(memory_format=torch.channels_last)
    batch, labels = images(16), torch.arange(16) % 10
    logits = {}
    for name, model in (("plain", plain), ("fast", fast)):
        logits[name] = model(batch)
        torch.nn.functional.cross_entropy(logits[name], labels).backward()
    torch.testing.assert_close(logits["fast"], logits["plain"], atol=1e-5, rtol=1e-4)
    for mine, theirs in zip(fast.parameters(), plain.parameters(), strict=True):
        torch.testing.assert_close(mine.grad, theirs.grad, atol=1e-6, rtol=1e-4)


def test_channels_last_weights_load_into_a_contiguous_cnn():
    fast = CNN(**MNIST_SIZE, channels_last=True)
    plain = CNN(**MNIST_SIZE)
    plain.load_state_dict(fast.state_dict())
    assert plain.features[2].weight.is_contiguous()
    with torch.no_grad():
        torch.testing.assert_close(plain(images(2)), fast(images(2)), atol=1e-5, rtol=1e-4)
