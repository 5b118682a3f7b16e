"""Tests of precision support, reduced-precision inference and training settings."""

import numpy as np
import pytest
import torch

from greennb import efficiency
from greennb.efficiency import _precision as precision_module
from greennb.efficiency._network import VariantNetwork


def test_bfloat16_inference_on_cpu(mlp, xy):
    variant = efficiency.mixed_precision(mlp, precision="bfloat16")
    assert isinstance(variant.module_, VariantNetwork)
    assert variant.module_.autocast_dtype == torch.bfloat16
    probabilities = variant.predict_proba(xy[0])
    assert probabilities.dtype == np.float64
    np.testing.assert_allclose(probabilities, mlp.predict_proba(xy[0]), atol=0.03)
    with torch.inference_mode():  # autocast really ran the products in bfloat16
        hidden = []
        first = efficiency.network_of(variant)[0]
        handle = first.register_forward_hook(lambda m, i, o: hidden.append(o.dtype))
        variant.module_(torch.as_tensor(xy[0][:4]))
        handle.remove()
    assert hidden == [torch.bfloat16]


def test_float16_on_a_cpu_without_native_float16_is_a_clear_error(mlp, monkeypatch):
    monkeypatch.setattr(precision_module, "_cpu_has_native_float16", lambda: False)
    with pytest.raises(ValueError) as error:
        efficiency.mixed_precision(mlp, precision="float16")
    message = str(error.value)
    assert "'float16' is not supported on device 'cpu'" in message
    assert "AMX-FP16" in message and message.endswith("float32, bfloat16.")
    monkeypatch.setattr(precision_module, "_cpu_has_native_float16", lambda: True)
    assert efficiency.check_precision("float16", device="cpu") == torch.float16


@pytest.mark.parametrize("bad", ["fp8", "half", "", None, 16])
def test_unknown_precision(bad, mlp):
    with pytest.raises(ValueError, match="Unknown precision .*float32, bfloat16, float16"):
        efficiency.check_precision(bad, device="cpu")
    with pytest.raises(ValueError, match="Unknown precision"):
        efficiency.mixed_precision(mlp, precision=bad)


def test_precision_training_params():
    assert efficiency.precision_training_params("float32", device="cpu") == {
        "device": "cpu",
        "amp": False,
        "amp_dtype": "float16",
    }
    with pytest.raises(ValueError, match="mixed precision on CUDA only.*'cpu'.*float32"):
        efficiency.precision_training_params("bfloat16", device="cpu")


def test_cuda_bfloat16_support_follows_the_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    support = precision_module._supported_precisions(torch.device("cuda"))
    assert support["float16"] is None and "no bfloat16" in support["bfloat16"]
