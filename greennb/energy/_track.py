"""Measure a phase of a notebook (train, evaluate, inference or any name).

Three ways, all recording into an :class:`~greennb.energy.EnergySession`::

    with greennb.track("train") as t:      # context manager
        model.fit(X, y)
    t.result                                # EnergyResult

    @greennb.track("inference")             # decorator; fn.last_result after each call
    def predict(X): ...

    %load_ext greennb                        # IPython cell magic (greennb.energy._magic)
    %%track train                            # prints one line; result in `_energy`
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from greennb.energy._results import EnergyResult
from greennb.energy._session import EnergySession, _ActivePhase, check_phase, get_session
from greennb.errors import StateError

REENTERED_MSG = (
    "track({phase!r}) is already measuring a block: one tracker measures one block at a time, "
    "so it cannot be entered again inside its own block. Use a new tracker for an inner block "
    "(with track('inner'): ...); its energy is then counted in phase {phase!r}."
)


class PhaseTracker:
    """Measure a phase as a context manager or a decorator; see :func:`track`.

    Parameters
    ----------
    phase : str
        Phase name.
    session : EnergySession, optional
        Session to record into; default the process-wide one, looked up when the phase starts.

    Attributes
    ----------
    result : EnergyResult or None
        The phase's result once the ``with`` block has exited.

    Raises
    ------
    greennb.errors.StateError
        On entering a tracker whose block is still running (see :data:`REENTERED_MSG`); the
        open phase is still stopped normally when its block exits.
    """

    def __init__(self, phase: str, *, session: EnergySession | None = None):
        self.phase = check_phase(phase)
        self.session = session
        self.result: EnergyResult | None = None
        self._token: _ActivePhase | None = None
        self._token_session: EnergySession | None = None

    def __repr__(self) -> str:
        return f"PhaseTracker({self.phase!r}, result={self.result!r})"

    def __enter__(self) -> PhaseTracker:
        if self._token is not None:  # leave the open phase alone: its own exit stops it
            raise StateError(REENTERED_MSG.format(phase=self.phase))
        session = self.session or get_session()
        token = session.start_phase(self.phase)
        self.result = None
        self._token, self._token_session = token, session
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if self._token is not None and self._token_session is not None:
            self.result = self._token_session.stop_phase(self._token)
        self._token = None
        return False  # the user's exception, if any, propagates unchanged

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Decorate ``function`` so that each call is a phase; see :func:`track`."""

        @functools.wraps(function)
        def tracked(*args: Any, **kwargs: Any) -> Any:
            tracker = PhaseTracker(self.phase, session=self.session)
            try:
                with tracker:
                    return function(*args, **kwargs)
            finally:
                tracked.last_result = tracker.result

        tracked.last_result = None
        return tracked


def track(phase: str | Callable[..., Any] = "phase", *, session: EnergySession | None = None):
    """Measure the energy of a phase: ``with track("train") as t:`` or ``@track("train")``.

    Parameters
    ----------
    phase : str or callable, default "phase"
        Phase name (train, evaluate, inference, any name). ``@track`` without parentheses
        decorates the function directly and names the phase after it.
    session : EnergySession, optional
        Session to record into; default the process-wide one (see
        :func:`~greennb.energy.configure`).

    Returns
    -------
    PhaseTracker or callable
        A context manager whose ``result`` is the :class:`EnergyResult` after the block; used
        as a decorator, each call of the function is a phase and its result is stored in the
        function's ``last_result`` attribute. All results are also in the session's
        ``results`` list.

    Raises
    ------
    greennb.errors.InvalidTypeError, greennb.errors.InvalidValueError
        If ``phase`` is not a non-empty string.

    Notes
    -----
    Tracking never breaks the tracked code: when CodeCarbon fails the block still runs and the
    result is ``unavailable`` with the reason; exceptions of the block propagate unchanged.
    Nested phases are not measured separately; entering a tracker inside its own block, or
    starting a phase from another thread while one is tracked, raises
    :class:`~greennb.errors.StateError` (see :mod:`greennb.energy._session`).

    Examples
    --------
    >>> with track("train") as t:  # doctest: +SKIP
    ...     model.fit(X, y)
    >>> t.result.energy_kwh, t.result.status  # doctest: +SKIP
    (1.2e-05, 'estimated')
    """
    if callable(phase):
        return PhaseTracker(phase.__name__, session=session)(phase)
    return PhaseTracker(phase, session=session)
