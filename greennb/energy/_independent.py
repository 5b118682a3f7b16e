"""A second energy estimate, independent of CodeCarbon: this process's CPU time and memory × watts.

The model is Cloud Carbon Footprint's (CCF) with this process's own usage as input, so that the
figure is attributable to the process whatever else ran on the machine:

- CPU. CCF's linear power model gives a machine of ``n`` vCPUs at utilisation ``u`` the power
  ``n × (W_idle + u × (W_full − W_idle))`` (W per vCPU). With ``u = process_cpu_s /
  (wall_s × n_cpus)`` and the idle power shared in proportion to the capacity the process
  used, the part attributable to the process is ``W_idle × process_cpu_s + (W_full − W_idle) ×
  process_cpu_s``, so ``E_cpu = W_full × process_cpu_s`` (J): each CPU-second of this process
  at CCF's full-load power of one vCPU. The idle power of the capacity it left unused is not
  charged. This is also Green Algorithms' ``TDP per core × core usage × time``
  (Lannelongue, Grealey and Inouye, *Adv. Sci.* 8, 2100707, 2021) with ``W_full`` as the
  power per core.
- Memory. ``E_mem = rss_gb × W_per_GB × wall_s`` (J) with CCF's 0.392 W/GB (the average of
  Crucial's ~0.375 W/GB and Micron's ~0.4083 W/GB for DDR4; Green Algorithms uses 0.3725 W/GB).
  CCF adds this only beyond the memory its SPECpower servers already carry; charging the
  process's resident memory in full slightly double-counts, on the high side.
- Units: ``E [kWh] = E [J] / 3.6e6``.

Intervals come from the spread of the published coefficients, not from a measured error: when
the CPU microarchitecture is unknown (the default), from the lowest to the highest full-load
watts per vCPU in CCF's table (:data:`CCF_MICROARCHITECTURES`, 1.69–8.58 W, from SPECpower
results), and for memory from the lowest to the highest published W/GB (0.3725–0.4083). They
add the CPU and memory bounds (the conservative choice of :class:`EnergyInterval`).

Why CCF's coefficients and not Boavizta's. Issue 8 asked to weigh Boavizta's reference data and
CPU consumption profiles (``boaviztapi`` on PyPI: ``data/consumption_profile/cpu/
cpu_profile.csv`` and ``data/crowdsourcing/cpu_specs.csv``). Measured on 2026-12-01:
``boaviztapi`` 2.5.0 is the Boavizta web API itself, and ``pip install`` brings 22 packages
(FastAPI pinned to 0.137, uvicorn, aiohttp, mangum, rapidfuzz, ...) and pins numpy >= 2.4.1 and
scipy >= 1.17, all to read two CSV tables. Its per-model profiles need the CPU model CodeCarbon
could not read in the first place ("Intel(R) Xeon(R) Processor" on the VMs this was developed
on), so it would not help where a second estimate is most needed. CCF's coefficients are a
dozen published numbers with a documented provenance, copied here with their source; a user
who knows better states the hardware (:func:`greennb.energy.configure`).

Sources: CCF methodology, "Compute" and "Memory" sections and Appendix II
(https://www.cloudcarbonfootprint.org/docs/methodology/); the coefficients in
``packages/core/src/compute/ComputeProcessorTypes.ts`` and ``AWS_CLOUD_CONSTANTS``
(``MIN_WATTS_AVG: 0.74``, ``MAX_WATTS_AVG: 3.5``, ``MEMORY_COEFFICIENT: 0.000392`` kWh per
GB-hour) in ``packages/aws/src/domain/AwsFootprintEstimationConstants.ts`` of
github.com/cloud-carbon-footprint/cloud-carbon-footprint.

Examples
--------
>>> from greennb.energy._usage import Usage
>>> usage = Usage(wall_s=4.0, process_cpu_s=2.0, machine_busy_s=2.0, other_cpu_s=0.0,
...               n_cpus=2, rss_gb=1.0)
>>> estimate = independent_estimate(usage)
>>> round(estimate.cpu.value * 3.6e6, 6), round(estimate.memory.value * 3.6e6, 6)  # J
(7.0, 1.568)
>>> estimate.attribution
'process CPU time'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greennb._json import to_json_value
from greennb._validation import non_negative
from greennb.energy._interval import EnergyInterval
from greennb.energy._usage import Usage
from greennb.errors import InvalidTypeError, InvalidValueError

J_PER_KWH = 3.6e6

CCF_MICROARCHITECTURES: dict[str, tuple[float, float]] = {
    "Cascade Lake": (0.64, 3.97),
    "Skylake": (0.65, 4.26),
    "Broadwell": (0.71, 3.69),
    "Haswell": (1.00, 4.74),
    "Coffee Lake": (1.14, 5.42),
    "Sandy Bridge": (2.17, 8.58),
    "Ivy Bridge": (3.04, 8.25),
    "AMD EPYC 1st Gen": (0.82, 2.55),
    "AMD EPYC 2nd Gen": (0.47, 1.69),
    "AMD EPYC 3rd Gen": (0.45, 2.02),
    "AWS Graviton2": (0.47, 1.69),
}
"""CCF's (idle, full-load) watts per vCPU by CPU microarchitecture, from SPECpower_ssj2008 results
(``min_watts_avg``, ``max_watts_avg`` in CCF's ``ComputeProcessorTypes.ts``)."""

CCF_AWS_W_PER_VCPU_IDLE = 0.74
"""CCF's average idle watts per vCPU over AWS's microarchitectures (``MIN_WATTS_AVG``)."""
CCF_AWS_W_PER_VCPU_FULL = 3.5
"""CCF's average full-load watts per vCPU over AWS's microarchitectures (``MAX_WATTS_AVG``)."""
CCF_W_PER_GB = 0.392
"""CCF's memory coefficient (W/GB; ``MEMORY_COEFFICIENT`` = 0.000392 kWh per GB-hour)."""
GREEN_ALGORITHMS_W_PER_GB = 0.3725
"""Green Algorithms' memory power (W/GB; Lannelongue et al., 2021)."""
MICRON_DDR4_W_PER_GB = 0.4083
"""Micron's DDR4 power-model figure as CCF quotes it (W/GB), the highest of the three."""

CCF_SOURCE = (
    "Cloud Carbon Footprint methodology (cloudcarbonfootprint.org/docs/methodology, Compute, "
    "Memory, Appendix II): AWS averages MIN_WATTS_AVG 0.74 W and MAX_WATTS_AVG 3.5 W per vCPU, "
    "full-load 1.69-8.58 W per vCPU across its SPECpower microarchitectures, memory 0.392 W/GB; "
    "memory bounds 0.3725 W/GB (Green Algorithms, Lannelongue et al. 2021) to 0.4083 W/GB "
    "(Micron DDR4, as quoted by CCF)"
)

BOUNDS_MSG = (
    "{name} needs low <= value <= high ({unit}); got low={low}, value={value}, high={high}."
)
IDLE_ABOVE_FULL_MSG = (
    "w_per_vcpu_idle ({idle} W) cannot exceed w_per_vcpu_full ({full} W): a vCPU draws more "
    "at full load than idle."
)
USAGE_TYPE_MSG = "independent_estimate needs a Usage (from UsageSampler.stop); got {type}."
COEFFICIENTS_TYPE_MSG = "coefficients must be a CoefficientModel; got {type}."


@dataclass(frozen=True)
class CoefficientModel:
    """Watts per vCPU and per GB of memory, with the spread that sets the interval.

    Attributes
    ----------
    name : str
        What the coefficients are, e.g. ``"Cloud Carbon Footprint (AWS averages)"``.
    w_per_vcpu_idle, w_per_vcpu_full : float
        Power of one vCPU idle and at full load (W). Only ``w_per_vcpu_full`` enters the
        process-attributable estimate (the idle term cancels; see the module docstring); the
        idle figure is recorded with it.
    w_per_gb : float
        Memory power (W per GB of resident memory).
    w_per_vcpu_full_low, w_per_vcpu_full_high : float or None
        Bounds of the full-load power per vCPU (W); None means ``w_per_vcpu_full`` (a coefficient
        with no known spread, e.g. a TDP per core the user states).
    w_per_gb_low, w_per_gb_high : float or None
        Bounds of the memory power (W/GB); None means ``w_per_gb``.
    source : str
        Where the coefficients come from (citation).

    Examples
    --------
    Green Algorithms' model for a CPU of 150 W TDP with 40 threads (3.75 W per thread):

    >>> model = CoefficientModel("Green Algorithms", w_per_vcpu_idle=0.0, w_per_vcpu_full=3.75,
    ...                          w_per_gb=GREEN_ALGORITHMS_W_PER_GB, source="TDP / threads")
    >>> model.w_per_vcpu_full_low, model.w_per_gb_high
    (3.75, 0.3725)
    """

    name: str
    w_per_vcpu_idle: float
    w_per_vcpu_full: float
    w_per_gb: float
    w_per_vcpu_full_low: float | None = None
    w_per_vcpu_full_high: float | None = None
    w_per_gb_low: float | None = None
    w_per_gb_high: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for central, unit in (("w_per_vcpu_full", "W per vCPU"), ("w_per_gb", "W/GB")):
            value = non_negative(getattr(self, central), name=central, unit=unit)
            object.__setattr__(self, central, value)
            bounds = []
            for side in ("low", "high"):
                name = f"{central}_{side}"
                bound = getattr(self, name)
                bound = value if bound is None else non_negative(bound, name=name, unit=unit)
                object.__setattr__(self, name, bound)
                bounds.append(bound)
            if not bounds[0] <= value <= bounds[1]:
                raise InvalidValueError(
                    BOUNDS_MSG.format(
                        name=central, unit=unit, low=bounds[0], value=value, high=bounds[1]
                    )
                )
        idle = non_negative(self.w_per_vcpu_idle, name="w_per_vcpu_idle", unit="W per vCPU")
        if idle > self.w_per_vcpu_full:
            raise InvalidValueError(
                IDLE_ABOVE_FULL_MSG.format(idle=idle, full=self.w_per_vcpu_full)
            )
        object.__setattr__(self, "w_per_vcpu_idle", idle)

    def to_dict(self) -> dict[str, Any]:
        """Return the coefficients (W, W/GB) and their source as a JSON-ready dict."""
        return to_json_value(dataclasses.asdict(self))


_FULL_LOAD = [full for _, full in CCF_MICROARCHITECTURES.values()]

DEFAULT_COEFFICIENTS = CoefficientModel(
    name="Cloud Carbon Footprint",
    w_per_vcpu_idle=CCF_AWS_W_PER_VCPU_IDLE,
    w_per_vcpu_full=CCF_AWS_W_PER_VCPU_FULL,
    w_per_gb=CCF_W_PER_GB,
    w_per_vcpu_full_low=min(_FULL_LOAD),
    w_per_vcpu_full_high=max(_FULL_LOAD),
    w_per_gb_low=GREEN_ALGORITHMS_W_PER_GB,
    w_per_gb_high=MICRON_DDR4_W_PER_GB,
    source=CCF_SOURCE,
)
"""CCF's AWS averages for an unknown microarchitecture (3.5 W per busy vCPU, 1.69–8.58 W across
microarchitectures; 0.392 W/GB, 0.3725–0.4083 W/GB)."""


@dataclass(frozen=True)
class IndependentEstimate:
    """The independent estimate of a phase's energy, attributable to this process.

    Attributes
    ----------
    energy : EnergyInterval
        ``cpu + memory`` (kWh), the bounds added.
    cpu, memory : EnergyInterval
        ``E_cpu = W_full × process_cpu_s`` and ``E_mem = rss_gb × W_per_GB × wall_s`` (kWh).
    method : str
        How it was obtained, e.g. ``"independent: Cloud Carbon Footprint coefficients (3.5 W per
        busy vCPU, 1.69–8.58 W by microarchitecture; 0.392 W/GB), process CPU time"``.
    parameters : dict
        The coefficients, the usage they were applied to and their source.
    attribution : str
        ``"process CPU time"``: the figure counts only this process's CPU time and memory.
    """

    energy: EnergyInterval
    cpu: EnergyInterval
    memory: EnergyInterval
    method: str
    parameters: dict[str, Any]
    attribution: str = "process CPU time"

    def to_dict(self) -> dict[str, Any]:
        """Return the intervals (kWh), method, parameters and attribution as a JSON-ready dict."""
        return to_json_value(dataclasses.asdict(self))


def _interval_kwh(amount: float, central: float, low: float, high: float) -> EnergyInterval:
    """``amount × coefficient`` for the central value and both bounds, J → kWh."""
    return EnergyInterval(
        amount * central / J_PER_KWH, amount * low / J_PER_KWH, amount * high / J_PER_KWH
    )


def independent_estimate(
    usage: Usage, *, coefficients: CoefficientModel = DEFAULT_COEFFICIENTS
) -> IndependentEstimate:
    """Estimate a phase's energy from this process's CPU time and memory (kWh).

    ``E_cpu = W_full × process_cpu_s`` and ``E_mem = rss_gb × W_per_GB × wall_s`` (J, then
    / 3.6e6 for kWh); the interval takes each coefficient's low and high bound (the module
    docstring derives the model and cites the coefficients).

    Parameters
    ----------
    usage : Usage
        What the phase used (:meth:`~greennb.energy._usage.UsageSampler.stop`).
    coefficients : CoefficientModel, default DEFAULT_COEFFICIENTS
        The watts per vCPU and per GB, with their bounds.

    Returns
    -------
    IndependentEstimate
        Total, CPU and memory energy with intervals, the method, the parameters and the
        attribution ``"process CPU time"``.

    Examples
    --------
    >>> from greennb.energy._usage import Usage
    >>> usage = Usage(4.0, 2.0, 2.0, 0.0, 2, 1.0)
    >>> e = independent_estimate(usage).energy
    >>> round(e.low * 3.6e6, 4), round(e.value * 3.6e6, 4), round(e.high * 3.6e6, 4)  # J
    (4.87, 8.568, 18.7932)
    """
    if not isinstance(usage, Usage):
        raise InvalidTypeError(USAGE_TYPE_MSG.format(type=type(usage).__name__))
    if not isinstance(coefficients, CoefficientModel):
        raise InvalidTypeError(COEFFICIENTS_TYPE_MSG.format(type=type(coefficients).__name__))
    c = coefficients
    cpu = _interval_kwh(
        usage.process_cpu_s, c.w_per_vcpu_full, c.w_per_vcpu_full_low, c.w_per_vcpu_full_high
    )
    gb_s = usage.rss_gb * usage.wall_s
    memory = _interval_kwh(gb_s, c.w_per_gb, c.w_per_gb_low, c.w_per_gb_high)
    spread = (
        f", {c.w_per_vcpu_full_low:g}–{c.w_per_vcpu_full_high:g} W by microarchitecture"
        if c.w_per_vcpu_full_low != c.w_per_vcpu_full_high
        else ""
    )
    method = (
        f"independent: {c.name} coefficients ({c.w_per_vcpu_full:g} W per busy vCPU{spread}; "
        f"{c.w_per_gb:g} W/GB), process CPU time"
    )
    parameters = {
        "coefficients": c.to_dict(),
        "process_cpu_s": usage.process_cpu_s,
        "rss_gb": usage.rss_gb,
        "wall_s": usage.wall_s,
        "n_cpus": usage.n_cpus,
        "utilisation": usage.utilisation,
        "formula": "E_cpu = w_per_vcpu_full × process_cpu_s; E_mem = w_per_gb × rss_gb × wall_s",
    }
    return IndependentEstimate(
        energy=cpu + memory, cpu=cpu, memory=memory, method=method, parameters=parameters
    )
