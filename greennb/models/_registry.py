"""Baseline models behind one small interface: :func:`make_model` and :func:`list_models`.

:func:`make_model` returns a scikit-learn ``Pipeline`` of the shared feature
preprocessing (:func:`make_preprocessor`) and one baseline estimator chosen by
name; :func:`list_models` says which names exist for a task. The torch MLPs
(:class:`~greennb.models.TorchMLPClassifier`, :class:`~greennb.models.TorchMLPRegressor`)
train on CUDA, then MPS, then the CPU (:func:`~greennb.models.select_device`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from greennb._validation import one_of
from greennb.data import TASKS
from greennb.errors import GreennbWarning, InvalidValueError
from greennb.models._torch_mlp import TorchMLPClassifier, TorchMLPRegressor

_ESTIMATORS = {
    "logistic": {"classification": lambda: LogisticRegression(max_iter=1000)},
    "linear": {"regression": Ridge, "forecast": Ridge},
    "hist_gb": {
        "classification": HistGradientBoostingClassifier,
        "regression": HistGradientBoostingRegressor,
        "forecast": HistGradientBoostingRegressor,
    },
    "mlp": {
        "classification": TorchMLPClassifier,
        "regression": TorchMLPRegressor,
        "forecast": TorchMLPRegressor,
    },
}

MODEL_NAMES = tuple(_ESTIMATORS)
"""Names accepted by :func:`make_model`."""

TASK_MISMATCH_ERROR = (
    "Model {name!r} does not support task {task!r}; models for {task!r}: {choices}."
)
NUMERIC_DTYPES = ("number",)
"""``select_dtypes`` kinds that the preprocessor imputes (median) and standardizes."""

CATEGORICAL_DTYPES = ("object", "string", "category", "bool")
"""``select_dtypes`` kinds that the preprocessor imputes (most frequent) and one-hot encodes.

