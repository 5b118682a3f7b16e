"""check_sensitive and check_target: every refusal, with its error class and message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greennb._validation import MISSING_COLUMN_MSG
from greennb.data import check_sensitive, check_target
from greennb.data._checks import (
    CONSTANT_SENSITIVE_MSG,
    NAN_SENSITIVE_MSG,
    NAN_TARGET_MSG,
    NO_ROWS_MSG,
    NO_SENSITIVE_MSG,
    NOT_A_FRAME_MSG,
    TOO_MANY_CLASSES_MSG,
)
from greennb.errors import InvalidTypeError, InvalidValueError


def test_usable_columns_pass():
    frame = pd.DataFrame({"sex": ["f", "m"], "age": ["old", "young"], "y": [0.0, 1.0]})
    check_sensitive(frame, "sex")
    check_sensitive(frame, ["sex", "age"])
    check_target(frame, "y")


def test_check_sensitive_missing_column_lists_available():
    frame = pd.DataFrame({"sex": ["f", "m"], "age": [30, 40]})
    with pytest.raises(InvalidValueError) as info:
        check_sensitive(frame, ["race"])
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role="Sensitive", column="race", available="sex, age"
    )


def test_check_sensitive_nan_is_an_error():
    frame = pd.DataFrame({"sex": ["f", None, "m", None]})
    with pytest.raises(InvalidValueError) as info:
        check_sensitive(frame, "sex", where=" in the test split")
    assert str(info.value) == NAN_SENSITIVE_MSG.format(
        column="sex", count=2, where=" in the test split"
    )
    assert "'unknown'" in str(info.value)


def test_check_sensitive_constant_is_an_error():
    frame = pd.DataFrame({"sex": pd.Series(["f", "f", "f"], dtype=object)})
    with pytest.raises(InvalidValueError) as info:
        check_sensitive(frame, ["sex"])
    assert str(info.value) == CONSTANT_SENSITIVE_MSG.format(column="sex", value="f", where="")


@pytest.mark.parametrize("check", [check_sensitive, check_target])
def test_a_frame_without_rows_has_its_own_message_before_other_checks(check):
    frame = pd.DataFrame({"sex": pd.Series([], dtype=object)})
    with pytest.raises(InvalidValueError) as info:
        check(frame, "sex", where=" in the test split of 'toy'")
    message = str(info.value)
    assert message == NO_ROWS_MSG.format(
        what="The frame", where=" in the test split of 'toy'", how=""
    )
    assert "single value" not in message and "None" not in message


def test_check_target_refuses_a_third_class_for_classification_naming_the_classes():
    frame = pd.DataFrame({"result": pd.Categorical(["negative", "positive", "invalid"])})
    with pytest.raises(InvalidValueError) as info:
        check_target(frame, "result", task="classification", where=" in 'covid'")
    assert str(info.value) == TOO_MANY_CLASSES_MSG.format(
        column="result", count=3, where=" in 'covid'", classes=["invalid", "negative", "positive"]
    )
    check_target(frame, "result", task="regression")  # only classification is binary
    check_target(frame.iloc[:2], "result", task="classification")  # unused categories ignored


def test_check_sensitive_needs_a_column():
    with pytest.raises(InvalidValueError) as info:
        check_sensitive(pd.DataFrame({"a": [1, 2]}), [])
    assert str(info.value) == NO_SENSITIVE_MSG


def test_check_target_nan():
    frame = pd.DataFrame({"y": [1.0, np.nan, np.nan], "x": [1, 2, 3]})
    with pytest.raises(InvalidValueError) as info:
        check_target(frame, "y")
    assert str(info.value) == NAN_TARGET_MSG.format(column="y", count=2, where="")


def test_check_target_missing_column_lists_available():
    frame = pd.DataFrame({"y": [1.0], "x": [1]})
    with pytest.raises(InvalidValueError) as info:
        check_target(frame, "label")
    assert str(info.value) == MISSING_COLUMN_MSG.format(
        role="Target", column="label", available="y, x"
    )


@pytest.mark.parametrize("check", [check_sensitive, check_target])
def test_a_frame_is_required(check):
    with pytest.raises(InvalidTypeError) as info:
        check({"sex": ["f", "m"]}, "sex")
    assert str(info.value) == NOT_A_FRAME_MSG.format(what="frame", type_name="dict")
