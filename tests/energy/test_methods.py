"""Tests of greennb.energy._methods: the error ranges and a component's method."""

import pytest

from greennb.energy import ERROR_RANGES, ComponentMethod, EnergyInterval
from greennb.energy._methods import UNKNOWN_ERROR_MSG, absent, unknown
from greennb.errors import InvalidValueError


@pytest.mark.parametrize("key", sorted(ERROR_RANGES))
def test_every_error_range_is_ordered_and_cited(key):
    error = ERROR_RANGES[key]
    assert error.low <= 0 <= error.high
    assert len(error.source) > 40  # says where the range comes from


def test_counters_are_trusted_more_than_models():
    measured = ("rapl", "windows_emi", "intel_power_gadget", "nvml")
    modelled = ("cpu_load_table", "cpu_load_fallback", "cpu_load_generic", "ram_model")
    widest_measured = max(ERROR_RANGES[k].high - ERROR_RANGES[k].low for k in measured)
    narrowest_model = min(ERROR_RANGES[k].high - ERROR_RANGES[k].low for k in modelled)
    assert widest_measured < narrowest_model
    # CodeCarbon's guesses without the real CPU's TDP are the least certain CPU figures.
    assert ERROR_RANGES["cpu_load_fallback"].high > ERROR_RANGES["cpu_load_table"].high


def test_a_method_turns_a_figure_into_its_interval():
    ram = ComponentMethod(
        "ram", "estimated", "CodeCarbon RAM model", "estimated: x", {}, "ram_model"
    )
    assert ram.interval(None) is None
    assert ram.interval(1.0) == EnergyInterval(1.0, 0.4, 1.5)
    assert ram.parameters_with_error()["error_range"] == {
        "key": "ram_model",
        "low": -0.6,
        "high": 0.5,
    }
    gpu = absent("gpu", "no GPU detected")
    assert gpu.method == "absent: no GPU detected" and gpu.interval(0.0) == EnergyInterval.exact(
        0.0
    )
    assert gpu.parameters_with_error() == {}
    widest = unknown("cpu", "why").interval(1.0)
    assert (widest.low, widest.high) == (pytest.approx(0.2), pytest.approx(3.0))


def test_an_unknown_error_key_is_refused():
    with pytest.raises(InvalidValueError) as info:
        ComponentMethod("cpu", "estimated", "s", "estimated: s", {}, "guess")
    assert str(info.value).startswith(UNKNOWN_ERROR_MSG.split("{")[0] + "'guess'")
