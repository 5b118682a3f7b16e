"""Tests of knowledge distillation."""

import numpy as np
import pytest
import torch

import greennb as gnb
from greennb import efficiency
from greennb.efficiency import _distill as distillation
from greennb.models import EpochCallback, TorchMLPClassifier, TorchMLPRegressor


def test_distilled_student_is_small_and_learns_from_the_teacher(hmda, hmda_model):
    data, split = hmda
    teacher = efficiency.prune_unstructured(hmda_model, sparsity=0.0)  # levers carry over
    student = efficiency.distill(
        teacher, split.X_train, split.y_train, hidden_layer_sizes=(4,), max_epochs=15
    )
    teacher_count = gnb.count_parameters(hmda_model).count
    student_count = gnb.count_parameters(student).count
    assert student_count == 20 * 4 + 4 + 4 + 1 and teacher_count / student_count >= 10
    assert student[-1].hidden_layer_sizes == (4,) and student[-1].max_epochs == 15
    assert student[-1].loss_curve_[-1] < student[-1].loss_curve_[0]
    agreement = np.mean(student.predict(split.X_test) == hmda_model.predict(split.X_test))
    assert agreement > 0.9
    assert set(student.predict(split.X_test)) <= set(hmda_model[-1].classes_)
    levers = student[-1].efficiency_levers_
    assert [lever["lever"] for lever in levers] == ["global_magnitude_pruning", "distillation"]
    assert levers[-1]["temperature"] == efficiency.DEFAULT_TEMPERATURE


def test_distillation_loss_is_hintons(xy):
    # For one batch, the loss the loop minimises equals the formula computed by hand.
    torch.manual_seed(0)
    logits = torch.randn(5, 1)
    soft = torch.softmax(torch.randn(5, 2), dim=1)
    hard = torch.tensor([0, 1, 1, 0, 1])
    two = distillation._class_logits(logits)
    assert torch.equal(two[:, 0], torch.zeros(5))
    t, alpha = 3.0, 0.6
    by_hand = alpha * t**2 * torch.sum(
        soft * (torch.log(soft) - torch.log_softmax(two / t, dim=1))
    ) / 5 + (1 - alpha) * torch.nn.functional.cross_entropy(two, hard)
    soft_loss = torch.nn.functional.kl_div(
        torch.log_softmax(two / t, dim=1), soft, reduction="batchmean"
    )
    loop = alpha * t**2 * soft_loss + (1 - alpha) * torch.nn.functional.cross_entropy(two, hard)
    assert torch.isclose(loop, by_hand)
    probabilities = np.array([[0.9, 0.1], [0.5, 0.5]])
    np.testing.assert_allclose(
        distillation._soften(probabilities, 1.0), probabilities.astype(np.float32)
    )
    softened = distillation._soften(probabilities, 2.0)[0]
    np.testing.assert_allclose(softened, np.array([3, 1]) / 4, rtol=1e-6)  # √0.9 : √0.1 = 3 : 1


def test_distill_bad_input(mlp, xy):
    X, y = xy
    regressor = TorchMLPRegressor(max_epochs=1, device="cpu").fit(X, y.astype(float))
    with pytest.raises(TypeError, match="needs a classifier.*TorchMLPRegressor"):
        efficiency.distill(regressor, X, y)
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        efficiency.distill(mlp, X, y, temperature=0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        efficiency.distill(mlp, X, y, alpha=1.5)
    with pytest.raises(ValueError, match=r"labels the teacher never saw: \[7\]"):
        efficiency.distill(mlp, X, np.where(y == 1, 7, 0))
    with pytest.raises(ValueError, match="same number of rows; got 400 and 3"):
        efficiency.distill(mlp, X, y[:3])
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        efficiency.distill(mlp, X, y, hidden_layer_sizes=(0,))


class Recorder(EpochCallback):
    def __init__(self):
        self.epochs, self.losses = [], []

    def on_epoch_begin(self, estimator, epoch):
        self.epochs.append(epoch)

    def on_epoch_end(self, estimator, epoch, logs):
        self.losses.append(logs["train_loss"])


def test_distill_calls_the_student_callbacks_and_they_change_nothing(mlp, xy):
    X, y = xy
    settings = dict(hidden_layer_sizes=(4,), max_epochs=5, random_state=1)
    recorder = Recorder()
    watched = efficiency.distill(mlp, X, y, callbacks=[recorder], **settings)
    plain = efficiency.distill(mlp, X, y, **settings)
    assert recorder.epochs == [1, 2, 3, 4, 5]
    assert recorder.losses == watched.loss_curve_ == plain.loss_curve_
    np.testing.assert_array_equal(watched.predict_proba(X), plain.predict_proba(X))
    assert watched.callbacks == [recorder] and plain.callbacks is None


def test_distill_does_not_carry_the_teachers_callbacks_over(xy):
    X, y = xy
    recorder = Recorder()
    teacher = TorchMLPClassifier(max_epochs=2, device="cpu", callbacks=[recorder]).fit(X, y)
    student = efficiency.distill(teacher, X, y, max_epochs=3)
    assert recorder.epochs == [1, 2]  # the teacher's fit only
    assert student.callbacks is None and student.n_epochs_ == student.best_epoch_ == 3
    assert student.validation_loss_curve_ == [] and not student.early_stopping


def test_a_diverging_distillation_is_a_clear_error(mlp, xy):
    X, y = xy
    with pytest.raises(ValueError, match=r"diverged.*learning_rate \(got 1e\+30\)"):
        efficiency.distill(mlp, X, y, learning_rate=1e30, max_epochs=3)
