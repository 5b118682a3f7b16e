"""Energy tracking of notebook phases, wrapping CodeCarbon.

Three ways to measure a phase (train, evaluate, inference or any name)::

    with greennb.track("train") as t:      # context manager
        model.fit(X, y)
    t.result                                # EnergyResult

    @greennb.track("inference")             # decorator; fn.last_result after each call
    def predict(X): ...

    %load_ext greennb                        # IPython cell magic
    %%track train                            # prints one line; result in `_energy`

How it wraps CodeCarbon (3.x), and why:

* One ``OfflineEmissionsTracker`` per process (kernel), created lazily by the first phase in an
  :class:`EnergySession`: CodeCarbon's cold start (import + hardware detection, about 1.4 s) is
  paid once. Each phase is a CodeCarbon *task* (``start_task``/``stop_task``), which costs about
  a millisecond (see ``benchmarks/bench_tracker.py``).
* ``pue=1.0``: CodeCarbon multiplies every component's energy by its ``pue``; greennb applies
  PUE once, in :func:`greennb.carbon.facility_energy`.
* Offline tracker with an explicit country: the online tracker geolocates over the network.
  Output goes to CSV only; API, HTTP and Electricity Maps outputs are switched off explicitly so
  that a ``.codecarbon.config`` file cannot make the tracker reach the network.
* ``tracking_mode="machine"``: CodeCarbon measures (or estimates) the whole machine's power,
  including idle power and other processes. :func:`measure_idle_baseline` measures the idle
  power so that results can report *dynamic* (attributable) energy apart from total energy, as
  the BLOOM footprint study does (Luccioni, Viguier & Ligozat 2023, JMLR 24(253)).
* ``allow_multiple_runs=True`` (no lock file, hence no stale locks in notebooks, CodeCarbon
  #702, #779); the output folder is created before the tracker.
* CodeCarbon swallows exceptions in ``start``/``stop``, may return ``None`` (#1311) and may
  write duplicate rows when stopped twice (#1307). greennb never lets a tracking failure break
  the tracked code: the block always runs, the user's own exceptions propagate unchanged, and
  the result says ``status="unavailable"`` with the reason. The tracker is stopped exactly once,
  by :meth:`EnergySession.close` or at interpreter exit; that writes CodeCarbon's
  ``emissions.csv`` and per-phase ``emissions_greennb_<run id>.csv`` in the output folder.
* In task mode CodeCarbon samples CPU load every second (a fixed interval of its monitor
  thread) and closes each phase with one more reading. ``measure_power_secs`` is passed on but
  only sets the interval of CodeCarbon's periodic scheduler, which greennb never starts
  (it records phases only), so it has no effect on the figures.

Nested or concurrent phases: CodeCarbon measures one task at a time. A phase started while
another is active (nested ``with`` blocks, a decorated function called inside a tracked cell,
another thread) still runs, and its result is ``unavailable`` with a reason saying that its
energy is counted in the outer phase.

The CPU is *estimated* (CodeCarbon's CPU-load × TDP model) on machines without RAPL, such as
most VMs; RAM is always estimated (CodeCarbon's RAM power model); NVIDIA GPUs are measured
through NVML. Each result says which, per component.
"""

from __future__ import annotations

import ast
import atexit
import dataclasses
import functools
import logging
import math
import numbers
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from greennb.energy._carbon import (
    COUNTRY_ENV_VAR,
    DEFAULT_COUNTRY,
    _normalise_country,
    default_country,
    grid_carbon_intensity,
)
from greennb.errors import InvalidTypeError, InvalidValueError, StateError

__all__ = [
    "DEFAULT_IDLE_SECONDS",
    "DEFAULT_MEASURE_POWER_SECS",
    "MAGIC_RESULT_VARIABLE",
    "STATUS_ESTIMATED",
    "STATUS_MEASURED",
    "STATUS_UNAVAILABLE",
    "EnergyResult",
    "EnergySession",
    "IdleBaseline",
    "PhaseTracker",
    "close_session",
    "configure",
    "dynamic_energy",
    "get_session",
    "load_ipython_extension",
    "measure_idle_baseline",
    "track",
]

