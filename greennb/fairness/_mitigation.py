"""Fairness mitigation with fairlearn, and what the fairness it buys costs in energy.

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

:func:`models_table` and :func:`fairness_cost_table` read the model entries of a
:class:`greennb.record.RunRecord` (the dicts returned by ``add_model``, or ``metrics.json``'s
``"models"``) and tabulate, per mitigation, how the social responsibility index ``R``, the
accuracy and the energy changed: the extra kWh and g CO2e spent per point of ``R`` gained.

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

import contextlib
import inspect
import numbers
import warnings
from collections.abc import Iterable, Mapping
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
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline

from greennb.errors import InvalidValueError
from greennb.fairness._group_metrics import _as_1d, _as_feature_frame, _first_missing

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
UNKNOWN_METHOD_ERROR = "Unknown mitigation method {value!r}; valid methods are: {choices}."
UNKNOWN_CONSTRAINT_ERROR = (
    "Unknown fairness constraint {value!r}; valid constraints are: {choices}."
)
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
PREFIT_CLASSES_ERROR = (
    "The prefit estimator's classes_ {classes} do not contain pos_label {value!r}; fit it on "
    "the same labels as y."
)
LENGTH_ERROR = "{name} has {count} rows but X has {expected}; they must be aligned row by row."
MISSING_VALUES_ERROR = (
    "{name} has {count} missing value(s) (NaN/None), the first at row {row}; fill or drop them "
    "first (fairlearn would otherwise treat NaN as a group or a label)."
)
ONE_LABEL_GROUP_ERROR = (
    "Group(s) {groups} of the sensitive feature have a single label in y, but method {method!r} "
    "with constraint {constraint!r} needs both labels in every group (it trades off error "
    "rates within each group). Merge small groups or leave their rows out; rows per group: "
    "{sizes}."
)
SENSITIVE_AT_PREDICT_ERROR = (
    "method 'threshold_optimizer' applies one threshold per group, so predict needs "
    "sensitive_features (aligned with X)."
)
NO_SUCH_MODEL_ERROR = "No model entry named {value!r}; models in the entries: {choices}."
NO_FAIRNESS_ERROR = (
    "Model {model!r} has no fairness entry {value!r}; its fairness entries: {choices}."
)
NO_QUALITY_ERROR = "Model {model!r} has no quality metric {value!r}; its metrics: {choices}."
BAD_POINT_ERROR = "point must be a number > 0 (a step of R, e.g. 0.01); got {value!r}."
BAD_RANDOM_STATE_ERROR = (
    "random_state must be an int (a seed), so that the randomized predictions reproduce; "
    "got {value!r}."
)
MIXED_FAIRNESS_ERROR = (
    "Model {model!r} reports R for {after!r} but its baseline {baseline!r} for {before!r}; "
    "pass fairness=<label> to compare the same metric."
)


def _check_choice(value: Any, choices: tuple[str, ...], template: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidValueError(template.format(value=value, choices=", ".join(choices)))
    return value


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
    return _SRI_METRICS[_check_choice(constraint, MITIGATION_CONSTRAINTS, UNKNOWN_CONSTRAINT_ERROR)]


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


def _shown(labels: Iterable[Any]) -> list[Any]:
    plain = (label.item() if isinstance(label, np.generic) else label for label in labels)
    return sorted(plain, key=repr)


def _encode_labels(y: np.ndarray, pos_label: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """Return (0/1 labels, classes_ as [negative, positive], pos_label) for fairlearn.

    fairlearn's reductions and postprocessing require labels 0 and 1; string or categorical
    targets (HMDA's ``"yes"``/``"no"``) are encoded here with ``pos_label`` as 1.
    """
    labels = pd.unique(pd.Series(y, dtype=object))
    if len(labels) != 2:
        raise InvalidValueError(
            NOT_BINARY_LABELS_ERROR.format(count=len(labels), labels=_shown(labels))
        )
    if pos_label is None:
        if set(labels) <= {0, 1}:  # also matches False/True
            pos_label = True if any(isinstance(v, (bool, np.bool_)) for v in labels) else 1
        else:
            shown = _shown(labels)
            raise InvalidValueError(POS_LABEL_NEEDED_ERROR.format(labels=shown, example=shown[-1]))
    positive = pd.Series(y, dtype=object) == pos_label
    if not positive.any():
        raise InvalidValueError(
            POS_LABEL_MISSING_ERROR.format(value=pos_label, labels=_shown(labels))
        )
    negative = next(label for label in labels if label != pos_label)
    classes = np.array([negative, pos_label], dtype=object)
    return positive.to_numpy(dtype=int), classes, pos_label


def _as_rows(X: Any) -> Any:
    """Return X with positions as its index (DataFrames), so fairlearn aligns rows by position."""
    return X.reset_index(drop=True) if isinstance(X, pd.DataFrame) else X


def _sensitive_array(sensitive_features: Any, n_rows: int) -> np.ndarray:
    """Return the sensitive feature(s) as a numpy array aligned with X by position."""
    frame = _as_feature_frame(sensitive_features)
    if len(frame) != n_rows:
        raise InvalidValueError(
            LENGTH_ERROR.format(name="sensitive_features", count=len(frame), expected=n_rows)
        )
    for column in frame.columns:
        count, row = _first_missing(frame[column])
        if count:
            name = f"sensitive feature {column!r}"
            raise InvalidValueError(MISSING_VALUES_ERROR.format(name=name, count=count, row=row))
    values = frame.astype(object).to_numpy()
    return values[:, 0] if values.shape[1] == 1 else values


@contextlib.contextmanager
def _quiet_fairlearn():
    """Hide the deprecation warnings that fairlearn's internals raise under pandas 3.

    fairlearn 0.15 enlarges Series with ``.at`` (deprecated in pandas 3); the warnings point
    at fairlearn's code, not the caller's, and there is nothing a user can do about them.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="fairlearn")
        yield


