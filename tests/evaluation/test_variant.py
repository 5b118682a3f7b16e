"""evaluate_variant: cost, speed, energy, quality and fairness of a torch-MLP variant."""

import dataclasses
import json

import pandas as pd
import pytest

from greennb import efficiency, plots
from greennb.energy import EnergyInterval, EnergySession, Pricing, Usage, compare_energy
from greennb.energy import _attribution as attribution_module
from greennb.evaluation import (
    evaluate_variant,
    variant_group_table,
    variant_table,
)
from greennb.models import estimate_flops
from greennb.runs import RunRecord, read_metrics

# --- Evaluation of a variant --------------------------------------------------------------------


class QuietSampler:
    """Every phase ran alone on the machine (so that dynamic energy is computed)."""

    def start(self):
        return "mark"

    def stop(self, token):
        return Usage(1.0, 1.0, 1.0, 0.0, n_cpus=2, rss_gb=0.5)


@pytest.fixture
def quiet_machine(monkeypatch):
    """Sessions made in the test see a quiet machine, whatever else runs on this one."""
    monkeypatch.setattr(attribution_module, "new_sampler", lambda: (QuietSampler(), None))


def test_evaluate_variant_record_schema_and_values(hmda, hmda_model, fake_session, energy_result):
    data, split = hmda
    session = fake_session([2e-6])
    training = [energy_result(1e-3, 2.0, phase="train"), energy_result(5e-4, 1.0, phase="q")]
    variant = efficiency.quantize_dynamic(hmda_model)
    evaluation = evaluate_variant(
        variant,
        split,
        dataset=data,
        name="int8",
        training_energy=training,
        batch_size=256,
        min_seconds=0.05,
        session=session,
    )
    assert evaluation.inference_energy.phase == "inference-int8"
    assert evaluation.inference_kwh_per_1000 == pytest.approx(
        2e-6 / (evaluation.n_batches * 256) * 1000
    )
    assert evaluation.n_batches >= 5
    assert evaluation.training_energy_kwh == pytest.approx(1.5e-3)
    assert evaluation.training_energy_status == "estimated"
    assert evaluation.training_phases == ["train", "q"]
    # Phases without a method carry the unknown method's range, -80 % to +200 %, summed.
    assert evaluation.training_energy_interval.low == pytest.approx(0.3e-3)
    assert evaluation.training_energy_interval.high == pytest.approx(4.5e-3)
    per_1000 = evaluation.inference_kwh_per_1000_interval
    assert per_1000.value == evaluation.inference_kwh_per_1000
    assert per_1000.low == pytest.approx(0.2 * per_1000.value)
    assert per_1000.high == pytest.approx(3.0 * per_1000.value)
    row = evaluation.to_row()
    assert row["inference_wh_per_1000_low"] == pytest.approx(1000 * per_1000.low)
    assert row["training_wh_high"] == pytest.approx(4.5)
    assert evaluation.throughput_per_s == pytest.approx(256 / (evaluation.latency_ms / 1000))
    assert evaluation.parameters == 20 * 64 + 64 + 64 * 32 + 32 + 32 + 1
    assert evaluation.flops_per_prediction == estimate_flops(hmda_model)
    assert evaluation.size_bytes == efficiency.model_size_bytes(variant)
    # Quality and per-group figures, recomputed by hand from the predictions.
    predicted = pd.Series(variant.predict(split.X_test), index=split.y_test.index)
    assert evaluation.quality == {"accuracy": pytest.approx((predicted == split.y_test).mean())}
    assert evaluation.pos_label == "no"  # HMDA's favourable outcome: no denial
    group = split.sensitive_test["afam"]
    for name, rows in split.y_test.groupby(group, observed=True):
        by_group = evaluation.by_group.loc[name]
        assert by_group["accuracy"] == pytest.approx((predicted[rows.index] == rows).mean())
        positives = rows[rows == "no"].index
        assert by_group["true_positive_rate"] == pytest.approx(
            (predicted[positives] == "no").mean()
        )
        assert by_group["count"] == len(rows)
    assert evaluation.sri.metric == "equal_opportunity"
    record = evaluation.to_dict()
    json.dumps(record, allow_nan=False)
    expected_keys = {
        "variant", "levers", "parameters", "nonzero_parameters", "sparsity", "size_bytes",
        "flops_per_prediction", "device", "latency_ms", "throughput_per_s",
        "inference_wh_per_1000", "inference_dynamic_wh_per_1000", "inference_energy_status",
        "training_wh",
        "training_energy_status", "accuracy", "sri", "fairness_score", "worst_group",
        "batch_size", "n_batches", "training_phases", "pos_label", "by_group",
        "inference_energy", "inference_predictions", "inference_use",
    }  # fmt: skip
    assert expected_keys <= set(record)
    assert record["levers"][0]["lever"] == "int8_dynamic_quantization"
    assert record["training_wh"] == pytest.approx(1.5)
    assert record["training_wh_interval"]["low"] == pytest.approx(0.3)
    assert record["inference_wh_per_1000_interval"]["value"] == record["inference_wh_per_1000"]
    assert set(record["by_group"]) == {"no", "yes"}
    assert "int8" in repr(evaluation) and "estimated" in repr(evaluation)


