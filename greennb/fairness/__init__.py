"""Group metrics (fairlearn MetricFrame), the SRI, calibration and mitigation."""

from greennb.fairness._calibration import (
    CALIBRATION_STRATEGIES,
    GroupCalibration,
    calibration_by_group,
)
from greennb.fairness._group_metrics import (
    CLASSIFICATION_METRICS,
    COMPONENT_LABELS,
    DEFAULT_SENSITIVE_NAME,
    REGRESSION_METRICS,
    TASKS,
    FairnessWarning,
    GroupMetrics,
    group_metrics,
)
from greennb.fairness._mitigation import (
    MITIGATION_CONSTRAINTS,
    MITIGATION_METHODS,
    MitigatedClassifier,
    mitigate,
    sri_metric_for,
)
from greennb.fairness._sri import (
    BAR_TOLERANCE,
    COMPLIANCE_POLICIES,
    POLICY_SOURCES,
    REASON_CODES,
    REGRESSION_SRI_METRICS,
    SRI_METRICS,
    SRIResult,
    social_responsibility_index,
)

__all__ = [
    "BAR_TOLERANCE",
    "CALIBRATION_STRATEGIES",
    "CLASSIFICATION_METRICS",
    "COMPLIANCE_POLICIES",
    "COMPONENT_LABELS",
    "DEFAULT_SENSITIVE_NAME",
    "GroupMetrics",
    "FairnessWarning",
    "GroupCalibration",
    "MITIGATION_CONSTRAINTS",
    "MITIGATION_METHODS",
    "MitigatedClassifier",
    "POLICY_SOURCES",
    "REASON_CODES",
    "REGRESSION_METRICS",
    "REGRESSION_SRI_METRICS",
    "SRIResult",
    "SRI_METRICS",
    "TASKS",
    "calibration_by_group",
    "group_metrics",
    "mitigate",
    "social_responsibility_index",
    "sri_metric_for",
]
