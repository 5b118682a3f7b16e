"""Post-training dynamic int8 quantization of the torch MLPs' ``Linear`` layers.

int8 weights, activations quantized on the fly: a quarter of the bytes. Backend chosen by
measurement (``benchmarks/README.md``): on a 2-core AVX2 CPU,
``torch.ao.quantization.quantize_dynamic``, which torch 2.13 marks deprecated in favour of
torchao, ran hidden widths 256–1024 about 1.2–1.4× faster than float32 (the small (64, 32)
MLP got slower), while torchao 0.18's int8 path without ``torch.compile`` was 8–33× slower
than float32. torchao stays an optional backend (``backend="torchao"``), which ``"auto"``
uses on a CUDA GPU, where torch.ao has no dynamic int8 kernels. torch is imported inside the
functions only.
"""

from __future__ import annotations

import warnings
from typing import Any

from greennb._validation import one_of
from greennb.efficiency._inspect import float_linear_layers, lever_copy, network_of, record_lever
from greennb.errors import MissingDependencyError

QUANTIZATION_BACKENDS = ("auto", "torch.ao", "torchao")
"""Backends accepted by :func:`quantize_dynamic`."""

NO_TORCH_AO_MSG = (
    "backend 'torch.ao' is not available in torch {version} (torch.ao.quantization."
    "quantize_dynamic was removed); use backend='torchao' after `pip install torchao`."
)
NO_TORCHAO_MSG = (
    "backend 'torchao' needs the optional package torchao (`pip install torchao`), which is "
    "not installed: {error}. Valid choices here: 'torch.ao' (CPU) or 'auto'."
)

_TORCH_AO_WARNINGS = (
    # torch 2.13 deprecates torch.ao.quantization in favour of torchao; greennb keeps it on the
    # CPU because it is measured to be faster there (see the module docstring).
    (DeprecationWarning, r"torch\.ao\.quantization is deprecated"),
    (UserWarning, r"torch\.quantize_per_tensor, torch\.quantize_per_channel"),
)


def _resolve_backend(backend: str, device_type: str) -> str:
    one_of(backend, QUANTIZATION_BACKENDS, name="quantization backend")
    if backend != "auto":
        return backend
    if device_type == "cuda" and _torchao_available():
        return "torchao"
    return "torch.ao"  # the CPU path, measured fastest there; CUDA models move to the CPU


def _torchao_available() -> bool:
    try:
        import torchao  # noqa: F401
    except ImportError:
        return False
    return True


def _torch_ao_quantize(network: Any) -> Any:
    import torch

    quantize = getattr(getattr(torch.ao, "quantization", None), "quantize_dynamic", None)
    if quantize is None:
        raise MissingDependencyError(NO_TORCH_AO_MSG.format(version=torch.__version__))
    with warnings.catch_warnings():
        for category, message in _TORCH_AO_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        return quantize(network.cpu(), {torch.nn.Linear}, dtype=torch.qint8)


def _torchao_quantize(network: Any) -> Any:
    try:
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_
    except ImportError as error:
        raise MissingDependencyError(NO_TORCHAO_MSG.format(error=error)) from error
    quantize_(network, Int8DynamicActivationInt8WeightConfig())
    return network


def quantize_dynamic(model: Any, *, backend: str = "auto") -> Any:
    """Return a copy whose ``Linear`` layers are dynamically quantized to int8.

    Post-training dynamic quantization stores each weight matrix in int8 (with a float scale)
    and quantizes the activations on the fly, batch by batch; no calibration data is needed.
    Predictions stay float (probabilities, target units).

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP, or a Pipeline ending in one.
    backend : {"auto", "torch.ao", "torchao"}, default "auto"
        ``"torch.ao"``: ``torch.ao.quantization.quantize_dynamic`` (CPU; a model trained on a
        GPU is moved to the CPU). ``"torchao"``: torchao's
        ``Int8DynamicActivationInt8WeightConfig`` on the model's device (optional package).
        ``"auto"``: torchao on CUDA when installed, else torch.ao, which was measured fastest
        on the CPU (see the module docstring).

    Returns
    -------
    same type as ``model``
        The quantized copy; its estimator's ``device_`` says where it runs and
        ``efficiency_levers_`` ends with ``{"lever": "int8_dynamic_quantization", ...}``.

    Raises
    ------
    ValueError
        For an unknown backend (the message lists the valid ones).
    ImportError
        For ``backend="torchao"`` without torchao installed.
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    import torch

    from greennb.efficiency._network import VariantNetwork

    variant, estimator = lever_copy(model, "quantize_dynamic")
    network = network_of(variant)
    float_linear_layers(network, "quantize_dynamic")
    device = torch.device(estimator.device_)
    chosen = _resolve_backend(backend, device.type)
    if chosen == "torch.ao":
        network, device = _torch_ao_quantize(network), torch.device("cpu")
    else:
        network = _torchao_quantize(network)
    estimator.module_ = VariantNetwork(network, device=device).eval()
    estimator.device_ = str(device)
    record_lever(estimator, lever="int8_dynamic_quantization", backend=chosen, device=str(device))
    return variant
