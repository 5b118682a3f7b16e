"""The one adapter to CodeCarbon: build its tracker, run its tasks, read its hardware objects.

Everything greennb knows about CodeCarbon's API (3.x) lives here, and every call into it turns
an exception or a ``None`` into an honest reason string, never into a crash of the user's code:
the session (:mod:`greennb.energy._session`) then reports the phase as ``"unavailable"`` with
that reason. How it wraps CodeCarbon, and why:

* ``OfflineEmissionsTracker`` with an explicit country: the online tracker geolocates over the
  network and silently falls back to a default region. Output goes to CSV only; API, HTTP and
  Electricity Maps outputs are switched off explicitly so that a ``.codecarbon.config`` file
  cannot make the tracker reach the network.
* ``pue=1.0``: CodeCarbon multiplies every component's energy by its ``pue``; greennb applies
  PUE once, in :func:`greennb.energy.facility_energy`.
* ``tracking_mode="machine"``: CodeCarbon measures (or estimates) the whole machine's power,
  including idle power and other processes; :func:`greennb.energy.measure_idle_baseline`
  measures the idle power so that *dynamic* (attributable) energy can be told from total
  energy, as the BLOOM footprint study does (Luccioni, Viguier & Ligozat 2023, JMLR 24(253)).
* ``allow_multiple_runs=True`` (no lock file, hence no stale locks in notebooks, CodeCarbon
  #702, #779); the output folder is created before the tracker.
* CodeCarbon swallows exceptions in its constructor, ``start`` and ``stop``, may return
  ``None`` (#1311) and may write duplicate rows when stopped twice (#1307); the session stops
  the tracker exactly once.
* In task mode CodeCarbon samples CPU load every second (a fixed interval of its monitor
  thread) and closes each phase with one more reading. ``measure_power_secs`` is passed on but
  only sets the interval of CodeCarbon's periodic scheduler, which greennb never starts (it
  records phases only), so it has no effect on the figures.
* CodeCarbon does not record whether CPU power came from RAPL or from its CPU-load × TDP
  model: :func:`component_sources` reads that from the tracker's hardware objects. The CPU is
  *estimated* on machines without RAPL, such as most VMs; RAM is always estimated (CodeCarbon's
  RAM power model); NVIDIA GPUs are measured through NVML.

CodeCarbon itself is imported only when the first tracker is built.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from greennb.energy._results import (
    ABSENT,
    ESTIMATED,
    MEASURED,
    STATUS_ESTIMATED,
    STATUS_MEASURED,
    UNKNOWN,
)

#: CodeCarbon's tracking mode: the whole machine (see the module docstring).
TRACKING_MODE = "machine"
#: CodeCarbon log level: errors only (its INFO/WARNING lines would flood notebook cells).
CODECARBON_LOG_LEVEL = "error"
#: CodeCarbon project and experiment name (the task CSV is emissions_<experiment>_<run>.csv).
PROJECT_NAME = "greennb"

# --- Reasons a phase is unavailable (tests match them) --------------------------------------

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

#: What is known of the components and the hardware before a tracker has been read.
COMPONENTS = ("cpu", "gpu", "ram")
UNKNOWN_SOURCES = {name: ("unknown", UNKNOWN) for name in COMPONENTS}
NO_HARDWARE = {"cpu_model": "", "gpu_model": "", "gpu_count": 0, "ram_total_gb": None}


def describe_error(error: BaseException) -> str:
    """Return ``"<ExceptionType>: <message>"``, the form every reason uses."""
    return f"{type(error).__name__}: {error}"


# --- Building and running the tracker --------------------------------------------------------


def offline_tracker(**settings: Any) -> Any:
    """Build CodeCarbon's OfflineEmissionsTracker, quiet, with CSV output only."""
    from codecarbon import OfflineEmissionsTracker, OutputMethod

    # Importing codecarbon sets its logger to INFO; quieten it before the constructor logs.
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    return OfflineEmissionsTracker(output_methods=[OutputMethod.CSV], **settings)


