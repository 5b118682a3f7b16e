"""Shared input checks and group encoding: alignment, missing values, labels, group names."""

import re

import numpy as np
import pandas as pd
import pytest

from greennb.errors import InvalidValueError
from greennb.fairness import (
    group_label,
    group_metrics,
    social_responsibility_index,
)
from greennb.fairness._inputs import (
    DEFAULT_SENSITIVE_NAME,
    MISSING_SENSITIVE_ERROR,
    MISSING_VALUES_ERROR,
    NON_FINITE_VALUES_ERROR,
    as_1d,
    check_complete,
    check_sensitive_complete,
    prepare,
)

# Undefined and small groups warn; the tests of those warnings use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::greennb.errors.FairnessWarning")


def test_sensitive_features_positional_or_keyword_and_aligned_by_position():
    y_true, y_pred = [1, 0, 1, 1, 0, 0], [1, 0, 0, 1, 1, 0]
    groups = ["a", "a", "a", "b", "b", "b"]
    positional = group_metrics(y_true, y_pred, groups).by_group
    keyword = group_metrics(y_true, y_pred, sensitive_features=groups).by_group
    # pandas objects with scrambled indexes must still line up by position
    index = np.random.default_rng(0).permutation(len(y_true))
    series = group_metrics(
        pd.Series(y_true, index=index),
        pd.Series(y_pred, index=index[::-1]),
        pd.Series(groups, index=index),
    ).by_group
    pd.testing.assert_frame_equal(positional, keyword)
    pd.testing.assert_frame_equal(positional, series)
    assert positional["accuracy"].tolist() == pytest.approx([2 / 3, 2 / 3])


def test_intersectional_groups_are_readable():
    features = pd.DataFrame({"sex": ["F", "F", "M", "M"] * 10, "band": ["lo", "hi"] * 20})
    y_pred = [1, 0, 1, 1] * 10
    result = social_responsibility_index(y_pred, y_pred, features)
    assert list(result.by_group.index) == [
        "sex=F, band=hi",
        "sex=F, band=lo",
        "sex=M, band=hi",
        "sex=M, band=lo",
    ]
    assert result.by_group.loc["sex=F, band=hi", "sex"] == "F"
    assert result.by_group.loc["sex=F, band=lo", "selection_rate"] == 1.0
    assert result.fairness_score == 0.0  # (F, hi) is never selected
    assert result.worst_group == "sex=F, band=hi"


@pytest.mark.parametrize(
    ("y_true", "y_pred", "groups", "fragments"),
    [
        ([1, 0, 1], [1, 0], ["a", "b", "a"], ["3, 2 and 3"]),
        ([1, 0], [1, 0], ["a", "b", "a"], ["2, 2 and 3"]),
        ([], [], [], ["y_true is empty"]),
        ([1, 0, 1], [1, 0, 1], ["a", None, "b"], ["'sensitive_feature'", "1 missing", "row 1"]),
        ([1, 0, 1], [1, 0, 1], ["a", np.nan, "b"], ["'sensitive_feature'", "row 1"]),
        ([1, np.nan, 1], [1, 0, 1], ["a", "b", "b"], ["y_true", "row 1"]),
        ([1, 0, 1], [1, 0, None], ["a", "b", "b"], ["y_pred", "row 2"]),
        ([1, 0, 2], [1, 0, 1], ["a", "b", "b"], ["3 distinct", "[0, 1, 2]"]),
        ([1, 0, 1], [0.2, 0.7, 0.9], ["a", "b", "b"], ["binary", "0.7"]),
    ],
)
def test_bad_data_names_the_problem(y_true, y_pred, groups, fragments):
    with pytest.raises(ValueError) as caught:
        social_responsibility_index(y_true, y_pred, groups)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_nan_in_a_named_sensitive_column_names_the_column():
    features = pd.DataFrame({"sex": ["F", "M", "M"], "age_band": ["young", np.nan, "old"]})
    with pytest.raises(ValueError, match=re.escape("'age_band' has 1 missing value(s)")):
        social_responsibility_index([1, 0, 1], [1, 0, 1], features)
    with pytest.raises(ValueError, match="'age_band'"):
        group_metrics([1, 0, 1], [1, 0, 1], features)


def test_regression_metric_needs_numbers():
    with pytest.raises(ValueError, match=r"y_true must be numeric .* such as 'ten'"):
        social_responsibility_index(["ten", "five"], [1.0, 2.0], ["a", "b"], metric="mae")


# ---------------------------------------------------------------------------
# Group labels and encoding
# ---------------------------------------------------------------------------


def test_group_label_of_one_column_is_the_value():
    assert group_label("no", ["smoker"]) == "no"
    assert group_label(np.int64(1), ["afam"]) == "1"
    assert group_label(("no",), ["smoker"]) == "no"  # a one-level MultiIndex key


