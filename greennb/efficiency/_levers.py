"""Transitional alias of the old lever module; delete it once nothing imports it.

The levers now live in ``_inspect``, ``_quantize``, ``_prune``, ``_precision`` and
``_distill`` and are public in :mod:`greennb.efficiency`. Still importing this module (owned by
others, to be switched to ``from greennb.efficiency import ...``): greennb/evaluation/_variant.py
and tests/evaluation/test_variant.py.
"""

from greennb.efficiency._distill import distill
from greennb.efficiency._inspect import (
    layer_shapes,
    model_size_bytes,
    network_of,
    torch_estimator,
    weight_sparsity,
)
from greennb.efficiency._quantize import quantize_dynamic

__all__ = [
    "distill",
    "layer_shapes",
    "model_size_bytes",
    "network_of",
    "quantize_dynamic",
    "weight_sparsity",
]


def _estimator_of(model, function):
    """Old name of :func:`greennb.efficiency.torch_estimator` (``caller=function``)."""
    return torch_estimator(model, caller=function)
