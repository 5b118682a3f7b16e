"""Dataset: the roles of its columns, and every way a dataset is refused when it is built."""

from __future__ import annotations

import pandas as pd
import pytest

from greennb._validation import CHOICE_MSG, MISSING_COLUMN_MSG
from greennb.data import TASKS, Dataset
from greennb.data._checks import (
    CONSTANT_SENSITIVE_MSG,
    NAN_TARGET_MSG,
    NO_ROWS_MSG,
    NOT_A_FRAME_MSG,
    TOO_MANY_CLASSES_MSG,
)
from greennb.data._dataset import (
    LEAKY_FEATURES_MSG,
    NOT_A_DATASET_MSG,
    POSITIVE_LABEL_MSG,
    POSITIVE_LABEL_TASK_MSG,
    TIME_COLUMN_MSG,
    require_dataset,
)
from greennb.errors import InvalidTypeError, InvalidValueError


def test_roles_select_columns(tiny):
    dataset = tiny()
    assert list(dataset.X.columns) == ["x"]
    assert dataset.y.name == "y"
    assert list(dataset.sensitive_frame.columns) == ["group"]
    assert dataset.identifiers == [] and dataset.favourable_label is None


def test_tasks():
    assert TASKS == ("classification", "regression", "forecast")


def test_unknown_task_lists_the_tasks(tiny):
    with pytest.raises(InvalidValueError) as info:
        tiny(task="clustering")
    assert str(info.value) == CHOICE_MSG.format(
        name="task", value="clustering", choices="classification, regression, forecast"
    )


def test_frame_must_be_a_dataframe(tiny):
    with pytest.raises(InvalidTypeError) as info:
        tiny(frame=[[1, 2]])
    assert str(info.value) == NOT_A_FRAME_MSG.format(what="frame", type_name="list")


def test_nan_target_is_refused(tiny):
    frame = tiny().frame
    with pytest.raises(InvalidValueError) as info:
        tiny(frame=frame.assign(y=frame["y"].where(frame["x"] != 3)))
    assert str(info.value) == NAN_TARGET_MSG.format(column="y", count=1, where="")


@pytest.mark.parametrize(
    ("overrides", "role", "column"),
    [
        ({"target": "label"}, "Target", "label"),
        ({"features": ["x", "z"]}, "Feature", "z"),
        ({"identifiers": ["name"]}, "Identifier", "name"),
        ({"sensitive": ["race"]}, "Sensitive", "race"),
    ],
)
def test_missing_columns_are_named(tiny, overrides, role, column):
    with pytest.raises(InvalidValueError) as info:
        tiny(**overrides)
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role=role, column=column, available="x, group, y, when"
    )


@pytest.mark.parametrize(
    ("overrides", "leaky"),
    [
        ({"features": ["x", "y"]}, ["y"]),
        ({"identifiers": ["x"]}, ["x"]),
        ({"task": "forecast", "positive_label": None, "features": ["when"]}, ["when"]),
    ],
)
def test_leaky_features_are_refused(tiny, overrides, leaky):
    if overrides.get("task") == "forecast":
        overrides = {**overrides, "time_column": "when", "frame": tiny("forecast").frame}
    with pytest.raises(InvalidValueError) as info:
        tiny(**overrides)
    assert str(info.value) == LEAKY_FEATURES_MSG.format(name="tiny", columns=leaky)


@pytest.mark.parametrize(
    ("role", "label"), [("positive_label", "maybe"), ("favourable_label", "perhaps")]
)
def test_labels_must_be_target_values(tiny, role, label):
    with pytest.raises(InvalidValueError) as info:
        tiny(**{role: label})
    assert str(info.value) == POSITIVE_LABEL_MSG.format(
        role=role, label=label, name="tiny", target="y", values=["no", "yes"]
    )


def test_a_classification_needs_a_positive_label(tiny):
    with pytest.raises(InvalidValueError) as info:
        tiny(positive_label=None)
    assert str(info.value) == POSITIVE_LABEL_MSG.format(
        role="positive_label", label=None, name="tiny", target="y", values=["no", "yes"]
    )


@pytest.mark.parametrize("role", ["positive_label", "favourable_label"])
def test_labels_are_only_for_classification(tiny, role):
    with pytest.raises(InvalidValueError) as info:
        tiny(task="regression", **{role: 1.0})
    assert str(info.value) == POSITIVE_LABEL_TASK_MSG.format(
        role=role, name="tiny", task="regression", label=1.0
    )


@pytest.mark.parametrize("column", ["x", "missing", None])
def test_a_forecast_needs_a_datetime_time_column(tiny, column):
    with pytest.raises(InvalidValueError) as info:
        tiny(task="forecast", time_column=column, features=[])
    assert str(info.value) == TIME_COLUMN_MSG.format(
        name="tiny", column=column, available="x, group, y, when"
    )


def test_constant_sensitive_column_is_refused(tiny):
    with pytest.raises(InvalidValueError) as info:
        tiny(frame=tiny().frame.assign(group="a"))
    assert str(info.value) == CONSTANT_SENSITIVE_MSG.format(column="group", value="a", where="")


def test_require_dataset_names_the_function(tiny):
    require_dataset(tiny(), "split_dataset")
    with pytest.raises(InvalidTypeError) as info:
        require_dataset(pd.DataFrame(), "split_dataset")
    assert str(info.value) == NOT_A_DATASET_MSG.format(
        function="split_dataset", type_name="DataFrame"
    )


def test_dataset_is_frozen(tiny):
    with pytest.raises(AttributeError):
        tiny().target = "x"
    assert isinstance(tiny(), Dataset)


def test_fairness_compares_the_favourable_outcome_else_the_positive_label():
    import dataclasses

    from greennb.data import favourable_or_positive, load_dataset

    data = load_dataset("hmda")
    assert favourable_or_positive(data) == "no"  # no denial, though "yes" is detected
    without = dataclasses.replace(data, favourable_label=None)
    assert favourable_or_positive(without) == data.positive_label


@pytest.mark.parametrize("task", TASKS)
def test_a_dataset_without_rows_says_so_before_any_column_check(tiny, task):
    frame = tiny(task).frame.iloc[:0]
    with pytest.raises(InvalidValueError) as info:
        tiny(task, frame=frame)
    assert str(info.value) == NO_ROWS_MSG.format(what="Dataset 'tiny'", where="", how="")


def test_a_third_target_class_is_refused_for_classification(tiny):
    frame = tiny().frame
    three = frame.assign(y=pd.Categorical(["no", "yes", "invalid"] * 4))
    with pytest.raises(InvalidValueError) as info:
        tiny(frame=three)
    assert str(info.value) == TOO_MANY_CLASSES_MSG.format(
        column="y", count=3, where="", classes=["invalid", "no", "yes"]
    )


def test_excluded_rows_and_notes_default_to_none(tiny):
    assert (tiny().excluded_rows, tiny().notes) == (0, ())
