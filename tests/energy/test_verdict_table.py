"""Tests of greennb.energy._verdict_table.verdict_table: medians, spreads and verdicts per name."""

import dataclasses
import math

import pytest

from greennb.energy import EnergyInterval
from greennb.energy._repeat import summarise_samples
from greennb.energy._verdict_table import (
    NO_FIGURES_MSG,
    REFERENCE,
    UNAVAILABLE,
    UNKNOWN_BASELINE_MSG,
    verdict_table,
)
from greennb.errors import InvalidValueError

NONE = "no measurable difference"


def samples(*kwh):
    return [EnergyInterval.exact(e) for e in kwh]


def test_the_lowest_median_is_the_reference_and_comes_first():
    table = verdict_table(
        {
            "teacher": samples(2.0e-6, 2.1e-6, 2.05e-6),
            "int8": samples(1.0e-6, 1.05e-6, 0.98e-6),
            "pruned": samples(1.97e-6, 2.0e-6, 2.1e-6),
        }
    )
    assert list(table.index) == ["int8", "teacher", "pruned"]
    assert table["verdict"].to_list() == [REFERENCE, "more", "more"]
    assert table.loc["int8", "ratio"] == 1.0
    assert table.loc["teacher", "ratio"] == pytest.approx(2.05 / 1.0)
    assert table.loc["int8", "sentence"] == (
        "int8 has the lowest median; it uses less energy than teacher, pruned"
    )
    assert table.loc["teacher", "sentence"].startswith("teacher uses more energy than int8 (2.05×")


def test_a_given_baseline_comes_first_and_the_summary_groups_the_verdicts():
    table = verdict_table(
        {
            "student": samples(0.5e-6),
            "teacher": samples(1.0e-6),
            "pruned": samples(0.99e-6),
            "bf16": samples(3e-6),
        },
        baseline="teacher",
    )
    assert list(table.index) == ["teacher", "student", "pruned", "bf16"]
    assert table["verdict"].to_list() == [REFERENCE, "less", NONE, "more"]
    assert table.loc["teacher", "sentence"] == (
        "compared with teacher; less energy: student; more energy: bf16; "
        "no measurable difference: pruned"
    )
    assert table.loc["pruned", "sentence"].startswith("no measurable difference between pruned")


def test_columns_are_mwh_with_the_medians_interval_spread_and_repeats():
    wide = [EnergyInterval.from_relative(e, low=-0.5, high=0.5) for e in (1e-6, 2e-6, 1.5e-6)]
    table = verdict_table({"a": wide})
    row = table.loc["a"]
    assert (row["mWh"], row["low_mWh"], row["high_mWh"]) == pytest.approx((1.5, 0.75, 2.25))
    assert (row["min_mWh"], row["max_mWh"]) == pytest.approx((1.0, 2.0))  # the repeats' range
    assert row["spread"] == pytest.approx((2 - 1) / 1.5)
    assert row["repeats"] == 3
    assert row["sentence"] == "a has the lowest median; nothing else to compare"


def test_predictions_give_energies_per_1000_predictions():
    table = verdict_table({"a": EnergyInterval.exact(2e-6)}, predictions=4000)
    assert "mWh" not in table and table.loc["a", "mWh_per_1000"] == pytest.approx(0.5)
    assert table.loc["a", ["min_mWh", "max_mWh"]].to_list() == pytest.approx([0.5, 0.5])
    assert table.loc["a", "spread"] == 0


def test_the_verdicts_are_compare_energys(energy_result):
    shared = dataclasses.replace(
        energy_result(1.3e-6, 1.0, phase="b"), attribution="machine shared: not attributable"
    )
    table = verdict_table({"a": energy_result(1e-6, 1.0, phase="a"), "b": shared})
    assert table.loc["b", "verdict"] == NONE  # 1.3× is within the shared machine's 35 % floor
    assert "machine shared during a" in table.loc["b", "sentence"]
    assert (
        verdict_table({"a": samples(1e-6), "b": samples(1.3e-6)}, noise=0.5).loc["b", "verdict"]
        == NONE
    )


def test_repeated_energy_is_compared_by_its_median_and_range(energy_result):
    fast = summarise_samples("fast", [energy_result(e, 1.0) for e in (1e-6, 1.02e-6, 1.01e-6)])
    slow = summarise_samples("slow", [energy_result(e, 1.0) for e in (2e-6, 2.1e-6, 1.9e-6)])
    table = verdict_table({"slow": slow, "fast": fast})
    assert table.loc["slow", "verdict"] == "more"
    assert table.loc["fast", "mWh"] == pytest.approx(1.01e-6 * 1e6)
    assert table.loc["slow", "spread"] == pytest.approx(slow.spread)


def test_a_figure_without_energy_is_unavailable_with_its_reason(energy_result):
    missing = dataclasses.replace(
        energy_result(1e-6, 1.0, phase="gpu"),
        energy_kwh=None,
        status="unavailable",
        reason="no NVML",
    )
    table = verdict_table({"cpu": samples(1e-6), "gpu": missing})
    assert table.loc["gpu", "verdict"] == UNAVAILABLE
    assert math.isnan(table.loc["gpu", "mWh"]) and table.loc["gpu", "repeats"] == 0
    assert "no NVML" in table.loc["gpu", "sentence"]
    assert table.loc["cpu", "verdict"] == REFERENCE


def test_an_unavailable_baseline_leaves_every_row_unavailable(energy_result):
    missing = dataclasses.replace(
        energy_result(1e-6, 1.0, phase="t"), energy_kwh=None, status="unavailable", reason="x"
    )
    table = verdict_table({"teacher": missing, "int8": samples(1e-6)}, baseline="teacher")
    assert table["verdict"].to_list() == [UNAVAILABLE, UNAVAILABLE]
    assert "phase 't'" in table.loc["int8", "sentence"]


def test_bad_arguments():
    with pytest.raises(InvalidValueError, match=NO_FIGURES_MSG):
        verdict_table({})
    expected = UNKNOWN_BASELINE_MSG.format(baseline="student", choices="teacher")
    with pytest.raises(InvalidValueError) as error:
        verdict_table({"teacher": samples(1e-6)}, baseline="student")
    assert str(error.value) == expected
    with pytest.raises(InvalidValueError, match="predictions"):
        verdict_table({"teacher": samples(1e-6)}, predictions=0)
