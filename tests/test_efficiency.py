"""Tests of greennb.efficiency (the levers) and greennb.footprint (evaluation and forecast)."""

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import make_classification
from torch import nn

import greennb as gnb
from greennb import plots
from greennb.efficiency import _levers as efficiency
from greennb.efficiency._network import VariantNetwork
from greennb.energy import _training_forecast as forecasting
from greennb.energy._carbon import grid_carbon_intensity
from greennb.energy._tracking import EnergyResult, EnergySession
from greennb.evaluation import _variant as variant_eval
from greennb.models import estimate_flops
from greennb.models._torch_mlp import TorchMLPClassifier, TorchMLPRegressor
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


# --- Quantization -----------------------------------------------------------------------------


def test_quantize_dynamic_makes_int8_layers_and_shrinks(mlp, xy):
    X, _ = xy
    quantized = efficiency.quantize_dynamic(mlp)
    layers = list(efficiency.network_of(quantized).modules())
    int8 = [m for m in layers if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]
    assert len(int8) == 3 and not any(isinstance(m, nn.Linear) for m in layers)
    assert all(m.weight().dtype == torch.qint8 for m in int8)
    assert efficiency.layer_shapes(quantized) == efficiency.layer_shapes(mlp)
    assert efficiency.model_size_bytes(quantized) < 0.6 * efficiency.model_size_bytes(mlp)
    np.testing.assert_allclose(quantized.predict_proba(X), mlp.predict_proba(X), atol=0.05)
    assert np.mean(quantized.predict(X) == mlp.predict(X)) > 0.97
    assert quantized.efficiency_levers_ == [
        {"lever": "int8_dynamic_quantization", "backend": "torch.ao", "device": "cpu"}
    ]
    assert len(float_linears(mlp)) == 3  # the original is untouched
    assert not hasattr(mlp, "efficiency_levers_")


def test_quantize_dynamic_keeps_a_pipeline_usable_on_raw_features(hmda, hmda_model):
    data, split = hmda
    quantized = efficiency.quantize_dynamic(hmda_model)
    assert quantized[0] is not hmda_model[0]  # a copy, preprocessing included
    agreement = np.mean(quantized.predict(split.X_test) == hmda_model.predict(split.X_test))
    assert agreement > 0.97
    assert quantized.predict_proba(split.X_test).shape == (len(split.X_test), 2)


def test_quantize_dynamic_bad_input(mlp, monkeypatch):
    with pytest.raises(ValueError, match=r"Unknown quantization backend 'int4'.*auto, torch\.ao"):
        efficiency.quantize_dynamic(mlp, backend="int4")
    with pytest.raises(TypeError, match="already int8-quantized"):
        efficiency.quantize_dynamic(efficiency.quantize_dynamic(mlp))
    with pytest.raises(TypeError, match="needs a fitted TorchMLPClassifier.*got Ridge"):
        from sklearn.linear_model import Ridge

        efficiency.quantize_dynamic(Ridge().fit([[0.0], [1.0]], [0.0, 1.0]))
    monkeypatch.setitem(__import__("sys").modules, "torchao", None)  # torchao not installed
    with pytest.raises(ImportError, match="optional package torchao.*'torch.ao' \\(CPU\\)"):
        efficiency.quantize_dynamic(mlp, backend="torchao")


# --- Pruning ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9])
def test_prune_unstructured_reaches_the_requested_sparsity(mlp, xy, sparsity):
    pruned = efficiency.prune_unstructured(mlp, sparsity=sparsity)
    n_weights = sum(m.weight.numel() for m in float_linears(mlp))
    assert efficiency.weight_sparsity(pruned) == round(sparsity * n_weights) / n_weights
    before = torch.cat([m.weight.detach().abs().flatten() for m in float_linears(mlp)])
    after = torch.cat([m.weight.detach().flatten() for m in float_linears(pruned)])
    if sparsity:  # the smallest magnitudes went, the others are unchanged
        assert before[after == 0].max() <= before[after != 0].min()
    assert torch.equal(after[after != 0].abs(), before[after != 0])
    for layer, original in zip(float_linears(pruned), float_linears(mlp), strict=True):
        assert torch.equal(layer.bias, original.bias)  # biases are not pruned
        assert not hasattr(layer, "weight_orig")  # pruning made permanent
    assert efficiency.weight_sparsity(mlp) == 0.0
    assert pruned.predict(xy[0]).shape == (len(xy[0]),)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), "0.5", True, None])
