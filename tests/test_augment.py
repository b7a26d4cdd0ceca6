"""Batched random rotation: identity at 0, exact quarter turns, one angle per image."""

from __future__ import annotations

import pytest
import torch

from imbalance_lab.data.augment import rotate_batch
from imbalance_lab.data.idx import load_split


def digits(n: int) -> torch.Tensor:
    """Returns the first n MNIST training digits as (n, 1, 28, 28) float32 in [0, 1]."""
    images, _ = load_split(None, "train")
    return torch.tensor(images[:n], dtype=torch.float32).unsqueeze(1) / 255


def asymmetric(batch: int = 1, size: int = 28) -> torch.Tensor:
    """Returns (batch, 1, size, size) images with a random block in the top-left area."""
    images = torch.zeros(batch, 1, size, size)
    images[:, :, 3:10, 5:20] = torch.rand(
        batch, 1, 7, 15, generator=torch.Generator().manual_seed(0)
    )
    return images


def fixed_rand(monkeypatch, value: float) -> None:
    """Makes torch.rand return `value` everywhere, so every angle is (2 value - 1) * max."""

    def rand(*size, device=None, **_):
        return torch.full(size, value, device=device)

    monkeypatch.setattr(torch, "rand", rand)


def test_zero_degrees_returns_the_input():
    images = digits(4)
    assert rotate_batch(images, 0) is images


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [(5, 1, 28, 28), (2, 1, 20, 24)])
def test_shape_and_dtype_are_kept(dtype, shape):
    images = torch.rand(shape, dtype=dtype)
    out = rotate_batch(images, 30)
    assert out.shape == images.shape
    assert out.dtype == dtype


def test_max_angle_is_a_counter_clockwise_quarter_turn(monkeypatch):
    images = asymmetric(2)
    fixed_rand(monkeypatch, 1.0)  # angle +max_degrees
    out = rotate_batch(images, 90)
    # At exactly 90 degrees every sample point is a pixel centre: no interpolation blur.
    torch.testing.assert_close(out, torch.rot90(images, 1, dims=(-2, -1)), atol=1e-5, rtol=0)
    assert not torch.allclose(out, torch.rot90(images, -1, dims=(-2, -1)), atol=0.1)


def test_min_angle_is_a_clockwise_quarter_turn(monkeypatch):
    images = asymmetric(2)
    fixed_rand(monkeypatch, 0.0)  # angle -max_degrees
    out = rotate_batch(images, 90)
    torch.testing.assert_close(out, torch.rot90(images, -1, dims=(-2, -1)), atol=1e-5, rtol=0)


def test_middle_of_the_range_is_no_rotation(monkeypatch):
    images = digits(3)
    fixed_rand(monkeypatch, 0.5)  # angle 0: the range is centred on zero
    torch.testing.assert_close(rotate_batch(images, 45), images, atol=1e-5, rtol=0)


def test_half_turn(monkeypatch):
    images = asymmetric(1)
    fixed_rand(monkeypatch, 1.0)
    out = rotate_batch(images, 180)
    torch.testing.assert_close(out, torch.flip(images, dims=(-2, -1)), atol=1e-5, rtol=0)


def test_each_image_gets_its_own_angle():
    torch.manual_seed(0)
    images = digits(1).expand(8, 1, 28, 28).contiguous()
    out = rotate_batch(images, 30)
    for i in range(8):
        for j in range(i + 1, 8):
            assert not torch.allclose(out[i], out[j], atol=1e-3), (i, j)


def test_global_seed_fixes_the_angles():
    images = digits(4)
    torch.manual_seed(1)
    first = rotate_batch(images, 20)
    torch.manual_seed(1)
    assert torch.equal(rotate_batch(images, 20), first)
    assert not torch.equal(rotate_batch(images, 20), first)


def test_small_angles_change_images_less_than_large_ones():
    images = digits(16)
    torch.manual_seed(2)
    small = (rotate_batch(images, 5) - images).abs().sum()
    torch.manual_seed(2)
    large = (rotate_batch(images, 45) - images).abs().sum()
    assert 0 < small < large / 3


@pytest.mark.parametrize("max_degrees", [15, 45, 180])
def test_pixel_sum_is_conserved_for_centred_digits(max_degrees):
    images = digits(16)
    torch.manual_seed(3)
    out = rotate_batch(images, max_degrees)
    torch.testing.assert_close(out.sum((1, 2, 3)), images.sum((1, 2, 3)), rtol=0.01, atol=0)


def test_pixels_rotated_in_from_outside_are_zero(monkeypatch):
    images = torch.ones(1, 1, 28, 28)
    fixed_rand(monkeypatch, 1.0)
    out = rotate_batch(images, 45)
    # The corners of a square turned 45 degrees come from outside the original image.
    assert out[0, 0, 0, 0] == 0 and out[0, 0, -1, -1] == 0
    assert out[0, 0, 14, 14] == pytest.approx(1.0)
