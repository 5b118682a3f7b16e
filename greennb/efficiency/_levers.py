"""Energy-efficiency levers for the torch MLPs: quantization, pruning, distillation, precision.

Each lever takes a fitted :class:`~greennb.torch_mlp.TorchMLPClassifier` or
:class:`~greennb.torch_mlp.TorchMLPRegressor`, or a Pipeline ending in one (as built by
``make_model("mlp", ...)``), and returns a changed **copy** that still predicts through
``predict``/``predict_proba`` on the same raw features; the original is left untouched. Each
copy lists what was done to it in its estimator's ``efficiency_levers_`` attribute.

* :func:`quantize_dynamic` — post-training dynamic int8 quantization of the ``Linear`` layers
  (int8 weights, activations quantized on the fly; a quarter of the bytes). Backend chosen by
  measurement (``benchmarks/README.md``): on a 2-core AVX2 CPU,
  ``torch.ao.quantization.quantize_dynamic``, which torch 2.13 marks deprecated in favour of
  torchao, ran hidden widths 256–1024 about 1.2–1.4× faster than float32 (the small (64, 32)
  MLP got slower), while torchao 0.18's int8 path without ``torch.compile`` was 8–33× slower
  than float32. torchao stays an optional backend (``backend="torchao"``), which ``"auto"``
  uses on a CUDA GPU, where torch.ao has no dynamic int8 kernels.
* :func:`prune_unstructured` — global magnitude pruning (``torch.nn.utils.prune``): the
  smallest ``sparsity`` share of all weights becomes 0. The dense model keeps its size and
  arithmetic on dense hardware: sparsity alone saves no energy there.
* :func:`prune_hidden_units` — structured pruning: whole hidden units with the smallest L2
  weight norm are removed, so that the network really shrinks (fewer parameters, FLOPs, bytes).
* :func:`distill` — knowledge distillation (Hinton, Vinyals & Dean 2015): a small student
  learns from the teacher's temperature-softened probabilities plus the hard labels.
* :func:`mixed_precision` — inference under ``torch.autocast`` in bfloat16 or float16 where the
  device supports it (:func:`check_precision`); :func:`precision_training_params` gives the
  estimator settings for mixed-precision *training* (CUDA only in the torch MLPs).

The measurements (size, FLOPs, latency, energy per 1,000 predictions, accuracy, per-group
accuracy/TPR and the social responsibility index of each variant) and the training-footprint
forecast are in :mod:`greennb.footprint`.

torch is imported inside the functions only.
"""

from __future__ import annotations

import copy
import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from greennb.errors import InvalidTypeError, InvalidValueError, MissingDependencyError
from greennb.models import TorchMLPClassifier, TorchMLPRegressor, select_device

__all__ = [
    "PRECISIONS",
    "QUANTIZATION_BACKENDS",
    "check_precision",
    "distill",
    "layer_shapes",
    "mixed_precision",
    "model_size_bytes",
    "network_of",
    "precision_training_params",
    "prune_hidden_units",
    "prune_unstructured",
    "quantize_dynamic",
    "weight_sparsity",
]

PRECISIONS = ("float32", "bfloat16", "float16")
"""Numeric precisions accepted by :func:`check_precision` and :func:`mixed_precision`."""

QUANTIZATION_BACKENDS = ("auto", "torch.ao", "torchao")
"""Backends accepted by :func:`quantize_dynamic`."""

#: Default temperature of the softened probabilities in :func:`distill` (Hinton et al. use 1–20).
DEFAULT_TEMPERATURE = 4.0
#: Default weight of the soft (teacher) loss in :func:`distill`; 1 − alpha weighs the labels.
DEFAULT_ALPHA = 0.7

# --- Error messages (tests match them) ------------------------------------------------------

