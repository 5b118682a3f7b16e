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
:mod:`greennb.fairness._rates` for why not from fairlearn's functions); the tests
cross-check them against fairlearn wherever both are defined.

The pieces live in their own modules: the metrics, policies and reason codes in
:mod:`~greennb.fairness._sri_policies`, the worst-to-best ratios and their bootstrap in
:mod:`~greennb.fairness._group_ratios`, the result in :mod:`~greennb.fairness._sri_result`.

Fairlearn's documentation warns that the four-fifths rule comes from US federal
employment law, where it marks prima facie evidence of adverse impact; outside
that context it is no general guarantee of fairness, and meeting it does not
make a model fair (fairlearn user guide, "The Four Fifths Rule: Often
Misapplied").
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from greennb._validation import fraction, integer
from greennb.errors import FairnessWarning
from greennb.fairness._group_ratios import (
    ComponentRatio,
    bootstrap_lower_bound,
    component_ratios,
    components_of,
    nanmin,
    worst_and_best,
)
from greennb.fairness._inputs import Prepared, prepare
from greennb.fairness._rates import COMPONENT_LABELS, add_component_columns
from greennb.fairness._sri_policies import (
    REASON_CODES,
    REGRESSION_SRI_METRICS,
    SRI_METRICS,
    UNDEFINED_IN_GROUP,
    meets_bar,
    resolve_bar,
    resolve_metrics,
)
from greennb.fairness._sri_result import SRIResult


def _by_group_table(
    prepared: Prepared, components: Sequence[str], min_group_size: int
) -> pd.DataFrame:
    table = prepared.group_values.copy()
    sizes = prepared.sizes
    table["size"] = sizes
    table["small"] = (sizes > 0) & (sizes < min_group_size)
    add_component_columns(table, prepared, components)
    table.index = pd.Index(prepared.groups, name="group")
    return table


def _explain(ratios: dict[str, ComponentRatio], score: float) -> tuple[str | None, str | None]:
    """Return (reason code, explanation) covering every undefined or partial ratio."""
    notes = []
    for component, ratio in ratios.items():
        label = COMPONENT_LABELS[component]
        if ratio.dropped:
            groups = ", ".join(f"{g!r} ({code})" for g, code in ratio.dropped.items())
            notes.append(f"{label} is undefined for {groups}, left out of the {label} ratio only")
        if math.isnan(ratio.value) and ratio.reason in UNDEFINED_IN_GROUP.values():
            notes.append(f"the {label} ratio is undefined: fewer than two groups remain")
        elif math.isnan(ratio.value):
            notes.append(f"the {label} ratio is undefined: {REASON_CODES[ratio.reason]}")
    if not notes:
        return None, None
    reasons = [r.reason for r in ratios.values() if r.reason is not None]
    partial = not math.isnan(score) and any(math.isnan(r.value) for r in ratios.values())
    reason = "metric_undefined" if partial else reasons[0]
    return reason, "; ".join(notes) + "."


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
        an infinite value in y_true or y_pred,
        non-binary labels, a ``pos_label`` that does not occur, a negative
        ``min_group_size``/``n_bootstrap`` or a ``confidence`` outside (0, 1).
    TypeError
        ``bar`` that is neither a number nor a policy name, ``min_group_size``
        or ``n_bootstrap`` that is not an integer, ``confidence`` that is not a number.

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
    metric_names = resolve_metrics(metric)
    bar_value, policy = resolve_bar(bar)
    min_group_size = integer(min_group_size, name="min_group_size", minimum=0, unit="rows")
    n_bootstrap = integer(n_bootstrap, name="n_bootstrap", minimum=0, unit="resamples")
    fraction(confidence, name="confidence", low_open=True, high_open=True)
    task = "regression" if metric_names[0] in REGRESSION_SRI_METRICS else "classification"
    prepared = prepare(y_true, y_pred, sensitive_features, task=task, pos_label=pos_label)
    components = components_of(metric_names)
    ratios = component_ratios(prepared, components)

    score = nanmin([ratio.value for ratio in ratios.values()])
    defined = [ratio for ratio in ratios.values() if ratio.value == score]
    binding = defined[0] if defined else None
    worst, best = worst_and_best(binding, prepared.groups, positive_is_favourable)
    reason, explanation = _explain(ratios, score)
    by_group = _by_group_table(prepared, components, min_group_size)
    small = tuple(by_group.index[by_group["small"]])
    _warn_about(reason, explanation, small, min_group_size, by_group)

    lower_bound = None
    if n_bootstrap:
        bound, n_undefined = bootstrap_lower_bound(
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
        meets_bar=meets_bar(score, bar_value),
        by_group=by_group,
        metric_scores={m: nanmin([ratios[c].value for c in SRI_METRICS[m]]) for m in metric_names},
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
