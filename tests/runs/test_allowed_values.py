"""The table of allowed values, against the five case notebooks: complete, and read first."""

from __future__ import annotations

import time

import pytest

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.runs import (
    CASE_RULES,
    COMMON_RULES,
    NOTEBOOKS_DIR_ENV,
    case_parameters,
    check_parameter_values,
    check_parameters,
    list_cases,
    parameter_rules,
    parse_timeout,
    run_case,
)
from greennb.runs._allowed_values import BAD_VALUE_MSG, TIMEOUT_MSG

CASES = ["getting_started", "smart_city", "medical", "finance", "tradeoffs", "privacy", "federated"]


@pytest.fixture(autouse=True)
def shipped_notebooks(monkeypatch):
    """These tests read the shipped case notebooks, not the fixtures of tests/notebooks/."""
    monkeypatch.delenv(NOTEBOOKS_DIR_ENV, raising=False)


def _defaults(case):
    table = case_parameters(case)
    return dict(zip(table["name"], table["default"], strict=True))


def test_the_table_covers_every_case_and_every_parameter_of_its_notebook():
    assert list_cases() == CASES and sorted(CASE_RULES) == sorted(CASES)
    for case in CASES:
        table = case_parameters(case)
        checked = set(table.query("not reserved and type != 'bool'")["name"])
        rules = parameter_rules(case)
        assert checked <= set(rules), (case, checked - set(rules))  # every parameter has a rule
        assert set(CASE_RULES[case]) <= set(table["name"]), case  # no rule for a lost name
    every_name = {name for case in CASES for name in case_parameters(case)["name"]}
    assert set(COMMON_RULES) <= every_name


@pytest.mark.parametrize("case", CASES)
def test_every_default_of_the_shipped_notebooks_is_allowed(case):
    check_parameter_values(case, _defaults(case))
    assert check_parameters(case, {}) == {}


@pytest.mark.parametrize(
    ("case", "name", "value", "shown"),
    [
        ("finance", "dataset", "nope", ["'nope'", "credit_scoring, hmda"]),
        ("finance", "dataset", "chicago_ridership", ["forecast dataset", "credit_scoring, hmda"]),
        ("smart_city", "dataset", "hmda", ["'hmda'", "chicago_ridership, victoria_electricity"]),
        ("getting_started", "model", "linear", ["'linear'", "logistic, hist_gb, mlp"]),
        ("medical", "models", "logistic,svm", ["'svm'", "logistic, hist_gb, mlp"]),
        ("finance", "models", "", ["''", "logistic, hist_gb, mlp"]),
        ("finance", "mitigate_model", "mlp,", ["'mlp,'", "logistic, hist_gb, mlp"]),
        ("finance", "constraint", "parity", ["'parity'", "equalized_odds"]),
        ("tradeoffs", "device", "tpu", ["'tpu'", "auto, cuda, mps, cpu"]),
        ("finance", "sensitive", "race", ["'race'", "afam"]),
        ("medical", "sensitive", "", ["''", "sex, age_band"]),
        ("smart_city", "group", "station", ["'station'", "neighbourhood"]),
        ("medical", "bar", "0", ["0", "(0, 1]"]),
        ("finance", "bar", "1.5", ["1.5", "(0, 1]"]),
        ("medical", "inference_repeats", "-1", ["-1", ">= 1"]),
        ("smart_city", "quick_days", "0", ["got 0", ">= 1"]),
        ("smart_city", "test_size", "1", ["got 1.0", "(0, 1)"]),
        ("smart_city", "sri_metric", "rmse", ["'rmse'", "mae, mape"]),
        ("medical", "bin_strategy", "equal", ["'equal'", "uniform, quantile"]),
        ("medical", "n_bins", "1", ["got 1", ">= 2"]),
        ("tradeoffs", "precision", "int4", ["'int4'", "float32, bfloat16, float16"]),
        ("tradeoffs", "sparsity", "1.0", ["1.0", "[0, 1)"]),
        ("tradeoffs", "forecast_after", "11", ["got 11", "[1, 10] (epochs=10)"]),
        ("tradeoffs", "grids", "SWE,XYZ", ["'XYZ'", "3-letter ISO codes"]),
        ("getting_started", "scenario_countries", "FRA,,ZZZ", ["'ZZZ'", "3-letter ISO codes"]),
        ("getting_started", "gpu_hours", "-3", ["-3", "> 0"]),
        ("tradeoffs", "threads", "-1", ["-1", ">= 0"]),
        ("finance", "seed", "-1", ["-1", ">= 0"]),
        ("tradeoffs", "epochs", "0", ["got 0", ">= 1"]),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter_the_value_and_the_choices(
    case, name, value, shown
):
    with pytest.raises(InvalidValueError) as info:
        check_parameters(case, {name: value})
    message = str(info.value)
    assert message.startswith(BAD_VALUE_MSG.format(name=name, case=case, error=""))
    for text in shown:
        assert text in message


def test_a_new_dataset_is_checked_with_the_default_group_column_it_depends_on():
    # medical's default sensitive (age_band) is not a group column of hmda
    with pytest.raises(
        InvalidValueError, match="'age_band' is not a group column of dataset 'hmda'"
    ):
        check_parameters("medical", {"dataset": "hmda"})
    assert check_parameters("medical", {"dataset": "credit_scoring"}) == {
        "dataset": "credit_scoring"
    }
    with pytest.raises(InvalidValueError, match="'logistic' is not one of models='hist_gb'"):
        check_parameters("finance", {"models": "hist_gb"})  # the default mitigate_model


def test_notebook_values_are_checked_with_the_table_as_start_run_reads_them():
    values = {**_defaults("medical"), "run_dir": "", "inference_repeats": -1}
    with pytest.raises(InvalidValueError, match="'inference_repeats' of case 'medical'"):
        check_parameter_values("medical", values)
    with pytest.raises(InvalidTypeError, match="'bar' of case 'medical'"):
        check_parameter_values("medical", {**values, "inference_repeats": 3, "bar": "high"})


@pytest.mark.parametrize(
    ("name", "value"), [("dataset", "nope"), ("models", "logistic,svm"), ("constraint", "dp")]
)
def test_run_case_refuses_a_bad_value_in_under_two_seconds_without_a_run_folder(
    tmp_path, name, value
):
    check_parameters("finance", {})  # papermill's import and the inspection, once per process
    started = time.perf_counter()
    with pytest.raises(InvalidValueError, match=f"Parameter '{name}' of case 'finance'"):
        run_case("finance", {name: value}, runs_root=tmp_path / "store", progress=False)
    assert time.perf_counter() - started < 2.0
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(("text", "seconds"), [("90", 90.0), ("0.5", 0.5), (30, 30.0)])
def test_parse_timeout_takes_positive_finite_seconds(text, seconds):
    assert parse_timeout(text) == seconds


@pytest.mark.parametrize("text", [None, "none", "None", " NONE "])
def test_parse_timeout_none_is_no_limit(text):
    assert parse_timeout(text) is None


@pytest.mark.parametrize("text", ["-5", "0", "nan", "inf", "-inf", "ten", "", True, [5]])
def test_parse_timeout_refuses_what_is_not_a_positive_finite_number(text):
    with pytest.raises(InvalidValueError) as info:
        parse_timeout(text)
    assert str(info.value) == TIMEOUT_MSG.format(none="none", value=text)
