"""EnergyInterval: construction, scaling through PUE and carbon, sums, errors."""

import pytest

from greennb.energy import EnergyInterval
from greennb.energy._interval import ORDER_MSG, RELATIVE_MSG
from greennb.errors import InvalidTypeError, InvalidValueError


def test_relative_errors_by_hand():
    e = EnergyInterval.from_relative(2e-3, low=-0.25, high=0.5)
    assert (e.low, e.value, e.high) == pytest.approx((1.5e-3, 2e-3, 3e-3))
    assert e.width == pytest.approx(1.5e-3)
    assert EnergyInterval.from_relative(1.0, low=-2.0, high=0.0).low == 0.0  # floored at 0 kWh


def test_scaling_by_pue_and_carbon_intensity_scales_every_bound():
    e = EnergyInterval(2e-3, 1.5e-3, 3e-3)
    grams = e * 1.5 * 400.0  # E × PUE × CI (g/kWh)
    assert (grams.low, grams.value, grams.high) == pytest.approx((0.9, 1.2, 1.8))
    assert (0.5 * e).value == pytest.approx(1e-3)


def test_sums_add_lows_and_highs():
    total = EnergyInterval(1.0, 0.8, 1.3) + EnergyInterval(2.0, 1.5, 2.2)
    assert (total.low, total.value, total.high) == pytest.approx((2.3, 3.0, 3.5))
    assert EnergyInterval.exact(0.0) + EnergyInterval.exact(1.0) == EnergyInterval.exact(1.0)


def test_overlap():
    a = EnergyInterval(1.0, 0.7, 1.3)
    assert a.overlaps(EnergyInterval(1.4, 1.25, 1.5))
    assert not a.overlaps(EnergyInterval(2.0, 1.4, 2.6))


def test_bad_intervals_name_the_values():
    with pytest.raises(InvalidValueError, match="low <= value <= high"):
        EnergyInterval(1.0, 1.2, 2.0)
    with pytest.raises(InvalidValueError, match="low <= 0 <= high"):
        EnergyInterval.from_relative(1.0, low=0.1, high=0.2)
    with pytest.raises(InvalidTypeError, match="value must be a real number"):
        EnergyInterval("1", 0.0, 2.0)
    with pytest.raises(InvalidValueError, match="factor >= 0"):
        EnergyInterval.exact(1.0) * -1
    assert "{low}" in ORDER_MSG and "{high}" in RELATIVE_MSG