def test_group_label_of_an_intersection_names_the_columns():
    assert group_label(("f", "35-44"), ["sex", "age_band"]) == "sex=f, age_band=35-44"
    assert group_label((np.str_("m"), np.int64(2)), ("sex", "band")) == "sex=m, band=2"


def test_group_label_reads_metricframe_keys():
    features = pd.DataFrame({"sex": ["f", "m", "m"], "age_band": ["young", "old", "young"]})
    by_group = group_metrics([1, 0, 1], [1, 0, 0], features, metrics=["accuracy"]).by_group
    names = list(by_group.index.names)
    assert [group_label(key, names) for key in by_group.index] == [
        "sex=f, age_band=old",
        "sex=f, age_band=young",
        "sex=m, age_band=old",
        "sex=m, age_band=young",
    ]


def test_prepare_encodes_every_combination_of_observed_values():
    features = pd.DataFrame({"sex": ["M", "F", "M"], "age": ["old", "young", "young"]})
    prepared = prepare([1, 0, 1], [1, 1, 0], features, task="classification", pos_label=1)
    assert prepared.groups == (
        "sex=F, age=old",
        "sex=F, age=young",
        "sex=M, age=old",
        "sex=M, age=young",
    )
    assert prepared.codes.tolist() == [2, 1, 3]
    assert prepared.sizes.tolist() == [0, 1, 1, 1]  # (F, old) is an empty intersection
    assert prepared.truth.tolist() == [True, False, True]
    assert prepared.pred.tolist() == [True, True, False]
    assert prepared.group_values.to_dict(orient="list") == {
        "sex": ["F", "F", "M", "M"],
        "age": ["old", "young", "old", "young"],
    }


def test_prepare_names_unnamed_sensitive_columns():
    prepared = prepare([1.0, 2.0], [1.5, 2.0], [["a", 1], ["b", 1]], task="regression", pos_label=1)
    assert list(prepared.features.columns) == [
        f"{DEFAULT_SENSITIVE_NAME}_0",
        f"{DEFAULT_SENSITIVE_NAME}_1",
    ]
    assert prepared.truth.dtype == float and prepared.pred.tolist() == [1.5, 2.0]


def test_mixed_types_in_a_sensitive_column_still_give_one_group_per_value():
    prepared = prepare([1, 0, 1], [1, 0, 1], ["b", 1, "b"], task="classification", pos_label=1)
    assert sorted(prepared.groups) == ["1", "b"]
    codes = prepared.codes.tolist()
    assert codes[0] == codes[2] != codes[1]


def test_missing_values_messages_name_the_input_and_the_row():
    with pytest.raises(InvalidValueError) as caught:
        check_complete([1.0, None, np.nan], name="y")
    assert str(caught.value) == MISSING_VALUES_ERROR.format(name="y", count=2, row=1)
    features = pd.DataFrame({"sex": ["f", "m"], "band": ["lo", None]})
    with pytest.raises(InvalidValueError) as caught:
        check_sensitive_complete(features)
    assert str(caught.value) == MISSING_SENSITIVE_ERROR.format(column="band", count=1, row=1)


@pytest.mark.parametrize(
    ("values", "count"),
    [
        ([0.5, np.inf, -np.inf], 2),
        (np.array([0.5, np.inf, -np.inf]), 2),
        (np.array([0.5, np.inf, "x"], dtype=object), 1),
    ],
)
def test_infinite_values_are_refused_naming_count_row_and_value(values, count):
    with pytest.raises(InvalidValueError) as caught:
        check_complete(values, name="y_pred")
    expected = NON_FINITE_VALUES_ERROR.format(name="y_pred", count=count, value=np.inf, row=1)
    assert str(caught.value) == expected
    assert "inf" in str(caught.value)


@pytest.mark.parametrize(
    ("function", "options"),
    [(group_metrics, {"task": "regression"}), (social_responsibility_index, {"metric": "mae"})],
)
def test_every_fairness_function_refuses_an_infinite_prediction(function, options):
    y_true, y_pred = [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, np.inf, 4.0]
    with pytest.raises(InvalidValueError, match=r"y_pred has 1 infinite value\(s\), the first inf"):
        function(y_true, y_pred, ["a", "a", "b", "b"], **options)


def test_finite_labels_of_any_dtype_pass_the_check():
    for values in ([1, 0, 1], ["yes", "no"], [True, False], np.array([0.1, 1e308])):
        check_complete(values, name="y")


def test_a_three_dimensional_input_is_refused():
    with pytest.raises(InvalidValueError, match=r"y_true must be one-dimensional.*\(2, 2\)"):
        as_1d([[1, 0], [0, 1]], name="y_true")
    assert as_1d([[1], [0]], name="y_true").tolist() == [1, 0]  # one column is flattened
