"""Read CodeCarbon's hardware objects: which method gave each component's power, with what numbers.

CodeCarbon (3.x, read in ``codecarbon/core/resource_tracker.py``, ``external/hardware.py``,
``external/ram.py``, ``core/cpu.py``) does not record whether a component's power was measured
or modelled; its hardware objects do. The paths, exactly as that code takes them:

* **CPU, RAPL** (``CPU._mode == "intel_rapl"``, Linux with readable
  ``/sys/class/powercap/intel-rapl*/energy_uj``): energy is the difference of the package
  counters (DRAM and psys domains only when asked for). *Measured.*
* **CPU, load model** (``"cpu_load"``, no counter readable, e.g. every cloud VM): in machine
  mode the power is ``P = TDP × (0.1 + 0.9 · load³)``, load the machine's CPU busy fraction
  since the last reading (``CPU._get_power_from_cpu_load``); in process mode
  ``P = TDP × process load / logical CPUs``. The TDP is, in this order: the power the user
  stated (``force_cpu_power``, which also makes CodeCarbon skip RAPL); CodeCarbon's CPU table
  (``data/hardware/cpu_power.csv``, matched by name) times the number of sockets; when the
  table does not know the model, ``DEFAULT_POWER_PER_CORE`` = 4 W per *thread* × logical CPUs
  × sockets; when the model cannot even be read, a generic 85 W (``POWER_CONSTANT``).
  *Estimated.*
* **CPU, constant** (``"constant"``, psutil missing): ``P = 50 % × TDP``. *Estimated.*
* **GPU, NVML** (``NvidiaGPUDevice``): the difference of
  ``nvmlDeviceGetTotalEnergyConsumption`` (mJ); GPUs without that counter fall back to power
  samples × time. *Measured.* AMD GPUs: the AMD SMI energy counter.
* **RAM model** (``RAM``): a constant power, whatever the load: the machine's memory in GiB
  (``psutil`` total / 2³⁰, which CodeCarbon calls "GB") gives an assumed DIMM count (2 up to
  16 GiB, 4 up to 64, 8 up to 128, then more), 5 W per DIMM on x86 (1.5 W on ARM; slightly
  less per DIMM above 4 DIMMs), at least 10 W (3 W on ARM); or the power the user stated
  (``force_ram_power``). *Estimated.*
* Apple powermetrics and the Raspberry Pi PMIC are *measured* by the chip.

This reads private attributes (``tracker._hardware``, ``CPU._mode``, ``CPU._tdp``,
``CPU._model``, ``CPU._is_generic_tdp``, ``RAM._force_ram_power``, ``GPU.devices``), so a
CodeCarbon upgrade can only break this module; every failure then answers "unknown".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from greennb._validation import integer, positive
from greennb.energy._methods import (
    ABSENT,
    ESTIMATED,
    MEASURED,
    ComponentMethod,
    absent,
    unknown,
)
from greennb.energy._results import STATUS_ESTIMATED, STATUS_MEASURED
from greennb.errors import InvalidTypeError, InvalidValueError

COMPONENTS = ("cpu", "gpu", "ram")
#: Bytes per GiB: CodeCarbon's ``ram_total_size`` is ``psutil`` bytes / 2³⁰.
BYTES_PER_GIB = 2**30
#: CodeCarbon's constants, repeated here only to describe them (checked against it in tests).
DEFAULT_POWER_PER_THREAD_W = 4
GENERIC_TDP_W = 85
CONSTANT_SHARE = 0.5

STATED_PREFIX = "stated by user: {source}; "
HARDWARE_SOURCE_MSG = (
    "hardware_source must say where the stated hardware comes from, e.g. "
    "hardware_source='Intel ARK: Xeon Gold 6148, TDP 150 W'; got {value!r}."
)
SOURCE_WITHOUT_POWER_MSG = (
    "hardware_source={source!r} was given without cpu_power_w, ram_power_w, gpu_count or "
    "gpu_model: state the figure it is the source of."
)
GPU_MODEL_MSG = "gpu_model must be a string such as 'NVIDIA A100-SXM4-40GB'; got {value!r}."
STATED_FIELDS = ("cpu_power_w", "ram_power_w", "gpu_count", "gpu_model", "hardware_source")
NO_STATED = dict.fromkeys(STATED_FIELDS)
NO_GPU_FOUND_TEXT = (
    "{count} × {model} stated by user ({source}), but CodeCarbon found no readable GPU (NVML "
    "or AMD SMI): its energy is not counted"
)
LOAD_FORMULA = "P = {tdp:g} W × (0.1 + 0.9 · load³)"
PROCESS_FORMULA = "P = {tdp:g} W × process CPU load / {threads} logical CPUs"

FALLBACK_TEXT = (
    "estimated: CodeCarbon does not know the CPU model {model!r}; it assumes "
    "{per_thread:g} W per thread × {threads} threads{sockets_text} = {tdp:g} W of TDP, {formula}"
)
TABLE_TEXT = (
    "estimated: CodeCarbon TDP table, {table_tdp:g} W for {model!r}{sockets_text}, {formula}"
)
UNIDENTIFIED_TEXT = (
    "estimated: CodeCarbon CPU-load model with a TDP of {tdp:g} W for {model!r} whose origin "
    "greennb cannot tell (not its table, not its 4 W-per-thread fallback), {formula}"
)
GENERIC_TEXT = (
    "estimated: CodeCarbon could not read the CPU model; it assumes a generic "
    "{tdp:g} W TDP, {formula}"
)


def stated_hardware(
    cpu_power_w: Any = None,
    ram_power_w: Any = None,
    hardware_source: Any = None,
    *,
    gpu_count: Any = None,
    gpu_model: Any = None,
) -> dict[str, Any]:
    """Check the hardware a user states and return it as a dict.

    Parameters
    ----------
    cpu_power_w : float, optional
        CPU power (W, > 0), used by CodeCarbon as the TDP of its load model
        (``force_cpu_power``).
    ram_power_w : float, optional
        RAM power (W, > 0), constant (``force_ram_power``).
    hardware_source : str
        Where the figures come from (a datasheet, a wall meter, the job scheduler...); required
        with any stated figure.
    gpu_count : int, optional
        GPUs this work uses (>= 0): CodeCarbon tracks GPUs ``0 … gpu_count - 1`` only
        (``gpu_ids``), e.g. a job's share of a shared multi-GPU node.
    gpu_model : str, optional
        The GPUs' model, recorded beside what NVML reports.

    Returns
    -------
    dict
        ``cpu_power_w``, ``ram_power_w``, ``gpu_count``, ``gpu_model`` and
        ``hardware_source`` (None where not stated).

    Raises
    ------
    greennb.errors.InvalidTypeError
        For a power that is not a number, a count that is not an integer, or a source or model
        that is not a string.
    greennb.errors.InvalidValueError
        For a power that is not finite and > 0, a negative count, a figure without a source, or
        a source without a figure.
    """
    cpu = None if cpu_power_w is None else positive(cpu_power_w, name="cpu_power_w", unit="W")
    ram = None if ram_power_w is None else positive(ram_power_w, name="ram_power_w", unit="W")
    gpus = None if gpu_count is None else integer(gpu_count, name="gpu_count", minimum=0)
    if gpu_model is not None and not isinstance(gpu_model, str):
        raise InvalidTypeError(GPU_MODEL_MSG.format(value=gpu_model))
    if hardware_source is not None and not isinstance(hardware_source, str):
        raise InvalidTypeError(HARDWARE_SOURCE_MSG.format(value=hardware_source))
    source = hardware_source.strip() if hardware_source else None
    model = gpu_model.strip() if gpu_model else None
    figures = (cpu, ram, gpus, model)
    if any(value is not None for value in figures) and not source:
        raise InvalidValueError(HARDWARE_SOURCE_MSG.format(value=hardware_source))
    if source and all(value is None for value in figures):
        raise InvalidValueError(SOURCE_WITHOUT_POWER_MSG.format(source=source))
    return {
        "cpu_power_w": cpu,
        "ram_power_w": ram,
        "gpu_count": gpus,
        "gpu_model": model,
        "hardware_source": source,
    }


def _formula(cpu: Any, tdp: float) -> str:
    if getattr(cpu, "_tracking_mode", "machine") == "process":
        return PROCESS_FORMULA.format(tdp=tdp, threads=getattr(cpu, "_cpu_count", "?"))
    return LOAD_FORMULA.format(tdp=tdp)


def _table_tdp(model: str) -> float | None:
    """TDP of ``model`` in CodeCarbon's CPU table (W), or None when the table does not know it."""
    from codecarbon.core.cpu import TDP

    matcher = TDP.__new__(TDP)  # skip TDP.__init__, which detects this machine's CPU again
    return matcher._get_cpu_power_from_registry(model)


