"""Tests of the epoch callbacks of the torch MLPs."""

import math

import numpy as np
import pytest
import torch
from sklearn.base import clone

from greennb.models import EpochCallback, TorchMLPClassifier, TorchMLPRegressor, make_model
from greennb.models._callbacks import NOT_A_LIST_ERROR


class Recorder(EpochCallback):
    """Records every call, with the estimator's state at that moment."""

    def __init__(self):
        self.calls = []

    def on_epoch_begin(self, estimator, epoch):
        self.calls.append(("begin", epoch, len(estimator.loss_curve_)))

    def on_epoch_end(self, estimator, epoch, logs):
        self.calls.append(("end", epoch, dict(logs)))


def weights(model):
    return {name: tensor.clone() for name, tensor in model.module_.state_dict().items()}


@pytest.mark.parametrize("early_stopping", [False, True])
def test_callbacks_run_once_per_epoch_in_order_with_finite_losses(
    separable_problem, early_stopping
):
    X, y = separable_problem(n_samples=120)
    first, second = Recorder(), Recorder()
    model = TorchMLPClassifier(
        max_epochs=6,
        early_stopping=early_stopping,
        device="cpu",
        random_state=0,
        callbacks=[first, second],
    ).fit(X, y)
    assert first.calls == second.calls
    begins = [call for call in first.calls if call[0] == "begin"]
    ends = [call for call in first.calls if call[0] == "end"]
    assert [epoch for _, epoch, _ in begins] == list(range(1, model.n_epochs_ + 1))
    assert [epoch for _, epoch, _ in ends] == list(range(1, model.n_epochs_ + 1))
    assert first.calls[::2] == begins and first.calls[1::2] == ends  # begin, end, begin, ...
    assert [seen for _, _, seen in begins] == list(range(model.n_epochs_))  # before the epoch
    logs = [logs for _, _, logs in ends]
    assert [entry["train_loss"] for entry in logs] == model.loss_curve_
    assert all(math.isfinite(value) for entry in logs for value in entry.values())
    if early_stopping:
        assert [entry["val_loss"] for entry in logs] == model.validation_loss_curve_
    else:
        assert all(set(entry) == {"train_loss"} for entry in logs)


def test_callbacks_see_the_epoch_that_stops_early(separable_problem):
    X, y = separable_problem()
    recorder = Recorder()
    model = TorchMLPClassifier(
        learning_rate=0.05,
        max_epochs=500,
        patience=3,
        tol=1e-3,
        random_state=0,
        device="cpu",
        callbacks=[recorder],
    ).fit(X, y)
    assert model.n_epochs_ < 500
    assert recorder.calls[-1][:2] == ("end", model.n_epochs_)


@pytest.mark.parametrize("estimator", [TorchMLPClassifier, TorchMLPRegressor])
def test_a_no_op_callback_leaves_training_bit_identical(separable_problem, estimator):
    X, y = separable_problem(n_samples=150)
    params = dict(max_epochs=8, dropout=0.2, patience=2, device="cpu", random_state=3)
    plain = estimator(**params).fit(X, y)
    watched = estimator(**params, callbacks=[EpochCallback(), Recorder()]).fit(X, y)
    for name, tensor in weights(plain).items():
        assert torch.equal(tensor, weights(watched)[name]), name
    assert plain.loss_curve_ == watched.loss_curve_
    assert plain.validation_loss_curve_ == watched.validation_loss_curve_
    predict = "predict_proba" if hasattr(plain, "predict_proba") else "predict"
    np.testing.assert_array_equal(getattr(plain, predict)(X), getattr(watched, predict)(X))


def test_clone_keeps_the_callbacks_and_make_model_passes_them():
    recorder = Recorder()
    model = TorchMLPClassifier(callbacks=[recorder])
    copy = clone(model)
    assert len(copy.callbacks) == 1 and isinstance(copy.callbacks[0], Recorder)
    assert copy.get_params()["callbacks"][0].calls == []
    pipeline = make_model("mlp", task="classification", callbacks=[recorder])
    assert pipeline[-1].callbacks == [recorder]
    assert "callbacks=[Recorder()]" in repr(model)


def test_callbacks_from_a_tuple_are_accepted(separable_problem):
    X, y = separable_problem(n_samples=40)
    recorder = Recorder()
    TorchMLPClassifier(max_epochs=2, device="cpu", callbacks=(recorder,)).fit(X, y)
    assert len(recorder.calls) == 4


class OnlyEnd:
    def on_epoch_end(self, estimator, epoch, logs):
        pass


@pytest.mark.parametrize(
    ("callbacks", "message"),
    [
        (Recorder(), NOT_A_LIST_ERROR.format(value=Recorder(), type_name="Recorder")),
        ("print", NOT_A_LIST_ERROR.format(value="print", type_name="str")),
    ],
)
def test_a_bad_callbacks_value_is_a_clear_type_error(separable_problem, callbacks, message):
    X, y = separable_problem(n_samples=20)
    model = TorchMLPClassifier(max_epochs=1, callbacks=callbacks)  # construction only stores
    with pytest.raises(TypeError) as raised:
        model.fit(X, y)
    assert str(raised.value).startswith(message)


def test_a_callback_without_on_epoch_begin_names_the_missing_method(separable_problem):
    X, y = separable_problem(n_samples=20)
    with pytest.raises(TypeError, match=r"callbacks\[1\] .* has no on_epoch_begin\(\.\.\.\)"):
        TorchMLPClassifier(max_epochs=1, callbacks=[EpochCallback(), OnlyEnd()]).fit(X, y)
