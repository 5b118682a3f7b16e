"""The training machinery of the torch MLPs: optimizer, training step, tensors, the epoch loop.

:class:`~greennb.models.TorchMLPClassifier` and :class:`~greennb.models.TorchMLPRegressor`
train with these pieces, and so does :func:`greennb.efficiency.distill`, which brings its own
loss: :func:`train_epochs` runs the epochs (shuffled mini-batches, divergence check, early
stopping with the best weights restored, the epoch callbacks) around any ``step`` function.

``torch`` is imported inside the functions only, so ``import greennb.models`` stays light.
"""

from __future__ import annotations

import math

from greennb.errors import InvalidValueError
from greennb.models._callbacks import check_callbacks

AMP_DTYPES = ("float16", "bfloat16")
"""Reduced-precision types accepted for automatic mixed precision on CUDA."""

DIVERGED_ERROR = (
    "Training diverged: the mean training loss of epoch {epoch} is {loss}. Lower "
    "learning_rate (got {learning_rate}) or standardize the features."
)
BF16_UNSUPPORTED_ERROR = (
    "amp_dtype='bfloat16' is not supported by {gpu}; valid choices here: float16, or amp=False."
)


def make_optimizer(parameters, *, learning_rate, weight_decay):
    """Build the optimizer of the torch MLPs: ``torch.optim.AdamW``.

    Parameters
    ----------
    parameters : iterable of torch.nn.Parameter
        The network's parameters.
    learning_rate : float
        AdamW step size.
    weight_decay : float
        AdamW decoupled weight decay.

    Returns
    -------
    torch.optim.AdamW
        The optimizer, in torch's fused implementation (one kernel for every parameter's
        update instead of several small ones per parameter: on the CPU it brought the fit of a
        (64, 32) MLP from 1.26× to 0.98× scikit-learn's time, ``benchmarks/README.md``, "Local
        training speed"); torch's defaults for its other settings.
    """
    import torch

    return torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=weight_decay, fused=True)


def make_training_step(estimator, device):
    """Return ``step(X, targets, weights) -> loss`` doing one optimiser update of an estimator.

    Mixed precision is on only for CUDA with ``amp=True``: the forward pass
    runs under ``torch.autocast`` and, for float16, the loss is scaled by a
    ``GradScaler``. Otherwise the step is a plain float32 AdamW update, without
    the autocast context and the scaler: disabled, they change no number but cost
    about 30 us per step, which is 5 % of a step of a (64, 32) network on a CPU.
    """
    import torch

    use_amp = estimator.amp and device.type == "cuda"
    amp_dtype = getattr(torch, estimator.amp_dtype)
    if use_amp and amp_dtype == torch.bfloat16 and not torch.cuda.is_bf16_supported():
        raise InvalidValueError(
            BF16_UNSUPPORTED_ERROR.format(gpu=torch.cuda.get_device_name(device))
        )
    module, loss_per_sample = estimator.module_, estimator._loss_per_sample
    optimizer = make_optimizer(
        module.parameters(),
        learning_rate=estimator.learning_rate,
        weight_decay=estimator.weight_decay,
    )
    clear_gradients = gradient_clearer(optimizer)

    def loss_of(outputs, targets, weights):
        # The loss is computed in float32 outside autocast. Weights have mean 1
        # over the training set, so a batch's loss is sum(w * loss) / batch size.
        return (loss_per_sample(outputs.float(), targets) * weights).mean()

    if not use_amp:

        def step(X, targets, weights):
            clear_gradients()
            loss = loss_of(module(X), targets, weights)
            loss.backward()
            optimizer.step()
            return loss.detach()

        return step

    scaler = torch.amp.GradScaler("cuda", enabled=amp_dtype == torch.float16)

    def amp_step(X, targets, weights):
        clear_gradients()
        with torch.autocast(device_type=device.type, dtype=amp_dtype):
            outputs = module(X)
        loss = loss_of(outputs, targets, weights)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return loss.detach()

    return amp_step


def gradient_clearer(optimizer):
    """Return a function that sets the gradient of each of ``optimizer``'s parameters to None.

    It does what ``optimizer.zero_grad(set_to_none=True)`` does, without the profiler
    ``record_function`` that torch wraps around it, which costs about 25 us per call (4 % of
    a step of a (64, 32) network on a CPU; checked in torch 2.13's ``Optimizer.zero_grad``).
    """
    parameters = [p for group in optimizer.param_groups for p in group["params"]]

    def clear():
        for parameter in parameters:
            parameter.grad = None

    return clear


def as_tensors(device, arrays, *, rows=None):
    """Return one tensor per numpy array, on ``device``: floating arrays as float32.

    Parameters
    ----------
    device : torch.device
        Where the tensors go.
    arrays : sequence of numpy.ndarray
        Features, targets, weights... (integer targets keep their dtype).
    rows : array of int, optional
        Rows to take from every array; None takes them all.

    Returns
    -------
    tuple of torch.Tensor
        In the order of ``arrays``.
    """
    import numpy as np
    import torch

    tensors = []
    for array in arrays:
        selected = array if rows is None else array[rows]
        dtype = torch.float32 if np.issubdtype(selected.dtype, np.floating) else None
        tensors.append(torch.as_tensor(selected, dtype=dtype, device=device))
    return tuple(tensors)