UNSUPPORTED_MODEL_MSG = (
    "{function} needs a fitted TorchMLPClassifier or TorchMLPRegressor, or a Pipeline ending "
    "in one (e.g. make_model('mlp', task=...) after fit); got {type_name}."
)
CLASSIFIER_ONLY_MSG = (
    "{function} needs a classifier (it learns from the teacher's probabilities); got "
    "{type_name}. Supported: TorchMLPClassifier, or a Pipeline ending in one."
)
FRACTION_MSG = "{name} must be a number in [0, 1) (a fraction of {what}); got {value!r}."
UNIT_INTERVAL_MSG = "{name} must be a number in [0, 1]; got {value!r}."
POSITIVE_MSG = "{name} must be a finite number > 0{unit}; got {value!r}."
INT_MSG = "{name} must be an integer >= {minimum}; got {value!r}."
UNKNOWN_PRECISION_MSG = "Unknown precision {value!r}; valid choices: {choices}."
UNSUPPORTED_PRECISION_MSG = (
    "precision {precision!r} is not supported on device {device!r}: {why}. Valid choices on "
    "this device: {choices}."
)
UNKNOWN_BACKEND_MSG = "Unknown quantization backend {value!r}; valid choices: {choices}."
NO_TORCH_AO_MSG = (
    "backend 'torch.ao' is not available in torch {version} (torch.ao.quantization."
    "quantize_dynamic was removed); use backend='torchao' after `pip install torchao`."
)
NO_TORCHAO_MSG = (
    "backend 'torchao' needs the optional package torchao (`pip install torchao`), which is "
    "not installed: {error}. Valid choices here: 'torch.ao' (CPU) or 'auto'."
)
ALREADY_QUANTIZED_MSG = (
    "{function} works on float layers, but this model's layers are already int8-quantized; "
    "apply {function} before quantize_dynamic."
)
NO_HIDDEN_LAYER_MSG = "prune_hidden_units needs at least one hidden layer; this network has none."
UNKNOWN_LABELS_MSG = (
    "y has labels the teacher never saw: {labels}; the teacher's classes are {classes}."
)
LENGTH_MSG = "X and y must have the same number of rows; got {n_x} and {n_y}."
CPU_TRAINING_PRECISION_MSG = (
    "The torch MLPs train with mixed precision on CUDA only; on device {device!r} valid "
    "choices are: float32 (for reduced-precision inference on this device use "
    "mixed_precision())."
)

_TORCH_AO_WARNINGS = (
    # torch 2.13 deprecates torch.ao.quantization in favour of torchao; greennb keeps it on the
    # CPU because it is measured to be faster there (see the module docstring).
    (DeprecationWarning, r"torch\.ao\.quantization is deprecated"),
    (UserWarning, r"torch\.quantize_per_tensor, torch\.quantize_per_channel"),
)


# ---------------------------------------------------------------------------
# Access to the estimator and its network
# ---------------------------------------------------------------------------


def _estimator_of(model: Any, function: str) -> TorchMLPClassifier | TorchMLPRegressor:
    estimator = model[-1] if isinstance(model, Pipeline) else model
    if not isinstance(estimator, (TorchMLPClassifier, TorchMLPRegressor)):
        raise InvalidTypeError(
            UNSUPPORTED_MODEL_MSG.format(function=function, type_name=type(estimator).__name__)
        )
    check_is_fitted(estimator)
    return estimator


def network_of(model: Any) -> Any:
    """Return the layers of a fitted torch MLP (inside a variant wrapper, if any).

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        Fitted, possibly a variant made by a lever of this module.

    Returns
    -------
    torch.nn.Module
        The ``Sequential`` of (float or int8) layers.

    Raises
    ------
    TypeError
        For another kind of model; the message names its type.
    """
    module = _estimator_of(model, "network_of").module_
    return getattr(module, "network", module)


def _lever_copy(model: Any, function: str) -> tuple[Any, Any]:
    """Return (deep copy of the model, its estimator), with the lever list started."""
    _estimator_of(model, function)
    variant = copy.deepcopy(model)
    estimator = variant[-1] if isinstance(variant, Pipeline) else variant
    estimator.efficiency_levers_ = list(getattr(estimator, "efficiency_levers_", []))
    return variant, estimator


