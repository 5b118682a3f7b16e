"""split_dataset: stratified, grouped, chronological and random splits, fallbacks, refusals."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from greennb._validation import INTERVAL_MSG, MISSING_COLUMN_MSG, NOT_A_NUMBER_MSG
from greennb.data import TASKS, Split, load_dataset, split_dataset
from greennb.data._checks import CONSTANT_SENSITIVE_MSG, NO_ROWS_MSG
from greennb.data._dataset import NOT_A_DATASET_MSG
from greennb.data._split import (
    EMPTIED_DATASET_HOW,
    EMPTY_SPLIT_MSG,
    GROUPED_SHARE_MSG,
    GROUPS_FORECAST_MSG,
    GROUPS_MISSING_MSG,
    GROUPS_TOO_FEW_MSG,
    GROUPS_TYPE_MSG,
    STRATA_FALLBACK_MSG,
    STRATA_MERGED_MSG,
)
from greennb.errors import GreennbWarning, InvalidTypeError, InvalidValueError

CHICAGO_ROWS = 20 * (5698 - 14)


def test_stratified_split_keeps_group_and_target_proportions():
    dataset = load_dataset("monica")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # monica's strata are all large enough
        split = split_dataset(dataset, test_size=0.25, random_state=0)
    assert len(split.test) == math.ceil(0.25 * 6367) == 1592
    assert len(split.train) == 6367 - 1592
    assert not set(split.train.index) & set(split.test.index)
    assert split.method == "stratified by outcome, sex, age_band"
    for column in ["outcome", "sex", "age_band"]:
        train_share = split.train[column].value_counts(normalize=True)
        test_share = split.test[column].value_counts(normalize=True)
        assert (train_share - test_share).abs().max() < 0.005, column
    assert list(split.X_train.columns) == dataset.features
    assert split.y_test.equals(split.test["outcome"])
    assert list(split.sensitive_test.columns) == ["sex", "age_band"]


def test_split_is_reproducible_and_seed_dependent():
    dataset = load_dataset("hmda")
    first = split_dataset(dataset, random_state=1)
    again = split_dataset(dataset, random_state=1)
    other = split_dataset(dataset, random_state=2)
    assert first.test.index.equals(again.test.index)
    assert not first.test.index.equals(other.test.index)
    afam_share = (first.test["afam"] == "yes").mean()
    assert afam_share == pytest.approx(339 / 2380, abs=0.005)


def test_small_strata_are_merged_with_a_warning():
    dataset = load_dataset("credit_scoring")  # Marital 'unknown' has a single row
    with pytest.warns(UserWarning, match="merged") as record:
        split = split_dataset(dataset)
    assert any("unknown" in str(item.message) for item in record)
    assert len(split.test) == math.ceil(0.25 * 4454)
    bad_train = (split.y_train == "bad").mean()
    bad_test = (split.y_test == "bad").mean()
    assert bad_train == pytest.approx(bad_test, abs=0.005)


def test_impossible_stratification_falls_back_with_a_warning(tiny):
    dataset = tiny()  # 12 rows: 4 strata of 3 or 4 rows, but test_size=0.2 gives 3 test rows
    with pytest.warns(UserWarning, match="Falling back to stratifying by the target only"):
        split = split_dataset(dataset, test_size=0.2)
    assert len(split.test) == 3
    assert split.method == "stratified by y"


def test_chronological_split_has_no_overlap():
    dataset = load_dataset("chicago_ridership")
    split = split_dataset(dataset, test_size=0.25)
    assert split.train["date"].max() < split.test["date"].min()
    assert split.test["date"].nunique() == math.ceil(0.25 * 5684)
    assert split.test.groupby("date").size().eq(20).all()
    assert len(split.train) + len(split.test) == CHICAGO_ROWS
    assert split.method.startswith("chronological")


def test_chronological_split_of_victoria():
    split = split_dataset(load_dataset("victoria_electricity"), test_size=0.5)
    assert len(split.train) == len(split.test) == 8760
    assert split.train["time"].max() == pd.Timestamp("2014-07-02 11:30")
    assert split.test["time"].min() == pd.Timestamp("2014-07-02 12:00")


def test_regression_split_is_random(tiny):
    dataset = tiny(task="regression")
    split = split_dataset(dataset, test_size=0.25, random_state=0)
    assert (len(split.train), len(split.test)) == (9, 3)
    assert split.method == "random"
    assert not split.test.index.equals(pd.RangeIndex(9, 12))


def test_split_parts_are_a_split():
    split = split_dataset(load_dataset("hmda"))
    assert isinstance(split, Split)
    assert split.method == "stratified by deny, afam"
    assert len(split.train) + len(split.test) == 2380


def test_stratification_warnings_are_greennb_warnings(tiny):
    with pytest.warns(GreennbWarning) as record:
        split_dataset(tiny(), test_size=0.2)
    assert str(record[0].message) == STRATA_FALLBACK_MSG.format(
        name="tiny",
        columns=["y", "group"],
        reason="4 strata but only 3 test and 9 train rows",
        fallback="stratifying by the target only",
    )


def test_unstratified_fallback_when_the_target_alone_cannot_stratify(tiny):
    frame = tiny().frame.assign(y=pd.Categorical(["no"] * 11 + ["yes"]))
    with pytest.warns(GreennbWarning) as record:
        split = split_dataset(tiny(frame=frame), test_size=0.25)
    assert split.method == "random (unstratified)"
    assert [str(item.message) for item in record] == [
        STRATA_MERGED_MSG.format(strata=["yes | b"]),
        STRATA_FALLBACK_MSG.format(
            name="tiny",
            columns=["y", "group"],
            reason="stratum 'rare | yes' has only 1 row",
            fallback="stratifying by the target only",
        ),
        STRATA_MERGED_MSG.format(strata=["yes"]),
        STRATA_FALLBACK_MSG.format(
            name="tiny",
            columns=["y"],
            reason="stratum 'rare | yes' has only 1 row",
            fallback="an unstratified split",
        ),
    ]


@pytest.mark.parametrize("bad", [0, 1, 0.0, 1.0, -0.1, 1.5, float("nan"), float("inf")])
def test_test_size_outside_the_open_interval_is_refused(bad):
    with pytest.raises(InvalidValueError) as info:
        split_dataset(load_dataset("hmda"), test_size=bad)
    assert str(info.value) == INTERVAL_MSG.format(
        name="test_size", interval="(0, 1)", unit="", value=bad
    )


@pytest.mark.parametrize("bad", [True, "0.2", None])
def test_test_size_of_the_wrong_type_is_refused(bad):
    with pytest.raises(InvalidTypeError) as info:
        split_dataset(load_dataset("hmda"), test_size=bad)
    assert str(info.value) == NOT_A_NUMBER_MSG.format(
        name="test_size", unit="", value=bad, type=type(bad).__name__
    )


@pytest.mark.parametrize(
    ("task", "test_size", "count", "unit", "part"),
    [
        ("forecast", 0.99, 12, "distinct times", "train"),
        ("classification", 0.95, 12, "rows", "train"),
        ("regression", 0.99, 12, "rows", "train"),
    ],
)
def test_empty_split_is_an_error(tiny, task, test_size, count, unit, part):
    with pytest.raises(InvalidValueError) as info:
        split_dataset(tiny(task=task), test_size=test_size)
    assert str(info.value) == EMPTY_SPLIT_MSG.format(
        test_size=test_size, count=count, unit=unit, unit_singular=unit.rstrip("s"), part=part
    )


def test_constant_group_in_a_split_part_is_an_error(tiny):
    frame = tiny(task="forecast").frame.assign(group=pd.Categorical(["a"] * 9 + ["b"] * 3))
    dataset = tiny(task="forecast", frame=frame)
    with pytest.raises(InvalidValueError) as info:
        split_dataset(dataset, test_size=0.25)
    assert str(info.value) == CONSTANT_SENSITIVE_MSG.format(
        column="group", value="a", where=" in the train split of 'tiny'"
    )


def test_only_a_dataset_can_be_split():
    with pytest.raises(InvalidTypeError) as info:
        split_dataset(load_dataset("hmda").frame)
    assert str(info.value) == NOT_A_DATASET_MSG.format(
        function="split_dataset", type_name="DataFrame"
    )


@pytest.mark.parametrize("task", TASKS)
def test_a_dataset_emptied_after_it_was_built_is_refused_as_such(tiny, task):
    dataset = tiny(task=task)
    object.__setattr__(dataset, "frame", dataset.frame.iloc[:0])  # as if emptied in place
    with pytest.raises(InvalidValueError) as info:
        split_dataset(dataset)
    assert str(info.value) == NO_ROWS_MSG.format(
        what="Dataset 'tiny'", where="", how=EMPTIED_DATASET_HOW
    )
    assert "single value" not in str(info.value) and "test_size" not in str(info.value)


@pytest.fixture(scope="module")
def covid():
    return load_dataset("covid_testing")


@pytest.mark.parametrize("test_size", [0.25, 0.2])
def test_grouped_split_keeps_every_subject_on_one_side(covid, test_size):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the share is close to test_size: no warning
        split = split_dataset(covid, test_size=test_size, random_state=0, groups="subject_id")
    assert not set(split.train["subject_id"]) & set(split.test["subject_id"])
    assert (covid.frame["subject_id"].value_counts() > 1).sum() == 1646  # the reason for groups
    assert len(split.train) + len(split.test) == len(covid.frame) == 15223
    assert len(split.test) / len(covid.frame) == pytest.approx(test_size, abs=0.03)
    assert split.method == "grouped by subject_id, stratified by the target"
    positive_train = (split.y_train == "positive").mean()
    assert (split.y_test == "positive").mean() == pytest.approx(positive_train, abs=0.005)


def test_grouped_split_is_reproducible_and_seed_dependent(covid):
    first = split_dataset(covid, random_state=1, groups="subject_id")
    again = split_dataset(covid, random_state=1, groups="subject_id")
    other = split_dataset(covid, random_state=2, groups="subject_id")
    assert first.test.index.equals(again.test.index)
    assert not first.test.index.equals(other.test.index)


def test_grouped_split_of_a_regression_keeps_groups_whole(tiny):
    frame = tiny().frame.assign(person=[0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    dataset = tiny(task="regression", frame=frame.assign(y=frame["x"] * 2.0))
    split = split_dataset(dataset, test_size=0.5, random_state=0, groups="person")
    assert not set(split.train["person"]) & set(split.test["person"])
    assert len(split.test) == 6 and split.method == "grouped by person"


def test_grouped_share_far_from_test_size_warns(covid):
    with pytest.warns(GreennbWarning) as record:
        split = split_dataset(covid, test_size=0.3, groups="subject_id")
    share = len(split.test) / len(covid.frame)
    assert share == pytest.approx(1 / 3, abs=0.01)
    assert [str(item.message) for item in record] == [
        GROUPED_SHARE_MSG.format(
            name="covid_testing", share=share, test_size=0.3, column="subject_id", n_splits=3
        )
    ]


def test_default_groups_none_is_the_row_split(covid):
    with pytest.warns(GreennbWarning, match="merged"):  # two one-row strata, as before
        plain = split_dataset(covid, random_state=0)
    with pytest.warns(GreennbWarning, match="merged"):
        explicit = split_dataset(covid, random_state=0, groups=None)
    assert explicit.test.index.equals(plain.test.index)
    assert plain.method == "stratified by result, gender, payor_group"


def test_unknown_group_column_names_it_and_the_columns(covid):
    with pytest.raises(InvalidValueError) as info:
        split_dataset(covid, groups="patient_id")
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role="Group", column="patient_id", available=", ".join(covid.frame.columns)
    )
    assert "subject_id" in str(info.value)


def test_group_column_of_the_wrong_type_is_refused(covid):
    with pytest.raises(InvalidTypeError) as info:
        split_dataset(covid, groups=["subject_id"])
    assert str(info.value) == GROUPS_TYPE_MSG.format(value=["subject_id"], type="list")


def test_grouped_split_of_a_forecast_is_refused(tiny):
    with pytest.raises(InvalidValueError) as info:
        split_dataset(tiny(task="forecast"), groups="group")
    assert str(info.value) == GROUPS_FORECAST_MSG.format(column="group", name="tiny")


def test_group_column_with_missing_values_is_refused(tiny):
    frame = tiny().frame.assign(person=[1.0, None] * 6)
    with pytest.raises(InvalidValueError) as info:
        split_dataset(tiny(frame=frame), groups="person")
    assert str(info.value) == GROUPS_MISSING_MSG.format(column="person", name="tiny", count=6)


@pytest.mark.parametrize(("test_size", "n_splits", "n_groups"), [(0.8, 1, 12), (0.25, 4, 3)])
def test_too_few_groups_or_folds_is_refused(tiny, test_size, n_splits, n_groups):
    frame = tiny().frame.assign(person=list(range(n_groups)) * (12 // n_groups))
    with pytest.raises(InvalidValueError) as info:
        split_dataset(tiny(frame=frame), test_size=test_size, groups="person")
    assert str(info.value) == GROUPS_TOO_FEW_MSG.format(
        test_size=test_size, n_splits=n_splits, column="person", n_groups=n_groups
    )
