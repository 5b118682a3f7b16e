"""``greennb run`` options and ``greennb list``: bad values refused before any kernel starts."""

from __future__ import annotations

import time

import pytest

from greennb import cli
from greennb.runs import NOTEBOOKS_DIR_ENV, check_parameters, list_cases
from greennb.runs._allowed_values import TIMEOUT_MSG


@pytest.fixture(autouse=True)
def shipped_notebooks(monkeypatch):
    """Read the shipped case notebooks."""
    monkeypatch.delenv(NOTEBOOKS_DIR_ENV, raising=False)


@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "soon"])
def test_a_bad_timeout_is_refused_by_argparse_with_a_clear_message(value, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "finance", "--timeout", value, "--runs-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert TIMEOUT_MSG.format(none="none", value=value) in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("value", "seconds"), [("30", 30.0), ("2.5", 2.5), ("none", None)])
def test_a_timeout_is_positive_seconds_or_none(value, seconds):
    args = cli._build_parser().parse_args(["run", "finance", "--timeout", value])
    assert args.timeout == seconds
    assert cli._build_parser().parse_args(["run", "finance"]).timeout is None


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("dataset", "nope", "Unknown dataset 'nope'; valid choices: credit_scoring, hmda."),
        ("dataset", "chicago_ridership", "'chicago_ridership' is a forecast dataset"),
        ("models", "logistic,svm", "Unknown classification model 'svm'"),
        ("constraint", "dp", "Unknown fairness constraint 'dp'; valid choices: demographic_parity"),
        ("inference_repeats", "-1", "inference_repeats must be an integer >= 1; got -1."),
    ],
)
def test_run_refuses_a_bad_value_in_under_two_seconds_without_a_run_folder(
    name, value, shown, capsys, tmp_path
):
    check_parameters("finance", {})  # papermill's import and the inspection, once per process
    started = time.perf_counter()
    argv = ["run", "finance", "-p", name, value, "--runs-dir", str(tmp_path / "store")]
    assert cli.main(argv) == 2
    assert time.perf_counter() - started < 2.0
    err = capsys.readouterr().err
    assert err.startswith(f"greennb: error: Parameter '{name}' of case 'finance': ")
    assert shown in err and err.count("\n") == 1
    assert not (tmp_path / "store").exists()


def test_list_shows_the_allowed_values_of_each_case(capsys):
    assert cli.main(["list", "finance", "smart_city"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())  # wrapped lines joined
    finance, smart_city = flat[: flat.index("smart_city (")], flat[flat.index("smart_city (") :]
    assert "dataset: str = hmda" in finance
    assert "allowed: one of credit_scoring, hmda" in finance
    assert "models: str = logistic,hist_gb,mlp baselines to train, comma-separated " in finance
    assert "allowed: comma-separated, each one of logistic, hist_gb, mlp" in finance
    assert (
        "allowed: one of demographic_parity, equalized_odds, true_positive_rate_parity" in finance
    )
    assert "hmda: afam" in finance
    assert (
        "inference_repeats: int = 10 passes over the test set when measuring inference energy "
        "allowed: integer >= 1"
    ) in finance
    assert "allowed: one of chicago_ridership, victoria_electricity" in smart_city


@pytest.mark.parametrize("argv", [["list"], *(["list", case] for case in list_cases())])
def test_list_fits_80_columns_for_every_case(argv, capsys):
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    if len(argv) == 1:  # the overview names every case and how to see one in full
        assert all(any(line.startswith(f"{case} (") for line in lines) for case in list_cases())
        assert "greennb list CASE" in " ".join(lines)
