"""Model baselines: make_model, devices, the torch MLP estimators and their callbacks, size.

* ``_registry`` — :func:`make_model`, :func:`list_models`, :func:`make_preprocessor`.
* ``_torch_mlp`` — :class:`TorchMLPClassifier`, :class:`TorchMLPRegressor`; ``_torch_base``
  — what they share (hyperparameters and their checks, ``fit``, prediction).
* ``_callbacks`` — :class:`EpochCallback`, the hooks called around each training epoch.
* ``_training`` — the training machinery the estimators (and distillation) share:
  :func:`train_epochs`, :func:`make_optimizer`, :func:`as_tensors`.
* ``_network`` — :func:`build_mlp`; ``_devices`` — :func:`select_device` and friends,
  :func:`seeded_on` (the one seeding of every torch training).
* ``_size`` — :func:`count_parameters`, :func:`estimate_flops`.
* ``_seasonal_naive`` — :class:`SeasonalNaiveForecaster`.
* ``_quality`` — task quality (:func:`task_quality`, :data:`QUALITY_BY_TASK`), the zero-safe
  MAPE and forecast metrics.

``torch`` is imported only when a torch model is built, trained or inspected.
"""

from greennb.models._callbacks import EpochCallback
from greennb.models._devices import (
    DEVICE_CHOICES,
    available_devices,
    describe_device,
    seeded_on,
    select_device,
)
from greennb.models._network import ACTIVATIONS, build_mlp
from greennb.models._quality import (
    QUALITY_BY_TASK,
    forecast_metrics,
    mean_absolute_percentage_error,
    task_quality,
)
from greennb.models._registry import (
    CATEGORICAL_DTYPES,
    MODEL_NAMES,
    NUMERIC_DTYPES,
    list_models,
    make_model,
    make_preprocessor,
)
from greennb.models._seasonal_naive import SeasonalNaiveForecaster
from greennb.models._size import ParameterCount, count_parameters, estimate_flops
from greennb.models._torch_mlp import TorchMLPClassifier, TorchMLPRegressor
from greennb.models._training import AMP_DTYPES, as_tensors, make_optimizer, train_epochs

__all__ = [
    "ACTIVATIONS",
    "AMP_DTYPES",
    "CATEGORICAL_DTYPES",
    "DEVICE_CHOICES",
    "EpochCallback",
    "MODEL_NAMES",
    "NUMERIC_DTYPES",
    "ParameterCount",
    "QUALITY_BY_TASK",
    "SeasonalNaiveForecaster",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
    "as_tensors",
    "available_devices",
    "build_mlp",
    "count_parameters",
    "describe_device",
    "estimate_flops",
    "forecast_metrics",
    "list_models",
    "make_model",
    "make_optimizer",
    "make_preprocessor",
    "mean_absolute_percentage_error",
    "seeded_on",
    "select_device",
    "task_quality",
    "train_epochs",
]
