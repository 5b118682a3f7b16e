"""Verdicts only beyond the noise: :func:`compare_energy` says "less" or "more" or neither.

Two energy figures always differ a little. "A uses less energy than B" is only said when the
difference exceeds every uncertainty that could have produced it; otherwise the verdict is
``"no measurable difference"``. Which uncertainties count depends on how the two figures were
obtained.

**Same method, same machine** (``same_method=True``, the default: two phases of one notebook,
both estimated by CodeCarbon). The method's systematic error — the width of each
:class:`~greennb.energy.EnergyInterval`, e.g. a TDP or a RAM power that is 30 % off — scales
both figures alike and largely cancels in their ratio, so the intervals' widths are ignored.
What decides is the *run-to-run spread*: measuring the same work twice gives two figures, and
a difference within that spread means nothing. Each side is a band:

- a single figure: the central value;
- repeated samples (a sequence, or a :class:`~greennb.energy._repeat.RepeatedEnergy`): the
  range ``[min, max]`` of the samples' central values;

and both bands are widened by the relative noise floor ``noise`` (each by a factor
``sqrt(1 + noise)``, so that two single figures need a ratio beyond ``1 + noise``). The
verdict is "less" or "more" only when the widened bands do not overlap.

The floor applies even when samples are given: with 3 repeats a side, the two ranges of
*identical* work fail to overlap by chance in 1 case out of 10 (2 of the C(6, 3) = 20 equally
likely orderings), too often for a verdict; requiring their gap to exceed the floor as well
makes that rare. Pass ``noise=0`` to rely on the samples alone (with many repeats).

**Different methods** (``same_method=False``: CodeCarbon against the independent estimate, or
two machines). Nothing cancels: each side's band is its full interval (from the lowest low to
the highest high of its samples), widened by the noise floor the same way, and the bands must
not overlap.

**The default floor**, ``DEFAULT_NOISE = 0.15``, was measured with
``benchmarks/bench_compare.py`` on the 2-vCPU cloud VM greennb is developed on (CodeCarbon's
CPU-load model, ~1 s single-thread NumPy phases, five runs of 10–20 rounds; table in
``benchmarks/README.md``). Where no other process used more than 5 % of a CPU during either
phase, two identical phases differed by less than 10 % in energy (typically 1–4 %; the ratio
follows the wall-time ratio, the power being constant at 21.7 W): none of these 34 A-vs-A
pairs was judged different at a floor of 0.10 or more, and every 2× pair (ratio 1.4–3.0) was
judged "more" at any floor up to 0.35. 0.15 keeps a margin above the quiet noise.

**A shared machine.** CodeCarbon's machine mode counts every process's work: when a neighbour
takes a CPU, a phase's power rises from 21.7 W to 28.0 W on that VM (``TDP × (0.1 + 0.9 ·
load³)`` at full load), 1.29×, and contention also stretches the phase itself. At 0.15 the
runs judged 3, 4 and 6 of 20 A-vs-A pairs different; in the two runs that recorded it, each of
those pairs had a side whose result says ``attribution = "machine shared: not attributable
..."``. When a side carries that flag the floor is raised to at least ``SHARED_NOISE = 0.35``
(the power effect times the quiet noise; 2× pairs still clear it) and the reason says so. No
floor covers a neighbour that slows the work itself (one pair at 1.99×, its wall time 1.58×):
on a shared machine, repeat the phases, state a larger ``noise``, or measure when it is quiet.

**Speed.** :func:`compare_speed` applies the same rule to two throughputs (work per second):
"faster" or "slower" only when the samples' ranges, widened by the same floor, are apart. On
CodeCarbon's load model the power is steady, so a phase's energy follows its wall time and the
energy floor is the timing floor too.

Examples
--------
>>> from greennb.energy._interval import EnergyInterval
>>> int8, teacher = EnergyInterval.exact(0.62e-6), EnergyInterval.exact(1.0e-6)
>>> compare_energy(int8, teacher).sentence("teacher-int8", "teacher")
'teacher-int8 uses less energy than teacher (0.62×, beyond the 15 % run-to-run noise)'
>>> compare_energy(EnergyInterval.exact(0.97e-6), teacher).verdict
'no measurable difference'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from greennb._json import to_json_value
from greennb._noise import (
    DEFAULT_NOISE,
    NO_DIFFERENCE,
    band_verdict,
    format_ratio,
    percent,
    ratio_of,
)
from greennb._validation import non_negative
from greennb.energy._interval import EnergyInterval
from greennb.energy._repeat import (
    RepeatedEnergy,
    median_interval,
    relative_spread,
    result_interval,
)
from greennb.energy._results import is_machine_shared
from greennb.errors import InvalidTypeError, InvalidValueError

NO_ENERGY_MSG = (
    "{side} ({what}) has no energy figure{reason}: an energy can only be compared where it "
    "was measured or estimated."
)
EMPTY_MSG = "{side} is an empty sequence: give at least one energy figure to compare."
WRONG_TYPE_MSG = (
    "{side} must be an EnergyInterval, an EnergyResult (or any result with energy_kwh), a "
    "RepeatedEnergy or a sequence of repeated samples; got {value!r} of type {type}."
)
#: How an EnergyResult's ``attribution`` starts when other processes used the machine.
#: Noise floor (fraction) when a side was measured on a shared machine; see the module docstring.
SHARED_NOISE = 0.35
SHARED_NOTE = (
    "; machine shared during {sides}: other processes' work is counted, so the floor is at "
    "least {floor}"
)
SAME_METHOD_MSG = "same_method must be True or False; got {value!r} of type {type}."


@dataclass(frozen=True)
class EnergyComparison:
    """The verdict of :func:`compare_energy` on two energy figures.

    Attributes
    ----------
    verdict : str
        ``"less"`` (a uses less energy than b), ``"more"`` or ``"no measurable difference"``.
    ratio : float
        ``a.value / b.value`` of the central (median) figures; 1 when both are 0 kWh and
        infinity when only b is.
    difference_kwh : float
        ``a.value - b.value`` (kWh).
    a, b : EnergyInterval
        The figures compared (the medians, for repeated samples), kWh.
    reason : str
        Which uncertainty decided, e.g. ``"beyond the 15 % run-to-run noise"``.
    """

    verdict: str
    ratio: float
    difference_kwh: float
    a: EnergyInterval
    b: EnergyInterval
    reason: str

    def sentence(self, a_name: str, b_name: str) -> str:
        """Return the verdict as one sentence naming both sides, with the ratio and reason.

        Examples
        --------
        >>> from greennb.energy._interval import EnergyInterval
        >>> same = compare_energy(EnergyInterval.exact(2.0), EnergyInterval.exact(2.1))
        >>> same.sentence("student", "teacher")
        'no measurable difference between student and teacher (0.952×, within the 15 % run-to-run noise)'
        """  # noqa: E501 - a doctest output is one line
        detail = f"({format_ratio(self.ratio)}, {self.reason})"
        if self.verdict == NO_DIFFERENCE:
            return f"no measurable difference between {a_name} and {b_name} {detail}"
        return f"{a_name} uses {self.verdict} energy than {b_name} {detail}"

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (kWh; an infinite ratio becomes None)."""
        return to_json_value(dataclasses.asdict(self))


