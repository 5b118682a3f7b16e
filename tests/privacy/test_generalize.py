"""Generalization hierarchies and the lattice search of anonymize, on hand-computed tables."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import greennb
from greennb._validation import CHOICE_MSG, MISSING_COLUMN_MSG
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.privacy import _lattice
from greennb.privacy._anonymity import k_anonymity
from greennb.privacy._generalize import (
    KS_ORDER_MSG,
    NO_HIERARCHIES_MSG,
    NOT_A_HIERARCHY_MSG,
    WIDTHS_ORDER_MSG,
    Hierarchy,
    anonymize,
)


def labels(hierarchy: Hierarchy, values, level: int) -> list:
    return hierarchy.apply(pd.Series(values), level).tolist()


# --- hierarchies ------------------------------------------------------------------------


def test_bands_label_intervals_from_zero_and_keep_missing_values():
    ages = Hierarchy.bands("age", [5, 10])
    assert ages.height == 4
    assert ages.level_names == ("raw", "bands of 5", "bands of 10", "*")
    values = [0, 4.9, 5, 12.5, np.nan]
    assert labels(ages, values, 0) == ["0", "4.9", "5", "12.5", np.nan]
    assert labels(ages, values, 1) == ["[0, 5)", "[0, 5)", "[5, 10)", "[10, 15)", np.nan]
    assert labels(ages, values, 2) == ["[0, 10)", "[0, 10)", "[0, 10)", "[10, 20)", np.nan]
    assert labels(ages, values, 3) == ["*"] * 5
    assert labels(Hierarchy.bands("dose", [0.5]), [0.7, 1.2], 1) == ["[0.5, 1)", "[1, 1.5)"]


def test_apply_keeps_the_index_and_name():
    series = pd.Series([3, 17], index=[10, 20], name="age")
    out = Hierarchy.bands("age", [10]).apply(series, 1)
    assert out.index.tolist() == [10, 20] and out.name == "age"


def test_bands_refuse_bad_widths_and_non_numbers():
    with pytest.raises(InvalidValueError) as error:
        Hierarchy.bands("age", [10, 5])
    assert str(error.value) == WIDTHS_ORDER_MSG.format(column="age", widths=[10, 5])
    with pytest.raises(InvalidValueError, match="width of the bands of 'age'.*got 0"):
        Hierarchy.bands("age", [0])
    with pytest.raises(InvalidTypeError, match="numbers in 'sex'; got 'f' of type str"):
        Hierarchy.bands("sex", [1]).apply(pd.Series(["f", "m"]), 1)


def test_from_mapping_groups_values_and_names_unmapped_ones():
    groups = {"ward a": "ward", "ward b": "ward", "lab": "lab"}
    clinics = Hierarchy.from_mapping("clinic", [groups])
    assert clinics.height == 3
    assert labels(clinics, ["ward b", "lab", "ward a", None], 1) == ["ward", "lab", "ward", np.nan]
    with pytest.raises(InvalidValueError) as error:
        clinics.apply(pd.Series(["ward a", "drive-thru"]), 1)
    message = str(error.value)
    assert "'drive-thru'" in message and "'ward a', 'ward b', 'lab'" in message
    with pytest.raises(InvalidTypeError, match="level 1 of the hierarchy of 'clinic'.*list"):
        Hierarchy.from_mapping("clinic", [["ward"]])


def test_from_mapping_without_levels_is_keep_or_suppress():
    sex = Hierarchy.from_mapping("sex", [])
    assert sex.height == 2
    assert labels(sex, ["f", "m"], 0) == ["f", "m"]
    assert labels(sex, ["f", "m"], 1) == ["*", "*"]


def test_top_k_keeps_the_most_frequent_categories():
    clinics = Hierarchy.top_k("clinic", [2, 1])
    values = ["a", "b", "b", "c", "c", "c", "d"]
    assert clinics.height == 4
    assert labels(clinics, values, 1) == ["other", "b", "b", "c", "c", "c", "other"]
    assert labels(clinics, values, 2) == ["other"] * 3 + ["c"] * 3 + ["other"]
    assert labels(Hierarchy.top_k("x", [1]), ["b", "a"], 1) == ["other", "a"]  # tie: by label
    with pytest.raises(InvalidValueError) as error:
        Hierarchy.top_k("clinic", [3, 5])
    assert str(error.value) == KS_ORDER_MSG.format(column="clinic", ks=[3, 5])


def test_a_level_outside_the_hierarchy_names_the_valid_levels():
    with pytest.raises(InvalidValueError) as error:
        Hierarchy.bands("age", [10]).apply(pd.Series([1]), 3)
    assert str(error.value) == CHOICE_MSG.format(
        name="level of the hierarchy of 'age'", value=3, choices="0, 1, 2"
    )
    with pytest.raises(InvalidTypeError, match="level of the hierarchy of 'age'"):
        Hierarchy.bands("age", [10]).apply(pd.Series([1]), 1.0)


def test_repr_shows_levels_not_data():
    expected = "Hierarchy('clinic', levels=('raw', 'top 3', '*'))"
    assert repr(Hierarchy.top_k("clinic", [3])) == expected


# --- anonymize --------------------------------------------------------------------------


@pytest.fixture
def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {"age": [21, 22, 23, 47], "sex": ["f", "f", "f", "m"], "note": ["w", "x", "y", "z"]}
    )


def test_information_loss_hand_computed(tiny):
    # age raw: 4 singletons (4 rows to suppress > 1 allowed); bands of 10: [20, 30) x 3 and
    # [40, 50) x 1 -> 1 row suppressed, discernibility 3^2 + 1 x 4 = 13; "*": 4^2 = 16.
    table = anonymize(tiny, [Hierarchy.bands("age", [10])], k=3, max_suppression=0.25)
    assert table.levels == {"age": 1}
    assert table.suppressed_rows == 1
    assert table.information_loss == {
        "discernibility": 13,
        "generalization_height": 0.5,  # level 1 of a hierarchy of height 3: 1 / 2
        "suppressed_share": 0.25,
    }
    assert table.frame.index.tolist() == [0, 1, 2]
    assert table.frame["age"].tolist() == ["[20, 30)"] * 3
    assert table.frame["note"].tolist() == ["w", "x", "y"]  # other columns as given
    assert (table.report.k, table.report.n_classes, table.report.rows) == (3, 1, 3)


def test_without_room_to_suppress_the_column_is_generalized_away(tiny):
    table = anonymize(tiny, [Hierarchy.bands("age", [10])], k=3, max_suppression=0)
    assert table.levels == {"age": 2} and table.suppressed_rows == 0
    assert table.information_loss["discernibility"] == 16
    assert table.frame["age"].tolist() == ["*"] * 4


def test_the_two_preferences_choose_differently_by_hand():
    frame = pd.DataFrame({"a": [1, 1, 2, 11, 12, 21], "b": ["x", "y", "y", "x", "y", "y"]})
    hierarchies = [Hierarchy.bands("a", [10]), Hierarchy.from_mapping("b", [])]
    # feasible with at most 2 rows suppressed (k = 2):
    #   a "*", b raw: classes 2 (x), 4 (y): discernibility 4 + 16 = 20, height (1 + 0) / 2
    #   a bands, b "*": classes 3, 2, 1: 9 + 4 + 1 x 6 = 19, height (1/2 + 1) / 2
    kwargs = {"k": 2, "max_suppression": 2 / 6}
    least = anonymize(frame, hierarchies, **kwargs)
    assert least.levels == {"a": 2, "b": 0}
    assert least.information_loss["discernibility"] == 20
    assert least.information_loss["generalization_height"] == 0.5
    optimal = anonymize(frame, hierarchies, prefer="least_discernibility", **kwargs)
    assert optimal.levels == {"a": 1, "b": 1}
    assert optimal.information_loss["discernibility"] == 19
    assert optimal.information_loss["generalization_height"] == 0.75
    assert optimal.suppressed_rows == 1 and optimal.frame.index.tolist() == [0, 1, 2, 3, 4]


def test_missing_values_are_a_class_of_their_own():
    frame = pd.DataFrame({"age": [30.0, 31.0, np.nan, np.nan]})
    table = anonymize(frame, [Hierarchy.bands("age", [10])], k=2, max_suppression=0)
    assert table.levels == {"age": 1}
    assert table.frame["age"].tolist() == ["[30, 40)", "[30, 40)", np.nan, np.nan]
    assert table.report.k == 2


def test_unreachable_k_says_which_classes_would_be_suppressed(tiny):
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, [Hierarchy.bands("age", [10])], k=5)
    message = str(error.value)
    assert "reaches k=5" in message and "best reached is k=4" in message
    assert "suppress 4 rows in 1 classes of sizes 4" in message
    assert "coarser hierarchy or a larger max_suppression" in message


def test_capped_levels_can_make_k_unreachable(tiny):
    hierarchies = [Hierarchy.bands("age", [10]), Hierarchy.from_mapping("sex", [])]
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, hierarchies, k=2, max_suppression=0, max_levels={"age": 1})
    message = str(error.value)
    assert "at most 0.0% of the 4 rows suppressed (0 rows)" in message
    assert "best reached is k=1 at levels {'age': 1, 'sex': 1}" in message
    assert "suppress 1 rows in 1 classes of sizes 1" in message


def test_suppression_limit_is_exact_in_rows():
    # 100 rows: 71 in one class, 29 singletons; 0.29 x 100 is 28.999999999999996 in floats
    frame = pd.DataFrame({"x": [0] * 71 + list(range(1, 30))})
    table = anonymize(frame, [Hierarchy.from_mapping("x", [])], k=2, max_suppression=0.29)
    assert table.levels == {"x": 0} and table.suppressed_rows == 29
    assert len(table.frame) == 71


def test_bad_arguments_are_named(tiny):
    ages = Hierarchy.bands("age", [10])
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, [], k=2)
    assert str(error.value) == NO_HIERARCHIES_MSG
    with pytest.raises(InvalidTypeError) as error:
        anonymize(tiny, ["age"], k=2)
    assert str(error.value) == NOT_A_HIERARCHY_MSG.format(value="age", type="str")
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, [Hierarchy.bands("zip", [10])], k=2)
    assert str(error.value) == MISSING_COLUMN_MSG.format(
        role="quasi-identifier", column="zip", available="age, sex, note"
    )
    with pytest.raises(InvalidValueError, match="'age' is named more than once"):
        anonymize(tiny, [ages, Hierarchy.top_k("age", [2])], k=2)
    with pytest.raises(InvalidValueError, match="k must be an integer >= 1.*got 0"):
        anonymize(tiny, [ages], k=0)
    with pytest.raises(InvalidValueError, match=r"max_suppression must be a number in \[0, 1\]"):
        anonymize(tiny, [ages], k=2, max_suppression=5)
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, [ages], k=2, prefer="fastest")
    assert "fastest" in str(error.value) and "least_discernibility" in str(error.value)
    with pytest.raises(InvalidValueError, match="Unknown column of max_levels 'sex'"):
        anonymize(tiny, [ages], k=2, max_levels={"sex": 0})
    with pytest.raises(InvalidValueError, match=r"Unknown max_levels\['age'\] 3; .* 0, 1, 2"):
        anonymize(tiny, [ages], k=2, max_levels={"age": 3})
    with pytest.raises(InvalidValueError, match="no rows"):
        anonymize(tiny.iloc[:0], [ages], k=2)


def test_a_lattice_too_large_is_refused_not_searched(tiny, monkeypatch):
    monkeypatch.setattr(_lattice, "MAX_NODES", 5)
    hierarchies = [Hierarchy.bands("age", [10]), Hierarchy.from_mapping("sex", [])]
    with pytest.raises(InvalidValueError) as error:
        anonymize(tiny, hierarchies, k=2)
    assert str(error.value) == _lattice.LATTICE_TOO_LARGE_MSG.format(
        columns=["age", "sex"], nodes=6, limit=5
    )


def test_to_dict_is_json_and_the_released_rows_stay_out(tiny):
    table = anonymize(tiny, [Hierarchy.bands("age", [10])], k=3, max_suppression=0.25)
    data = table.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert set(data) == {"levels", "suppressed_rows", "report", "information_loss"}
    assert "note" not in repr(table) and "'w'" not in repr(table)


# --- the lesson's table -----------------------------------------------------------------


def lesson_hierarchies() -> list[Hierarchy]:
    return [
        Hierarchy.bands("age", [1, 5, 10, 20]),
        Hierarchy.from_mapping("gender", []),
        Hierarchy.bands("pan_day", [7, 14, 28, 56]),
        Hierarchy.top_k("clinic_name", [10, 5, 3]),
        Hierarchy.from_mapping("patient_class", []),
    ]


@pytest.fixture(scope="module")
def covid() -> pd.DataFrame:
    columns = [h.column for h in lesson_hierarchies()]
    return greennb.load_dataset("covid_testing").frame.loc[:, columns]


@pytest.mark.parametrize("prefer", _lattice.PREFERENCES)
def test_covid_testing_reaches_k_and_loss_follows_k(covid, prefer):
    columns = [h.column for h in lesson_hierarchies()]
    losses = []
    for k in (2, 5, 10):
        table = anonymize(covid, lesson_hierarchies(), k=k, prefer=prefer)
        assert table.report.k >= k
        assert table.suppressed_rows <= math.floor(0.05 * len(covid))
        assert len(table.frame) + table.suppressed_rows == len(covid)
        assert table.report == k_anonymity(table.frame, columns, target_k=k)
        losses.append(table.information_loss)
    key = "generalization_height" if prefer == "least_generalization" else "discernibility"
    assert [loss[key] for loss in losses] == sorted(loss[key] for loss in losses)