def _check_groups_have_both_labels(
    encoded: np.ndarray, groups: np.ndarray, *, method: str, constraint: str
) -> None:
    """Fail early, with the group named, where fairlearn would fail on a one-label group.

    ThresholdOptimizer builds a ROC-like curve per group and raises "Degenerate labels" for a
    group without positives or negatives; the reductions' TPR/FPR constraints divide by them.
    """
    if method == "exponentiated_gradient" and constraint == "demographic_parity":
        return
    keys = pd.Series([tuple(row) for row in groups] if groups.ndim == 2 else groups, dtype=object)
    labels = pd.crosstab(keys.to_numpy(), encoded)
    if labels.shape[1] == 2:
        labels = labels[(labels == 0).any(axis=1)]
    if len(labels):
        sizes = keys.value_counts().to_dict()
        raise InvalidValueError(
            ONE_LABEL_GROUP_ERROR.format(
                groups=list(labels.index), method=method, constraint=constraint, sizes=sizes
            )
        )


def _sample_weight_name(estimator: Any) -> str:
    """Name under which a (Pipeline) estimator's fit takes sample weights."""
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__sample_weight"
    return "sample_weight"


class _PositiveClassScores(ClassifierMixin, BaseEstimator):
    """A fitted classifier seen through its probability of ``pos_label``.

    fairlearn's ThresholdOptimizer reads the score of class 1 as column 1 of
    ``predict_proba``. A prefit model trained on string labels may list ``pos_label`` first
    (HMDA's classes are ``["no", "yes"]``); this view puts its probability in column 1.
    """

    def __init__(self, estimator: Any = None, pos_label: Any = None) -> None:
        self.estimator = estimator
        self.pos_label = pos_label

    @property
    def classes_(self) -> np.ndarray:
        """The encoded labels seen by fairlearn."""
        return np.array([0, 1])

    def fit(self, X: Any, y: Any) -> _PositiveClassScores:
        """Not used: the wrapped estimator is already fitted (prefit)."""
        raise NotImplementedError("the wrapped estimator is prefit; fit it before wrapping")

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return ``[1 - p, p]`` with ``p`` the wrapped model's probability of ``pos_label``."""
        column = list(self.estimator.classes_).index(self.pos_label)
        positive = np.asarray(self.estimator.predict_proba(X))[:, column]
        return np.column_stack([1.0 - positive, positive])


def _prefit_view(estimator: Any, pos_label: Any) -> _PositiveClassScores:
    classes = [
        c.item() if isinstance(c, np.generic) else c for c in getattr(estimator, "classes_", [])
    ]
    if pos_label not in classes:
        raise InvalidValueError(PREFIT_CLASSES_ERROR.format(classes=classes, value=pos_label))
    return _PositiveClassScores(estimator, pos_label)