STATUS_MEASURED = "measured"
STATUS_ESTIMATED = "estimated"
STATUS_UNAVAILABLE = "unavailable"

# Per-component flags: how CodeCarbon obtained the component's power.
MEASURED = "measured"
ESTIMATED = "estimated"
ABSENT = "absent"
UNKNOWN = "unknown"

#: Interval of CodeCarbon's periodic scheduler (s); short, for short notebook cells.
DEFAULT_MEASURE_POWER_SECS = 1.0
#: Default length of the idle-baseline measurement (s).
DEFAULT_IDLE_SECONDS = 5.0
#: CodeCarbon's tracking mode: the whole machine (see the module docstring).
TRACKING_MODE = "machine"
#: CodeCarbon log level: errors only (its INFO/WARNING lines would flood notebook cells).
CODECARBON_LOG_LEVEL = "error"
#: Name of the user-namespace variable where ``%%track`` stores its last result.
MAGIC_RESULT_VARIABLE = "_energy"
#: CodeCarbon project and experiment name (the task CSV is emissions_<experiment>_<run>.csv).
PROJECT_NAME = "greennb"
#: Phase name of the idle-baseline measurement.
IDLE_PHASE = "idle-baseline"
#: Joules per kWh, to convert between W·s and kWh.
JOULES_PER_KWH = 3.6e6

# --- Error messages and reasons (tests match them) ------------------------------------------

