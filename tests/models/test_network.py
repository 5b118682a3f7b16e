"""Tests of build_mlp, the network the torch MLPs train."""

import pytest
from torch import nn

from greennb.models import ACTIVATIONS, build_mlp


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_layers_in_order_with_dropout_only_when_asked(activation):
    plain = build_mlp(3, 2, hidden_layer_sizes=(4, 5), activation=activation)
    assert [type(layer) for layer in plain][::2] == [nn.Linear, nn.Linear, nn.Linear]
    assert [(m.in_features, m.out_features) for m in plain if isinstance(m, nn.Linear)] == [
        (3, 4),
        (4, 5),
        (5, 2),
    ]
    dropped = build_mlp(3, 2, hidden_layer_sizes=(4,), activation=activation, dropout=0.3)
    assert isinstance(dropped[2], nn.Dropout) and dropped[2].p == 0.3
    assert len(build_mlp(3, 1, hidden_layer_sizes=())) == 1  # a linear model