@dataclass(frozen=True)
class _Side:
    """One side of a comparison: its central figure and the intervals of its samples."""

    median: EnergyInterval
    intervals: tuple[EnergyInterval, ...]
    shared: bool = False

    def band(self, same_method: bool) -> tuple[float, float]:
        """Return the side's band before widening (kWh); see the module docstring."""
        if same_method:
            values = [i.value for i in self.intervals]
            return min(values), max(values)
        return min(i.low for i in self.intervals), max(i.high for i in self.intervals)


def _is_shared(figures: Sequence[Any]) -> bool:
    """Tell whether any figure says it was measured on a shared machine (not attributable)."""
    return any(is_machine_shared(getattr(figure, "attribution", "")) for figure in figures)


def _missing(side: str, figure: Any) -> InvalidValueError:
    phase = getattr(figure, "phase", None)
    what = f"phase {phase!r}" if phase else type(figure).__name__
    reason = getattr(figure, "reason", "")
    return InvalidValueError(
        NO_ENERGY_MSG.format(side=side, what=what, reason=f" ({reason})" if reason else "")
    )


def _figure(side: str, figure: Any) -> EnergyInterval | None:
    """Return one figure's interval (kWh), None for a result without energy; or raise."""
    if isinstance(figure, EnergyInterval):
        return figure
    if hasattr(figure, "energy_kwh") and not isinstance(figure, RepeatedEnergy):
        return result_interval(figure)
    raise InvalidTypeError(
        WRONG_TYPE_MSG.format(side=side, value=figure, type=type(figure).__name__)
    )


