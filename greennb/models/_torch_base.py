"""What the torch MLP estimators share: hyperparameters, their checks, fit and prediction.

:class:`_BaseTorchMLP` stores the hyperparameters (scikit-learn contract: ``__init__`` only
stores them), checks them at ``fit``, splits off the early-stopping rows, seeds torch without
touching the caller's random state and trains with :func:`greennb.models.train_epochs`; the
subclasses in ``_torch_mlp`` add the target encoding, the loss and ``predict``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, is_regressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from greennb._validation import fraction, integer, is_integer, non_negative, one_of, positive
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.models._callbacks import check_callbacks
from greennb.models._devices import seeded_on, select_device
from greennb.models._network import ACTIVATIONS, build_mlp
from greennb.models._training import AMP_DTYPES, as_tensors, make_training_step, train_epochs

HIDDEN_LAYERS_ERROR = (
    "hidden_layer_sizes must be a sequence of positive integers, e.g. (64, 32) or () "
    "for no hidden layer; got {value!r}."
)
BOOL_PARAM_ERROR = "{name} must be True or False; got {value!r}."
TOO_FEW_SAMPLES_ERROR = (
    "early_stopping holds out validation_fraction={fraction} of the data, which needs at "
    "least 2 samples; got n_samples = {n_samples}. Pass early_stopping=False or more data."
)
ZERO_TRAIN_WEIGHT_ERROR = (
    "Every training row has sample_weight 0 after holding out the early-stopping validation "
    "rows; give some training rows a positive weight or pass early_stopping=False."
)

_PREDICT_CHUNK_ROWS = 65_536  # rows per forward pass at prediction time, to bound memory

# ---------------------------------------------------------------------------
# Estimators
# ---------------------------------------------------------------------------


class _BaseTorchMLP(BaseEstimator):
    """Shared hyperparameters, validation and training loop of the torch MLPs."""

    def __init__(
        self,
        *,
        hidden_layer_sizes=(64, 32),
        activation="relu",
        dropout=0.0,
        learning_rate=1e-3,
        weight_decay=0.0,
        batch_size=256,
        max_epochs=200,
        early_stopping=True,
        validation_fraction=0.1,
        patience=10,
        tol=1e-4,
        device="auto",
        amp=True,
        amp_dtype="float16",
        random_state=None,
        verbose=False,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.device = device
        self.amp = amp
        self.amp_dtype = amp_dtype
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # -- to be provided by the subclasses ---------------------------------

    def _encode_target(self, y):
        """Validate ``y``, set target attributes, return (targets, n_outputs)."""
        raise NotImplementedError

    def _loss_per_sample(self, outputs, targets):
        """Unreduced training loss of each sample."""
        raise NotImplementedError

    # -- validation --------------------------------------------------------

    def _validate_hyperparameters(self):
        sizes = self.hidden_layer_sizes
        if (
            isinstance(sizes, (str, bytes))
            or not hasattr(sizes, "__iter__")
            or not all(is_integer(width) and width > 0 for width in sizes)
        ):
            raise InvalidValueError(HIDDEN_LAYERS_ERROR.format(value=sizes))
        one_of(self.activation, ACTIVATIONS, name="activation")
        one_of(self.amp_dtype, AMP_DTYPES, name="amp_dtype")
        for name in ("early_stopping", "amp", "verbose"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidTypeError(
                    BOOL_PARAM_ERROR.format(name=name, value=getattr(self, name))
                )
        positive(self.learning_rate, name="learning_rate")
        non_negative(self.weight_decay, name="weight_decay")
        fraction(self.dropout, name="dropout", high_open=True)
        integer(self.batch_size, name="batch_size", minimum=1)
        integer(self.max_epochs, name="max_epochs", minimum=1)
        fraction(
            self.validation_fraction, name="validation_fraction", low_open=True, high_open=True
        )
        integer(self.patience, name="patience", minimum=1)
        non_negative(self.tol, name="tol")
        check_callbacks(self.callbacks)

    # -- fit ---------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features (numpy array or pandas DataFrame of numbers; use
            :func:`greennb.models.make_preprocessor` for mixed-type tables).
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss (and in the
            validation loss used for early stopping). Weights are rescaled to
            mean 1, so only their ratios matter; a zero weight removes a
            sample's influence. ``None`` weights all samples equally.

        Returns
        -------
        self
            The fitted estimator.

        Raises
        ------
        ValueError
            For an invalid hyperparameter (``TypeError`` for a wrong type), a
            device that is unavailable, a classification target with one
            class, all-zero training weights, or a loss that became NaN or
            infinite (training diverged); each message names the bad value.
        """
        self._validate_hyperparameters()
        X, y = validate_data(
            self, X, y, dtype=[np.float32, np.float64], y_numeric=is_regressor(self)
        )
        targets, n_outputs = self._encode_target(y)
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        rng = check_random_state(self.random_state)
        train_rows, validation_rows = self._split_rows(X.shape[0], rng)
        if not weights[train_rows].any():
            raise InvalidValueError(ZERO_TRAIN_WEIGHT_ERROR)
        weights = weights / weights[train_rows].mean()
        seed = int(rng.randint(np.iinfo(np.int32).max))
        self._train(X, targets, weights, train_rows, validation_rows, n_outputs, seed)
        return self

    def _split_rows(self, n_samples, rng):
        """Shuffle row indices into (train, validation); validation is empty without ES."""
        if not self.early_stopping:
            return np.arange(n_samples), np.arange(0)
        if n_samples < 2:
            raise InvalidValueError(
                TOO_FEW_SAMPLES_ERROR.format(fraction=self.validation_fraction, n_samples=n_samples)
            )
        n_validation = min(max(1, round(self.validation_fraction * n_samples)), n_samples - 1)
        order = rng.permutation(n_samples)
        return order[n_validation:], order[:n_validation]

    def _new_module(self, n_inputs, n_outputs, device):
        """Build an untrained network with this estimator's architecture, on ``device``."""
        return build_mlp(
            n_inputs,
            n_outputs,
            hidden_layer_sizes=tuple(self.hidden_layer_sizes),
            activation=self.activation,
            dropout=self.dropout,
        ).to(device)

    def _train(self, X, targets, weights, train_rows, validation_rows, n_outputs, seed):
        import torch

        device = select_device(self.device)
        self.device_ = str(device)
        # Weight initialisation and dropout repeat, the caller's random state is untouched.
        with seeded_on(device, seed):
            self.module_ = self._new_module(X.shape[1], n_outputs, device)
            shuffle_generator = torch.Generator().manual_seed(seed)
            train = as_tensors(device, (X, targets, weights), rows=train_rows)
            validation = as_tensors(device, (X, targets, weights), rows=validation_rows)
            step = make_training_step(self, device)
            train_epochs(self, train, step, generator=shuffle_generator, validation=validation)

    def _validation_loss(self, X, targets, weights):
        import torch

        outputs = self._forward(X)
        with torch.no_grad():
            losses = self._loss_per_sample(outputs, targets)
            total_weight = weights.sum()
            if float(total_weight) == 0:  # every validation sample has weight 0
                return float(losses.mean())
            return float((losses * weights).sum() / total_weight)

    # -- prediction --------------------------------------------------------

    def _forward(self, X):
        """Raw network outputs for a float32 tensor, in float32, in eval mode."""
        import torch

        self.module_.eval()
        with torch.inference_mode():
            chunks = [
                self.module_(X[start : start + _PREDICT_CHUNK_ROWS]).float()
                for start in range(0, X.shape[0], _PREDICT_CHUNK_ROWS)
            ]
        return torch.cat(chunks)

    def _raw_predict(self, X):
        """Validate X and return the network outputs as a float64 numpy array."""
        import torch

        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        device = next(self.module_.parameters()).device
        outputs = self._forward(torch.as_tensor(X, dtype=torch.float32, device=device))
        return outputs.cpu().numpy().astype(np.float64)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "module_")
