"""The fully connected network that the torch MLP estimators (and distillation's student) train.

``torch`` is imported inside :func:`build_mlp` only, so ``import greennb.models`` stays light.
"""

from __future__ import annotations

ACTIVATIONS = ("relu", "tanh", "logistic", "gelu")
"""Hidden-layer activation functions accepted by the torch MLP estimators."""


def build_mlp(n_inputs, n_outputs, *, hidden_layer_sizes=(64, 32), activation="relu", dropout=0.0):
    """Build a fully connected network as a ``torch.nn.Sequential``.

    Parameters
    ----------
    n_inputs : int
        Number of input features.
    n_outputs : int
        Number of outputs (1 for regression and binary classification, the
        number of classes otherwise).
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Width of each hidden layer; ``()`` gives a linear model.
    activation : {"relu", "tanh", "logistic", "gelu"}, default="relu"
        Activation after each hidden layer.
    dropout : float, default=0.0
        Dropout probability after each hidden activation (0 adds no layer).

    Returns
    -------
    torch.nn.Sequential
        ``Linear → activation [→ Dropout]`` per hidden layer, then a final
        ``Linear`` that outputs raw scores (logits or standardized values).

    Examples
    --------
    >>> build_mlp(3, 1, hidden_layer_sizes=(4,))
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=1, bias=True)
    )
    """
    from torch import nn

    activation_layers = {"relu": nn.ReLU, "tanh": nn.Tanh, "logistic": nn.Sigmoid, "gelu": nn.GELU}
    layers = []
    width = n_inputs
    for hidden_width in hidden_layer_sizes:
        layers += [nn.Linear(width, hidden_width), activation_layers[activation]()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = hidden_width
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)
