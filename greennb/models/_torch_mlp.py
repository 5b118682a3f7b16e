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
on top of ``torch.optim`` and ``torch.amp``.

``torch`` is imported inside functions only, so ``import greennb.models``
stays light.
"""

from __future__ import annotations

import math
import numbers
import os
import platform

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_regressor
from sklearn.utils import check_random_state, check_scalar
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from greennb.errors import InvalidTypeError, InvalidValueError

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")
"""Device preferences accepted by :func:`select_device` (``"cuda:N"`` also)."""

ACTIVATIONS = ("relu", "tanh", "logistic", "gelu")
"""Hidden-layer activation functions accepted by the torch MLP estimators."""

AMP_DTYPES = ("float16", "bfloat16")
"""Reduced-precision types accepted for automatic mixed precision on CUDA."""

DEVICE_CHOICE_ERROR = "Unknown device {preference!r}; valid choices: {choices}."
DEVICE_UNAVAILABLE_ERROR = (
    "Device {preference!r} is not available on this machine; available devices: {available}."
)
OPTION_ERROR = "Unknown {name} {value!r}; valid choices: {choices}."
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

DIVERGED_ERROR = (
    "Training diverged: the mean training loss of epoch {epoch} is {loss}. Lower "
    "learning_rate (got {learning_rate}) or standardize the features."
)
BF16_UNSUPPORTED_ERROR = (
    "amp_dtype='bfloat16' is not supported by {gpu}; valid choices here: float16, or amp=False."
)
ZERO_TRAIN_WEIGHT_ERROR = (
    "Every training row has sample_weight 0 after holding out the early-stopping validation "
    "rows; give some training rows a positive weight or pass early_stopping=False."
)

_PREDICT_CHUNK_ROWS = 65_536  # rows per forward pass at prediction time, to bound memory


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------


def available_devices():
    """List the torch device types usable on this machine.

    Returns
    -------
    list of str
        A subset of ``["cuda", "mps", "cpu"]`` in order of preference; ``"cpu"``
        is always present.
    """
    import torch

    devices = []
    if torch.cuda.is_available():
        devices.append("cuda")
    if torch.backends.mps.is_available():
        devices.append("mps")
    devices.append("cpu")
    return devices


def select_device(preference="auto"):
    """Choose the torch device to train on: CUDA, then MPS, then the CPU.

    Parameters
    ----------
    preference : {"auto", "cuda", "mps", "cpu"} or str or torch.device, default="auto"
        ``"auto"`` picks the first available of CUDA, Apple MPS and CPU. An
        explicit type must be available; ``"cuda:N"`` selects GPU number N.

    Returns
    -------
    torch.device
        The device to use.

    Raises
    ------
    ValueError
        If ``preference`` is not a known device, or names one that this
        machine does not have; the message lists the valid or available ones.

    Examples
    --------
    >>> select_device("cpu")
    device(type='cpu')
    """
    import torch

    available = available_devices()
    if isinstance(preference, torch.device):
        preference = str(preference)
    if not isinstance(preference, str) or preference.split(":")[0] not in DEVICE_CHOICES:
        raise InvalidValueError(
            DEVICE_CHOICE_ERROR.format(preference=preference, choices=", ".join(DEVICE_CHOICES))
        )
    if preference == "auto":
        return torch.device(available[0])
    try:
        device = torch.device(preference)
    except RuntimeError as error:  # e.g. "cuda:x"
        raise InvalidValueError(
            DEVICE_CHOICE_ERROR.format(preference=preference, choices=", ".join(DEVICE_CHOICES))
        ) from error
    usable = device.type in available
    if usable and device.type == "cuda" and device.index is not None:
        usable = device.index < torch.cuda.device_count()
    if not usable:
        raise InvalidValueError(
            DEVICE_UNAVAILABLE_ERROR.format(preference=preference, available=", ".join(available))
        )
    return device


def describe_device(device):
    """Describe a torch device for a run record.

    Parameters
    ----------
    device : torch.device or str
        The device, e.g. an estimator's ``device_`` attribute or ``"cuda:0"``.

    Returns
    -------
    dict
        ``type`` (``"cuda"``, ``"mps"`` or ``"cpu"``), ``name`` (GPU model from
        ``torch.cuda.get_device_name``, or the CPU model), ``count`` (number of
        GPUs of that type, or logical CPU cores for the CPU), ``torch_version``
        and ``cuda_version`` (``None`` for a CPU-only torch build).
    """
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        count = torch.cuda.device_count()
    elif device.type == "mps":
        name = f"Apple GPU (MPS, {platform.machine()})"
        count = 1
    else:
        name = _cpu_name()
        count = os.cpu_count()
    return {
        "type": device.type,
        "name": name,
        "count": count,
        "torch_version": torch.__version__,
        "cuda_version": torch.version.cuda,
    }


def _cpu_name():
    # platform.processor() is empty or just the architecture on Linux, where the
    # model name lives in /proc/cpuinfo; no library we depend on reads it cheaply.
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------


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
            or not all(_is_positive_int(width) for width in sizes)
        ):
            raise InvalidValueError(HIDDEN_LAYERS_ERROR.format(value=sizes))
        _check_option("activation", self.activation, ACTIVATIONS)
        _check_option("amp_dtype", self.amp_dtype, AMP_DTYPES)
        for name in ("early_stopping", "amp", "verbose"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidTypeError(
                    BOOL_PARAM_ERROR.format(name=name, value=getattr(self, name))
                )
        real, integer = numbers.Real, numbers.Integral
        check_scalar(
            self.learning_rate, "learning_rate", real, min_val=0, include_boundaries="neither"
        )
        check_scalar(self.weight_decay, "weight_decay", real, min_val=0)
        check_scalar(self.dropout, "dropout", real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.batch_size, "batch_size", integer, min_val=1)
        check_scalar(self.max_epochs, "max_epochs", integer, min_val=1)
        check_scalar(
            self.validation_fraction,
            "validation_fraction",
            real,
            min_val=0,
            max_val=1,
            include_boundaries="neither",
        )
        check_scalar(self.patience, "patience", integer, min_val=1)
        check_scalar(self.tol, "tol", real, min_val=0)

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
            self._run_epochs(
                _to_tensors(device, X, targets, weights, rows=train_rows),
                _to_tensors(device, X, targets, weights, rows=validation_rows),
                shuffle_generator,
            )

    def _run_epochs(self, train, validation, shuffle_generator):
        device = next(self.module_.parameters()).device
        step = _make_training_step(self, device)
        best_loss, best_state, epochs_without_improvement = math.inf, None, 0
        self.loss_curve_, self.validation_loss_curve_ = [], []
        epochs = _epoch_range(self.max_epochs, self.verbose)
        for epoch in epochs:
            training_loss = self._train_one_epoch(train, step, shuffle_generator)
            if not math.isfinite(training_loss):
                raise InvalidValueError(
                    DIVERGED_ERROR.format(
                        epoch=epoch, loss=training_loss, learning_rate=self.learning_rate
                    )
                )
            self.loss_curve_.append(training_loss)
            self.n_epochs_ = epoch
            if not self.early_stopping:
                continue
            validation_loss = self._validation_loss(*validation)
            self.validation_loss_curve_.append(validation_loss)
            if validation_loss < best_loss - self.tol:
                best_loss, self.best_epoch_ = validation_loss, epoch
                best_state = {k: v.detach().clone() for k, v in self.module_.state_dict().items()}
                epochs_without_improvement = 0
            else:
                epochs_without_improvement += 1
                if epochs_without_improvement >= self.patience:
                    break
        if self.verbose:
            epochs.close()
        if best_state is not None:
            self.module_.load_state_dict(best_state)
        else:
            self.best_epoch_ = self.n_epochs_
        self.module_.eval()

    def _train_one_epoch(self, train, step, shuffle_generator):
        import torch

        X, targets, weights = train
        n_samples = X.shape[0]
        order = torch.randperm(n_samples, generator=shuffle_generator).to(X.device)
        self.module_.train()
        total = torch.zeros((), device=X.device)
        for start in range(0, n_samples, self.batch_size):
            batch = order[start : start + self.batch_size]
            total += step(X[batch], targets[batch], weights[batch]) * len(batch)
        return float(total) / n_samples  # one device sync per epoch, not per batch

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


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _make_training_step(estimator, device):
    """Return ``step(X, targets, weights) -> loss`` doing one optimiser update.

    Mixed precision is on only for CUDA with ``amp=True``: the forward pass
    runs under ``torch.autocast`` and, for float16, the loss is scaled by a
    ``GradScaler``. Otherwise autocast and the scaler are disabled, and the
    step is a plain float32 AdamW update.
    """
    import torch

    use_amp = estimator.amp and device.type == "cuda"
    amp_dtype = getattr(torch, estimator.amp_dtype)
    if use_amp and amp_dtype == torch.bfloat16 and not torch.cuda.is_bf16_supported():
        raise InvalidValueError(
            BF16_UNSUPPORTED_ERROR.format(gpu=torch.cuda.get_device_name(device))
        )
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp and amp_dtype == torch.float16)
    optimizer = torch.optim.AdamW(
        estimator.module_.parameters(),
        lr=estimator.learning_rate,
        weight_decay=estimator.weight_decay,
    )

    def step(X, targets, weights):
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=use_amp):
            outputs = estimator.module_(X)
        # The loss is computed in float32 outside autocast. Weights have mean 1
        # over the training set, so a batch's loss is sum(w * loss) / batch size.
        loss = (estimator._loss_per_sample(outputs.float(), targets) * weights).mean()
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return loss.detach()

    return step


def _to_tensors(device, X, targets, weights, *, rows):
    import torch

    return (
        torch.as_tensor(X[rows], dtype=torch.float32, device=device),
        torch.as_tensor(targets[rows], device=device),
        torch.as_tensor(weights[rows], dtype=torch.float32, device=device),
    )


def _epoch_range(max_epochs, verbose):
    """Epoch numbers 1..max_epochs, wrapped in a tqdm bar when verbose."""
    epochs = range(1, max_epochs + 1)
    if not verbose:
        return epochs
    from tqdm.auto import tqdm

    return tqdm(epochs, desc="epochs", unit="epoch")


def _check_option(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise InvalidValueError(
            OPTION_ERROR.format(name=name, value=value, choices=", ".join(choices))
        )


def _is_positive_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0
