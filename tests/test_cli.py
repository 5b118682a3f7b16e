"""The ``greennb`` command: demo end to end, listings, and its errors."""

from __future__ import annotations

import math

import pytest

from greennb import cli


def test_demo_prints_quality_energy_flags_and_sri(capsys):
    assert cli.main(["demo", "--dataset", "hmda", "--country", "FRA", "--pue", "1.2"]) == 0
    out = capsys.readouterr().out
    assert "accuracy on the test split" in out
    assert "train:" in out and "inference:" in out
    # This CI machine has no RAPL or NVML: the figures must say they are estimated.
    assert "estimated" in out
    assert "Facility energy with PUE 1.2" in out
    assert "FRA grid" in out
    assert "SRI R=" in out and "four-fifths" in out


def test_run_demo_returns_consistent_figures():
    outcome = cli.run_demo(dataset="hmda", model="logistic", country="SWE", pue=1.5, seed=1)
    name, accuracy = outcome["quality"]
    assert name == "accuracy" and 0.8 < accuracy <= 1.0
    computation = outcome["train"].energy_kwh + outcome["inference"].energy_kwh
    assert outcome["facility"].computation_kwh == pytest.approx(computation)
    assert outcome["facility"].total_kwh == pytest.approx(1.5 * computation)
    sri = outcome["sri"]
    assert sri.metric == "demographic_parity"
    assert sri.value == pytest.approx(sri.fairness_score / sri.bar)
    assert math.isfinite(sri.value)


def test_demo_on_a_forecast_uses_an_error_metric():
    outcome = cli.run_demo(dataset="victoria_electricity", model="linear")
    assert outcome["quality"][0] == "MAE"
    assert outcome["sri"].metric == "mae"


def test_demo_unknown_country_is_a_clear_error(capsys):
    assert cli.main(["demo", "--country", "XYZ"]) == 2
    err = capsys.readouterr().err
    assert "XYZ" in err


def test_demo_pue_below_one_is_a_clear_error(capsys):
    assert cli.main(["demo", "--pue", "0.9"]) == 2
    assert "0.9" in capsys.readouterr().err


def test_demo_unknown_model_names_the_choices(capsys):
    assert cli.main(["demo", "--model", "forest"]) == 2
    err = capsys.readouterr().err
    assert "forest" in err and "logistic" in err


def test_demo_unknown_dataset_is_refused_by_argparse(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--dataset", "iris"])
    assert exit_info.value.code == 2
    assert "iris" in capsys.readouterr().err


def test_datasets_and_countries_listings(capsys):
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "hmda" in out and "chicago_ridership" in out
    assert cli.main(["countries", "--search", "france"]) == 0
    out = capsys.readouterr().out
    assert "FRA" in out and "DEU" not in out


def test_every_command_has_help(capsys):
    for argv in (["--help"], ["demo", "--help"], ["datasets", "--help"], ["countries", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(argv)
        assert exit_info.value.code == 0
    assert "--country" in capsys.readouterr().out