def comparison_side(side: str, figure: Any) -> _Side:
    """Turn one argument of :func:`compare_energy` into a :class:`_Side`, or raise."""
    if figure is None:
        raise InvalidValueError(NO_ENERGY_MSG.format(side=side, what="None", reason=""))
    if isinstance(figure, RepeatedEnergy):
        if figure.median is None:
            raise _missing(side, figure)
        return _Side(figure.median, tuple(figure.intervals), _is_shared(figure.samples))
    if isinstance(figure, Sequence) and not isinstance(figure, (str, bytes)):
        if not figure:
            raise InvalidValueError(EMPTY_MSG.format(side=side))
        intervals = [_figure(f"{side}[{i}]", sample) for i, sample in enumerate(figure)]
        available = tuple(i for i in intervals if i is not None)
        if not available:
            raise _missing(f"{side} (every sample)", figure[0])
        return _Side(median_interval(available), available, _is_shared(figure))
    interval = _figure(side, figure)
    if interval is None:
        raise _missing(side, figure)
    return _Side(interval, (interval,), _is_shared([figure]))


def _reason(a: _Side, b: _Side, *, decided: bool, same_method: bool, noise: float) -> str:
    """Say which uncertainty decided the verdict (``decided``: a verdict was given)."""
    floor = percent(noise)
    if not same_method:
        bands = " and ".join(
            f"{low * 1000:.3g}–{high * 1000:.3g} Wh" for low, high in (a.band(False), b.band(False))
        )
        overlap = "do not overlap" if decided else "overlap"
        return f"the two methods' intervals ({bands}) {overlap} once widened by the {floor} noise"
    if len(a.intervals) == 1 and len(b.intervals) == 1:
        return f"{'beyond' if decided else 'within'} the {floor} run-to-run noise"
    spreads = " and ".join(
        f"{percent(relative_spread([i.value for i in s.intervals]))} over {len(s.intervals)}"
        for s in (a, b)
    )
    apart = "are apart by more than" if decided else "overlap or are closer than"
    return f"the repeats' ranges (spread {spreads}) {apart} the {floor} noise floor"


def compare_energy(
    a: Any, b: Any, *, same_method: bool = True, noise: float = DEFAULT_NOISE
) -> EnergyComparison:
    """Compare two energy figures: "less" or "more" only beyond the noise.

    Parameters
    ----------
    a, b : EnergyInterval, EnergyResult, RepeatedEnergy or sequence of them
        The figures (kWh). An EnergyResult (or any object with ``energy_kwh``) counts with its
        ``energy_interval`` (or ``interval``) when it has one, else exactly. A sequence is a set
        of repeated samples of the same work: its median is compared and its range is the
        run-to-run spread (samples without an energy figure are left out).
    same_method : bool, default True
        True when both figures come from the same method on the same machine: the method's
        systematic error cancels and only the run-to-run spread counts. False (e.g. CodeCarbon
        against an independent estimate) compares the full intervals.
    noise : float, default DEFAULT_NOISE (0.15)
        Relative run-to-run noise floor (fraction, >= 0) by which both bands are widened.

    Returns
    -------
    EnergyComparison
        The verdict (``"less"``: a uses less energy than b), the ratio a/b, the difference,
        both figures and the reason; :meth:`EnergyComparison.sentence` words it.

    Raises
    ------
    greennb.errors.InvalidValueError
        If a side has no energy figure (None, an unavailable result, every sample
        unavailable, an empty sequence), naming the side and its phase; if ``noise`` is
        negative or not finite.
    greennb.errors.InvalidTypeError
        If a side is of another type, or ``same_method`` is not a bool.

    Examples
    --------
    >>> from greennb.energy._interval import EnergyInterval
    >>> compare_energy(EnergyInterval.exact(2.0), EnergyInterval.exact(1.0)).verdict
    'more'
    >>> codecarbon = EnergyInterval.from_relative(2.0, low=-0.3, high=0.4)
    >>> independent = EnergyInterval.from_relative(1.2, low=-0.3, high=0.4)
    >>> compare_energy(codecarbon, independent, same_method=False).verdict
    'no measurable difference'
    """
    if not isinstance(same_method, bool):
        raise InvalidTypeError(
            SAME_METHOD_MSG.format(value=same_method, type=type(same_method).__name__)
        )
    noise = non_negative(noise, name="noise", unit="fraction")
    side_a, side_b = comparison_side("a", a), comparison_side("b", b)
    shared = [name for name, side in (("a", side_a), ("b", side_b)) if side.shared]
    if shared:
        noise = max(noise, SHARED_NOISE)
    verdict = band_verdict(side_a.band(same_method), side_b.band(same_method), noise)
    ratio = ratio_of(side_a.median.value, side_b.median.value)
    reason = _reason(
        side_a, side_b, decided=verdict != NO_DIFFERENCE, same_method=same_method, noise=noise
    )
    if shared:
        reason += SHARED_NOTE.format(sides=" and ".join(shared), floor=percent(SHARED_NOISE))
    return EnergyComparison(
        verdict=verdict,
        ratio=ratio,
        difference_kwh=side_a.median.value - side_b.median.value,
        a=side_a.median,
        b=side_b.median,
        reason=reason,
    )
