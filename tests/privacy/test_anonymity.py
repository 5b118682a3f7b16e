"""k-anonymity, prosecutor risk and distinct l-diversity on small hand-made tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from greennb._validation import INTEGER_MSG, MISSING_COLUMN_MSG
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.privacy._anonymity import (
    DUPLICATE_COLUMN_MSG,
    NO_QUASI_IDENTIFIERS_MSG,
    NO_ROWS_MSG,
    NOT_A_FRAME_MSG,
    QUASI_IDENTIFIERS_TYPE_MSG,
    SENSITIVE_IS_QUASI_IDENTIFIER_MSG,
    AnonymityReport,
    combine_codes,
    k_anonymity,
    l_diversity,
)


@pytest.fixture
def table() -> pd.DataFrame:
    """Two classes over (age, sex): (30, f) x 2 and (40, m) x 3."""
    return pd.DataFrame(
        {
            "age": [30, 30, 40, 40, 40],
            "sex": ["f", "f", "m", "m", "m"],
            "result": ["pos", "neg", "neg", "neg", "pos"],
        }
    )


def test_k_risk_and_classes_of_a_hand_made_table(table):
    report = k_anonymity(table, ["age", "sex"], target_k=3)
    assert report == AnonymityReport(
        k=2,
        n_classes=2,
        rows=5,
        risk_max=0.5,
        risk_mean=0.4,  # (1/2 + 1/2 + 1/3 + 1/3 + 1/3) / 5 = 2 / 5
        classes_below={2: 1},
        quasi_identifiers=("age", "sex"),
    )


def test_k_is_one_when_a_row_is_alone():
    frame = pd.DataFrame({"sex": ["f", "f", "m"]})
    report = k_anonymity(frame, ["sex"], target_k=2)
    assert (report.k, report.n_classes, report.risk_max) == (1, 2, 1.0)
    assert report.risk_mean == pytest.approx(2 / 3)
    assert report.classes_below == {1: 1}


def test_every_row_unique_gives_k_one_and_risk_one():
    frame = pd.DataFrame({"age": [21, 22, 23, 24], "zip": ["a", "b", "c", "d"]})
    report = k_anonymity(frame, ["age", "zip"], target_k=5)
    assert (report.k, report.n_classes, report.rows) == (1, 4, 4)
    assert report.risk_max == report.risk_mean == 1.0
    assert report.classes_below == {1: 4}


def test_no_target_means_no_classes_below(table):
    assert k_anonymity(table, ["sex"]).classes_below == {}
    assert k_anonymity(table, ["sex"], target_k=2).classes_below == {}


def test_missing_values_form_their_own_category():
    frame = pd.DataFrame(
        {
            "age": [np.nan, np.nan, 30.0, 30.0],
            "clinic": pd.Series(["a", None, None, "a"], dtype="category"),
        }
    )
    assert k_anonymity(frame, ["age"]).k == 2  # NaN, NaN | 30, 30
    report = k_anonymity(frame, ["age", "clinic"])
    assert (report.k, report.n_classes) == (1, 4)  # (nan, a) (nan, nan) (30, nan) (30, a)


def test_report_to_dict_is_json(table):
    report = k_anonymity(table, ["age", "sex"], target_k=3)
    data = report.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["classes_below"] == {"2": 1}
    assert data["quasi_identifiers"] == ["age", "sex"]


def test_l_diversity_hand_made(table):
    assert l_diversity(table, ["age", "sex"], "result") == 2  # both classes hold pos and neg
    frame = pd.DataFrame({"sex": ["f", "f", "m", "m"], "result": ["pos", "neg", "neg", "neg"]})
    assert l_diversity(frame, ["sex"], "result") == 1  # every man's result is known
    three = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 4, "s": [1, 2, 3, 1, 2, 3, 4]})
    assert l_diversity(three, ["g"], "s") == 3


def test_l_diversity_counts_a_missing_sensitive_value_as_one_value():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "s": ["x", None, "y", "y"]})
    assert l_diversity(frame, ["g"], "s") == 1  # class b holds y only; class a holds x, missing


def test_empty_quasi_identifiers_is_a_clear_error(table):
    message = NO_QUASI_IDENTIFIERS_MSG.format(available="age, sex, result")
    with pytest.raises(InvalidValueError) as error:
        k_anonymity(table, [])
    assert str(error.value) == message
    with pytest.raises(InvalidValueError, match="quasi_identifiers is empty"):
        l_diversity(table, (), "result")


def test_unknown_column_is_named_with_the_columns(table):
    with pytest.raises(InvalidValueError) as error:
        k_anonymity(table, ["age", "zip"])
    assert str(error.value) == MISSING_COLUMN_MSG.format(
        role="quasi-identifier", column="zip", available="age, sex, result"
    )
    with pytest.raises(InvalidValueError, match="sensitive column 'diagnosis'"):
        l_diversity(table, ["age"], "diagnosis")


def test_a_frame_without_rows_is_refused(table):
    with pytest.raises(InvalidValueError) as error:
        k_anonymity(table.iloc[:0], ["age"])
    assert str(error.value) == NO_ROWS_MSG


def test_bad_arguments_name_the_bad_value(table):
    with pytest.raises(InvalidTypeError) as error:
        k_anonymity(table, "age")
    assert str(error.value) == QUASI_IDENTIFIERS_TYPE_MSG.format(value="age", type="str")
    with pytest.raises(InvalidTypeError) as error:
        k_anonymity(table.to_dict(), ["age"])
    assert str(error.value) == NOT_A_FRAME_MSG.format(name="frame", type="dict")
    with pytest.raises(InvalidValueError) as error:
        k_anonymity(table, ["age", "age"])
    assert str(error.value) == DUPLICATE_COLUMN_MSG.format(
        role="quasi-identifier", column="age", names=["age", "age"]
    )
    with pytest.raises(InvalidValueError) as error:
        k_anonymity(table, ["age"], target_k=0)
    assert str(error.value) == INTEGER_MSG.format(
        name="target_k", minimum=1, unit=" (rows)", value=0
    )
    with pytest.raises(InvalidValueError) as error:
        l_diversity(table, ["age", "result"], "result")
    assert str(error.value) == SENSITIVE_IS_QUASI_IDENTIFIER_MSG.format(
        column="result", names=["age", "result"]
    )


def test_combine_codes_stays_exact_beyond_int64():
    # three columns of 2**30 codes each: the radix product 2**90 would overflow int64
    big = 2**30
    codes = [np.array([0, big - 1, 0, big - 1]), np.array([5, 5, 5, 5]), np.array([1, 2, 1, 2])]
    key = combine_codes(codes, [big, big, big])
    assert key[0] == key[2] and key[1] == key[3] and key[0] != key[1]
