"""The social responsibility index ``R = A / B``: achieved fairness over the required bar.

* ``A`` (fairness score, in [0, 1]) is the worst-to-best group ratio
  ``min_g m(g) / max_g m(g)`` of a metric ``m``: the selection rate
  (demographic parity), the true positive rate (equal opportunity), the
  smaller of the TPR and FPR ratios (equalized odds), accuracy, or, for
  regression, the mean absolute (percentage) error ``min_g err(g) / max_g err(g)``.
* ``B`` (ethics-compliance score, in (0, 1]) is the ratio a compliance policy
  requires; by default 0.8, the four-fifths rule.
* ``R >= 1`` means the model meets the bar (the bar is inclusive, compared with
  a relative tolerance of :data:`BAR_TOLERANCE`).

Undefined cases give NaN with a reason code from :data:`REASON_CODES`, never
a silent 1.0. Per-group rates come from explicit counts (see
:mod:`greennb.fairness` for why not from fairlearn's functions); the tests
cross-check them against fairlearn wherever both are defined.

Fairlearn's documentation warns that the four-fifths rule comes from US federal
employment law, where it marks prima facie evidence of adverse impact; outside
that context it is no general guarantee of fairness, and meeting it does not
make a model fair (fairlearn user guide, "The Four Fifths Rule: Often
Misapplied").
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness._group_metrics import (
    COMPONENT_LABELS,
    FairnessWarning,
    _component_counts,
    _json_number,
    _plain,
    _prepare,
    _Prepared,
)

__all__ = [
    "BAR_TOLERANCE",
    "COMPLIANCE_POLICIES",
    "POLICY_SOURCES",
    "REASON_CODES",
    "SRI_METRICS",
    "SRIResult",
    "social_responsibility_index",
]

COMPLIANCE_POLICIES = MappingProxyType({"four_fifths": 0.8, "strict_parity": 1.0})
"""Bar ``B`` required by each named compliance policy (a worst-to-best ratio)."""

POLICY_SOURCES = MappingProxyType(
    {
        "four_fifths": (
            "Four-fifths rule, US Uniform Guidelines on Employee Selection Procedures, "
            "29 CFR 1607.4(D): a selection rate below 4/5 of the highest group's rate is "
            "generally regarded as evidence of adverse impact (US employment law only)."
        ),
        "strict_parity": "Exact parity between groups (ratio 1); a reference point, not a law.",
        "custom": "A bar chosen by the user.",
    }
)
"""Where each policy's bar comes from."""

SRI_METRICS = MappingProxyType(
    {
        "demographic_parity": ("selection_rate",),
        "equal_opportunity": ("true_positive_rate",),
        "equalized_odds": ("true_positive_rate", "false_positive_rate"),
        "accuracy": ("accuracy",),
        "mae": ("mae",),
        "mape": ("mape",),
    }
)
"""Valid ``metric`` names and the per-group quantities whose ratios they take."""

REGRESSION_SRI_METRICS = frozenset({"mae", "mape"})

REASON_CODES = MappingProxyType(
    {
        "single_group": "only one group has rows, so there is nothing to compare",
        "all_zero": "every group's value is 0, so the worst-to-best ratio is 0/0",
        "empty_group": "an intersection of sensitive values has no rows",
        "no_positives_in_group": "a group has no actual positives, so its TPR is 0/0",
        "no_negatives_in_group": "a group has no actual negatives, so its FPR is 0/0",
        "no_nonzero_targets_in_group": "every target of a group is 0, so its MAPE is undefined",
        "metric_undefined": "one of several metrics is undefined and A uses the others",
    }
)
"""Reason codes for an undefined (NaN) or partial result, with their meaning."""

BAR_TOLERANCE = 1e-9
"""Relative tolerance of ``A >= B``: 4/50 over 5/50 is 0.7999999999999999 and meets 0.8."""

