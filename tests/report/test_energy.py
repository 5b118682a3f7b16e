"""The report's energy split: training energy and energy per 1,000 predictions, never summed."""

import math

import pytest

from greennb import report
from greennb.evaluation import evaluate_variant
from greennb.report._energy import energy_columns, phase_kind
from greennb.runs import RunRecord, read_metrics


def test_phase_kind_reads_the_phase_name():
    assert [phase_kind(n) for n in ("train", "mlp-train", "fit", "teacher-train-epoch-2")] == [
        "training"
    ] * 4
    assert phase_kind("logistic-threshold_optimizer") == "other"
    assert phase_kind("logistic-exponentiated_gradient-mitigate") == "training"
    assert phase_kind("teacher-int8-lever") == "training"
    for name in ("inference", "predict_ridge", "evaluate", "x-threshold_optimizer-inference"):
        assert phase_kind(name) == "inference"


def _row(table, model, run="aaaaaaaa"):
    (index,) = table.index[(table["model"] == model) & table["run_id"].str.endswith(run)]
    return table.loc[index]


def test_training_and_inference_are_separate_columns_checkable_by_hand(fake_store):
    root, test_rows = fake_store
    table = report.collect_runs(root)
    mlp = _row(table, "mlp")
    assert mlp["train_kwh"] == pytest.approx(2e-3) and mlp["train_phases"] == "train"
    assert (mlp["train_kwh_low"], mlp["train_kwh_high"]) == pytest.approx((0.4e-3, 6e-3))
    # 3e-4 kWh over the test rows predicted 3 times (the run's inference_repeats), x 1,000.
    assert mlp["inference_predictions"] == 3 * test_rows
    per_1000 = 3e-4 / (3 * test_rows) * 1000
    assert mlp["inference_kwh_per_1000"] == pytest.approx(per_1000)
    assert mlp["inference_kwh_per_1000_low"] == pytest.approx(0.2 * per_1000)
    assert mlp["inference_kwh_per_1000_high"] == pytest.approx(3 * per_1000)
    assert mlp["train_status"] == mlp["inference_status"] == "estimated"
    # The record's total is every phase; its interval and carbon's are in the table too.
    assert mlp["energy_kwh"] == pytest.approx(2.3e-3)
    assert (mlp["energy_kwh_low"], mlp["energy_kwh_high"]) == pytest.approx((0.46e-3, 6.9e-3))
    pue = mlp["pue"]
    assert mlp["total_kwh_high"] == pytest.approx(6.9e-3 * pue)
    assert mlp["emissions_g_low"] <= mlp["emissions_g"] <= mlp["emissions_g_high"]
    other = _row(table, "other-data")
    assert other["dataset"] == "other" and other["inference_predictions"] == 500
    assert other["inference_kwh_per_1000"] == pytest.approx(1e-4 / 500 * 1000)
    assert other["train_kwh"] == pytest.approx(1e-3)


def test_a_shared_machine_is_flagged(fake_store):
    table = report.collect_runs(fake_store[0])
    shared = _row(table, "mlp-shared")
    assert shared["machine_shared"] and shared["shared_phases"] == "inference"
    assert not _row(table, "mlp")["machine_shared"]
    assert table["machine_shared"].sum() == 1


def test_repeats_share_a_parameter_set_and_other_parameters_do_not(fake_store):
    table = report.collect_runs(fake_store[0])
    a, b, c = (_row(table, "mlp", run) for run in ("aaaaaaaa", "bbbbbbbb", "cccccccc"))
    assert a["parameter_set"] == b["parameter_set"] != c["parameter_set"]


def test_an_entry_without_a_prediction_count_has_no_figure_per_1000():
    entry = {"energy": {"inference": {"phase": "inference", "energy_kwh": 1e-4,
                                      "duration_s": 1.0, "status": "estimated"}}}  # fmt: skip
    columns = energy_columns(entry, {"dataset": {}, "parameters": {}})
    assert columns["inference_predictions"] is None and columns["inference_kwh_per_1000"] is None
    assert columns["train_kwh"] is None and columns["train_status"] is None
    assert columns["inference_status"] == "estimated"


def test_a_training_phase_without_energy_leaves_no_partial_training_total(energy_result):
    phases = [
        energy_result(1e-3, 1.0, phase="train"),
        energy_result(None, 1.0, phase="fit", status="unavailable"),
    ]
    entry = {"energy": {p.phase: p.to_dict() for p in phases}}
    columns = energy_columns(entry, {})
    assert columns["train_kwh"] is None and columns["train_status"] == "unavailable"
    assert columns["train_kwh_low"] is None


def test_a_variant_entrys_training_and_per_prediction_figures(
    tmp_path, hmda, hmda_model, fake_session, energy_result
):
    # evaluate_variant's record entry: the total is the training (1.5e-3 kWh), not the timed
    # loop (4e-7 kWh), which the report divides by its own predictions.
    data, split = hmda
    training = [energy_result(1e-3, 2.0, phase="teacher-train-epoch-1"),
                energy_result(5e-4, 1.0, phase="int8-lever")]  # fmt: skip
    evaluation = evaluate_variant(
        hmda_model, split, dataset=data, name="int8", training_energy=training,
        batch_size=100, min_seconds=0.01, session=fake_session([4e-7]),
    )  # fmt: skip
    root = tmp_path / "runs"
    record = RunRecord("tradeoffs", parameters={}, run_dir=root / "tradeoffs" / "r1")
    record.set_dataset(data, split)
    record.add_model(evaluation.name, **evaluation.record_entry())
    record.write(close_energy=False)
    (row,) = report.collect_runs(root).to_dict("records")
    stored = read_metrics(root / "tradeoffs" / "r1")["models"][0]
    assert row["energy_kwh"] == stored["energy_total"]["energy_kwh"] == pytest.approx(1.5e-3)
    assert row["train_kwh"] == pytest.approx(1.5e-3)
    assert row["train_phases"] == "teacher-train-epoch-1, int8-lever"
    assert row["inference_phases"] == "inference-int8"
    assert row["inference_predictions"] == evaluation.n_batches * 100
    assert row["inference_kwh_per_1000"] == pytest.approx(evaluation.inference_kwh_per_1000)
    assert row["inference_kwh_per_1000_high"] == pytest.approx(
        evaluation.inference_kwh_per_1000_interval.high
    )
    assert not math.isnan(row["inference_kwh_per_1000_low"])
