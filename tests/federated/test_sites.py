"""Sites: partitions by a column, the shipped cases' partitions, labels and the skew table."""

import numpy as np
import pandas as pd
import pytest

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.federated._sites import (
    COVID_OTHER_SITE,
    Site,
    SitePartition,
    chicago_sites,
    covid_sites,
    sites_by_column,
)


@pytest.fixture
def clinics():
    return pd.DataFrame(
        {
            "clinic": ["a"] * 4 + ["b"] * 3 + ["c"] * 2 + ["d"],
            "result": ["pos", "neg", "neg", "neg", "pos", "pos", "neg", "neg", "neg", "pos"],
            "value": np.arange(10, dtype=float),
        },
        index=np.arange(100, 110),  # labels are not positions
    )


def test_sites_by_column_one_site_per_value_largest_first(clinics):
    partition = sites_by_column(clinics, "clinic", min_rows=1)
    assert partition.names == ["a", "b", "c", "d"]
    assert [site.n_rows for site in partition.sites] == [4, 3, 2, 1]
    assert partition.sites[1].rows.tolist() == [4, 5, 6]  # positions, not index labels
    assert partition.other is None
    assert "4 sites by 'clinic'" in partition.description


def test_small_values_and_values_beyond_max_sites_are_merged(clinics):
    by_size = sites_by_column(clinics, "clinic", min_rows=2, other="rest")
    assert by_size.names == ["a", "b", "c", "rest"]
    assert by_size.sites[-1].values == ("d",)
    by_count = sites_by_column(clinics, "clinic", min_rows=1, max_sites=2)
    assert by_count.names == ["a", "b", "other"]
    assert by_count.sites[-1].rows.tolist() == [7, 8, 9]
    assert set(by_count.sites[-1].values) == {"c", "d"}


def test_ties_are_broken_by_the_value_text():
    frame = pd.DataFrame({"s": ["z", "y", "z", "y", "x"]})
    assert sites_by_column(frame, "s", min_rows=1).names == ["y", "z", "x"]


def test_unknown_column_names_it_and_the_available_ones(clinics):
    with pytest.raises(InvalidValueError, match=r"'hospital'.*clinic, result, value"):
        sites_by_column(clinics, "hospital")


def test_missing_values_in_the_site_column_are_an_error(clinics):
    clinics.loc[101, "clinic"] = None
    with pytest.raises(InvalidValueError, match=r"'clinic' has 1 missing value"):
        sites_by_column(clinics, "clinic")


def test_bad_min_rows_and_empty_frame_are_errors(clinics):
    with pytest.raises(InvalidValueError, match="min_rows must be an integer >= 1; got 0"):
        sites_by_column(clinics, "clinic", min_rows=0)
    with pytest.raises(InvalidValueError, match="max_sites must be an integer >= 1; got 0"):
        sites_by_column(clinics, "clinic", max_sites=0)
    with pytest.raises(InvalidValueError, match="'clinic': the frame has no rows"):
        sites_by_column(clinics.iloc[:0], "clinic")


def test_a_site_with_no_rows_is_an_error_naming_it():
    with pytest.raises(InvalidValueError, match="Site 'ward 3' has no rows"):
        Site("ward 3", [])
    with pytest.raises(InvalidValueError, match="n_rows=5 does not match its 2 rows"):
        Site("a", [0, 1], n_rows=5)
    with pytest.raises(InvalidValueError, match="non-empty string; got ''"):
        Site("", [0])


def test_site_rows_are_read_only():
    site = Site("a", [3, 1])
    assert site.n_rows == 2
    with pytest.raises(ValueError, match="read-only"):
        site.rows[0] = 7


def test_partition_refuses_duplicate_names_and_shared_rows():
    with pytest.raises(InvalidValueError, match="'a' appears more than once"):
        SitePartition([Site("a", [0]), Site("a", [1])], "s", "")
    with pytest.raises(InvalidValueError, match=r"1 row position\(s\) .* \(first: 1\)"):
        SitePartition([Site("a", [0, 1]), Site("b", [1, 2])], "s", "")
    with pytest.raises(InvalidTypeError, match="Site objects"):
        SitePartition([("a", [0])], "s", "")


def test_labels_map_values_and_send_unseen_ones_to_the_catch_all(clinics):
    partition = sites_by_column(clinics, "clinic", min_rows=2)
    test = pd.DataFrame({"clinic": ["b", "d", "new"]}, index=[7, 8, 9])
    labels = partition.labels(test)
    assert labels.tolist() == ["b", "other", "other"]
    assert labels.index.tolist() == [7, 8, 9]
    assert partition.labels(clinics).tolist() == ["a"] * 4 + ["b"] * 3 + ["c"] * 2 + ["other"]


def test_labels_without_catch_all_name_the_unknown_value(clinics):
    partition = sites_by_column(clinics, "clinic", min_rows=1)
    with pytest.raises(InvalidValueError, match=r"no site .* 'new'.*Sites: a, b, c, d"):
        partition.labels(pd.DataFrame({"clinic": ["a", "new"]}))


def test_skew_classification_by_hand(clinics):
    partition = sites_by_column(clinics, "clinic", min_rows=2, target="result", pos_label="pos")
    table = partition.skew()
    assert table.columns.tolist() == ["site", "rows", "share", "positive_rate", "skew"]
    assert table["share"].tolist() == [0.4, 0.3, 0.2, 0.1]
    # overall rate 4/10; site a 1/4, b 2/3, c 0, other 1
    assert table["positive_rate"].tolist() == pytest.approx([0.25, 2 / 3, 0.0, 1.0])
    assert table["skew"].tolist() == pytest.approx([0.15, 2 / 3 - 0.4, 0.4, 0.6])


def test_skew_regression_takes_the_target_mean(clinics):
    partition = sites_by_column(clinics, "clinic", min_rows=2)
    table = partition.skew(clinics["value"].to_numpy())
    assert table["target_mean"].tolist() == pytest.approx([1.5, 5.0, 7.5, 9.0])
    assert table["skew"].tolist() == pytest.approx([3.0, 0.5, 3.0, 4.5])


def test_skew_without_target_or_with_too_short_a_target(clinics):
    partition = sites_by_column(clinics, "clinic")
    with pytest.raises(InvalidValueError, match="skew\\(\\) needs the target"):
        partition.skew()
    with pytest.raises(InvalidValueError, match="y has 3 rows"):
        partition.skew([1.0, 2.0, 3.0])


def test_covid_sites_groups_the_smaller_clinics():
    from greennb.data import load_dataset

    frame = load_dataset("covid_testing").frame
    partition = covid_sites(frame, n_sites=6)
    assert len(partition.sites) == 6
    assert partition.names[0] == "clinical lab"  # the central lab: about half the tests
    assert partition.names[-1] == COVID_OTHER_SITE
    assert partition.n_rows == len(frame)
    sizes = [site.n_rows for site in partition.sites[:-1]]
    assert sizes == sorted(sizes, reverse=True)
    skew = partition.skew()
    assert "positive_rate" in skew.columns
    assert skew["rows"].sum() == len(frame)
    assert "5 clinics with the most tests" in partition.description
    with pytest.raises(InvalidValueError, match="n_sites must be an integer >= 2; got 1"):
        covid_sites(frame, n_sites=1)


def test_chicago_sites_has_one_client_per_station():
    from greennb.data import load_dataset

    frame = load_dataset("chicago_ridership").frame
    partition = chicago_sites(frame)
    assert len(partition.sites) == 20
    assert partition.other is None
    assert "target_mean" in partition.skew().columns
