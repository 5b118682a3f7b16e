"""Tests of greennb.efficiency (the levers) and greennb.footprint (evaluation and forecast)."""

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from torch import nn

import greennb as gnb
from greennb import plots
from greennb.efficiency import _levers as efficiency
from greennb.energy._tracking import EnergyResult, EnergySession
from greennb.evaluation import _variant as variant_eval
from greennb.models import estimate_flops
from greennb.models._torch_mlp import TorchMLPClassifier
from greennb.runs._record import RunRecord, read_metrics

# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xy():
    X, y = make_classification(n_samples=400, n_features=8, n_informative=5, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def mlp(xy):
    X, y = xy
    return TorchMLPClassifier(
        hidden_layer_sizes=(32, 16), max_epochs=15, device="cpu", random_state=0
    ).fit(X, y)


@pytest.fixture(scope="module")
def hmda():
    data = gnb.load_dataset("hmda")
    return data, gnb.split_dataset(data, random_state=0)


@pytest.fixture(scope="module")
def hmda_model(hmda):
    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", hidden_layer_sizes=(64, 32), max_epochs=8, device="cpu"
    )
    return model.fit(split.X_train, split.y_train)


def float_linears(model):
    return [m for m in efficiency.network_of(model).modules() if isinstance(m, nn.Linear)]


class FakeTracker:
    """Stands in for CodeCarbon's tracker: each stop_task returns the next queued energy."""

    def __init__(self, energies_kwh, duration_s=1.0, **settings):
        self.run_id = "fake"
        self._hardware = []
        self.queue = list(energies_kwh)
        self.duration_s = duration_s

    def start_task(self, name):
        pass

    def stop_task(self, name=None):
        energy = self.queue.pop(0)
        duration = self.duration_s(energy) if callable(self.duration_s) else self.duration_s
        return SimpleNamespace(cpu_energy=energy, gpu_energy=0.0, ram_energy=0.0, duration=duration)

    def get_detected_hardware(self):
        return {}

    def stop(self):
        pass


def fake_session(tmp_path, energies_kwh, duration_s=1.0):
    return EnergySession(
        country="FRA",
        output_dir=tmp_path,
        tracker_factory=lambda **s: FakeTracker(energies_kwh, duration_s, **s),
    )


def energy_result(energy_kwh, duration_s, *, phase="epoch", status="estimated"):
    """An EnergyResult of known cost (only the fields the forecast reads matter)."""
    return EnergyResult(
        phase=phase,
        status=status,
        reason="synthetic",
        duration_s=duration_s,
        cpu_energy_kwh=energy_kwh,
        gpu_energy_kwh=0.0,
        ram_energy_kwh=0.0,
        energy_kwh=energy_kwh,
        emissions_kg=None,
        country="FRA",
        carbon_intensity_g_per_kwh=None,
        cpu_source="synthetic",
        gpu_source="none",
        ram_source="none",
        cpu_flag=status,
        gpu_flag="absent",
        ram_flag="absent",
        cpu_model="",
        gpu_model="",
        gpu_count=0,
        ram_total_gb=None,
        tracking_mode="machine",
        idle_power_w=None,
        dynamic_energy_kwh=None,
        dynamic_reason="",
        started_at="2025-01-01T00:00:00+00:00",
    )


# --- Evaluation of a variant --------------------------------------------------------------------


def test_evaluate_variant_record_schema_and_values(tmp_path, hmda, hmda_model):
    data, split = hmda
    session = fake_session(tmp_path, [2e-6])
    training = [energy_result(1e-3, 2.0, phase="train"), energy_result(5e-4, 1.0, phase="q")]
    variant = efficiency.quantize_dynamic(hmda_model)
    evaluation = variant_eval.evaluate_variant(
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
        "inference_energy",
    }  # fmt: skip
    assert expected_keys <= set(record)
    assert record["levers"][0]["lever"] == "int8_dynamic_quantization"
    assert record["training_wh"] == pytest.approx(1.5)
    assert set(record["by_group"]) == {"no", "yes"}
    assert "int8" in repr(evaluation) and "estimated" in repr(evaluation)