def tracker_settings(*, country: str, output_dir: Path, measure_power_secs: float) -> dict:
    """Return the keyword arguments of the tracker (see the module docstring for each choice).

    Parameters
    ----------
    country : str
        3-letter ISO code of the grid.
    output_dir : Path
        Folder for CodeCarbon's CSV files.
    measure_power_secs : float
        Interval of CodeCarbon's periodic scheduler (s).

    Returns
    -------
    dict
        Arguments for ``OfflineEmissionsTracker`` (or a test's fake).
    """
    return {
        "country_iso_code": country,
        "output_dir": str(output_dir),
        "measure_power_secs": measure_power_secs,
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


def build_tracker(factory: Any, settings: dict) -> tuple[Any, str | None]:
    """Create the output folder, then the tracker; return ``(tracker, None)`` or ``(None, reason)``.

    Parameters
    ----------
    factory : callable
        Builds the tracker from ``settings`` (:func:`offline_tracker`, or a test's fake).
    settings : dict
        What :func:`tracker_settings` returns.

    Returns
    -------
    tuple
        The tracker and None, or None and why it could not be built.
    """
    try:
        Path(settings["output_dir"]).mkdir(parents=True, exist_ok=True)
        tracker = factory(**settings)
    except Exception as error:  # import or construction failure
        return None, FAILED_REASON.format(step="start", error=describe_error(error))
    # The constructor swallows its own exceptions; run_id is the last attribute it sets.
    if tracker is None or not hasattr(tracker, "run_id"):
        return None, HALF_BUILT_REASON
    return tracker, None


def start_task(tracker: Any, name: str) -> str | None:
    """Start CodeCarbon task ``name``; return None, or why it failed."""
    try:
        tracker.start_task(name)
    except Exception as error:
        return FAILED_REASON.format(step="start_task", error=describe_error(error))
    return None


def stop_task(tracker: Any) -> tuple[Any, str | None]:
    """Stop the active CodeCarbon task; return ``(data, None)`` or ``(None, reason)``."""
    try:
        # No name: CodeCarbon renames a repeated task name ("train_<uuid>") and stops its
        # active task only when asked without one; stop_task("train") would stop the first
        # "train" again (wrong duration) and leave the renamed task running.
        data = tracker.stop_task()
    except Exception as error:
        return None, FAILED_REASON.format(step="stop_task", error=describe_error(error))
    if data is None:
        return None, NONE_REASON
    return data, None


def stop_tracker(tracker: Any) -> None:
    """Stop the tracker (writing its CSV files), ignoring any failure: nothing helps at shutdown."""
    try:
        tracker.stop()
    except Exception:
        pass


def task_energy(data: Any) -> tuple[tuple[float, float, float, float] | None, str | None]:
    """Read a task's figures: ``((cpu_kwh, gpu_kwh, ram_kwh, duration_s), None)`` or a reason.

    Parameters
    ----------
    data : codecarbon EmissionsData
        What ``stop_task`` returned.

    Returns
    -------
    tuple
        The four finite, non-negative figures (kWh, kWh, kWh, s) and None, or None and why
        the data cannot be used.
    """
    try:
        cpu, gpu, ram = (float(data.cpu_energy), float(data.gpu_energy), float(data.ram_energy))
        duration = float(data.duration)
    except Exception as error:
        return None, INVALID_DATA_REASON.format(detail=describe_error(error))
    values = {"cpu": cpu, "gpu": gpu, "ram": ram, "duration": duration}
    bad = {k: v for k, v in values.items() if not (math.isfinite(v) and v >= 0)}
    if bad:
        return None, INVALID_DATA_REASON.format(detail=f"negative or non-finite values {bad}")
    return (cpu, gpu, ram, duration), None


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


def component_sources(tracker: Any) -> dict[str, tuple[str, str]]:
    """Return {component: (source, flag)} for cpu, gpu and ram of a CodeCarbon tracker.

    CodeCarbon does not record whether a component's power was measured or modelled; its
    hardware objects do. This reads private attributes of codecarbon 3.x (``tracker._hardware``,
    ``CPU._mode``, ``CPU._tdp``, ``RAM._force_ram_power``, ``GPU.devices``) and nothing else
    does, so a CodeCarbon upgrade can only break this function; it then answers "unknown".
    """
    sources = {**UNKNOWN_SOURCES, "gpu": ("no GPU detected", ABSENT)}
    try:
        hardware = list(tracker._hardware)
    except Exception:  # any failure means "we cannot tell"
        return dict(UNKNOWN_SOURCES)
    for item in hardware:
        try:
            component, source, flag = _describe_hardware(item)
        except Exception:
            continue
        if component in sources:
            sources[component] = (source, flag)
    return sources


def detected_hardware(tracker: Any) -> dict[str, Any]:
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


def overall_status(sources: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """Return (status, reason) from the per-component flags: measured only if all present are."""
    present = {name: pair for name, pair in sources.items() if pair[1] != ABSENT}
    parts = [f"{name.upper()} {flag}: {source}" for name, (source, flag) in present.items()]
    parts += [f"{name.upper()} absent" for name, pair in sources.items() if pair[1] == ABSENT]
    if present and all(flag == MEASURED for _, flag in present.values()):
        return STATUS_MEASURED, "; ".join(parts)
    return STATUS_ESTIMATED, "; ".join(parts)
