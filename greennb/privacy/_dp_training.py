"""Differentially private training of the torch MLP (DP-SGD with Opacus); DP logistic regression.

:class:`DPMLPClassifier` is :class:`~greennb.models.TorchMLPClassifier` trained with DP-SGD
(Abadi et al. 2016) as Opacus implements it: each step draws a Poisson sample of the rows
(each row joins the batch with probability ``q = 1 / steps per epoch``), clips every row's
gradient to L2 norm at most ``C = max_grad_norm``, adds Gaussian noise of standard deviation
``σ·C`` (``σ = noise_multiplier``) to their sum and takes the optimizer step (AdamW, as the
non-private MLP). Opacus' accountant turns (σ, q, steps) into the ε spent for a stated δ:
the trained weights are (ε, δ)-differentially private with respect to one training row.
``hidden_layer_sizes=()`` trains one linear layer with the logistic (softmax) loss: DP
logistic regression. :func:`make_dp_model` puts the shared preprocessing in front.

The mapping to the source's privacy model ``P = C / σ``: a smaller ε means more noise per
unit of sensitivity (the clipping norm bounds one row's influence), hence more protection.

Limits, stated: the Gaussian noise comes from torch's pseudo-random generator (Opacus'
``secure_mode=False``, seeded so runs reproduce), which is fine for teaching but not for a
production release (Opacus' ``secure_mode=True`` needs ``torchcsprng``); and the
preprocessing of :func:`make_dp_model` is fitted on the training rows without noise (see
there). ``torch`` and ``opacus`` are imported when a model is trained only.
"""

from __future__ import annotations

import math
import warnings

from sklearn.pipeline import Pipeline

from greennb._validation import fraction, non_negative, one_of, positive
from greennb.errors import InvalidValueError, UnsupportedModelError
from greennb.models import (
    TorchMLPClassifier,
    as_tensors,
    make_optimizer,
    make_preprocessor,
    seeded_on,
    select_device,
)

ACCOUNTANTS = ("rdp", "prv", "gdp")
"""Opacus' privacy accountants: Rényi DP, privacy random variables, Gaussian DP."""

MECHANISM = "DP-SGD (Opacus)"
"""The ``"mechanism"`` recorded in :attr:`DPMLPClassifier.privacy_`."""

NO_NOISE_ERROR = (
    "DP training needs target_epsilon (the budget, Opacus picks the noise) or noise_multiplier "
    "(the noise, the accountant reports ε); got target_epsilon=None and noise_multiplier=None."
)
BOTH_NOISE_ERROR = (
    "Give target_epsilon or noise_multiplier, not both; got target_epsilon={epsilon!r} and "
    "noise_multiplier={sigma!r}. Pass target_epsilon=None to train with this noise_multiplier."
)
EARLY_STOPPING_ERROR = (
    "early_stopping=True is refused for DP training: it reads the validation rows after every "
    "epoch, and that choice is not covered by the privacy accounting. Pass early_stopping=False "
    "(and choose max_epochs beforehand)."
)
AMP_ERROR = (
    "amp=True is refused for DP training: per-sample gradient clipping under torch.autocast is "
    "not verified by Opacus. Pass amp=False."
)
MPS_ERROR = (
    "Device {device!r} is not supported for DP training: Opacus is written and tested for the "
    "CPU and CUDA only. Valid choices: 'cpu', 'cuda' or 'auto' (which skips MPS)."
)
UNSUPPORTED_LAYERS_ERROR = (
    "Opacus cannot compute per-sample gradients for this network; unsupported layer(s): "
    "{layers}. Replace them (e.g. BatchNorm with GroupNorm or LayerNorm; "
    "opacus.validators.ModuleValidator.fix does this) or train without DP."
)
TASK_ERROR = (
    "make_dp_model supports task 'classification' only (DP-SGD of the MLP regressor is not "
    "implemented); got task={task!r}. Valid choices: 'classification'."
)
UNREACHABLE_EPSILON_ERROR = (
    "target_epsilon={epsilon!r} cannot be reached with accountant {accountant!r} at delta={delta}, "
    "sample_rate={sample_rate:.4g} and max_epochs={epochs} (Opacus: {reason}). Raise "
    "target_epsilon or delta, lower max_epochs, raise batch_size, or try another accountant "
    "(valid choices: {choices})."
)
DIVERGED_ERROR = (
    "DP training diverged: the mean training loss of epoch {epoch} is {loss}. Lower "
    "learning_rate (got {learning_rate}) or max_grad_norm, or standardize the features."
)