def _load_model(cpu: Any, hardware: dict[str, Any], stated: dict[str, Any]) -> ComponentMethod:
    tdp = float(cpu._tdp)
    model = str(getattr(cpu, "_model", "") or hardware.get("cpu_model", ""))
    threads = int(getattr(cpu, "_cpu_count", 0) or hardware.get("cpu_count") or 0)
    sockets = int(hardware.get("cpu_physical_count") or 1)
    formula = _formula(cpu, tdp)
    parameters = {
        "mode": cpu._mode,
        "formula": formula,
        "tdp_w": tdp,
        "cpu_model": model,
        "threads": threads,
        "sockets": sockets,
    }
    sockets_text = f" × {sockets} sockets" if sockets != 1 else ""
    if stated.get("cpu_power_w") is not None:
        method = STATED_PREFIX.format(source=stated["hardware_source"]) + (
            f"CPU power {tdp:g} W used as CodeCarbon's TDP, {formula}"
        )
        return ComponentMethod(
            "cpu",
            ESTIMATED,
            "CodeCarbon CPU-load model",
            method,
            {
                **parameters,
                "tdp_source": "stated by user",
                "hardware_source": stated["hardware_source"],
            },
            "cpu_load_user",
        )
    if getattr(cpu, "_is_generic_tdp", False):
        return ComponentMethod(
            "cpu",
            ESTIMATED,
            "CodeCarbon CPU-load model",
            GENERIC_TEXT.format(tdp=tdp, formula=formula),
            {**parameters, "tdp_source": "CodeCarbon generic TDP (POWER_CONSTANT)"},
            "cpu_load_generic",
        )
    table_tdp = _table_tdp(model) if model else None
    if table_tdp is not None and table_tdp * sockets == tdp:
        text = TABLE_TEXT.format(
            table_tdp=table_tdp, model=model, sockets_text=sockets_text, formula=formula
        )
        return ComponentMethod(
            "cpu",
            ESTIMATED,
            "CodeCarbon CPU-load model",
            text,
            {**parameters, "tdp_source": "CodeCarbon CPU table", "table_tdp_w": table_tdp},
            "cpu_load_table",
        )
    if tdp == DEFAULT_POWER_PER_THREAD_W * threads * sockets:
        text = FALLBACK_TEXT.format(
            model=model,
            per_thread=DEFAULT_POWER_PER_THREAD_W,
            threads=threads,
            sockets_text=sockets_text,
            tdp=tdp,
            formula=formula,
        )
        return ComponentMethod(
            "cpu",
            ESTIMATED,
            "CodeCarbon CPU-load model",
            text,
            {
                **parameters,
                "tdp_source": "CodeCarbon fallback: CPU model not in its table",
                "w_per_thread": DEFAULT_POWER_PER_THREAD_W,
            },
            "cpu_load_fallback",
        )
    return ComponentMethod(
        "cpu",
        ESTIMATED,
        "CodeCarbon CPU-load model",
        UNIDENTIFIED_TEXT.format(tdp=tdp, model=model, formula=formula),
        {**parameters, "tdp_source": "not identified"},
        "cpu_load_fallback",
    )


