"""Tests of greennb.efficiency (the levers) and greennb.footprint (evaluation and forecast)."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from torch import nn

import greennb as gnb
from greennb.efficiency import _levers as efficiency
from greennb.efficiency._network import VariantNetwork
from greennb.energy._tracking import EnergyResult, EnergySession
from greennb.models import estimate_flops
from greennb.models._torch_mlp import TorchMLPClassifier, TorchMLPRegressor

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
