"""Knowledge distillation (Hinton, Vinyals & Dean 2015): a small student learns from a teacher.

The student is a torch MLP classifier trained by the estimators' own machinery
(:func:`greennb.models.train_epochs`: shuffled mini-batches, AdamW, the epoch callbacks) with
a distillation loss in place of the estimators' label loss. torch is imported inside the
functions only.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from greennb._validation import fraction, integer, positive
from greennb.efficiency._inspect import torch_estimator
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.models import TorchMLPClassifier, as_tensors, make_optimizer, train_epochs

#: Default temperature of the softened probabilities in :func:`distill` (Hinton et al. use 1–20).
DEFAULT_TEMPERATURE = 4.0
#: Default weight of the soft (teacher) loss in :func:`distill`; 1 − alpha weighs the labels.
DEFAULT_ALPHA = 0.7
#: AdamW weight decay of the student: torch's AdamW default, which distill has always used.
STUDENT_WEIGHT_DECAY = 0.01

CLASSIFIER_ONLY_MSG = (
    "{function} needs a classifier (it learns from the teacher's probabilities); got "
    "{type_name}. Supported: TorchMLPClassifier, or a Pipeline ending in one."
)
UNKNOWN_LABELS_MSG = (
    "y has labels the teacher never saw: {labels}; the teacher's classes are {classes}."
)
LENGTH_MSG = "X and y must have the same number of rows; got {n_x} and {n_y}."


def distill(
    teacher: Any,
    X: Any,
    y: Any,
    *,
    hidden_layer_sizes: Sequence[int] = (16,),
    temperature: float = DEFAULT_TEMPERATURE,
    alpha: float = DEFAULT_ALPHA,
    max_epochs: int = 60,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    random_state: int | None = 0,
    callbacks: Sequence[Any] | None = None,
) -> Any:
    """Train a small student MLP on a fitted teacher's softened probabilities and the labels.

    The student minimises (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
    Network")::

        L = alpha · T² · KL(p_teacher^T ‖ p_student^T) + (1 − alpha) · CE(y, p_student)

    where ``p^T = softmax(logits / T)``. The teacher's logits are taken as the logarithm of
    its ``predict_proba`` (equal up to a constant, which softmax ignores); T² keeps the soft
    loss's gradients on the scale of the hard loss. The estimators' ``fit`` takes hard labels
    only, so the student is trained by their epoch loop
    (:func:`greennb.models.train_epochs`) with this loss: ``torch.optim.AdamW`` (weight decay
    :data:`STUDENT_WEIGHT_DECAY`) on shuffled mini-batches for a fixed number of epochs.

    Parameters
    ----------
    teacher : TorchMLPClassifier or Pipeline
        A fitted torch MLP classifier, or a Pipeline ending in one (its preprocessing is
        reused by the student).
    X : array-like or DataFrame of shape (n_samples, n_features)
        Training features, as given to the teacher (raw, for a Pipeline).
    y : array-like of shape (n_samples,)
        Training labels (hard targets), among the teacher's ``classes_``.
    hidden_layer_sizes : sequence of int, default (16,)
        The student's hidden widths.
    temperature : float > 0, default DEFAULT_TEMPERATURE (4.0)
        Softening temperature T.
    alpha : float in [0, 1], default DEFAULT_ALPHA (0.7)
        Weight of the soft loss; ``0`` is plain training on the labels, ``1`` learns from the
        teacher only.
    max_epochs : int >= 1, default 60
        Training epochs (all of them run: no early stopping).
    batch_size : int >= 1, default 128
        Samples per optimisation step.
    learning_rate : float > 0, default 3e-3
        AdamW step size.
    random_state : int or None, default 0
        Seeds the student's initialisation and shuffling.
    callbacks : list of EpochCallback, optional
        Epoch callbacks of the student (see :class:`greennb.models.EpochCallback`); their
        ``logs["train_loss"]`` is the distillation loss. The teacher's own callbacks are not
        carried over.

    Returns
    -------
    same type as ``teacher``
        The fitted student (a Pipeline with a copy of the teacher's fitted preprocessing, or
        an estimator), on the teacher's device, predicting like any torch MLP classifier.
        Its ``efficiency_levers_`` records the distillation settings and ``loss_curve_`` the
        mean loss of each epoch.

    Raises
    ------
    ValueError
        For bad settings (the message names the value), mismatched lengths, labels that
        the teacher never saw, or a loss that became NaN or infinite.
    TypeError
        If the teacher is not a fitted torch MLP classifier, or a setting has a wrong type.
    """
    estimator = torch_estimator(teacher, caller="distill")
    if not isinstance(estimator, TorchMLPClassifier):
        raise InvalidTypeError(
            CLASSIFIER_ONLY_MSG.format(function="distill", type_name=type(estimator).__name__)
        )
    settings = {
        "temperature": positive(temperature, name="temperature"),
        "alpha": fraction(alpha, name="alpha"),
        "max_epochs": integer(max_epochs, name="max_epochs", minimum=1),
        "batch_size": integer(batch_size, name="batch_size", minimum=1),
        "learning_rate": positive(learning_rate, name="learning_rate"),
    }
    features = teacher[:-1].transform(X) if isinstance(teacher, Pipeline) else X
    features = np.asarray(features, dtype=np.float32)
    soft = estimator.predict_proba(features)
    hard = _encode_labels(np.asarray(y), estimator.classes_, n_rows=features.shape[0])
    student = clone(estimator).set_params(
        hidden_layer_sizes=hidden_layer_sizes,
        max_epochs=settings["max_epochs"],
        batch_size=settings["batch_size"],
        learning_rate=settings["learning_rate"],
        early_stopping=False,
        callbacks=callbacks,
    )
    student._validate_hyperparameters()  # the estimator's own checks and messages
    _fit_student(student, estimator, features, hard, soft, settings, random_state)
    if isinstance(teacher, Pipeline):
        return Pipeline([*copy.deepcopy(teacher.steps[:-1]), (teacher.steps[-1][0], student)])
    return student


def _encode_labels(y: np.ndarray, classes: np.ndarray, *, n_rows: int) -> np.ndarray:
    if len(y) != n_rows:
        raise InvalidValueError(LENGTH_MSG.format(n_x=n_rows, n_y=len(y)))
    unknown = sorted(set(np.unique(y).tolist()) - set(classes.tolist()), key=str)
    if unknown:
        raise InvalidValueError(UNKNOWN_LABELS_MSG.format(labels=unknown, classes=classes.tolist()))
    return np.searchsorted(classes, y).astype(np.int64)


def _fit_student(student, teacher, features, hard, soft, settings, random_state) -> None:
    """Build the student's network, train it by distillation, set its fitted attributes."""
    import torch

    device = torch.device(teacher.device_)
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    n_outputs = 1 if len(teacher.classes_) == 2 else len(teacher.classes_)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        student.module_ = student._new_module(features.shape[1], n_outputs, device)
    # Unlike the estimators' fit, the epochs run outside fork_rng: a student with dropout
    # draws its masks from the global torch generator, as distill always did.
    train = as_tensors(device, (features, hard, _soften(soft, settings["temperature"])))
    generator = torch.Generator().manual_seed(seed)
    step = _distillation_step(student, settings)
    for name in ("classes_", "n_features_in_", "feature_names_in_", "device_"):
        if hasattr(teacher, name):
            setattr(student, name, copy.deepcopy(getattr(teacher, name)))
    train_epochs(student, train, step, generator=generator)
    student.efficiency_levers_ = list(getattr(teacher, "efficiency_levers_", [])) + [
        {"lever": "distillation", "teacher_hidden_layer_sizes": tuple(teacher.hidden_layer_sizes)}
        | settings
    ]


def _soften(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` per row, in float32 (p clipped away from 0 for the logarithm)."""
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _class_logits(outputs: Any) -> Any:
    """One logit per class: a binary network's single output z becomes ``[0, z]``."""
    import torch

    if outputs.shape[1] == 1:
        return torch.cat([torch.zeros_like(outputs), outputs], dim=1)
    return outputs


def _distillation_step(student, settings):
    """Return ``step(features, hard, soft) -> loss``: one AdamW update on Hinton's loss."""
    from torch.nn import functional

    temperature, alpha = settings["temperature"], settings["alpha"]
    optimizer = make_optimizer(
        student.module_.parameters(),
        learning_rate=settings["learning_rate"],
        weight_decay=STUDENT_WEIGHT_DECAY,
    )

    def step(features, hard, soft):
        logits = _class_logits(student.module_(features))
        soft_loss = functional.kl_div(
            functional.log_softmax(logits / temperature, dim=1), soft, reduction="batchmean"
        )
        hard_loss = functional.cross_entropy(logits, hard)
        loss = alpha * temperature**2 * soft_loss + (1 - alpha) * hard_loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step
