"""Tests of dynamic int8 quantization."""

import numpy as np
import pytest
import torch
from torch import nn

from greennb import efficiency


def test_quantize_dynamic_makes_int8_layers_and_shrinks(mlp, xy, float_linears):
    X, _ = xy
    quantized = efficiency.quantize_dynamic(mlp)
    layers = list(efficiency.network_of(quantized).modules())
    int8 = [m for m in layers if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]
    assert len(int8) == 3 and not any(isinstance(m, nn.Linear) for m in layers)
    assert all(m.weight().dtype == torch.qint8 for m in int8)
    assert efficiency.layer_shapes(quantized) == efficiency.layer_shapes(mlp)
    assert efficiency.model_size_bytes(quantized) < 0.6 * efficiency.model_size_bytes(mlp)
    np.testing.assert_allclose(quantized.predict_proba(X), mlp.predict_proba(X), atol=0.05)
    assert np.mean(quantized.predict(X) == mlp.predict(X)) > 0.97
    (lever,) = quantized.efficiency_levers_
    assert {k: lever[k] for k in ("lever", "backend", "device")} == {
        "lever": "int8_dynamic_quantization",
        "backend": "torch.ao",
        "device": "cpu",
    }
    assert lever["choice"]["chosen"] == "torch.ao"  # "auto": how the backend was chosen
    assert len(float_linears(mlp)) == 3  # the original is untouched
    assert not hasattr(mlp, "efficiency_levers_")


def test_quantize_dynamic_keeps_a_pipeline_usable_on_raw_features(hmda, hmda_model):
    data, split = hmda
    quantized = efficiency.quantize_dynamic(hmda_model)
    assert quantized[0] is not hmda_model[0]  # a copy, preprocessing included
    agreement = np.mean(quantized.predict(split.X_test) == hmda_model.predict(split.X_test))
    assert agreement > 0.97
    assert quantized.predict_proba(split.X_test).shape == (len(split.X_test), 2)


def test_quantize_dynamic_bad_input(mlp, monkeypatch):
    with pytest.raises(ValueError, match=r"Unknown quantization backend 'int4'.*auto, torch\.ao"):
        efficiency.quantize_dynamic(mlp, backend="int4")
    with pytest.raises(TypeError, match="already int8-quantized"):
        efficiency.quantize_dynamic(efficiency.quantize_dynamic(mlp))
    with pytest.raises(TypeError, match="needs a fitted TorchMLPClassifier.*got Ridge"):
        from sklearn.linear_model import Ridge

        efficiency.quantize_dynamic(Ridge().fit([[0.0], [1.0]], [0.0, 1.0]))
    monkeypatch.setitem(__import__("sys").modules, "torchao", None)  # torchao not installed
    with pytest.raises(ImportError, match="optional package torchao.*'torch.ao' \\(CPU\\)"):
        efficiency.quantize_dynamic(mlp, backend="torchao")
