"""Readable names and labels of the sensitive columns, for figures and sentences."""

import pandas as pd
import pytest

from greennb.data import (
    SENSITIVE_DISPLAY_NAMES,
    group_display_label,
    label_groups,
    list_datasets,
    load_dataset,
    sensitive_display_name,
)
from greennb.errors import InvalidValueError


def test_every_shipped_dataset_names_each_sensitive_column():
    assert set(SENSITIVE_DISPLAY_NAMES) == set(list_datasets())
    for name in list_datasets():
        data = load_dataset(name)
        assert set(data.sensitive) <= set(SENSITIVE_DISPLAY_NAMES[name]), name


def test_every_level_of_the_data_reads_as_words():
    for name in list_datasets():
        data = load_dataset(name)
        for column in data.sensitive:
            for level in data.frame[column].dropna().unique():
                text = group_display_label(name, column, level)
                assert "_" not in text and text, (name, column, level)


def test_codes_become_words():
    assert group_display_label("hmda", "afam", "yes") == "African-American applicant"
    assert group_display_label("hmda", "afam", "no") == "not African-American"
    assert group_display_label("monica", "sex", "m") == "male"
    assert group_display_label("credit_scoring", "Marital", "widow") == "widowed"
    assert group_display_label("chicago_ridership", "neighbourhood", "north_northwest") == (
        "north / northwest side"
    )
    assert group_display_label("covid_testing", "payor_group", "self pay") == "payor: self pay"
    assert sensitive_display_name("hmda", "afam") == "applicant African-American"
    assert sensitive_display_name("hmda", "other_column") == "other column"


def test_intersections_are_labelled_part_by_part():
    assert group_display_label("monica", None, "sex=m, age_band=65-69") == "male, age 65-69"


def test_dataset_object_is_accepted():
    assert sensitive_display_name(load_dataset("hmda"), "afam") == "applicant African-American"


def test_label_groups_keeps_order_and_type():
    bands = pd.Series(
        pd.Categorical(["20-30°C", "<10°C"], categories=["<10°C", "10-20°C", "20-30°C", ">=30°C"],
                       ordered=True),
        index=[7, 9],
        name="temperature_band",
    )  # fmt: skip
    labelled = label_groups(bands, dataset="victoria_electricity")
    assert labelled.index.tolist() == [7, 9]
    assert labelled.cat.ordered
    assert labelled.tolist() == ["20–30 °C", "below 10 °C"]
    assert label_groups(["yes", "no"], dataset="hmda", column="afam") == [
        "African-American applicant",
        "not African-American",
    ]
    assert label_groups(pd.Index(["f"], name="sex"), dataset="monica").tolist() == ["female"]
    assert label_groups("m", dataset="monica", column="sex") == "male"


def test_unknown_dataset():
    with pytest.raises(InvalidValueError, match="hmda"):
        group_display_label("iris", "x", "y")
