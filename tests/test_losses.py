"""Long-tail losses and post-hoc logit adjustment, each checked against a hand computation."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from imbalance_lab.imbalance.weights import class_balanced_weights
from imbalance_lab.training.losses import LOSSES, build_loss, ldam_margins
from imbalance_lab.training.posthoc import posthoc_adjust, tune_posthoc_tau

from helpers import METHOD_DEFAULTS


def make(name: str, counts: list[int], minority=(0,), **settings):
    """Returns loss `name` with the method table's default settings, `settings` overriding."""
    return build_loss(name, counts, list(minority), {**METHOD_DEFAULTS, **settings})


COUNTS = [500, 50, 5]


def random_batch(n: int = 16, num_classes: int = 3, seed: int = 0):
    """Returns logits (n, C) float32 and labels (n,) with every class present."""
    gen = torch.Generator().manual_seed(seed)
    logits = 3 * torch.randn(n, num_classes, generator=gen)
    labels = torch.randint(num_classes, (n,), generator=gen)
    labels[:num_classes] = torch.arange(num_classes)
    return logits, labels


# A 2-sample batch whose softmax is known by hand: p = (3/4, 1/4) and (1/2, 1/2).
HAND_LOGITS = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0]])
HAND_LABELS = torch.tensor([0, 1])  # p_y = 3/4 and 1/2


# Cross-entropy family.


def test_cross_entropy_with_class_weights_is_weighted_mean():
    loss = make("cross_entropy", [1, 1], class_weights=[1.0, 3.0])
    assert make("weighted_cross_entropy", [1, 1], minority=[1], weight=3.0).weight.tolist() == [
        1.0,
        3.0,
    ]
    # (1 * ln(4/3) + 3 * ln 2) / (1 + 3): F.cross_entropy's weighted mean.
    expected = (math.log(4 / 3) + 3 * math.log(2)) / 4
    assert loss(HAND_LOGITS, HAND_LABELS).item() == pytest.approx(expected, rel=1e-6)


def test_class_balanced_beta_zero_gives_equal_weights_and_plain_ce():
    assert class_balanced_weights(COUNTS, 0.0) == [1.0, 1.0, 1.0]
    logits, labels = random_batch()
    loss = make("class_balanced", COUNTS, beta=0.0)
    torch.testing.assert_close(loss(logits, labels), F.cross_entropy(logits, labels))


def test_class_balanced_beta_point_nine_by_hand():
    # Raw (1 - b) / (1 - b^n): n=1 -> 0.1 / 0.1 = 1, n=2 -> 0.1 / 0.19 = 10/19; sum 29/19.
    # Scaled to sum to C = 2: 38/29 and 20/29.
    assert class_balanced_weights([1, 2], 0.9) == pytest.approx([38 / 29, 20 / 29])
    loss = make("class_balanced", [1, 2], beta=0.9)
    expected = (38 * math.log(4 / 3) + 20 * math.log(2)) / 58  # weighted mean of the CEs
    assert loss(HAND_LOGITS, HAND_LABELS).item() == pytest.approx(expected, rel=1e-6)


# Focal.


def test_focal_gamma_zero_is_cross_entropy():
    logits, labels = random_batch()
    loss = make("focal", COUNTS, gamma=0.0)
    torch.testing.assert_close(loss(logits, labels), F.cross_entropy(logits, labels))


def test_focal_gamma_two_by_hand():
    # -(1 - 3/4)^2 ln(3/4) and -(1 - 1/2)^2 ln(1/2), averaged.
    expected = ((1 / 16) * math.log(4 / 3) + (1 / 4) * math.log(2)) / 2
    loss = make("focal", [1, 1], gamma=2.0)
    assert loss(HAND_LOGITS, HAND_LABELS).item() == pytest.approx(expected, rel=1e-6)


def test_focal_alpha_weights_each_sample_and_averages_over_the_batch():
    # alpha_0 = 0.25 on the first sample, alpha_1 = 0.75 on the second; divided by B = 2,
    # not by sum(alpha_y) = 1 as a weighted cross-entropy would.
    expected = (0.25 * (1 / 16) * math.log(4 / 3) + 0.75 * (1 / 4) * math.log(2)) / 2
    loss = make("focal", [1, 1], gamma=2.0, alpha=[0.25, 0.75])
    assert loss(HAND_LOGITS, HAND_LABELS).item() == pytest.approx(expected, rel=1e-6)