def test_dynamic_energy_and_intersectional_groups(hmda, hmda_model, fake_session, quiet_machine):

    data, split = hmda
    two_columns = dataclasses.replace(split, sensitive_test=split.test[["afam", "single"]])
    session = fake_session([1e-6, 2e-6])  # idle: 1e-6 kWh in 1 s = 3.6 W
    session.measure_idle_baseline(seconds=0.01)
    evaluation = evaluate_variant(
        hmda_model, two_columns, dataset=data, name="x", min_seconds=0.01, session=session
    )
    predictions = evaluation.n_batches * evaluation.batch_size
    assert evaluation.inference_dynamic_kwh_per_1000 == pytest.approx(1e-6 / predictions * 1000)
    groups = evaluation.to_dict()["by_group"]
    assert "afam=yes, single=no" in groups and len(groups) == 4
    table = variant_group_table([evaluation])
    assert set(table["group"]) == set(groups)


def test_evaluation_goes_into_a_run_record(tmp_path, hmda, hmda_model, fake_session):
    data, split = hmda
    evaluation = evaluate_variant(
        hmda_model, split, dataset=data, name="baseline", min_seconds=0.01,
        session=fake_session([1e-6]),
    )  # fmt: skip
    assert evaluation.training_energy_status == "not given"
    assert evaluation.levers == [] and evaluation.to_row()["levers"] == "baseline"
    record = RunRecord("tradeoffs", parameters={"seed": 0}, run_dir=tmp_path / "run")
    record.add_model(evaluation.name, **evaluation.record_entry())
    stored = read_metrics(record.write(close_energy=False))["models"][0]
    assert stored["quality"]["accuracy"] == pytest.approx(evaluation.quality["accuracy"])
    # No training energy given: no phases, no total; the inference loop is kept beside them.
    assert stored["energy"] == {} and stored["energy_total"]["energy_kwh"] is None
    assert stored["extra"]["inference_energy"]["energy_kwh"] == pytest.approx(1e-6)
    assert stored["extra"]["inference_predictions"] == evaluation.n_batches * 1024
    assert stored["fairness"]["equal_opportunity"]["value"] == pytest.approx(evaluation.sri.value)
    assert stored["extra"]["parameters"] == evaluation.parameters


def test_a_variant_entrys_total_is_its_training_not_its_timing_loop(
    tmp_path, hmda, hmda_model, fake_session, energy_result
):
    # Training 1 mWh + 0.5 mWh; the timed inference loop 0.4 mWh: by hand, the entry's total
    # is 1.5 mWh (not 1.9) and its carbon is priced on 1.5 mWh only.
    data, split = hmda
    training = [
        energy_result(1e-6, 2.0, phase="teacher-train"),
        energy_result(5e-7, 1.0, phase="lever"),
    ]
    evaluation = evaluate_variant(
        hmda_model, split, dataset=data, name="int8", training_energy=training,
        min_seconds=0.01, session=fake_session([4e-7]),
    )  # fmt: skip
    pricing = Pricing(country="FRA", pue=1.5)
    record = RunRecord("tradeoffs", parameters={}, run_dir=tmp_path / "run", pricing=pricing)
    entry = evaluation.record_entry()
    assert list(entry["energy"]) == ["teacher-train", "lever"]
    stored = record.add_model(evaluation.name, **entry)
    total = stored["energy_total"]
    assert total["energy_kwh"] == pytest.approx(1.5e-6) and total["phases"] == [
        "teacher-train",
        "lever",
    ]
    assert stored["carbon"]["total_kwh"] == pytest.approx(1.5 * 1.5e-6)
    assert total["interval"] == evaluation.training_energy_interval.to_dict()
    inference = stored["extra"]["inference_energy"]
    assert inference["phase"] == "inference-int8" and inference["energy_kwh"] == pytest.approx(4e-7)
    assert stored["extra"]["inference_use"].startswith("per-prediction figure")
    assert "not part of energy_total" in stored["extra"]["inference_use"]
    predictions = stored["extra"]["inference_predictions"]
    assert stored["extra"]["inference_wh_per_1000"] == pytest.approx(4e-4 / predictions * 1000)
    # 04_tradeoffs merges the training phases into the entry again: the total is unchanged.
    merged = evaluation.record_entry()
    merged["energy"] = {r.phase: r for r in training} | merged["energy"]
    again = record.add_model("again", **merged)
    assert again["energy_total"] == total


