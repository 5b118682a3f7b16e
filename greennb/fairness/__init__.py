"""Fairness of predictions across groups: group metrics, the SRI, calibration and mitigation.

What lives where
----------------
``_inputs``
    The input checks and group encoding every function shares, and :func:`group_label`.
``_rates``
    Per-group rates and errors from explicit counts (0/0 stays NaN).
``_group_metrics``
    :func:`group_metrics` and :class:`GroupMetrics`, built on fairlearn's ``MetricFrame``.
``_sri_policies``
    :data:`SRI_METRICS`, :data:`COMPLIANCE_POLICIES`, :data:`POLICY_SOURCES`,
    :data:`REASON_CODES` and :data:`BAR_TOLERANCE`.
``_group_ratios``
    Worst-to-best group ratios ``min_g m(g) / max_g m(g)`` and their bootstrap.
``_sri``, ``_sri_result``
    :func:`social_responsibility_index` (``R = A / B``) and :class:`SRIResult`.
``_rate_intervals``
    :func:`wilson_interval`, :func:`rate_intervals` and :func:`group_rate_intervals`: Wilson
    score intervals on per-group rates (:data:`RATE_METRICS`).
``_sri_interval``
    :func:`sri_interval` and :class:`SRIInterval`: ``R`` with a two-sided bootstrap interval
    and a verdict against the bar.
``_resolution``
    :func:`accuracy_difference` and :class:`AccuracyDifference`: two accuracies on the same
    rows against the ``1/n`` step.
``_calibration``
    :func:`calibration_by_group` and :class:`GroupCalibration`.
``_mitigation``, ``_mitigated_classifier``
    :func:`mitigate` (fairlearn's postprocessing and reductions), :func:`sri_metric_for`
    and :class:`MitigatedClassifier`.
``_constraint_bound``
    :func:`mitigate_to_bound`: reductions with the constraint's ``difference_bound`` as a knob,
    for a constraint-strength sweep (a fairness-accuracy frontier).

Warnings about undefined or noisy groups are :class:`greennb.errors.FairnessWarning`.
"""

from greennb.fairness._calibration import (
    CALIBRATION_STRATEGIES,
    GroupCalibration,
    calibration_by_group,
)
from greennb.fairness._constraint_bound import DEFAULT_DIFFERENCE_BOUND, mitigate_to_bound
from greennb.fairness._group_metrics import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    GroupMetrics,
    group_metrics,
)
from greennb.fairness._inputs import group_label
from greennb.fairness._mitigated_classifier import MitigatedClassifier
from greennb.fairness._mitigation import (
    MITIGATION_CONSTRAINTS,
    MITIGATION_METHODS,
    mitigate,
    sri_metric_for,
)
from greennb.fairness._rate_intervals import (
    RATE_METRICS,
    group_rate_intervals,
    rate_intervals,
    wilson_interval,
)
from greennb.fairness._resolution import AccuracyDifference, accuracy_difference
from greennb.fairness._sri import social_responsibility_index
from greennb.fairness._sri_interval import SRI_VERDICTS, SRIInterval, sri_interval
from greennb.fairness._sri_policies import (
    BAR_TOLERANCE,
    COMPLIANCE_POLICIES,
    POLICY_SOURCES,
    REASON_CODES,
    REGRESSION_SRI_METRICS,
    SRI_METRICS,
)
from greennb.fairness._sri_result import SRIResult

__all__ = [
    "AccuracyDifference",
    "BAR_TOLERANCE",
    "CALIBRATION_STRATEGIES",
    "CLASSIFICATION_METRICS",
    "COMPLIANCE_POLICIES",
    "DEFAULT_DIFFERENCE_BOUND",
    "GroupCalibration",
    "GroupMetrics",
    "MITIGATION_CONSTRAINTS",
    "MITIGATION_METHODS",
    "MitigatedClassifier",
    "POLICY_SOURCES",
    "RATE_METRICS",
    "REASON_CODES",
    "REGRESSION_METRICS",
    "REGRESSION_SRI_METRICS",
    "SRIInterval",
    "SRIResult",
    "SRI_METRICS",
    "SRI_VERDICTS",
    "accuracy_difference",
    "calibration_by_group",
    "group_label",
    "group_metrics",
    "group_rate_intervals",
    "mitigate",
    "mitigate_to_bound",
    "rate_intervals",
    "social_responsibility_index",
    "sri_interval",
    "sri_metric_for",
    "wilson_interval",
]
