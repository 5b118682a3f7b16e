"""Tests of the estimator lookup and of the layer, sparsity and size descriptions."""

import subprocess
import sys

import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from greennb import efficiency
from greennb.efficiency._inspect import UNSUPPORTED_MODEL_MSG
from greennb.models import TorchMLPClassifier, TorchMLPRegressor


def test_torch_estimator_finds_the_estimator_in_a_model_or_pipeline(mlp):
    assert efficiency.torch_estimator(mlp) is mlp
    pipeline = Pipeline([("scale", StandardScaler()), ("model", mlp)])
    assert efficiency.torch_estimator(pipeline) is mlp
    unfitted = TorchMLPRegressor()
    assert efficiency.torch_estimator(unfitted, fitted=False) is unfitted
    with pytest.raises(NotFittedError):
        efficiency.torch_estimator(unfitted)


def test_torch_estimator_names_the_caller_and_the_type():
    with pytest.raises(TypeError) as raised:
        efficiency.torch_estimator(Ridge(), caller="my_lever")
    assert str(raised.value) == UNSUPPORTED_MODEL_MSG.format(
        caller="my_lever", fitted="fitted ", after_fit=" after fit", type_name="Ridge"
    )
    with pytest.raises(TypeError, match="^network_of needs a fitted TorchMLPClassifier"):
        efficiency.network_of(Pipeline([("model", Ridge())]))


def test_layer_shapes_sparsity_and_bytes_by_hand(mlp):
    assert efficiency.layer_shapes(mlp) == [(8, 32, True), (32, 16, True), (16, 1, True)]
    assert efficiency.layer_shapes(efficiency.network_of(mlp)) == efficiency.layer_shapes(mlp)
    assert efficiency.weight_sparsity(mlp) == 0.0
    n_numbers = 8 * 32 + 32 + 32 * 16 + 16 + 16 + 1
    assert efficiency.model_size_bytes(mlp) == 4 * n_numbers  # float32


def test_an_unfitted_model_is_not_fitted():
    with pytest.raises(NotFittedError):
        efficiency.layer_shapes(TorchMLPClassifier())


def test_package_names_are_sorted_and_importing_it_does_not_import_torch():
    assert efficiency.__all__ == sorted(efficiency.__all__)
    for name in efficiency.__all__:
        assert hasattr(efficiency, name), name
    code = "import sys, greennb.efficiency; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
