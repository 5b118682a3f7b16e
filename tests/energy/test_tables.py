"""component_table and phase_table: mWh, intervals, methods and attribution, by hand."""

import dataclasses
import math

import pytest

from greennb.energy import EnergyInterval, component_table, phase_table


def test_component_table_in_mwh_with_intervals_and_methods(energy_result):
    result = dataclasses.replace(
        energy_result(2e-6, 1.0, phase="train"),
        cpu_interval=EnergyInterval(2e-6, 1e-6, 4e-6),
        cpu_method="estimated: CodeCarbon fallback, 4 W per thread",
    )
    table = component_table(result)
    assert list(table.index) == ["CPU", "GPU", "RAM"]
    cpu = table.loc["CPU"]
    assert (cpu["energy_mWh"], cpu["low_mWh"], cpu["high_mWh"]) == pytest.approx((2.0, 1.0, 4.0))
    assert cpu["flag"] == "estimated" and cpu["method"].startswith("estimated: CodeCarbon")
    assert table.loc["GPU", "energy_mWh"] == 0.0


def test_phase_table_keeps_missing_dynamic_energy_as_nan_with_its_reason(energy_result):
    shared = dataclasses.replace(
        energy_result(3e-6, 2.0, phase="train"),
        interval=EnergyInterval(3e-6, 1.5e-6, 6e-6),
        attribution="machine shared: not attributable",
        dynamic_reason="not computed: the machine was shared",
    )
    quiet = dataclasses.replace(energy_result(1e-6, 1.0, phase="evaluate"), dynamic_energy_kwh=5e-7)
    table = phase_table([shared, quiet])
    assert list(table["phase"]) == ["train", "evaluate"]
    assert table.loc[0, ["total_mWh", "low_mWh", "high_mWh"]].tolist() == pytest.approx([3, 1.5, 6])
    assert math.isnan(table.loc[0, "dynamic_mWh"]) and "shared" in table.loc[0, "dynamic_reason"]
    assert table.loc[1, "dynamic_mWh"] == pytest.approx(0.5)
    assert table.loc[0, "attribution"].startswith("machine shared")