PHASE_NAME_MSG = (
    "phase must be a non-empty string naming the phase (e.g. 'train', 'evaluate', "
    "'inference'); got {value!r}."
)
SECONDS_MSG = "{name} must be a finite number > 0 (seconds); got {value!r}."
IDLE_DURING_PHASE_MSG = (
    "Cannot measure the idle baseline while phase {phase!r} is being tracked: call "
    "measure_idle_baseline() outside any tracked block."
)
ENERGY_ARG_MSG = "{name} must be a finite number >= 0 ({unit}); got {value!r}."
FAILED_REASON = "codecarbon {step} failed: {error}"
NONE_REASON = (
    "codecarbon stop_task returned None (the task was lost or the tracker is half-built, "
    "see codecarbon #1311)"
)
HALF_BUILT_REASON = (
    "codecarbon construction failed silently: the tracker object is incomplete "
    "(see codecarbon #1311)"
)
INVALID_DATA_REASON = "codecarbon returned unusable energy data: {detail}"
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


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnergyResult:
    """Energy of one tracked phase, with how each figure was obtained.

    Energies are machine-level computation energy E_computation (CPU + GPU + RAM, CodeCarbon run
    with ``pue=1``), before any data-centre overhead; see :func:`greennb.facility_energy`.

    Attributes
    ----------
    phase : str
        Phase name.
    status : str
        ``"measured"`` when every component present was measured (RAPL, NVML...),
        ``"estimated"`` when at least one was modelled (CPU-load × TDP, RAM model) or its
        source is unknown, ``"unavailable"`` when no energy figure could be obtained.
    reason : str
        Human-readable explanation of the status.
    duration_s : float
        Seconds covered by the energy figures (CodeCarbon's task duration); the block's own
        wall-clock time when tracking is unavailable.
    cpu_energy_kwh, gpu_energy_kwh, ram_energy_kwh : float or None
        Energy per component (kWh); None when unavailable.
    energy_kwh : float or None
        E_computation, the sum of the three components (kWh).
    emissions_kg : float or None
        ``energy_kwh × carbon_intensity_g_per_kwh / 1000`` (kg CO2e), computed with greennb's
        carbon model (same CodeCarbon grid data), at PUE 1 and no renewable purchase. Use
        :func:`greennb.facility_energy` and :func:`greennb.carbon_emissions` for other cases.
    country : str
        3-letter ISO code of the grid.
    carbon_intensity_g_per_kwh : float or None
        Grid carbon intensity used (g CO2e/kWh).
    cpu_source, gpu_source, ram_source : str
        How CodeCarbon obtained each component's power, e.g. ``"RAPL energy counters"``.
    cpu_flag, gpu_flag, ram_flag : str
        ``"measured"``, ``"estimated"``, ``"absent"`` (no such device) or ``"unknown"``.
    cpu_model, gpu_model : str
        Hardware seen by CodeCarbon ("" when none or unknown).
    gpu_count : int
        Number of GPUs tracked.
    ram_total_gb : float or None
        Total RAM of the machine (GB).
    tracking_mode : str
        CodeCarbon tracking mode (``"machine"``).
    idle_power_w : float or None
        Idle power of the machine from :func:`measure_idle_baseline` (W).
    dynamic_energy_kwh : float or None
        ``max(energy_kwh − idle_power_w × duration_s / 3.6e6, 0)`` (kWh): energy attributable
        to the phase above idle.
    dynamic_reason : str
        Why ``dynamic_energy_kwh`` is None, or how it was computed.
    started_at : str
        UTC start time, ISO 8601.
    """

    phase: str
    status: str
    reason: str
    duration_s: float
    cpu_energy_kwh: float | None
    gpu_energy_kwh: float | None
    ram_energy_kwh: float | None
    energy_kwh: float | None
    emissions_kg: float | None
    country: str
    carbon_intensity_g_per_kwh: float | None
    cpu_source: str
    gpu_source: str
    ram_source: str
    cpu_flag: str
    gpu_flag: str
    ram_flag: str
    cpu_model: str
    gpu_model: str
    gpu_count: int
    ram_total_gb: float | None
    tracking_mode: str
    idle_power_w: float | None
    dynamic_energy_kwh: float | None
    dynamic_reason: str
    started_at: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (energies in kWh, emissions in kg CO2e)."""
        return dataclasses.asdict(self)

    def summary(self) -> str:
        """Return a one-line summary with units, as printed by the ``%%track`` magic."""
        head = f"[greennb] {self.phase}: {self.duration_s:.2f} s"
        if self.energy_kwh is None:
            return f"{head}, energy {self.status}: {self.reason}"
        line = (
            f"{head}, {self.energy_kwh * 1000:.4g} Wh {self.status} "
            f"(CPU {self.cpu_flag}, GPU {self.gpu_flag}, RAM {self.ram_flag})"
        )
        if self.emissions_kg is not None:
            line += (
                f", {self.emissions_kg * 1000:.3g} g CO2e at "
                f"{self.carbon_intensity_g_per_kwh:.0f} g/kWh ({self.country}, PUE 1)"
            )
        if self.dynamic_energy_kwh is not None:
            line += f", dynamic {self.dynamic_energy_kwh * 1000:.4g} Wh"
        return line


@dataclass(frozen=True)
class IdleBaseline:
    """Idle power of the machine, measured by :func:`measure_idle_baseline`.

    Attributes
    ----------
    power_w : float or None
        Mean idle power (W) over the measurement; None when unavailable.
    duration_s : float
        Length of the measurement (s).
    energy_kwh : float or None
        Energy used while idle (kWh).
    status : str
        Status of the underlying measurement (see :class:`EnergyResult`).
    reason : str
        Explanation of the status.
    """

    power_w: float | None
    duration_s: float
    energy_kwh: float | None
    status: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return dataclasses.asdict(self)


def worst_status(statuses: Sequence[str]) -> str:
    """Return the least trustworthy of several energy statuses.

    ``"unavailable"`` beats ``"estimated"`` beats ``"measured"``; an unknown or empty list counts
    as ``"unavailable"``, so a total is never labelled better than its weakest part.
    """
    order = (STATUS_MEASURED, STATUS_ESTIMATED, STATUS_UNAVAILABLE)
    ranks = [order.index(s) if s in order else 2 for s in statuses]
    return order[max(ranks)] if ranks else STATUS_UNAVAILABLE


def dynamic_energy(energy_kwh: float, *, idle_power_w: float, duration_s: float) -> float:
    """Return the energy above the idle baseline: ``max(E − P_idle × t / 3.6e6, 0)``.

    Parameters
    ----------
    energy_kwh : float
        Total machine energy of the phase (kWh, >= 0).
    idle_power_w : float
        Idle power of the machine (W, >= 0).
    duration_s : float
        Duration of the phase (s, >= 0).

    Returns
    -------
    float
        Dynamic (attributable) energy in kWh, never negative.

    Raises
    ------
    ValueError
        If an argument is negative or not finite.

    Examples
    --------
    >>> dynamic_energy(0.01, idle_power_w=20.0, duration_s=900.0)
    0.005
    """
    energy = _non_negative(energy_kwh, name="energy_kwh", unit="kWh")
    power = _non_negative(idle_power_w, name="idle_power_w", unit="W")
    seconds = _non_negative(duration_s, name="duration_s", unit="s")
    return max(energy - power * seconds / JOULES_PER_KWH, 0.0)


def _non_negative(value: Any, *, name: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(ENERGY_ARG_MSG.format(name=name, unit=unit, value=value))
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise InvalidValueError(ENERGY_ARG_MSG.format(name=name, unit=unit, value=value))
    return number


def _positive_seconds(value: Any, *, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(SECONDS_MSG.format(name=name, value=value))
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise InvalidValueError(SECONDS_MSG.format(name=name, value=value))
    return number


def _check_phase(phase: Any) -> str:
    if not isinstance(phase, str) or not phase.strip():
        raise InvalidValueError(PHASE_NAME_MSG.format(value=phase))
    return phase.strip()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


# --- Reading CodeCarbon's hardware objects --------------------------------------------------

_CPU_MODES = {
    "intel_rapl": ("RAPL energy counters", MEASURED),
    "windows_emi": ("Windows Energy Meter Interface (RAPL)", MEASURED),
    "intel_power_gadget": ("Intel Power Gadget", MEASURED),
}
_GPU_VENDORS = {"NvidiaGPUDevice": "NVML", "AMDGPUDevice": "AMD SMI"}


def _describe_hardware(item: Any) -> tuple[str, str, str]:
    """Return (component, source, flag) for one CodeCarbon hardware object."""
    kind = type(item).__name__
    if kind == "CPU":
        mode = getattr(item, "_mode", None)
        tdp = getattr(item, "_tdp", None)
        if mode in _CPU_MODES:
            return ("cpu", *_CPU_MODES[mode])
        if mode == "cpu_load":
            return "cpu", f"CodeCarbon CPU-load model ({tdp} W TDP x load)", ESTIMATED
        if mode == "constant":
            return "cpu", f"CodeCarbon TDP constant (50% of {tdp} W)", ESTIMATED
        return "cpu", f"unrecognised CodeCarbon CPU mode {mode!r}", UNKNOWN
    if kind == "GPU":
        devices = getattr(getattr(item, "devices", None), "devices", [])
        vendors = sorted({_GPU_VENDORS.get(type(d).__name__, type(d).__name__) for d in devices})
        return "gpu", " + ".join(vendors) or "GPU library", MEASURED
    if kind == "RAM":
        forced = getattr(item, "_force_ram_power", None)
        if forced is not None:
            return "ram", f"user-given constant ({forced} W)", ESTIMATED
        return "ram", "CodeCarbon RAM power model (W per DIMM)", ESTIMATED
    if kind in ("AppleSiliconChip", "Raspberry"):
        part = str(getattr(item, "chip_part", "")).lower()
        component = "cpu" if part in ("cpu", "processor") else part
        source = "Apple powermetrics" if kind == "AppleSiliconChip" else "Raspberry Pi PMIC"
        return component, source, MEASURED
    return "unknown", kind, UNKNOWN


def _component_sources(tracker: Any) -> dict[str, tuple[str, str]]:
    """Return {component: (source, flag)} for cpu, gpu and ram of a CodeCarbon tracker.

    CodeCarbon does not record whether a component's power was measured or modelled; its
    hardware objects do. This reads private attributes of codecarbon 3.x (``tracker._hardware``,
    ``CPU._mode``, ``CPU._tdp``, ``RAM._force_ram_power``, ``GPU.devices``) and nothing else
    does, so a CodeCarbon upgrade can only break this function; it then answers "unknown".
    """
    sources = {
        "cpu": ("unknown", UNKNOWN),
        "gpu": ("no GPU detected", ABSENT),
        "ram": ("unknown", UNKNOWN),
    }
    try:
        hardware = list(tracker._hardware)
    except Exception:  # any failure means "we cannot tell"
        return {name: ("unknown", UNKNOWN) for name in sources}
    for item in hardware:
        try:
            component, source, flag = _describe_hardware(item)
        except Exception:
            continue
        if component in sources:
            sources[component] = (source, flag)
    return sources


def _detected_hardware(tracker: Any) -> dict[str, Any]:
    """Return cpu_model, gpu_model, gpu_count and ram_total_gb as CodeCarbon detected them."""
    try:
        info = tracker.get_detected_hardware()
    except Exception:
        info = {}
    ram = info.get("ram_total_size")
    return {
        "cpu_model": str(info.get("cpu_model") or ""),
        "gpu_model": str(info.get("gpu_model") or ""),
        "gpu_count": int(info.get("gpu_count") or 0),
        "ram_total_gb": float(ram) if ram is not None else None,
    }


def _overall_status(sources: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """Return (status, reason) from the per-component flags."""
    present = {name: pair for name, pair in sources.items() if pair[1] != ABSENT}
    parts = [f"{name.upper()} {flag}: {source}" for name, (source, flag) in present.items()]
    parts += [f"{name.upper()} absent" for name, pair in sources.items() if pair[1] == ABSENT]
    if present and all(flag == MEASURED for _, flag in present.values()):
        return STATUS_MEASURED, "; ".join(parts)
    return STATUS_ESTIMATED, "; ".join(parts)


# --- The CodeCarbon tracker -----------------------------------------------------------------


def _offline_tracker(**settings: Any) -> Any:
    """Build CodeCarbon's OfflineEmissionsTracker, quiet, with CSV output only."""
    from codecarbon import OfflineEmissionsTracker, OutputMethod

    # Importing codecarbon sets its logger to INFO; quieten it before the constructor logs.
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    return OfflineEmissionsTracker(output_methods=[OutputMethod.CSV], **settings)


