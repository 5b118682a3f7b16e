"""The report across runs: the tidy table, the Markdown/CSV/HTML files and the plots.

The store is built in-process with real RunRecords (real models, tracked by CodeCarbon), laid
out as ``greennb run`` lays it out; tests/test_runs.py covers the execution itself.
"""

from __future__ import annotations

import base64
import math
import re
import shutil
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import greennb as gnb
import greennb.energy
from greennb import report
from greennb.plots._plots import footprint_bars
from greennb.runs._record import RunRecord

matplotlib.use("Agg")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PRICING = {"country": "FRA", "pue": 1.2, "renewable_share": 0.5}


def _record(root: Path, case: str, dataset: str, name: str) -> tuple[RunRecord, object, object]:
    data = gnb.load_dataset(dataset)
    split = gnb.split_dataset(data, random_state=0)
    run_dir = root / case / name
    params = {"quick": True, "seed": 0, **PRICING}
    record = RunRecord(case, parameters=params, run_dir=run_dir, **PRICING)
    gnb.configure(country="FRA", output_dir=run_dir)
    record.set_dataset(data, split)
    return record, data, split


def _finance(root: Path) -> dict:
    record, data, split = _record(root, "finance", "hmda", "20250101T000000_000000Z-aaaaaaaa")
    added = {}
    half = len(split.X_train) // 2
    for name, rows in (("logistic", slice(None)), ("logistic-half", slice(0, half))):
        model = gnb.make_model("logistic", task=data.task, random_state=0)
        with gnb.track(f"train-{name}") as train:
            model.fit(split.X_train.iloc[rows], split.y_train.iloc[rows])
        y_pred = model.predict(split.X_test)
        sri = gnb.social_responsibility_index(
            split.y_test,
            y_pred,
            sensitive_features=split.sensitive_test["afam"],
            pos_label=data.favourable_label,
        )
        accuracy = float(np.mean(y_pred == split.y_test.to_numpy()))
        added[name] = record.add_model(
            name, quality={"accuracy": accuracy}, energy=[train.result], fairness=sri
        )
    with warnings.catch_warnings():  # one group only: R is undefined, with a warning
        warnings.simplefilter("ignore")
        single = gnb.social_responsibility_index(
            split.y_test,
            y_pred,
            sensitive_features=["all"] * len(y_pred),
            pos_label=data.favourable_label,
        )
    added["single-group"] = record.add_model(
        "single-group", quality={"accuracy": accuracy}, energy=[train.result], fairness=single
    )
    added["untracked"] = record.add_model("untracked", quality={"accuracy": accuracy})
    record.write()
    return added


def _smart_city(root: Path) -> dict:
    name = "20250102T000000_000000Z-bbbbbbbb"
    record, data, split = _record(root, "smart_city", "victoria_electricity", name)
    model = gnb.make_model("linear", task=data.task)
    with gnb.track("train") as train:
        model.fit(split.X_train, split.y_train)
    y_pred = model.predict(split.X_test)
    mae = float(np.mean(np.abs(y_pred - split.y_test.to_numpy())))
    sri = gnb.social_responsibility_index(
        split.y_test, y_pred, sensitive_features=split.sensitive_test["workday"], metric="mae"
    )
    quality = {"rmse": 9.0, "mae": mae}  # the report must pick MAE, not the first entry
    added = record.add_model("linear", quality=quality, energy=[train.result], fairness=sri)
    record.write()
    return {"linear": added}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    added = {**_finance(root), **_smart_city(root)}
    greennb.energy.close_session()
    finished = root / "finance" / "20250101T000000_000000Z-aaaaaaaa"
    shutil.copytree(finished, root / "finance" / "20250103T000000_000000Z-cccccccc.failed")
    shutil.copytree(finished, root / "finance" / ".tmp-20250104T000000_000000Z-dddddddd")
    return root, added


@pytest.fixture(scope="module")
def table(store):
    return report.collect_runs(store[0])


def _row(table: pd.DataFrame, model: str) -> pd.Series:
    (index,) = table.index[table["model"] == model]
    return table.loc[index]


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


def test_quality_is_accuracy_or_mae_with_its_unit(table, store):
    added = store[1]
    logistic = _row(table, "logistic")
    assert (logistic["task"], logistic["quality_metric"]) == ("classification", "accuracy")
    assert logistic["quality"] == added["logistic"]["quality"]["accuracy"]
    assert logistic["quality_unit"] == "fraction" and logistic["dataset"] == "hmda"
    linear = _row(table, "linear")
    assert (linear["task"], linear["quality_metric"]) == ("forecast", "mae")
    assert linear["quality"] == added["linear"]["quality"]["mae"] != 9.0
    assert linear["quality_unit"] == "GW" and linear["dataset"] == "victoria_electricity"


