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

Each phase also samples this process's CPU time and memory around exactly the user's block
(:mod:`greennb.energy._attribution`): the result says whether its machine-wide figure is
attributable (or the machine was shared), carries an independent estimate beside CodeCarbon's,
and a dynamic energy only where it means something.

Nested phases: CodeCarbon measures one task at a time. A phase started while another is
active in the same thread (nested ``with`` blocks, a decorated function called inside a tracked
cell) still runs, and its result is ``unavailable`` with a reason saying that its energy is
counted in the outer phase. A phase started from another thread while one is active is refused
with a :class:`~greennb.errors.StateError`: CodeCarbon's counters are machine-wide, so the two
threads' energies cannot be told apart, and neither phase is inside the other.

A phase's own clock (its ``duration_s`` where there is no energy figure) times the user's block
only: it starts after the session's lock is taken and the CodeCarbon task started, and stops
before the task is stopped; a measured phase reports CodeCarbon's task duration, which spans
the same block.
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
from greennb.energy import _attribution, _codecarbon, _hardware, _phase_result
from greennb.energy._grid import (
    COUNTRY_ENV_VAR,
    DEFAULT_COUNTRY,
    default_country,
    grid_carbon_intensity,
    normalise_country,
)
from greennb.energy._methods import ComponentMethod, unknown
from greennb.energy._results import JOULES_PER_KWH, EnergyResult, IdleBaseline
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
OTHER_THREAD_MSG = (
    "Cannot start phase {phase!r} in thread {thread!r}: phase {active!r} is being tracked in "
    "thread {active_thread!r}. CodeCarbon's counters are machine-wide, so phases of two threads "
    "cannot be measured apart: track the whole parallel section from one thread (around the "
    "pool or the joins), or run the phases one after the other."
)
OUTPUT_DIR_MSG = (
    "output_dir must be a folder path, a str or an os.PathLike (e.g. pathlib.Path), or None "
    "for the current directory; got {value!r} of type {type}."
)
NESTED_REASON = (
    "not measured separately: phase {active!r} was already being tracked when {phase!r} "
    "started (CodeCarbon measures one task at a time); the energy is included in {active!r}"
)
CLOSED_REASON = "the energy session was closed; call greennb.configure() to start a new one"


def check_phase(phase: Any) -> str:
    """Return the phase name stripped, or raise: it must be a non-empty string."""
    if not isinstance(phase, str):
        raise InvalidTypeError(PHASE_NAME_MSG.format(value=phase))
    if not phase.strip():
        raise InvalidValueError(PHASE_NAME_MSG.format(value=phase))
    return phase.strip()


def _output_folder(output_dir: Any) -> Path:
    """Return the absolute output folder (the current directory for None), or raise.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``output_dir`` is neither None, a str nor an os.PathLike of a str.
    """
    if output_dir is None:
        return Path.cwd().resolve()
    if isinstance(output_dir, str | os.PathLike):
        try:
            return Path(output_dir).resolve()
        except TypeError:  # an os.PathLike of bytes
            pass
    raise InvalidTypeError(OUTPUT_DIR_MSG.format(value=output_dir, type=type(output_dir).__name__))


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
    thread_id: int
    thread_name: str
    started: float = 0.0
    failure: str | None = None
    nested_in: str | None = None
    usage_mark: Any = None
    usage_failure: str | None = None