# Error messages, kept as templates so that tests can match them.
UNKNOWN_METRIC_ERROR = "Unknown SRI metric {value!r}; valid metrics are: {choices}."
EMPTY_METRIC_ERROR = "metric is an empty list; give at least one of: {choices}."
MIXED_METRICS_ERROR = (
    "Metrics {metrics} mix classification and regression; use only {regression} "
    "for regression or only {classification} for classification."
)
UNKNOWN_POLICY_ERROR = (
    "Unknown compliance policy {value!r}; valid policies are: {choices}, or a number in (0, 1]."
)
BAR_RANGE_ERROR = "bar must be a number in (0, 1] or a policy name ({choices}); got {value!r}."
BAR_TYPE_ERROR = (
    "bar must be a number in (0, 1] or a policy name ({choices}); got {value!r} of type {type}."
)
MIN_GROUP_SIZE_ERROR = "min_group_size must be an integer >= 0; got {value!r}."
N_BOOTSTRAP_ERROR = (
    "n_bootstrap must be an integer >= 0 (0 turns the bootstrap off); got {value!r}."
)
CONFIDENCE_ERROR = "confidence must be a number strictly between 0 and 1; got {value!r}."

_UNDEFINED_IN_GROUP = {
    "true_positive_rate": "no_positives_in_group",
    "false_positive_rate": "no_negatives_in_group",
    "mape": "no_nonzero_targets_in_group",
}
_METRIC_DESCRIPTIONS = {
    "demographic_parity": "demographic parity ratio",
    "equal_opportunity": "equal opportunity (TPR) ratio",
    "equalized_odds": "equalized odds ratio",
    "accuracy": "accuracy ratio",
    "mae": "MAE ratio",
    "mape": "MAPE ratio",
}


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------


def _resolve_metrics(metric: str | Sequence[str]) -> tuple[str, ...]:
    names = (metric,) if isinstance(metric, str) else tuple(metric)
    choices = ", ".join(SRI_METRICS)
    if not names:
        raise InvalidValueError(EMPTY_METRIC_ERROR.format(choices=choices))
    for name in names:
        if name not in SRI_METRICS:
            raise InvalidValueError(UNKNOWN_METRIC_ERROR.format(value=name, choices=choices))
    regression = [name in REGRESSION_SRI_METRICS for name in names]
    if any(regression) and not all(regression):
        raise InvalidValueError(
            MIXED_METRICS_ERROR.format(
                metrics=list(names),
                regression=sorted(REGRESSION_SRI_METRICS),
                classification=[m for m in SRI_METRICS if m not in REGRESSION_SRI_METRICS],
            )
        )
    return tuple(dict.fromkeys(names))


def _resolve_bar(bar: float | str) -> tuple[float, str]:
    """Return (B, policy name); a number equal to a policy's bar takes that policy's name."""
    choices = ", ".join(COMPLIANCE_POLICIES)
    if isinstance(bar, str):
        if bar not in COMPLIANCE_POLICIES:
            raise InvalidValueError(UNKNOWN_POLICY_ERROR.format(value=bar, choices=choices))
        return COMPLIANCE_POLICIES[bar], bar
    if isinstance(bar, bool) or not isinstance(bar, numbers.Real):
        raise InvalidTypeError(
            BAR_TYPE_ERROR.format(value=bar, type=type(bar).__name__, choices=choices)
        )
    bar = float(bar)
    if not 0.0 < bar <= 1.0:  # also rejects NaN
        raise InvalidValueError(BAR_RANGE_ERROR.format(value=bar, choices=choices))
    policy = next((name for name, value in COMPLIANCE_POLICIES.items() if value == bar), "custom")
    return bar, policy


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0


def _check_options(min_group_size: int, n_bootstrap: int, confidence: float) -> None:
    if not _is_count(min_group_size):
        raise InvalidValueError(MIN_GROUP_SIZE_ERROR.format(value=min_group_size))
    if not _is_count(n_bootstrap):
        raise InvalidValueError(N_BOOTSTRAP_ERROR.format(value=n_bootstrap))
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise InvalidValueError(CONFIDENCE_ERROR.format(value=confidence))
    if not 0.0 < confidence < 1.0:
        raise InvalidValueError(CONFIDENCE_ERROR.format(value=confidence))


