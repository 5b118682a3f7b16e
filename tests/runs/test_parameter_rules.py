"""The kinds of parameter rule: each refuses a bad value naming it and what is valid."""

from __future__ import annotations

import math

import pytest

from greennb.data import FORECAST_SETUPS, list_datasets, load_dataset
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.models import DEVICE_CHOICES, list_models
from greennb.runs import list_items
from greennb.runs._parameter_rules import (
    DATASET_MISFIT_MSG,
    EMPTY_LIST_MSG,
    GROUP_COLUMN_MSG,
    INTEGER_RANGE_MSG,
    NOT_AN_ITEM_MSG,
    NUMBER_MSG,
    CommaList,
    DatasetName,
    DeviceName,
    GroupColumn,
    Integer,
    ItemOf,
    ModelName,
    Number,
    OneOf,
    PricingValue,
    dataset_facts,
)


def _refused(rule, value, values=None, error=InvalidValueError):
    with pytest.raises(error) as info:
        rule.check(value, name="p", values=values or {})
    return str(info.value)


def test_dataset_choices_come_from_the_registry_by_task():
    tasks = {name: load_dataset(name).task for name in list_datasets()}
    assert DatasetName("forecast").choices() == sorted(
        n for n, t in tasks.items() if t == "forecast"
    )
    assert DatasetName("forecast").choices() == sorted(FORECAST_SETUPS)  # each has a setup
    classification = DatasetName("classification").choices()
    assert classification == sorted(n for n, t in tasks.items() if t == "classification")
    favourable = DatasetName("classification", favourable=True).choices()
    assert favourable == [n for n in classification if load_dataset(n).favourable_label]
    assert favourable == ["credit_scoring", "hmda"]


def test_a_dataset_of_another_task_is_named_with_its_task_and_the_choices():
    rule = DatasetName("classification", favourable=True)
    message = _refused(rule, "chicago_ridership")
    assert message == DATASET_MISFIT_MSG.format(
        value="chicago_ridership",
        task="forecast",
        what="a classification dataset with a favourable outcome",
        choices="credit_scoring, hmda",
    )
    assert "does not support task" not in message  # the old, misleading message


def test_an_unknown_dataset_lists_the_fitting_ones_only():
    message = _refused(DatasetName("forecast"), "nope")
    assert "'nope'" in message and "chicago_ridership, victoria_electricity" in message
    assert "hmda" not in message


def test_dataset_facts_are_the_registry_metadata():
    facts = dataset_facts("monica")
    assert facts.task == "classification" and facts.sensitive == ("sex", "age_band")
    assert facts.favourable is False and dataset_facts("hmda").favourable is True


def test_a_group_column_depends_on_the_dataset_and_empty_means_its_first():
    rule = GroupColumn()
    rule.check("", name="sensitive", values={"dataset": "hmda"})
    rule.check("Marital", name="sensitive", values={"dataset": "credit_scoring"})
    message = _refused(rule, "race", {"dataset": "hmda"})
    assert message == GROUP_COLUMN_MSG.format(
        value="race", dataset="hmda", choices="afam", empty=", or empty: the dataset's first"
    )
    assert "'' is not" in _refused(GroupColumn(empty=False), "", {"dataset": "monica"})
    GroupColumn().check("x", name="sensitive", values={"dataset": "nope"})  # dataset's own rule
    assert "text" in _refused(rule, 3, {"dataset": "hmda"}, error=InvalidTypeError)


def test_a_group_column_is_described_per_dataset():
    rules = {"dataset": DatasetName("classification", favourable=True)}
    described = GroupColumn().describe(rules)
    assert "credit_scoring: age_band, Marital; hmda: afam" in described
    assert "monica" not in described


@pytest.mark.parametrize("value", ["tpu", "", "auto:1"])
def test_an_unknown_device_names_the_choices(value):
    message = _refused(DeviceName(), value)
    assert repr(value) in message and ", ".join(DEVICE_CHOICES) in message


def test_auto_and_cpu_are_devices_without_importing_torch():
    for value in ("auto", "cpu"):
        DeviceName().check(value, name="device", values={})


def test_models_are_checked_item_by_item_against_the_registry():
    rule = CommaList(ModelName("classification"))
    rule.check("logistic, mlp", name="models", values={})
    message = _refused(rule, "logistic,svm,mlp")
    assert "item 'svm' of p='logistic,svm,mlp'" in message
    assert ", ".join(list_models("classification")) in message
    assert "'linear'" in _refused(rule, "linear")  # a regression model


def test_an_empty_list_is_refused_with_what_it_may_hold():
    rule = CommaList(ModelName("classification"))
    assert _refused(rule, " , ") == EMPTY_LIST_MSG.format(
        name="p", value=" , ", allowed="one of logistic, hist_gb, mlp"
    )


def test_grids_are_checked_item_by_item():
    rule = CommaList(PricingValue("country"))
    rule.check("SWE, usa,IND", name="grids", values={})
    assert "item 'XYZ' of p='SWE,XYZ'" in _refused(rule, "SWE,XYZ")


def test_an_item_must_be_one_of_another_list():
    rule = ItemOf("models")
    rule.check("mlp", name="mitigate_model", values={"models": "logistic, mlp"})
    message = _refused(rule, "hist_gb", {"models": "logistic,mlp"})
    assert message == NOT_AN_ITEM_MSG.format(
        value="hist_gb", other="models", items="logistic,mlp", choices="logistic, mlp"
    )


@pytest.mark.parametrize(
    ("rule", "value", "allowed"),
    [
        (Number(0.0, 1.0, low_open=True), 0.0, "number in (0, 1]"),
        (Number(0.0, 1.0, low_open=True), math.nan, "number in (0, 1]"),
        (Number(0.0, 1.0, high_open=True), 1.0, "number in [0, 1)"),
        (Number(0.0, low_open=True), math.inf, "finite number > 0"),
        (Number(0.0, low_open=True), -2.5, "finite number > 0"),
    ],
)
def test_a_number_out_of_range_names_the_range(rule, value, allowed):
    assert _refused(rule, value) == NUMBER_MSG.format(name="p", allowed=allowed, value=value)
    assert rule.describe({}) == allowed


def test_an_integer_below_its_minimum_or_above_another_parameter_is_refused():
    assert "integer >= 1; got -1" in _refused(Integer(minimum=1), -1)
    assert "p must be an integer" in _refused(Integer(minimum=1), 1.5, error=InvalidTypeError)
    rule = Integer(minimum=1, maximum="epochs")
    rule.check(3, name="forecast_after", values={"epochs": 3})
    assert _refused(rule, 4, {"epochs": 3}) == INTEGER_RANGE_MSG.format(
        name="p", minimum=1, maximum=3, where=" (epochs=3)", value=4
    )
    assert rule.describe({}) == "integer in [1, epochs]"


def test_one_of_fixed_choices_names_the_value_and_the_choices():
    rule = OneOf(("uniform", "quantile"), what="binning strategy")
    message = _refused(rule, "equal")
    assert message == "Unknown binning strategy 'equal'; valid choices: uniform, quantile."


def test_pricing_values_are_checked_by_pricing():
    assert "XYZ" in _refused(PricingValue("country"), "XYZ")
    assert "0.5" in _refused(PricingValue("pue"), 0.5)
    assert PricingValue("renewable_share").describe({}) == "number in [0, 1]"


def test_list_items_split_like_the_notebooks():
    assert list_items(" logistic,hist_gb , ,mlp") == ["logistic", "hist_gb", "mlp"]
    assert list_items("") == []
