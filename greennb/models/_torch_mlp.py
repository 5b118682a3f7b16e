"""PyTorch multilayer perceptrons behind the scikit-learn estimator API.

:class:`TorchMLPClassifier` and :class:`TorchMLPRegressor` train a small
fully connected network with PyTorch on the best available accelerator
(CUDA, then Apple MPS, then the CPU) and otherwise behave like any
scikit-learn estimator: ``fit`` returns ``self``, learned attributes end in
``_``, ``sample_weight`` is honoured (so fairlearn's reductions can use
them) and ``clone``/``GridSearchCV``/``Pipeline`` work.

scikit-learn has its own ``MLPClassifier``, but it runs on the CPU only; the
point of these estimators is to put the accelerator, mixed precision and
their energy cost in front of students, so the training loop is written here
on top of ``torch.optim`` and ``torch.amp`` (in :mod:`greennb.models._training`),
with epoch callbacks (:mod:`greennb.models._callbacks`) for code that watches it.

``torch`` is imported inside functions only, so ``import greennb.models``
stays light.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_regressor
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from greennb._validation import fraction, integer, is_integer, non_negative, one_of, positive
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.models._callbacks import check_callbacks
from greennb.models._devices import select_device
from greennb.models._network import ACTIVATIONS, build_mlp
from greennb.models._training import AMP_DTYPES, as_tensors, make_training_step, train_epochs

HIDDEN_LAYERS_ERROR = (
    "hidden_layer_sizes must be a sequence of positive integers, e.g. (64, 32) or () "
    "for no hidden layer; got {value!r}."
)
BOOL_PARAM_ERROR = "{name} must be True or False; got {value!r}."
ONE_CLASS_ERROR = (
    "{estimator} needs at least 2 classes to train, but y has 1 class: {classes}. "
    "Check the target column and the split."
)
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
        forked_cuda = []
        if device.type == "cuda":
            forked_cuda = [torch.cuda.current_device() if device.index is None else device.index]
        # Seed torch inside fork_rng so that weight initialisation and dropout are
        # reproducible without changing the caller's global random state.
        with torch.random.fork_rng(devices=forked_cuda):
            torch.manual_seed(seed)
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


class TorchMLPClassifier(ClassifierMixin, _BaseTorchMLP):
    """Multilayer perceptron classifier trained with PyTorch, on a GPU when present.

    Binary problems use one output and the logistic (binary cross-entropy)
    loss; problems with K > 2 classes use K outputs, the softmax and the
    cross-entropy loss. Training uses AdamW on shuffled mini-batches.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Width of each hidden layer; ``()`` gives logistic regression.
    activation : {"relu", "tanh", "logistic", "gelu"}, default="relu"
        Activation after each hidden layer.
    dropout : float in [0, 1), default=0.0
        Dropout probability after each hidden activation, during training.
    learning_rate : float > 0, default=1e-3
        AdamW step size.
    weight_decay : float >= 0, default=0.0
        AdamW decoupled weight decay (L2-like regularisation).
    batch_size : int >= 1, default=256
        Samples per optimisation step.
    max_epochs : int >= 1, default=200
        Maximum passes over the training data.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when their
        (weighted) loss has not improved by at least ``tol`` for ``patience``
        epochs, and restore the weights of the best epoch. With ``False``
        exactly ``max_epochs`` epochs run on all rows.
    validation_fraction : float in (0, 1), default=0.1
        Share of rows held out for early stopping (at least one row).
    patience : int >= 1, default=10
        Epochs without improvement before training stops.
    tol : float >= 0, default=1e-4
        Minimum decrease of the validation loss that counts as improvement.
    device : {"auto", "cuda", "mps", "cpu"} or str, default="auto"
        Where to train; see :func:`select_device`. The device actually used
        is recorded in ``device_``.
    amp : bool, default=True
        Use automatic mixed precision (``torch.autocast``, with a
        ``GradScaler`` for float16) when training on CUDA. No effect on other
        devices. Predictions are always computed in float32.
    amp_dtype : {"float16", "bfloat16"}, default="float16"
        Reduced-precision type for AMP; float16 works on every CUDA GPU,
        bfloat16 needs Ampere or newer and no loss scaling.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, weight initialisation, dropout and the
        shuffling. With an int, two fits on the CPU give identical models
        (CUDA kernels may differ in the last bits). The caller's global torch
        random state is left untouched.
    verbose : bool, default=False
        Show a tqdm progress bar over epochs. Off by default so that library
        calls, tests and executed notebooks stay quiet; turn it on in a
        notebook to watch training.
    callbacks : list of EpochCallback, default=None
        Objects whose ``on_epoch_begin(estimator, epoch)`` and ``on_epoch_end(estimator,
        epoch, logs)`` run around each epoch; see :class:`~greennb.models.EpochCallback`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when X was a DataFrame with string column names.
    device_ : str
        Device the network was trained on, e.g. ``"cpu"`` or ``"cuda"``.
    module_ : torch.nn.Sequential
        The trained network (on ``device_``).
    n_epochs_ : int
        Epochs run.
    best_epoch_ : int
        Epoch (1-based) whose weights were kept: the lowest validation loss
        with early stopping, else the last epoch.
    loss_curve_ : list of float
        Mean (weighted) training loss of each epoch, in nats.
    validation_loss_curve_ : list of float
        Validation loss of each epoch (empty without early stopping).

    See Also
    --------
    TorchMLPRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : A CPU-only MLP in scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = TorchMLPClassifier(max_epochs=20, device="cpu", random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def _encode_target(self, y):
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise InvalidValueError(
                ONE_CLASS_ERROR.format(estimator=type(self).__name__, classes=self.classes_)
            )
        n_outputs = 1 if len(self.classes_) == 2 else len(self.classes_)
        return encoded.astype(np.int64), n_outputs

    def _loss_per_sample(self, outputs, targets):
        from torch.nn import functional

        if outputs.shape[1] == 1:
            return functional.binary_cross_entropy_with_logits(
                outputs[:, 0], targets.float(), reduction="none"
            )
        return functional.cross_entropy(outputs, targets.long(), reduction="none")

    def predict_proba(self, X):
        """Predict class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probability of each class in ``classes_``; rows sum to 1.
        """
        scores = self._raw_predict(X)
        if scores.shape[1] == 1:
            positive = expit(scores[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.

        Returns
        -------
        ndarray of shape (n_samples,)
            The most probable class of each row.
        """
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]


class TorchMLPRegressor(RegressorMixin, _BaseTorchMLP):
    """Multilayer perceptron regressor trained with PyTorch, on a GPU when present.

    The target is standardized internally (``(y - y_mean_) / y_scale_``) so
    that the squared-error loss and the learning rate do not depend on the
    target's unit; predictions are transformed back to the original unit.
    Training uses AdamW on shuffled mini-batches.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Width of each hidden layer; ``()`` gives linear regression.
    activation : {"relu", "tanh", "logistic", "gelu"}, default="relu"
        Activation after each hidden layer.
    dropout : float in [0, 1), default=0.0
        Dropout probability after each hidden activation, during training.
    learning_rate : float > 0, default=1e-3
        AdamW step size.
    weight_decay : float >= 0, default=0.0
        AdamW decoupled weight decay (L2-like regularisation).
    batch_size : int >= 1, default=256
        Samples per optimisation step.
    max_epochs : int >= 1, default=200
        Maximum passes over the training data.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when their
        (weighted) loss has not improved by at least ``tol`` for ``patience``
        epochs, and restore the weights of the best epoch. With ``False``
        exactly ``max_epochs`` epochs run on all rows.
    validation_fraction : float in (0, 1), default=0.1
        Share of rows held out for early stopping (at least one row).
    patience : int >= 1, default=10
        Epochs without improvement before training stops.
    tol : float >= 0, default=1e-4
        Minimum decrease of the validation loss that counts as improvement.
    device : {"auto", "cuda", "mps", "cpu"} or str, default="auto"
        Where to train; see :func:`select_device`. The device actually used
        is recorded in ``device_``.
    amp : bool, default=True
        Use automatic mixed precision (``torch.autocast``, with a
        ``GradScaler`` for float16) when training on CUDA. No effect on other
        devices. Predictions are always computed in float32.
    amp_dtype : {"float16", "bfloat16"}, default="float16"
        Reduced-precision type for AMP; float16 works on every CUDA GPU,
        bfloat16 needs Ampere or newer and no loss scaling.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, weight initialisation, dropout and the
        shuffling. With an int, two fits on the CPU give identical models
        (CUDA kernels may differ in the last bits). The caller's global torch
        random state is left untouched.
    verbose : bool, default=False
        Show a tqdm progress bar over epochs. Off by default so that library
        calls, tests and executed notebooks stay quiet.
    callbacks : list of EpochCallback, default=None
        Objects whose ``on_epoch_begin(estimator, epoch)`` and ``on_epoch_end(estimator,
        epoch, logs)`` run around each epoch; see :class:`~greennb.models.EpochCallback`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when X was a DataFrame with string column names.
    y_mean_ : float
        Mean of the training target, in the target's unit.
    y_scale_ : float
        Standard deviation of the training target (1.0 if it is constant).
    device_ : str
        Device the network was trained on, e.g. ``"cpu"`` or ``"cuda"``.
    module_ : torch.nn.Sequential
        The trained network (on ``device_``), predicting the standardized target.
    n_epochs_ : int
        Epochs run.
    best_epoch_ : int
        Epoch (1-based) whose weights were kept: the lowest validation loss
        with early stopping, else the last epoch.
    loss_curve_ : list of float
        Mean (weighted) squared error of each epoch on the standardized
        target (unitless; 1.0 is the error of predicting the mean).
    validation_loss_curve_ : list of float
        Validation loss of each epoch, same scale (empty without early stopping).

    See Also
    --------
    TorchMLPClassifier : The classification counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 100).reshape(-1, 1)
    >>> reg = TorchMLPRegressor(max_epochs=5, device="cpu", random_state=0).fit(X, 3 * X[:, 0])
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    def _encode_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        self.y_mean_ = float(y.mean())
        scale = float(y.std())
        self.y_scale_ = scale if scale > 0 else 1.0
        return ((y - self.y_mean_) / self.y_scale_).astype(np.float32), 1

    def _loss_per_sample(self, outputs, targets):
        from torch.nn import functional

        return functional.mse_loss(outputs[:, 0], targets, reduction="none")

    def predict(self, X):
        """Predict the target.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.

        Returns
        -------
        ndarray of shape (n_samples,)
            Predictions in the unit of the training target.
        """
        return self._raw_predict(X)[:, 0] * self.y_scale_ + self.y_mean_
