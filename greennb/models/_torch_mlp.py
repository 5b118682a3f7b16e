"""PyTorch multilayer perceptrons behind the scikit-learn estimator API.

:class:`TorchMLPClassifier` and :class:`TorchMLPRegressor` train a small
fully connected network with PyTorch on the best available accelerator
(CUDA, then Apple MPS, then the CPU) and otherwise behave like any
scikit-learn estimator: ``fit`` returns ``self``, learned attributes end in
``_``, ``sample_weight`` is honoured (so fairlearn's reductions can use
them) and ``clone``/``GridSearchCV``/``Pipeline`` work.

scikit-learn has its own ``MLPClassifier``, but it runs on the CPU only; the
point of these estimators is to put the accelerator, mixed precision and
their energy cost in front of students, so the training loop is written in this
package on top of ``torch.optim`` and ``torch.amp`` (``_training``), with epoch
callbacks (``_callbacks``) for code that watches it. What both estimators share
(hyperparameters, checks, ``fit``) is in ``_torch_base``.

``torch`` is imported inside functions only, so ``import greennb.models``
stays light.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets

from greennb.errors import InvalidValueError
from greennb.models._torch_base import _BaseTorchMLP

ONE_CLASS_ERROR = (
    "{estimator} needs at least 2 classes to train, but y has 1 class: {classes}. "
    "Check the target column and the split."
)


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
