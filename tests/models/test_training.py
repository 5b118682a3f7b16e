"""Tests of the shared training machinery: tensors, optimizer, the epoch loop with any step."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state

from greennb.models import (
    TorchMLPClassifier,
    TorchMLPRegressor,
    as_tensors,
    make_optimizer,
    train_epochs,
)
from greennb.models._training import DIVERGED_ERROR, gradient_clearer


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


def test_gradient_clearer_sets_every_gradient_to_none():
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 1))
    optimizer = make_optimizer(module.parameters(), learning_rate=0.1, weight_decay=0.0)
    module(torch.ones(4, 3)).sum().backward()
    assert all(parameter.grad is not None for parameter in module.parameters())
    gradient_clearer(optimizer)()
    assert all(parameter.grad is None for parameter in module.parameters())


def _reference_fit(estimator, X, labels, weights):
    """The training loop written out as before the speed changes: disabled autocast and
    GradScaler, ``zero_grad(set_to_none=True)``, batches by ``tensor[batch]``."""
    rng = check_random_state(estimator.random_state)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    weights = weights / weights.mean()
    device = torch.device("cpu")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = estimator._new_module(X.shape[1], 1, device)
        generator = torch.Generator().manual_seed(seed)
        tensors = as_tensors(device, (X, labels, weights))
        optimizer = make_optimizer(module.parameters(), learning_rate=1e-2, weight_decay=0.1)
        scaler = torch.amp.GradScaler("cuda", enabled=False)
        for _ in range(estimator.max_epochs):
            order = torch.randperm(len(X), generator=generator)
            module.train()
            for start in range(0, len(X), estimator.batch_size):
                batch = order[start : start + estimator.batch_size]
                features, targets, batch_weights = (tensor[batch] for tensor in tensors)
                optimizer.zero_grad(set_to_none=True)
                with torch.autocast(device_type="cpu", dtype=torch.float16, enabled=False):
                    outputs = module(features)
                losses = estimator._loss_per_sample(outputs.float(), targets)
                loss = (losses * batch_weights).mean()
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
    return module


def test_fit_is_bit_identical_to_the_reference_training_loop():
    # The speed changes of the plain (non-AMP) step must not change a single bit.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    labels = (X[:, 0] + rng.normal(size=300) > 0).astype(np.int64)
    weights = rng.uniform(0.5, 2.0, size=300)
    estimator = TorchMLPClassifier(hidden_layer_sizes=(8, 4), dropout=0.2, random_state=3)
    estimator.set_params(learning_rate=1e-2, weight_decay=0.1, batch_size=32, max_epochs=3)
    estimator.set_params(early_stopping=False, device="cpu")
    fitted = clone(estimator).fit(X, labels, sample_weight=weights).module_.state_dict()
    reference = _reference_fit(estimator, X, labels, weights).state_dict()
    assert fitted.keys() == reference.keys()
    for name, value in fitted.items():
        assert torch.equal(value, reference[name]), name
