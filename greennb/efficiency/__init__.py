"""Levers on a model: quantization, pruning, distillation, precision.

Each lever takes a fitted :class:`~greennb.models.TorchMLPClassifier` or
:class:`~greennb.models.TorchMLPRegressor`, or a Pipeline ending in one (as built by
``make_model("mlp", ...)``), and returns a changed **copy** that still predicts through
``predict``/``predict_proba`` on the same raw features; the original is left untouched. Each
copy lists what was done to it in its estimator's ``efficiency_levers_`` attribute.

* ``_inspect`` — :func:`torch_estimator` (the torch MLP inside a model), :func:`network_of`,
  :func:`layer_shapes`, :func:`weight_sparsity`, :func:`model_size_bytes`.
* ``_quantize`` — :func:`quantize_dynamic`: post-training dynamic int8 quantization;
  :func:`available_backends`, :func:`choose_backend` (its ``"auto"``).
* ``_prune`` — :func:`prune_unstructured` (weights set to 0) and :func:`prune_hidden_units`
  (whole units removed, so the network really shrinks).
* ``_precision`` — :func:`check_precision`, :func:`supported_precisions`,
  :func:`mixed_precision` (reduced-precision inference), :func:`choose_precision` (its
  ``"auto"``), :func:`precision_training_params`.
* ``_fastest`` — the ``"auto"`` choices: :func:`inference_batch` (the rows every timing
  predicts on), timing of the options on this machine, :class:`OptionChoice` (what was kept
  and why: faster only beyond the run-to-run noise).
* ``_distill`` — :func:`distill`: a small student learns from the teacher's softened
  probabilities (Hinton, Vinyals & Dean 2015).
* ``_network`` — :class:`VariantNetwork`, the torch module a variant runs (imports torch).

The measurements of each variant (size, FLOPs, latency, energy, accuracy, fairness) are in
:mod:`greennb.evaluation`. torch is imported inside the functions only.
"""

from greennb.efficiency._distill import DEFAULT_ALPHA, DEFAULT_TEMPERATURE, distill
from greennb.efficiency._fastest import OptionChoice, inference_batch
from greennb.efficiency._inspect import (
    layer_shapes,
    model_size_bytes,
    network_of,
    torch_estimator,
    weight_sparsity,
)
from greennb.efficiency._precision import (
    PRECISION_CHOICES,
    PRECISIONS,
    check_precision,
    choose_precision,
    mixed_precision,
    precision_training_params,
    supported_precisions,
)
from greennb.efficiency._prune import prune_hidden_units, prune_unstructured
from greennb.efficiency._quantize import (
    QUANTIZATION_BACKENDS,
    available_backends,
    choose_backend,
    quantize_dynamic,
)


def __getattr__(name):
    # VariantNetwork subclasses torch.nn.Module, so importing it imports torch: load it on
    # first use only, to keep ``import greennb.efficiency`` light.
    if name == "VariantNetwork":
        from greennb.efficiency._network import VariantNetwork

        return VariantNetwork
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_TEMPERATURE",
    "OptionChoice",
    "PRECISIONS",
    "PRECISION_CHOICES",
    "QUANTIZATION_BACKENDS",
    "VariantNetwork",
    "available_backends",
    "check_precision",
    "choose_backend",
    "choose_precision",
    "distill",
    "inference_batch",
    "layer_shapes",
    "mixed_precision",
    "model_size_bytes",
    "network_of",
    "precision_training_params",
    "prune_hidden_units",
    "prune_unstructured",
    "quantize_dynamic",
    "supported_precisions",
    "torch_estimator",
    "weight_sparsity",
]