def test_prune_rejects_fractions_outside_zero_one(mlp, bad):
    with pytest.raises(ValueError, match=r"sparsity must be a number in \[0, 1\)"):
        efficiency.prune_unstructured(mlp, sparsity=bad)
    with pytest.raises(ValueError, match=r"fraction must be a number in \[0, 1\)"):
        efficiency.prune_hidden_units(mlp, fraction=bad)


def test_prune_hidden_units_really_shrinks_the_network(mlp, xy):
    pruned = efficiency.prune_hidden_units(mlp, fraction=0.5)
    assert efficiency.layer_shapes(pruned) == [(8, 16, True), (16, 8, True), (8, 1, True)]
    assert pruned.hidden_layer_sizes == (16, 8) and mlp.hidden_layer_sizes == (32, 16)
    expected = 8 * 16 + 16 + 16 * 8 + 8 + 8 + 1
    assert gnb.count_parameters(pruned).count == expected < gnb.count_parameters(mlp).count
    assert estimate_flops(pruned) < estimate_flops(mlp)
    assert efficiency.model_size_bytes(pruned) < efficiency.model_size_bytes(mlp)
    # The units kept in the first layer are those with the largest L2 norm of their weights.
    norms = float_linears(mlp)[0].weight.detach().norm(dim=1)
    kept = float_linears(pruned)[0].weight.detach().norm(dim=1)
    assert torch.allclose(torch.sort(kept).values, torch.sort(norms).values[16:])
    assert pruned.predict_proba(xy[0]).shape == (len(xy[0]), 2)


def test_prune_hidden_units_slices_the_next_layer_consistently(mlp, xy):
    # Silence 12 of the 32 units of the first hidden layer and 6 of the 16 of the second
    # (weights and bias 0: ReLU gives 0, so they contribute nothing). Pruning 3/8 of each
    # layer removes exactly them, so every prediction must stay the same.
    import copy

    model = copy.deepcopy(mlp)
    first, second, _ = float_linears(model)
    with torch.no_grad():
        for layer, silenced in (
            (first, [0, 3, 5, 7, 8, 11, 13, 17, 19, 23, 29, 31]),
            (second, [1, 2, 4, 8, 9, 15]),
        ):
            layer.weight[silenced] = 0.0
            layer.bias[silenced] = 0.0
    pruned = efficiency.prune_hidden_units(model, fraction=3 / 8)
    assert efficiency.layer_shapes(pruned) == [(8, 20, True), (20, 10, True), (10, 1, True)]
    np.testing.assert_allclose(pruned.predict_proba(xy[0]), model.predict_proba(xy[0]), atol=1e-6)


def test_prune_hidden_units_keeps_at_least_one_unit_and_needs_a_hidden_layer(xy):
    X, y = xy
    narrow = TorchMLPClassifier(hidden_layer_sizes=(2,), max_epochs=1, device="cpu").fit(X, y)
    assert efficiency.layer_shapes(efficiency.prune_hidden_units(narrow, fraction=0.9))[0][1] == 1
    linear = TorchMLPClassifier(hidden_layer_sizes=(), max_epochs=1, device="cpu").fit(X, y)
    with pytest.raises(ValueError, match="at least one hidden layer"):
        efficiency.prune_hidden_units(linear, fraction=0.5)


# --- Precision ----------------------------------------------------------------------------------


def test_bfloat16_inference_on_cpu(mlp, xy):
    variant = efficiency.mixed_precision(mlp, precision="bfloat16")
    assert isinstance(variant.module_, VariantNetwork)
    assert variant.module_.autocast_dtype == torch.bfloat16
    probabilities = variant.predict_proba(xy[0])
    assert probabilities.dtype == np.float64
    np.testing.assert_allclose(probabilities, mlp.predict_proba(xy[0]), atol=0.03)
    with torch.inference_mode():  # autocast really ran the products in bfloat16
        hidden = []
        first = efficiency.network_of(variant)[0]
        handle = first.register_forward_hook(lambda m, i, o: hidden.append(o.dtype))
        variant.module_(torch.as_tensor(xy[0][:4]))
        handle.remove()
    assert hidden == [torch.bfloat16]


