"""Uncertainty of per-group rates: Wilson score intervals from each group's counts.

A group rate ``k / n`` (selection rate, TPR, FPR, accuracy) from a few dozen rows is noisy;
the Wilson score interval (Wilson 1927, "Probable inference, the law of succession, and
statistical inference", JASA 22:209-212) keeps its coverage near the nominal level for small
``n`` and rates near 0 or 1, where the normal (Wald) interval fails (Brown, Cai & DasGupta
2001, "Interval estimation for a binomial proportion", Statistical Science 16:101-133).
With ``p = k / n`` and ``z`` the two-sided normal quantile of the confidence level::

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²)

It is computed by SciPy (``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``);
statsmodels is not installed. A group whose denominator is 0 has no rate and no interval
(NaN), never a silent 0.

Examples
--------
>>> low, high = wilson_interval(8, 10)
>>> round(low, 4), round(high, 4)
(0.4902, 0.9433)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from greennb._validation import fraction, integer, one_of
from greennb.errors import InvalidValueError
from greennb.fairness._inputs import prepare
from greennb.fairness._rates import add_component_columns

#: Per-group rates that have a Wilson interval: each is ``k / n`` of counted rows.
RATE_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")

COUNTS_MSG = "successes must be between 0 and trials; got {k} successes in {n} trials."
NO_RATES_MSG = (
    "rate_intervals found no rate with _numerator and _denominator columns in {columns}; "
    "rates with intervals: {valid}."
)


def wilson_interval(
    successes: float, trials: float, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion ``successes / trials``.

    Parameters
    ----------
    successes, trials : int or float
        Counts (whole numbers, ``0 <= successes <= trials``); floats from ``numpy.bincount``
        are accepted.
    confidence : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper end, fractions in [0, 1]; ``(nan, nan)`` when ``trials`` is 0.

    Raises
    ------
    InvalidValueError
        For negative or non-integer counts, ``successes > trials`` or a confidence level
        outside (0, 1).
    """
    fraction(confidence, name="confidence", low_open=True, high_open=True)
    n = integer(_whole(trials), name="trials", minimum=0, unit="rows")
    k = integer(_whole(successes), name="successes", minimum=0, unit="rows")
    if k > n:
        raise InvalidValueError(COUNTS_MSG.format(k=k, n=n))
    if n == 0:
        return math.nan, math.nan
    interval = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def _whole(value: Any) -> Any:
    """Return a whole-number float as an int (counts from ``bincount``); others unchanged."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value


def rate_intervals(table: Any, *, confidence: float = 0.95) -> pd.DataFrame:
    """Add Wilson intervals ``<rate>_low`` / ``<rate>_high`` to a table of per-group counts.

    Parameters
    ----------
    table : pandas.DataFrame or SRIResult
        One row per group with ``<rate>_numerator`` and ``<rate>_denominator`` columns for
        rates of :data:`RATE_METRICS`, such as an SRI result's ``by_group`` (an SRIResult
        is read through its ``by_group``).
    confidence : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        A copy of the table with the interval columns added (fractions; NaN for a group
        whose denominator is 0).

    Raises
    ------
    InvalidValueError
        When the table has no such rate, or for a confidence level outside (0, 1).
    """
    frame = getattr(table, "by_group", table).copy()
    rates = [
        rate
        for rate in RATE_METRICS
        if {f"{rate}_numerator", f"{rate}_denominator"} <= set(frame.columns)
    ]
    if not rates:
        raise InvalidValueError(
            NO_RATES_MSG.format(columns=list(map(str, frame.columns)), valid=list(RATE_METRICS))
        )
    for rate in rates:
        bounds = [
            wilson_interval(k, n, confidence=confidence)
            for k, n in zip(frame[f"{rate}_numerator"], frame[f"{rate}_denominator"], strict=True)
        ]
        frame[f"{rate}_low"] = [low for low, _ in bounds]
        frame[f"{rate}_high"] = [high for _, high in bounds]
    return frame


def group_rate_intervals(
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    *,
    metrics: str | Sequence[str] = ("selection_rate",),
    pos_label: Any = 1,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per-group rates of a classifier's predictions with their Wilson intervals.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels (two distinct values), aligned by position.
    sensitive_features : array-like, pandas.Series or pandas.DataFrame
        Group per row; several columns give intersectional groups. NaN is an error.
    metrics : str or sequence of str, default ("selection_rate",)
        Rates from :data:`RATE_METRICS`.
    pos_label : object, default 1
        Label of a positive prediction.
    confidence : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per group: the sensitive columns, ``group`` (readable label), ``count``
        (rows) and per rate its value, ``_numerator``, ``_denominator``, ``_low`` and
        ``_high`` (fractions). It has the columns of ``group_metrics(...).by_group
        .reset_index()`` for the same rates, so figures such as
        :func:`greennb.plots.group_rate_bars` take it as is and draw the intervals.

    Raises
    ------
    InvalidValueError
        For a rate not in :data:`RATE_METRICS` (the message lists them) and for the inputs
        :func:`greennb.fairness.group_metrics` refuses.

    Examples
    --------
    >>> table = group_rate_intervals([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])
    >>> table[["group", "selection_rate", "selection_rate_denominator"]].to_dict("list")
    {'group': ['a', 'b'], 'selection_rate': [1.0, 0.0], 'selection_rate_denominator': [2.0, 2.0]}
    """
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    for name in names:
        one_of(name, RATE_METRICS, name="rate")
    prepared = prepare(
        y_true, y_pred, sensitive_features, task="classification", pos_label=pos_label
    )
    table = prepared.group_values.copy()
    table["group"] = list(prepared.groups)
    table["count"] = prepared.sizes
    add_component_columns(table, prepared, names)
    return rate_intervals(table, confidence=confidence)
