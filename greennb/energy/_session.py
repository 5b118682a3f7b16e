"""The energy session: one CodeCarbon tracker per process, each phase one CodeCarbon task.

The process-wide :class:`EnergySession` (:func:`get_session`, :func:`configure`,
:func:`close_session`) is created lazily by the first phase: CodeCarbon's cold start (import +
hardware detection, about 1.4 s) is paid once per kernel, and each phase then costs about a
millisecond (``start_task``/``stop_task``, see ``benchmarks/bench_tracker.py``). The tracker is
stopped exactly once, by :meth:`EnergySession.close` or at interpreter exit; that writes
CodeCarbon's ``emissions.csv`` and per-phase ``emissions_greennb_<run id>.csv`` in the output
folder.

Tracking never breaks the tracked code: whatever CodeCarbon does (see
:mod:`greennb.energy._codecarbon`), a phase's result says ``status="unavailable"`` with the
reason, and the user's own exceptions propagate unchanged.

Nested or concurrent phases: CodeCarbon measures one task at a time. A phase started while
another is active (nested ``with`` blocks, a decorated function called inside a tracked cell,
another thread) still runs, and its result is ``unavailable`` with a reason saying that its
energy is counted in the outer phase.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from greennb._validation import positive
from greennb.energy import _codecarbon
from greennb.energy._grid import (
    COUNTRY_ENV_VAR,
    DEFAULT_COUNTRY,
    default_country,
    grid_carbon_intensity,
    normalise_country,
)
from greennb.energy._results import (
    JOULES_PER_KWH,
    STATUS_UNAVAILABLE,
    EnergyResult,
    IdleBaseline,
    dynamic_energy,
)
from greennb.errors import InvalidTypeError, InvalidValueError, StateError

#: Interval of CodeCarbon's periodic scheduler (s); short, for short notebook cells.
DEFAULT_MEASURE_POWER_SECS = 1.0
#: Default length of the idle-baseline measurement (s).
DEFAULT_IDLE_SECONDS = 5.0
#: Phase name of the idle-baseline measurement.
IDLE_PHASE = "idle-baseline"

# --- Error messages and reasons (tests match them) ------------------------------------------

PHASE_NAME_MSG = (
    "phase must be a non-empty string naming the phase (e.g. 'train', 'evaluate', "
    "'inference'); got {value!r}."
)
IDLE_DURING_PHASE_MSG = (
    "Cannot measure the idle baseline while phase {phase!r} is being tracked: call "
    "measure_idle_baseline() outside any tracked block."
)
NESTED_REASON = (
    "not measured separately: phase {active!r} was already being tracked when {phase!r} "
    "started (CodeCarbon measures one task at a time); the energy is included in {active!r}"
)
CLOSED_REASON = "the energy session was closed; call greennb.configure() to start a new one"
NO_BASELINE_REASON = (
    "no idle baseline: call greennb.measure_idle_baseline() first to split dynamic from idle energy"
)
BASELINE_UNAVAILABLE_REASON = "idle baseline unavailable: {reason}"
NO_ENERGY_REASON = "no energy figure: {reason}"


def check_phase(phase: Any) -> str:
    """Return the phase name stripped, or raise: it must be a non-empty string."""
    if not isinstance(phase, str):
        raise InvalidTypeError(PHASE_NAME_MSG.format(value=phase))
    if not phase.strip():
        raise InvalidValueError(PHASE_NAME_MSG.format(value=phase))
    return phase.strip()


def _resolve_grid(country: str | None) -> tuple[str, float | None]:
    """Return (ISO code, carbon intensity in g CO2e/kWh) of the session's grid.

    An unknown country raises InvalidValueError. If CodeCarbon cannot be imported, the code is
    kept unchecked and the intensity is None: tracking then reports itself unavailable instead
    of breaking the user's code.
    """
    try:
        code = default_country() if country is None else normalise_country(country)
        return code, grid_carbon_intensity(code)
    except ImportError:
        fallback = country if country is not None else os.environ.get(COUNTRY_ENV_VAR, "")
        return (str(fallback).strip().upper() or DEFAULT_COUNTRY), None


@dataclass
class _ActivePhase:
    """Book-keeping of a phase between its start and its stop."""

    name: str
    started_at: str
    started: float
    failure: str | None = None
    nested_in: str | None = None


class EnergySession:
    """One CodeCarbon tracker per process, recording phases as CodeCarbon tasks.

    Most code uses the process-wide session through :func:`~greennb.energy.track`,
    :func:`configure` and :func:`get_session`; tests and scripts may create their own.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid; default ``$GREENNB_COUNTRY`` or ``"USA"`` (see
        :data:`greennb.energy.DEFAULT_COUNTRY`).
    output_dir : str or Path, optional
        Folder for CodeCarbon's CSV files, created if missing; default the current directory.
    measure_power_secs : float, default DEFAULT_MEASURE_POWER_SECS (1.0)
        Interval of CodeCarbon's periodic scheduler (s).
    tracker_factory : callable, optional
        Builds the tracker from keyword arguments; default CodeCarbon's
        ``OfflineEmissionsTracker``. Tests pass fakes here.

    Attributes
    ----------
    results : list of EnergyResult
        Every phase recorded by this session, in order.
    idle_baseline : IdleBaseline or None
        The last idle-baseline measurement.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country or a non-positive ``measure_power_secs``.
    """

    def __init__(
        self,
        *,
        country: str | None = None,
        output_dir: str | Path | None = None,
        measure_power_secs: float = DEFAULT_MEASURE_POWER_SECS,
        tracker_factory: Callable[..., Any] | None = None,
    ):
        self.country, self.carbon_intensity_g_per_kwh = _resolve_grid(country)
        self.output_dir = Path(output_dir if output_dir is not None else Path.cwd()).resolve()
        self.measure_power_secs = positive(measure_power_secs, name="measure_power_secs", unit="s")
        self.results: list[EnergyResult] = []
        self.idle_baseline: IdleBaseline | None = None
        self._tracker_factory = tracker_factory or _codecarbon.offline_tracker
        self._tracker: Any = None
        self._tracker_failure: str | None = None
        self._hardware: dict[str, Any] | None = None
        self._sources: dict[str, tuple[str, str]] | None = None
        self._active: _ActivePhase | None = None
        self._closed = False
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("started" if self._tracker else "not started")
        return (
            f"EnergySession(country={self.country!r}, output_dir={str(self.output_dir)!r}, "
            f"{state}, {len(self.results)} phases)"
        )

    # -- tracker lifecycle --

    def _ensure_tracker(self) -> Any:
        """Return the tracker, building it on first use; None (with a reason) if impossible."""
        if self._closed:
            self._tracker_failure = CLOSED_REASON
            return None
        if self._tracker is not None or self._tracker_failure is not None:
            return self._tracker
        settings = _codecarbon.tracker_settings(
            country=self.country,
            output_dir=self.output_dir,
            measure_power_secs=self.measure_power_secs,
        )
        tracker, self._tracker_failure = _codecarbon.build_tracker(self._tracker_factory, settings)
        if tracker is None:
            return None
        self._tracker = tracker
        atexit.register(self.close)
        return tracker

    def close(self) -> None:
        """Stop the CodeCarbon tracker once, writing its CSV files; later calls do nothing.

        Phases recorded after closing are ``unavailable``. Registered with :mod:`atexit`.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            tracker, self._tracker = self._tracker, None
        if tracker is not None:
            _codecarbon.stop_tracker(tracker)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    # -- phases --

    def start_phase(self, phase: str) -> _ActivePhase:
        """Start measuring a phase; never raises for tracking failures.

        Parameters
        ----------
        phase : str
            Non-empty phase name.

        Returns
        -------
        _ActivePhase
            Token to pass to :meth:`stop_phase`.

        Raises
        ------
        greennb.errors.InvalidTypeError, greennb.errors.InvalidValueError
            If ``phase`` is not a non-empty string.
        """
        name = check_phase(phase)
        token = _ActivePhase(
            name=name,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            started=time.perf_counter(),
        )
        with self._lock:
            if self._active is not None:
                token.nested_in = self._active.name
                return token
            self._active = token
            tracker = self._ensure_tracker()
            if tracker is None:
                token.failure = self._tracker_failure
            else:
                token.failure = _codecarbon.start_task(tracker, name)
        token.started = time.perf_counter()
        return token

    def stop_phase(self, token: _ActivePhase) -> EnergyResult:
        """Stop measuring a phase and return its result; never raises for tracking failures.

        Parameters
        ----------
        token : _ActivePhase
            What :meth:`start_phase` returned.

        Returns
        -------
        EnergyResult
            The phase's energy, also appended to :attr:`results`.
        """
        wall_s = time.perf_counter() - token.started
        if token.nested_in is not None:
            reason = NESTED_REASON.format(active=token.nested_in, phase=token.name)
            return self._record(self._unavailable(token, wall_s, reason))
        with self._lock:
            if self._active is token:
                self._active = None
            data, failure = self._stop_task(token)
        if failure is None:
            energies, failure = _codecarbon.task_energy(data)
        if failure is not None:
            return self._record(self._unavailable(token, wall_s, failure))
        return self._record(self._measured(token, *energies))

    def _stop_task(self, token: _ActivePhase) -> tuple[Any, str | None]:
        if token.failure is not None:
            return None, token.failure
        if self._tracker is None:
            return None, self._tracker_failure or CLOSED_REASON
        return _codecarbon.stop_task(self._tracker)

    def _record(self, result: EnergyResult) -> EnergyResult:
        with self._lock:
            self.results.append(result)
        return result

    # -- building results --

    def _hardware_info(self) -> tuple[dict[str, tuple[str, str]], dict[str, Any]]:
        if self._sources is None and self._tracker is not None:
            self._sources = _codecarbon.component_sources(self._tracker)
            self._hardware = _codecarbon.detected_hardware(self._tracker)
        sources = self._sources or _codecarbon.UNKNOWN_SOURCES
        return sources, self._hardware or _codecarbon.NO_HARDWARE

    def _dynamic(self, energy_kwh: float | None, duration_s: float) -> tuple[float | None, str]:
        baseline = self.idle_baseline
        if energy_kwh is None:
            return None, NO_ENERGY_REASON.format(reason="tracking unavailable")
        if baseline is None:
            return None, NO_BASELINE_REASON
        if baseline.power_w is None:
            return None, BASELINE_UNAVAILABLE_REASON.format(reason=baseline.reason)
        dynamic = dynamic_energy(energy_kwh, idle_power_w=baseline.power_w, duration_s=duration_s)
        return dynamic, (
            f"energy_kwh minus idle {baseline.power_w:.3g} W x {duration_s:.3g} s, floored at 0"
        )

    def _emissions_kg(self, energy_kwh: float) -> float | None:
        if self.carbon_intensity_g_per_kwh is None:
            return None
        return energy_kwh * self.carbon_intensity_g_per_kwh / 1000.0

    def _context(self, token: _ActivePhase) -> dict[str, Any]:
        """Fields every result carries: grid, power sources and flags, hardware, idle power."""
        sources, hardware = self._hardware_info()
        return {
            "country": self.country,
            "carbon_intensity_g_per_kwh": self.carbon_intensity_g_per_kwh,
            **{f"{part}_source": sources[part][0] for part in _codecarbon.COMPONENTS},
            **{f"{part}_flag": sources[part][1] for part in _codecarbon.COMPONENTS},
            "tracking_mode": _codecarbon.TRACKING_MODE,
            "idle_power_w": self.idle_baseline.power_w if self.idle_baseline else None,
            "started_at": token.started_at,
            **hardware,
        }

    def _unavailable(self, token: _ActivePhase, wall_s: float, reason: str) -> EnergyResult:
        return EnergyResult(
            phase=token.name,
            status=STATUS_UNAVAILABLE,
            reason=reason,
            duration_s=wall_s,
            cpu_energy_kwh=None,
            gpu_energy_kwh=None,
            ram_energy_kwh=None,
            energy_kwh=None,
            emissions_kg=None,
            dynamic_energy_kwh=None,
            dynamic_reason=NO_ENERGY_REASON.format(reason=reason),
            **self._context(token),
        )

    def _measured(
        self, token: _ActivePhase, cpu: float, gpu: float, ram: float, duration: float
    ) -> EnergyResult:
        status, reason = _codecarbon.overall_status(self._hardware_info()[0])
        energy = cpu + gpu + ram
        dynamic, dynamic_reason = self._dynamic(energy, duration)
        return EnergyResult(
            phase=token.name,
            status=status,
            reason=reason,
            duration_s=duration,
            cpu_energy_kwh=cpu,
            gpu_energy_kwh=gpu,
            ram_energy_kwh=ram,
            energy_kwh=energy,
            emissions_kg=self._emissions_kg(energy),
            dynamic_energy_kwh=dynamic,
            dynamic_reason=dynamic_reason,
            **self._context(token),
        )

    # -- idle baseline and tables --

    def measure_idle_baseline(self, *, seconds: float = DEFAULT_IDLE_SECONDS) -> IdleBaseline:
        """Measure the machine's power while this process sleeps; store it on the session.

        Later results report ``idle_power_w`` and ``dynamic_energy_kwh``. Keep the machine
        otherwise quiet while it runs (tracking mode is "machine").

        Parameters
        ----------
        seconds : float, default DEFAULT_IDLE_SECONDS (5.0)
            Length of the measurement (s, > 0).

        Returns
        -------
        IdleBaseline
            Idle power in W (None, with the reason, when tracking is unavailable).

        Raises
        ------
        greennb.errors.InvalidValueError
            If ``seconds`` is not a positive number (InvalidTypeError if not a number).
        greennb.errors.StateError
            If a phase is being tracked.
        """
        duration = positive(seconds, name="seconds", unit="s")
        active = self._active
        if active is not None:
            raise StateError(IDLE_DURING_PHASE_MSG.format(phase=active.name))
        token = self.start_phase(IDLE_PHASE)
        time.sleep(duration)
        result = self.stop_phase(token)
        with self._lock:
            self.results.remove(result)  # the baseline is not a phase of the user's work
        power = None
        if result.energy_kwh is not None and result.duration_s > 0:
            power = result.energy_kwh * JOULES_PER_KWH / result.duration_s
        self.idle_baseline = IdleBaseline(
            power_w=power,
            duration_s=result.duration_s,
            energy_kwh=result.energy_kwh,
            status=result.status,
            reason=result.reason,
        )
        return self.idle_baseline

    def to_frame(self):
        """Return :attr:`results` as a pandas DataFrame, one row per phase.

        Returns
        -------
        pandas.DataFrame
            Columns are the fields of :class:`EnergyResult` (energies in kWh, emissions in
            kg CO2e, durations in s).
        """
        import pandas as pd

        columns = [f.name for f in dataclasses.fields(EnergyResult)]
        return pd.DataFrame([r.to_dict() for r in self.results], columns=columns)