def _tracker_settings(session: EnergySession) -> dict[str, Any]:
    """Keyword arguments for the CodeCarbon tracker of a session."""
    return {
        "country_iso_code": session.country,
        "output_dir": str(session.output_dir),
        "measure_power_secs": session.measure_power_secs,
        "pue": 1.0,
        "tracking_mode": TRACKING_MODE,
        "allow_multiple_runs": True,
        "log_level": CODECARBON_LOG_LEVEL,
        "project_name": PROJECT_NAME,
        "experiment_name": PROJECT_NAME,
        # Explicit values so that a .codecarbon.config file cannot turn on network outputs.
        "emissions_endpoint": None,
        "electricitymaps_api_token": "",
        "cloud_provider": None,
        "cloud_region": None,
        "force_carbon_intensity_g_co2e_kwh": None,
    }


def _resolve_grid(country: str | None) -> tuple[str, float | None]:
    """Return (ISO code, carbon intensity in g CO2e/kWh) of the session's grid.

    An unknown country raises ValueError. If CodeCarbon cannot be imported, the code is kept
    unchecked and the intensity is None: tracking then reports itself unavailable instead of
    breaking the user's code.
    """
    try:
        code = default_country() if country is None else _normalise_country(country)
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

    Most code uses the process-wide session through :func:`track`, :func:`configure` and
    :func:`get_session`; tests and scripts may create their own.

    Parameters
    ----------
    country : str, optional
        3-letter ISO code of the grid; default ``$GREENNB_COUNTRY`` or ``"USA"`` (see
        :data:`greennb.carbon.DEFAULT_COUNTRY`).
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
    ValueError
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
        self.measure_power_secs = _positive_seconds(measure_power_secs, name="measure_power_secs")
        self.results: list[EnergyResult] = []
        self.idle_baseline: IdleBaseline | None = None
        self._tracker_factory = tracker_factory or _offline_tracker
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
        try:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            tracker = self._tracker_factory(**_tracker_settings(self))
        except Exception as error:  # import or construction failure
            self._tracker_failure = FAILED_REASON.format(step="start", error=_describe(error))
            return None
        # The constructor swallows its own exceptions; run_id is the last attribute it sets.
        if tracker is None or not hasattr(tracker, "run_id"):
            self._tracker_failure = HALF_BUILT_REASON
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
        if tracker is None:
            return
        try:
            tracker.stop()
        except Exception:  # nothing useful to do at shutdown
            pass

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
        ValueError
            If ``phase`` is not a non-empty string.
        """
        name = _check_phase(phase)
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
                token.failure = self._start_task(tracker, name)
        token.started = time.perf_counter()
        return token

    def _start_task(self, tracker: Any, name: str) -> str | None:
        try:
            tracker.start_task(name)
        except Exception as error:
            return FAILED_REASON.format(step="start_task", error=_describe(error))
        return None

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
        if failure is not None:
            return self._record(self._unavailable(token, wall_s, failure))
        return self._record(self._from_codecarbon(token, data, wall_s))

    def _stop_task(self, token: _ActivePhase) -> tuple[Any, str | None]:
        if token.failure is not None:
            return None, token.failure
        if self._tracker is None:
            return None, self._tracker_failure or CLOSED_REASON
        try:
            # No name: CodeCarbon renames a repeated task name ("train_<uuid>") and stops its
            # active task only when asked without one; stop_task("train") would stop the first
            # "train" again (wrong duration) and leave the renamed task running.
            data = self._tracker.stop_task()
        except Exception as error:
            return None, FAILED_REASON.format(step="stop_task", error=_describe(error))
        if data is None:
            return None, NONE_REASON
        return data, None

    def _record(self, result: EnergyResult) -> EnergyResult:
        with self._lock:
            self.results.append(result)
        return result

    # -- building results --

    def _hardware_info(self) -> tuple[dict[str, tuple[str, str]], dict[str, Any]]:
        if self._sources is None and self._tracker is not None:
            self._sources = _component_sources(self._tracker)
            self._hardware = _detected_hardware(self._tracker)
        unknown = {name: ("unknown", UNKNOWN) for name in ("cpu", "gpu", "ram")}
        blank = {"cpu_model": "", "gpu_model": "", "gpu_count": 0, "ram_total_gb": None}
        return self._sources or unknown, self._hardware or blank

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
            **{f"{part}_source": sources[part][0] for part in ("cpu", "gpu", "ram")},
            **{f"{part}_flag": sources[part][1] for part in ("cpu", "gpu", "ram")},
            "tracking_mode": TRACKING_MODE,
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

    def _from_codecarbon(self, token: _ActivePhase, data: Any, wall_s: float) -> EnergyResult:
        try:
            cpu, gpu, ram = (float(data.cpu_energy), float(data.gpu_energy), float(data.ram_energy))
            duration = float(data.duration)
        except Exception as error:
            detail = _describe(error)
            return self._unavailable(token, wall_s, INVALID_DATA_REASON.format(detail=detail))
        values = {"cpu": cpu, "gpu": gpu, "ram": ram, "duration": duration}
        bad = {k: v for k, v in values.items() if not (math.isfinite(v) and v >= 0)}
        if bad:
            detail = f"negative or non-finite values {bad}"
            return self._unavailable(token, wall_s, INVALID_DATA_REASON.format(detail=detail))
        status, reason = _overall_status(self._hardware_info()[0])
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
        ValueError
            If ``seconds`` is not a positive number.
        RuntimeError
            If a phase is being tracked.
        """
        duration = _positive_seconds(seconds, name="seconds")
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
        The session that :func:`track` and ``%%track`` record into.
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
    ValueError
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
    """Measure the idle power of the machine in the process-wide session.

    See :meth:`EnergySession.measure_idle_baseline`.

    Parameters
    ----------
    seconds : float, default DEFAULT_IDLE_SECONDS (5.0)
        Length of the measurement (s, > 0).

    Returns
    -------
    IdleBaseline
        Idle power in W, also stored on the session.
    """
    return get_session().measure_idle_baseline(seconds=seconds)


