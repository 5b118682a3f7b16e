"""Post-training dynamic int8 quantization of the torch MLPs' ``Linear`` layers.

int8 weights, activations quantized on the fly: a quarter of the bytes. Two backends:
``torch.ao.quantization.quantize_dynamic`` (CPU; torch 2.13 marks it deprecated in favour of
torchao) and torchao's ``Int8DynamicActivationInt8WeightConfig`` (an optional package).
``backend="auto"`` with rows ``X`` times every backend available here on those rows and keeps
the fastest measured one (the default backend unless another is faster beyond the run-to-run
noise). Without ``X`` it falls back to the default rule, which ``benchmarks/README.md``
("Efficiency levers") measured on one machine: torch.ao on the CPU (on a 2-core AVX2 CPU it ran
hidden widths 256–1024 about 1.2–1.4× faster than float32, while torchao 0.18's int8 path
without ``torch.compile`` was 8–33× slower than float32), torchao on a CUDA GPU, where torch.ao
has no dynamic int8 kernels. The lever record says which way the backend was chosen. torch is
imported inside the functions only.
"""

from __future__ import annotations

import warnings
from typing import Any

from greennb._validation import one_of
from greennb.efficiency._fastest import (
    OptionChoice,
    choose_fastest,
    inference_batch,
    only_option,
    time_options,
)
from greennb.efficiency._inspect import (
    float_linear_layers,
    lever_copy,
    network_of,
    record_lever,
    torch_estimator,
)
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


#: Why the default rule picks a backend when there are no rows to time the backends on.
DEFAULT_RULE = "the default rule (pass X to time the backends on this machine)"


def _default_backend(device_type: str) -> str:
    """Return the default rule's backend: torchao on CUDA when installed, else torch.ao."""
    if device_type == "cuda" and _torchao_available():
        return "torchao"
    return "torch.ao"  # the CPU path, measured fastest there; CUDA models move to the CPU


def available_backends() -> list[str]:
    """Return the quantization backends installed here (``"torch.ao"`` first when present).

    Returns
    -------
    list of str
        A subset of ``["torch.ao", "torchao"]``.
    """
    import torch

    quantization = getattr(torch.ao, "quantization", None)
    backends = ["torch.ao"] if getattr(quantization, "quantize_dynamic", None) else []
    return backends + (["torchao"] if _torchao_available() else [])


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


def _quantized(model: Any, backend: str) -> Any:
    """Return the int8 copy of ``model`` made by ``backend`` (its lever not yet recorded)."""
    import torch

    from greennb.efficiency._network import VariantNetwork

    variant, estimator = lever_copy(model, "quantize_dynamic")
    network = network_of(variant)
    float_linear_layers(network, "quantize_dynamic")
    device = torch.device(estimator.device_)
    if backend == "torch.ao":
        network, device = _torch_ao_quantize(network), torch.device("cpu")
    else:
        network = _torchao_quantize(network)
    estimator.module_ = VariantNetwork(network, device=device).eval()
    estimator.device_ = str(device)
    return variant


def choose_backend(model: Any, X: Any = None, *, batch_size: int = 1024) -> OptionChoice:
    """Choose the int8 backend of ``backend="auto"``: the fastest measured on rows of ``X``.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with float layers, or a Pipeline ending in one.
    X : array-like or DataFrame, optional
        Feature rows to time each backend's copy on. Without it, or with one backend
        installed, nothing is timed: the default rule (or the only backend) is used.
    batch_size : int, default 1024
        Rows per timed prediction call.

    Returns
    -------
    OptionChoice
        ``chosen`` is the backend, ``chosen_by`` how.
    """
    device_type = torch_estimator(model, caller="quantize_dynamic").device_.split(":")[0]
    default = _default_backend(device_type)
    backends = available_backends()
    if len(backends) < 2:
        return only_option(default, "the only int8 backend installed here")
    if X is None:
        return OptionChoice(default, default, DEFAULT_RULE, {}, f"{default}: {DEFAULT_RULE}")
    batch = inference_batch(model, X, batch_size)
    copies = {name: torch_estimator(_quantized(model, name)) for name in backends}
    options = {name: (lambda est=est: est.predict(batch)) for name, est in copies.items()}
    return choose_fastest(time_options(options, rows=batch_size), baseline=default)


def quantize_dynamic(model: Any, *, backend: str = "auto", X: Any = None) -> Any:
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
        ``"auto"``: with ``X``, the fastest backend measured on its rows
        (:func:`choose_backend`); without, torchao on CUDA when installed, else torch.ao
        (see the module docstring).
    X : array-like or DataFrame, optional
        Feature rows on which ``"auto"`` times the installed backends.

    Returns
    -------
    same type as ``model``
        The quantized copy; its estimator's ``device_`` says where it runs and
        ``efficiency_levers_`` ends with ``{"lever": "int8_dynamic_quantization", "backend",
        "device", ...}``, plus ``"choice"`` (how ``"auto"`` chose) for ``backend="auto"``.

    Raises
    ------
    ValueError
        For an unknown backend (the message lists the valid ones).
    ImportError
        For ``backend="torchao"`` without torchao installed.
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    one_of(backend, QUANTIZATION_BACKENDS, name="quantization backend")
    extra: dict[str, Any] = {}
    if backend == "auto":
        choice = choose_backend(model, X)
        backend, extra = choice.chosen, {"choice": choice.to_dict()}
    variant = _quantized(model, backend)
    estimator = torch_estimator(variant)
    record_lever(
        estimator,
        lever="int8_dynamic_quantization",
        backend=backend,
        device=estimator.device_,
        **extra,
    )
    return variant
