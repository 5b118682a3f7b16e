"""Tests of lifetime energy: E_life = E_train + N × e_prediction, with both uncertainties."""

import math

import pandas as pd
import pytest

import greennb as gnb
from greennb.errors import InvalidValueError
from greennb.evaluation import lifetime_energy, lifetime_intervals


@pytest.fixture
def variants():
    return pd.DataFrame(
        {
            "variant": ["teacher", "student", "broken"],
            "training_wh": [2.0, 3.0, math.nan],
            "training_wh_low": [1.0, 1.5, math.nan],
            "training_wh_high": [3.0, 4.5, math.nan],
            "accuracy": [0.9, 0.88, 0.5],
        }
    )


@pytest.fixture
def verdicts():
    # mWh per 1,000 predictions: the median, the method's interval, the repeats' range
    return pd.DataFrame(
        {
            "mWh_per_1000": [4.0, 1.0],
            "low_mWh": [2.0, 0.5],
            "high_mWh": [6.0, 1.5],
            "min_mWh": [3.5, 0.9],
            "max_mWh": [5.0, 1.2],
        },
        index=["teacher", "student"],
    )


def test_lifetime_is_training_plus_served_predictions(variants, verdicts):
    life = lifetime_energy(variants, verdicts, served_predictions=1_000_000).set_index("variant")
    # teacher: 2 Wh + 1,000 × 4 mWh = 6 Wh; bounds 1 + 2 and 3 + 6; range 2 + 3.5 and 2 + 5
    assert life.loc["teacher", "lifetime_wh"] == pytest.approx(6.0)
    assert life.loc["teacher", ["lifetime_wh_low", "lifetime_wh_high"]].to_list() == [3.0, 9.0]
    assert life.loc["teacher", ["lifetime_wh_min", "lifetime_wh_max"]].to_list() == [5.5, 7.0]
    assert life.loc["student", "inference_wh_per_1000_median"] == pytest.approx(0.001)
    assert life.loc["student", "lifetime_wh"] == pytest.approx(4.0)
    assert math.isnan(life.loc["broken", "lifetime_wh"])  # no figure: NaN, not 0
    assert life.loc["teacher", "accuracy"] == 0.9  # the variants' columns are kept
    assert "lifetime_wh" not in variants  # a copy


def test_zero_predictions_is_the_training_alone(variants, verdicts):
    life = lifetime_energy(variants, verdicts, served_predictions=0)
    assert life["lifetime_wh"].iloc[:2].to_list() == [2.0, 3.0]


def test_lifetime_intervals_price_on_grids_by_hand(variants, verdicts):
    life = lifetime_energy(variants, verdicts, served_predictions=1_000_000)
    intervals = lifetime_intervals(life)
    assert list(intervals) == ["teacher", "student"]  # "broken" has no figure
    teacher = intervals["teacher"]
    assert (teacher.value, teacher.low, teacher.high) == pytest.approx((0.006, 0.003, 0.009))
    table = gnb.carbon_scenarios(teacher, countries=["FRA"], pues=[1.5], renewable_shares=[0.0])
    intensity = table.loc[0, "carbon_intensity_g_per_kwh"]
    assert table.loc[0, "emissions_g"] == pytest.approx(0.006 * 1.5 * intensity)
    assert table.loc[0, "emissions_g_low"] == pytest.approx(0.003 * 1.5 * intensity)
    assert table.loc[0, "emissions_g_high"] == pytest.approx(0.009 * 1.5 * intensity)


@pytest.mark.parametrize(
    ("which", "column"), [("variants", "training_wh_low"), ("verdicts", "min_mWh")]
)
def test_missing_columns_are_named(variants, verdicts, which, column):
    tables = {"variants": variants, "verdicts": verdicts}
    tables[which] = tables[which].drop(columns=column)
    with pytest.raises(InvalidValueError, match=column):
        lifetime_energy(tables["variants"], tables["verdicts"], served_predictions=10)


def test_a_negative_number_of_predictions_is_refused(variants, verdicts):
    with pytest.raises(InvalidValueError, match="served_predictions.*-1"):
        lifetime_energy(variants, verdicts, served_predictions=-1)