def test_dynamic_energy_and_intersectional_groups(tmp_path, hmda, hmda_model):
    import dataclasses

    data, split = hmda
    two_columns = dataclasses.replace(split, sensitive_test=split.test[["afam", "single"]])
    session = fake_session(tmp_path, [1e-6, 2e-6])  # idle: 1e-6 kWh in 1 s = 3.6 W
    session.measure_idle_baseline(seconds=0.01)
    evaluation = variant_eval.evaluate_variant(
        hmda_model, two_columns, dataset=data, name="x", min_seconds=0.01, session=session
    )
    predictions = evaluation.n_batches * evaluation.batch_size
    assert evaluation.inference_dynamic_kwh_per_1000 == pytest.approx(1e-6 / predictions * 1000)
    groups = evaluation.to_dict()["by_group"]
    assert "afam=yes, single=no" in groups and len(groups) == 4
    table = variant_eval.variant_group_table([evaluation])
    assert set(table["group"]) == set(groups)


def test_evaluation_goes_into_a_run_record(tmp_path, hmda, hmda_model):
    data, split = hmda
    evaluation = variant_eval.evaluate_variant(
        hmda_model, split, dataset=data, name="baseline", min_seconds=0.01,
        session=fake_session(tmp_path, [1e-6]),
    )  # fmt: skip
    assert evaluation.training_energy_status == "not given"
    assert evaluation.levers == [] and evaluation.to_row()["levers"] == "baseline"
    record = RunRecord("tradeoffs", parameters={"seed": 0}, run_dir=tmp_path / "run")
    record.add_model(evaluation.name, **evaluation.record_entry())
    stored = read_metrics(record.write(close_energy=False))["models"][0]
    assert stored["quality"]["accuracy"] == pytest.approx(evaluation.quality["accuracy"])
    assert stored["energy"]["inference"]["energy_kwh"] == pytest.approx(1e-6)
    assert stored["fairness"]["equal_opportunity"]["value"] == pytest.approx(evaluation.sri.value)
    assert stored["extra"]["parameters"] == evaluation.parameters


def test_variant_table_ratios(tmp_path, hmda, hmda_model):
    data, split = hmda
    session = fake_session(tmp_path, [4e-6, 1e-6])
    options = {"dataset": data, "min_seconds": 0.01, "batch_size": 100, "session": session}
    student = efficiency.distill(
        hmda_model, split.X_train, split.y_train, hidden_layer_sizes=(2,), max_epochs=2
    )
    evaluations = [
        variant_eval.evaluate_variant(hmda_model, split, name="teacher", **options),
        variant_eval.evaluate_variant(student, split, name="student", **options),
    ]
    table = variant_eval.variant_table(evaluations).set_index("variant")
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
    groups = variant_eval.variant_group_table(evaluations)
    assert len(groups) == 2 * 2 * 2  # variants x groups x metrics
    row = groups.query("variant == 'student' and group == 'yes' and metric == 'accuracy'")
    assert row["value"].item() == evaluations[1].by_group.loc["yes", "accuracy"]
    ax = plots.variant_group_bars(groups, metric="accuracy")
    assert ax.get_ylabel() == "accuracy (fraction)" and len(ax.patches) >= 4
    with pytest.raises(ValueError, match="needs the columns \\['mae'\\]"):
        plots.variant_group_bars(groups, metric="mae")
    with pytest.raises(ValueError, match="Unknown baseline 'int8'.*teacher, student"):
        variant_eval.variant_table(evaluations, baseline="int8")
    with pytest.raises(ValueError, match="'teacher' appears more than once"):
        variant_eval.variant_table([evaluations[0], evaluations[0]])


def test_evaluate_variant_bad_input(tmp_path, hmda, hmda_model):
    data, split = hmda
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1; got 0"):
        variant_eval.evaluate_variant(hmda_model, split, dataset=data, name="x", batch_size=0)
    with pytest.raises(ValueError, match=r"min_seconds must be a finite number > 0"):
        variant_eval.evaluate_variant(hmda_model, split, dataset=data, name="x", min_seconds=-1)
    with pytest.raises(TypeError, match="training_energy must be an EnergyResult.*got float"):
        variant_eval.evaluate_variant(
            hmda_model, split, dataset=data, name="x", training_energy=0.5
        )


def test_evaluate_variant_with_the_real_tracker(tmp_path, hmda, hmda_model):
    data, split = hmda
    session = EnergySession(country="FRA", output_dir=tmp_path)
    try:
        evaluation = variant_eval.evaluate_variant(
            hmda_model, split, dataset=data, name="real", min_seconds=0.3, session=session
        )
    finally:
        session.close()
    assert evaluation.inference_energy.status in ("estimated", "measured")
    assert evaluation.inference_kwh_per_1000 > 0
    assert evaluation.inference_energy.duration_s >= 0.25
