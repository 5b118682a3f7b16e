"""The registry of shipped datasets: names, schemas, roles, copies and the summary table."""

from __future__ import annotations

import pandas as pd
import pytest

from greennb._validation import CHOICE_MSG
from greennb.data import DATA_DIR_ENV, dataset_table, list_datasets, load_dataset
from greennb.data._files import MISSING_FILE_MSG, REEXPORT_COMMAND
from greennb.data._registry import EXCLUDED_ROWS_NOTE
from greennb.errors import InvalidValueError

NAMES = [
    "chicago_ridership",
    "covid_testing",
    "credit_scoring",
    "hmda",
    "monica",
    "victoria_electricity",
]
# rows x columns of each loaded frame (derived columns included).
SHAPES = {
    # 20 stations x (5,698 days - 14 days whose own ridership is beyond the table's end)
    "chicago_ridership": (20 * (5698 - 14), 34),
    "covid_testing": (15524 - 301, 18),  # the file's 301 invalid tests are excluded
    "credit_scoring": (4454, 15),
    "hmda": (2380, 14),
    "monica": (6367, 13),
    "victoria_electricity": (17520, 7),
}
CATEGORICAL = {
    "chicago_ridership": ["station", "neighbourhood", "day_of_week"],
    "covid_testing": ["gender", "result", "payor_group", "patient_class", "age_band"],
    "credit_scoring": ["Status", "Home", "Marital", "Job", "age_band"],
    "hmda": ["deny", "afam", "single", "hschool"],
    "monica": ["outcome", "sex", "hosp", "age_band"],
    "victoria_electricity": ["workday", "temperature_band", "day_of_week"],
}


def test_list_datasets_is_sorted_and_complete():
    assert list_datasets() == NAMES


@pytest.mark.parametrize("name", ["adult", 5, None, ["hmda"]])
def test_unknown_name_lists_the_valid_names(name):
    with pytest.raises(InvalidValueError) as info:
        load_dataset(name)
    assert str(info.value) == CHOICE_MSG.format(
        name="dataset", value=name, choices=", ".join(NAMES)
    )


@pytest.mark.parametrize("name", NAMES)
def test_dataset_schema(name):
    dataset = load_dataset(name)
    frame = dataset.frame
    assert frame.shape == SHAPES[name]
    assert dataset.target in frame.columns
    assert frame[dataset.target].isna().sum() == 0
    assert set(dataset.sensitive) <= set(frame.columns)
    assert frame[dataset.sensitive].isna().sum().sum() == 0
    for column in CATEGORICAL[name]:
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    forbidden = {dataset.target, dataset.time_column, *dataset.identifiers}
    assert not forbidden & set(dataset.features)
    assert dataset.X.shape == (len(frame), len(dataset.features))
    assert dataset.y.name == dataset.target
    assert list(dataset.sensitive_frame.columns) == dataset.sensitive


@pytest.mark.parametrize(
    ("name", "task", "target", "positive", "sensitive"),
    [
        ("chicago_ridership", "forecast", "ridership", None, ["neighbourhood"]),
        ("covid_testing", "classification", "result", "positive", ["gender", "payor_group"]),
        ("credit_scoring", "classification", "Status", "bad", ["age_band", "Marital"]),
        ("hmda", "classification", "deny", "yes", ["afam"]),
        ("monica", "classification", "outcome", "dead", ["sex", "age_band"]),
        ("victoria_electricity", "forecast", "demand", None, ["workday", "temperature_band"]),
    ],
)
def test_dataset_roles(name, task, target, positive, sensitive):
    dataset = load_dataset(name)
    assert (dataset.task, dataset.target, dataset.positive_label) == (task, target, positive)
    assert dataset.sensitive == sensitive
    assert dataset.source and dataset.description


@pytest.mark.parametrize(
    ("name", "favourable"),
    [("hmda", "no"), ("credit_scoring", "good"), ("monica", None), ("covid_testing", None)],
)
def test_favourable_label_is_the_outcome_people_want(name, favourable):
    assert load_dataset(name).favourable_label == favourable


def test_target_units_of_forecasts():
    assert load_dataset("chicago_ridership").target_unit == "thousands of entries"
    assert load_dataset("victoria_electricity").target_unit == "GW"


def test_loaded_frames_are_independent_copies():
    first = load_dataset("hmda")
    first.frame.loc[0, "pirat"] = -1.0
    assert load_dataset("hmda").frame.loc[0, "pirat"] == pytest.approx(0.221)


def test_dataset_table_summarises_every_dataset():
    table = dataset_table()
    assert list(table["name"]) == NAMES
    assert dict(zip(table["name"], table["rows"], strict=True)) == {
        name: shape[0] for name, shape in SHAPES.items()
    }
    assert table.loc[table["name"] == "hmda", "origin"].item() == "AER::HMDA"
    assert table.loc[table["name"] == "monica", "sensitive"].item() == "sex, age_band"


def test_covid_testing_excludes_its_invalid_tests_counted_and_noted(repo_data, caplog):
    raw = pd.read_csv(repo_data / "covid_testing.csv.gz")
    invalid = int((raw["result"] == "invalid").sum())
    with caplog.at_level("INFO", logger="greennb.data"):
        dataset = load_dataset("covid_testing")
    assert invalid > 0
    assert dataset.excluded_rows == invalid
    assert len(dataset.frame) == len(raw) - invalid
    assert dataset.y.cat.categories.tolist() == ["negative", "positive"]
    assert dataset.frame.index.equals(pd.RangeIndex(len(raw) - invalid))
    assert dataset.notes[0].startswith(
        EXCLUDED_ROWS_NOTE.split("{reason}")[0].format(
            count=invalid, total=len(raw), target="result", value="invalid"
        )
    )
    assert dataset.notes[0] in caplog.text
    assert "excluded" in dataset.description


@pytest.mark.parametrize("name", [name for name in NAMES if name != "covid_testing"])
def test_other_datasets_exclude_nothing(name):
    dataset = load_dataset(name)
    assert (dataset.excluded_rows, dataset.notes) == (0, ())


@pytest.mark.filterwarnings("ignore::greennb.errors.GreennbWarning")  # merged strata
@pytest.mark.filterwarnings("ignore::greennb.errors.FairnessWarning")  # undefined SRI
def test_covid_testing_finishes_the_demo_behind_greennb_demo():
    from greennb.evaluation import run_demo  # the library call of `greennb demo`

    outcome = run_demo(dataset="covid_testing", model="logistic")
    assert outcome.dataset.excluded_rows > 0
    assert 0.5 < outcome.quality["accuracy"] <= 1.0
    assert outcome.sri.metric == "demographic_parity"
    assert outcome.train.phase == "train" and outcome.inference.phase == "inference"


def test_dataset_table_keeps_the_healthy_datasets_and_names_a_broken_file(copy_data, monkeypatch):
    folder = copy_data([name for name in NAMES if name != "monica"])
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    table = dataset_table().set_index("name")
    assert list(table.index) == NAMES
    assert table.loc["monica", "problem"] == MISSING_FILE_MSG.format(
        name="monica",
        path=folder / "monica.csv.gz",
        file_name="monica.csv.gz",
        command=REEXPORT_COMMAND,
    )
    assert pd.isna(table.loc["monica", "rows"]) and table.loc["monica", "target"] == "outcome"
    healthy = table.drop(index="monica")
    assert healthy["problem"].isna().all()
    assert healthy["rows"].tolist() == [SHAPES[name][0] for name in healthy.index]
