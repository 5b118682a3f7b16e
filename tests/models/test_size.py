"""Tests of parameter counts and FLOPs, hand-computed."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier

from greennb.models import (
    ParameterCount,
    TorchMLPClassifier,
    build_mlp,
    count_parameters,
    estimate_flops,
    make_model,
)


def test_mlp_parameters_and_flops_by_hand():
    network = build_mlp(10, 1, hidden_layer_sizes=(64, 32))
    # 10*64+64 + 64*32+32 + 32*1+1
    assert count_parameters(network) == ParameterCount(2817, "weights")
    # (2*10*64+64) + (2*64*32+32) + (2*32*1+1)
    assert estimate_flops(network) == 1344 + 4128 + 65 == 5537


def test_fitted_mlp_in_pipeline_counts_like_its_network(linear_problem):
    X, y = linear_problem(n_samples=50)
    frame = pd.DataFrame(np.c_[X, X[:, :2] * 2, X[:, :4]], columns=list("abcdefghij"))
    pipeline = make_model("mlp", task="regression", max_epochs=2).fit(frame, y)
    assert count_parameters(pipeline).count == 2817
    assert estimate_flops(pipeline, n_features=10) == 5537
    with pytest.raises(ValueError, match=r"n_features=4 .* 10 input features"):
        estimate_flops(pipeline, n_features=4)


def test_three_class_network_flops():
    network = build_mlp(4, 3, hidden_layer_sizes=(8,), dropout=0.5)
    assert count_parameters(network).count == 4 * 8 + 8 + 8 * 3 + 3
    assert estimate_flops(network) == (2 * 4 * 8 + 8) + (2 * 8 * 3 + 3)


def test_flops_of_bias_free_and_unsupported_torch_modules():
    assert estimate_flops(torch.nn.Linear(3, 2, bias=False)) == 2 * 3 * 2
    convolution = torch.nn.Sequential(torch.nn.Conv1d(1, 2, 3), torch.nn.Flatten())
    with pytest.raises(NotImplementedError, match="Sequential"):
        estimate_flops(convolution)
    assert count_parameters(convolution).count == 1 * 2 * 3 + 2


def test_linear_model_parameters_and_flops(separable_problem):
    X, y = separable_problem(n_samples=60, n_features=5)
    binary = LogisticRegression().fit(X, y)
    assert count_parameters(binary) == ParameterCount(6, "weights")
    assert estimate_flops(binary) == 2 * 5 + 1
    three_class = LogisticRegression().fit(X[:, :4], np.digitize(X[:, 0], [-0.5, 0.5]))
    assert count_parameters(three_class).count == 3 * 4 + 3
    assert estimate_flops(three_class) == 3 * (2 * 4 + 1)
    no_intercept = Ridge(fit_intercept=False).fit(X, y)
    assert count_parameters(no_intercept).count == 5
    assert estimate_flops(no_intercept) == 10


def test_hist_gradient_boosting_counts_tree_nodes(separable_problem):
    X, y = separable_problem(n_samples=60)
    stump = HistGradientBoostingClassifier(max_iter=1, max_leaf_nodes=2).fit(X, y)
    assert count_parameters(stump) == ParameterCount(3, "tree_nodes")  # root + 2 leaves
    with pytest.raises(NotImplementedError, match="HistGradientBoostingClassifier"):
        estimate_flops(stump)


def test_unsupported_or_unfitted_models():
    with pytest.raises(TypeError, match="KNeighborsClassifier"):
        count_parameters(KNeighborsClassifier())
    with pytest.raises(NotImplementedError, match="KNeighborsClassifier"):
        estimate_flops(KNeighborsClassifier())
    with pytest.raises(NotFittedError):
        count_parameters(Ridge())
    with pytest.raises(NotFittedError):
        count_parameters(TorchMLPClassifier())
