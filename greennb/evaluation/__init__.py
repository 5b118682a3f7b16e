"""Evaluation: one record per model or variant, quality, energy and fairness together.

- :mod:`~greennb.evaluation._variant`: :func:`evaluate_variant` and its
  :class:`VariantEvaluation` (size, latency, energy per 1,000 predictions, quality, SRI);
- :mod:`~greennb.evaluation._tables`: :func:`variant_table`, :func:`variant_group_table`,
  and over run-record model entries :func:`models_table`, :func:`fairness_cost_table`;
- :mod:`~greennb.evaluation._lifetime`: :func:`lifetime_energy` (training plus the served
  predictions, with the method's interval and the repeats' range) and
  :func:`lifetime_intervals` (ready for :func:`greennb.carbon_scenarios`);
- :mod:`~greennb.evaluation._screening`: :func:`screen_at_capacity` (a rare positive class:
  flag the riskiest rows, as many as the training rows' share) and :func:`each_warning_once`;
- :mod:`~greennb.evaluation._quality_difference`: :func:`quality_score` (ROC AUC or MAE) and
  :func:`quality_difference` (two models on the same test rows, a paired bootstrap of the
  difference, a verdict beyond the noise);
- :mod:`~greennb.evaluation._demo`: :func:`run_demo`, the workflow of ``greennb demo``.
"""

from greennb.evaluation._demo import (
    DEFAULT_DEMO_DATASET,
    DEFAULT_DEMO_MODEL,
    DEMO_SRI_METRIC,
    DemoOutcome,
    run_demo,
)
from greennb.evaluation._lifetime import lifetime_energy, lifetime_intervals
from greennb.evaluation._quality_difference import (
    QUALITY_METRICS,
    QUALITY_VERDICTS,
    QualityDifference,
    quality_difference,
    quality_score,
)
from greennb.evaluation._screening import each_warning_once, screen_at_capacity
from greennb.evaluation._tables import (
    fairness_cost_table,
    models_table,
    variant_group_table,
    variant_table,
)
from greennb.evaluation._variant import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MIN_SECONDS,
    STATUS_NOT_GIVEN,
    VariantEvaluation,
    evaluate_variant,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_DEMO_DATASET",
    "DEFAULT_DEMO_MODEL",
    "DEFAULT_MIN_SECONDS",
    "DEMO_SRI_METRIC",
    "DemoOutcome",
    "QUALITY_METRICS",
    "QUALITY_VERDICTS",
    "QualityDifference",
    "STATUS_NOT_GIVEN",
    "VariantEvaluation",
    "each_warning_once",
    "evaluate_variant",
    "fairness_cost_table",
    "lifetime_energy",
    "lifetime_intervals",
    "models_table",
    "quality_difference",
    "quality_score",
    "run_demo",
    "screen_at_capacity",
    "variant_group_table",
    "variant_table",
]
