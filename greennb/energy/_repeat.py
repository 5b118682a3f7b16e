"""Measure a short phase several times and keep the median: :func:`measure_repeatedly`.

One phase of a second or less is a poor energy figure: CodeCarbon samples the CPU load about
once a second, and whatever else runs on the machine meanwhile moves the figure by tens of per
cent. Measuring the same work several times and keeping the **median** gives a figure that one
outlier cannot move, and the **spread** says how far the repeats disagreed — the run-to-run
noise that :func:`~greennb.energy._compare.compare_energy` weighs before it calls a difference.

Definitions (over the samples that have an energy figure):

- ``median``: the component-wise median of the samples' intervals (kWh): the median of the
  central values, of the lows and of the highs. Medians keep ``low <= value <= high``;
- ``spread``: ``(max − min) / median`` of the central values, a fraction (0.12 = the repeats
  span 12 % of the median). With few repeats (3–5) the range is the natural measure of spread;
  it is also the one the comparison uses.

Samples without an energy figure (CodeCarbon failed, a nested phase) are kept in ``samples``
and counted in ``unavailable``; the median is taken over the others, and is None (with the
reason) only when no sample has a figure.

Examples
--------
>>> repeated = measure_repeatedly(lambda: sum(range(10**5)), repeats=3,
...                               phase="sum")  # doctest: +SKIP
>>> repeated.median.value, repeated.spread  # doctest: +SKIP
(2.1e-07, 0.08)
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from greennb._json import to_json_value
from greennb._validation import integer
from greennb.energy._interval import EnergyInterval
from greennb.energy._results import EnergyResult
from greennb.energy._session import EnergySession, check_phase
from greennb.energy._track import track
from greennb.errors import InvalidTypeError

NOT_CALLABLE_MSG = (
    "function must be a callable taking no arguments (wrap arguments with a lambda: "
    "lambda: model.predict(X)); got {value!r} of type {type}."
)
ALL_UNAVAILABLE_REASON = "none of the {n} samples has an energy figure: {reason}"
SOME_UNAVAILABLE_REASON = (
    "median of the {available} samples with an energy figure; {unavailable} of {n} "
    "unavailable: {reason}"
)
ALL_AVAILABLE_REASON = "median of {n} samples"


def result_interval(result: Any) -> EnergyInterval | None:
    """Return a result's energy interval (kWh), or None when it has no energy figure.

    ``result`` is an :class:`EnergyResult` or any object with ``energy_kwh`` (kWh or None).
    Uses its ``energy_interval`` (or ``interval``) attribute when it holds an
    :class:`EnergyInterval`, else an exact interval of ``energy_kwh``.
    """
    if result.energy_kwh is None:
        return None
    for name in ("energy_interval", "interval"):
        interval = getattr(result, name, None)
        if isinstance(interval, EnergyInterval):
            return interval
    return EnergyInterval.exact(result.energy_kwh)


def median_interval(intervals: Sequence[EnergyInterval]) -> EnergyInterval:
    """Return the component-wise median of non-empty ``intervals`` (kWh)."""
    return EnergyInterval(
        statistics.median(i.value for i in intervals),
        statistics.median(i.low for i in intervals),
        statistics.median(i.high for i in intervals),
    )


def relative_spread(values: Sequence[float]) -> float:
    """Return ``(max − min) / median`` of non-empty ``values`` (0 for identical values)."""
    span = max(values) - min(values)
    if span == 0:
        return 0.0
    middle = statistics.median(values)
    return span / middle if middle > 0 else float("inf")


@dataclass(frozen=True)
class RepeatedEnergy:
    """A phase measured several times: the median, the spread and every sample.

    Attributes
    ----------
    phase : str
        The phase's name; sample ``i`` (from 1) was tracked as ``f"{phase}-{i}"``.
    samples : list of EnergyResult
        Every sample, in order, including those without an energy figure.
    median : EnergyInterval or None
        Component-wise median of the available samples' intervals (kWh); None when no sample
        has an energy figure.
    spread : float or None
        ``(max − min) / median`` of the available samples' central values (fraction; 0 for a
        single sample); None when no sample has an energy figure.
    duration_s : float
        Median duration of all the samples (s).
    unavailable : int
        Number of samples without an energy figure.
    reason : str
        How the median was obtained, or why there is none.
    value : object
        What the function returned on its last call (not recorded by :meth:`to_dict`).
    """

    phase: str
    samples: list[EnergyResult]
    median: EnergyInterval | None
    spread: float | None
    duration_s: float
    unavailable: int
    reason: str
    value: Any = None

    @property
    def median_sample(self) -> EnergyResult:
        """The sample whose central energy is the median (the lower middle one for an even count).

        A run record or a per-phase table needs one :class:`EnergyResult` per phase: this is
        the representative one, a real measurement rather than a synthesis. When no sample has
        an energy figure, the last sample, whose ``reason`` says why.
        """
        available = [s for s in self.samples if s.energy_kwh is not None]
        if not available:
            return self.samples[-1]
        ranked = sorted(available, key=lambda sample: sample.energy_kwh)
        return ranked[(len(ranked) - 1) // 2]

    @property
    def intervals(self) -> list[EnergyInterval]:
        """The intervals of the samples that have an energy figure, in order (kWh)."""
        return [i for i in map(result_interval, self.samples) if i is not None]

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as a JSON-ready dict (kWh, s, fractions), samples included."""
        return to_json_value(
            {
                "phase": self.phase,
                "repeats": len(self.samples),
                "median": None if self.median is None else self.median.to_dict(),
                "spread": self.spread,
                "duration_s": self.duration_s,
                "unavailable": self.unavailable,
                "reason": self.reason,
                "samples": [sample.to_dict() for sample in self.samples],
            }
        )


