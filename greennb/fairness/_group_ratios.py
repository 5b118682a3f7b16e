"""Worst-to-best group ratios ``min_g m(g) / max_g m(g)`` from counts, and their bootstrap.

A ratio is taken over the groups where the quantity is defined: a group whose denominator is
0 (no actual positives for the TPR, no rows at all) is left out of that ratio only, with a
reason code from :data:`~greennb.fairness.REASON_CODES`; fewer than two groups left, or every
value 0, gives NaN, never a silent 1.0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from greennb.fairness._inputs import Prepared
from greennb.fairness._rates import component_counts
from greennb.fairness._sri_policies import SRI_METRICS, UNDEFINED_IN_GROUP


@dataclass(frozen=True)
class ComponentRatio:
    """``min_g / max_g`` of one per-group quantity over the groups where it is defined.

    Attributes
    ----------
    component : str
        The quantity (``"selection_rate"``, ``"true_positive_rate"``, ``"mae"``...).
    value : float
        The ratio in [0, 1], or NaN.
    reason : str or None
        Reason code when the ratio is NaN or left groups out.
    dropped : dict of str to str
        Group label → reason code, for groups left out of this ratio.
    min_group, max_group : int or None
        Codes of the groups with the smallest and the largest value.
    """

    component: str
    value: float
    reason: str | None
    dropped: dict[str, str]
    min_group: int | None = None
    max_group: int | None = None


def nanmin(values: Sequence[float]) -> float:
    """Smallest non-NaN value (NaN if none), whatever the order.

    Python's ``min`` is order-dependent with NaN: ``min([nan, 0.5])`` is nan
    but ``min([0.5, nan])`` is 0.5.
    """
    defined = [value for value in values if not math.isnan(value)]
    return min(defined) if defined else math.nan


def _component_ratio(
    component: str,
    numerator: np.ndarray,
    denominator: np.ndarray,
    sizes: np.ndarray,
    groups: Sequence[str],
) -> ComponentRatio:
    if np.count_nonzero(sizes) < 2:
        return ComponentRatio(component, math.nan, "single_group", {})
    undefined_code = UNDEFINED_IN_GROUP.get(component, "empty_group")
    dropped = {
        groups[i]: "empty_group" if sizes[i] == 0 else undefined_code
        for i in np.flatnonzero(denominator == 0)
    }
    codes_in_order = sorted(set(dropped.values()), key=lambda code: code == "empty_group")
    reason = codes_in_order[0] if codes_in_order else None
    defined = np.flatnonzero(denominator > 0)
    if len(defined) < 2:
        return ComponentRatio(component, math.nan, reason, dropped)
    values = numerator[defined] / denominator[defined]
    lowest, highest = defined[np.argmin(values)], defined[np.argmax(values)]
    if values.max() == 0:
        return ComponentRatio(component, math.nan, "all_zero", dropped, lowest, highest)
    ratio = float(values.min() / values.max())
    return ComponentRatio(component, ratio, reason, dropped, lowest, highest)


def component_ratios(
    prepared: Prepared, components: Sequence[str], rows: np.ndarray | None = None
) -> dict[str, ComponentRatio]:
    """Return the worst-to-best ratio of each quantity over ``rows`` (default all rows)."""
    sizes = prepared.sizes
    return {
        component: _component_ratio(
            component, *component_counts(component, prepared, rows), sizes, prepared.groups
        )
        for component in components
    }


def components_of(metric_names: Sequence[str]) -> tuple[str, ...]:
    """Return the per-group quantities the SRI metrics are built from, without repeats."""
    return tuple(dict.fromkeys(c for name in metric_names for c in SRI_METRICS[name]))


def _higher_is_worse(component: str, positive_is_favourable: bool) -> bool:
    if component in ("mae", "mape"):
        return True
    if component == "accuracy":
        return False
    return not positive_is_favourable  # rates of positive predictions


def worst_and_best(
    ratio: ComponentRatio | None, groups: Sequence[str], positive_is_favourable: bool
) -> tuple[str | None, str | None]:
    """Return the labels of the worse-off and the better-off group of a ratio.

    The worse-off group has the higher error, the lower accuracy, and the lower rate of
    positive predictions when a positive is favourable (the higher one otherwise).
    """
    if ratio is None or ratio.min_group is None or math.isnan(ratio.value):
        return None, None
    low, high = groups[ratio.min_group], groups[ratio.max_group]
    if _higher_is_worse(ratio.component, positive_is_favourable):
        return high, low
    return low, high


def bootstrap_scores(
    prepared: Prepared,
    components: Sequence[str],
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Return ``A`` (the NaN-aware minimum ratio) on each of ``n_bootstrap`` resamples.

    Rows are resampled with replacement within each group, so every group
    keeps its size (stratified bootstrap); an undefined resample is NaN.
    """
    members = [np.flatnonzero(prepared.codes == g) for g in range(len(prepared.groups))]
    members = [rows for rows in members if len(rows)]
    scores = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        rows = np.concatenate([m[rng.integers(0, len(m), size=len(m))] for m in members])
        ratios = component_ratios(prepared, components, rows)
        scores[b] = nanmin([r.value for r in ratios.values()])
    return scores


def bootstrap_lower_bound(
    prepared: Prepared,
    components: Sequence[str],
    *,
    n_bootstrap: int,
    confidence: float,
    rng: np.random.Generator,
) -> tuple[float, int]:
    """Percentile-bootstrap lower bound of ``A`` and the number of undefined resamples.

    The resamples are those of :func:`bootstrap_scores` (stratified by group).
    """
    scores = bootstrap_scores(prepared, components, n_bootstrap=n_bootstrap, rng=rng)
    n_undefined = int(np.isnan(scores).sum())
    if n_undefined == n_bootstrap:
        return math.nan, n_undefined
    return float(np.nanquantile(scores, 1.0 - confidence)), n_undefined