_SECURE_RNG_WARNING = "Secure RNG turned off"  # Opacus warns at every PrivacyEngine; documented
# torch warns once per process that Opacus' backward hooks fire on a first layer whose input
# needs no gradient: expected here (the features are data), so not shown to students.
_INPUT_HOOK_WARNING = "Full backward hook is firing when gradients are computed with respect"


def default_delta(n_rows):
    """Return the δ used when none is given: the largest power of ten below ``1 / n_rows``.

    Opacus' tutorials advise δ < 1/n (a δ of 1/n would allow releasing one row in the clear).

    Parameters
    ----------
    n_rows : int
        Number of training rows (>= 1).

    Returns
    -------
    float
        ``10 ** -(number of decimal digits of n_rows)``, e.g. 1e-5 for 15,223 rows and
        1e-4 for exactly 1,000 rows.

    Examples
    --------
    >>> default_delta(15_223), default_delta(1_000), default_delta(999)
    (1e-05, 0.0001, 0.001)
    """
    return 10.0 ** -len(str(int(n_rows)))


class _TensorRows:
    """Row-aligned tensors as a map-style dataset whose batched fetch is one indexing per tensor.

    torch's ``DataLoader`` calls ``__getitems__`` with the whole list of sampled rows, so a
    Poisson batch costs one gather per tensor instead of one ``__getitem__`` per row.
    """

    def __init__(self, tensors):
        self.tensors = tensors

    def __len__(self):
        return self.tensors[0].shape[0]

    def __getitem__(self, row):
        return tuple(tensor[row] for tensor in self.tensors)

    def __getitems__(self, rows):
        import torch

        index = torch.as_tensor(rows, dtype=torch.long, device=self.tensors[0].device)
        return tuple(tensor[index] for tensor in self.tensors)


def _batch_as_is(batch):
    """Collate function: ``_TensorRows.__getitems__`` already returns the batch's tensors."""
    return batch


class _WeightedLoss:
    """Per-sample weighted loss of an estimator, as the criterion of Opacus' ghost clipping.

    Opacus' ``DPLossFastGradientClipping`` reads and sets ``reduction``; this criterion always
    returns one loss per row (``weight × loss``), which is what ghost clipping needs.
    """

    reduction = "mean"

    def __init__(self, estimator):
        self.estimator = estimator

    def __call__(self, outputs, targets, weights):
        return self.estimator._loss_per_sample(outputs.float(), targets) * weights


def check_dp_compatible(module):
    """Raise :class:`~greennb.errors.UnsupportedModelError` naming the layers Opacus refuses.

    Parameters
    ----------
    module : torch.nn.Module
        The network to train with DP-SGD.

    Raises
    ------
    greennb.errors.UnsupportedModelError
        If ``opacus.validators.ModuleValidator.validate`` finds a problem (e.g. a BatchNorm
        layer, whose output mixes the rows of a batch); the message names each layer.
    """
    from opacus.validators import ModuleValidator

    if not ModuleValidator.validate(module, strict=False):
        return
    layers = [
        f"{name} ({type(layer).__name__})"
        for name, layer in module.named_modules()
        if name and not list(layer.children()) and ModuleValidator.validate(layer, strict=False)
    ]
    problems = [str(error) for error in ModuleValidator.validate(module, strict=False)]
    raise UnsupportedModelError(
        UNSUPPORTED_LAYERS_ERROR.format(layers=", ".join(layers) or "; ".join(problems))
    )


