"""The mitigated classifier that :func:`~greennb.fairness.mitigate` returns, and its helpers.

:class:`MitigatedClassifier` wraps a fitted fairlearn mitigator so that it predicts the
original labels (``"yes"``/``"no"``) with a fixed ``random_state``; :class:`PositiveClassScores`
lets ``ThresholdOptimizer`` postprocess a model that was fitted before (``prefit=True``).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from greennb.errors import InvalidValueError
from greennb.fairness._inputs import as_feature_frame, check_sensitive_complete, plain

# Error messages, kept as templates so that tests can match them.
LENGTH_ERROR = "{name} has {count} rows but X has {expected}; they must be aligned row by row."
SENSITIVE_AT_PREDICT_ERROR = (
    "method 'threshold_optimizer' applies one threshold per group, so predict needs "
    "sensitive_features (aligned with X)."
)
PREFIT_CLASSES_ERROR = (
    "The prefit estimator's classes_ {classes} do not contain pos_label {value!r}; fit it on "
    "the same labels as y."
)


def as_rows(X: Any) -> Any:
    """Return X with positions as its index (DataFrames), so fairlearn aligns rows by position."""
    return X.reset_index(drop=True) if isinstance(X, pd.DataFrame) else X


def sensitive_frame(sensitive_features: Any, n_rows: int) -> pd.DataFrame:
    """Return the sensitive features as a DataFrame, checked to align with X and be complete."""
    frame = as_feature_frame(sensitive_features)
    if len(frame) != n_rows:
        raise InvalidValueError(
            LENGTH_ERROR.format(name="sensitive_features", count=len(frame), expected=n_rows)
        )
    check_sensitive_complete(frame)
    return frame


def fairlearn_groups(frame: pd.DataFrame) -> np.ndarray:
    """Return checked sensitive features as fairlearn takes them: 1-D for one column."""
    values = frame.astype(object).to_numpy()
    return values[:, 0] if values.shape[1] == 1 else values


def sensitive_array(sensitive_features: Any, n_rows: int) -> np.ndarray:
    """Return the sensitive feature(s) as a numpy array aligned with X by position."""
    return fairlearn_groups(sensitive_frame(sensitive_features, n_rows))


@contextlib.contextmanager
def quiet_fairlearn() -> Iterator[None]:
    """Hide the deprecation warnings that fairlearn's internals raise under pandas 3.

    fairlearn 0.15 enlarges Series with ``.at`` (deprecated in pandas 3); the warnings point
    at fairlearn's code, not the caller's, and there is nothing a user can do about them.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="fairlearn")
        yield


class PositiveClassScores(ClassifierMixin, BaseEstimator):
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

    def fit(self, X: Any, y: Any) -> PositiveClassScores:
        """Not used: the wrapped estimator is already fitted (prefit)."""
        raise NotImplementedError("the wrapped estimator is prefit; fit it before wrapping")

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return ``[1 - p, p]`` with ``p`` the wrapped model's probability of ``pos_label``."""
        column = list(self.estimator.classes_).index(self.pos_label)
        positive = np.asarray(self.estimator.predict_proba(X))[:, column]
        return np.column_stack([1.0 - positive, positive])


def prefit_view(estimator: Any, pos_label: Any) -> PositiveClassScores:
    """Return a prefit estimator seen through its probability of ``pos_label``."""
    classes = [plain(c) for c in getattr(estimator, "classes_", [])]
    if pos_label not in classes:
        raise InvalidValueError(PREFIT_CLASSES_ERROR.format(classes=classes, value=pos_label))
    return PositiveClassScores(estimator, pos_label)


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
        rows = as_rows(X)
        options = {"random_state": seed}
        if self.needs_sensitive_features:
            if sensitive_features is None:
                raise InvalidValueError(SENSITIVE_AT_PREDICT_ERROR)
            options["sensitive_features"] = sensitive_array(sensitive_features, len(rows))
        with quiet_fairlearn():
            encoded = self.mitigator_.predict(rows, **options)
        return self.classes_[np.asarray(encoded, dtype=int)]