def test_variant_table_ratios(hmda, hmda_model, fake_session):
    data, split = hmda
    session = fake_session([4e-6, 1e-6])
    options = {"dataset": data, "min_seconds": 0.01, "batch_size": 100, "session": session}
    student = efficiency.distill(
        hmda_model, split.X_train, split.y_train, hidden_layer_sizes=(2,), max_epochs=2
    )
    evaluations = [
        evaluate_variant(hmda_model, split, name="teacher", **options),
        evaluate_variant(student, split, name="student", **options),
    ]
    table = variant_table(evaluations).set_index("variant")
    teacher_params, student_params = (e.parameters for e in evaluations)
    assert table.loc["student", "parameter_ratio"] == pytest.approx(teacher_params / student_params)
    assert table.loc["teacher", "speedup"] == 1.0
    accuracies = [e.quality["accuracy"] for e in evaluations]
    assert table.loc["student", "accuracy_delta_points"] == pytest.approx(
        100 * (accuracies[1] - accuracies[0])
    )
    per_prediction = [e.inference_kwh_per_1000 for e in evaluations]
    assert table.loc["student", "energy_ratio"] == pytest.approx(
        per_prediction[1] / per_prediction[0]
    )
    # The loops cost 4e-6 and 1e-6 kWh; per prediction the verdict is compare_energy's.
    expected = compare_energy(
        evaluations[1].inference_kwh_per_1000_interval,
        evaluations[0].inference_kwh_per_1000_interval,
    ).verdict
    assert table.loc["student", "energy_verdict"] == expected
    assert table.loc["teacher", "energy_verdict"] == "no measurable difference"
    groups = variant_group_table(evaluations)
    assert len(groups) == 2 * 2 * 2  # variants x groups x metrics
    row = groups.query("variant == 'student' and group == 'yes' and metric == 'accuracy'")
    assert row["value"].item() == evaluations[1].by_group.loc["yes", "accuracy"]
    ax = plots.variant_group_bars(groups, metric="accuracy")
    assert ax.get_ylabel() == "accuracy (fraction)" and len(ax.patches) >= 4
    with pytest.raises(ValueError, match="needs the columns \\['mae'\\]"):
        plots.variant_group_bars(groups, metric="mae")
    with pytest.raises(ValueError, match="Unknown baseline 'int8'.*teacher, student"):
        variant_table(evaluations, baseline="int8")
    with pytest.raises(ValueError, match="'teacher' appears more than once"):
        variant_table([evaluations[0], evaluations[0]])


def test_evaluate_variant_bad_input(hmda, hmda_model):
    data, split = hmda
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1; got 0"):
        evaluate_variant(hmda_model, split, dataset=data, name="x", batch_size=0)
    with pytest.raises(ValueError, match=r"min_seconds must be a finite number > 0"):
        evaluate_variant(hmda_model, split, dataset=data, name="x", min_seconds=-1)
    with pytest.raises(TypeError, match="training_energy must be an EnergyResult.*got float"):
        evaluate_variant(hmda_model, split, dataset=data, name="x", training_energy=0.5)


def test_evaluate_variant_with_the_real_tracker(tmp_path, hmda, hmda_model):
    data, split = hmda
    session = EnergySession(country="FRA", output_dir=tmp_path)
    try:
        evaluation = evaluate_variant(
            hmda_model, split, dataset=data, name="real", min_seconds=0.3, session=session
        )
    finally:
        session.close()
    assert evaluation.inference_energy.status in ("estimated", "measured")
    assert evaluation.inference_kwh_per_1000 > 0
    assert evaluation.inference_energy.duration_s >= 0.25


def test_run_record_and_evaluate_variant_total_the_same_phases_alike(
    tmp_path, hmda, hmda_model, fake_session, energy_result
):
    # One measured phase, one without an energy figure: neither reports a partial sum.
    phases = [
        energy_result(1e-3, 2.0, phase="fit", status="measured"),
        energy_result(None, 1.0, phase="predict", status="unavailable"),
    ]
    data, split = hmda
    evaluation = evaluate_variant(
        hmda_model, split, dataset=data, name="v", training_energy=phases,
        min_seconds=0.01, session=fake_session([1e-6]),
    )  # fmt: skip
    record = RunRecord("c", parameters={}, run_dir=tmp_path, pricing=Pricing(country="FRA"))
    entry = record.add_model("v", quality=evaluation.quality, energy=phases)
    total = entry["energy_total"]
    assert (evaluation.training_energy_kwh, evaluation.training_energy_status) == (
        None,
        "unavailable",
    )
    assert (total["energy_kwh"], total["status"]) == (None, "unavailable")
    assert evaluation.training_phases == total["phases"] == ["fit", "predict"]
    assert total["missing"] == ["predict"]
    assert entry["carbon"]["total_kwh"] is None and entry["carbon"]["emissions_g"] is None
    assert evaluation.to_row()["training_wh"] is None
    # With both phases measured, both give the same sum.
    complete = [phases[0], energy_result(5e-4, 1.0, phase="predict", status="estimated")]
    again = evaluate_variant(
        hmda_model, split, dataset=data, name="w", training_energy=complete,
        min_seconds=0.01, session=fake_session([1e-6]),
    )  # fmt: skip
    entry = record.add_model("w", quality=again.quality, energy=complete)
    assert again.training_energy_kwh == entry["energy_total"]["energy_kwh"] == 1.5e-3
    assert again.training_energy_status == entry["energy_total"]["status"] == "estimated"
    interval = EnergyInterval(**entry["energy_total"]["interval"])
    assert again.training_energy_interval == interval
    assert entry["carbon"] == Pricing(country="FRA").price(interval)