def _rapl(cpu: Any, mode: str) -> ComponentMethod:
    interface = getattr(cpu, "_intel_interface", None)
    files = getattr(interface, "_rapl_files", []) or []
    parameters = {
        "mode": mode,
        "counters": [str(getattr(f, "path", f)) for f in files],
        "include_dram": bool(getattr(interface, "rapl_include_dram", False)),
    }
    if mode == "intel_rapl":
        return ComponentMethod(
            "cpu", MEASURED, "RAPL energy counters", "measured: RAPL", parameters, "rapl"
        )
    if mode == "windows_emi":
        return ComponentMethod(
            "cpu",
            MEASURED,
            "Windows Energy Meter Interface (RAPL)",
            "measured: RAPL (Windows Energy Meter Interface)",
            parameters,
            "windows_emi",
        )
    return ComponentMethod(
        "cpu",
        MEASURED,
        "Intel Power Gadget",
        "measured: Intel Power Gadget (RAPL)",
        parameters,
        "intel_power_gadget",
    )


def describe_cpu(cpu: Any, hardware: dict[str, Any], stated: dict[str, Any]) -> ComponentMethod:
    """Return the method of a CodeCarbon ``CPU`` object (see the module docstring)."""
    mode = getattr(cpu, "_mode", None)
    if mode in ("intel_rapl", "windows_emi", "intel_power_gadget"):
        return _rapl(cpu, mode)
    if mode == "cpu_load":
        return _load_model(cpu, hardware, stated)
    if mode == "constant":
        tdp = float(cpu._tdp)
        power = CONSTANT_SHARE * tdp
        return ComponentMethod(
            "cpu",
            ESTIMATED,
            "CodeCarbon TDP constant",
            f"estimated: CodeCarbon TDP constant, P = 50 % × {tdp:g} W = {power:g} W, load ignored",
            {"mode": mode, "tdp_w": tdp, "power_w": power},
            "cpu_constant",
        )
    return unknown("cpu", f"unrecognised CodeCarbon CPU mode {mode!r}")


