"""Fairness mitigation with fairlearn: postprocessing and reductions, reproducibly.

:func:`mitigate` is a thin wrapper over fairlearn's two families of mitigators:

* **postprocessing** (``method="threshold_optimizer"``): fairlearn's ``ThresholdOptimizer``
  keeps a trained model and picks one (randomized) decision threshold per group so that the
  chosen constraint holds on the training data. It is cheap, but it needs the sensitive
  feature *at prediction time*;
* **reductions** (``method="exponentiated_gradient"``): fairlearn's ``ExponentiatedGradient``
  retrains the model many times on reweighted data and returns a randomized mixture of the
  models it trained. It costs several trainings, and needs the sensitive feature only to train.

Both make randomized predictions; the wrapper stores a ``random_state`` and passes it to every
``predict`` so that a notebook reproduces. Labels are encoded for fairlearn (which needs 0/1
labels) and decoded back, so string targets such as HMDA's ``"yes"``/``"no"`` work as they are.

What the fairness costs in energy is tabulated from run records by
:func:`greennb.evaluation.fairness_cost_table`. The fitted result,
:class:`~greennb.fairness.MitigatedClassifier`, lives in
:mod:`~greennb.fairness._mitigated_classifier`.

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> rng = np.random.default_rng(0)
>>> group = rng.choice(["a", "b"], size=400)
>>> X = np.column_stack([rng.normal(size=400), group == "a"])
>>> y = np.where(X[:, 0] + X[:, 1] > 0.5, "yes", "no")
>>> fair = mitigate(LogisticRegression(), X, y, sensitive_features=group, pos_label="yes",
...                 method="threshold_optimizer", random_state=0)
>>> sorted(set(fair.predict(X, sensitive_features=group)))
['no', 'yes']
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
    TruePositiveRateParity,
)
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from greennb._validation import is_integer, one_of
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness._inputs import (
    as_1d,
    check_complete,
    distinct_labels,
    encode_groups,
    shown_labels,
)
from greennb.fairness._mitigated_classifier import (
    LENGTH_ERROR,
    MitigatedClassifier,
    as_rows,
    fairlearn_groups,
    prefit_view,
    quiet_fairlearn,
    sensitive_frame,
)

MITIGATION_METHODS = ("threshold_optimizer", "exponentiated_gradient")
"""Valid ``method`` values of :func:`mitigate`: postprocessing, then reductions."""

MITIGATION_CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")
"""Valid ``constraint`` values of :func:`mitigate` (fairlearn's names)."""

# The social responsibility index metric that measures what each constraint equalizes.
_SRI_METRICS = {
    "demographic_parity": "demographic_parity",
    "equalized_odds": "equalized_odds",
    "true_positive_rate_parity": "equal_opportunity",
}
# fairlearn's reductions take a Moment object per constraint.
_REDUCTION_MOMENTS = {
    "demographic_parity": DemographicParity,
    "equalized_odds": EqualizedOdds,
    "true_positive_rate_parity": TruePositiveRateParity,
}
_MITIGATOR_CLASSES = {
    "threshold_optimizer": ThresholdOptimizer,
    "exponentiated_gradient": ExponentiatedGradient,
}
# Arguments that mitigate() sets itself and that **options may therefore not repeat.
_FIXED_OPTIONS = {
    "threshold_optimizer": {"estimator", "constraints", "prefit", "predict_method"},
    "exponentiated_gradient": {"estimator", "constraints"},
}

# Error messages, kept as templates so that tests can match them.
UNKNOWN_OPTION_ERROR = (
    "Unknown option {value!r} for method {method!r}; valid options are: {choices}."
)
PREFIT_METHOD_ERROR = (
    "prefit=True only works with method='threshold_optimizer' (postprocessing of a trained "
    "model); {method!r} retrains the estimator itself. Valid methods with prefit: "
    "threshold_optimizer."
)
NOT_BINARY_LABELS_ERROR = (
    "Mitigation needs binary labels, but y holds {count} distinct values: {labels}."
)
POS_LABEL_NEEDED_ERROR = (
    "pos_label is needed to encode the labels {labels} as 0/1 for fairlearn; pass the label "
    "that means a positive prediction, e.g. pos_label={example!r}."
)
POS_LABEL_MISSING_ERROR = "pos_label {value!r} is not a label of y; labels seen: {labels}."
ONE_LABEL_GROUP_ERROR = (
    "Group(s) {groups} of the sensitive feature have a single label in y, but method {method!r} "
    "with constraint {constraint!r} needs both labels in every group (it trades off error "
    "rates within each group). Merge small groups or leave their rows out; rows per group: "
    "{sizes}."
)
BAD_RANDOM_STATE_ERROR = (
    "random_state must be an int (a seed), so that the randomized predictions reproduce; "
    "got {value!r}."
)


def sri_metric_for(constraint: str) -> str:
    """Return the SRI metric that measures what a mitigation constraint equalizes.

    Parameters
    ----------
    constraint : {"demographic_parity", "equalized_odds", "true_positive_rate_parity"}
        A constraint of :func:`mitigate`.

    Returns
    -------
    str
        The ``metric`` of :func:`greennb.social_responsibility_index`: selection rates for
        demographic parity, TPR and FPR for equalized odds, TPR (``"equal_opportunity"``) for
        true-positive-rate parity.

    Raises
    ------
    ValueError
        If the constraint is unknown; the message lists the valid ones.

    Examples
    --------
    >>> sri_metric_for("true_positive_rate_parity")
    'equal_opportunity'
    """
    return _SRI_METRICS[one_of(constraint, MITIGATION_CONSTRAINTS, name="fairness constraint")]


def _check_options(method: str, options: Mapping[str, Any]) -> None:
    """Reject options that fairlearn's constructor does not take (or that are set here)."""
    accepted = set(inspect.signature(_MITIGATOR_CLASSES[method]).parameters)
    accepted -= _FIXED_OPTIONS[method]
    for name in options:
        if name not in accepted:
            raise InvalidValueError(
                UNKNOWN_OPTION_ERROR.format(
                    value=name, method=method, choices=", ".join(sorted(accepted))
                )
            )


def _encode_labels(y: np.ndarray, pos_label: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """Return (0/1 labels, classes_ as [negative, positive], pos_label) for fairlearn.

    fairlearn's reductions and postprocessing require labels 0 and 1; string or categorical
    targets (HMDA's ``"yes"``/``"no"``) are encoded here with ``pos_label`` as 1.
    """
    labels = distinct_labels(y)
    if len(labels) != 2:
        raise InvalidValueError(
            NOT_BINARY_LABELS_ERROR.format(count=len(labels), labels=shown_labels(labels))
        )
    if pos_label is None:
        if set(labels) <= {0, 1}:  # also matches False/True
            pos_label = True if any(isinstance(v, (bool, np.bool_)) for v in labels) else 1
        else:
            shown = shown_labels(labels)
            raise InvalidValueError(POS_LABEL_NEEDED_ERROR.format(labels=shown, example=shown[-1]))
    positive = pd.Series(y, dtype=object) == pos_label
    if not positive.any():
        raise InvalidValueError(
            POS_LABEL_MISSING_ERROR.format(value=pos_label, labels=shown_labels(labels))
        )
    negative = next(label for label in labels if label != pos_label)
    classes = np.array([negative, pos_label], dtype=object)
    return positive.to_numpy(dtype=int), classes, pos_label


def _check_groups_have_both_labels(
    encoded: np.ndarray, groups: pd.DataFrame, *, method: str, constraint: str
) -> None:
    """Fail early, with the group named, where fairlearn would fail on a one-label group.

    ThresholdOptimizer builds a ROC-like curve per group and raises "Degenerate labels" for a
    group without positives or negatives; the reductions' TPR/FPR constraints divide by them.
    """
    if method == "exponentiated_gradient" and constraint == "demographic_parity":
        return
    codes, labels, _ = encode_groups(groups)
    sizes = np.bincount(codes, minlength=len(labels))
    positives = np.bincount(codes, weights=encoded, minlength=len(labels))
    present = np.flatnonzero(sizes)
    one_label = [labels[i] for i in present if positives[i] in (0, sizes[i])]
    if one_label:
        rows = {labels[i]: int(sizes[i]) for i in present}
        raise InvalidValueError(
            ONE_LABEL_GROUP_ERROR.format(
                groups=one_label, method=method, constraint=constraint, sizes=rows
            )
        )


def _sample_weight_name(estimator: Any) -> str:
    """Name under which a (Pipeline) estimator's fit takes sample weights."""
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__sample_weight"
    return "sample_weight"


def _build_mitigator(
    estimator: Any, *, method: str, constraint: str, prefit: bool, options: Mapping[str, Any]
) -> Any:
    if method == "threshold_optimizer":
        return ThresholdOptimizer(
            estimator=estimator,
            constraints=constraint,
            prefit=prefit,
            predict_method="predict_proba",
            **options,
        )
    settings = {"sample_weight_name": _sample_weight_name(estimator), **options}
    return ExponentiatedGradient(estimator, _REDUCTION_MOMENTS[constraint](), **settings)


def _training_data(X: Any, y: Any, sensitive_features: Any, pos_label: Any) -> tuple:
    """Return a mitigation's checked inputs, shared by every mitigation.

    The rows, the encoded labels, the classes, the positive label and the sensitive groups'
    frame; the label and length errors are raised here.
    """
    rows = as_rows(X)
    labels = as_1d(y, name="y")
    if len(labels) != len(rows):
        raise InvalidValueError(
            LENGTH_ERROR.format(name="y", count=len(labels), expected=len(rows))
        )
    check_complete(labels, name="y")
    encoded, classes, pos_label = _encode_labels(labels, pos_label)
    return rows, encoded, classes, pos_label, sensitive_frame(sensitive_features, len(rows))


def mitigate(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    sensitive_features: Any,
    method: str = "threshold_optimizer",
    constraint: str = "demographic_parity",
    pos_label: Any = None,
    prefit: bool = False,
    random_state: int = 0,
    **options: Any,
) -> MitigatedClassifier:
    """Train a fairness-mitigated classifier with fairlearn.

    Parameters
    ----------
    estimator : scikit-learn classifier or Pipeline
        The model to mitigate. With ``prefit=False`` it is cloned and trained on ``X, y``
        (by fairlearn); it must have ``predict_proba`` for ``threshold_optimizer`` and accept
        sample weights for ``exponentiated_gradient`` (a Pipeline's last step receives them).
    X : array-like or pandas.DataFrame of shape (n_samples, n_features)
        Training features (a DataFrame goes to the estimator as is).
    y : array-like of shape (n_samples,)
        Binary labels in any form (0/1, bool, ``"yes"``/``"no"``, categorical).
    sensitive_features : array-like, pandas.Series or pandas.DataFrame
        Group of each row (several columns: their combinations). NaN is an error.
    method : {"threshold_optimizer", "exponentiated_gradient"}, default "threshold_optimizer"
        Postprocessing (``fairlearn.postprocessing.ThresholdOptimizer``) or reductions
        (``fairlearn.reductions.ExponentiatedGradient``).
    constraint : {"demographic_parity", "equalized_odds", "true_positive_rate_parity"}, \
default "demographic_parity"
        What to equalize across groups: the selection rate, both the TPR and the FPR, or the
        TPR (equal opportunity).
    pos_label : object, optional
        The label encoded as 1 for fairlearn, e.g. ``"yes"``. Required unless the labels
        are already 0/1 or False/True. Demographic parity treats both labels alike (equal
        rates of one label mean equal rates of the other); the TPR is the rate of this label.
    prefit : bool, default False
        With ``threshold_optimizer`` only: ``estimator`` is already fitted (on labels that
        include ``pos_label``); only the group thresholds are learned, which costs almost
        nothing next to training.
    random_state : int, default 0
        Seed of the randomized predictions of both mitigators, used by every ``predict``
        (fairlearn's ``predict(..., random_state=...)``); an int, so that they reproduce.
    **options
        Further arguments of the fairlearn constructor, e.g. ``objective="balanced_accuracy_score"``
        or ``grid_size`` (ThresholdOptimizer), ``eps`` or ``max_iter`` (ExponentiatedGradient).

    Returns
    -------
    MitigatedClassifier
        The fitted mitigator; its ``predict`` returns labels of ``y``.

    Raises
    ------
    ValueError
        Unknown method, constraint or option (the message lists the valid ones), ``prefit``
        with ``exponentiated_gradient``, labels that are not binary, a missing ``pos_label``
        for non-0/1 labels or one that is not a label, misaligned inputs, NaN in ``y`` or
        the sensitive features, or a group with a single label where the method needs both
        (postprocessing, and the reductions' TPR/FPR constraints).
    TypeError
        A ``random_state`` that is not an int.

    Notes
    -----
    Postprocessing uses the sensitive feature at decision time (explicitly different
    thresholds per group), which some laws forbid (e.g. disparate treatment in US lending);
    reductions use it only during training. Both guarantee the constraint on the training
    data only: check it on held-out data, e.g. with
    :func:`greennb.social_responsibility_index`.
    """
    one_of(method, MITIGATION_METHODS, name="mitigation method")
    if not is_integer(random_state):
        raise InvalidTypeError(BAD_RANDOM_STATE_ERROR.format(value=random_state))
    one_of(constraint, MITIGATION_CONSTRAINTS, name="fairness constraint")
    _check_options(method, options)
    if prefit and method != "threshold_optimizer":
        raise InvalidValueError(PREFIT_METHOD_ERROR.format(method=method))
    rows, encoded, classes, pos_label, frame = _training_data(X, y, sensitive_features, pos_label)
    _check_groups_have_both_labels(encoded, frame, method=method, constraint=constraint)
    base = prefit_view(estimator, pos_label) if prefit else clone(estimator)
    mitigator = _build_mitigator(
        base, method=method, constraint=constraint, prefit=prefit, options=options
    )
    with quiet_fairlearn():
        mitigator.fit(rows, encoded, sensitive_features=fairlearn_groups(frame))
    return MitigatedClassifier(
        mitigator, method=method, constraint=constraint, classes=classes, random_state=random_state
    )
