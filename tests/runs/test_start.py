"""start_run: a case notebook's record from its parameters cell, in one call."""

import pytest

from greennb.energy import Pricing, get_session
from greennb.errors import InvalidValueError
from greennb.runs import start_run
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
