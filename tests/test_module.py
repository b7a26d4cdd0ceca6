"""ImbalanceClassifier: the loss it builds, the optimizer choice, the logged metric names."""

import pytest
import torch
import torch.nn.functional as F

from imbalance_lab.training.module import ImbalanceClassifier

from helpers import MNIST_SIZE


def test_training_loss_uses_the_methods_loss_and_settings():
    torch.manual_seed(0)
    module = ImbalanceClassifier(
        model="cnn",
        loss="weighted_cross_entropy",
        loss_settings={"weight": 3.0},
        minority=[0, 1, 2, 3, 4],
        **MNIST_SIZE,
    )
    weights = [3.0] * 5 + [1.0] * 5
    images, labels = torch.randn(8, 1, 28, 28), torch.arange(8)
    loss = module.loss_fn(module(images), labels, epoch=0)
    expected = F.cross_entropy(module(images), labels, weight=torch.tensor(weights))
    unweighted = F.cross_entropy(module(images), labels)
    assert torch.allclose(loss, expected)
    assert not torch.allclose(loss, unweighted)


def test_hyperparameters_hold_the_loss_and_model_settings_whole():
    module = ImbalanceClassifier(
        model="rnn",
        model_settings={"hidden_size": 20, "num_layers": 1},
        loss="focal",
        loss_settings={"gamma": 1.5, "alpha": None},
        minority=[0],
        **MNIST_SIZE,
    )
    assert module.hparams.loss_settings == {"gamma": 1.5, "alpha": None}
    assert module.hparams.model_settings == {"hidden_size": 20, "num_layers": 1}
    assert module.model.lstm.hidden_size == 20 and module.loss_fn.gamma == 1.5


@pytest.mark.parametrize(("name", "kind"), [("adam", torch.optim.Adam), ("sgd", torch.optim.SGD)])
def test_optimizer_choice(name, kind):
    module = ImbalanceClassifier(
        model="rnn", optimizer=name, lr=0.05, momentum=0.5, minority=[0], **MNIST_SIZE
    )
    optimizer = module.configure_optimizers()
    assert isinstance(optimizer, kind)
    assert optimizer.param_groups[0]["lr"] == 0.05
    if name == "sgd":
        assert optimizer.param_groups[0]["momentum"] == 0.5


def test_epoch_metrics_are_logged_under_stage_names():
    module = ImbalanceClassifier(model="cnn", minority=[0], **MNIST_SIZE)
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
