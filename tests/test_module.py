"""ImbalanceClassifier: the weighted loss, the optimizer choice, the logged metric names."""

import pytest
import torch
import torch.nn.functional as F

from imbalance_lab.config import METHODS
from imbalance_lab.losses import METHODS as LOSSES
from imbalance_lab.module import ImbalanceClassifier
from imbalance_lab.train import LOSS_OF_METHOD, class_weights_for


def test_class_weights_for_each_method():
    counts = [50] * 5 + [200] * 5
    assert class_weights_for("none", 5, [0, 1, 2, 3, 4], counts) is None
    assert class_weights_for("ros", 5, [0, 1, 2, 3, 4], counts) is None
    assert class_weights_for("weighted", 5, [0, 1], counts) == [5.0, 5.0] + [1.0] * 8
    # auto: N / (C n_c) = 1250 / (10 * 50) = 2.5 for minority, 1250 / 2000 = 0.625 for majority.
    assert class_weights_for("weighted", "auto", [0], counts) == [2.5] * 5 + [0.625] * 5


def test_training_loss_uses_the_class_weights():
    torch.manual_seed(0)
    weights = [3.0] * 5 + [1.0] * 5
    module = ImbalanceClassifier(model="cnn", class_weights=weights)
    images, labels = torch.randn(8, 1, 28, 28), torch.arange(8)
    loss = module.loss_fn(module(images), labels, epoch=0)
    expected = F.cross_entropy(module(images), labels, weight=torch.tensor(weights))
    unweighted = F.cross_entropy(module(images), labels)
    assert torch.allclose(loss, expected)
    assert not torch.allclose(loss, unweighted)


@pytest.mark.parametrize(("name", "kind"), [("adam", torch.optim.Adam), ("sgd", torch.optim.SGD)])
def test_optimizer_choice(name, kind):
    module = ImbalanceClassifier(model="rnn", optimizer=name, lr=0.05, momentum=0.5)
    optimizer = module.configure_optimizers()
    assert isinstance(optimizer, kind)
    assert optimizer.param_groups[0]["lr"] == 0.05
    if name == "sgd":
        assert optimizer.param_groups[0]["momentum"] == 0.5


def test_epoch_metrics_are_logged_under_stage_names():
    module = ImbalanceClassifier(model="cnn", minority=[0])
    logged = {}
    module.log_dict = lambda values, **kwargs: logged.update(values)
    labels = torch.tensor([0, 0, 1, 1])
    probabilities = F.one_hot(torch.tensor([1, 0, 0, 1]), 10).float()
    module.group_rates["val"].update(probabilities, labels)
    module.eval_metrics["val"].update(probabilities, labels)
    module._log_metrics("val")
    assert logged["val/acc"] == pytest.approx(0.5)
    assert logged["val/p_I_to_A"] == pytest.approx(0.5)  # one of the two 0s went to class 1
    assert logged["val/p_A_to_I"] == pytest.approx(0.5)
    assert logged["val/p_A_to_A"] == pytest.approx(0.0)
    assert logged["val/recall_0"] == pytest.approx(0.5)
    assert logged["val/macro_f1"] > 0 and "val/roc_auc" in logged and "val/ece" in logged
    # States are reset after each epoch.
    assert module.group_rates["val"].confmat.sum() == 0


def test_every_configurable_method_has_a_loss():
    # A method is trained either with cross-entropy (re-sampling, post-hoc) or with its own loss.
    for method in METHODS:
        assert LOSS_OF_METHOD.get(method, method) in LOSSES, method
