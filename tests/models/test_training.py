"""Tests of the shared training machinery: tensors, optimizer, the epoch loop with any step."""

import numpy as np
import pytest
import torch

from greennb.models import TorchMLPRegressor, as_tensors, make_optimizer, train_epochs
from greennb.models._training import DIVERGED_ERROR


def test_as_tensors_makes_floats_float32_and_keeps_integer_targets():
    X = np.arange(6, dtype=np.float64).reshape(3, 2)
    labels = np.array([0, 1, 1])
    features, targets = as_tensors(torch.device("cpu"), (X, labels), rows=np.array([2, 0]))
    assert features.dtype == torch.float32 and targets.dtype == torch.int64
    assert features.tolist() == [[4.0, 5.0], [0.0, 1.0]] and targets.tolist() == [1, 0]
    assert as_tensors(torch.device("cpu"), (X,))[0].shape == (3, 2)


def test_make_optimizer_is_adamw_with_the_given_settings():
    optimizer = make_optimizer(
        torch.nn.Linear(2, 1).parameters(), learning_rate=0.5, weight_decay=0.25
    )
    assert isinstance(optimizer, torch.optim.AdamW)
    assert optimizer.defaults["lr"] == 0.5 and optimizer.defaults["weight_decay"] == 0.25


def _ready(estimator, n_inputs=2):
    estimator.module_ = estimator._new_module(n_inputs, 1, torch.device("cpu"))
    return estimator


def test_train_epochs_runs_a_custom_step_over_shuffled_batches():
    estimator = _ready(TorchMLPRegressor(max_epochs=3, batch_size=4, early_stopping=False))
    X = torch.arange(20, dtype=torch.float32).reshape(10, 2)
    rows = torch.arange(10)
    seen = []

    def step(features, index):
        seen.append(index.tolist())
        return torch.tensor(1.0)

    train_epochs(estimator, (X, rows), step, generator=torch.Generator().manual_seed(0))
    assert [len(batch) for batch in seen] == [4, 4, 2] * 3
    for epoch in range(3):  # every row once per epoch
        assert sorted(sum(seen[3 * epoch : 3 * epoch + 3], [])) == list(range(10))
    assert estimator.loss_curve_ == [1.0, 1.0, 1.0]
    assert estimator.n_epochs_ == estimator.best_epoch_ == 3
    assert not estimator.module_.training  # left in eval mode


def test_train_epochs_stops_a_diverging_step():
    estimator = _ready(TorchMLPRegressor(max_epochs=3, early_stopping=False, learning_rate=0.1))
    X = torch.zeros((4, 2))
    with pytest.raises(ValueError) as raised:
        train_epochs(
            estimator, (X,), lambda _: torch.tensor(float("nan")), generator=torch.Generator()
        )
    assert str(raised.value) == DIVERGED_ERROR.format(epoch=1, loss=float("nan"), learning_rate=0.1)
