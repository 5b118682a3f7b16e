"""Calibration by group: whether predicted risks mean the same thing for every group.

A classifier is *calibrated* when, among the cases it gives a probability p, a fraction p
is positive. A risk score can be equally accurate for two groups yet over-state the risk of
one and under-state it for the other; clinicians who read the probabilities then treat the
groups differently. :func:`calibration_by_group` computes, per sensitive group, the
reliability curve (scikit-learn's :func:`sklearn.calibration.calibration_curve`), the
expected and maximum calibration errors and the Brier score
(:func:`sklearn.metrics.brier_score_loss`).

Definitions, for one group with ``n`` rows split into probability bins ``b`` of ``n_b`` rows:

* reliability curve: mean predicted probability ``p̄_b`` against the observed fraction of
  positives ``ō_b`` in each non-empty bin;
* expected calibration error ``ECE = Σ_b (n_b / n) · |ō_b − p̄_b|`` (Naeini, Cooper and
  Hauskrecht 2015, AAAI); maximum calibration error ``MCE = max_b |ō_b − p̄_b|``;
* calibration in the large: mean predicted probability minus observed rate (> 0: the model
  over-states the group's risk);
* Brier score: mean squared difference between probability and outcome (0 is perfect).

Input checks follow :mod:`greennb.fairness._inputs`: rows are aligned by position, NaN in a
sensitive column is an error, several sensitive columns give intersectional groups.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from greennb._validation import integer, one_of
from greennb.errors import FairnessWarning, InvalidValueError
from greennb.fairness._inputs import (
    as_1d,
    as_feature_frame,
    check_inputs,
    distinct_labels,
    encode_groups,
    plain,
    shown_labels,
)

CALIBRATION_STRATEGIES = ("uniform", "quantile")
"""Binning strategies of :func:`sklearn.calibration.calibration_curve`."""

# Error messages, kept as templates so that tests can match them.
NOT_BINARY_ERROR = "y_true must hold at most two distinct labels; got {count}: {labels}."
POS_LABEL_ERROR = "pos_label {value!r} is not a label of y_true; labels seen: {labels}."
PROBABILITY_ERROR = (
    "y_prob must hold probabilities in [0, 1] (e.g. predict_proba(X)[:, k] for the column of "
    "pos_label); got {problem}."
)


@dataclass(frozen=True)
class GroupCalibration:
    """Calibration of predicted probabilities, per sensitive group.

    Attributes
    ----------
    curves : pandas.DataFrame
        Reliability curves: one row per group and non-empty bin, with columns ``group``,
        ``bin`` (0-based bin number), ``mean_predicted`` (p̄_b), ``fraction_positive``
        (ō_b) and ``count`` (n_b).
    summary : pandas.DataFrame
        One row per non-empty group (index ``group``): ``size``, ``positives``,
        ``observed_rate``, ``mean_predicted``, ``calibration_in_the_large`` (mean predicted
        minus observed rate), ``ece``, ``mce``, ``brier`` and ``small`` (size below
        ``min_group_size``). Rates and errors are fractions in [0, 1].
    pos_label : object
        The label whose probability was scored.
    n_bins : int
        Number of probability bins.
    strategy : str
        ``"uniform"`` (equal-width bins on [0, 1]) or ``"quantile"`` (equal-count bins
        within each group).
    min_group_size : int
        Groups smaller than this are flagged ``small``.
    sensitive_features : tuple of str
        Names of the sensitive columns.
    """

    curves: pd.DataFrame
    summary: pd.DataFrame
    pos_label: Any
    n_bins: int
    strategy: str
    min_group_size: int
    sensitive_features: tuple[str, ...]

    @property
    def worst_group(self) -> str:
        """The group with the largest expected calibration error."""
        return str(self.summary["ece"].idxmax())

    @property
    def ece_gap(self) -> float:
        """Largest minus smallest ECE across groups (fraction)."""
        return float(self.summary["ece"].max() - self.summary["ece"].min())

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python types for a JSON run record."""
        summary = self.summary.reset_index()
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields.update(
            curves=self.curves.to_dict(orient="records"),
            summary=summary.to_dict(orient="records"),
            pos_label=plain(self.pos_label),
            sensitive_features=list(self.sensitive_features),
            worst_group=self.worst_group,
            ece_gap=self.ece_gap,
        )
        return fields

    def __repr__(self) -> str:
        eces = ", ".join(f"{g!r} {v:.3f}" for g, v in self.summary["ece"].items())
        return (
            f"GroupCalibration(pos_label={self.pos_label!r}, {self.n_bins} {self.strategy} "
            f"bins; ECE by group: {eces}; worst {self.worst_group!r})"
        )


def _positives(y_true: np.ndarray, pos_label: Any) -> np.ndarray:
    labels = distinct_labels(y_true)
    shown = shown_labels(labels)
    if len(labels) > 2:
        raise InvalidValueError(NOT_BINARY_ERROR.format(count=len(labels), labels=shown[:10]))
    if pos_label not in set(labels):
        raise InvalidValueError(POS_LABEL_ERROR.format(value=pos_label, labels=shown))
    return (pd.Series(y_true, dtype=object) == pos_label).to_numpy(dtype=int)


def _probabilities(y_prob: np.ndarray) -> np.ndarray:
    try:
        prob = np.asarray(y_prob, dtype=float)
    except (TypeError, ValueError):
        raise InvalidValueError(PROBABILITY_ERROR.format(problem=f"dtype {y_prob.dtype}")) from None
    if prob.min() < 0.0 or prob.max() > 1.0:
        problem = f"values from {prob.min():g} to {prob.max():g}"
        raise InvalidValueError(PROBABILITY_ERROR.format(problem=problem))
    return prob