class MitigatedClassifier:
    """A fitted fairlearn mitigator that predicts the original labels, reproducibly.

    Returned by :func:`mitigate`; not meant to be built directly.

    Attributes
    ----------
    mitigator_ : ThresholdOptimizer or ExponentiatedGradient
        The fitted fairlearn object, e.g. for
        ``fairlearn.postprocessing.plot_threshold_optimizer``.
    method : str
        ``"threshold_optimizer"`` or ``"exponentiated_gradient"``.
    constraint : str
        The fairness constraint the mitigator enforced on the training data.
    classes_ : ndarray of shape (2,)
        ``[negative label, positive label]`` in the labels of ``y``.
    pos_label : object
        The label encoded as 1 for fairlearn.
    random_state : int
        Seed passed to fairlearn's randomized ``predict``.
    needs_sensitive_features : bool
        Whether :meth:`predict` needs the sensitive features (postprocessing does).
    """

    def __init__(
        self,
        mitigator: Any,
        *,
        method: str,
        constraint: str,
        classes: np.ndarray,
        random_state: int,
    ) -> None:
        self.mitigator_ = mitigator
        self.method = method
        self.constraint = constraint
        self.classes_ = classes
        self.pos_label = classes[1]
        self.random_state = random_state
        self.needs_sensitive_features = method == "threshold_optimizer"

    def __repr__(self) -> str:
        return (
            f"MitigatedClassifier(method={self.method!r}, constraint={self.constraint!r}, "
            f"pos_label={self.pos_label!r}, random_state={self.random_state!r})"
        )

    def predict(
        self, X: Any, *, sensitive_features: Any = None, random_state: int | None = None
    ) -> np.ndarray:
        """Predict labels; the same ``random_state`` gives the same predictions.

        Parameters
        ----------
        X : array-like or pandas.DataFrame of shape (n_samples, n_features)
            Features, as given to :func:`mitigate`.
        sensitive_features : array-like, pandas.Series or pandas.DataFrame, optional
            Group of each row; required for ``threshold_optimizer`` (one threshold per group),
            ignored by ``exponentiated_gradient``.
        random_state : int, optional
            Seed of fairlearn's randomized prediction; default the one given to
            :func:`mitigate`.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_`` (e.g. ``"yes"``/``"no"``).

        Raises
        ------
        ValueError
            If ``threshold_optimizer`` gets no sensitive features, or they are misaligned
            with X or contain NaN.
        """
        seed = self.random_state if random_state is None else random_state
        rows = _as_rows(X)
        options = {"random_state": seed}
        if self.needs_sensitive_features:
            if sensitive_features is None:
                raise InvalidValueError(SENSITIVE_AT_PREDICT_ERROR)
            options["sensitive_features"] = _sensitive_array(sensitive_features, len(rows))
        with _quiet_fairlearn():
            encoded = self.mitigator_.predict(rows, **options)
        return self.classes_[np.asarray(encoded, dtype=int)]


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
        Unknown method, constraint or option (the message lists the valid ones), a
        ``random_state`` that is not an int, ``prefit``
        with ``exponentiated_gradient``, labels that are not binary, a missing ``pos_label``
        for non-0/1 labels or one that is not a label, misaligned inputs, NaN in ``y`` or
        the sensitive features, or a group with a single label where the method needs both
        (postprocessing, and the reductions' TPR/FPR constraints).

    Notes
    -----
    Postprocessing uses the sensitive feature at decision time (explicitly different
    thresholds per group), which some laws forbid (e.g. disparate treatment in US lending);
    reductions use it only during training. Both guarantee the constraint on the training
    data only: check it on held-out data, e.g. with
    :func:`greennb.social_responsibility_index`.
    """
    method = _check_choice(method, MITIGATION_METHODS, UNKNOWN_METHOD_ERROR)
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise InvalidValueError(BAD_RANDOM_STATE_ERROR.format(value=random_state))
    constraint = _check_choice(constraint, MITIGATION_CONSTRAINTS, UNKNOWN_CONSTRAINT_ERROR)
    _check_options(method, options)
    if prefit and method != "threshold_optimizer":
        raise InvalidValueError(PREFIT_METHOD_ERROR.format(method=method))
    rows = _as_rows(X)
    labels = _as_1d(y, name="y")
    if len(labels) != len(rows):
        raise InvalidValueError(
            LENGTH_ERROR.format(name="y", count=len(labels), expected=len(rows))
        )
    count, row = _first_missing(labels)
    if count:
        raise InvalidValueError(MISSING_VALUES_ERROR.format(name="y", count=count, row=row))
    encoded, classes, pos_label = _encode_labels(labels, pos_label)
    groups = _sensitive_array(sensitive_features, len(rows))
    _check_groups_have_both_labels(encoded, groups, method=method, constraint=constraint)
    base = _prefit_view(estimator, pos_label) if prefit else clone(estimator)
    mitigator = _build_mitigator(
        base, method=method, constraint=constraint, prefit=prefit, options=options
    )
    with _quiet_fairlearn():
        mitigator.fit(rows, encoded, sensitive_features=groups)
    return MitigatedClassifier(
        mitigator, method=method, constraint=constraint, classes=classes, random_state=random_state
    )
