"""Whom a phase's energy belongs to, the independent estimate beside it, and its dynamic part.

CodeCarbon runs in machine mode: its figure is the whole machine's, idle power and other
processes included. Around exactly the user's block, the session samples this process's CPU
time and memory and the machine's busy time (:class:`~greennb.energy.UsageSampler`); from them:

* the **attribution**: ``"machine-wide"`` when no other process used a noticeable share of the
  CPU (:func:`~greennb.energy.machine_shared`), else ``"machine shared: not attributable:
  <reason>"``; ``"unknown: ..."`` when the usage could not be sampled;
* the **independent estimate** (:func:`~greennb.energy.independent_estimate`, Cloud Carbon
  Footprint coefficients on this process's CPU time and memory), its ratio to CodeCarbon's
  central figure and whether their intervals overlap;
* the **dynamic energy** ``E − P_idle × t`` (BLOOM-style, above the idle baseline), only where
  it means something: not on a shared machine (the baseline cannot be told from others' work).
  The reason says "floored at 0" only when the floor was applied.
"""

from __future__ import annotations

from typing import Any

from greennb.energy._interval import EnergyInterval
from greennb.energy._results import (
    ATTRIBUTION_UNKNOWN,
    JOULES_PER_KWH,
    MACHINE_SHARED,
    MACHINE_WIDE,
    IdleBaseline,
)

NO_ENERGY_REASON = "no energy figure: {reason}"
NO_BASELINE_REASON = (
    "no idle baseline: call greennb.measure_idle_baseline() first to split dynamic from idle energy"
)
BASELINE_UNAVAILABLE_REASON = "idle baseline unavailable: {reason}"
SHARED_DYNAMIC_REASON = (
    "not computed: {attribution} (other processes' work cannot be told from this phase's "
    "energy above idle)"
)
DYNAMIC_REASON = "energy_kwh minus idle {power:.3g} W × {seconds:.3g} s"
FLOORED_REASON = (
    ", floored at 0: the idle baseline ({idle:.3g} kWh) exceeded the phase's energy "
    "({energy:.3g} kWh)"
)
SAMPLING_FAILED = "unknown: the phase's CPU use could not be sampled ({error})"


def new_sampler() -> tuple[Any, str | None]:
    """Return ``(UsageSampler, None)``, or ``(None, reason)`` when sampling is impossible."""
    try:
        from greennb.energy._usage import UsageSampler

        return UsageSampler(), None
    except Exception as error:  # psutil missing or broken: never break the user's code
        return None, SAMPLING_FAILED.format(error=f"{type(error).__name__}: {error}")


def start_usage(sampler: Any) -> tuple[Any, str | None]:
    """Start sampling; return ``(token, None)`` or ``(None, reason)``."""
    try:
        return sampler.start(), None
    except Exception as error:
        return None, SAMPLING_FAILED.format(error=f"{type(error).__name__}: {error}")


def stop_usage(sampler: Any, mark: Any) -> tuple[Any, str | None]:
    """Stop sampling; return ``(Usage, None)`` or ``(None, reason)``."""
    try:
        return sampler.stop(mark), None
    except Exception as error:
        return None, SAMPLING_FAILED.format(error=f"{type(error).__name__}: {error}")


def attribution_fields(
    interval: EnergyInterval | None, usage: Any, failure: str | None
) -> dict[str, Any]:
    """Return the result fields on attribution and the independent estimate.

    Parameters
    ----------
    interval : EnergyInterval or None
        CodeCarbon's figure for the phase (kWh), None when unavailable.
    usage : Usage or None
        What the phase used; None when it could not be sampled.
    failure : str or None
        Why ``usage`` is None.

    Returns
    -------
    dict
        ``attribution``, ``attribution_reason``, ``usage``, ``independent``,
        ``estimate_ratio`` and ``estimates_overlap``.
    """
    fields: dict[str, Any] = {
        "attribution": failure or ATTRIBUTION_UNKNOWN,
        "attribution_reason": "",
        "usage": None,
        "independent": None,
        "estimate_ratio": None,
        "estimates_overlap": None,
    }
    if usage is None:
        return fields
    from greennb.energy._usage import machine_shared

    shared, reason = machine_shared(usage)
    detail = reason.removeprefix("machine shared: ")
    fields["attribution"] = f"{MACHINE_SHARED}: {detail}" if shared else MACHINE_WIDE
    fields["attribution_reason"] = reason
    fields["usage"] = usage.to_dict()
    try:
        from greennb.energy._independent import independent_estimate

        estimate = independent_estimate(usage)
    except Exception:  # the second estimate is an addition: its failure removes only itself
        return fields
    fields["independent"] = estimate.to_dict()
    if interval is not None:
        central = estimate.energy.value
        fields["estimate_ratio"] = interval.value / central if central > 0 else None
        fields["estimates_overlap"] = interval.overlaps(estimate.energy)
    return fields


def dynamic_fields(
    energy_kwh: float | None,
    duration_s: float,
    baseline: IdleBaseline | None,
    attribution: str,
) -> tuple[float | None, str]:
    """Return ``(dynamic_energy_kwh, dynamic_reason)`` for a phase (see the module docstring)."""
    if energy_kwh is None:
        return None, NO_ENERGY_REASON.format(reason="tracking unavailable")
    if baseline is None:
        return None, NO_BASELINE_REASON
    if baseline.power_w is None:
        return None, BASELINE_UNAVAILABLE_REASON.format(reason=baseline.reason)
    if attribution.startswith(MACHINE_SHARED):
        return None, SHARED_DYNAMIC_REASON.format(attribution=attribution)
    idle_kwh = baseline.power_w * duration_s / JOULES_PER_KWH
    reason = DYNAMIC_REASON.format(power=baseline.power_w, seconds=duration_s)
    if energy_kwh - idle_kwh < 0:
        return 0.0, reason + FLOORED_REASON.format(idle=idle_kwh, energy=energy_kwh)
    return energy_kwh - idle_kwh, reason
