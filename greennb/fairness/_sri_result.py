"""The result of the social responsibility index: ``R``, ``A``, ``B`` and their diagnostics."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from greennb._json import json_number
from greennb.fairness._inputs import plain
from greennb.fairness._rates import COMPONENT_LABELS
from greennb.fairness._sri_policies import METRIC_DESCRIPTIONS, POLICY_SOURCES


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
            str(label): {str(column): json_number(plain(value)) for column, value in row.items()}
            for label, row in self.by_group.iterrows()
        }
        return {
            "value": json_number(self.value),
            "fairness_score": json_number(self.fairness_score),
            "bar": self.bar,
            "policy": self.policy,
            "policy_source": POLICY_SOURCES[self.policy],
            "metric": self.metric if isinstance(self.metric, str) else list(self.metric),
            "metric_scores": {k: json_number(v) for k, v in self.metric_scores.items()},
            "meets_bar": self.meets_bar,
            "binding_component": self.binding_component,
            "worst_group": self.worst_group,
            "best_group": self.best_group,
            "reason": self.reason,
            "explanation": self.explanation,
            "dropped_groups": {k: dict(v) for k, v in self.dropped_groups.items()},
            "small_groups": list(self.small_groups),
            "min_group_size": self.min_group_size,
            "lower_bound": json_number(self.lower_bound),
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
        described = " & ".join(METRIC_DESCRIPTIONS[name] for name in names)
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
