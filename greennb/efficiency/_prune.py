"""Pruning the torch MLPs: unstructured (weights set to 0) and structured (units removed).

* :func:`prune_unstructured` — global magnitude pruning (``torch.nn.utils.prune``): the
  smallest ``sparsity`` share of all weights becomes 0. The dense model keeps its size and
  arithmetic on dense hardware: sparsity alone saves no energy there.
* :func:`prune_hidden_units` — structured pruning: whole hidden units with the smallest L2
  weight norm are removed, so that the network really shrinks (fewer parameters, FLOPs, bytes).

torch is imported inside the functions only.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from greennb._validation import fraction
from greennb.efficiency._inspect import float_linear_layers, lever_copy, network_of, record_lever
from greennb.errors import InvalidValueError

NO_HIDDEN_LAYER_MSG = "prune_hidden_units needs at least one hidden layer; this network has none."


def prune_unstructured(model: Any, *, sparsity: float) -> Any:
    """Return a copy with the smallest-magnitude share ``sparsity`` of all weights set to 0.

    Global L1 (magnitude) pruning over every ``Linear`` weight matrix at once with
    ``torch.nn.utils.prune.global_unstructured``, made permanent with ``prune.remove``;
    biases are kept. Exactly ``round(sparsity × n_weights)`` weights become zero. The model
    keeps its dense shape: same bytes and FLOPs on dense hardware (see
    :func:`~greennb.efficiency.weight_sparsity` for what changed).

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
        If ``sparsity`` is outside [0, 1) (TypeError if it is not a number).
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    from torch.nn.utils import prune

    sparsity = fraction(sparsity, name="sparsity", high_open=True, unit="share of the weights")
    variant, estimator = lever_copy(model, "prune_unstructured")
    layers = float_linear_layers(network_of(variant), "prune_unstructured")
    parameters = [(layer, "weight") for layer in layers]
    prune.global_unstructured(parameters, pruning_method=prune.L1Unstructured, amount=sparsity)
    for layer, name in parameters:
        prune.remove(layer, name)
    record_lever(estimator, lever="global_magnitude_pruning", sparsity=sparsity)
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
        If ``fraction`` is outside [0, 1) (TypeError if it is not a number) or the network
        has no hidden layer.
    TypeError
        For a model that is not a fitted torch MLP, or is already quantized.
    """
    share = _share_of_units(fraction)
    variant, estimator = lever_copy(model, "prune_hidden_units")
    network = network_of(variant)
    layers = float_linear_layers(network, "prune_hidden_units")
    if len(layers) < 2:
        raise InvalidValueError(NO_HIDDEN_LAYER_MSG)
    kept_units = [_units_to_keep(layer, share) for layer in layers[:-1]]
    _shrink(network, layers, kept_units)
    widths = tuple(len(kept) for kept in kept_units)
    original = tuple(estimator.hidden_layer_sizes)
    estimator.set_params(hidden_layer_sizes=widths)
    record_lever(estimator, lever="structured_pruning", fraction=share, widths_before=original)
    return variant


def _share_of_units(value: Any) -> float:
    # The parameter is called ``fraction``, which hides the validator of that name.
    return fraction(value, name="fraction", high_open=True, unit="share of each layer's units")


def _units_to_keep(layer: Any, share: float) -> Any:
    """Return the indices of the units that ``ln_structured`` keeps (masking a copy only)."""
    import torch
    from torch.nn.utils import prune

    width = layer.out_features
    scratch = copy.deepcopy(layer)
    prune.ln_structured(scratch, "weight", amount=min(round(share * width), width - 1), n=2, dim=0)
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
