"""How each energy figure was obtained, and how wrong that method may be: :data:`ERROR_RANGES`.

Every component of a phase (CPU, GPU, RAM) carries a :class:`ComponentMethod`: a flag
(``"measured"``, ``"estimated"``, ``"absent"``, ``"unknown"``), a method sentence that starts
with how the figure was obtained (``"measured: RAPL"``, ``"estimated: ..."``,
``"stated by user: ..."``), the parameters the method used, and the key of its error range.
The error range turns the figure into an :class:`~greennb.energy.EnergyInterval`.

Examples
--------
>>> method = ComponentMethod("ram", "estimated", "CodeCarbon RAM model",
...                          "estimated: CodeCarbon RAM model", {"power_w": 20}, "ram_model")
>>> interval = method.interval(1e-3)
>>> round(interval.low, 6), interval.value, round(interval.high, 6)
(0.0004, 0.001, 0.0015)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from greennb.energy._interval import EnergyInterval
from greennb.errors import InvalidValueError

#: Per-component flags: how the component's energy was obtained.
MEASURED = "measured"
ESTIMATED = "estimated"
ABSENT = "absent"
UNKNOWN = "unknown"

UNKNOWN_ERROR_MSG = "no error range is known for method {key!r}; known: {known}."


@dataclass(frozen=True)
class ErrorRange:
    """The relative error a method's figure may have: ``[E × (1 + low), E × (1 + high)]``.

    Attributes
    ----------
    low, high : float
        Relative errors as fractions, ``low <= 0 <= high`` (``-0.3`` is 30 % below).
    source : str
        Where the range comes from and how we read it.
    """

    low: float
    high: float
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Return ``low``, ``high`` (fractions) and ``source`` as a JSON-ready dict."""
        return dataclasses.asdict(self)


_RAPL = (
    "Khan et al. 2018, 'RAPL in Action', ACM TOMPECS 3(2): RAPL package energy is highly "
    "correlated with plug power and 'accurate enough', with no single error figure we could "
    "confirm; Fahad et al. 2019, Energies 12(11):2204: on-chip sensors' dynamic-energy "
    "profiles err by up to 73 % on average against external meters (that is for dynamic "
    "energy, a difference; for total package energy we take the narrower, conservative ±20 %)"
)
_NVML = (
    "NVML reference (nvmlDeviceGetPowerUsage): 'accurate to within +/- 5 % of current power "
    "draw' is documented for Fermi and Kepler GPUs only; Yang et al. 2024 (SC24, 'Part-time "
    "power measurements: nvidia-smi's lack of attention'): on A100 and H100 only 25 % of the "
    "runtime is sampled, drastic under- or overestimates for short phases; we take ±15 % "
    "(three times the documented figure)"
)
_LOAD_MODEL = (
    "Fischer 2025, 'Ground-truthing AI energy consumption: validating CodeCarbon against "
    "external measurements' (arXiv:2509.22092): CodeCarbon's estimates err by up to 40 %; "
    "CodeCarbon's methodology documentation describes its TDP and load models but gives no "
    "error bound; Jay et al. 2023 (CCGrid, 'An experimental comparison of software-based "
    "power meters') and Bouza et al. 2023 (Environ. Res. Commun. 5 115014) report tool errors "
    "of tens of per cent against wattmeters (we could not confirm a single figure from them)"
)

