"""DP-SGD training of the torch MLP (Opacus): ε accounting, learning, parameters, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from greennb.errors import InvalidTypeError, InvalidValueError, UnsupportedModelError
from greennb.privacy._dp_training import (
    ACCOUNTANTS,
    AMP_ERROR,
    BOTH_NOISE_ERROR,
    EARLY_STOPPING_ERROR,
    MECHANISM,
    MPS_ERROR,
    NO_NOISE_ERROR,
    TASK_ERROR,
    DPMLPClassifier,
    default_delta,
    make_dp_model,
)

FAST = {"device": "cpu", "max_epochs": 2, "batch_size": 50, "random_state": 0}
PRIVACY_KEYS = {
    "epsilon",
    "delta",
    "noise_multiplier",
    "max_grad_norm",
    "accountant",
    "epochs",
    "sample_rate",
    "mechanism",
}


def separable(n=300, seed=0):
    """Two Gaussian blobs, 4 units apart along the first feature."""
    rng = np.random.RandomState(seed)
    y = rng.randint(2, size=n)
    X = rng.normal(size=(n, 3))
    X[:, 0] += 4.0 * y - 2.0
    return X, y


# -- ε accounting --------------------------------------------------------------


@pytest.mark.parametrize("accountant", ACCOUNTANTS)
def test_epsilon_spent_stays_within_the_target(accountant):
    X, y = separable()
    clf = DPMLPClassifier(target_epsilon=3.0, accountant=accountant, **FAST).fit(X, y)
    assert set(clf.privacy_) == PRIVACY_KEYS
    assert clf.privacy_["epsilon"] <= 3.0 + 1e-2
    assert clf.privacy_["noise_multiplier"] > 0
    assert clf.privacy_["delta"] == default_delta(len(X)) == 1e-3
    assert clf.privacy_["accountant"] == accountant
    assert clf.privacy_["mechanism"] == MECHANISM
    assert clf.privacy_["epochs"] == clf.n_epochs_ == 2


def test_epsilon_for_a_given_noise_is_opacus_rdp_by_hand():
    from opacus.accountants import RDPAccountant

    X, y = separable()
    sigma, delta = 1.1, 1e-4
    clf = DPMLPClassifier(target_epsilon=None, noise_multiplier=sigma, delta=delta, **FAST)
    clf.fit(X, y)
    steps_per_epoch = math.ceil(len(X) / FAST["batch_size"])  # 6: Poisson rate q = 1/6
    by_hand = RDPAccountant()
    for _ in range(FAST["max_epochs"] * steps_per_epoch):
        by_hand.step(noise_multiplier=sigma, sample_rate=1 / steps_per_epoch)
    assert clf.privacy_["sample_rate"] == pytest.approx(1 / steps_per_epoch)
    assert clf.privacy_["noise_multiplier"] == sigma
    assert clf.privacy_["delta"] == delta
    assert clf.privacy_["epsilon"] == pytest.approx(by_hand.get_epsilon(delta), rel=1e-12)


def test_zero_noise_reports_infinite_epsilon():
    X, y = separable()
    clf = DPMLPClassifier(target_epsilon=None, noise_multiplier=0.0, **FAST).fit(X, y)
    assert clf.privacy_["epsilon"] == math.inf


def test_default_delta_is_a_power_of_ten_below_one_over_n():
    for n in (1, 9, 10, 999, 1_000, 15_223):
        delta = default_delta(n)
        assert delta < 1 / n
        assert delta * 10 >= 1 / n
        assert math.log10(delta) == round(math.log10(delta))


def test_accountants_are_opacus_registry():
    from opacus.accountants.registry import _ACCOUNTANTS

    assert set(ACCOUNTANTS) == set(_ACCOUNTANTS)


# -- learning --------------------------------------------------------------------


def test_learns_a_separable_task_at_epsilon_8():
    X, y = separable(n=600)
    params = {**FAST, "max_epochs": 3, "hidden_layer_sizes": (16,), "learning_rate": 1e-2}
    clf = DPMLPClassifier(target_epsilon=8.0, **params).fit(X, y)
    X_test, y_test = separable(n=400, seed=1)
    assert clf.score(X_test, y_test) > 0.8


def test_more_noise_gives_lower_accuracy_on_average():
    X, y = separable(n=400)
    X_test, y_test = separable(n=400, seed=1)
    params = {
        **FAST,
        "hidden_layer_sizes": (),
        "learning_rate": 5e-2,
        "batch_size": 20,
        "max_epochs": 3,
        "target_epsilon": None,
    }

    def mean_accuracy(sigma):
        scores = [
            DPMLPClassifier(noise_multiplier=sigma, **{**params, "random_state": seed})
            .fit(X, y)
            .score(X_test, y_test)
            for seed in range(3)
        ]
        return float(np.mean(scores))

    large = DPMLPClassifier(noise_multiplier=0.5, **params).fit(X, y)
    tiny = DPMLPClassifier(noise_multiplier=200.0, **params).fit(X, y)
    assert large.privacy_["epsilon"] > 10 > 0.1 > tiny.privacy_["epsilon"]
    assert mean_accuracy(0.5) >= mean_accuracy(200.0) + 0.1


def test_empty_hidden_layers_is_dp_logistic_regression():
    X, y = separable()
    y = y + (X[:, 1] > 1)  # three classes: softmax over 3 outputs
    clf = DPMLPClassifier(target_epsilon=5.0, hidden_layer_sizes=(), **FAST).fit(X, y)
    layers = list(clf.module_)
    assert len(layers) == 1 and isinstance(layers[0], torch.nn.Linear)
    assert layers[0].out_features == 3
    assert clf.predict_proba(X[:4]).shape == (4, 3)
    assert clf.privacy_["epsilon"] <= 5.0 + 1e-2


def test_empty_poisson_batches_still_train():
    X, y = separable(n=10)
    params = {**FAST, "batch_size": 1, "max_epochs": 3}  # q = 0.1: some batches are empty
    clf = DPMLPClassifier(target_epsilon=None, noise_multiplier=1.0, **params).fit(X, y)
    assert all(math.isfinite(loss) for loss in clf.loss_curve_)


def test_trained_network_is_plain_and_caller_rng_untouched():
    X, y = separable()
    state = torch.get_rng_state()
    clf = DPMLPClassifier(target_epsilon=3.0, **FAST).fit(X, y)
    assert torch.equal(state, torch.get_rng_state())
    assert isinstance(clf.module_, torch.nn.Sequential)
    opacus_attributes = ("grad_sample", "_norm_sample", "summed_grad", "_forward_counter")
    for parameter in clf.module_.parameters():
        assert not any(hasattr(parameter, name) for name in opacus_attributes)
    assert not any(layer._forward_hooks or layer._backward_hooks for layer in clf.module_)
    assert clf.device_ == "cpu" and clf.validation_loss_curve_ == []


def test_same_seed_same_model_other_seed_other_model():
    X, y = separable()

    def proba(seed):
        clf = DPMLPClassifier(target_epsilon=3.0, **{**FAST, "random_state": seed})
        return clf.fit(X, y).predict_proba(X)

    assert np.array_equal(proba(0), proba(0))
    assert not np.array_equal(proba(0), proba(1))


# -- scikit-learn contract ------------------------------------------------------------


def test_clone_round_trips_the_dp_parameters():
    dp = {
        "target_epsilon": None,
        "delta": 1e-6,
        "max_grad_norm": 0.5,
        "noise_multiplier": 1.3,
        "accountant": "prv",
    }
    clf = DPMLPClassifier(**dp, hidden_layer_sizes=())
    copy = clone(clf)
    assert {name: copy.get_params()[name] for name in dp} == dp
    assert copy.get_params() == clf.get_params()
    assert clone(DPMLPClassifier()).get_params()["target_epsilon"] == 1.0


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "fragment"),
    [
        ({"target_epsilon": 0}, InvalidValueError, "target_epsilon must be a finite number > 0"),
        ({"target_epsilon": -1.0}, InvalidValueError, "got -1.0"),
        ({"target_epsilon": math.inf}, InvalidValueError, "got inf"),
        ({"target_epsilon": math.nan}, InvalidValueError, "got nan"),
        ({"target_epsilon": "1"}, InvalidTypeError, "target_epsilon must be a real number"),
        ({"delta": 0.0}, InvalidValueError, "delta must be a number in (0, 1); got 0.0"),
        ({"delta": 1.0}, InvalidValueError, "delta must be a number in (0, 1); got 1.0"),
        ({"max_grad_norm": 0.0}, InvalidValueError, "max_grad_norm must be a finite number > 0"),
        (
            {"target_epsilon": None, "noise_multiplier": -0.5},
            InvalidValueError,
            "noise_multiplier must be a finite number >= 0; got -0.5",
        ),
        ({"accountant": "moments"}, InvalidValueError, "'moments'; valid choices: rdp, prv, gdp"),
        ({"target_epsilon": None}, InvalidValueError, NO_NOISE_ERROR),
        (
            {"noise_multiplier": 1.0},
            InvalidValueError,
            BOTH_NOISE_ERROR.format(epsilon=1.0, sigma=1.0),
        ),
        ({"early_stopping": True}, InvalidValueError, EARLY_STOPPING_ERROR),
        ({"amp": True}, InvalidValueError, AMP_ERROR),
    ],
)
def test_bad_parameters_raise_naming_the_value(params, error, fragment):
    X, y = separable(n=20)
    with pytest.raises(error) as raised:
        DPMLPClassifier(**{**FAST, **params}).fit(X, y)
    assert fragment in str(raised.value)
    assert not hasattr(DPMLPClassifier(**params), "privacy_")


def test_unreachable_epsilon_names_target_and_choices():
    X, y = separable()
    with pytest.raises(InvalidValueError, match=r"target_epsilon=0\.01 cannot be reached") as e:
        DPMLPClassifier(target_epsilon=0.01, **FAST).fit(X, y)
    assert "valid choices: rdp, prv, gdp" in str(e.value)


def test_mps_is_refused_and_auto_falls_back_to_cpu(monkeypatch):
    from greennb.privacy import _dp_training

    monkeypatch.setattr(_dp_training, "select_device", lambda preference: torch.device("mps"))
    with pytest.raises(InvalidValueError) as raised:
        DPMLPClassifier(device="mps")._dp_device()
    assert str(raised.value) == MPS_ERROR.format(device="mps")
    assert "'cpu', 'cuda'" in str(raised.value)
    assert DPMLPClassifier(device="auto")._dp_device() == torch.device("cpu")


class _BatchNormMLP(DPMLPClassifier):
    """A network Opacus refuses: BatchNorm mixes the rows of a batch."""

    def _new_module(self, n_inputs, n_outputs, device):
        return torch.nn.Sequential(
            torch.nn.Linear(n_inputs, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, n_outputs)
        ).to(device)


def test_unsupported_layer_raises_naming_it():
    X, y = separable(n=40)
    with pytest.raises(UnsupportedModelError, match=r"unsupported layer\(s\): 1 \(BatchNorm1d\)"):
        _BatchNormMLP(**FAST).fit(X, y)


# -- make_dp_model ----------------------------------------------------------------------------


def test_make_dp_model_preprocesses_and_trains():
    X, y = separable(n=200)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(site=np.where(X[:, 1] > 0, "x", "y"))
    model = make_dp_model(hidden_layer_sizes=(), target_epsilon=4.0, max_epochs=2, device="cpu")
    assert isinstance(model, Pipeline) and list(model.named_steps) == ["preprocess", "model"]
    assert model.named_steps["model"].random_state == 0
    model.fit(frame, y)
    assert model.named_steps["model"].privacy_["epsilon"] <= 4.0 + 1e-2
    assert model.predict(frame).shape == (200,)


def test_make_dp_model_refuses_other_tasks_and_unknown_parameters():
    with pytest.raises(InvalidValueError) as raised:
        make_dp_model("regression")
    assert str(raised.value) == TASK_ERROR.format(task="regression")
    assert "'regression'" in str(raised.value) and "'classification'" in str(raised.value)
    with pytest.raises(ValueError, match="epsilon_target"):
        make_dp_model(epsilon_target=1.0)