def _stated_gpu(stated: dict[str, Any]) -> dict[str, Any]:
    """Return the GPU figures the user stated, with their source (empty when none)."""
    given = {k: stated.get(k) for k in ("gpu_count", "gpu_model") if stated.get(k) is not None}
    return {**given, "hardware_source": stated["hardware_source"]} if given else {}


def describe_gpu(gpu: Any, stated: dict[str, Any] | None = None) -> ComponentMethod:
    """Return the method of a CodeCarbon ``GPU`` object (NVML or AMD SMI).

    GPU figures the user stated (``gpu_count``, ``gpu_model``) are recorded in its parameters
    under ``"stated"``, beside what the library detected.
    """
    devices = list(getattr(getattr(gpu, "devices", None), "devices", []) or [])
    kinds = sorted({type(d).__name__ for d in devices})
    fallback = any(getattr(d, "_use_power_fallback", False) for d in devices)
    parameters = {"devices": len(devices), "device_types": kinds}
    if _stated_gpu(stated or {}):
        parameters["stated"] = _stated_gpu(stated or {})
    if kinds == ["AMDGPUDevice"]:
        return ComponentMethod(
            "gpu", MEASURED, "AMD SMI", "measured: AMD SMI", parameters, "amd_smi"
        )
    if fallback:
        parameters["counter"] = "power samples × time (no energy counter)"
        return ComponentMethod(
            "gpu",
            MEASURED,
            "NVML",
            "measured: NVML (power samples, no energy counter)",
            parameters,
            "nvml_power_samples",
        )
    parameters["counter"] = "nvmlDeviceGetTotalEnergyConsumption"
    return ComponentMethod("gpu", MEASURED, "NVML", "measured: NVML", parameters, "nvml")