ERROR_RANGES: dict[str, ErrorRange] = {
    "rapl": ErrorRange(-0.20, 0.20, _RAPL),
    "windows_emi": ErrorRange(-0.20, 0.20, "Windows EMI reads the RAPL counters: " + _RAPL),
    "intel_power_gadget": ErrorRange(-0.20, 0.20, "Intel Power Gadget reads RAPL: " + _RAPL),
    "nvml": ErrorRange(-0.15, 0.15, _NVML),
    "nvml_power_samples": ErrorRange(
        -0.30, 0.30, "NVML power samples integrated over time, no energy counter: " + _NVML
    ),
    "amd_smi": ErrorRange(
        -0.20, 0.20, "AMD SMI energy counter: no published accuracy found; taken as RAPL's"
    ),
    "apple_powermetrics": ErrorRange(
        -0.25, 0.25, "Apple powermetrics: no published accuracy found; conservative ±25 %"
    ),
    "raspberry_pmic": ErrorRange(
        -0.25, 0.25, "Raspberry Pi PMIC rails: no published accuracy found; conservative ±25 %"
    ),
    "cpu_load_table": ErrorRange(
        -0.50, 0.50, "TDP from CodeCarbon's CPU table, load model: " + _LOAD_MODEL + "; ±50 %"
    ),
    "cpu_load_user": ErrorRange(
        -0.40, 0.40, "TDP stated by the user, CodeCarbon's load model: " + _LOAD_MODEL
    ),
    "cpu_load_fallback": ErrorRange(
        -0.60,
        1.00,
        "CodeCarbon's 4 W-per-thread fallback: no TDP of the real CPU at all; server CPUs "
        "range from about 2 to 10 W of TDP per thread; " + _LOAD_MODEL + "; -60 % to +100 %",
    ),
    "cpu_load_generic": ErrorRange(
        -0.80,
        2.00,
        "CodeCarbon's generic 85 W TDP for a CPU it could not identify: " + _LOAD_MODEL,
    ),
    "cpu_constant": ErrorRange(
        -0.60, 1.00, "CodeCarbon's constant 50 % of TDP, load ignored: " + _LOAD_MODEL
    ),
    "ram_model": ErrorRange(
        -0.60,
        0.50,
        "CodeCarbon's RAM model (5 W per assumed DIMM, whatever the load): DDR4 draws about "
        "3 W per 8 GB (Crucial, cited by CodeCarbon's own RAM code for its earlier model) and "
        "Cloud Carbon Footprint uses 0.392 W per GB, both well below 5 W per DIMM; on a VM the "
        "host's DIMMs are shared; -60 % to +50 %",
    ),
    "ram_user": ErrorRange(
        -0.30,
        0.30,
        "RAM power stated by the user, constant whatever the load: the load dependence of DRAM "
        "power is left out; conservative ±30 %",
    ),
    "unknown": ErrorRange(
        -0.80, 2.00, "method unknown: the widest range of any estimate (CodeCarbon's generic TDP)"
    ),
}
"""Method → relative error range and its source: our reading of the sources cited in each entry.

Sources read: CodeCarbon's methodology documentation (docs.codecarbon.io: it describes the
models, gives no error bounds); Khan et al. 2018, "RAPL in Action: Experiences in Using RAPL for
Power Measurements", ACM TOMPECS 3(2); Fahad et al. 2019, "A Comparative Study of Methods for
Measurement of Energy of Computing", Energies 12(11):2204; the NVML reference for
``nvmlDeviceGetPowerUsage`` (±5 % on Fermi and Kepler); Yang et al. 2024, "Accurate and
Convenient Energy Measurements for GPUs" (SC24; arXiv:2312.02741); Fischer 2025, "Ground-Truthing
AI Energy Consumption: Validating CodeCarbon Against External Measurements" (arXiv:2509.22092);
Jay et al. 2023, "An experimental comparison of software-based power meters: focus on CPU and
GPU" (CCGrid 2023) and Bouza et al. 2023, "How to estimate carbon footprint when training deep
learning models? A guide and review" (Environ. Res. Commun. 5 115014), whose figures we could not
confirm. Where a number could not be confirmed, the range is the conservative (wider) choice
and says so. Measured components (counters) get narrower ranges than modelled ones."""


@dataclass(frozen=True)
class ComponentMethod:
    """How one component's energy (CPU, GPU or RAM) was obtained.

    Attributes
    ----------
    component : str
        ``"cpu"``, ``"gpu"`` or ``"ram"``.
    flag : str
        ``"measured"``, ``"estimated"``, ``"absent"`` (no such device) or ``"unknown"``.
    source : str
        Short name of the source, e.g. ``"RAPL energy counters"``.
    method : str
        The method sentence, starting with ``"measured: "``, ``"estimated: "``,
        ``"stated by user: "``, ``"absent: "`` or ``"unknown: "``.
    parameters : dict
        What the method used (W, GiB, thread counts...), JSON-ready.
    error : str
        Key of :data:`ERROR_RANGES`; empty for an absent component (its 0 kWh is exact).
    """

    component: str
    flag: str
    source: str
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def __post_init__(self) -> None:
        if self.error and self.error not in ERROR_RANGES:
            known = ", ".join(sorted(ERROR_RANGES))
            raise InvalidValueError(UNKNOWN_ERROR_MSG.format(key=self.error, known=known))

    @property
    def error_range(self) -> ErrorRange | None:
        """The method's :class:`ErrorRange`; None for an absent component."""
        return ERROR_RANGES[self.error] if self.error else None

    def interval(self, energy_kwh: float | None) -> EnergyInterval | None:
        """Return the interval of a figure obtained by this method (kWh); None if no figure.

        An absent component's figure is exact; any other gets its error range.
        """
        if energy_kwh is None:
            return None
        error = self.error_range
        if error is None:
            return EnergyInterval.exact(energy_kwh)
        return EnergyInterval.from_relative(energy_kwh, low=error.low, high=error.high)

    def parameters_with_error(self) -> dict[str, Any]:
        """Return :attr:`parameters` plus ``error_range``: its key and relative low and high.

        The sources of each range are in :data:`ERROR_RANGES` under that key (kept out of
        every record to keep it small).
        """
        error = self.error_range
        if error is None:
            return dict(self.parameters)
        range_ = {"key": self.error, "low": error.low, "high": error.high}
        return {**self.parameters, "error_range": range_}


def absent(component: str, why: str) -> ComponentMethod:
    """Return the method of a component that is not there (its energy is exactly 0 kWh)."""
    return ComponentMethod(component, ABSENT, why, f"absent: {why}")


def unknown(component: str, why: str) -> ComponentMethod:
    """Return the method of a component whose source cannot be told (widest error range)."""
    return ComponentMethod(component, UNKNOWN, "unknown", f"unknown: {why}", error="unknown")
