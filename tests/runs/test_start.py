"""start_run: a case notebook's record from its parameters cell, in one call."""

from pathlib import Path

import pytest

from greennb.energy import Pricing, get_session
from greennb.errors import InvalidValueError
from greennb.runs import NOTEBOOKS_DIR_ENV, start_run
from greennb.runs._start import MISSING_PARAMETERS_MSG

LIGHT = dict(
    run_dir="", quick=True, seed=0, device="cpu", country="FRA", pue=1.2, renewable_share=0.5
)


def test_the_record_holds_every_parameter_of_the_cell_in_cell_order(tmp_path):
    namespace = {**LIGHT, "run_dir": str(tmp_path / "run"), "unrelated": 42}
    record = start_run("light", namespace, configure_energy=False)
    assert list(record.parameters) == list(LIGHT)  # nothing else from the namespace
    assert record.parameters["country"] == "FRA" and record.notebook == "03_light.ipynb"
    assert record.run_dir == tmp_path / "run"
    assert record.pricing == Pricing(country="FRA", pue=1.2, renewable_share=0.5)


def test_the_energy_session_writes_into_the_run_folder(tmp_path):
    from greennb.energy import close_session

    record = start_run("light", {**LIGHT, "run_dir": str(tmp_path / "run")})
    try:
        session = get_session()
        assert session.output_dir == record.run_dir and session.country == "FRA"
    finally:
        close_session()


def test_a_missing_parameter_is_named():
    namespace = {k: v for k, v in LIGHT.items() if k != "pue"}
    with pytest.raises(InvalidValueError, match=r"missing: \['pue'\]. Run the parameters cell"):
        start_run("light", namespace)
    with pytest.raises(InvalidValueError, match="Unknown case 'nope'"):
        start_run("nope", LIGHT)
    assert "{missing}" in MISSING_PARAMETERS_MSG


@pytest.fixture
def finance_namespace(monkeypatch, tmp_path):
    """The finance notebook's default parameters, as its globals() would hold them."""
    from greennb.runs import resolve_parameters

    repository = Path(__file__).resolve().parents[2] / "notebooks"
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(repository))
    return {**resolve_parameters("finance"), "run_dir": str(tmp_path / "run")}


def test_a_bad_value_in_the_notebook_is_refused_before_any_folder(finance_namespace, tmp_path):
    with pytest.raises(InvalidValueError, match="'inference_repeats'.*-1"):
        start_run("finance", {**finance_namespace, "inference_repeats": -1})
    with pytest.raises(InvalidValueError, match="'hardware'.*unknown key 'tdp'"):
        start_run("finance", {**finance_namespace, "hardware": "tdp=150; source=x"})
    assert not (tmp_path / "run").exists()


def test_the_stated_hardware_reaches_the_energy_session(finance_namespace):
    from greennb.energy import close_session

    hardware = "cpu_power_w=150; gpu_count=0; source=Intel ARK: Xeon Gold 6148"
    start_run("finance", {**finance_namespace, "hardware": hardware})
    try:
        stated = get_session().stated
        assert (stated["cpu_power_w"], stated["gpu_count"]) == (150.0, 0)
        assert stated["hardware_source"] == "Intel ARK: Xeon Gold 6148"
    finally:
        close_session()