# Logit adjustment.


def test_logit_adjusted_tau_zero_is_cross_entropy():
    logits, labels = random_batch()
    loss = make("logit_adjusted", COUNTS, tau=0.0)
    torch.testing.assert_close(loss(logits, labels), F.cross_entropy(logits, labels))


def test_logit_adjusted_by_hand():
    # Equal logits, prior (3/4, 1/4): the adjusted softmax is the prior, so the rare label
    # costs -ln(1/4) = ln 4 and the common one ln(4/3).
    loss = make("logit_adjusted", [3, 1], tau=1.0)
    zeros = torch.zeros(2, 2)
    expected = (math.log(4 / 3) + math.log(4)) / 2
    assert loss(zeros, HAND_LABELS).item() == pytest.approx(expected, rel=1e-6)


def test_balanced_softmax_equals_logit_adjusted_at_tau_one():
    logits, labels = random_batch()
    balanced = make("balanced_softmax", COUNTS)(logits, labels)
    adjusted = make("logit_adjusted", COUNTS, tau=1.0)(logits, labels)
    torch.testing.assert_close(balanced, adjusted)


# LDAM and deferred re-weighting.


def test_ldam_margins_by_hand():
    # n^{-1/4}: 100 -> 1/sqrt(10), 1 -> 1; the largest is 1, so m = 0.5 * (1/sqrt(10), 1).
    margins = ldam_margins([100, 1], max_margin=0.5)
    torch.testing.assert_close(margins, torch.tensor([0.5 / math.sqrt(10), 0.5]))


def ldam_reference(logits: torch.Tensor, labels: torch.Tensor, weight=None) -> torch.Tensor:
    """Returns CE of 30 * logits (B, 2) after subtracting, entry by entry, the hand-computed
    margin for counts [100, 1] from each row's true-class logit."""
    m0, m1 = 0.5 / math.sqrt(10), 0.5
    shifted = logits.clone()
    for i, y in enumerate(labels.tolist()):
        shifted[i, y] -= m0 if y == 0 else m1
    return F.cross_entropy(30 * shifted, labels, weight=weight)


LDAM_LOGITS = torch.tensor([[0.4, 0.3], [0.1, 0.2], [0.9, -0.2]])
LDAM_LABELS = torch.tensor([0, 1, 1])


def test_ldam_loss_is_ce_of_scaled_shifted_logits():
    loss = make("ldam", [100, 1], max_margin=0.5, scale=30.0, drw_epoch=None)
    torch.testing.assert_close(
        loss(LDAM_LOGITS, LDAM_LABELS), ldam_reference(LDAM_LOGITS, LDAM_LABELS)
    )


def test_drw_switches_to_class_balanced_weights_exactly_at_drw_epoch():
    loss = make("ldam", [100, 1], beta=0.9999, drw_epoch=3, scale=30.0)
    raw = [1e-4 / (1 - 0.9999**100), 1e-4 / (1 - 0.9999**1)]  # the latter is exactly 1
    cb = torch.tensor([2 * w / sum(raw) for w in raw])
    plain = ldam_reference(LDAM_LOGITS, LDAM_LABELS)
    weighted = ldam_reference(LDAM_LOGITS, LDAM_LABELS, weight=cb)
    assert not torch.allclose(plain, weighted)  # the batch can tell the two apart
    for epoch in (0, 2):
        torch.testing.assert_close(loss(LDAM_LOGITS, LDAM_LABELS, epoch=epoch), plain)
    for epoch in (3, 10):
        torch.testing.assert_close(loss(LDAM_LOGITS, LDAM_LABELS, epoch=epoch), weighted)


def test_ldam_without_drw_never_reweights():
    loss = make("ldam", [100, 1], drw_epoch=None, scale=30.0)
    plain = ldam_reference(LDAM_LOGITS, LDAM_LABELS)
    torch.testing.assert_close(loss(LDAM_LOGITS, LDAM_LABELS, epoch=1000), plain)


# Post-hoc adjustment.


def test_posthoc_adjust_tau_zero_is_identity():
    logits, _ = random_batch()
    assert torch.equal(posthoc_adjust(logits, COUNTS, 0.0), logits)