def test_float16_on_a_cpu_without_native_float16_is_a_clear_error(mlp, monkeypatch):
    monkeypatch.setattr(efficiency, "_cpu_has_native_float16", lambda: False)
    with pytest.raises(ValueError) as error:
        efficiency.mixed_precision(mlp, precision="float16")
    message = str(error.value)
    assert "'float16' is not supported on device 'cpu'" in message
    assert "AMX-FP16" in message and message.endswith("float32, bfloat16.")
    monkeypatch.setattr(efficiency, "_cpu_has_native_float16", lambda: True)
    assert efficiency.check_precision("float16", device="cpu") == torch.float16


@pytest.mark.parametrize("bad", ["fp8", "half", "", None, 16])
def test_unknown_precision(bad, mlp):
    with pytest.raises(ValueError, match="Unknown precision .*float32, bfloat16, float16"):
        efficiency.check_precision(bad, device="cpu")
    with pytest.raises(ValueError, match="Unknown precision"):
        efficiency.mixed_precision(mlp, precision=bad)


def test_precision_training_params():
    assert efficiency.precision_training_params("float32", device="cpu") == {
        "device": "cpu",
        "amp": False,
        "amp_dtype": "float16",
    }
    with pytest.raises(ValueError, match="mixed precision on CUDA only.*'cpu'.*float32"):
        efficiency.precision_training_params("bfloat16", device="cpu")


def test_cuda_bfloat16_support_follows_the_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    support = efficiency._supported_precisions(torch.device("cuda"))
    assert support["float16"] is None and "no bfloat16" in support["bfloat16"]


# --- Distillation -------------------------------------------------------------------------------


def test_distilled_student_is_small_and_learns_from_the_teacher(hmda, hmda_model):
    data, split = hmda
    teacher = efficiency.prune_unstructured(hmda_model, sparsity=0.0)  # levers carry over
    student = efficiency.distill(
        teacher, split.X_train, split.y_train, hidden_layer_sizes=(4,), max_epochs=15
    )
    teacher_count = gnb.count_parameters(hmda_model).count
    student_count = gnb.count_parameters(student).count
    assert student_count == 20 * 4 + 4 + 4 + 1 and teacher_count / student_count >= 10
    assert student[-1].hidden_layer_sizes == (4,) and student[-1].max_epochs == 15
    assert student[-1].loss_curve_[-1] < student[-1].loss_curve_[0]
    agreement = np.mean(student.predict(split.X_test) == hmda_model.predict(split.X_test))
    assert agreement > 0.9
    assert set(student.predict(split.X_test)) <= set(hmda_model[-1].classes_)
    levers = student[-1].efficiency_levers_
    assert [lever["lever"] for lever in levers] == ["global_magnitude_pruning", "distillation"]
    assert levers[-1]["temperature"] == efficiency.DEFAULT_TEMPERATURE


def test_distillation_loss_is_hintons(xy):
    # For one batch, the loss the loop minimises equals the formula computed by hand.
    torch.manual_seed(0)
    logits = torch.randn(5, 1)
    soft = torch.softmax(torch.randn(5, 2), dim=1)
    hard = torch.tensor([0, 1, 1, 0, 1])
    two = efficiency._class_logits(logits)
    assert torch.equal(two[:, 0], torch.zeros(5))
    t, alpha = 3.0, 0.6
    by_hand = alpha * t**2 * torch.sum(
        soft * (torch.log(soft) - torch.log_softmax(two / t, dim=1))
    ) / 5 + (1 - alpha) * torch.nn.functional.cross_entropy(two, hard)
    soft_loss = torch.nn.functional.kl_div(
        torch.log_softmax(two / t, dim=1), soft, reduction="batchmean"
    )
    loop = alpha * t**2 * soft_loss + (1 - alpha) * torch.nn.functional.cross_entropy(two, hard)
    assert torch.isclose(loop, by_hand)
    probabilities = np.array([[0.9, 0.1], [0.5, 0.5]])
    np.testing.assert_allclose(
        efficiency._soften(probabilities, 1.0), probabilities.astype(np.float32)
    )
    softened = efficiency._soften(probabilities, 2.0)[0]
    np.testing.assert_allclose(softened, np.array([3, 1]) / 4, rtol=1e-6)  # √0.9 : √0.1 = 3 : 1