def test_sri_columns_are_r_a_b_of_the_first_fairness_entry(table, store):
    for model in ("logistic", "logistic-half", "linear"):
        row = _row(table, model)
        (entry,) = store[1][model]["fairness"].values()
        assert row["sri"] == entry["value"]
        assert row["sri"] == pytest.approx(row["sri_fairness_score"] / row["sri_bar"])
        assert row["sri_bar"] == 0.8 and row["meets_bar"] == entry["meets_bar"]
    assert _row(table, "logistic")["sri_metric"] == "demographic_parity"
    assert _row(table, "linear")["sri_metric"] == "mae"
    assert math.isnan(_row(table, "single-group")["sri"])
    assert math.isnan(_row(table, "untracked")["sri"])


def test_energy_and_carbon_columns(table):
    tracked = table[table["model"] != "untracked"]
    assert (tracked["energy_kwh"] > 0).all()
    assert np.allclose(tracked["total_kwh"], tracked["energy_kwh"] * 1.2)
    for _, row in tracked.iterrows():
        grams = 1000 * gnb.carbon_emissions(row["total_kwh"], country="FRA", renewable_share=0.5)
        assert row["emissions_g"] == pytest.approx(grams)
    assert set(tracked["energy_status"]) <= {"estimated", "measured"}
    if _cpu_only():  # no RAPL, no NVML: CodeCarbon's figures are estimates
        assert set(tracked["energy_status"]) == {"estimated"}
        assert set(table["device"]) == {"cpu"}
    untracked = _row(table, "untracked")
    assert untracked["energy_status"] == "unavailable" and math.isnan(untracked["energy_kwh"])
    assert set(table["country"]) == {"FRA"} and set(table["pue"]) == {1.2}
    assert set(table["renewable_share"]) == {0.5} and set(table["seed"]) == {0}
    assert (table["duration_s"] > 0).all() and table["quick"].all()


def test_an_empty_store_is_a_clear_message(tmp_path):
    empty = report.collect_runs(tmp_path)
    assert empty.empty and list(empty.columns) == list(report.REPORT_COLUMNS)
    with pytest.raises(ValueError, match="No finished runs in"):
        report.write_report(tmp_path)
    assert not (tmp_path / "report").exists()


def test_write_report_writes_csv_markdown_and_html_with_plots(store, table, tmp_path):
    out = report.write_report(store[0], tmp_path / "out")
    assert out == tmp_path / "out"
    csv = pd.read_csv(out / "report.csv")
    assert list(csv.columns) == list(report.REPORT_COLUMNS) and len(csv) == len(table)
    assert csv["quality"].tolist() == pytest.approx(table["quality"].tolist())
    markdown = (out / "report.md").read_text().splitlines()
    rows = [line for line in markdown if line.startswith("|")]
    assert len(rows) == len(table) + 2
    assert rows[0] == "| " + " | ".join(report.MARKDOWN_COLUMNS) + " |"
    assert any("| smart_city | linear | victoria_electricity | mae |" in r for r in rows)
    html = (out / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert "estimated" in html and "single-group" in html
    for name in ("tradeoff.png", "footprint.png"):
        assert (out / name).read_bytes().startswith(PNG_MAGIC)


def test_default_report_folder_is_not_taken_for_a_run(store, table):
    out = report.write_report(store[0])
    assert out == store[0] / report.REPORT_DIR
    assert len(report.collect_runs(store[0])) == len(table)


def test_tradeoff_panels_keep_quality_scales_apart(table):
    figure = report.tradeoff_figure(table)
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert len(titles) == 2
    assert titles[0].startswith("accuracy") and titles[1].startswith("mae (victoria_electricity)")
    accuracy_ax = figure.axes[0]
    assert "fraction" in accuracy_ax.get_ylabel() and "energy (kWh)" in accuracy_ax.get_xlabel()
    assert "GW" in figure.axes[1].get_ylabel()
    # R is undefined for the single-group model: drawn as a grey cross, not dropped.
    crosses = accuracy_ax.collections[-1].get_offsets()
    single = _row(table, "single-group")
    assert np.allclose(crosses, [[single["energy_kwh"], single["quality"]]])


def test_footprint_bars_show_the_mean_over_runs_in_wh():
    frame = pd.DataFrame(
        {
            "case": ["a", "a", "b"],
            "model": ["m", "m", "n"],
            "energy_status": ["estimated"] * 3,
            "total_kwh": [0.001, 0.003, 0.004],
        }
    )
    ax = footprint_bars(frame)
    widths = sorted(round(patch.get_width(), 9) for patch in ax.patches if patch.get_width())
    assert widths == [2.0, 4.0]  # mean 0.002 kWh = 2 Wh; 4 Wh
    assert "(Wh)" in ax.get_xlabel() and "estimated" in ax.get_title()
    with pytest.raises(ValueError, match="Unknown footprint value 'co2'.*emissions_g"):
        footprint_bars(frame, value="co2")


def test_markdown_table_formats_numbers_and_escapes_pipes():
    frame = pd.DataFrame({"name": ["a|b", None], "value": [1 / 3, float("nan")], "n": [3, 4]})
    assert report.markdown_table(frame) == (
        "| name | value | n |\n|---|---|---|\n| a\\|b | 0.3333 | 3 |\n|  |  | 4 |\n"
    )