class EnergySession:
    """One CodeCarbon tracker per process, recording phases as CodeCarbon tasks.

    Most code uses the process-wide session through :func:`~greennb.energy.track`,
    :func:`configure` and :func:`get_session`; tests and scripts may create their own.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid; default ``$GREENNB_COUNTRY`` or ``"USA"`` (see
        :data:`greennb.energy.DEFAULT_COUNTRY`).
    output_dir : str or os.PathLike, optional
        Folder for CodeCarbon's CSV files, created if missing; default the current directory.
    measure_power_secs : float, default DEFAULT_MEASURE_POWER_SECS (1.0)
        Interval of CodeCarbon's periodic scheduler (s).
    tracker_factory : callable, optional
        Builds the tracker from keyword arguments; default CodeCarbon's
        ``OfflineEmissionsTracker``. Tests pass fakes here.
    cpu_power_w : float, optional
        CPU power you know (W, > 0), e.g. the TDP from the datasheet. CodeCarbon uses it as the
        TDP of its load model ``P = TDP × (0.1 + 0.9 · load³)`` instead of its table or its
        4 W-per-thread fallback; it then skips RAPL, so state it only where no counter is
        readable.
    ram_power_w : float, optional
        RAM power you know (W, > 0), used as a constant instead of CodeCarbon's DIMM model.
    hardware_source : str, optional
        Where the stated figures come from (required with any of them); every result's method
        then reads ``"stated by user: <hardware_source>; ..."``.
    gpu_count : int, optional
        GPUs this work uses (>= 0): CodeCarbon then tracks GPUs ``0 … gpu_count - 1`` only. A
        stated GPU that CodeCarbon cannot read makes the GPU component "unknown" (not
        counted) instead of "absent".
    gpu_model : str, optional
        The GPUs' model, recorded in the GPU component's parameters beside NVML's name.
    usage_sampler : object, optional
        Reads CPU time and memory around each phase (``start() -> token``,
        ``stop(token) -> Usage``); default :class:`greennb.energy.UsageSampler`. Tests pass fakes.

    Attributes
    ----------
    results : list of EnergyResult
        Every phase recorded by this session, in order.
    idle_baseline : IdleBaseline or None
        The last idle-baseline measurement.
    stated : dict
        The hardware the user stated: ``cpu_power_w``, ``ram_power_w`` (W), ``gpu_count``,
        ``gpu_model`` and ``hardware_source`` (None where not stated).

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country, a non-positive ``measure_power_secs`` or stated power, or a
        stated power without its ``hardware_source``.
    greennb.errors.InvalidTypeError
        For an ``output_dir`` that is not a str or an os.PathLike.
    """

    def __init__(
        self,
        *,
        country: str | None = None,
        output_dir: str | os.PathLike | None = None,
        measure_power_secs: float = DEFAULT_MEASURE_POWER_SECS,
        tracker_factory: Callable[..., Any] | None = None,
        cpu_power_w: float | None = None,
        ram_power_w: float | None = None,
        hardware_source: str | None = None,
        gpu_count: int | None = None,
        gpu_model: str | None = None,
        usage_sampler: Any = None,
    ):
        self.stated = _hardware.stated_hardware(
            cpu_power_w, ram_power_w, hardware_source, gpu_count=gpu_count, gpu_model=gpu_model
        )
        self.country, self.carbon_intensity_g_per_kwh = _resolve_grid(country)
        self.output_dir = _output_folder(output_dir)
        self.measure_power_secs = positive(measure_power_secs, name="measure_power_secs", unit="s")
        self.results: list[EnergyResult] = []
        self.idle_baseline: IdleBaseline | None = None
        self._tracker_factory = tracker_factory or _codecarbon.offline_tracker
        self._tracker: Any = None
        self._tracker_failure: str | None = None
        self._hardware: dict[str, Any] | None = None
        self._methods: dict[str, ComponentMethod] | None = None
        self._sampler: Any = usage_sampler
        self._sampler_failure: str | None = None
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
            cpu_power_w=self.stated["cpu_power_w"],
            ram_power_w=self.stated["ram_power_w"],
            gpu_count=self.stated["gpu_count"],
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
        greennb.errors.StateError
            If another thread's phase is being tracked (see :data:`OTHER_THREAD_MSG`).
        """
        name = check_phase(phase)
        thread = threading.current_thread()
        token = _ActivePhase(
            name=name,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            thread_id=threading.get_ident(),
            thread_name=thread.name,
        )
        with self._lock:
            active = self._active
            if active is None:
                self._start_task(token)
            elif active.thread_id == token.thread_id:
                token.nested_in = active.name
            else:
                raise StateError(
                    OTHER_THREAD_MSG.format(
                        phase=name,
                        thread=thread.name,
                        active=active.name,
                        active_thread=active.thread_name,
                    )
                )
        if token.nested_in is None:  # a nested phase's usage is its outer phase's
            self._start_usage(token)
        token.started = time.perf_counter()  # the last step before the user's block
        return token

    def _start_task(self, token: _ActivePhase) -> None:
        """Make ``token`` the active phase and start its CodeCarbon task (under the lock)."""
        self._active = token
        tracker = self._ensure_tracker()
        if tracker is None:
            token.failure = self._tracker_failure
        else:
            token.failure = _codecarbon.start_task(tracker, token.name)
        if self._sampler is None and self._sampler_failure is None:
            self._sampler, self._sampler_failure = _attribution.new_sampler()

    def _start_usage(self, token: _ActivePhase) -> None:
        """Mark this process's CPU time and memory at the start of ``token``'s block."""
        if self._sampler is None:
            token.usage_failure = self._sampler_failure
        else:
            token.usage_mark, token.usage_failure = _attribution.start_usage(self._sampler)

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
        wall_s = time.perf_counter() - token.started  # the first step after the user's block
        usage, usage_failure = None, token.usage_failure
        if token.usage_mark is not None:
            usage, usage_failure = _attribution.stop_usage(self._sampler, token.usage_mark)
        if token.nested_in is not None:
            reason = NESTED_REASON.format(active=token.nested_in, phase=token.name)
            return self._record(_phase_result.unavailable(self, token, wall_s, reason))
        with self._lock:
            if self._active is token:
                self._active = None
            data, failure = self._stop_task(token)
        if failure is None:
            energies, failure = _codecarbon.task_energy(data)
        if failure is not None:
            result = _phase_result.unavailable(self, token, wall_s, failure, usage, usage_failure)
            return self._record(result)
        result = _phase_result.measured(self, token, energies, usage, usage_failure)
        return self._record(result)

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

    def _hardware_info(self) -> tuple[dict[str, ComponentMethod], dict[str, Any]]:
        """Return the components' methods and the detected hardware (read once per tracker)."""
        if self._methods is None and self._tracker is not None:
            self._hardware = _codecarbon.detected_hardware(self._tracker)
            self._methods = _hardware.component_methods(self._tracker, self._hardware, self.stated)
        methods = self._methods or {
            part: unknown(part, "no CodeCarbon tracker") for part in _hardware.COMPONENTS
        }
        return methods, self._hardware or _codecarbon.NO_HARDWARE

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
            attribution=result.attribution,
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
    output_dir: str | os.PathLike | None = None,
    measure_power_secs: float | None = None,
    cpu_power_w: float | None = None,
    ram_power_w: float | None = None,
    hardware_source: str | None = None,
    gpu_count: int | None = None,
    gpu_model: str | None = None,
) -> EnergySession:
    """Configure energy tracking; closes the current session and returns a new one.

    Arguments left as None keep the current session's value (or the default when there is
    none); the stated hardware (``cpu_power_w``, ``ram_power_w``, ``gpu_count``, ``gpu_model``,
    ``hardware_source``) is kept as a whole unless one of them is given. :func:`close_session`
    then ``configure()`` starts again from the defaults (CodeCarbon's own detection). The new
    tracker starts on the next phase, paying CodeCarbon's cold start again, and the idle
    baseline must be measured again.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid (default ``$GREENNB_COUNTRY`` or ``"USA"``).
    output_dir : str or os.PathLike, optional
        Folder for CodeCarbon's CSV files (default: the current directory).
    measure_power_secs : float, optional
        Interval of CodeCarbon's periodic scheduler in s (default 1.0).
    cpu_power_w : float, optional
        The CPU's power if you know it (W, > 0; e.g. the datasheet TDP): CodeCarbon's load model
        uses it instead of its CPU table or its 4 W-per-thread guess (and skips RAPL).
    ram_power_w : float, optional
        The memory's power if you know it (W, > 0), as a constant.
    hardware_source : str, optional
        Where those figures come from (required with any of them); recorded in every result's
        method (``"stated by user: <source>; ..."``) and so in the run record.
    gpu_count : int, optional
        GPUs this work uses (>= 0); CodeCarbon tracks GPUs ``0 … gpu_count - 1`` only.
    gpu_model : str, optional
        The GPUs' model, recorded beside what NVML reports.

    Returns
    -------
    EnergySession
        The new process-wide session.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown country (the message suggests close matches), a non-positive interval
        or power, or a power without its source.
    greennb.errors.InvalidTypeError
        For a power that is not a number, a source that is not a string, or an ``output_dir``
        that is not a str or an os.PathLike (the message names the value).

    Examples
    --------
    >>> configure(cpu_power_w=150, hardware_source="Intel ARK: Xeon Gold 6148")  # doctest: +SKIP
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
        given = {"cpu_power_w": cpu_power_w, "ram_power_w": ram_power_w}
        given |= {"gpu_count": gpu_count, "gpu_model": gpu_model}
        given["hardware_source"] = hardware_source
        if all(value is None for value in given.values()):
            given = dict(getattr(current, "stated", _hardware.NO_STATED))
        settings.update(given)
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
