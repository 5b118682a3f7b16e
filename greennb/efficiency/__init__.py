"""Levers on a model: quantization, pruning, distillation, precision."""

from greennb.efficiency._levers import (
    DEFAULT_ALPHA,
    DEFAULT_TEMPERATURE,
    PRECISIONS,
    QUANTIZATION_BACKENDS,
    check_precision,
    distill,
    layer_shapes,
    mixed_precision,
    model_size_bytes,
    network_of,
    precision_training_params,
    prune_hidden_units,
    prune_unstructured,
    quantize_dynamic,
    weight_sparsity,
)
from greennb.efficiency._network import (
    VariantNetwork,
)

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_TEMPERATURE",
    "PRECISIONS",
    "QUANTIZATION_BACKENDS",
    "VariantNetwork",
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
