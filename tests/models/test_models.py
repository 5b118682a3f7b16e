"""Tests for greennb.models and greennb.torch_mlp: estimators, factory, sizes, devices."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from greennb.models._registry import (
    MODEL_NAMES,
    TASKS,
    ParameterCount,
    TorchMLPClassifier,
    TorchMLPRegressor,
    build_mlp,
    count_parameters,
    describe_device,
    estimate_flops,
    list_models,
    make_model,
    make_preprocessor,
    select_device,
)


@pytest.fixture(autouse=True, scope="module")
def single_torch_thread():
    """Run torch single-threaded here: the networks are tiny, and under pytest-xdist
    two workers with two intra-op threads each on two cores slow torch ~10x."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# Small networks and few epochs keep each estimator check fast; a larger step
# size lets the few epochs still reach the accuracy that the checks demand.
CHECK_PARAMS = dict(
    hidden_layer_sizes=(16,),
    learning_rate=0.01,
    batch_size=32,
    max_epochs=20,
    patience=5,
    device="cpu",
    random_state=0,
)

EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch SGD: repeating a row adds optimiser steps and changes the batches, so "
        "integer weights match repeated rows only approximately (tested separately)"
    ),
}


@parametrize_with_checks(
    [TorchMLPClassifier(**CHECK_PARAMS), TorchMLPRegressor(**CHECK_PARAMS)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
    xfail_strict=True,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------
# Small problems
# ---------------------------------------------------------------------------


def separable_problem(n_samples=300, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    return X, y


def linear_problem(n_samples=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4))
    y = X @ np.array([3.0, -2.0, 0.5, 0.0]) + 10.0 + rng.normal(scale=0.1, size=n_samples)
    return X, y


def mixed_frame(n_samples=80, seed=0):
    """Numeric, pandas-3 str, object, category, bool and nullable columns with missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "temperature": rng.normal(20, 5, n_samples),
            "count": pd.array(rng.integers(0, 9, n_samples), dtype="Int64"),
            "station": pd.Series(rng.choice(["north", "south", "west"], n_samples), dtype="str"),
            "weekday": pd.Categorical(rng.choice(["mon", "sat"], n_samples)),
            "holiday": rng.random(n_samples) > 0.8,
            "payor": pd.array(rng.choice(["public", "private"], n_samples), dtype="string"),
        }
    )
    frame.loc[::7, "temperature"] = np.nan
    frame.loc[::5, "station"] = np.nan
    frame.loc[::6, "weekday"] = np.nan
    frame.loc[::9, "count"] = pd.NA
    frame.loc[::4, "payor"] = pd.NA
    return frame


# ---------------------------------------------------------------------------
# Torch estimators
# ---------------------------------------------------------------------------


def test_classifier_learns_separable_problem():
    X, y = separable_problem()
    X_test, y_test = separable_problem(seed=1)
    model = TorchMLPClassifier(learning_rate=0.01, random_state=0).fit(X, y)
    assert model.score(X_test, y_test) > 0.9
    assert model.device_ == str(select_device("auto"))
    assert model.n_features_in_ == 5
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_regressor_learns_linear_problem_in_original_units():
    X, y = linear_problem()
    X_test, y_test = linear_problem(seed=1)
    model = TorchMLPRegressor(learning_rate=0.01, random_state=0).fit(X, y * 1000)
    assert model.score(X_test, y_test * 1000) > 0.9
    assert model.y_mean_ == pytest.approx(np.mean(y * 1000))
    assert model.y_scale_ == pytest.approx(np.std(y * 1000))


def test_same_seed_gives_identical_predictions_and_leaves_global_rng_alone():
    X, y = separable_problem(n_samples=200)
    params = dict(max_epochs=15, dropout=0.2, random_state=7, device="cpu")
    torch.manual_seed(123)
    global_state = torch.random.get_rng_state()
    first = TorchMLPClassifier(**params).fit(X, y).predict_proba(X)
    assert torch.equal(torch.random.get_rng_state(), global_state)
    torch.rand(10)  # a different global state must not change a seeded fit
    second = TorchMLPClassifier(**params).fit(X, y).predict_proba(X)
    other_seed = TorchMLPClassifier(**{**params, "random_state": 8}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other_seed)


def test_zero_sample_weight_acts_like_dropping_rows():
    # Group A: label is x0 > x1. Group B, larger, has the opposite rule, so an
    # unweighted fit follows B. Ignoring B (weight 0) must give the fit on A alone.
    X_a, y_a = separable_problem(n_samples=200, n_features=2, seed=0)
    X_b, y_b = separable_problem(n_samples=300, n_features=2, seed=1)
    X, y = np.vstack([X_a, X_b]), np.concatenate([y_a, 1 - y_b])
    weights = np.r_[np.ones(len(y_a)), np.zeros(len(y_b))]
    params = dict(learning_rate=0.01, max_epochs=40, early_stopping=False, random_state=0)
    dropped = TorchMLPClassifier(**params).fit(X_a, y_a)
    weighted = TorchMLPClassifier(**params).fit(X, y, sample_weight=weights)
    unweighted = TorchMLPClassifier(**params).fit(X, y)
    X_test, y_test = separable_problem(n_samples=500, n_features=2, seed=2)
    assert weighted.score(X_test, y_test) > 0.9
    assert unweighted.score(X_test, y_test) < 0.5
    agreement = np.mean(weighted.predict(X_test) == dropped.predict(X_test))
    assert agreement > 0.95


def test_sample_weight_gives_weighted_mean_like_repeated_rows():
    # Same inputs, target +5 (weight 3) or -5 (weight 1): the weighted squared
    # error is smallest at (3*5 + 1*(-5)) / 4 = 2.5; unweighted at 0.
    rng = np.random.default_rng(0)
    X = np.tile(rng.normal(size=(100, 2)), (2, 1))
    y = np.r_[np.full(100, 5.0), np.full(100, -5.0)]
    weights = np.r_[np.full(100, 3.0), np.ones(100)]
    params = dict(learning_rate=0.01, max_epochs=80, early_stopping=False, random_state=0)
    weighted = TorchMLPRegressor(**params).fit(X, y, sample_weight=weights)
    repeated = TorchMLPRegressor(**params).fit(
        np.r_[X, X[:100], X[:100]], np.r_[y, y[:100], y[:100]]
    )
    unweighted = TorchMLPRegressor(**params).fit(X, y)
    X_test = rng.normal(size=(50, 2))
    assert np.mean(weighted.predict(X_test)) == pytest.approx(2.5, abs=0.25)
    assert np.mean(repeated.predict(X_test)) == pytest.approx(2.5, abs=0.25)
    assert np.mean(unweighted.predict(X_test)) == pytest.approx(0.0, abs=0.25)


def test_early_stopping_stops_after_patience_and_keeps_best_epoch():
    X, y = separable_problem()
    model = TorchMLPClassifier(
        learning_rate=0.05, max_epochs=500, patience=5, tol=1e-3, random_state=0
    ).fit(X, y)
    assert model.n_epochs_ < 500
    assert model.n_epochs_ == model.best_epoch_ + 5
    assert len(model.loss_curve_) == len(model.validation_loss_curve_) == model.n_epochs_
    best = min(model.validation_loss_curve_)
    assert model.validation_loss_curve_[model.best_epoch_ - 1] <= best + 1e-3
    # Same seed, stopped by max_epochs at the best epoch: the same weights, so
    # the first model must have restored its best epoch's weights.
    at_best = clone(model).set_params(max_epochs=model.best_epoch_).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), at_best.predict_proba(X))


def test_without_early_stopping_runs_every_epoch():
    X, y = separable_problem(n_samples=100)
    model = TorchMLPRegressor(max_epochs=7, early_stopping=False, random_state=0).fit(X, y)
    assert model.n_epochs_ == model.best_epoch_ == 7
    assert len(model.loss_curve_) == 7
    assert model.validation_loss_curve_ == []


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_rows_sum_to_one(n_classes):
    X, _ = separable_problem(n_samples=150)
    labels = np.array(["low", "mid", "high"][:n_classes])
    y = labels[np.digitize(X[:, 0], np.linspace(-0.5, 0.5, n_classes - 1))]
    model = TorchMLPClassifier(max_epochs=10, random_state=0).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (150, n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert (proba >= 0).all()
    np.testing.assert_array_equal(model.classes_, np.sort(labels))
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


def test_numeric_dataframe_input_records_feature_names():
    X, y = separable_problem(n_samples=60, n_features=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = TorchMLPRegressor(max_epochs=3, random_state=0).fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c"])
    assert model.predict(frame).shape == (60,)


def test_verbose_shows_progress_bar_only_when_asked(capsys):
    X, y = separable_problem(n_samples=40)
    TorchMLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert capsys.readouterr().err == ""
    TorchMLPClassifier(max_epochs=2, random_state=0, verbose=True).fit(X, y)
    assert "epochs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("params", "error", "names"),
    [
        ({"learning_rate": -0.1}, ValueError, ["learning_rate", "-0.1"]),
        ({"learning_rate": "fast"}, TypeError, ["learning_rate"]),
        ({"max_epochs": 0}, ValueError, ["max_epochs", "0"]),
        ({"batch_size": 2.5}, TypeError, ["batch_size"]),
        ({"dropout": 1.0}, ValueError, ["dropout", "1.0"]),
        ({"validation_fraction": 1.0}, ValueError, ["validation_fraction"]),
        ({"activation": "swish"}, ValueError, ["'swish'", "relu, tanh, logistic, gelu"]),
        ({"amp_dtype": "float8"}, ValueError, ["'float8'", "float16, bfloat16"]),
        ({"hidden_layer_sizes": (64, 0)}, ValueError, ["(64, 0)", "hidden_layer_sizes"]),
        ({"hidden_layer_sizes": 64}, ValueError, ["64", "hidden_layer_sizes"]),
        ({"early_stopping": "yes"}, TypeError, ["early_stopping", "'yes'"]),
        ({"device": "tpu"}, ValueError, ["'tpu'", "auto, cuda, mps, cpu"]),
    ],
)
def test_invalid_hyperparameter_fails_at_fit_naming_it(params, error, names):
    X, y = separable_problem(n_samples=20)
    model = TorchMLPClassifier(**params)  # construction only stores
    with pytest.raises(error) as raised:
        model.fit(X, y)
    for name in names:
        assert name in str(raised.value)


def test_single_class_target_is_a_clear_error():
    X, _ = separable_problem(n_samples=20)
    with pytest.raises(ValueError, match=r"2 classes.*\['yes'\]"):
        TorchMLPClassifier().fit(X, np.array(["yes"] * 20))


def test_divergence_is_a_clear_error():
    X, y = linear_problem(n_samples=100)
    with pytest.raises(ValueError, match=r"diverged.*learning_rate \(got 1000000.0\)"):
        TorchMLPRegressor(learning_rate=1e6, max_epochs=20, random_state=0).fit(X, y)


def test_all_zero_training_weights_are_a_clear_error():
    # Two rows: early stopping holds one out, so exactly one of these weightings
    # leaves the training row with weight 0.
    X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    raised = 0
    for weights in ([0.0, 1.0], [1.0, 0.0]):
        try:
            TorchMLPClassifier(max_epochs=1, random_state=0).fit(X, y, sample_weight=weights)
        except ValueError as error:
            assert "sample_weight 0" in str(error)
            raised += 1
    assert raised == 1


def test_linear_network_without_hidden_layers():
    X, y = separable_problem(n_samples=50)
    model = TorchMLPClassifier(hidden_layer_sizes=(), max_epochs=3, random_state=0).fit(X, y)
    assert count_parameters(model) == ParameterCount(5 + 1, "weights")


def test_importing_models_does_not_import_torch():
    code = "import sys, greennb.models; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------


def test_select_device_cpu_and_auto():
    assert select_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "mps"
    if not torch.cuda.is_available() and not torch.backends.mps.is_available():
        expected = "cpu"
    assert select_device().type == expected
    assert select_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_unavailable_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match=r"'cuda'.*available devices: .*cpu"):
        select_device("cuda")
    X, y = separable_problem(n_samples=20)
    with pytest.raises(ValueError, match=r"'cuda:1'"):
        TorchMLPClassifier(device="cuda:1").fit(X, y)


def test_unknown_device_names_choices():
    with pytest.raises(ValueError, match=r"'tpu'.*auto, cuda, mps, cpu"):
        select_device("tpu")
    with pytest.raises(ValueError, match=r"None"):
        select_device(None)


def test_describe_cpu_device():
    record = describe_device("cpu")
    assert record["type"] == "cpu"
    assert record["count"] == os.cpu_count()
    assert record["torch_version"] == torch.__version__
    assert isinstance(record["name"], str) and record["name"]
    assert set(record) == {"type", "name", "count", "torch_version", "cuda_version"}


def test_amp_is_a_no_op_on_cpu():
    X, y = separable_problem(n_samples=100)
    params = dict(max_epochs=5, device="cpu", random_state=0)
    with_amp = TorchMLPClassifier(amp=True, amp_dtype="bfloat16", **params).fit(X, y)
    without_amp = TorchMLPClassifier(amp=False, **params).fit(X, y)
    np.testing.assert_array_equal(with_amp.predict_proba(X), without_amp.predict_proba(X))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("amp_dtype", ["float16", "bfloat16"])
def test_cuda_mixed_precision_training(amp_dtype):
    X, y = separable_problem()
    X_test, y_test = separable_problem(seed=1)
    model = TorchMLPClassifier(
        device="cuda", amp=True, amp_dtype=amp_dtype, learning_rate=0.01, random_state=0
    ).fit(X, y)
    assert model.device_.startswith("cuda")
    assert next(model.module_.parameters()).dtype == torch.float32  # AMP keeps fp32 weights
    assert model.score(X_test, y_test) > 0.9
    assert describe_device(model.device_)["name"] == torch.cuda.get_device_name(0)


# ---------------------------------------------------------------------------
# Factory and preprocessing
# ---------------------------------------------------------------------------


def test_list_models_by_task():
    assert list_models() == ["logistic", "linear", "hist_gb", "mlp"]
    assert list_models("classification") == ["logistic", "hist_gb", "mlp"]
    assert list_models("regression") == list_models("forecast") == ["linear", "hist_gb", "mlp"]


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_fits_mixed_frame_with_missing_values(name, task):
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


def test_preprocessor_columns_by_dtype():
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


# ---------------------------------------------------------------------------
# Parameters and FLOPs, hand-computed
# ---------------------------------------------------------------------------


def test_mlp_parameters_and_flops_by_hand():
    network = build_mlp(10, 1, hidden_layer_sizes=(64, 32))
    # 10*64+64 + 64*32+32 + 32*1+1
    assert count_parameters(network) == ParameterCount(2817, "weights")
    # (2*10*64+64) + (2*64*32+32) + (2*32*1+1)
    assert estimate_flops(network) == 1344 + 4128 + 65 == 5537


def test_fitted_mlp_in_pipeline_counts_like_its_network():
    X, y = linear_problem(n_samples=50)
    frame = pd.DataFrame(np.c_[X, X[:, :2] * 2, X[:, :4]], columns=list("abcdefghij"))
    pipeline = make_model("mlp", task="regression", max_epochs=2).fit(frame, y)
    assert count_parameters(pipeline).count == 2817
    assert estimate_flops(pipeline, n_features=10) == 5537
    with pytest.raises(ValueError, match=r"n_features=4 .* 10 input features"):
        estimate_flops(pipeline, n_features=4)


def test_three_class_network_flops():
    network = build_mlp(4, 3, hidden_layer_sizes=(8,), dropout=0.5)
    assert count_parameters(network).count == 4 * 8 + 8 + 8 * 3 + 3
    assert estimate_flops(network) == (2 * 4 * 8 + 8) + (2 * 8 * 3 + 3)


def test_flops_of_bias_free_and_unsupported_torch_modules():
    assert estimate_flops(torch.nn.Linear(3, 2, bias=False)) == 2 * 3 * 2
    convolution = torch.nn.Sequential(torch.nn.Conv1d(1, 2, 3), torch.nn.Flatten())
    with pytest.raises(NotImplementedError, match="Sequential"):
        estimate_flops(convolution)
    assert count_parameters(convolution).count == 1 * 2 * 3 + 2


def test_linear_model_parameters_and_flops():
    X, y = separable_problem(n_samples=60, n_features=5)
    binary = LogisticRegression().fit(X, y)
    assert count_parameters(binary) == ParameterCount(6, "weights")
    assert estimate_flops(binary) == 2 * 5 + 1
    three_class = LogisticRegression().fit(X[:, :4], np.digitize(X[:, 0], [-0.5, 0.5]))
    assert count_parameters(three_class).count == 3 * 4 + 3
    assert estimate_flops(three_class) == 3 * (2 * 4 + 1)
    no_intercept = Ridge(fit_intercept=False).fit(X, y)
    assert count_parameters(no_intercept).count == 5
    assert estimate_flops(no_intercept) == 10


def test_hist_gradient_boosting_counts_tree_nodes():
    X, y = separable_problem(n_samples=60)
    stump = HistGradientBoostingClassifier(max_iter=1, max_leaf_nodes=2).fit(X, y)
    assert count_parameters(stump) == ParameterCount(3, "tree_nodes")  # root + 2 leaves
    with pytest.raises(NotImplementedError, match="HistGradientBoostingClassifier"):
        estimate_flops(stump)


def test_unsupported_or_unfitted_models():
    with pytest.raises(TypeError, match="KNeighborsClassifier"):
        count_parameters(KNeighborsClassifier())
    with pytest.raises(NotImplementedError, match="KNeighborsClassifier"):
        estimate_flops(KNeighborsClassifier())
    with pytest.raises(NotFittedError):
        count_parameters(Ridge())
    with pytest.raises(NotFittedError):
        count_parameters(TorchMLPClassifier())


def test_fairlearn_exponentiated_gradient_can_reweight_the_mlp():
    from fairlearn.reductions import DemographicParity, ExponentiatedGradient

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    group = rng.integers(0, 2, 300)
    y = (X[:, 0] + group > 0.5).astype(int)

    def selection_gap(predictions):
        return abs(predictions[group == 0].mean() - predictions[group == 1].mean())

    estimator = TorchMLPClassifier(max_epochs=10, random_state=0)
    unmitigated = selection_gap(estimator.fit(X, y).predict(X))
    mitigator = ExponentiatedGradient(estimator, DemographicParity(), max_iter=5)
    mitigator.fit(X, y, sensitive_features=group)
    assert selection_gap(mitigator.predict(X, random_state=0)) < unmitigated / 2
