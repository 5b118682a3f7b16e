"""One record per model or variant: quality, energy and fairness."""

from greennb.evaluation._tables import (
    fairness_cost_table,
    models_table,
)
from greennb.evaluation._variant import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_FORECAST_AFTER,
    DEFAULT_MIN_SECONDS,
    STATUS_NOT_GIVEN,
    VariantEvaluation,
    evaluate_variant,
    variant_group_table,
    variant_table,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_FORECAST_AFTER",
    "DEFAULT_MIN_SECONDS",
    "STATUS_NOT_GIVEN",
    "VariantEvaluation",
    "evaluate_variant",
    "fairness_cost_table",
    "models_table",
    "variant_group_table",
    "variant_table",
]