# ---------------------------------------------------------------------------
# Worst-to-best ratios from counts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _ComponentRatio:
    """``min_g / max_g`` of one per-group quantity over the groups where it is defined."""

    component: str
    value: float
    reason: str | None
    dropped: dict[str, str]
    min_group: int | None = None
    max_group: int | None = None


def _nanmin(values: Sequence[float]) -> float:
    """Smallest non-NaN value (NaN if none), whatever the order.

    Python's ``min`` is order-dependent with NaN: ``min([nan, 0.5])`` is nan
    but ``min([0.5, nan])`` is 0.5.
    """
    defined = [value for value in values if not math.isnan(value)]
    return min(defined) if defined else math.nan


def _component_ratio(
    component: str, numerator: np.ndarray, denominator: np.ndarray, sizes: np.ndarray, groups
) -> _ComponentRatio:
    if np.count_nonzero(sizes) < 2:
        return _ComponentRatio(component, math.nan, "single_group", {})
    undefined_code = _UNDEFINED_IN_GROUP.get(component, "empty_group")
    dropped = {
        groups[i]: "empty_group" if sizes[i] == 0 else undefined_code
        for i in np.flatnonzero(denominator == 0)
    }
    codes_in_order = sorted(set(dropped.values()), key=lambda code: code == "empty_group")
    reason = codes_in_order[0] if codes_in_order else None
    defined = np.flatnonzero(denominator > 0)
    if len(defined) < 2:
        return _ComponentRatio(component, math.nan, reason, dropped)
    values = numerator[defined] / denominator[defined]
    lowest, highest = defined[np.argmin(values)], defined[np.argmax(values)]
    if values.max() == 0:
        return _ComponentRatio(component, math.nan, "all_zero", dropped, lowest, highest)
    ratio = float(values.min() / values.max())
    return _ComponentRatio(component, ratio, reason, dropped, lowest, highest)


def _component_ratios(
    prepared: _Prepared, components: Sequence[str], rows: np.ndarray | None = None
) -> dict[str, _ComponentRatio]:
    sizes = prepared.sizes
    return {
        component: _component_ratio(
            component, *_component_counts(component, prepared, rows), sizes, prepared.groups
        )
        for component in components
    }


def _components_of(metric_names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for name in metric_names for c in SRI_METRICS[name]))