def _is_quantized_linear(layer: Any) -> bool:
    import torch

    dynamic = getattr(getattr(torch.ao.nn, "quantized", None), "dynamic", None)
    return dynamic is not None and isinstance(layer, dynamic.Linear)


def _linear_layers(network: Any) -> list[Any]:
    """Float ``Linear`` and dynamically quantized ``Linear`` layers, in order."""
    import torch

    return [
        m for m in network.modules() if isinstance(m, torch.nn.Linear) or _is_quantized_linear(m)
    ]


def layer_shapes(model: Any) -> list[tuple[int, int, bool]]:
    """Return ``(in_features, out_features, has_bias)`` of each dense layer, float or int8.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor, Pipeline or torch.nn.Module
        A fitted torch MLP (or variant), or its network.

    Returns
    -------
    list of tuple
        One entry per ``Linear`` layer, input side first.
    """
    network = _network_or_module(model)
    shapes = []
    for layer in _linear_layers(network):
        bias = layer.bias() if _is_quantized_linear(layer) else layer.bias
        shapes.append((int(layer.in_features), int(layer.out_features), bias is not None))
    return shapes


def _network_or_module(model: Any) -> Any:
    import torch

    if isinstance(model, torch.nn.Module):
        return getattr(model, "network", model)
    return network_of(model)


def weight_sparsity(model: Any) -> float:
    """Share of the dense layers' weights (not biases) that are exactly zero.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor, Pipeline or torch.nn.Module
        A fitted torch MLP (or variant), or its network.

    Returns
    -------
    float
        Fraction in [0, 1].
    """
    zeros = total = 0
    for layer in _linear_layers(_network_or_module(model)):
        weight = layer.weight() if _is_quantized_linear(layer) else layer.weight
        if weight.is_quantized:
            weight = weight.dequantize()
        zeros += int((weight == 0).sum())
        total += weight.numel()
    return zeros / total if total else 0.0


def model_size_bytes(model: Any) -> int:
    """Memory taken by the dense layers' weights and biases (bytes).

    Each tensor counts ``numel × element size``: 4 bytes per float32 number, 2 per bfloat16,
    1 per int8 weight (torch.ao's one float scale and zero point per int8 matrix are left
    out; torchao's per-row scales are counted). Pruned weights that are zero still take their
    room in this dense format; only structured pruning (fewer units) makes the model smaller.
    A file written by ``torch.save`` adds a few kilobytes of container overhead, which is why
    the file size is not used.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor, Pipeline or torch.nn.Module
        A fitted torch MLP (or variant), or its network.

    Returns
    -------
    int
        Bytes.
    """
    total = 0
    for layer in _linear_layers(_network_or_module(model)):
        quantized = _is_quantized_linear(layer)
        weight, bias = (layer.weight(), layer.bias()) if quantized else (layer.weight, layer.bias)
        for tensor in (weight, bias):
            if tensor is not None:
                total += _tensor_bytes(tensor)
    return total


def _tensor_bytes(tensor: Any) -> int:
    """``numel × element size``; for a torchao tensor, the sum over its inner tensors.

    torchao's quantized tensors report the float dtype they stand for; their
    ``tensor_data_names`` list the tensors that hold the data (int8 values and scales).
    """
    inner = getattr(tensor, "tensor_data_names", None)
    if inner:
        return sum(_tensor_bytes(getattr(tensor, name)) for name in inner)
    return tensor.numel() * tensor.element_size()


def _record(estimator: Any, **lever: Any) -> None:
    estimator.efficiency_levers_.append(lever)


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------


