"""Tests of unstructured and structured pruning."""

import copy

import numpy as np
import pytest
import torch

import greennb as gnb
from greennb import efficiency
from greennb.models import TorchMLPClassifier, estimate_flops


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9])
def test_prune_unstructured_reaches_the_requested_sparsity(mlp, xy, sparsity, float_linears):
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


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan")])
def test_prune_rejects_fractions_outside_zero_one(mlp, bad):
    with pytest.raises(ValueError, match=r"sparsity must be a number in \[0, 1\) \(share of"):
        efficiency.prune_unstructured(mlp, sparsity=bad)
    with pytest.raises(ValueError, match=r"fraction must be a number in \[0, 1\) \(share of"):
        efficiency.prune_hidden_units(mlp, fraction=bad)


@pytest.mark.parametrize("bad", ["0.5", True, None])
def test_prune_rejects_fractions_that_are_not_numbers(mlp, bad):
    with pytest.raises(TypeError, match="sparsity must be a real number"):
        efficiency.prune_unstructured(mlp, sparsity=bad)
    with pytest.raises(TypeError, match="fraction must be a real number"):
        efficiency.prune_hidden_units(mlp, fraction=bad)


def test_prune_hidden_units_really_shrinks_the_network(mlp, xy, float_linears):
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


def test_prune_hidden_units_slices_the_next_layer_consistently(mlp, xy, float_linears):
    # Silence 12 of the 32 units of the first hidden layer and 6 of the 16 of the second
    # (weights and bias 0: ReLU gives 0, so they contribute nothing). Pruning 3/8 of each
    # layer removes exactly them, so every prediction must stay the same.

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
