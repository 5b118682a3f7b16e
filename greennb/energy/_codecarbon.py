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
* CodeCarbon does not record whether CPU power came from RAPL or from its CPU-load model:
  :mod:`greennb.energy._hardware` reads that, with the numbers each model used, from the
  tracker's hardware objects. The CPU is *estimated* on machines without RAPL, such as most
  VMs; RAM is always estimated (CodeCarbon's RAM power model); NVIDIA GPUs are measured
  through NVML.
* Hardware the user states (``configure(cpu_power_w=..., ram_power_w=...)``) is passed as
  CodeCarbon's ``force_cpu_power`` (the TDP of its load model; CodeCarbon then skips RAPL) and
  ``force_ram_power`` (a constant RAM power).

CodeCarbon itself is imported only when the first tracker is built.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from greennb.energy._hardware import BYTES_PER_GIB

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

#: What is known of the hardware before a tracker has been read.
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


def tracker_settings(
    *,
    country: str,
    output_dir: Path,
    measure_power_secs: float,
    cpu_power_w: float | None = None,
    ram_power_w: float | None = None,
    gpu_count: int | None = None,
) -> dict:
    """Return the keyword arguments of the tracker (see the module docstring for each choice).

    Parameters
    ----------
    country : str
        3-letter ISO code of the grid.
    output_dir : Path
        Folder for CodeCarbon's CSV files.
    measure_power_secs : float
        Interval of CodeCarbon's periodic scheduler (s).
    cpu_power_w, ram_power_w : float, optional
        CPU power (W, the TDP of CodeCarbon's load model) and RAM power (W, constant) the user
        stated; None lets CodeCarbon detect or model them.
    gpu_count : int, optional
        GPUs the user stated this work uses: CodeCarbon tracks GPUs ``0 … gpu_count - 1``
        (``gpu_ids``); None tracks every GPU it finds.

    Returns
    -------
    dict
        Arguments for ``OfflineEmissionsTracker`` (or a test's fake).
    """
    settings = {
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
        "force_cpu_power": cpu_power_w,
        "force_ram_power": ram_power_w,
    }
    if gpu_count is not None:  # CodeCarbon's own default (every GPU it finds) otherwise
        settings["gpu_ids"] = list(range(gpu_count))
    return settings


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


# --- Reading what CodeCarbon detected --------------------------------------------------------


def detected_hardware(tracker: Any) -> dict[str, Any]:
    """Return what CodeCarbon detected: models, counts and memory (GB = 1e9 bytes, and GiB).

    CodeCarbon's ``ram_total_size`` is ``psutil`` bytes / 2³⁰ (GiB, which it calls GB):
    ``ram_total_gib`` keeps it, ``ram_total_gb`` converts it to GB.
    """
    try:
        info = tracker.get_detected_hardware()
    except Exception:
        info = {}
    gib = info.get("ram_total_size")
    return {
        "cpu_model": str(info.get("cpu_model") or ""),
        "gpu_model": str(info.get("gpu_model") or ""),
        "gpu_count": int(info.get("gpu_count") or 0),
        "ram_total_gb": float(gib) * BYTES_PER_GIB / 1e9 if gib is not None else None,
        "ram_total_gib": float(gib) if gib is not None else None,
        "cpu_count": int(info.get("cpu_count") or 0),
        "cpu_physical_count": int(info.get("cpu_physical_count") or 1),
    }