def _higher_is_worse(component: str, positive_is_favourable: bool) -> bool:
    if component in ("mae", "mape"):
        return True
    if component == "accuracy":
        return False
    return not positive_is_favourable  # rates of positive predictions


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SRIResult:
    """Social responsibility index ``R = A / B`` of one model on one data set.

    Attributes
    ----------
    value : float
        ``R = A / B`` (dimensionless, in [0, 1/B]); NaN when undefined.
    fairness_score : float
        ``A``, the worst-to-best group ratio in [0, 1]; with several metrics,
        the smallest defined one. NaN when undefined.
    bar : float
        ``B`` in (0, 1], the ratio the compliance policy requires.
    policy : str
        Name of the policy in :data:`COMPLIANCE_POLICIES`, or ``"custom"``.
    metric : str or tuple of str
        The metric(s) from :data:`SRI_METRICS`.
    meets_bar : bool or None
        Whether ``A >= B`` (inclusive, relative tolerance :data:`BAR_TOLERANCE`);
        None when ``A`` is undefined.
    by_group : pandas.DataFrame
        One row per group (index: readable group label) with the sensitive
        values, ``size`` (rows), ``small`` (0 < size < ``min_group_size``) and,
        for each quantity, its value and ``_numerator``/``_denominator``
        (counts for rates; summed absolute (relative) errors and row counts
        for MAE/MAPE).
    metric_scores : dict of str to float
        ``A`` of each metric separately (NaN when undefined).
    binding_component : str or None
        The per-group quantity whose ratio set ``A``.
    worst_group, best_group : str or None
        The groups at the two ends of that ratio: the worse-off group has the
        higher error, the lower accuracy, and the lower rate of positive
        predictions when a positive is favourable (the higher one otherwise).
    reason : str or None
        A code from :data:`REASON_CODES` when the result is undefined or left
        groups out, else None.
    explanation : str or None
        The reason in words, naming the groups concerned.
    dropped_groups : dict
        Quantity → {group: reason code} for groups left out of that ratio only.
    small_groups : tuple of str
        Groups with fewer than ``min_group_size`` rows (a warning was issued).
    min_group_size : int
        Size below which a group is flagged as small.
    lower_bound : float or None
        Percentile-bootstrap lower bound of ``R`` at ``confidence``
        (rows resampled within each group); None without bootstrap.
    confidence : float
        One-sided confidence level of ``lower_bound``.
    n_bootstrap : int
        Number of bootstrap resamples (0: none).
    positive_is_favourable : bool
        Whether a positive prediction benefits the person scored.
    """

    value: float
    fairness_score: float
    bar: float
    policy: str
    metric: str | tuple[str, ...]
    meets_bar: bool | None
    by_group: pd.DataFrame
    metric_scores: dict[str, float]
    binding_component: str | None
    worst_group: str | None
    best_group: str | None
    reason: str | None
    explanation: str | None
    dropped_groups: dict[str, dict[str, str]]
    small_groups: tuple[str, ...]
    min_group_size: int
    lower_bound: float | None
    confidence: float
    n_bootstrap: int
    positive_is_favourable: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python types for a JSON run record.

        Returns
        -------
        dict
            Every attribute; ``by_group`` as group label → column → value.
            NaN becomes None, so ``json.dumps(..., allow_nan=False)`` succeeds.
        """
        by_group = {
            str(label): {
                str(column): _json_number(value) if _is_number(value) else _plain(value)
                for column, value in row.items()
            }
            for label, row in self.by_group.iterrows()
        }
        return {
            "value": _json_number(self.value),
            "fairness_score": _json_number(self.fairness_score),
            "bar": self.bar,
            "policy": self.policy,
            "policy_source": POLICY_SOURCES[self.policy],
            "metric": self.metric if isinstance(self.metric, str) else list(self.metric),
            "metric_scores": {k: _json_number(v) for k, v in self.metric_scores.items()},
            "meets_bar": self.meets_bar,
            "binding_component": self.binding_component,
            "worst_group": self.worst_group,
            "best_group": self.best_group,
            "reason": self.reason,
            "explanation": self.explanation,
            "dropped_groups": {k: dict(v) for k, v in self.dropped_groups.items()},
            "small_groups": list(self.small_groups),
            "min_group_size": self.min_group_size,
            "lower_bound": None if self.lower_bound is None else _json_number(self.lower_bound),
            "confidence": self.confidence,
            "n_bootstrap": self.n_bootstrap,
            "positive_is_favourable": self.positive_is_favourable,
            "by_group": by_group,
        }

    def _group_summary(self, group: str, *, with_name: bool) -> str:
        row = self.by_group.loc[group]
        component = self.binding_component
        name = f"{COMPONENT_LABELS[component]} " if with_name else ""
        return f"{group!r} ({name}{row[component]:.2f}, n={int(row['size'])})"

    def __repr__(self) -> str:
        names = (self.metric,) if isinstance(self.metric, str) else self.metric
        described = " & ".join(_METRIC_DESCRIPTIONS[name] for name in names)
        policy = self.policy.replace("_", "-")
        score = "undefined" if math.isnan(self.fairness_score) else f"{self.fairness_score:.2f}"
        text = f"SRI R={self.value:.2f} (A={score} {described} / B={self.bar:.2f} {policy} bar)"
        if self.meets_bar is not None:
            text += ": meets the bar" if self.meets_bar else ": below the bar"
        if self.worst_group is not None and self.best_group is not None:
            text += (
                f"; worst group {self._group_summary(self.worst_group, with_name=True)}"
                f", best {self._group_summary(self.best_group, with_name=False)}"
            )
        if self.lower_bound is not None:
            text += f"; {self.confidence:.0%} bootstrap lower bound of R {self.lower_bound:.2f}"
        if self.small_groups:
            text += f"; small groups (n < {self.min_group_size}): {list(self.small_groups)}"
        if self.reason is not None and math.isnan(self.value):
            text += f"; {self.reason}: {self.explanation}"
        elif self.reason is not None:
            text += f"; note {self.reason} (see .explanation)"
        return text


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------


def _by_group_table(
    prepared: _Prepared, components: Sequence[str], min_group_size: int
) -> pd.DataFrame:
    table = prepared.group_values.copy()
    sizes = prepared.sizes
    table["size"] = sizes
    table["small"] = (sizes > 0) & (sizes < min_group_size)
    for component in components:
        numerator, denominator = _component_counts(component, prepared)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[component] = np.where(denominator > 0, numerator / denominator, np.nan)
        table[f"{component}_numerator"] = numerator
        table[f"{component}_denominator"] = denominator
    table.index = pd.Index(prepared.groups, name="group")
    return table


def _explain(ratios: dict[str, _ComponentRatio], score: float) -> tuple[str | None, str | None]:
    """Return (reason code, explanation) covering every undefined or partial ratio."""
    notes = []
    for component, ratio in ratios.items():
        label = COMPONENT_LABELS[component]
        if ratio.dropped:
            groups = ", ".join(f"{g!r} ({code})" for g, code in ratio.dropped.items())
            notes.append(f"{label} is undefined for {groups}, left out of the {label} ratio only")
        if math.isnan(ratio.value) and ratio.reason in _UNDEFINED_IN_GROUP.values():
            notes.append(f"the {label} ratio is undefined: fewer than two groups remain")
        elif math.isnan(ratio.value):
            notes.append(f"the {label} ratio is undefined: {REASON_CODES[ratio.reason]}")
    if not notes:
        return None, None
    reasons = [r.reason for r in ratios.values() if r.reason is not None]
    partial = not math.isnan(score) and any(math.isnan(r.value) for r in ratios.values())
    reason = "metric_undefined" if partial else reasons[0]
    return reason, "; ".join(notes) + "."


def _worst_and_best(
    ratio: _ComponentRatio | None, groups: Sequence[str], positive_is_favourable: bool
) -> tuple[str | None, str | None]:
    if ratio is None or ratio.min_group is None or math.isnan(ratio.value):
        return None, None
    low, high = groups[ratio.min_group], groups[ratio.max_group]
    if _higher_is_worse(ratio.component, positive_is_favourable):
        return high, low
    return low, high


def _bootstrap_lower_bound(
    prepared: _Prepared,
    components: Sequence[str],
    *,
    n_bootstrap: int,
    confidence: float,
    rng: np.random.Generator,
) -> tuple[float, int]:
    """Percentile-bootstrap lower bound of ``A`` and the number of undefined resamples.

    Rows are resampled with replacement within each group, so every group
    keeps its size (stratified bootstrap).
    """
    members = [np.flatnonzero(prepared.codes == g) for g in range(len(prepared.groups))]
    members = [rows for rows in members if len(rows)]
    scores = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        rows = np.concatenate([m[rng.integers(0, len(m), size=len(m))] for m in members])
        ratios = _component_ratios(prepared, components, rows)
        scores[b] = _nanmin([r.value for r in ratios.values()])
    n_undefined = int(np.isnan(scores).sum())
    if n_undefined == n_bootstrap:
        return math.nan, n_undefined
    return float(np.nanquantile(scores, 1.0 - confidence)), n_undefined


def _warn(message: str, *, stacklevel: int) -> None:
    """Issue a FairnessWarning; ``stacklevel`` counts from the caller of ``_warn``."""
    warnings.warn(message, FairnessWarning, stacklevel=stacklevel + 1)


def social_responsibility_index(
    y_true,
    y_pred,
    sensitive_features,
    *,
    metric: str | Sequence[str] = "demographic_parity",
    bar: float | str = 0.8,
    pos_label: Any = 1,
    positive_is_favourable: bool = True,
    min_group_size: int = 30,
    n_bootstrap: int = 0,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> SRIResult:
    """Compute the social responsibility index ``R = A / B`` of a model's predictions.

    ``A = min_g m(g) / max_g m(g)`` is the achieved worst-to-best group ratio
    of the metric ``m``; ``B`` is the ratio the compliance policy requires;
    ``R >= 1`` (inclusive) means the model meets the bar.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (two distinct values) or, for ``"mae"``/``"mape"``,
        observed values in the target's unit.
    y_pred : array-like of shape (n_samples,)
        Predicted labels or values, aligned with ``y_true`` by position.
    sensitive_features : array-like, pandas.Series or pandas.DataFrame
        Group per row; several columns give intersectional groups (every
        combination of observed values). NaN is an error.
    metric : str or sequence of str, default "demographic_parity"
        One or more of :data:`SRI_METRICS`: ``"demographic_parity"``
        (selection rate), ``"equal_opportunity"`` (TPR), ``"equalized_odds"``
        (the smaller of the TPR and FPR ratios), ``"accuracy"``, ``"mae"``,
        ``"mape"``. With several, ``A`` is the smallest defined ratio.
    bar : float or str, default 0.8
        ``B`` in (0, 1], or a policy name from :data:`COMPLIANCE_POLICIES`
        (``"four_fifths"`` = 0.8, ``"strict_parity"`` = 1.0). The default is
        the four-fifths rule of the US Uniform Guidelines on Employee Selection
        Procedures, 29 CFR 1607.4(D). Fairlearn's documentation warns that this
        rule comes from US employment law and is not a general fairness
        guarantee: meeting it does not make a model fair.
    pos_label : object, default 1
        Label of a positive prediction (classification metrics only).
    positive_is_favourable : bool, default True
        Whether a positive prediction benefits the person (a loan granted);
        set False when it harms (a loan denied). Only decides which end of the
        ratio is called the worst group; ``A`` is symmetric.
    min_group_size : int, default 30
        Groups with fewer rows are flagged ``small`` and warned about.
    n_bootstrap : int, default 0
        Number of stratified bootstrap resamples for ``lower_bound``; 0 skips it.
    confidence : float, default 0.95
        One-sided level of the bootstrap lower bound, in (0, 1).
    random_state : int, numpy.random.Generator or None, default None
        Seed of the bootstrap, for reproducible bounds.

    Returns
    -------
    SRIResult
        ``value`` (R), ``fairness_score`` (A), ``bar`` (B), ``meets_bar``,
        ``by_group`` and the diagnostics described there.

    Raises
    ------
    ValueError
        Unknown metric (the message lists the valid ones), metrics mixing
        classification and regression, unknown policy or bar outside (0, 1],
        empty or misaligned input, NaN in y_true, y_pred or a sensitive column,
        non-binary labels, a ``pos_label`` that does not occur, or bad
        ``min_group_size``/``n_bootstrap``/``confidence``.
    TypeError
        ``bar`` that is neither a number nor a policy name.

    Warns
    -----
    FairnessWarning
        When ``A`` is undefined, a group is left out of one ratio (e.g. no
        actual positives for the TPR), a group is small, or bootstrap
        resamples are undefined.

    Notes
    -----
    Undefined cases give NaN with a reason code, never a silent 1.0:
    ``single_group`` (one non-empty group), ``all_zero`` (every group's value
    is 0, so 0/0), ``no_positives_in_group`` / ``no_negatives_in_group`` /
    ``no_nonzero_targets_in_group`` (that group is left out of that ratio only;
    NaN if fewer than two groups remain), ``empty_group`` (an empty
    intersection, left out). MAPE leaves out rows whose target is 0.

    The ratio of rates depends on which label is called positive: the
    four-fifths rule compares rates of the favourable outcome (selection,
    approval). For a model that predicts denial, score the approvals
    (``pos_label`` = the approval label) to apply that rule; the ratio of
    denial rates is a different, much stricter number.

    When applying a randomized mitigator (fairlearn's ``ThresholdOptimizer``
    or ``ExponentiatedGradient``) before scoring, pass it a ``random_state``.

    Examples
    --------
    Group "a" is selected 4 times in 50, group "b" 5 times in 50:
    ``A = 0.08 / 0.10``, which is 0.7999999999999999 in floating point and
    still meets the inclusive 0.8 bar.

    >>> y_pred = [1] * 4 + [0] * 46 + [1] * 5 + [0] * 45
    >>> groups = ["a"] * 50 + ["b"] * 50
    >>> sri = social_responsibility_index(y_pred, y_pred, groups)
    >>> sri.fairness_score, sri.meets_bar
    (0.7999999999999999, True)
    """
    metric_names = _resolve_metrics(metric)
    bar_value, policy = _resolve_bar(bar)
    _check_options(min_group_size, n_bootstrap, confidence)
    task = "regression" if metric_names[0] in REGRESSION_SRI_METRICS else "classification"
    prepared = _prepare(y_true, y_pred, sensitive_features, task=task, pos_label=pos_label)
    components = _components_of(metric_names)
    ratios = _component_ratios(prepared, components)

    score = _nanmin([ratio.value for ratio in ratios.values()])
    defined = [ratio for ratio in ratios.values() if ratio.value == score]
    binding = defined[0] if defined else None
    worst, best = _worst_and_best(binding, prepared.groups, positive_is_favourable)
    reason, explanation = _explain(ratios, score)
    by_group = _by_group_table(prepared, components, min_group_size)
    small = tuple(by_group.index[by_group["small"]])
    _warn_about(reason, explanation, small, min_group_size, by_group)

    lower_bound = None
    if n_bootstrap:
        bound, n_undefined = _bootstrap_lower_bound(
            prepared,
            components,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            rng=np.random.default_rng(random_state),
        )
        if n_undefined:
            _warn(
                f"{n_undefined} of {n_bootstrap} bootstrap resamples were undefined; left out.",
                stacklevel=2,
            )
        lower_bound = bound / bar_value

    return SRIResult(
        value=score / bar_value,
        fairness_score=score,
        bar=bar_value,
        policy=policy,
        metric=metric_names[0] if isinstance(metric, str) else metric_names,
        meets_bar=_meets(score, bar_value),
        by_group=by_group,
        metric_scores={m: _nanmin([ratios[c].value for c in SRI_METRICS[m]]) for m in metric_names},
        binding_component=None if binding is None else binding.component,
        worst_group=worst,
        best_group=best,
        reason=reason,
        explanation=explanation,
        dropped_groups={c: r.dropped for c, r in ratios.items() if r.dropped},
        small_groups=small,
        min_group_size=min_group_size,
        lower_bound=lower_bound,
        confidence=confidence,
        n_bootstrap=n_bootstrap,
        positive_is_favourable=positive_is_favourable,
    )


def _meets(score: float, bar: float) -> bool | None:
    """Inclusive ``A >= B`` with a relative tolerance; None when A is undefined."""
    if math.isnan(score):
        return None
    return score >= bar or math.isclose(score, bar, rel_tol=BAR_TOLERANCE)


def _warn_about(
    reason: str | None,
    explanation: str | None,
    small: Sequence[str],
    min_group_size: int,
    by_group: pd.DataFrame,
) -> None:
    if reason is not None:
        _warn(f"SRI {reason}: {explanation}", stacklevel=3)
    if small:
        sizes = ", ".join(f"{g!r} (n={int(by_group.loc[g, 'size'])})" for g in small)
        _warn(
            f"Groups smaller than min_group_size={min_group_size}: {sizes}; their rates "
            "are noisy, see the bootstrap lower bound (n_bootstrap > 0).",
            stacklevel=3,
        )