def describe_ram(ram: Any, hardware: dict[str, Any], stated: dict[str, Any]) -> ComponentMethod:
    """Return the method of a CodeCarbon ``RAM`` object: its DIMM model or the stated power."""
    forced = getattr(ram, "_force_ram_power", None)
    if forced is not None:
        source = stated.get("hardware_source") or "force_ram_power"
        return ComponentMethod(
            "ram",
            ESTIMATED,
            "RAM power stated by user",
            STATED_PREFIX.format(source=source) + f"RAM power {float(forced):g} W, constant",
            {"power_w": float(forced), "hardware_source": source},
            "ram_user",
        )
    try:
        gib = float(ram.machine_memory_GB)
        dimms = int(ram._estimate_dimm_count(gib))
        power = float(ram._calculate_ram_power(gib))
        per_dimm = 1.5 if getattr(ram, "is_arm_cpu", False) else 5.0
    except Exception:  # a fake or a changed RAM class: say what is known
        gib = hardware.get("ram_total_gib")
        return ComponentMethod(
            "ram",
            ESTIMATED,
            "CodeCarbon RAM model",
            "estimated: CodeCarbon RAM model (W per assumed DIMM, constant)",
            {"memory_gib": gib},
            "ram_model",
        )
    method = (
        f"estimated: CodeCarbon RAM model, {dimms} DIMMs assumed for {gib:.1f} GiB × "
        f"{per_dimm:g} W = {power:g} W, constant whatever the load"
    )
    parameters = {"memory_gib": gib, "dimms": dimms, "w_per_dimm": per_dimm, "power_w": power}
    return ComponentMethod(
        "ram", ESTIMATED, "CodeCarbon RAM model", method, parameters, "ram_model"
    )


def _describe(
    item: Any, hardware: dict[str, Any], stated: dict[str, Any]
) -> ComponentMethod | None:
    kind = type(item).__name__
    if kind == "CPU":
        return describe_cpu(item, hardware, stated)
    if kind == "GPU":
        return describe_gpu(item, stated)
    if kind == "RAM":
        return describe_ram(item, hardware, stated)
    if kind in ("AppleSiliconChip", "Raspberry"):
        part = str(getattr(item, "chip_part", "")).lower()
        component = "cpu" if part in ("cpu", "processor") else part
        if component not in COMPONENTS:
            return None
        if kind == "AppleSiliconChip":
            return ComponentMethod(
                component,
                MEASURED,
                "Apple powermetrics",
                "measured: Apple powermetrics",
                {"chip_part": part},
                "apple_powermetrics",
            )
        return ComponentMethod(
            component,
            MEASURED,
            "Raspberry Pi PMIC",
            "measured: Raspberry Pi PMIC",
            {"chip_part": part},
            "raspberry_pmic",
        )
    return None


def _no_gpu(stated: dict[str, Any]) -> ComponentMethod:
    """Return the GPU method when CodeCarbon has no GPU: absent, or uncounted if one is stated."""
    gpu = _stated_gpu(stated)
    if not gpu.get("gpu_count"):  # none stated, or a stated count of 0: no GPU in this work
        return absent("gpu", "no GPU detected")
    text = NO_GPU_FOUND_TEXT.format(
        source=gpu["hardware_source"],
        count=gpu["gpu_count"],
        model=gpu.get("gpu_model") or "GPU of an unstated model",
    )
    return dataclasses.replace(unknown("gpu", text), parameters={"stated": gpu})


def component_methods(
    tracker: Any, hardware: dict[str, Any] | None = None, stated: dict[str, Any] | None = None
) -> dict[str, ComponentMethod]:
    """Return ``{component: ComponentMethod}`` for cpu, gpu and ram of a CodeCarbon tracker.

    Parameters
    ----------
    tracker : codecarbon tracker
        Its ``_hardware`` list is read.
    hardware : dict, optional
        What :func:`greennb.energy._codecarbon.detected_hardware` returned (model, counts).
    stated : dict, optional
        The hardware the user stated (:func:`stated_hardware`).

    Returns
    -------
    dict
        One :class:`~greennb.energy._methods.ComponentMethod` per component; "unknown" for a
        component that cannot be told (a stated GPU that CodeCarbon cannot read among them),
        "absent" for a GPU that is not there.
    """
    hardware, stated = hardware or {}, stated or {}
    methods = {
        "cpu": unknown("cpu", "CodeCarbon reported no CPU object"),
        "gpu": _no_gpu(stated),
        "ram": unknown("ram", "CodeCarbon reported no RAM object"),
    }
    try:
        items = list(tracker._hardware)
    except Exception:  # any failure means "we cannot tell"
        why = "CodeCarbon's hardware objects could not be read"
        return {name: unknown(name, why) for name in COMPONENTS}
    for item in items:
        try:
            method = _describe(item, hardware, stated)
        except Exception as error:  # a changed CodeCarbon: say so rather than guess
            method = None
            name = {"CPU": "cpu", "GPU": "gpu", "RAM": "ram"}.get(type(item).__name__)
            if name:
                methods[name] = unknown(
                    name, f"could not read CodeCarbon's {name.upper()}: {error}"
                )
        if method is not None:
            methods[method.component] = method
    return methods


