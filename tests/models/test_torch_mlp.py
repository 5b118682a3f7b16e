"""Tests of the torch MLP estimators: scikit-learn conformance, training, weights, errors."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from greennb.models import (
    ParameterCount,
    TorchMLPClassifier,
    TorchMLPRegressor,
    count_parameters,
    describe_device,
    select_device,
)

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


def test_classifier_learns_separable_problem(separable_problem):
    X, y = separable_problem()
    X_test, y_test = separable_problem(seed=1)
    model = TorchMLPClassifier(learning_rate=0.01, random_state=0).fit(X, y)
    assert model.score(X_test, y_test) > 0.9
    assert model.device_ == str(select_device("auto"))
    assert model.n_features_in_ == 5
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_regressor_learns_linear_problem_in_original_units(linear_problem):
    X, y = linear_problem()
    X_test, y_test = linear_problem(seed=1)
    model = TorchMLPRegressor(learning_rate=0.01, random_state=0).fit(X, y * 1000)
    assert model.score(X_test, y_test * 1000) > 0.9
    assert model.y_mean_ == pytest.approx(np.mean(y * 1000))
    assert model.y_scale_ == pytest.approx(np.std(y * 1000))


def test_same_seed_gives_identical_predictions_and_leaves_global_rng_alone(separable_problem):
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


def test_zero_sample_weight_acts_like_dropping_rows(separable_problem):
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


def test_early_stopping_stops_after_patience_and_keeps_best_epoch(separable_problem):
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


def test_without_early_stopping_runs_every_epoch(separable_problem):
    X, y = separable_problem(n_samples=100)
    model = TorchMLPRegressor(max_epochs=7, early_stopping=False, random_state=0).fit(X, y)
    assert model.n_epochs_ == model.best_epoch_ == 7
    assert len(model.loss_curve_) == 7
    assert model.validation_loss_curve_ == []


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_rows_sum_to_one(n_classes, separable_problem):
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


def test_numeric_dataframe_input_records_feature_names(separable_problem):
    X, y = separable_problem(n_samples=60, n_features=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = TorchMLPRegressor(max_epochs=3, random_state=0).fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c"])
    assert model.predict(frame).shape == (60,)


def test_verbose_shows_progress_bar_only_when_asked(capsys, separable_problem):
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
def test_invalid_hyperparameter_fails_at_fit_naming_it(params, error, names, separable_problem):
    X, y = separable_problem(n_samples=20)
    model = TorchMLPClassifier(**params)  # construction only stores
    with pytest.raises(error) as raised:
        model.fit(X, y)
    for name in names:
        assert name in str(raised.value)


def test_single_class_target_is_a_clear_error(separable_problem):
    X, _ = separable_problem(n_samples=20)
    with pytest.raises(ValueError, match=r"2 classes.*\['yes'\]"):
        TorchMLPClassifier().fit(X, np.array(["yes"] * 20))


def test_divergence_is_a_clear_error(linear_problem):
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


def test_linear_network_without_hidden_layers(separable_problem):
    X, y = separable_problem(n_samples=50)
    model = TorchMLPClassifier(hidden_layer_sizes=(), max_epochs=3, random_state=0).fit(X, y)
    assert count_parameters(model) == ParameterCount(5 + 1, "weights")


def test_amp_is_a_no_op_on_cpu(separable_problem):
    X, y = separable_problem(n_samples=100)
    params = dict(max_epochs=5, device="cpu", random_state=0)
    with_amp = TorchMLPClassifier(amp=True, amp_dtype="bfloat16", **params).fit(X, y)
    without_amp = TorchMLPClassifier(amp=False, **params).fit(X, y)
    np.testing.assert_array_equal(with_amp.predict_proba(X), without_amp.predict_proba(X))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("amp_dtype", ["float16", "bfloat16"])
def test_cuda_mixed_precision_training(amp_dtype, separable_problem):
    X, y = separable_problem()
    X_test, y_test = separable_problem(seed=1)
    model = TorchMLPClassifier(
        device="cuda", amp=True, amp_dtype=amp_dtype, learning_rate=0.01, random_state=0
    ).fit(X, y)
    assert model.device_.startswith("cuda")
    assert next(model.module_.parameters()).dtype == torch.float32  # AMP keeps fp32 weights
    assert model.score(X_test, y_test) > 0.9
    assert describe_device(model.device_)["name"] == torch.cuda.get_device_name(0)


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


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"weight_decay": float("nan")}, ValueError, "weight_decay must be a finite number >= 0"),
        ({"tol": -1}, ValueError, "tol must be a finite number >= 0; got -1."),
        ({"patience": 0}, ValueError, "patience must be an integer >= 1; got 0."),
        (
            {"validation_fraction": 0},
            ValueError,
            r"validation_fraction must be a number in \(0, 1\)",
        ),
        ({"amp": 1}, TypeError, "amp must be True or False; got 1."),
        ({"max_epochs": True}, TypeError, "max_epochs must be an integer; got True of type bool."),
    ],
)
def test_hyperparameter_messages_come_from_the_shared_checks(
    separable_problem, params, error, message
):
    X, y = separable_problem(n_samples=20)
    with pytest.raises(error, match=message):
        TorchMLPClassifier(**params).fit(X, y)
