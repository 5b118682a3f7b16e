"""Fitted torch MLPs shared by the lever tests (trained once per test module)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from torch import nn

from greennb.efficiency import network_of
from greennb.models import TorchMLPClassifier


@pytest.fixture(autouse=True, scope="module")
def single_torch_thread():
    """Tiny networks: one torch thread is faster than two on a shared two-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def xy():
    X, y = make_classification(n_samples=400, n_features=8, n_informative=5, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def mlp(xy):
    X, y = xy
    return TorchMLPClassifier(
        hidden_layer_sizes=(32, 16), max_epochs=15, device="cpu", random_state=0
    ).fit(X, y)


def _float_linears(model):
    return [m for m in network_of(model).modules() if isinstance(m, nn.Linear)]


@pytest.fixture
def float_linears():
    """Function: the float ``Linear`` layers of a fitted torch MLP (or variant)."""
    return _float_linears