def test_distill_bad_input(mlp, xy):
    X, y = xy
    regressor = TorchMLPRegressor(max_epochs=1, device="cpu").fit(X, y.astype(float))
    with pytest.raises(TypeError, match="needs a classifier.*TorchMLPRegressor"):
        efficiency.distill(regressor, X, y)
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        efficiency.distill(mlp, X, y, temperature=0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        efficiency.distill(mlp, X, y, alpha=1.5)
    with pytest.raises(ValueError, match=r"labels the teacher never saw: \[7\]"):
        efficiency.distill(mlp, X, np.where(y == 1, 7, 0))
    with pytest.raises(ValueError, match="same number of rows; got 400 and 3"):
        efficiency.distill(mlp, X, y[:3])
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        efficiency.distill(mlp, X, y, hidden_layer_sizes=(0,))


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


# --- Footprint forecast -------------------------------------------------------------------------


def test_forecast_of_a_synthetic_run_of_known_cost():
    # Epoch 1 costs 3 Wh in 30 s (warm-up), every later epoch 1 Wh in 10 s.
    epochs = [energy_result(3e-3, 30.0)] + [energy_result(1e-3, 10.0) for _ in range(19)]
    forecast = forecasting.forecast_training_energy(
        epochs[:2], planned_epochs=20, country="FRA", pue=1.5, renewable_share=0.25
    )
    assert forecast.warmup_epochs == 1 and forecast.measured_epochs == 2
    assert forecast.energy_kwh == pytest.approx(3e-3 + 19 * 1e-3)
    assert forecast.duration_s == pytest.approx(30 + 19 * 10)
    assert forecast.facility_kwh == pytest.approx(22e-3 * 1.5)
    expected_g = 22e-3 * 1.5 * grid_carbon_intensity("FRA") * 0.75
    assert forecast.emissions_g == pytest.approx(expected_g)
    assert "Forecast after 2 of 20 epochs: 22 Wh" in forecast.summary()
    plain = forecasting.forecast_training_energy(epochs[:2], planned_epochs=20, warmup_epochs=0)
    assert plain.energy_kwh == pytest.approx(20 * 2e-3)  # carbontracker's plain mean
    report = forecasting.training_energy_outcome(epochs, planned_epochs=20, country="FRA")
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert report.actual_energy_kwh == pytest.approx(22e-3)
    # The later epochs turn out 10 % dearer than the second: the forecast is too low.
    dearer = epochs[:2] + [energy_result(1.1e-3, 11.0) for _ in range(18)]
    report = forecasting.training_energy_outcome(dearer, planned_epochs=20, country="FRA")
    actual = 3e-3 + 1e-3 + 18 * 1.1e-3
    assert report.energy_error == pytest.approx((22e-3 - actual) / actual)
    assert report.duration_error == pytest.approx((220 - (40 + 18 * 11)) / (40 + 18 * 11))
    assert report.emissions_error == pytest.approx(report.energy_error)


def test_forecaster_with_a_fake_tracker_session(tmp_path):
    energies = [4e-3, 2e-3, 2e-3, 2e-3, 3e-3]
    session = fake_session(tmp_path, energies, duration_s=lambda kwh: kwh * 1e4)
    forecaster = forecasting.TrainingEnergyForecaster(5, session=session, pue=1.0)
    assert forecaster.country == "FRA"  # the session's grid
    for index in range(5):
        with forecaster.epoch():
            pass
        if index == 0:
            assert forecaster.forecast is None
    assert forecaster.forecast.energy_kwh == pytest.approx(4e-3 + 4 * 2e-3)
    assert [r.phase for r in forecaster.epochs] == [f"train-epoch-{i}" for i in range(1, 6)]
    report = forecaster.report()
    assert report.actual_energy_kwh == pytest.approx(sum(energies))
    assert report.energy_error == pytest.approx((12e-3 - 13e-3) / 13e-3)
    table = report.epoch_table()
    assert list(table["cumulative_energy_wh"]) == pytest.approx([4, 6, 8, 10, 13])
    assert list(table["forecast_energy_wh"]) == pytest.approx([4, 6, 8, 10, 12])
    assert list(table["measured_for_forecast"]) == [True, True, False, False, False]
    json.dumps(report.to_dict(), allow_nan=False)
    assert "energy -7.7%" in report.summary()
    ax = plots.training_energy_curve(table, planned_epochs=5)
    assert ax.get_ylabel() == "cumulative computation energy (Wh)"
    assert list(ax.lines[1].get_ydata()) == pytest.approx([4, 6, 8, 10, 12])


def test_fit_with_forecast_measures_every_epoch(tmp_path, xy):
    X, y = xy
    model = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    session = fake_session(tmp_path, [1e-4] * 4)
    report = forecasting.fit_with_energy_forecast(model, X, y, session=session, country="FRA")
    assert model.n_epochs_ == 4 and report.actual_epochs == 4
    assert [r.phase for r in report.epochs] == [f"train-epoch-{i}" for i in range(1, 5)]
    assert report.energy_error == pytest.approx(0.0, abs=1e-12)
    assert "_train_one_epoch" not in vars(model)  # the hook is gone after the fit
    refit = TorchMLPClassifier(max_epochs=4, early_stopping=False, device="cpu", random_state=0)
    np.testing.assert_array_equal(refit.fit(X, y).predict_proba(X), model.predict_proba(X))


def test_fit_with_forecast_and_early_stopping(tmp_path, hmda):
    data, split = hmda
    model = gnb.make_model(
        "mlp", task="classification", max_epochs=200, patience=2, tol=0.05, device="cpu"
    )
    session = fake_session(tmp_path, [1e-4] * 200)
    report = forecasting.fit_with_energy_forecast(
        model, split.X_train, split.y_train, session=session
    )
    assert report.actual_epochs == model[-1].n_epochs_ < 200
    assert report.forecast.planned_epochs == 200
    assert report.compared_epochs == report.actual_epochs
    assert math.isclose(report.energy_error, 0.0, abs_tol=1e-12)


def test_forecast_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"forecast_after=0 must be an integer between 1 and"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=0, country="FRA")
    with pytest.raises(ValueError, match=r"forecast_after=11 .*planned_epochs \(10\)"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=11, country="FRA")
    with pytest.raises(ValueError, match="warmup_epochs must be an integer from 0 to"):
        forecasting.TrainingEnergyForecaster(10, forecast_after=2, warmup_epochs=2, country="FRA")
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 1"):
        forecasting.TrainingEnergyForecaster(0, country="FRA")
    with pytest.raises(ValueError, match="pue must be"):
        forecasting.TrainingEnergyForecaster(10, country="FRA", pue=0.5)
    with pytest.raises(ValueError, match="planned_epochs must be an integer >= 2"):
        forecasting.forecast_training_energy([energy_result(1, 1)] * 2, planned_epochs=1)
    with pytest.raises(ValueError, match="needs 1 measured epoch"):
        forecasting.forecast_training_energy([], planned_epochs=3)
    forecaster = forecasting.TrainingEnergyForecaster(3, session=fake_session(tmp_path, [1e-3]))
    with pytest.raises(RuntimeError, match="no epoch is being measured"):
        forecaster.end_epoch()
    forecaster.start_epoch()
    with pytest.raises(RuntimeError, match="epoch 1 is still being measured"):
        forecaster.start_epoch()
    with pytest.raises(TypeError, match="fit_with_energy_forecast needs a fitted TorchMLP"):
        from sklearn.linear_model import LogisticRegression

        forecasting.fit_with_energy_forecast(LogisticRegression(), [[0.0], [1.0]], [0, 1])


def test_unavailable_epoch_energy_makes_the_energy_forecast_unavailable():
    epochs = [energy_result(None, 1.0, status="unavailable"), energy_result(1e-3, 1.0)]
    forecast = forecasting.forecast_training_energy(epochs, planned_epochs=4, country="FRA")
    assert forecast.energy_kwh is None and forecast.emissions_g is None
    assert forecast.duration_s == pytest.approx(4.0) and forecast.status == "unavailable"