# --- The process-wide session ---------------------------------------------------------------

_SESSION: EnergySession | None = None
_SESSION_LOCK = threading.Lock()


def get_session() -> EnergySession:
    """Return the process-wide :class:`EnergySession`, creating it with defaults if needed.

    Returns
    -------
    EnergySession
        The session that :func:`~greennb.energy.track` and ``%%track`` record into.
    """
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None or _SESSION.closed:
            _SESSION = EnergySession()
        return _SESSION


def configure(
    *,
    country: str | None = None,
    output_dir: str | Path | None = None,
    measure_power_secs: float | None = None,
) -> EnergySession:
    """Configure energy tracking; closes the current session and returns a new one.

    Arguments left as None keep the current session's value (or the default when there is
    none). The new tracker starts on the next phase, paying CodeCarbon's cold start again, and
    the idle baseline must be measured again.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid (default ``$GREENNB_COUNTRY`` or ``"USA"``).
    output_dir : str or Path, optional
        Folder for CodeCarbon's CSV files (default: the current directory).
    measure_power_secs : float, optional
        Interval of CodeCarbon's periodic scheduler in s (default 1.0).

    Returns
    -------
    EnergySession
        The new process-wide session.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country (the message suggests close matches) or a non-positive interval.
    """
    global _SESSION
    with _SESSION_LOCK:
        current = _SESSION
        settings = {
            "country": country if country is not None else getattr(current, "country", None),
            "output_dir": output_dir
            if output_dir is not None
            else getattr(current, "output_dir", None),
            "measure_power_secs": measure_power_secs
            if measure_power_secs is not None
            else getattr(current, "measure_power_secs", DEFAULT_MEASURE_POWER_SECS),
        }
        new_session = EnergySession(**settings)
        if current is not None:
            current.close()
        _SESSION = new_session
        return new_session


def close_session() -> None:
    """Close the process-wide session, writing CodeCarbon's CSV files.

    The next phase opens a new session (and pays CodeCarbon's cold start again).
    """
    global _SESSION
    with _SESSION_LOCK:
        current, _SESSION = _SESSION, None
    if current is not None:
        current.close()


def measure_idle_baseline(*, seconds: float = DEFAULT_IDLE_SECONDS) -> IdleBaseline:
    """Measure the idle power (W) in the process-wide session, for ``seconds`` (s, > 0).

    The :class:`IdleBaseline` is also stored on the session; see
    :meth:`EnergySession.measure_idle_baseline` for the parameters and errors.
    """
    return get_session().measure_idle_baseline(seconds=seconds)
