"""What the social responsibility index compares: its metrics, policies and reason codes.

* :data:`SRI_METRICS`: the metric ``m`` whose worst-to-best group ratio is ``A``;
* :data:`COMPLIANCE_POLICIES` and :data:`POLICY_SOURCES`: the bar ``B`` and where it comes
  from (by default 0.8, the four-fifths rule of 29 CFR 1607.4(D));
* :data:`REASON_CODES`: why a result is undefined (NaN) or left groups out;
* :func:`meets_bar`: the inclusive comparison ``A >= B`` with :data:`BAR_TOLERANCE`.

Examples
--------
>>> resolve_bar("four_fifths")
(0.8, 'four_fifths')
>>> meets_bar((4 / 50) / (5 / 50), 0.8)  # 0.7999999999999999
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import MappingProxyType

from greennb._validation import is_real, one_of
from greennb.errors import InvalidTypeError, InvalidValueError

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
"""The SRI metrics of regression and forecasts (errors, where lower is better)."""

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

UNDEFINED_IN_GROUP = MappingProxyType(
    {
        "true_positive_rate": "no_positives_in_group",
        "false_positive_rate": "no_negatives_in_group",
        "mape": "no_nonzero_targets_in_group",
    }
)
"""Reason code of a group left out of one quantity's ratio because its denominator is 0."""

METRIC_DESCRIPTIONS = MappingProxyType(
    {
        "demographic_parity": "demographic parity ratio",
        "equal_opportunity": "equal opportunity (TPR) ratio",
        "equalized_odds": "equalized odds ratio",
        "accuracy": "accuracy ratio",
        "mae": "MAE ratio",
        "mape": "MAPE ratio",
    }
)
"""How each SRI metric reads in a sentence."""

# Error messages, kept as templates so that tests can match them.
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


def resolve_metrics(metric: str | Sequence[str]) -> tuple[str, ...]:
    """Return the SRI metric names without repeats, all of one task.

    Raises InvalidValueError for an empty list, an unknown name (listing the valid ones) or a
    mix of classification and regression metrics.
    """
    names = (metric,) if isinstance(metric, str) else tuple(metric)
    if not names:
        raise InvalidValueError(EMPTY_METRIC_ERROR.format(choices=", ".join(SRI_METRICS)))
    for name in names:
        one_of(name, SRI_METRICS, name="SRI metric")
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


def resolve_bar(bar: float | str) -> tuple[float, str]:
    """Return (B, policy name); a number equal to a policy's bar takes that policy's name."""
    choices = ", ".join(COMPLIANCE_POLICIES)
    if isinstance(bar, str):
        if bar not in COMPLIANCE_POLICIES:
            raise InvalidValueError(UNKNOWN_POLICY_ERROR.format(value=bar, choices=choices))
        return COMPLIANCE_POLICIES[bar], bar
    if not is_real(bar):
        raise InvalidTypeError(
            BAR_TYPE_ERROR.format(value=bar, type=type(bar).__name__, choices=choices)
        )
    bar = float(bar)
    if not 0.0 < bar <= 1.0:  # also rejects NaN
        raise InvalidValueError(BAR_RANGE_ERROR.format(value=bar, choices=choices))
    policy = next((name for name, value in COMPLIANCE_POLICIES.items() if value == bar), "custom")
    return bar, policy


def meets_bar(score: float, bar: float) -> bool | None:
    """Return whether ``A >= B`` (inclusive, relative tolerance :data:`BAR_TOLERANCE`).

    None when ``A`` is undefined (NaN).
    """
    if math.isnan(score):
        return None
    return score >= bar or math.isclose(score, bar, rel_tol=BAR_TOLERANCE)