def overall_status(methods: dict[str, ComponentMethod]) -> tuple[str, str]:
    """Return (status, reason): measured only if every component present was measured.

    The reason lists each component's method sentence, e.g. ``"CPU estimated: CodeCarbon
    does not know the CPU model ...; GPU absent: no GPU detected; RAM estimated: ..."``.
    """
    present = {name: m for name, m in methods.items() if m.flag != ABSENT}
    parts = [f"{name.upper()} {m.method}" for name, m in methods.items()]
    if present and all(m.flag == MEASURED for m in present.values()):
        return STATUS_MEASURED, "; ".join(parts)
    return STATUS_ESTIMATED, "; ".join(parts)


#: Keys of :func:`parse_stated_hardware`'s text, with the type each value is read as.
STATED_KEYS = {
    "cpu_power_w": float,
    "ram_power_w": float,
    "gpu_count": int,
    "gpu_model": str,
    "source": str,
}
STATED_TEXT_MSG = (
    "Cannot read the stated hardware {text!r}: {problem}. Write 'key=value' pairs separated by "
    "';', with keys among {keys}, e.g. 'cpu_power_w=150; ram_power_w=10; source=Intel ARK: "
    "Xeon Gold 6148'."
)


def parse_stated_hardware(text: str) -> dict[str, Any]:
    """Read the hardware a notebook's ``hardware`` parameter states, for :func:`configure`.

    A notebook parameter is one string, so the stated hardware is written as ``key=value``
    pairs separated by ``;`` (a source may contain commas): ``cpu_power_w`` and
    ``ram_power_w`` (W), ``gpu_count``, ``gpu_model`` and ``source`` (where the figures come
    from; required). An empty text states nothing.

    Parameters
    ----------
    text : str
        E.g. ``"cpu_power_w=150; source=Intel ARK: Xeon Gold 6148"``.

    Returns
    -------
    dict
        Keyword arguments of :func:`greennb.energy.configure` (``source`` becomes
        ``hardware_source``), checked by :func:`stated_hardware`; empty for an empty text.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a pair without ``=``, an unknown or repeated key, a value that is not a number
        where one is needed, or a figure without its source (the message shows the format).

    Examples
    --------
    >>> parse_stated_hardware("cpu_power_w=150; source=Intel ARK: Xeon Gold 6148, 150 W")
    {'cpu_power_w': 150.0, 'hardware_source': 'Intel ARK: Xeon Gold 6148, 150 W'}
    >>> parse_stated_hardware("")
    {}
    """
    if not isinstance(text, str):
        raise InvalidTypeError(
            STATED_TEXT_MSG.format(text=text, problem="not a string", keys=", ".join(STATED_KEYS))
        )
    given: dict[str, Any] = {}
    for pair in (part.strip() for part in text.split(";")):
        if not pair:
            continue
        key, equals, value = (piece.strip() for piece in pair.partition("="))
        problem = None
        if not equals:
            problem = f"{pair!r} has no '='"
        elif key not in STATED_KEYS:
            problem = f"unknown key {key!r}"
        elif key in given:
            problem = f"{key!r} is given twice"
        if problem is None:
            try:
                given[key] = STATED_KEYS[key](value)
            except ValueError:
                problem = f"{key}={value!r} is not a {STATED_KEYS[key].__name__}"
        if problem is not None:
            keys = ", ".join(STATED_KEYS)
            raise InvalidValueError(STATED_TEXT_MSG.format(text=text, problem=problem, keys=keys))
    if "source" in given:
        given["hardware_source"] = given.pop("source")
    if given:
        stated_hardware(**given)  # the same checks as configure(): powers > 0, a source
    return given
