"""The standard scores: torchmetrics against hand computations, and the geometric mean."""

import math

import pytest
import torch

from imbalance_lab.metrics.scores import build_scores, flatten_scores, geometric_mean


def brute_force_auroc(scores: torch.Tensor, positive: torch.Tensor) -> float:
    """Returns P(score of a positive > score of a negative), ties counting 1/2."""
    pos, neg = scores[positive], scores[~positive]
    wins = (pos[:, None] > neg[None, :]).double().sum() + 0.5 * (
        pos[:, None] == neg[None, :]
    ).double().sum()
    return float(wins / (len(pos) * len(neg)))


def test_scores_match_hand_computations():
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(3).repeat(40)
    logits = torch.randn(120, 3, generator=generator) + 2 * torch.nn.functional.one_hot(labels, 3)
    probabilities = logits.softmax(dim=1)
    metrics = build_scores(3)
    metrics.update(probabilities, labels)
    values = flatten_scores(metrics.compute())

    predictions = probabilities.argmax(dim=1)
    recalls = [float((predictions[labels == c] == c).double().mean()) for c in range(3)]
    assert values["acc"] == pytest.approx(float((predictions == labels).double().mean()))
    assert values["bal_acc"] == pytest.approx(sum(recalls) / 3)
    for c in range(3):
        assert values[f"recall_{c}"] == pytest.approx(recalls[c])
    assert values["gmean"] == pytest.approx(math.prod(recalls) ** (1 / 3), rel=1e-5)
    aucs = [brute_force_auroc(probabilities[:, c], labels == c) for c in range(3)]
    assert values["roc_auc"] == pytest.approx(sum(aucs) / 3, rel=1e-5)
    # ECE on 15 equal-width confidence bins: sum_b |B|/N * |acc(B) - conf(B)|.
    confidence = probabilities.max(dim=1).values
    bins = torch.clamp((confidence * 15).ceil().long() - 1, 0, 14)
    ece = sum(
        (bins == b).double().mean()
        * abs((predictions == labels)[bins == b].double().mean() - confidence[bins == b].mean())
        for b in range(15)
        if (bins == b).any()
    )
    assert values["ece"] == pytest.approx(float(ece), abs=1e-5)
    f1 = []
    for c in range(3):
        tp = float(((predictions == c) & (labels == c)).sum())
        precision, recall = tp / float((predictions == c).sum()), recalls[c]
        f1.append(2 * precision * recall / (precision + recall))
    assert values["macro_f1"] == pytest.approx(sum(f1) / 3, rel=1e-5)


def test_geometric_mean_is_zero_when_a_class_is_never_recognised():
    assert float(geometric_mean(torch.tensor([0.9, 0.0, 1.0]))) == 0.0
    assert float(geometric_mean(torch.tensor([0.25, 1.0]))) == pytest.approx(0.5)