class DPMLPClassifier(TorchMLPClassifier):
    """MLP classifier, or logistic regression (no hidden layer), trained with DP-SGD (Opacus).

    Training follows Opacus' defaults: Poisson sampling with rate ``q = 1 / ceil(n /
    batch_size)`` (so batches have ``batch_size`` rows on average and an epoch has
    ``ceil(n / batch_size)`` steps), flat per-sample clipping of the whole gradient to norm
    ``max_grad_norm``, Gaussian noise ``σ·max_grad_norm`` on the sum, and the estimator's own
    AdamW learning rate, weight decay, batch size and ``max_epochs`` (exactly that many
    epochs run). Sample weights scale each row's loss before clipping, so a row's influence
    stays bounded by ``max_grad_norm`` whatever its weight. The per-row gradient norms come
    from Opacus' ghost clipping (``grad_sample_mode="ghost"``: norms without materialising
    each row's gradient, then a second backward pass with the clipping factors), which gives
    the clipped gradients of Opacus' default ``"hooks"`` mode (checked: weights within 1e-7
    after 3 epochs) in about 60 % of its time on the (64, 32) MLP.

    Early stopping is refused (it would read the validation rows after every epoch, outside
    the accounting), and so is mixed precision (``amp=True``); both default to ``False``.

    Parameters
    ----------
    target_epsilon : float > 0 or None, default=1.0
        Privacy budget ε to spend over ``max_epochs`` epochs; Opacus chooses the noise
        multiplier σ that reaches it. ``None``: train with ``noise_multiplier`` and report
        the ε that the accountant computes.
    delta : float in (0, 1) or None, default=None
        δ of the (ε, δ) guarantee (the probability, loosely, that ε does not hold).
        ``None``: :func:`default_delta` of the number of training rows, the largest power
        of ten below 1/n. The value used is recorded in ``privacy_["delta"]``.
    max_grad_norm : float > 0, default=1.0
        Clipping norm C: the L2 norm each row's gradient is clipped to (the sensitivity).
    noise_multiplier : float >= 0 or None, default=None
        σ, the noise standard deviation in units of C; used only with
        ``target_epsilon=None`` (0 adds no noise: ε is infinite).
    accountant : {"rdp", "prv", "gdp"}, default="rdp"
        Opacus' accountant: Rényi DP, privacy random variables, or Gaussian DP.
    max_epochs : int >= 1, default=20
        Epochs of training (all of them run; ε grows with them).
    early_stopping : bool, default=False
        Must stay ``False`` (see above).
    amp : bool, default=False
        Must stay ``False`` (see above).
    device : {"auto", "cuda", "cpu"} or str, default="auto"
        ``"auto"`` picks CUDA, else the CPU (never MPS, which Opacus does not support).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the Poisson sampling and the noise: two fits with the
        same int on the CPU give identical models (CUDA kernels may differ in the last bits).
    hidden_layer_sizes, activation, dropout, learning_rate, weight_decay, batch_size, \
validation_fraction, patience, tol, amp_dtype, verbose, callbacks
        As in :class:`~greennb.models.TorchMLPClassifier` (``validation_fraction``,
        ``patience``, ``tol`` and ``amp_dtype`` have no effect here).

    Attributes
    ----------
    privacy_ : dict
        ``epsilon`` (ε spent, from the accountant, for ``delta``), ``delta``,
        ``noise_multiplier`` (σ used), ``max_grad_norm``, ``accountant``, ``epochs``,
        ``sample_rate`` (q) and ``mechanism`` (``"DP-SGD (Opacus)"``).
    classes_, n_features_in_, device_, module_, n_epochs_, best_epoch_, loss_curve_
        As in :class:`~greennb.models.TorchMLPClassifier`; ``loss_curve_`` is the mean
        (weighted) loss per sampled row of each epoch, in nats, and
        ``validation_loss_curve_`` is empty.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = DPMLPClassifier(target_epsilon=3.0, max_epochs=2, device="cpu", random_state=0)
    >>> clf.fit(X, y).privacy_["epsilon"] <= 3.0
    True
    """

    def __init__(
        self,
        *,
        target_epsilon=1.0,
        delta=None,
        max_grad_norm=1.0,
        noise_multiplier=None,
        accountant="rdp",
        hidden_layer_sizes=(64, 32),
        activation="relu",
        dropout=0.0,
        learning_rate=1e-3,
        weight_decay=0.0,
        batch_size=256,
        max_epochs=20,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        tol=1e-4,
        device="auto",
        amp=False,
        amp_dtype="float16",
        random_state=None,
        verbose=False,
        callbacks=None,
    ):
        # The parent's hyperparameters are repeated on purpose: scikit-learn's get_params and
        # clone read the names from this signature (no **kwargs allowed there).
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            dropout=dropout,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            batch_size=batch_size,
            max_epochs=max_epochs,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            tol=tol,
            device=device,
            amp=amp,
            amp_dtype=amp_dtype,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )
        self.target_epsilon = target_epsilon
        self.delta = delta
        self.max_grad_norm = max_grad_norm
        self.noise_multiplier = noise_multiplier
        self.accountant = accountant

    def _validate_hyperparameters(self):
        super()._validate_hyperparameters()
        if self.early_stopping:
            raise InvalidValueError(EARLY_STOPPING_ERROR)
        if self.amp:
            raise InvalidValueError(AMP_ERROR)
        if self.target_epsilon is None and self.noise_multiplier is None:
            raise InvalidValueError(NO_NOISE_ERROR)
        if self.target_epsilon is not None and self.noise_multiplier is not None:
            raise InvalidValueError(
                BOTH_NOISE_ERROR.format(epsilon=self.target_epsilon, sigma=self.noise_multiplier)
            )
        if self.target_epsilon is not None:
            positive(self.target_epsilon, name="target_epsilon")
        if self.noise_multiplier is not None:
            non_negative(self.noise_multiplier, name="noise_multiplier")
        if self.delta is not None:
            fraction(self.delta, name="delta", low_open=True, high_open=True)
        positive(self.max_grad_norm, name="max_grad_norm")
        one_of(self.accountant, ACCOUNTANTS, name="accountant")

    def _dp_device(self):
        """Return the training device: CUDA or the CPU (``"auto"`` skips MPS, ``"mps"`` raises)."""
        import torch

        device = select_device(self.device)
        if device.type == "mps":
            if self.device != "auto":
                raise InvalidValueError(MPS_ERROR.format(device=self.device))
            device = torch.device("cpu")
        return device

    def _train(self, X, targets, weights, train_rows, validation_rows, n_outputs, seed):

        device = self._dp_device()
        self.device_ = str(device)
        # One seed drives weight initialisation, Poisson sampling (torch's global CPU
        # generator, which Opacus' sampler uses when secure_mode is off) and the noise
        # (the device's global generator); the caller's state is untouched.
        with seeded_on(device, seed):
            module = self._new_module(X.shape[1], n_outputs, device)
            check_dp_compatible(module)
            train = as_tensors(device, (X, targets, weights), rows=train_rows)
            delta = default_delta(len(train_rows)) if self.delta is None else float(self.delta)
            engine, optimizer, loader, hooks, criterion = self._make_private(module, train, delta)
            self.module_ = module
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=_INPUT_HOOK_WARNING)
                    self._train_epochs(optimizer, loader, criterion)
            finally:
                hooks.cleanup()
                for parameter in module.parameters():  # the DP optimizer's per-step buffer
                    parameter.__dict__.pop("summed_grad", None)
            self.module_.eval()
        self.best_epoch_ = self.n_epochs_
        self.privacy_ = {
            "epsilon": self._spent_epsilon(engine, optimizer.noise_multiplier, delta),
            "delta": delta,
            "noise_multiplier": float(optimizer.noise_multiplier),
            "max_grad_norm": float(self.max_grad_norm),
            "accountant": self.accountant,
            "epochs": self.n_epochs_,
            "sample_rate": float(loader.sample_rate),
            "mechanism": MECHANISM,
        }

    def _make_private(self, module, train, delta):
        """Wrap network, optimizer and data with Opacus.

        Returns
        -------
        tuple
            ``(engine, optimizer, loader, hooks, criterion)``: the ``PrivacyEngine`` (its
            accountant), the DP optimizer, the Poisson data loader, the per-sample hooks on
            ``module`` (to clean up) and the ghost-clipping loss.
        """
        from opacus import PrivacyEngine
        from torch.utils.data import DataLoader

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_SECURE_RNG_WARNING)
            engine = PrivacyEngine(accountant=self.accountant, secure_mode=False)
        data = DataLoader(_TensorRows(train), batch_size=self.batch_size, collate_fn=_batch_as_is)
        optimizer = make_optimizer(
            module.parameters(), learning_rate=self.learning_rate, weight_decay=self.weight_decay
        )
        hooks, optimizer, criterion, loader = engine.make_private(
            module=module,
            optimizer=optimizer,
            data_loader=data,
            noise_multiplier=self._noise_multiplier(len(data), delta),
            max_grad_norm=float(self.max_grad_norm),
            poisson_sampling=True,
            wrap_model=False,  # hooks on our Sequential, so module_ stays a plain network
            grad_sample_mode="ghost",  # 3.0x a plain epoch on covid_testing, "hooks" 5.1x
            criterion=_WeightedLoss(self),
        )
        return engine, optimizer, loader, hooks, criterion

    def _noise_multiplier(self, steps_per_epoch, delta):
        """σ: the one given, or the one Opacus finds for ``target_epsilon`` over ``max_epochs``.

        The search of ``PrivacyEngine.make_private_with_epsilon`` (Opacus'
        ``get_noise_multiplier`` with this accountant), called here so that its failure gets
        a message naming the target and what to change, and given the exact number of steps
        (``make_private_with_epsilon`` passes ``int(epochs / sample_rate)``, which floating
        point can round one step short).
        """
        if self.target_epsilon is None:
            return float(self.noise_multiplier)
        from opacus.accountants.utils import get_noise_multiplier

        try:
            return get_noise_multiplier(
                target_epsilon=float(self.target_epsilon),
                target_delta=delta,
                sample_rate=1 / steps_per_epoch,
                steps=self.max_epochs * steps_per_epoch,
                accountant=self.accountant,
            )
        except ValueError as error:  # "The privacy budget is too low." (σ above 1e6), ...
            raise InvalidValueError(
                UNREACHABLE_EPSILON_ERROR.format(
                    epsilon=self.target_epsilon,
                    accountant=self.accountant,
                    delta=delta,
                    sample_rate=1 / steps_per_epoch,
                    epochs=self.max_epochs,
                    reason=error,
                    choices=", ".join(ACCOUNTANTS),
                )
            ) from error

    def _train_epochs(self, optimizer, loader, criterion):
        """Run ``max_epochs`` epochs of DP-SGD steps over the Poisson batches of ``loader``.

        The epoch loop of :func:`greennb.models.train_epochs` draws fixed-size shuffled
        batches, which Opacus' accounting does not cover; this one iterates Opacus' Poisson
        loader and keeps the same callbacks, loss curve and divergence check.
        """
        import torch

        callbacks = list(self.callbacks or [])
        self.loss_curve_, self.validation_loss_curve_ = [], []
        epochs = _epochs(self.max_epochs, self.verbose)
        for epoch in epochs:
            for callback in callbacks:
                callback.on_epoch_begin(self, epoch)
            self.module_.train()
            total, rows = torch.zeros((), device=next(self.module_.parameters()).device), 0
            for X, targets, weights in loader:
                optimizer.zero_grad(set_to_none=True)
                loss = criterion(self.module_(X), targets, weights)
                loss.backward()
                optimizer.step()
                total, rows = total + loss.loss_per_sample.detach().sum(), rows + len(X)
            loss = float(total) / max(rows, 1)
            if not math.isfinite(loss):
                raise InvalidValueError(
                    DIVERGED_ERROR.format(epoch=epoch, loss=loss, learning_rate=self.learning_rate)
                )
            self.loss_curve_.append(loss)
            self.n_epochs_ = epoch
            for callback in callbacks:
                callback.on_epoch_end(self, epoch, {"train_loss": loss})
        if self.verbose:
            epochs.close()

    def _spent_epsilon(self, engine, noise_multiplier, delta):
        """ε spent for ``delta``, from the accountant; infinite without noise."""
        if noise_multiplier == 0:
            return math.inf  # no noise, no privacy (Opacus' accountants divide by σ)
        return float(engine.get_epsilon(delta))


