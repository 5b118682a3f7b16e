"""What a tracked phase yields: :class:`EnergyResult`, :class:`IdleBaseline` and their statuses.

Every energy figure carries a status saying how far it can be trusted:

* ``"measured"``: every component present was measured (RAPL counters, NVML...);
* ``"estimated"``: at least one component was modelled (CodeCarbon's CPU-load × TDP model, its
  RAM model) or its source is unknown;
* ``"unavailable"``: no energy figure could be obtained; the result's ``reason`` says why.

Per component (CPU, GPU, RAM) a flag says the same, plus ``"absent"`` (no such device) and
``"unknown"``; a method sentence and its parameters say how (:mod:`greennb.energy._hardware`),
and an :class:`~greennb.energy.EnergyInterval` says how wrong the figure may be
(:data:`greennb.energy._methods.ERROR_RANGES`). The total's interval is the sum of the
components' intervals. Machine energy includes idle power and other processes' work: the
``attribution`` says whether the figure is machine-wide on a quiet machine or not attributable
(machine shared); :func:`dynamic_energy` removes the idle power.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from greennb._validation import non_negative
from greennb.energy._interval import EnergyInterval
from greennb.energy._methods import ABSENT, ERROR_RANGES, ESTIMATED, MEASURED, UNKNOWN

STATUS_MEASURED = "measured"
STATUS_ESTIMATED = "estimated"
STATUS_UNAVAILABLE = "unavailable"


#: Attribution of a figure when the phase's CPU use was not sampled.
ATTRIBUTION_UNKNOWN = "unknown: the phase's CPU use was not sampled"
#: Attribution of CodeCarbon's machine-mode figure on a machine no other process used.
MACHINE_WIDE = "machine-wide"
#: Prefix of the attribution of a figure on a shared machine.
MACHINE_SHARED = "machine shared: not attributable"
#: Joules per kWh, to convert between W·s and kWh.
JOULES_PER_KWH = 3.6e6


def is_machine_shared(attribution: object) -> bool:
    """Tell whether an attribution (a result's, or a record's ``"attribution"``) says shared.

    Examples
    --------
    >>> is_machine_shared("machine shared: not attributable: other processes used 1.3 CPU-s")
    True
    >>> is_machine_shared("machine-wide")
    False
    """
    return str(attribution or "").startswith(MACHINE_SHARED)


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
        Short name of each component's source, e.g. ``"RAPL energy counters"``,
        ``"CodeCarbon CPU-load model"``.
    cpu_flag, gpu_flag, ram_flag : str
        ``"measured"``, ``"estimated"``, ``"absent"`` (no such device) or ``"unknown"``.
    cpu_model, gpu_model : str
        Hardware seen by CodeCarbon ("" when none or unknown).
    gpu_count : int
        Number of GPUs tracked.
    ram_total_gb : float or None
        Total RAM of the machine (GB = 1e9 bytes; CodeCarbon's own figure is in GiB).
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
    cpu_method, gpu_method, ram_method : str
        How each component's energy was obtained, e.g. ``"measured: RAPL"``, ``"estimated:
        CodeCarbon does not know the CPU model ...; it assumes 4 W per thread × 2 threads =
        8 W of TDP, P = 8 W × (0.1 + 0.9 · load³)"``, ``"stated by user: <source>; ..."``.
    cpu_parameters, gpu_parameters, ram_parameters : dict
        The numbers each method used (W, GiB, counts) and its ``error_range``.
    cpu_interval, gpu_interval, ram_interval, interval : EnergyInterval or None
        Each component's energy and the total ``energy_kwh`` with the interval its method's
        cited error allows (kWh); None when unavailable. An absent component is exactly 0.
    attribution : str
        ``"machine-wide"`` (CodeCarbon's machine mode on a machine no other process used
        noticeably), ``"machine shared: not attributable: <reason>"``, or ``"unknown: ..."``.
    attribution_reason : str
        The numbers behind the attribution (other processes' CPU time, load average).
    usage : dict or None
        The phase's CPU time and memory (:class:`greennb.energy.Usage`), when sampled.
    independent : dict or None
        The independent estimate from this process's CPU time and memory
        (:class:`greennb.energy.IndependentEstimate`), when computed.
    estimate_ratio : float or None
        CodeCarbon's central figure over the independent one's.
    estimates_overlap : bool or None
        Whether the two estimates' intervals overlap.
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
    cpu_method: str = ""
    gpu_method: str = ""
    ram_method: str = ""
    cpu_parameters: dict[str, Any] = field(default_factory=dict)
    gpu_parameters: dict[str, Any] = field(default_factory=dict)
    ram_parameters: dict[str, Any] = field(default_factory=dict)
    cpu_interval: EnergyInterval | None = None
    gpu_interval: EnergyInterval | None = None
    ram_interval: EnergyInterval | None = None
    interval: EnergyInterval | None = None
    attribution: str = ATTRIBUTION_UNKNOWN
    attribution_reason: str = ""
    usage: dict[str, Any] | None = None
    independent: dict[str, Any] | None = None
    estimate_ratio: float | None = None
    estimates_overlap: bool | None = None

    def __post_init__(self) -> None:
        # A result built without methods or intervals (older code, tests) still says how it
        # was obtained: its flag and source, with the widest error range of an unknown method.
        widest = ERROR_RANGES[UNKNOWN]
        for name in ("cpu_interval", "gpu_interval", "ram_interval", "interval"):
            value = getattr(self, name)
            if isinstance(value, Mapping):  # from to_dict(): rebuild the interval
                object.__setattr__(self, name, EnergyInterval(**value))
        for part in ("cpu", "gpu", "ram"):
            energy, flag = getattr(self, f"{part}_energy_kwh"), getattr(self, f"{part}_flag")
            if energy is None:
                continue
            if not getattr(self, f"{part}_method"):
                label = flag if flag in (MEASURED, ESTIMATED, ABSENT) else UNKNOWN
                source = getattr(self, f"{part}_source") or "no method recorded"
                object.__setattr__(self, f"{part}_method", f"{label}: {source}")
            if getattr(self, f"{part}_interval") is None:
                interval = (
                    EnergyInterval.exact(energy)
                    if flag == ABSENT
                    else EnergyInterval.from_relative(energy, low=widest.low, high=widest.high)
                )
                object.__setattr__(self, f"{part}_interval", interval)
        if self.energy_kwh is not None and self.interval is None:
            parts = [self.cpu_interval, self.gpu_interval, self.ram_interval]
            if all(p is not None for p in parts):
                total = parts[0] + parts[1] + parts[2]
            else:
                total = EnergyInterval.from_relative(
                    self.energy_kwh, low=widest.low, high=widest.high
                )
            object.__setattr__(self, "interval", total)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (energies in kWh, emissions in kg CO2e)."""
        return dataclasses.asdict(self)

    def summary(self) -> str:
        """Return a one-line summary with units, as printed by the ``%%track`` magic."""
        head = f"[greennb] {self.phase}: {self.duration_s:.2f} s"
        if self.energy_kwh is None:
            return f"{head}, energy {self.status}: {self.reason}"
        line = f"{head}, {self.energy_kwh * 1000:.4g} Wh {self.status}"
        if self.interval is not None:
            line += f" [{self.interval.low * 1000:.3g}–{self.interval.high * 1000:.3g} Wh]"
        line += f" (CPU {self.cpu_flag}, GPU {self.gpu_flag}, RAM {self.ram_flag})"
        if self.emissions_kg is not None:
            line += (
                f", {self.emissions_kg * 1000:.3g} g CO2e at "
                f"{self.carbon_intensity_g_per_kwh:.0f} g/kWh ({self.country}, PUE 1)"
            )
        if self.dynamic_energy_kwh is not None:
            line += f", dynamic {self.dynamic_energy_kwh * 1000:.4g} Wh"
        if self.attribution.startswith(MACHINE_SHARED):
            line += f"; {MACHINE_SHARED}"
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
    attribution : str
        Whether the machine was quiet (``"machine-wide"``) or shared while it was measured
        (then the baseline includes other processes' work).
    """

    power_w: float | None
    duration_s: float
    energy_kwh: float | None
    status: str
    reason: str
    attribution: str = ATTRIBUTION_UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return dataclasses.asdict(self)


def worst_status(statuses: Sequence[str]) -> str:
    """Return the least trustworthy of several energy statuses.

    ``"unavailable"`` beats ``"estimated"`` beats ``"measured"``; an unknown or empty list counts
    as ``"unavailable"``, so a total is never labelled better than its weakest part.

    Examples
    --------
    >>> worst_status(["measured", "estimated"])
    'estimated'
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
    greennb.errors.InvalidTypeError
        If an argument is not a real number.
    greennb.errors.InvalidValueError
        If an argument is negative or not finite.

    Examples
    --------
    >>> dynamic_energy(0.01, idle_power_w=20.0, duration_s=900.0)
    0.005
    """
    energy = non_negative(energy_kwh, name="energy_kwh", unit="kWh")
    power = non_negative(idle_power_w, name="idle_power_w", unit="W")
    seconds = non_negative(duration_s, name="duration_s", unit="s")
    return max(energy - power * seconds / JOULES_PER_KWH, 0.0)
