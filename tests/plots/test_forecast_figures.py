"""Forecasting helpers: lag features without leakage, the seasonal-naive baseline, scores."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from greennb import facility_energy
from greennb.plots._plots import facility_breakdown, forecast_vs_actual, group_error_bars

matplotlib.use("Agg")


def _daily(values, start="2024-01-01"):
    return pd.DataFrame(
        {"day": pd.date_range(start, periods=len(values), freq="D"), "load": values}
    )


# --------------------------------------------------------------------------- plots


def test_facility_breakdown_bars_are_the_parts_in_the_unit():
    facility = facility_energy(0.002, pue=1.5, cooling_share=0.6)
    ax = facility_breakdown(facility, unit="Wh", status="estimated")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([2.0, 0.4, 0.6])
    assert ax.get_ylabel() == "energy (Wh)"
    assert "E_total = 3 Wh at PUE 1.5" in ax.get_title()
    assert ax.get_title().endswith(", estimated")
    with pytest.raises(ValueError, match=r"Unknown energy unit 'J'; valid units: kWh, Wh, mWh"):
        facility_breakdown(facility, unit="J")


def test_forecast_vs_actual_and_group_errors():
    times = pd.date_range("2024-01-01", periods=3, freq="D")
    ax = forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 1.0, 2.0]}, unit="GW")
    assert ax.get_ylabel() == "value (GW)" and len(ax.get_lines()) >= 2
    with pytest.raises(ValueError, match=r"predictions\['naive'\] has 2 values but there are 3"):
        forecast_vs_actual(times, [1.0, 2.0, 3.0], {"naive": [1.0, 2.0]})
    table = pd.DataFrame({"model": ["a", "a"], "zone": ["x", "y"], "mape": [0.1, 0.2]})
    ax = group_error_bars(table, group="zone", metric="mape")
    assert [p.get_height() for p in ax.patches][:2] == pytest.approx([0.1, 0.2])
    assert ax.get_ylabel() == "MAPE (fraction of the actual value)"
    with pytest.raises(ValueError, match=r"group_error_bars needs the columns"):
        group_error_bars(table, group="station")
