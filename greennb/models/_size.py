"""What a model costs to hold and to run: its parameters and the FLOPs of one prediction.

:func:`count_parameters` and :func:`estimate_flops` give the model size and the arithmetic
cost of one prediction, which the energy lessons put next to measured kWh.

Inspecting a scikit-learn model never imports ``torch``: a torch module can only exist once
torch is imported, so the check for one looks in ``sys.modules``.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from greennb.errors import InvalidTypeError, InvalidValueError, UnsupportedModelError
from greennb.models._torch_mlp import TorchMLPClassifier, TorchMLPRegressor

UNSUPPORTED_COUNT_ERROR = (
    "Cannot count the parameters of a {type_name}; supported: torch.nn.Module, "
    "TorchMLPClassifier/TorchMLPRegressor, linear models with coef_ (e.g. LogisticRegression, "
    "Ridge), HistGradientBoosting*, or a Pipeline ending in one of these."
)
UNSUPPORTED_FLOPS_ERROR = (
    "FLOPs are not defined here for a {type_name}; supported: torch MLPs (Linear layers) and "
    "linear models with coef_. Tree ensembles such as HistGradientBoosting compare features "
    "against thresholds rather than multiply-add; use count_parameters (tree nodes) instead."
)
N_FEATURES_MISMATCH_ERROR = (
    "n_features={n_features} does not match the {n_model} input features that the model "
    "was built with (after preprocessing, for a Pipeline)."
)


class ParameterCount(NamedTuple):
    """Size of a model: how many learned numbers, and what they are.

    Attributes
    ----------
    count : int
        The number of parameters (or of tree nodes, see ``unit``).
    unit : str
        ``"weights"`` for neural networks and linear models (weights and
        biases), ``"tree_nodes"`` for tree ensembles, whose size is the number
        of split and leaf nodes, not a count of trainable weights.
    """

    count: int
    unit: str


def count_parameters(model):
    """Count the learned parameters of a model.

    Parameters
    ----------
    model : torch.nn.Module, fitted estimator or Pipeline
        A torch module; a fitted :class:`TorchMLPClassifier`/
        :class:`TorchMLPRegressor`; a fitted linear model with ``coef_``
        (``coef_`` plus ``intercept_`` entries); a fitted
        HistGradientBoosting model (its tree nodes); or a Pipeline whose last
        step is one of these (only that step is counted, not the
        preprocessing statistics).

    Returns
    -------
    ParameterCount
        ``(count, unit)`` with unit ``"weights"`` or ``"tree_nodes"``.

    Raises
    ------
    TypeError
        For a model of another type; the message names the type.
    sklearn.exceptions.NotFittedError
        For an unfitted estimator.

    Examples
    --------
    >>> from greennb.models import build_mlp
    >>> count_parameters(build_mlp(10, 1, hidden_layer_sizes=(64, 32)))
    ParameterCount(count=2817, unit='weights')
    """
    model = _final_estimator(model)
    module = _torch_module(model)
    if module is not None:
        return ParameterCount(sum(p.numel() for p in module.parameters()), "weights")
    if isinstance(model, (HistGradientBoostingClassifier, HistGradientBoostingRegressor)):
        check_is_fitted(model)
        # scikit-learn exposes no public tree structure for these models; the
        # fitted trees live in the private ``_predictors`` (one list per iteration).
        nodes = sum(len(tree.nodes) for trees in model._predictors for tree in trees)
        return ParameterCount(nodes, "tree_nodes")
    if hasattr(model, "coef_") or _looks_linear(model):
        check_is_fitted(model)
        return ParameterCount(int(np.size(model.coef_) + _n_intercepts(model)), "weights")
    raise InvalidTypeError(UNSUPPORTED_COUNT_ERROR.format(type_name=type(model).__name__))


def estimate_flops(model, n_features=None):
    """Estimate the floating-point operations of one prediction for one sample.

    Counting convention (the usual one for dense networks): a dense layer
    with ``in`` inputs and ``out`` outputs costs ``2·in·out`` FLOPs for its
    multiply-adds plus ``out`` for the bias. Activations, dropout (off at
    inference), the final sigmoid/softmax and the preprocessing are not
    counted: they are element-wise and small next to the matrix products.
    A linear model is one dense layer: ``2·n_features + 1`` per output.
    This is an estimate of arithmetic, not of time or energy.

    Parameters
    ----------
    model : torch.nn.Module, fitted estimator or Pipeline
        A torch module whose parameters all sit in ``Linear`` layers, a
        fitted torch MLP estimator, a fitted linear model with ``coef_``, or a
        Pipeline ending in one (only its final estimator is counted).
    n_features : int, optional
        Input width of the final estimator (after preprocessing). It is read
        from the model; when given, it must match it, as a guard against
        passing the width of the raw table.

    Returns
    -------
    int
        FLOPs per sample for one forward pass.

    Raises
    ------
    NotImplementedError
        For models without dense layers (e.g. HistGradientBoosting); the
        message names the type.
    ValueError
        If ``n_features`` disagrees with the model.

    Examples
    --------
    >>> from greennb.models import build_mlp
    >>> estimate_flops(build_mlp(10, 1, hidden_layer_sizes=(64, 32)))
    5537
    """
    model = _final_estimator(model)
    module = _torch_module(model)
    if module is not None:
        layers = _dense_layers(module)
        n_model = layers[0][0]
        flops = sum(2 * n_in * n_out + (n_out if bias else 0) for n_in, n_out, bias in layers)
    elif hasattr(model, "coef_") or _looks_linear(model):
        check_is_fitted(model)
        coef = np.atleast_2d(model.coef_)
        n_model = coef.shape[1]
        flops = 2 * coef.size + _n_intercepts(model)
    else:
        raise UnsupportedModelError(UNSUPPORTED_FLOPS_ERROR.format(type_name=type(model).__name__))
    if n_features is not None and n_features != n_model:
        raise InvalidValueError(
            N_FEATURES_MISMATCH_ERROR.format(n_features=n_features, n_model=n_model)
        )
    return int(flops)


def _final_estimator(model):
    return model[-1] if isinstance(model, Pipeline) else model


def _torch_module(model):
    """Return the torch module of a module or a torch MLP estimator, else None."""
    if isinstance(model, (TorchMLPClassifier, TorchMLPRegressor)):
        check_is_fitted(model)
        return model.module_
    # A torch module can only exist once torch is imported: checking sys.modules
    # avoids importing torch just to inspect a scikit-learn model.
    torch = sys.modules.get("torch")
    return model if torch is not None and isinstance(model, torch.nn.Module) else None


def _dense_layers(module):
    """Return (in_features, out_features, has_bias) of every ``torch.nn.Linear`` in ``module``.

    Raises NotImplementedError when the module has no ``Linear`` layer or holds
    parameters outside them (e.g. convolutions), which this estimate does not cover.
    """
    import torch

    linear = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    linear_parameters = sum(p.numel() for m in linear for p in m.parameters())
    if not linear or linear_parameters != sum(p.numel() for p in module.parameters()):
        raise UnsupportedModelError(UNSUPPORTED_FLOPS_ERROR.format(type_name=type(module).__name__))
    return [(m.in_features, m.out_features, m.bias is not None) for m in linear]


def _looks_linear(model):
    """Tell whether a model is a scikit-learn linear model, fitted or not.

    Unfitted ones have no ``coef_`` yet; recognising them lets ``check_is_fitted``
    say "not fitted" instead of "unsupported type".
    """
    return type(model).__module__.startswith("sklearn.linear_model")


def _n_intercepts(model):
    if not getattr(model, "fit_intercept", True):
        return 0
    return int(np.size(getattr(model, "intercept_", 0)))
