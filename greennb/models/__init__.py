"""Model baselines: make_model, devices, torch MLP estimators, size and FLOPs, task quality."""

from greennb.models._quality import (
    forecast_metrics,
    mean_absolute_percentage_error,
)
from greennb.models._registry import (
    CATEGORICAL_DTYPES,
    MODEL_NAMES,
    NUMERIC_DTYPES,
    TASKS,
    ParameterCount,
    count_parameters,
    estimate_flops,
    list_models,
    make_model,
    make_preprocessor,
)
from greennb.models._seasonal_naive import (
    LAG_COLUMN_TEMPLATE,
    SeasonalNaiveForecaster,
)
from greennb.models._torch_mlp import (
    ACTIVATIONS,
    AMP_DTYPES,
    DEVICE_CHOICES,
    TorchMLPClassifier,
    TorchMLPRegressor,
    available_devices,
    build_mlp,
    describe_device,
    select_device,
)

__all__ = [
    "ACTIVATIONS",
    "AMP_DTYPES",
    "CATEGORICAL_DTYPES",
    "DEVICE_CHOICES",
    "LAG_COLUMN_TEMPLATE",
    "MODEL_NAMES",
    "NUMERIC_DTYPES",
    "ParameterCount",
    "SeasonalNaiveForecaster",
    "TASKS",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
    "available_devices",
    "build_mlp",
    "count_parameters",
    "describe_device",
    "estimate_flops",
    "forecast_metrics",
    "list_models",
    "make_model",
    "make_preprocessor",
    "mean_absolute_percentage_error",
    "select_device",
]