# --- Context manager and decorator ----------------------------------------------------------


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
    """

    def __init__(self, phase: str, *, session: EnergySession | None = None):
        self.phase = _check_phase(phase)
        self.session = session
        self.result: EnergyResult | None = None
        self._token: _ActivePhase | None = None
        self._token_session: EnergySession | None = None

    def __repr__(self) -> str:
        return f"PhaseTracker({self.phase!r}, result={self.result!r})"

    def __enter__(self) -> PhaseTracker:
        session = self.session or get_session()
        self.result = None
        self._token_session = session
        self._token = session.start_phase(self.phase)
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
        Session to record into; default the process-wide one (see :func:`configure`).

    Returns
    -------
    PhaseTracker or callable
        A context manager whose ``result`` is the :class:`EnergyResult` after the block; used
        as a decorator, each call of the function is a phase and its result is stored in the
        function's ``last_result`` attribute. All results are also in the session's
        ``results`` list.

    Raises
    ------
    ValueError
        If ``phase`` is not a non-empty string.

    Notes
    -----
    Tracking never breaks the tracked code: when CodeCarbon fails the block still runs and the
    result is ``unavailable`` with the reason; exceptions of the block propagate unchanged.
    Nested phases are not measured separately (see the module docstring).

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


# --- IPython cell magic ---------------------------------------------------------------------


def _run_cell_body(shell: Any, cell: str) -> Any:
    """Run a cell's code in the user namespace; return its last expression's value.

    Runs the code itself, as IPython's ``%%time`` does, rather than ``shell.run_cell``: a
    nested run_cell would print the cell's traceback and report success to the kernel, so a
    failing tracked cell would not stop papermill.
    """
    source = shell.transform_cell(cell)
    tree = shell.transform_ast(shell.compile.ast_parse(source))
    last_expression = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last_expression = ast.Expression(tree.body.pop().value)
    exec(shell.compile(tree, "<%%track cell>", "exec"), shell.user_ns)
    if last_expression is None:
        return None
    return eval(shell.compile(last_expression, "<%%track cell>", "eval"), shell.user_ns)


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%%track`` cell magic (``%load_ext greennb`` calls this).

    ``%%track train`` runs the cell as phase "train" in the process-wide session, prints the
    result's one-line summary, stores the :class:`EnergyResult` in the user variable
    ``_energy`` (and the session's ``results``), then returns the cell's last value or
    re-raises its exception.

    Parameters
    ----------
    ipython : IPython.core.interactiveshell.InteractiveShell
        The running shell.
    """

    def track_cell(line: str, cell: str) -> Any:
        tracker = PhaseTracker(line.strip() or "cell")
        try:
            with tracker:
                return _run_cell_body(ipython, cell)
        finally:
            ipython.user_ns[MAGIC_RESULT_VARIABLE] = tracker.result
            if tracker.result is not None:
                print(tracker.result.summary())

    ipython.register_magic_function(track_cell, magic_kind="cell", magic_name="track")
