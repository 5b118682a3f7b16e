"""run_demo: one baseline trained and scored under the energy tracker (behind ``greennb demo``)."""

from __future__ import annotations

import math

import pytest

from greennb.energy import Pricing
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.evaluation import run_demo


def test_run_demo_returns_consistent_figures():
    outcome = run_demo(dataset="hmda", model="logistic", pricing=Pricing("SWE", pue=1.5), seed=1)
    assert list(outcome.quality) == ["accuracy"] and 0.8 < outcome.quality["accuracy"] <= 1.0
    computation = outcome.train.energy_kwh + outcome.inference.energy_kwh
    assert outcome.total.energy_kwh == pytest.approx(computation)
    assert outcome.total.phases == ["train", "inference"]
    assert outcome.facility.computation_kwh == pytest.approx(computation)
    assert outcome.facility.total_kwh == pytest.approx(1.5 * computation)
    assert outcome.emissions_g == pytest.approx(outcome.pricing.emissions_g(computation))
    sri = outcome.sri
    assert sri.metric == "demographic_parity"
    assert sri.value == pytest.approx(sri.fairness_score / sri.bar)
    assert math.isfinite(sri.value)


def test_run_demo_on_a_forecast_uses_an_error_metric():
    outcome = run_demo(dataset="victoria_electricity", model="linear")
    assert list(outcome.quality) == ["mae"]
    assert outcome.sri.metric == "mae"


def test_run_demo_refuses_an_unknown_model_and_a_pricing_of_the_wrong_type():
    with pytest.raises(InvalidValueError, match="forest"):
        run_demo(model="forest")
    with pytest.raises(InvalidTypeError, match="pricing must be a greennb.energy.Pricing"):
        run_demo(pricing={"country": "FRA"})
