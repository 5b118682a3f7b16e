"""The run record: pricing, the energy total of each model, names, sections, writing once."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from greennb.energy import (
    DEFAULT_PUE,
    EnergyInterval,
    Pricing,
    carbon_emissions,
    default_country,
)
from greennb.energy import _pricing as pricing_module
from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.fairness import social_responsibility_index
from greennb.runs import RUNS_DIR_ENV, RunRecord, read_metrics
from greennb.runs._record import (
    BAD_NAME_MSG,
    DUPLICATE_MODEL_MSG,
    NOT_PRICING_MSG,
    PRICING_TWICE_MSG,
)


def _sri():
    y_true = [1, 0, 1, 1, 0, 1, 0, 1]
    y_pred = [1, 0, 1, 0, 0, 1, 1, 1]
    groups = ["a"] * 4 + ["b"] * 4
    return social_responsibility_index(y_true, y_pred, groups, min_group_size=1)


def test_pricing_comes_from_the_keyword_triple_or_from_pricing(tmp_path):
    record = RunRecord("c", parameters={}, run_dir=tmp_path, country="FRA", pue=1.2)
    assert record.pricing == Pricing(country="FRA", pue=1.2, renewable_share=0.0)
    default = RunRecord("c", parameters={}, run_dir=tmp_path)
    assert default.pricing == Pricing(country=default_country(), pue=DEFAULT_PUE)
    given = Pricing(country="SWE", pue=1.1, renewable_share=0.5)
    assert RunRecord("c", parameters={}, run_dir=tmp_path, pricing=given).pricing is given


def test_pricing_is_checked_before_any_work(tmp_path):
    with pytest.raises(InvalidValueError, match="XYZ"):
        RunRecord("c", parameters={}, run_dir=tmp_path / "a", country="XYZ")
    with pytest.raises(InvalidValueError, match="0.9"):
        RunRecord("c", parameters={}, run_dir=tmp_path / "b", pue=0.9)
    with pytest.raises(InvalidValueError, match="1.5"):
        RunRecord("c", parameters={}, run_dir=tmp_path / "c", renewable_share=1.5)
    with pytest.raises(InvalidValueError) as info:
        RunRecord("c", parameters={}, run_dir=tmp_path, pricing=Pricing(country="FRA"), pue=1.2)
    assert str(info.value) == PRICING_TWICE_MSG.format(
        pricing=Pricing(country="FRA"), given={"pue": 1.2}
    )
    with pytest.raises(InvalidTypeError, match=NOT_PRICING_MSG.format(type_name="dict")):
        RunRecord("c", parameters={}, run_dir=tmp_path, pricing={"country": "FRA"})
    assert not (tmp_path / "a").exists()


def test_a_model_entry_totals_and_prices_its_phases(tmp_path, energy_result):
    record = RunRecord("c", parameters={}, run_dir=tmp_path, country="FRA", pue=1.5)
    phases = [
        energy_result(1e-3, 2.0, phase="train", status="measured"),
        energy_result(5e-4, 1.0, phase="inference", status="estimated"),
    ]
    entry = record.add_model("m", quality={"accuracy": np.float64(0.75)}, energy=phases)
    assert entry["energy_total"] == {
        "energy_kwh": pytest.approx(1.5e-3),
        "duration_s": 3.0,
        "status": "estimated",
        "phases": ["train", "inference"],
        "missing": [],
        "attribution": entry["energy_total"]["attribution"],  # the phases' own (fakes: "")
        # phases built without a method get the unknown method's range, -80 % to +200 %
        "interval": {
            "value": pytest.approx(1.5e-3),
            "low": pytest.approx(0.3e-3),
            "high": pytest.approx(4.5e-3),
        },
    }
    interval = EnergyInterval(**entry["energy_total"]["interval"])
    assert entry["carbon"] == Pricing(country="FRA", pue=1.5).price(interval)
    assert entry["quality"] == {"accuracy": 0.75} and type(entry["quality"]["accuracy"]) is float
    assert list(entry["energy"]) == ["train", "inference"]


def test_the_interval_propagates_through_pue_and_carbon(tmp_path, energy_result, monkeypatch):
    # A phase of [0.7, 1.0, 1.4] mWh on a 400 g/kWh grid, PUE 1.5: facility energy
    # [1.05, 1.5, 2.1] mWh, emissions [0.42, 0.6, 0.84] g CO2e (hand-computed).
    monkeypatch.setattr(pricing_module, "grid_carbon_intensity", lambda country: 400.0)
    monkeypatch.setattr(
        pricing_module,
        "carbon_emissions",
        lambda kwh, *, country, renewable_share: carbon_emissions(
            kwh, carbon_intensity=400.0, renewable_share=renewable_share
        ),
    )
    phase = dataclasses.replace(
        energy_result(1e-6, 1.0, phase="train"), interval=EnergyInterval(1e-6, 0.7e-6, 1.4e-6)
    )
    record = RunRecord("c", parameters={}, run_dir=tmp_path, country="FRA", pue=1.5)
    entry = record.add_model("m", quality={}, energy=[phase])
    assert entry["energy"]["train"]["interval"] == {"value": 1e-6, "low": 0.7e-6, "high": 1.4e-6}
    carbon = entry["carbon"]
    assert carbon["total_kwh_interval"] == {
        "value": pytest.approx(1.5e-6),
        "low": pytest.approx(1.05e-6),
        "high": pytest.approx(2.1e-6),
    }
    assert carbon["emissions_g_interval"] == {
        "value": pytest.approx(0.6e-3),
        "low": pytest.approx(0.42e-3),
        "high": pytest.approx(0.84e-3),
    }
    assert carbon["emissions_g"] == pytest.approx(0.6e-3)
    stored = read_metrics(record.write(close_energy=False))["models"][0]
    assert stored["carbon"]["emissions_g_interval"] == carbon["emissions_g_interval"]


def test_a_partial_total_is_unavailable_and_never_priced(tmp_path, energy_result):
    record = RunRecord("c", parameters={}, run_dir=tmp_path, country="FRA")
    phases = {
        "fit": energy_result(1e-3, 2.0, phase="fit", status="measured"),
        "predict": energy_result(None, 1.0, phase="predict", status="unavailable"),
    }
    entry = record.add_model("m", quality={}, energy=phases)
    total = entry["energy_total"]
    assert (total["energy_kwh"], total["status"], total["missing"]) == (
        None,
        "unavailable",
        ["predict"],
    )
    assert entry["carbon"]["total_kwh"] is None and entry["carbon"]["emissions_g"] is None
    record.write(close_energy=False)  # the schema accepts it


def test_a_model_without_phases_has_no_energy(tmp_path):
    record = RunRecord("c", parameters={}, run_dir=tmp_path)
    entry = record.add_model("m", quality={"accuracy": 1.0})
    assert entry["energy_total"]["energy_kwh"] is None
    assert entry["energy_total"]["status"] == "unavailable"
    assert entry["carbon"]["emissions_g"] is None


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "0.9", None, True])
def test_quality_must_be_finite_numbers(tmp_path, value):
    record = RunRecord("c", parameters={}, run_dir=tmp_path)
    with pytest.raises(InvalidValueError, match="quality must map metric names to finite"):
        record.add_model("m", quality={"accuracy": value})


def test_names_are_checked_and_models_are_unique(tmp_path):
    with pytest.raises(InvalidValueError) as info:
        RunRecord("two words", parameters={}, run_dir=tmp_path)
    assert str(info.value) == BAD_NAME_MSG.format(what="case", value="two words")
    record = RunRecord("c", parameters={}, run_dir=tmp_path)
    record.add_model("m", quality={})
    with pytest.raises(InvalidValueError, match=DUPLICATE_MODEL_MSG.format(name="m")):
        record.add_model("m", quality={})
    with pytest.raises(InvalidValueError, match="section key must be a non-empty name"):
        record.add_section("", 1)
    with pytest.raises(InvalidValueError, match="figure name must be a non-empty name"):
        record.save_figure(None, "a/b")


def test_values_become_plain_json_with_nan_as_null(tmp_path):
    record = RunRecord("c", parameters={"nan": np.nan, "path": tmp_path}, run_dir=tmp_path)
    assert record.parameters == {"nan": None, "path": str(tmp_path)}
    entry = record.add_model("m", quality={}, extra={"inf": np.inf, "n": np.int64(2)})
    assert entry["extra"] == {"inf": None, "n": 2}


def test_sections_figures_fairness_and_a_single_write(tmp_path):
    import matplotlib.pyplot as plt

    record = RunRecord("c", parameters={"seed": np.int64(3)}, run_dir=tmp_path, notebook="n.ipynb")
    record.add_section("table", pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan]}))
    record.add_model("m", quality={"accuracy": 0.75}, fairness=_sri(), extra={"n": np.int32(2)})
    figure, ax = plt.subplots()
    assert record.save_figure(ax, "fig") is None  # a cell ending with it shows no stray Path
    assert (tmp_path / "fig.png").read_bytes().startswith(b"\x89PNG")
    plt.close(figure)
    path = record.write(close_energy=False)
    assert path == tmp_path / "metrics.json" and not (tmp_path / "metrics.json.partial").exists()
    stored = read_metrics(path)
    assert stored["seed"] == 3 and stored["notebook"] == "n.ipynb"
    assert stored["sections"]["table"] == [{"a": 1, "b": 0.5}, {"a": 2, "b": None}]
    assert stored["figures"] == ["fig.png"]
    (model,) = stored["models"]
    assert list(model["fairness"]) == ["demographic_parity"] and model["extra"] == {"n": 2}
    assert set(stored["environment"]) >= {"python", "libraries", "device"}
    with pytest.raises(StateError, match="already written to"):
        record.write(close_energy=False)
    json.loads(path.read_text())


def test_an_interactive_record_gets_its_own_folder_in_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv(RUNS_DIR_ENV, str(tmp_path / "store"))
    record = RunRecord("c", parameters={})
    assert record.run_dir.parent == tmp_path / "store" / "c" and record.run_dir.is_dir()


def test_the_record_cites_the_error_ranges_its_phases_use(tmp_path, energy_result):
    from greennb.energy import ERROR_RANGES

    phase = energy_result(1e-3, 1.0, phase="train")
    parameters = {"error_range": {"key": "ram_model", "low": -0.6, "high": 0.5}}
    phase = dataclasses.replace(phase, ram_parameters=parameters)
    record = RunRecord("c", parameters={}, run_dir=tmp_path)
    record.add_model("m", quality={}, energy=[phase])
    cited = record.to_dict()["energy_error_ranges"]
    assert cited == {"ram_model": ERROR_RANGES["ram_model"].to_dict()}
    assert "Cloud Carbon Footprint" in cited["ram_model"]["source"]