``"string"`` selects pandas' ``str``/``string`` dtypes in pandas 2 and 3.
"""

NUMERIC_TEXT_SHARE = 0.95
"""Share of non-missing values (fraction) that parse as numbers above which a text column warns."""

NUMERIC_TEXT_WARNING = (
    "Feature column {column!r} is not numeric (dtype {dtype}), but {share:.0%} of its {count} "
    "non-missing values parse as numbers (e.g. {example!r}); it is one-hot encoded into "
    "{distinct} feature(s), one per distinct value. Convert it with pandas.to_numeric if it "
    "is a quantity, or to dtype 'category' if it is a code (a zip code) to silence this warning."
)


class _CategoricalColumns:
    """Select the categorical columns of a frame at fit time and warn on numbers kept as text.

    A drop-in for ``make_column_selector(dtype_include=CATEGORICAL_DTYPES)``: it returns the
    same columns, and warns (:class:`~greennb.errors.GreennbWarning`) for each ``object`` or
    string column of which at least :data:`NUMERIC_TEXT_SHARE` of the non-missing values
    parse as numbers. ``category`` columns are taken as deliberate codes and never warn.
    """

    def __call__(self, X: pd.DataFrame) -> list[str]:
        columns = make_column_selector(dtype_include=list(CATEGORICAL_DTYPES))(X)
        text = set(make_column_selector(dtype_include=["object", "string"])(X))
        for column in columns:
            if column in text:
                _warn_if_numeric_text(X[column], column)
        return columns


def _warn_if_numeric_text(values: pd.Series, column: str) -> None:
    present = values.dropna().astype(object)
    flags = present.map(lambda value: isinstance(value, bool | np.bool_)).astype(bool)
    if present.empty or flags.all():
        return
    try:
        numeric = pd.to_numeric(present, errors="coerce").notna() & ~flags
    except TypeError:  # values such as lists or dicts: not numbers written as text
        return
    share = float(numeric.mean())
    if share >= NUMERIC_TEXT_SHARE:
        message = NUMERIC_TEXT_WARNING.format(
            column=column,
            dtype=values.dtype,
            share=share,
            count=len(present),
            example=present[numeric].iloc[0],
            distinct=present.nunique(),
        )
        warnings.warn(message, GreennbWarning, stacklevel=2)


def make_preprocessor():
    """Build the shared feature preprocessing for tabular data.

    Columns are chosen by dtype when the pipeline is fitted, so one
    preprocessor works for every dataset:

    * numeric columns → ``SimpleImputer(strategy="median")`` →
      ``StandardScaler``;
    * ``object``, ``str``/``string``, ``category`` and ``bool`` columns →
      missing values (``NaN``, ``None``, ``pd.NA``) unified as ``NaN`` →
      ``SimpleImputer(strategy="most_frequent")`` →
      ``OneHotEncoder(handle_unknown="ignore")`` (categories unseen at fit
      time encode as all zeros). A text column whose values are almost all
      numbers warns at fit time, naming it (see :data:`NUMERIC_TEXT_WARNING`).

    Columns of any other dtype (datetimes, timedeltas) are dropped: derive
    numeric calendar features from them first.

    Returns
    -------
    sklearn.compose.ColumnTransformer
        Unfitted; expects a pandas DataFrame and outputs a dense float array.

    Warns
    -----
    greennb.errors.GreennbWarning
        At fit time, for each ``object``/string column of which at least
        :data:`NUMERIC_TEXT_SHARE` (95 %) of the non-missing values parse as numbers.
    """
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            (
                "missing_as_nan",
                FunctionTransformer(_missing_as_nan, feature_names_out="one-to-one"),
            ),
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("one_hot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include=list(NUMERIC_DTYPES))),
            ("categorical", categorical, _CategoricalColumns()),
        ],
        remainder="drop",
        sparse_threshold=0.0,
    )


def _missing_as_nan(X):
    """Return the categorical columns as objects, with every missing value as ``np.nan``.

    ``SimpleImputer`` recognises only ``np.nan`` in object columns, while pandas'
    nullable ``string``/``boolean`` dtypes mark missing values with ``pd.NA`` and
    object columns may hold ``None``; pandas' ``notna`` knows all of them.
    """
    return X.astype(object).where(X.notna(), np.nan)


def list_models(task=None):
    """List the model names that :func:`make_model` accepts.

    Parameters
    ----------
    task : {"classification", "regression", "forecast"} or None, default=None
        Only the models that support this task; ``None`` lists all.

    Returns
    -------
    list of str
        Model names, in registry order.

    Raises
    ------
    ValueError
        If ``task`` is not one of :data:`TASKS`.

    Examples
    --------
    >>> list_models("regression")
    ['linear', 'hist_gb', 'mlp']
    """
    if task is None:
        return list(MODEL_NAMES)
    one_of(task, TASKS, name="task")
    return [name for name, by_task in _ESTIMATORS.items() if task in by_task]


def make_model(name, *, task, random_state=0, **params):
    """Build a baseline: shared preprocessing followed by the named estimator.

    Parameters
    ----------
    name : {"logistic", "linear", "hist_gb", "mlp"}
        ``"logistic"``: ``LogisticRegression`` (classification);
        ``"linear"``: ``Ridge`` (regression, forecast);
        ``"hist_gb"``: ``HistGradientBoostingClassifier``/``Regressor``;
        ``"mlp"``: :class:`TorchMLPClassifier`/:class:`TorchMLPRegressor`.
    task : {"classification", "regression", "forecast"}
        What the model predicts; ``"forecast"`` builds the regression model.
    random_state : int or None, default=0
        Seed passed to estimators that take one, so runs reproduce.
    **params
        Hyperparameters of the estimator, e.g. ``max_epochs=50`` for
        ``"mlp"`` or ``alpha=10.0`` for ``"linear"``. Unknown names raise
        scikit-learn's ``ValueError`` listing the valid ones.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``"preprocess"`` (:func:`make_preprocessor`) and ``"model"``.

    Raises
    ------
    ValueError
        If ``name`` or ``task`` is unknown, or the model does not support the
        task; the message lists the valid choices.

    Examples
    --------
    >>> make_model("hist_gb", task="classification").named_steps["model"]
    HistGradientBoostingClassifier(random_state=0)
    """
    one_of(name, MODEL_NAMES, name="model")
    one_of(task, TASKS, name="task")
    if task not in _ESTIMATORS[name]:
        raise InvalidValueError(
            TASK_MISMATCH_ERROR.format(name=name, task=task, choices=", ".join(list_models(task)))
        )
    estimator = _ESTIMATORS[name][task]()
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=random_state)
    estimator.set_params(**params)
    return Pipeline([("preprocess", make_preprocessor()), ("model", estimator)])