def epoch_range(max_epochs, verbose):
    """Epoch numbers 1..max_epochs, wrapped in a tqdm bar when verbose."""
    epochs = range(1, max_epochs + 1)
    if not verbose:
        return epochs
    from tqdm.auto import tqdm

    return tqdm(epochs, desc="epochs", unit="epoch")


def train_one_epoch(module, tensors, step, generator, batch_size):
    """Run ``step`` on each shuffled mini-batch once; return the epoch's mean loss.

    Parameters
    ----------
    module : torch.nn.Module
        The network, put in training mode here.
    tensors : sequence of torch.Tensor
        Row-aligned tensors (features first); each batch passes ``tensor[batch]`` of every
        one to ``step``, in this order.
    step : callable
        ``step(*batch_tensors) -> loss`` (a 0-d tensor, the batch's mean loss).
    generator : torch.Generator
        Draws the epoch's row order (one ``randperm`` per epoch).
    batch_size : int
        Rows per step; the last batch may be smaller.

    Returns
    -------
    float
        Mean loss per row of the epoch (one device synchronisation per epoch).
    """
    import torch

    first = tensors[0]
    n_samples = first.shape[0]
    order = torch.randperm(n_samples, generator=generator).to(first.device)
    module.train()
    total = torch.zeros((), device=first.device)
    for start in range(0, n_samples, batch_size):
        batch = order[start : start + batch_size]
        # index_select copies the same rows as tensor[batch], in about half the time.
        total += step(*(tensor.index_select(0, batch) for tensor in tensors)) * len(batch)
    return float(total) / n_samples  # one device sync per epoch, not per batch


def train_epochs(estimator, train, step, *, generator, validation=None):
    """Train ``estimator.module_`` epoch by epoch, as the torch MLPs' ``fit`` does.

    Each epoch calls every callback's ``on_epoch_begin``, runs :func:`train_one_epoch`,
    stops with an error if its loss is NaN or infinite, and with ``early_stopping`` computes
    the validation loss; then every callback's ``on_epoch_end`` gets
    ``{"train_loss", "val_loss"}`` (``val_loss`` with early stopping only), and early
    stopping decides. At the end the best epoch's weights are restored (early stopping) and
    the network is put in eval mode.

    Parameters
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        With ``module_`` built; its ``max_epochs``, ``batch_size``, ``early_stopping``,
        ``patience``, ``tol``, ``verbose`` and ``callbacks`` are used.
    train : sequence of torch.Tensor
        Training tensors, passed batch by batch to ``step``.
    step : callable
        ``step(*batch_tensors) -> loss``, one optimiser update.
    generator : torch.Generator
        Shuffles the rows of every epoch.
    validation : tuple of torch.Tensor, optional
        ``(X, targets, weights)`` held out for early stopping (unused without it).

    Returns
    -------
    estimator
        With ``loss_curve_``, ``validation_loss_curve_``, ``n_epochs_`` and ``best_epoch_``
        set.

    Raises
    ------
    greennb.errors.InvalidValueError
        If an epoch's loss is not finite (training diverged).
    """
    callbacks = check_callbacks(estimator.callbacks)
    best_loss, best_state, epochs_without_improvement = math.inf, None, 0
    estimator.loss_curve_, estimator.validation_loss_curve_ = [], []
    epochs = epoch_range(estimator.max_epochs, estimator.verbose)
    for epoch in epochs:
        for callback in callbacks:
            callback.on_epoch_begin(estimator, epoch)
        training_loss = train_one_epoch(
            estimator.module_, train, step, generator, estimator.batch_size
        )
        if not math.isfinite(training_loss):
            raise InvalidValueError(
                DIVERGED_ERROR.format(
                    epoch=epoch, loss=training_loss, learning_rate=estimator.learning_rate
                )
            )
        estimator.loss_curve_.append(training_loss)
        estimator.n_epochs_ = epoch
        logs = {"train_loss": training_loss}
        stop = False
        if estimator.early_stopping:
            validation_loss = estimator._validation_loss(*validation)
            estimator.validation_loss_curve_.append(validation_loss)
            logs["val_loss"] = validation_loss
            if validation_loss < best_loss - estimator.tol:
                best_loss, estimator.best_epoch_ = validation_loss, epoch
                state = estimator.module_.state_dict()
                best_state = {k: v.detach().clone() for k, v in state.items()}
                epochs_without_improvement = 0
            else:
                epochs_without_improvement += 1
                stop = epochs_without_improvement >= estimator.patience
        for callback in callbacks:
            callback.on_epoch_end(estimator, epoch, logs)
        if stop:
            break
    if estimator.verbose:
        epochs.close()
    if best_state is not None:
        estimator.module_.load_state_dict(best_state)
    else:
        estimator.best_epoch_ = estimator.n_epochs_
    estimator.module_.eval()
    return estimator