def test_posthoc_adjust_tau_one_moves_argmax_to_rare_class():
    # Prior (0.9, 0.1): 1 - ln 0.9 = 1.105 < 0 - ln 0.1 = 2.303.
    logits = torch.tensor([[1.0, 0.0]])
    adjusted = posthoc_adjust(logits, [9, 1], 1.0)
    torch.testing.assert_close(adjusted, torch.tensor([[1 - math.log(0.9), -math.log(0.1)]]))
    assert logits.argmax(1).item() == 0 and adjusted.argmax(1).item() == 1


def test_tune_posthoc_tau_recovers_an_under_predicted_rare_class():
    # Prior (0.9, 0.1): tau shifts the margin z_0 - z_1 down by tau * ln 9 = 2.197 tau.
    # Rare images (margin 1) flip to correct once tau > 0.455; common ones (margin 3) flip to
    # wrong once tau > 1.365. Balanced accuracy: 0.5 at 0, 0.25; 1 at 0.5 .. 1.25; 0.5 after.
    logits = torch.tensor([[3.0, 0.0]] * 4 + [[1.0, 0.0]] * 4)
    labels = torch.tensor([0] * 4 + [1] * 4)
    assert tune_posthoc_tau(logits, labels, [9, 1]) == 0.5


def test_tune_posthoc_tau_is_zero_when_predictions_are_already_balanced():
    # Common images have margin 0.3: any tau >= 0.25 (shift >= 0.55) makes them wrong.
    logits = torch.tensor([[0.3, 0.0]] * 4 + [[0.0, 1.0]] * 4)
    labels = torch.tensor([0] * 4 + [1] * 4)
    assert tune_posthoc_tau(logits, labels, [9, 1]) == 0.0


def test_tune_posthoc_tau_takes_smallest_on_ties_with_a_balanced_prior():
    # Equal counts: every tau shifts all classes alike, so all taus tie.
    logits, labels = random_batch()
    assert tune_posthoc_tau(logits, labels, [5, 5, 5], taus=(1.0, 0.5, 2.0)) == 0.5


# Dtype, device-movable buffers, errors.


@pytest.mark.parametrize("method", LOSSES)
def test_bf16_logits_give_fp32_loss_close_to_fp32(method: str):
    logits, labels = random_batch()
    loss = make(method, COUNTS, scale=1.0)
    low = loss(logits.bfloat16(), labels)
    assert low.dtype == torch.float32
    # bf16 keeps 8 significant bits: the logits move by about 0.4 %.
    torch.testing.assert_close(low, loss(logits, labels), rtol=2e-2, atol=2e-2)


def test_buffers_are_movable_and_stay_out_of_state_dict():
    loss = make("ldam", COUNTS, drw_epoch=1)
    assert {name for name, _ in loss.named_buffers()} == {"late_weight", "margins"}
    assert loss.state_dict() == {}
    # A 'bf16-true' Trainer casts buffers too; the loss must still come out in fp32.
    logits, labels = random_batch()
    assert loss.to(torch.bfloat16)(logits, labels, epoch=2).dtype == torch.float32


def test_unknown_loss_names_it_and_the_known_ones():
    with pytest.raises(ValueError, match=r"'hinge'.*cross_entropy.*balanced_softmax"):
        build_loss("hinge", COUNTS)


def test_a_missing_setting_is_named():
    with pytest.raises(TypeError, match="'focal' needs the settings alpha"):
        build_loss("focal", COUNTS, [0], {"gamma": 2.0})


def test_settings_other_losses_own_are_left_out():
    # A method's settings reach the loss unchanged; those the loss does not take stay out.
    loss = build_loss("focal", COUNTS, [0], {"gamma": 1.5, "alpha": None, "inv_rho": 0.5})
    assert loss.gamma == 1.5


@pytest.mark.parametrize(
    ("method", "settings"),
    [
        ("focal", {"alpha": [1.0, 1.0]}),
        ("cross_entropy", {"class_weights": [1.0, 1.0]}),
        ("focal", {"gamma": -1.0}),
        ("ldam", {"drw_epoch": -1}),
    ],
)
def test_misshapen_or_bad_settings_fail_early(method: str, settings: dict):
    with pytest.raises(ValueError):
        make(method, COUNTS, **settings)


def test_zero_count_is_rejected_where_counts_matter():
    with pytest.raises(ValueError, match="at least one"):
        make("logit_adjusted", [10, 0])