def _fraction(value: Any, *, name: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise InvalidValueError(FRACTION_MSG.format(name=name, what=what, value=value))
    return float(value)


def _unit_interval(value: Any, *, name: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not 0 <= value <= 1:
        raise InvalidValueError(UNIT_INTERVAL_MSG.format(name=name, value=value))
    return float(value)


def _positive(value: Any, *, name: str, unit: str = "") -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise InvalidValueError(POSITIVE_MSG.format(name=name, unit=unit, value=value))
    return float(value)


def _integer(value: Any, *, name: str, minimum: int) -> int:
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or value < minimum:
        raise InvalidValueError(INT_MSG.format(name=name, minimum=minimum, value=value))
    return int(value)


# ---------------------------------------------------------------------------
# Quantization
# ---------------------------------------------------------------------------


def _resolve_backend(backend: str, device_type: str) -> str:
    if backend not in QUANTIZATION_BACKENDS:
        raise InvalidValueError(
            UNKNOWN_BACKEND_MSG.format(value=backend, choices=", ".join(QUANTIZATION_BACKENDS))
        )
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

    variant, estimator = _lever_copy(model, "quantize_dynamic")
    network = network_of(variant)
    if any(_is_quantized_linear(m) for m in network.modules()):
        raise InvalidTypeError(ALREADY_QUANTIZED_MSG.format(function="quantize_dynamic"))
    device = torch.device(estimator.device_)
    chosen = _resolve_backend(backend, device.type)
    if chosen == "torch.ao":
        network, device = _torch_ao_quantize(network), torch.device("cpu")
    else:
        network = _torchao_quantize(network)
    estimator.module_ = VariantNetwork(network, device=device).eval()
    estimator.device_ = str(device)
    _record(estimator, lever="int8_dynamic_quantization", backend=chosen, device=str(device))
    return variant


# ---------------------------------------------------------------------------
# Pruning
# ---------------------------------------------------------------------------


def _float_linear_layers(network: Any, function: str) -> list[Any]:
    if any(_is_quantized_linear(m) for m in network.modules()):
        raise InvalidTypeError(ALREADY_QUANTIZED_MSG.format(function=function))
    return _linear_layers(network)


def prune_unstructured(model: Any, *, sparsity: float) -> Any:
    """Return a copy with the smallest-magnitude share ``sparsity`` of all weights set to 0.

    Global L1 (magnitude) pruning over every ``Linear`` weight matrix at once with
    ``torch.nn.utils.prune.global_unstructured``, made permanent with ``prune.remove``;
    biases are kept. Exactly ``round(sparsity × n_weights)`` weights become zero. The model
    keeps its dense shape: same bytes and FLOPs on dense hardware (see
    :func:`weight_sparsity` for what changed).

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with float layers, or a Pipeline ending in one.
    sparsity : float in [0, 1)
        Share of the weights to remove.

    Returns
    -------
    same type as ``model``
        The pruned copy (``efficiency_levers_`` ends with the pruning entry).

    Raises
    ------
    ValueError
        If ``sparsity`` is outside [0, 1).
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    from torch.nn.utils import prune

    sparsity = _fraction(sparsity, name="sparsity", what="the weights to remove")
    variant, estimator = _lever_copy(model, "prune_unstructured")
    layers = _float_linear_layers(network_of(variant), "prune_unstructured")
    parameters = [(layer, "weight") for layer in layers]
    prune.global_unstructured(parameters, pruning_method=prune.L1Unstructured, amount=sparsity)
    for layer, name in parameters:
        prune.remove(layer, name)
    _record(estimator, lever="global_magnitude_pruning", sparsity=sparsity)
    return variant


def prune_hidden_units(model: Any, *, fraction: float) -> Any:
    """Return a smaller copy without the ``fraction`` of each hidden layer's weakest units.

    For each hidden ``Linear`` layer, ``torch.nn.utils.prune.ln_structured`` (L2 norm over
    each unit's incoming weights) chooses ``round(fraction × width)`` units to drop, keeping at
    least one. The units are then really removed: the layer gets fewer rows and the next layer
    fewer columns, so parameters, FLOPs and bytes all shrink. torch's pruning only masks
    weights, and no installed library rebuilds the smaller layers, hence the slicing here.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with at least one hidden layer, or a Pipeline ending in one.
    fraction : float in [0, 1)
        Share of the units of each hidden layer to remove.

    Returns
    -------
    same type as ``model``
        The smaller copy; ``hidden_layer_sizes`` of its estimator gives the new widths.

    Raises
    ------
    ValueError
        If ``fraction`` is outside [0, 1) or the network has no hidden layer.
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    fraction = _fraction(fraction, name="fraction", what="each hidden layer's units")
    variant, estimator = _lever_copy(model, "prune_hidden_units")
    network = network_of(variant)
    layers = _float_linear_layers(network, "prune_hidden_units")
    if len(layers) < 2:
        raise InvalidValueError(NO_HIDDEN_LAYER_MSG)
    kept_units = [_units_to_keep(layer, fraction) for layer in layers[:-1]]
    _shrink(network, layers, kept_units)
    widths = tuple(len(kept) for kept in kept_units)
    original = tuple(estimator.hidden_layer_sizes)
    estimator.set_params(hidden_layer_sizes=widths)
    _record(estimator, lever="structured_pruning", fraction=fraction, widths_before=original)
    return variant


def _units_to_keep(layer: Any, fraction: float) -> Any:
    """Return the indices of the units that ``ln_structured`` keeps (masking a copy only)."""
    import torch
    from torch.nn.utils import prune

    width = layer.out_features
    scratch = copy.deepcopy(layer)
    prune.ln_structured(
        scratch, "weight", amount=min(round(fraction * width), width - 1), n=2, dim=0
    )
    return torch.nonzero(scratch.weight_mask.any(dim=1)).flatten()


def _shrink(network: Any, layers: Sequence[Any], kept_units: Sequence[Any]) -> None:
    """Replace each Linear layer in ``network`` by one restricted to the kept units."""
    import torch

    replacements = {}
    inputs = None  # kept inputs of the current layer: all, for the first layer
    for index, layer in enumerate(layers):
        rows = kept_units[index] if index < len(kept_units) else slice(None)
        weight = layer.weight.detach()[rows]
        weight = weight if inputs is None else weight[:, inputs]
        smaller = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=layer.bias is not None)
        smaller = smaller.to(weight.device)
        with torch.no_grad():
            smaller.weight.copy_(weight)
            if layer.bias is not None:
                smaller.bias.copy_(layer.bias.detach()[rows])
        replacements[id(layer)] = smaller
        inputs = rows
    for name, child in list(network.named_children()):
        if id(child) in replacements:
            setattr(network, name, replacements[id(child)])


# ---------------------------------------------------------------------------
# Precision
# ---------------------------------------------------------------------------


def _cpu_has_native_float16() -> bool:
    """Whether this CPU does float16 matrix arithmetic natively (AMX-FP16).

    torch runs float16 autocast on any CPU, but without such units every float16 product is
    emulated; torch only exposes the check privately, hence the guarded lookup.
    """
    import torch

    check = getattr(torch.cpu, "_is_amx_fp16_supported", None)
    try:
        return bool(check()) if check is not None else False
    except Exception:  # a private API that may change: treat as "no"
        return False


def _supported_precisions(device: Any) -> dict[str, str | None]:
    """Map each precision to None (supported) or the reason it is not, on ``device``."""
    import torch

    support: dict[str, str | None] = {"float32": None}
    if device.type == "cuda":
        support["float16"] = None
        support["bfloat16"] = (
            None if torch.cuda.is_bf16_supported() else "this GPU has no bfloat16 arithmetic"
        )
    elif device.type == "cpu":
        support["bfloat16"] = None
        support["float16"] = (
            None
            if _cpu_has_native_float16()
            else "this CPU has no native float16 arithmetic (AMX-FP16), so torch would emulate "
            "every float16 product"
        )
    else:  # MPS autocast: float16
        support["float16"] = None
        support["bfloat16"] = f"greennb does not enable bfloat16 autocast on {device.type}"
    return support


def check_precision(precision: str, *, device: Any = "auto") -> Any:
    """Check that ``precision`` can run on ``device``; return its torch dtype.

    Support: float32 everywhere; on CUDA float16, and bfloat16 where the GPU has it (Ampere
    or newer); on the CPU bfloat16 (torch's CPU autocast type), and float16 only on CPUs with
    native float16 units (AMX-FP16); on Apple MPS float16.

    Parameters
    ----------
    precision : {"float32", "bfloat16", "float16"}
        Numeric precision.
    device : str or torch.device, default "auto"
        As for :func:`greennb.select_device`.

    Returns
    -------
    torch.dtype
        ``torch.float32``, ``torch.bfloat16`` or ``torch.float16``.

    Raises
    ------
    ValueError
        For an unknown precision, or one that the device does not support; the message
        names the valid choices (on that device).
    """
    import torch

    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise InvalidValueError(
            UNKNOWN_PRECISION_MSG.format(value=precision, choices=", ".join(PRECISIONS))
        )
    device = select_device(device)
    support = _supported_precisions(device)
    why = support[precision]
    if why is not None:
        valid = [name for name in PRECISIONS if support[name] is None]
        raise InvalidValueError(
            UNSUPPORTED_PRECISION_MSG.format(
                precision=precision, device=str(device), why=why, choices=", ".join(valid)
            )
        )
    return getattr(torch, precision)


def mixed_precision(model: Any, *, precision: str = "bfloat16") -> Any:
    """Return a copy that predicts under ``torch.autocast`` in ``precision`` on its device.

    Autocast runs matrix products in the reduced type and keeps precision-sensitive
    operations in float32; predictions come back in float32. Whether it is faster depends on
    the hardware: GPUs with tensor cores gain, CPUs without bfloat16 units (AVX2 only) lose.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with float layers, or a Pipeline ending in one.
    precision : {"float32", "bfloat16", "float16"}, default "bfloat16"
        ``"float32"`` gives a plain copy (a baseline).

    Returns
    -------
    same type as ``model``
        The copy (``efficiency_levers_`` ends with the precision entry).

    Raises
    ------
    ValueError
        For an unknown precision or one unsupported on the model's device
        (see :func:`check_precision`).
    TypeError
        For a model that is not a fitted torch MLP, or is int8-quantized.
    """
    import torch

    from greennb.efficiency._network import VariantNetwork

    estimator = _estimator_of(model, "mixed_precision")
    dtype = check_precision(precision, device=estimator.device_)
    variant, estimator = _lever_copy(model, "mixed_precision")
    network = network_of(variant)
    _float_linear_layers(network, "mixed_precision")
    autocast_dtype = None if dtype == torch.float32 else dtype
    estimator.module_ = VariantNetwork(
        network, device=estimator.device_, autocast_dtype=autocast_dtype
    ).eval()
    _record(estimator, lever="mixed_precision_inference", precision=precision)
    return variant


def precision_training_params(precision: str, *, device: Any = "auto") -> dict[str, Any]:
    """Estimator settings that train a torch MLP in ``precision`` on ``device``.

    Parameters
    ----------
    precision : {"float32", "bfloat16", "float16"}
        Training precision: mixed precision (autocast, with loss scaling for float16) or
        plain float32.
    device : str or torch.device, default "auto"
        Where the model will train.

    Returns
    -------
    dict
        ``{"device", "amp", "amp_dtype"}`` to pass to ``make_model("mlp", ...)``.

    Raises
    ------
    ValueError
        For an unknown or unsupported precision, or reduced precision on a device where the
        torch MLPs do not use autocast (everything but CUDA).
    """
    device = select_device(device)
    check_precision(precision, device=device)
    if precision == "float32":
        return {"device": str(device), "amp": False, "amp_dtype": "float16"}
    if device.type != "cuda":
        raise InvalidValueError(CPU_TRAINING_PRECISION_MSG.format(device=str(device)))
    return {"device": str(device), "amp": True, "amp_dtype": precision}


# ---------------------------------------------------------------------------
# Distillation
# ---------------------------------------------------------------------------


def distill(
    teacher: Any,
    X: Any,
    y: Any,
    *,
    hidden_layer_sizes: Sequence[int] = (16,),
    temperature: float = DEFAULT_TEMPERATURE,
    alpha: float = DEFAULT_ALPHA,
    max_epochs: int = 60,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    random_state: int | None = 0,
) -> Any:
    """Train a small student MLP on a fitted teacher's softened probabilities and the labels.

    The student minimises (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
    Network")::

        L = alpha · T² · KL(p_teacher^T ‖ p_student^T) + (1 − alpha) · CE(y, p_student)

    where ``p^T = softmax(logits / T)``. The teacher's logits are taken as the logarithm of
    its ``predict_proba`` (equal up to a constant, which softmax ignores); T² keeps the soft
    loss's gradients on the scale of the hard loss. The training loop is written here because
    the estimators' ``fit`` takes hard labels only; it uses ``torch.optim.AdamW`` on shuffled
    mini-batches for a fixed number of epochs.

    Parameters
    ----------
    teacher : TorchMLPClassifier or Pipeline
        A fitted torch MLP classifier, or a Pipeline ending in one (its preprocessing is
        reused by the student).
    X : array-like or DataFrame of shape (n_samples, n_features)
        Training features, as given to the teacher (raw, for a Pipeline).
    y : array-like of shape (n_samples,)
        Training labels (hard targets), among the teacher's ``classes_``.
    hidden_layer_sizes : sequence of int, default (16,)
        The student's hidden widths.
    temperature : float > 0, default DEFAULT_TEMPERATURE (4.0)
        Softening temperature T.
    alpha : float in [0, 1], default DEFAULT_ALPHA (0.7)
        Weight of the soft loss; ``0`` is plain training on the labels, ``1`` learns from the
        teacher only.
    max_epochs : int >= 1, default 60
        Training epochs (all of them run: no early stopping).
    batch_size : int >= 1, default 128
        Samples per optimisation step.
    learning_rate : float > 0, default 3e-3
        AdamW step size.
    random_state : int or None, default 0
        Seeds the student's initialisation and shuffling.

    Returns
    -------
    same type as ``teacher``
        The fitted student (a Pipeline with a copy of the teacher's fitted preprocessing, or
        an estimator), on the teacher's device, predicting like any torch MLP classifier.
        Its ``efficiency_levers_`` records the distillation settings and ``loss_curve_`` the
        mean loss of each epoch.

    Raises
    ------
    ValueError
        For bad settings (the message names the value), mismatched lengths, or labels that
        the teacher never saw.
    TypeError
        If the teacher is not a fitted torch MLP classifier.
    """
    estimator = _estimator_of(teacher, "distill")
    if not isinstance(estimator, TorchMLPClassifier):
        raise InvalidTypeError(
            CLASSIFIER_ONLY_MSG.format(function="distill", type_name=type(estimator).__name__)
        )
    settings = {
        "temperature": _positive(temperature, name="temperature"),
        "alpha": _unit_interval(alpha, name="alpha"),
        "max_epochs": _integer(max_epochs, name="max_epochs", minimum=1),
        "batch_size": _integer(batch_size, name="batch_size", minimum=1),
        "learning_rate": _positive(learning_rate, name="learning_rate"),
    }
    features = teacher[:-1].transform(X) if isinstance(teacher, Pipeline) else X
    features = np.asarray(features, dtype=np.float32)
    soft = estimator.predict_proba(features)
    hard = _encode_labels(np.asarray(y), estimator.classes_, n_rows=features.shape[0])
    student = clone(estimator).set_params(
        hidden_layer_sizes=hidden_layer_sizes,
        max_epochs=settings["max_epochs"],
        batch_size=settings["batch_size"],
        learning_rate=settings["learning_rate"],
        early_stopping=False,
    )
    student._validate_hyperparameters()  # the estimator's own checks and messages
    _fit_student(student, estimator, features, hard, soft, settings, random_state)
    if isinstance(teacher, Pipeline):
        return Pipeline([*copy.deepcopy(teacher.steps[:-1]), (teacher.steps[-1][0], student)])
    return student


def _encode_labels(y: np.ndarray, classes: np.ndarray, *, n_rows: int) -> np.ndarray:
    if len(y) != n_rows:
        raise InvalidValueError(LENGTH_MSG.format(n_x=n_rows, n_y=len(y)))
    unknown = sorted(set(np.unique(y).tolist()) - set(classes.tolist()), key=str)
    if unknown:
        raise InvalidValueError(UNKNOWN_LABELS_MSG.format(labels=unknown, classes=classes.tolist()))
    return np.searchsorted(classes, y).astype(np.int64)


def _fit_student(student, teacher, features, hard, soft, settings, random_state) -> None:
    """Build the student's network, train it by distillation, set its fitted attributes."""
    import torch

    device = torch.device(teacher.device_)
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    n_outputs = 1 if len(teacher.classes_) == 2 else len(teacher.classes_)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        student.module_ = student._new_module(features.shape[1], n_outputs, device)
    soft_targets = _soften(soft, settings["temperature"])
    tensors = [torch.as_tensor(array, device=device) for array in (features, hard, soft_targets)]
    generator = torch.Generator().manual_seed(seed)
    student.loss_curve_ = _distillation_epochs(student, tensors, settings, generator)
    for name in ("classes_", "n_features_in_", "feature_names_in_", "device_"):
        if hasattr(teacher, name):
            setattr(student, name, copy.deepcopy(getattr(teacher, name)))
    student.n_epochs_ = student.best_epoch_ = settings["max_epochs"]
    student.validation_loss_curve_ = []
    student.module_.eval()
    student.efficiency_levers_ = list(getattr(teacher, "efficiency_levers_", [])) + [
        {"lever": "distillation", "teacher_hidden_layer_sizes": tuple(teacher.hidden_layer_sizes)}
        | settings
    ]


def _soften(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` per row, in float32 (p clipped away from 0 for the logarithm)."""
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _class_logits(outputs: Any) -> Any:
    """One logit per class: a binary network's single output z becomes ``[0, z]``."""
    import torch

    if outputs.shape[1] == 1:
        return torch.cat([torch.zeros_like(outputs), outputs], dim=1)
    return outputs


def _distillation_epochs(student, tensors, settings, generator) -> list[float]:
    import torch
    from torch.nn import functional

    features, hard, soft = tensors
    temperature, alpha = settings["temperature"], settings["alpha"]
    optimizer = torch.optim.AdamW(student.module_.parameters(), lr=settings["learning_rate"])
    curve = []
    student.module_.train()
    for _ in range(settings["max_epochs"]):
        order = torch.randperm(features.shape[0], generator=generator).to(features.device)
        total = torch.zeros((), device=features.device)
        for start in range(0, features.shape[0], settings["batch_size"]):
            batch = order[start : start + settings["batch_size"]]
            logits = _class_logits(student.module_(features[batch]))
            soft_loss = functional.kl_div(
                functional.log_softmax(logits / temperature, dim=1),
                soft[batch],
                reduction="batchmean",
            )
            hard_loss = functional.cross_entropy(logits, hard[batch])
            loss = alpha * temperature**2 * soft_loss + (1 - alpha) * hard_loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(batch)
        curve.append(float(total) / features.shape[0])
    return curve