def _bin_counts(prob: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    """Rows per non-empty bin, binned exactly as ``calibration_curve`` bins them.

    scikit-learn returns the curve but not the bin sizes, which the ECE weights need; the
    bin edges and ``searchsorted`` call below are those of ``calibration_curve``.
    """
    if strategy == "quantile":
        edges = np.percentile(prob, np.linspace(0.0, 100.0, n_bins + 1))
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.bincount(np.searchsorted(edges[1:-1], prob), minlength=n_bins)


def _group_calibration(
    truth: np.ndarray, prob: np.ndarray, *, n_bins: int, strategy: str
) -> tuple[pd.DataFrame, dict[str, float]]:
    observed, predicted = calibration_curve(
        truth, prob, pos_label=1, n_bins=n_bins, strategy=strategy
    )
    counts = _bin_counts(prob, n_bins, strategy)
    bins = np.flatnonzero(counts)
    sizes = counts[bins]
    gaps = np.abs(observed - predicted)
    curve = pd.DataFrame(
        {"bin": bins, "mean_predicted": predicted, "fraction_positive": observed, "count": sizes}
    )
    stats = {
        "size": len(truth),
        "positives": int(truth.sum()),
        "observed_rate": float(truth.mean()),
        "mean_predicted": float(prob.mean()),
        "calibration_in_the_large": float(prob.mean() - truth.mean()),
        "ece": float(np.sum(sizes * gaps) / sizes.sum()),
        "mce": float(gaps.max()),
        "brier": float(brier_score_loss(truth, prob, pos_label=1)),
    }
    return curve, stats


def calibration_by_group(
    y_true,
    y_prob,
    sensitive_features,
    *,
    pos_label: Any = 1,
    n_bins: int = 10,
    strategy: str = "uniform",
    min_group_size: int = 30,
) -> GroupCalibration:
    """Compute reliability curves and calibration errors of probabilities, per group.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (at most two distinct values, e.g. ``"dead"``/``"live"``).
    y_prob : array-like of shape (n_samples,)
        Predicted probability of ``pos_label`` for each row, in [0, 1].
    sensitive_features : array-like, pandas.Series or pandas.DataFrame
        Group of each row; several columns give intersectional groups. NaN is an error.
    pos_label : object, default 1
        The label whose probability ``y_prob`` is.
    n_bins : int, default 10
        Number of probability bins (>= 2). Few rows per bin make a noisy curve: with small
        groups, use fewer bins or ``strategy="quantile"``.
    strategy : {"uniform", "quantile"}, default "uniform"
        Equal-width bins on [0, 1], or equal-count bins within each group.
    min_group_size : int, default 30
        Groups smaller than this are flagged ``small`` and warned about.

    Returns
    -------
    GroupCalibration
        ``curves`` (reliability curve per group) and ``summary`` (ECE, MCE, Brier score,
        calibration in the large, per group).

    Raises
    ------
    ValueError
        Empty or misaligned input, NaN in any input, more than two labels, a ``pos_label``
        that is not a label, probabilities outside [0, 1], an unknown strategy (the message
        lists the valid ones), ``n_bins`` < 2 or a negative ``min_group_size``.
    TypeError
        ``n_bins`` or ``min_group_size`` that is not an integer.

    Warns
    -----
    FairnessWarning
        When a group is smaller than ``min_group_size``.

    Examples
    --------
    >>> result = calibration_by_group(
    ...     [1, 0, 1, 0], [0.9, 0.1, 0.6, 0.6], ["a", "a", "b", "b"], n_bins=2,
    ...     min_group_size=0)
    >>> result.summary["ece"].round(2).to_dict()
    {'a': 0.1, 'b': 0.1}
    >>> result.summary["calibration_in_the_large"].round(2).to_dict()
    {'a': 0.0, 'b': 0.1}
    """
    one_of(strategy, CALIBRATION_STRATEGIES, name="binning strategy")
    n_bins = integer(n_bins, name="n_bins", minimum=2)
    min_group_size = integer(min_group_size, name="min_group_size", minimum=0, unit="rows")
    truth_labels = as_1d(y_true, name="y_true")
    prob_values = as_1d(y_prob, name="y_prob")
    features = as_feature_frame(sensitive_features)
    check_inputs(truth_labels, prob_values, features)
    truth = _positives(truth_labels, pos_label)
    prob = _probabilities(prob_values)
    codes, groups, _ = encode_groups(features)
    curves, rows = [], {}
    for code, group in enumerate(groups):
        members = codes == code
        if not members.any():
            continue  # an empty intersection of sensitive values
        curve, rows[group] = _group_calibration(
            truth[members], prob[members], n_bins=n_bins, strategy=strategy
        )
        curves.append(curve.assign(group=group))
    summary = pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")
    summary["small"] = summary["size"] < min_group_size
    small = [f"{g!r} (n={int(n)})" for g, n in summary.loc[summary["small"], "size"].items()]
    if small:
        warnings.warn(
            f"Groups smaller than min_group_size={min_group_size}: {', '.join(small)}; their "
            "reliability curves and calibration errors are noisy.",
            FairnessWarning,
            stacklevel=2,
        )
    columns = ["group", "bin", "mean_predicted", "fraction_positive", "count"]
    return GroupCalibration(
        curves=pd.concat(curves, ignore_index=True)[columns],
        summary=summary,
        pos_label=pos_label,
        n_bins=n_bins,
        strategy=strategy,
        min_group_size=min_group_size,
        sensitive_features=tuple(features.columns),
    )