def _epochs(max_epochs, verbose):
    """Epoch numbers 1..max_epochs, with a tqdm bar when verbose."""
    epochs = range(1, max_epochs + 1)
    if not verbose:
        return epochs
    from tqdm.auto import tqdm

    return tqdm(epochs, desc="DP epochs", unit="epoch")


def make_dp_model(task="classification", *, hidden_layer_sizes=(64, 32), **dp_params):
    """Build the shared preprocessing followed by a :class:`DPMLPClassifier`.

    Like ``greennb.models.make_model("mlp", task="classification")`` with the network trained
    by DP-SGD; ``hidden_layer_sizes=()`` gives DP logistic regression.

    Not private, a stated limitation: the preprocessing
    (:func:`greennb.models.make_preprocessor`) is fitted on the training rows without noise.
    The fitted pipeline therefore holds, in the clear, each numeric column's median (the
    imputation value), mean and standard deviation, and each categorical column's list of
    values seen in training, the most frequent one included; a value held by a single person
    (a rare clinic) reveals that such a person is in the training data. The (ε, δ) guarantee
    covers the network's weights given the preprocessed features only. Fixing the scaling from
    public knowledge (or releasing DP statistics) would close this gap.

    Parameters
    ----------
    task : {"classification"}, default="classification"
        Only classification is supported.
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Widths of the hidden layers; ``()`` for DP logistic regression.
    **dp_params
        Hyperparameters of :class:`DPMLPClassifier` (``target_epsilon``, ``delta``,
        ``max_grad_norm``, ``noise_multiplier``, ``accountant``, ``max_epochs``...);
        ``random_state`` defaults to 0, as in ``make_model``. Unknown names raise
        scikit-learn's ``ValueError`` listing the valid ones.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``"preprocess"`` and ``"model"``.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``task`` is not ``"classification"``.

    Examples
    --------
    >>> make_dp_model(hidden_layer_sizes=(), target_epsilon=8.0).named_steps["model"]
    DPMLPClassifier(hidden_layer_sizes=(), random_state=0, target_epsilon=8.0)
    """
    if task != "classification":
        raise InvalidValueError(TASK_ERROR.format(task=task))
    dp_params.setdefault("random_state", 0)
    estimator = DPMLPClassifier(hidden_layer_sizes=hidden_layer_sizes).set_params(**dp_params)
    return Pipeline([("preprocess", make_preprocessor()), ("model", estimator)])
