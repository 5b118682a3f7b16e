"""Lifetime energy of each variant: its training plus the predictions it will serve.

``E_life = E_train + N × e_prediction``, with ``N`` the predictions served and ``e_prediction``
the median of the repeated inference measurements (:func:`greennb.energy.verdict_table`). Two
uncertainties travel with it, kept apart because they answer different questions:

* the **method's interval** (``_low``/``_high``): how wrong the estimator may be, e.g. a TDP or
  a RAM power 30 % off. Training and inference are estimated by the same method on the same
  machine, so their errors are taken as fully correlated: the bounds add (low with low, high
  with high), which is what an error in a power figure does;
* the **repeats' range** (``_min``/``_max``): the run-to-run spread of the inference repeats,
  scaled by ``N``; the training is one measurement and enters at its value. Comparisons
  between variants on one machine use this range (the method's error cancels between them),
  e.g. :func:`greennb.plots.pareto_optimal` with ``x_range``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from greennb._validation import integer, require_columns
from greennb.energy import EnergyInterval

WH_PER_MWH = 1e-3
VARIANT_COLUMNS = ("variant", "training_wh", "training_wh_low", "training_wh_high")
VERDICT_COLUMNS = ("mWh_per_1000", "low_mWh", "high_mWh", "min_mWh", "max_mWh")
#: Suffixes of the added columns, in the order of VERDICT_COLUMNS: the central figure, the
#: method's interval, the repeats' range.
BOUNDS = ("", "_low", "_high", "_min", "_max")


def lifetime_energy(
    variants: pd.DataFrame, verdicts: pd.DataFrame, *, served_predictions: int
) -> pd.DataFrame:
    """Add each variant's inference median and lifetime energy, with both uncertainties.

    Parameters
    ----------
    variants : pandas.DataFrame
        :func:`greennb.evaluation.variant_table`'s rows (``variant``, ``training_wh`` and its
        ``_low``/``_high`` bounds, Wh).
    verdicts : pandas.DataFrame
        :func:`greennb.energy.verdict_table` of the variants' repeated inference, made with
        ``predictions=`` (indexed by variant; ``mWh_per_1000``, ``low_mWh``, ``high_mWh``,
        ``min_mWh``, ``max_mWh``, mWh per 1,000 predictions).
    served_predictions : int
        ``N``, the predictions a variant serves in its life (>= 0).

    Returns
    -------
    pandas.DataFrame
        A copy of ``variants`` with ``inference_wh_per_1000_median`` and ``lifetime_wh``
        (Wh), each with the suffixes ``_low``/``_high`` (the method's interval) and
        ``_min``/``_max`` (the repeats' range; the training enters at its value). A variant
        without a training or inference figure gets NaN.

    Raises
    ------
    greennb.errors.InvalidValueError
        For missing columns (the message names them) or a negative ``served_predictions``.

    Examples
    --------
    >>> variants = pd.DataFrame({"variant": ["teacher"], "training_wh": [2.0],
    ...                          "training_wh_low": [1.0], "training_wh_high": [3.0]})
    >>> verdicts = pd.DataFrame({"mWh_per_1000": [4.0], "low_mWh": [2.0], "high_mWh": [6.0],
    ...                          "min_mWh": [3.5], "max_mWh": [5.0]}, index=["teacher"])
    >>> life = lifetime_energy(variants, verdicts, served_predictions=500_000)
    >>> life.loc[0, ["lifetime_wh", "lifetime_wh_low", "lifetime_wh_high"]].to_list()
    [4.0, 2.0, 6.0]
    >>> life.loc[0, ["lifetime_wh_min", "lifetime_wh_max"]].to_list()
    [3.75, 4.5]
    """
    require_columns(variants, VARIANT_COLUMNS, role="variants (variant_table)")
    require_columns(verdicts, VERDICT_COLUMNS, role="verdicts (verdict_table with predictions=)")
    served = integer(served_predictions, name="served_predictions")
    table = variants.copy()
    for suffix, inference_column in zip(BOUNDS, VERDICT_COLUMNS, strict=True):
        per_1000 = pd.to_numeric(verdicts[inference_column], errors="coerce") * WH_PER_MWH
        inference = table["variant"].map(per_1000)
        # the method's bounds add bound to bound; the repeats' range has one training figure
        training = table[f"training_wh{suffix}" if suffix in ("_low", "_high") else "training_wh"]
        table[f"inference_wh_per_1000_median{suffix}"] = inference
        table[f"lifetime_wh{suffix}"] = pd.to_numeric(training, errors="coerce") + (
            served / 1000 * inference
        )
    return table


def lifetime_intervals(table: pd.DataFrame) -> dict[str, EnergyInterval]:
    """Return each variant's lifetime energy as an :class:`~greennb.energy.EnergyInterval` (kWh).

    The method's interval (``lifetime_wh_low``/``_high``), ready to be priced on grids by
    :func:`greennb.carbon_scenarios`; variants without a lifetime figure are left out.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`lifetime_energy`.

    Returns
    -------
    dict of str to EnergyInterval
        Variant name → lifetime energy (kWh), in the table's order.
    """
    require_columns(table, ["variant", "lifetime_wh"], role="lifetime table (lifetime_energy)")
    intervals: dict[str, Any] = {}
    for row in table.itertuples():
        value = row.lifetime_wh
        if pd.isna(value):
            continue
        low, high = getattr(row, "lifetime_wh_low", value), getattr(row, "lifetime_wh_high", value)
        bounds = (value, value) if pd.isna(low) or pd.isna(high) else (low, high)
        intervals[row.variant] = EnergyInterval(value / 1000, bounds[0] / 1000, bounds[1] / 1000)
    return intervals
