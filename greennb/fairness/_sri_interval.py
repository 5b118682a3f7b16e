"""A two-sided bootstrap interval of the social responsibility index ``R = A / B``.

:func:`~greennb.fairness.social_responsibility_index` offers a one-sided lower bound of ``R``
(``n_bootstrap > 0``); a figure or a computed conclusion needs both ends: whether ``R`` passes
the bar beyond its sampling noise (the whole interval at or above 1), fails it (the whole
interval below 1) or cannot be told from this test set. The resamples are those of the lower
bound (:func:`~greennb.fairness._group_ratios.bootstrap_scores`: rows drawn with replacement
within each group, so every group keeps its size); the interval is the percentile interval
(Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from greennb._validation import fraction, integer
from greennb.errors import FairnessWarning
from greennb.fairness._group_ratios import (
    bootstrap_scores,
    component_ratios,
    components_of,
    nanmin,
)
from greennb.fairness._inputs import prepare
from greennb.fairness._sri_policies import (
    BAR_TOLERANCE,
    REGRESSION_SRI_METRICS,
    resolve_bar,
    resolve_metrics,
)

#: What :attr:`SRIInterval.verdict` says, by where the interval lies against R = 1.
SRI_VERDICTS = ("meets the bar", "below the bar", "undecided within the noise", "undefined")


@dataclass(frozen=True)
class SRIInterval:
    """``R`` with its two-sided percentile-bootstrap interval.

    Attributes
    ----------
    value : float
        ``R = A / B`` on all rows (dimensionless, in [0, 1/B]); NaN when undefined.
    low, high : float
        Ends of the interval (NaN when every resample was undefined).
    bar : float
        ``B``.
    confidence : float
        Two-sided level of the interval.
    n_bootstrap : int
        Resamples drawn.
    n_undefined : int
        Resamples whose ``A`` was undefined, left out.
    """

    value: float
    low: float
    high: float
    bar: float
    confidence: float
    n_bootstrap: int
    n_undefined: int

    @property
    def verdict(self) -> str:
        """One of :data:`SRI_VERDICTS`: where the interval lies against ``R = 1`` (inclusive)."""
        if math.isnan(self.low) or math.isnan(self.value):
            return SRI_VERDICTS[3]
        if self.low >= 1.0 - BAR_TOLERANCE:
            return SRI_VERDICTS[0]
        if self.high < 1.0 - BAR_TOLERANCE:
            return SRI_VERDICTS[1]
        return SRI_VERDICTS[2]

    def __str__(self) -> str:
        if math.isnan(self.value):
            return "R undefined"
        return (
            f"R = {self.value:.2f} [{self.low:.2f}, {self.high:.2f}] "
            f"({self.confidence:.0%} bootstrap interval, {self.n_bootstrap} resamples): "
            f"{self.verdict}"
        )


def sri_interval(
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    *,
    metric: str | Sequence[str] = "demographic_parity",
    bar: float | str = 0.8,
    pos_label: Any = 1,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> SRIInterval:
    """Return ``R`` with a two-sided stratified-bootstrap percentile interval.

    Parameters
    ----------
    y_true, y_pred, sensitive_features
        As for :func:`greennb.fairness.social_responsibility_index`.
    metric, bar, pos_label
        As there; ``R`` is the same number.
    n_bootstrap : int, default 1000
        Resamples (>= 1).
    confidence : float, default 0.95
        Two-sided level, in (0, 1): the interval runs from the ``(1 − c)/2`` to the
        ``(1 + c)/2`` quantile of the resampled ``R``.
    random_state : int, numpy.random.Generator or None, default 0
        Seed of the resampling, for reproducible intervals.

    Returns
    -------
    SRIInterval
        ``value``, ``low``, ``high`` and a ``verdict``.

    Raises
    ------
    InvalidValueError
        For the inputs ``social_responsibility_index`` refuses, ``n_bootstrap < 1`` or a
        confidence level outside (0, 1).

    Warns
    -----
    FairnessWarning
        When resamples were undefined (left out of the interval).

    Examples
    --------
    >>> y_pred = [1] * 40 + [0] * 60 + [1] * 50 + [0] * 50
    >>> groups = ["a"] * 100 + ["b"] * 100
    >>> interval = sri_interval(y_pred, y_pred, groups, n_bootstrap=200)
    >>> round(interval.value, 2), interval.low < interval.value < interval.high
    (1.0, True)
    """
    metric_names = resolve_metrics(metric)
    bar_value, _ = resolve_bar(bar)
    n_bootstrap = integer(n_bootstrap, name="n_bootstrap", minimum=1, unit="resamples")
    confidence = fraction(confidence, name="confidence", low_open=True, high_open=True)
    task = "regression" if metric_names[0] in REGRESSION_SRI_METRICS else "classification"
    prepared = prepare(y_true, y_pred, sensitive_features, task=task, pos_label=pos_label)
    components = components_of(metric_names)
    score = nanmin([r.value for r in component_ratios(prepared, components).values()])
    scores = bootstrap_scores(
        prepared, components, n_bootstrap=n_bootstrap, rng=np.random.default_rng(random_state)
    )
    n_undefined = int(np.isnan(scores).sum())
    if n_undefined:
        warnings.warn(
            f"{n_undefined} of {n_bootstrap} bootstrap resamples were undefined; left out.",
            FairnessWarning,
            stacklevel=2,
        )
    if n_undefined == n_bootstrap:
        low = high = math.nan
    else:
        tail = (1.0 - confidence) / 2.0
        low, high = (float(q) for q in np.nanquantile(scores, [tail, 1.0 - tail]))
    return SRIInterval(
        value=score / bar_value,
        low=low / bar_value,
        high=high / bar_value,
        bar=bar_value,
        confidence=confidence,
        n_bootstrap=n_bootstrap,
        n_undefined=n_undefined,
    )
