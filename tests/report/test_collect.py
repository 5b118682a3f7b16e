"""The report's table: one row per finished run and model, quality, R, energy and carbon."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import greennb as gnb
from greennb import report
from greennb.errors import SkippedRunWarning
from greennb.report._collect import _quality
from greennb.runs._schema import SCHEMA_MSG


def _cpu_only() -> bool:
    import torch

    return not torch.cuda.is_available() and not Path("/sys/class/powercap").exists()


def test_one_row_per_finished_run_and_model(table):
    assert list(table.columns) == list(report.REPORT_COLUMNS)
    expected = ["linear", "logistic", "logistic-half", "single-group", "untracked"]
    assert sorted(table["model"]) == expected
    assert table["run_id"].nunique() == 2  # the .failed and .tmp- copies are left out
    assert set(table["run_id"]) == {
        "finance/20250101T000000_000000Z-aaaaaaaa",
        "smart_city/20250102T000000_000000Z-bbbbbbbb",
    }


def test_quality_is_accuracy_or_mae_with_its_unit(table, store, row):
    added = store[1]
    logistic = row("logistic")
    assert (logistic["task"], logistic["quality_metric"]) == ("classification", "accuracy")
    assert logistic["quality"] == added["logistic"]["quality"]["accuracy"]
    assert logistic["quality_unit"] == "fraction" and logistic["dataset"] == "hmda"
    linear = row("linear")
    assert (linear["task"], linear["quality_metric"]) == ("forecast", "mae")
    assert linear["quality"] == added["linear"]["quality"]["mae"] != 9.0
    assert linear["quality_unit"] == "GW" and linear["dataset"] == "victoria_electricity"


def test_quality_falls_back_to_the_first_metric_or_nothing():
    assert _quality({"quality": {"MAE": 2, "rmse": 3}}, "regression") == ("MAE", 2.0)
    assert _quality({"quality": {"f1": 0.5, "auc": 0.7}}, "classification") == ("f1", 0.5)
    metric, value = _quality({"quality": None}, None)
    assert metric is None and math.isnan(value)
    assert report.QUALITY_BY_TASK["forecast"] == "mae" and "accuracy" in report.FRACTION_METRICS


def test_sri_columns_are_r_a_b_of_the_first_fairness_entry(store, row):
    for model in ("logistic", "logistic-half", "linear"):
        entry_row = row(model)
        (entry,) = store[1][model]["fairness"].values()
        assert entry_row["sri"] == entry["value"]
        assert entry_row["sri"] == pytest.approx(
            entry_row["sri_fairness_score"] / entry_row["sri_bar"]
        )
        assert entry_row["sri_bar"] == 0.8 and entry_row["meets_bar"] == entry["meets_bar"]
    assert row("logistic")["sri_metric"] == "demographic_parity"
    assert row("linear")["sri_metric"] == "mae"
    assert math.isnan(row("single-group")["sri"])
    assert math.isnan(row("untracked")["sri"])


def test_energy_and_carbon_columns(table, row):
    tracked = table[table["model"] != "untracked"]
    assert (tracked["energy_kwh"] > 0).all()
    assert np.allclose(tracked["total_kwh"], tracked["energy_kwh"] * 1.2)
    for _, tracked_row in tracked.iterrows():
        grams = 1000 * gnb.carbon_emissions(
            tracked_row["total_kwh"], country="FRA", renewable_share=0.5
        )
        assert tracked_row["emissions_g"] == pytest.approx(grams)
    assert set(tracked["energy_status"]) <= {"estimated", "measured"}
    if _cpu_only():  # no RAPL, no NVML: CodeCarbon's figures are estimates
        assert set(tracked["energy_status"]) == {"estimated"}
        assert set(table["device"]) == {"cpu"}
    untracked = row("untracked")
    assert untracked["energy_status"] == "unavailable" and math.isnan(untracked["energy_kwh"])
    assert set(table["country"]) == {"FRA"} and set(table["pue"]) == {1.2}
    assert set(table["renewable_share"]) == {0.5} and set(table["seed"]) == {0}
    assert (table["duration_s"] > 0).all() and table["quick"].all()


def test_an_empty_store_is_an_empty_table_with_the_columns(tmp_path):
    empty = report.collect_runs(tmp_path)
    assert empty.empty and list(empty.columns) == list(report.REPORT_COLUMNS)


def _set_pue(record, value="abc"):
    record["models"][0]["carbon"]["pue"] = value


def test_a_record_with_text_for_a_number_is_skipped_and_named(fake_store, edited_copy):
    edited_copy("finance/20250104T000000_000000Z-badpue", _set_pue)
    with pytest.warns(SkippedRunWarning) as warned:
        table = report.collect_runs(fake_store[0])
    assert table["run_id"].nunique() == 3 and not table["run_id"].str.contains("badpue").any()
    expected = SCHEMA_MSG.format(
        problem="model 'mlp' carbon pue is 'abc', not a finite number or null"
    )
    (skipped,) = table.attrs[report.SKIPPED_RUNS]
    assert skipped == report.SkippedRun("finance/20250104T000000_000000Z-badpue", expected)
    assert [str(w.message) for w in warned] == [str(skipped)]
    assert "'abc'" in str(skipped) and "badpue" in str(skipped)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda r: r.update(dataset="hmda"), "AttributeError"),  # not an object
        (lambda r: r["models"][0].update(extra="x"), "AttributeError"),
        (lambda r: r.update(duration_s="1 s"), "duration_s is '1 s', not a number"),
        (
            lambda r: r["models"][0]["energy"]["train"].update(energy_kwh="2"),
            "phase 'train' energy_kwh is '2', not a finite number",
        ),
    ],
)
def test_every_malformed_record_is_one_skipped_run(fake_store, edited_copy, edit, reason):
    edited_copy("finance/20250104T000000_000000Z-malformed", edit)
    with pytest.warns(SkippedRunWarning, match="malformed"):
        table = report.collect_runs(fake_store[0])
    (skipped,) = table.attrs[report.SKIPPED_RUNS]
    assert skipped.path.endswith("malformed") and reason in skipped.reason
    assert len(table) == 5  # the three good runs' models


def test_a_run_is_labelled_by_its_folders_not_by_its_record(fake_store, edited_copy):
    edited_copy("smart_city/20250104T000000_000000Z-moved")  # a finance record, elsewhere
    table = report.collect_runs(fake_store[0])
    moved = table[table["run_id"] == "smart_city/20250104T000000_000000Z-moved"]
    assert len(moved) == 3 and set(moved["case"]) == {"smart_city"}
    assert table.attrs[report.SKIPPED_RUNS] == []


def test_privacy_columns_come_from_the_models_extra(fake_store, edited_copy):
    def private(record):
        record["models"][0]["extra"] = {
            "privacy": {"mechanism": "DP-SGD (Opacus)", "epsilon": 1.0, "delta": 1e-5},
            "release_k": 5,
        }

    edited_copy("privacy/20250105T000000_000000Z-dp", private)
    table = report.collect_runs(fake_store[0])
    row = table[table["case"] == "privacy"].iloc[0]
    assert (row["privacy_mechanism"], row["privacy_epsilon"], row["privacy_release_k"]) == (
        "DP-SGD (Opacus)",
        1.0,
        5,
    )
    others = table[table["case"] != "privacy"]
    assert others["privacy_mechanism"].isna().all() and others["privacy_epsilon"].isna().all()


def test_federated_columns_come_from_the_models_extra(fake_store, edited_copy):
    def federated(record):
        record["models"][0]["extra"] = {
            "federated": {"rounds": 8, "clients": 6, "bytes_total_mb": 3.79}
        }

    edited_copy("federated/20250105T000000_000000Z-fl", federated)
    table = report.collect_runs(fake_store[0])
    row = table[table["case"] == "federated"].iloc[0]
    assert (row["federated_rounds"], row["federated_clients"], row["federated_mb_sent"]) == (
        8,
        6,
        3.79,
    )
    assert table[table["case"] != "federated"]["federated_rounds"].isna().all()
