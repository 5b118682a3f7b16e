"""Build a phase's :class:`~greennb.energy.EnergyResult` from what the session gathered.

One place turns CodeCarbon's figures, the components' methods
(:mod:`greennb.energy._hardware`), the phase's usage and the idle baseline
(:mod:`greennb.energy._attribution`) into a result: each component's interval from its method's
error range, the total's interval as their sum, the attribution and the dynamic energy.
"""

from __future__ import annotations

from typing import Any

from greennb.energy import _attribution, _codecarbon, _hardware
from greennb.energy._results import STATUS_UNAVAILABLE, EnergyResult


def _context(session: Any, token: Any) -> dict[str, Any]:
    """Fields every result carries: grid, methods and flags, hardware, idle power."""
    methods, hardware = session._hardware_info()
    context = {
        "country": session.country,
        "carbon_intensity_g_per_kwh": session.carbon_intensity_g_per_kwh,
        "tracking_mode": _codecarbon.TRACKING_MODE,
        "idle_power_w": session.idle_baseline.power_w if session.idle_baseline else None,
        "started_at": token.started_at,
        **{key: hardware.get(key) for key in _codecarbon.NO_HARDWARE},
    }
    for part, method in methods.items():
        context[f"{part}_source"] = method.source
        context[f"{part}_flag"] = method.flag
        context[f"{part}_method"] = method.method
        context[f"{part}_parameters"] = method.parameters_with_error()
    return context


def unavailable(
    session: Any,
    token: Any,
    wall_s: float,
    reason: str,
    usage: Any = None,
    usage_failure: str | None = None,
) -> EnergyResult:
    """Return the result of a phase without an energy figure (``wall_s`` in s)."""
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
        dynamic_reason=_attribution.NO_ENERGY_REASON.format(reason=reason),
        **_context(session, token),
        **_attribution.attribution_fields(None, usage, usage_failure),
    )


def measured(
    session: Any,
    token: Any,
    energies: tuple[float, float, float, float],
    usage: Any = None,
    usage_failure: str | None = None,
) -> EnergyResult:
    """Return the result of a phase from CodeCarbon's ``(cpu, gpu, ram, duration)`` (kWh, s)."""
    cpu, gpu, ram, duration = energies
    methods = session._hardware_info()[0]
    status, reason = _hardware.overall_status(methods)
    energy = cpu + gpu + ram
    intervals = {
        part: methods[part].interval(kwh)
        for part, kwh in (("cpu", cpu), ("gpu", gpu), ("ram", ram))
    }
    total = intervals["cpu"] + intervals["gpu"] + intervals["ram"]
    attribution = _attribution.attribution_fields(total, usage, usage_failure)
    dynamic, dynamic_reason = _attribution.dynamic_fields(
        energy, duration, session.idle_baseline, attribution["attribution"]
    )
    intensity = session.carbon_intensity_g_per_kwh
    return EnergyResult(
        phase=token.name,
        status=status,
        reason=reason,
        duration_s=duration,
        cpu_energy_kwh=cpu,
        gpu_energy_kwh=gpu,
        ram_energy_kwh=ram,
        energy_kwh=energy,
        emissions_kg=None if intensity is None else energy * intensity / 1000.0,
        dynamic_energy_kwh=dynamic,
        dynamic_reason=dynamic_reason,
        **_context(session, token),
        **{f"{part}_interval": interval for part, interval in intervals.items()},
        interval=total,
        **attribution,
    )