def summarise_samples(
    phase: str, samples: Sequence[EnergyResult], value: Any = None
) -> RepeatedEnergy:
    """Return the :class:`RepeatedEnergy` of samples already measured (see the module rules).

    Parameters
    ----------
    phase : str
        Name of the repeated phase.
    samples : sequence of EnergyResult
        The samples, at least one.
    value : object, optional
        Stored as ``value``.

    Returns
    -------
    RepeatedEnergy
    """
    samples = list(samples)
    intervals = [result_interval(sample) for sample in samples]
    available = [i for i in intervals if i is not None]
    missing = [s for s, i in zip(samples, intervals, strict=True) if i is None]
    n = len(samples)
    if not available:
        reason = ALL_UNAVAILABLE_REASON.format(n=n, reason=missing[0].reason)
    elif missing:
        reason = SOME_UNAVAILABLE_REASON.format(
            available=len(available), unavailable=len(missing), n=n, reason=missing[0].reason
        )
    else:
        reason = ALL_AVAILABLE_REASON.format(n=n)
    return RepeatedEnergy(
        phase=phase,
        samples=samples,
        median=median_interval(available) if available else None,
        spread=relative_spread([i.value for i in available]) if available else None,
        duration_s=statistics.median(sample.duration_s for sample in samples),
        unavailable=len(missing),
        reason=reason,
        value=value,
    )


def measure_repeatedly(
    function: Callable[[], Any],
    *,
    repeats: int = 5,
    phase: str,
    session: EnergySession | None = None,
) -> RepeatedEnergy:
    """Call ``function()`` ``repeats`` times, each call a tracked phase; return the median.

    Parameters
    ----------
    function : callable
        The work to measure, called without arguments (``lambda: model.predict(X)``).
    repeats : int, default 5
        How many times to measure it (>= 1). An odd number gives a median that is one of the
        samples.
    phase : str
        Phase name; sample ``i`` (from 1) is tracked as ``f"{phase}-{i}"``.
    session : EnergySession, optional
        Session to record into; default the process-wide one.

    Returns
    -------
    RepeatedEnergy
        The samples, their median interval and spread (see the module docstring), the median
        duration, and the function's last return value as ``value``.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``function`` is not callable or ``repeats`` is not an integer.
    greennb.errors.InvalidValueError
        If ``repeats < 1`` or ``phase`` is empty.

    Notes
    -----
    An exception raised by ``function`` propagates unchanged; the samples measured before it
    stay in the session's ``results``.
    """
    if not callable(function):
        raise InvalidTypeError(
            NOT_CALLABLE_MSG.format(value=function, type=type(function).__name__)
        )
    repeats = integer(repeats, name="repeats", minimum=1)
    phase = check_phase(phase)
    samples: list[EnergyResult] = []
    value = None
    for index in range(1, repeats + 1):
        with track(f"{phase}-{index}", session=session) as tracker:
            value = function()
        samples.append(tracker.result)
    return summarise_samples(phase, samples, value)
