"""Screening at a fixed capacity, and each warning of a loop shown once.

When the positive class is rare (COVID-19 tests, about 6 % positive), a classifier that predicts
the majority for everyone is accurate and useless, and a differentially private or federated
model's probabilities are too poorly calibrated for a fixed cut at 0.5. A **screening rule with
a fixed capacity** compares such models fairly: each flags the rows it ranks riskiest, as many
as the share of positives it was trained on. Its cut is the matching quantile of its own scores
on the *training* rows, so the rows it is judged on are never peeked at.

:func:`each_warning_once` collects the warnings of a loop (fairness warnings about small groups,
repeated for every model) and shows each distinct one once.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from greennb._validation import fraction
from greennb.errors import InvalidValueError

NO_POSITIVE_CLASS_MSG = (
    "screen_at_capacity needs a classifier that knows the positive label {label!r}; its "
    "classes are {classes}."
)


def screen_at_capacity(
    model: Any, X_fit: Any, X: Any, *, positive: Any, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Flag the rows of ``X`` a model ranks riskiest, ``share`` of them as measured on ``X_fit``.

    Parameters
    ----------
    model : classifier with ``predict_proba`` and ``classes_``
        A fitted binary classifier (or a Pipeline ending in one).
    X_fit : array-like or DataFrame
        The rows the cut is set on (the training rows): the cut is the ``1 - share`` quantile
        of the model's scores there.
    X : array-like or DataFrame
        The rows to decide.
    positive : label
        The positive class (what is flagged).
    share : float
        The capacity: the share of rows to flag, in (0, 1) (e.g. the training rows' positive
        rate).

    Returns
    -------
    decisions : numpy.ndarray
        ``positive`` for a flagged row, the other class otherwise.
    scores : numpy.ndarray
        The model's probability of ``positive`` for each row of ``X``.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``positive`` is not one of the model's classes, or ``share`` is not in (0, 1).
    """
    fraction(share, name="share", low_open=True, high_open=True)
    classes = list(model.classes_)
    if positive not in classes:
        raise InvalidValueError(NO_POSITIVE_CLASS_MSG.format(label=positive, classes=classes))
    column = classes.index(positive)
    cut = np.quantile(model.predict_proba(X_fit)[:, column], 1 - share)
    scores = model.predict_proba(X)[:, column]
    other = next(c for c in classes if c != positive)
    return np.where(scores > cut, positive, other), scores


@contextlib.contextmanager
def each_warning_once() -> Iterator[list[warnings.WarningMessage]]:
    """Collect the warnings of a block, then print each distinct one once, in order.

    Yields
    ------
    list of warnings.WarningMessage
        Every warning the block raised (for a caller that wants them).

    Examples
    --------
    >>> with each_warning_once():
    ...     for _ in range(3):
    ...         warnings.warn("group 'b' has 4 rows", UserWarning, stacklevel=1)
    warning (once): UserWarning: group 'b' has 4 rows
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    for message in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught):
        print("warning (once):", message)
