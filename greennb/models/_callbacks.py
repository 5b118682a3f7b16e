"""Epoch callbacks: hooks that the torch MLPs call around every training epoch.

A callback is any object with two methods, as in zeus (``zeus.callback.Callback``) and
skorch (``skorch.callbacks.Callback``)::

    on_epoch_begin(estimator, epoch)        # before the epoch's first optimisation step
    on_epoch_end(estimator, epoch, logs)    # after its validation, before early stopping decides

``epoch`` counts from 1 and ``logs`` is a dict with ``train_loss`` (the epoch's mean weighted
training loss) and, when early stopping holds out a validation set, ``val_loss``. Pass them as
``TorchMLPClassifier(callbacks=[...])``; :class:`EpochCallback` is a base class whose methods
do nothing, so a subclass overrides only what it needs.

A callback observes; it must not change the training: the estimators call it outside any
arithmetic of the loop, and a callback that draws random numbers, runs the network or touches
its weights would change the result.
"""

from __future__ import annotations

from greennb.errors import InvalidTypeError

NOT_A_LIST_ERROR = (
    "callbacks must be None or a list of epoch callbacks (objects with on_epoch_begin and "
    "on_epoch_end methods, e.g. subclasses of greennb.models.EpochCallback); got {value!r} of "
    "type {type_name}."
)
NOT_A_CALLBACK_ERROR = (
    "callbacks[{index}] ({value!r}) has no {method}(...) method; an epoch callback needs "
    "on_epoch_begin(estimator, epoch) and on_epoch_end(estimator, epoch, logs) (subclass "
    "greennb.models.EpochCallback to get both)."
)

_METHODS = ("on_epoch_begin", "on_epoch_end")


class EpochCallback:
    """Base class of epoch callbacks; both hooks do nothing.

    Subclass it and override :meth:`on_epoch_begin`, :meth:`on_epoch_end` or both. A
    callback must not change the training (see :mod:`greennb.models._callbacks`): the
    estimators call it between epochs, never inside the arithmetic of one.

    Examples
    --------
    >>> import numpy as np
    >>> from greennb.models import TorchMLPClassifier
    >>> class PrintLoss(EpochCallback):
    ...     def on_epoch_end(self, estimator, epoch, logs):
    ...         print(epoch, sorted(logs))
    >>> X, y = np.eye(4), np.array([0, 1, 0, 1])
    >>> model = TorchMLPClassifier(max_epochs=2, early_stopping=False, device="cpu",
    ...                            callbacks=[PrintLoss()]).fit(X, y)
    1 ['train_loss']
    2 ['train_loss']
    """

    def on_epoch_begin(self, estimator, epoch):
        """Run before epoch ``epoch`` (1-based) of ``estimator``'s training starts.

        Parameters
        ----------
        estimator : TorchMLPClassifier or TorchMLPRegressor
            The estimator being fitted (its ``module_`` is the network in training).
        epoch : int
            The epoch about to run, from 1.
        """

    def on_epoch_end(self, estimator, epoch, logs):
        """Run after epoch ``epoch`` and its validation, before early stopping decides.

        Parameters
        ----------
        estimator : TorchMLPClassifier or TorchMLPRegressor
            The estimator being fitted.
        epoch : int
            The epoch that ran, from 1.
        logs : dict
            ``train_loss`` (float, mean weighted training loss of the epoch) and, with early
            stopping, ``val_loss`` (float, weighted loss on the held-out rows).
        """

    def __repr__(self):
        """Name the callback's class, so that estimator reprs stay readable."""
        return f"{type(self).__name__}()"


def check_callbacks(callbacks):
    """Return ``callbacks`` as a list after checking each has both hooks.

    Parameters
    ----------
    callbacks : list or tuple of callbacks, or None
        The estimator's ``callbacks`` hyperparameter.

    Returns
    -------
    list
        The callbacks, in order (empty for None).

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``callbacks`` is not None, a list or a tuple, or an item lacks a hook.
    """
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        raise InvalidTypeError(
            NOT_A_LIST_ERROR.format(value=callbacks, type_name=type(callbacks).__name__)
        )
    for index, callback in enumerate(callbacks):
        for method in _METHODS:
            if not callable(getattr(callback, method, None)):
                raise InvalidTypeError(
                    NOT_A_CALLBACK_ERROR.format(index=index, value=callback, method=method)
                )
    return list(callbacks)
