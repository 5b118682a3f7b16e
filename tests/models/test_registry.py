"""Tests of the model factory and the shared preprocessing."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_selector

from greennb.data import TASKS, list_datasets, load_dataset
from greennb.errors import GreennbWarning
from greennb.models import (
    MODEL_NAMES,
    TorchMLPRegressor,
    list_models,
    make_model,
    make_preprocessor,
)
from greennb.models._registry import CATEGORICAL_DTYPES, NUMERIC_TEXT_SHARE, _CategoricalColumns


def test_list_models_by_task():
    assert list_models() == ["logistic", "linear", "hist_gb", "mlp"]
    assert list_models("classification") == ["logistic", "hist_gb", "mlp"]
    assert list_models("regression") == list_models("forecast") == ["linear", "hist_gb", "mlp"]


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_fits_mixed_frame_with_missing_values(name, task, mixed_frame):
    if name not in list_models(task):
        pytest.skip(f"{name} does not support {task}")
    frame = mixed_frame()
    rng = np.random.default_rng(1)
    y = frame["temperature"].fillna(20).to_numpy() + rng.normal(size=len(frame))
    if task == "classification":
        y = np.where(y > 20, "high", "low")
    params = {"max_epochs": 3} if name == "mlp" else {}
    model = make_model(name, task=task, **params).fit(frame, y)
    unseen = frame.head(3).assign(station=["east", np.nan, "north"])
    predictions = model.predict(unseen)
    assert predictions.shape == (3,)
    if task == "classification":
        assert set(predictions) <= {"high", "low"}
    else:
        assert np.isfinite(predictions).all()


def test_preprocessor_columns_by_dtype(mixed_frame):
    frame = mixed_frame()
    features = make_preprocessor().fit(frame).get_feature_names_out()
    assert list(features) == [
        "numeric__temperature",
        "numeric__count",
        "categorical__station_north",
        "categorical__station_south",
        "categorical__station_west",
        "categorical__weekday_mon",
        "categorical__weekday_sat",
        "categorical__holiday_False",
        "categorical__holiday_True",
        "categorical__payor_private",
        "categorical__payor_public",
    ]
    transformed = make_preprocessor().fit_transform(frame)
    assert not np.isnan(transformed).any()
    np.testing.assert_allclose(transformed[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(transformed[:, 2:].sum(axis=1), 4.0)  # one hot per column


def test_preprocessor_imputes_median_and_most_frequent():
    frame = pd.DataFrame(
        {
            "x": [1.0, 2.0, 10.0, np.nan],
            "s": pd.Series(["a", "b", "b", np.nan], dtype="str"),
        }
    )
    numeric = make_preprocessor().fit(frame).named_transformers_["numeric"]
    assert numeric.named_steps["impute"].statistics_[0] == 2.0
    out = make_preprocessor().fit_transform(frame)
    np.testing.assert_array_equal(out[3, 1:], [0.0, 1.0])  # NaN imputed as "b"


def test_make_model_pipeline_and_random_state():
    model = make_model("hist_gb", task="regression", random_state=5, max_iter=10)
    assert list(model.named_steps) == ["preprocess", "model"]
    assert model.named_steps["model"].get_params()["random_state"] == 5
    assert model.named_steps["model"].get_params()["max_iter"] == 10
    assert isinstance(make_model("mlp", task="forecast")[-1], TorchMLPRegressor)
    assert make_model("mlp", task="classification")[-1].random_state == 0


def test_unknown_model_names_valid_choices():
    with pytest.raises(ValueError, match=r"'xgboost'.*logistic, linear, hist_gb, mlp"):
        make_model("xgboost", task="classification")


def test_unknown_task_names_valid_choices():
    with pytest.raises(ValueError, match=r"'ranking'.*classification, regression, forecast"):
        make_model("mlp", task="ranking")
    with pytest.raises(ValueError, match=r"'ranking'"):
        list_models("ranking")


def test_task_mismatch_names_model_task_and_choices():
    with pytest.raises(ValueError, match=r"'logistic'.*'regression'.*linear, hist_gb, mlp"):
        make_model("logistic", task="regression")
    with pytest.raises(ValueError, match=r"'linear'.*'classification'.*logistic, hist_gb, mlp"):
        make_model("linear", task="classification")


def test_unknown_estimator_parameter_is_rejected():
    with pytest.raises(ValueError, match=r"max_epoch"):
        make_model("mlp", task="classification", max_epoch=3)


def _numbers_as_text(n_rows=200, seed=0):
    rng = np.random.default_rng(seed)
    amounts = [f"{value:.2f}" for value in rng.normal(100, 10, n_rows)]
    amounts[3] = "n/a"  # one unparsable value: still 99.5 % numbers
    return pd.DataFrame(
        {
            "amount": pd.Series(amounts, dtype="str"),
            "station": pd.Series(rng.choice(["north", "south"], n_rows), dtype=object),
            "flag": pd.Series(rng.choice([True, False], n_rows), dtype=object),
            "zip": pd.Series(rng.choice(["02139", "10001"], n_rows)).astype("category"),
        }
    ), rng.choice([0, 1], n_rows)


def test_a_numeric_column_passed_as_text_warns_naming_it_at_fit_time():
    X, y = _numbers_as_text()
    model = make_model("logistic", task="classification")
    with pytest.warns(GreennbWarning) as caught:
        model.fit(X, y)
    messages = [str(warning.message) for warning in caught if warning.category is GreennbWarning]
    assert len(messages) == 1  # not the object column of words, bools or the category codes
    assert messages[0].startswith("Feature column 'amount' is not numeric (dtype str), but 100%")
    assert "of its 200 non-missing values" in messages[0] and "pandas.to_numeric" in messages[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X)  # the check runs when fitting only


def test_a_text_column_with_few_numbers_does_not_warn_and_columns_are_unchanged():
    X, _ = _numbers_as_text()
    X["amount"] = X["amount"].where(np.arange(len(X)) % 10 != 0, "unknown")  # 90 % numbers
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        selected = _CategoricalColumns()(X)
    assert selected == make_column_selector(dtype_include=list(CATEGORICAL_DTYPES))(X)
    assert NUMERIC_TEXT_SHARE == 0.95


def test_no_shipped_dataset_has_a_numeric_column_as_text():
    for name in list_datasets():
        with warnings.catch_warnings():
            warnings.simplefilter("error", GreennbWarning)
            _CategoricalColumns()(load_dataset(name).X)
