"""Find the torch MLP inside a model, look at its layers, and copy it for a lever.

:func:`torch_estimator` is the one lookup of the fitted
:class:`~greennb.models.TorchMLPClassifier`/:class:`~greennb.models.TorchMLPRegressor` in a
model (the model itself, or the last step of a Pipeline); :func:`network_of`,
:func:`layer_shapes`, :func:`weight_sparsity` and :func:`model_size_bytes` describe its
network, float or int8. torch is imported inside the functions only.
"""

from __future__ import annotations

import copy
from typing import Any

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from greennb.errors import InvalidTypeError
from greennb.models import TorchMLPClassifier, TorchMLPRegressor

UNSUPPORTED_MODEL_MSG = (
    "{caller} needs a {fitted}TorchMLPClassifier or TorchMLPRegressor, or a Pipeline ending "
    "in one (e.g. make_model('mlp', task=...){after_fit}); got {type_name}."
)
ALREADY_QUANTIZED_MSG = (
    "{function} works on float layers, but this model's layers are already int8-quantized; "
    "apply {function} before quantize_dynamic."
)


def torch_estimator(
    model: Any, *, fitted: bool = True, caller: str = "torch_estimator"
) -> TorchMLPClassifier | TorchMLPRegressor:
    """Return the torch MLP estimator of a model: the model itself, or a Pipeline's last step.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        The model, e.g. as built by ``make_model("mlp", task=...)``.
    fitted : bool, default True
        Require the estimator to be fitted.
    caller : str, default "torch_estimator"
        Name of the function that needs the estimator, shown in the error message.

    Returns
    -------
    TorchMLPClassifier or TorchMLPRegressor
        The estimator (not a copy).

    Raises
    ------
    greennb.errors.InvalidTypeError
        For another kind of model; the message names its type and what is supported.
    sklearn.exceptions.NotFittedError
        With ``fitted=True``, for an estimator that is not fitted.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> torch_estimator(Ridge(), fitted=False, caller="my_lever")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidTypeError: my_lever needs a TorchMLPClassifier or TorchMLPRegressor, \
or a Pipeline ending in one (e.g. make_model('mlp', task=...)); got Ridge.
    """
    estimator = model[-1] if isinstance(model, Pipeline) else model
    if not isinstance(estimator, (TorchMLPClassifier, TorchMLPRegressor)):
        raise InvalidTypeError(
            UNSUPPORTED_MODEL_MSG.format(
                caller=caller,
                fitted="fitted " if fitted else "",
                after_fit=" after fit" if fitted else "",
                type_name=type(estimator).__name__,
            )
        )
    if fitted:
        check_is_fitted(estimator)
    return estimator


def network_of(model: Any) -> Any:
    """Return the layers of a fitted torch MLP (inside a variant wrapper, if any).

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        Fitted, possibly a variant made by a lever of :mod:`greennb.efficiency`.

    Returns
    -------
    torch.nn.Module
        The ``Sequential`` of (float or int8) layers.

    Raises
    ------
    TypeError
        For another kind of model; the message names its type.
    """
    module = torch_estimator(model, caller="network_of").module_
    return getattr(module, "network", module)


def lever_copy(model: Any, function: str) -> tuple[Any, Any]:
    """Return (deep copy of the model, its estimator), with the lever list started."""
    torch_estimator(model, caller=function)
    variant = copy.deepcopy(model)
    estimator = variant[-1] if isinstance(variant, Pipeline) else variant
    estimator.efficiency_levers_ = list(getattr(estimator, "efficiency_levers_", []))
    return variant, estimator


def record_lever(estimator: Any, **lever: Any) -> None:
    """Append what a lever did to the estimator's ``efficiency_levers_``."""
    estimator.efficiency_levers_.append(lever)


def is_quantized_linear(layer: Any) -> bool:
    """Tell whether ``layer`` is a dynamically quantized (int8) ``Linear`` of torch.ao."""
    import torch

    dynamic = getattr(getattr(torch.ao.nn, "quantized", None), "dynamic", None)
    return dynamic is not None and isinstance(layer, dynamic.Linear)


def _linear_layers(network: Any) -> list[Any]:
    """Float ``Linear`` and dynamically quantized ``Linear`` layers, in order."""
    import torch

    return [
        m for m in network.modules() if isinstance(m, torch.nn.Linear) or is_quantized_linear(m)
    ]


def float_linear_layers(network: Any, function: str) -> list[Any]:
    """Return the ``Linear`` layers of a float network; InvalidTypeError if int8-quantized."""
    if any(is_quantized_linear(m) for m in network.modules()):
        raise InvalidTypeError(ALREADY_QUANTIZED_MSG.format(function=function))
    return _linear_layers(network)


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
        bias = layer.bias() if is_quantized_linear(layer) else layer.bias
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
        weight = layer.weight() if is_quantized_linear(layer) else layer.weight
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
        quantized = is_quantized_linear(layer)
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
