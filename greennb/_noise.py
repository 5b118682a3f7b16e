"""The run-to-run noise floor and the one rule that turns two bands into a verdict.

Two measurements of the same work never agree exactly. :func:`band_verdict` says "less" or
"more" only when two ``(low, high)`` bands stay apart once each is widened by the relative noise
floor; otherwise "no measurable difference". :func:`compare_speed` applies the rule to two
throughputs (work per second). The energy comparison (:func:`greennb.energy.compare_energy`,
where the 15 % floor is explained and its measurement cited) and the "auto" choices of the
efficiency levers (:mod:`greennb.efficiency`, which time the options on the machine at hand) use
this one rule, which is why it lives below both layers.

Examples
--------
>>> compare_speed(4000.0, 1000.0).sentence("bfloat16", "float32")
'bfloat16 is faster than float32 (4× the throughput, beyond the 15 % run-to-run noise)'
>>> band_verdict((1.0, 1.05), (1.1, 1.2), DEFAULT_NOISE)
'no measurable difference'
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from greennb._validation import is_real, non_negative
from greennb.errors import InvalidValueError

LESS = "less"
MORE = "more"
NO_DIFFERENCE = "no measurable difference"
VERDICTS = (LESS, MORE, NO_DIFFERENCE)

#: Relative run-to-run noise floor (fraction) of two measurements of the same work with the
#: same method on the same machine; :mod:`greennb.energy._compare` says where 15 % comes from.
DEFAULT_NOISE = 0.15


def band_verdict(a: tuple[float, float], b: tuple[float, float], noise: float) -> str:
    """Return LESS, MORE or NO_DIFFERENCE for two ``(low, high)`` bands widened by ``noise``.

    Each band is widened by a factor ``sqrt(1 + noise)`` on both sides; a verdict is given only
    when the widened bands do not overlap (see the module docstring).
    """
    widen = math.sqrt(1 + noise)
    if a[1] * widen < b[0] / widen:
        return LESS
    if a[0] / widen > b[1] * widen:
        return MORE
    return NO_DIFFERENCE


def ratio_of(a: float, b: float) -> float:
    """Return ``a / b``; 1 when both are 0 and infinity when only b is."""
    if b > 0:
        return a / b
    return math.inf if a > 0 else 1.0


def format_ratio(ratio: float) -> str:
    return "∞×" if math.isinf(ratio) else f"{ratio:.3g}×"


def percent(fraction: float) -> str:
    return f"{fraction * 100:.3g} %"


FASTER = "faster"
SLOWER = "slower"
SPEED_MSG = (
    "{side} must be a throughput (a number > 0, e.g. predictions per second) or a non-empty "
    "sequence of them; got {value!r}."
)


@dataclass(frozen=True)
class SpeedComparison:
    """The verdict of :func:`compare_speed` on two throughputs.

    Attributes
    ----------
    verdict : str
        ``"faster"`` (a does more work per second than b), ``"slower"`` or
        ``"no measurable difference"``.
    ratio : float
        Median throughput of a over b's (2.0: a does twice the work per second).
    reason : str
        The noise the difference was weighed against.
    """

    verdict: str
    ratio: float
    reason: str

    def sentence(self, a_name: str, b_name: str) -> str:
        """Return the verdict as one sentence naming both sides.

        Examples
        --------
        >>> compare_speed(4000.0, 1000.0).sentence("bfloat16", "float32")
        'bfloat16 is faster than float32 (4× the throughput, beyond the 15 % run-to-run noise)'
        """
        detail = f"({format_ratio(self.ratio)} the throughput, {self.reason})"
        if self.verdict == NO_DIFFERENCE:
            return f"no measurable difference in speed between {a_name} and {b_name} {detail}"
        return f"{a_name} is {self.verdict} than {b_name} {detail}"


def _throughputs(side: str, value: Any) -> list[float]:
    samples = list(value) if isinstance(value, Sequence) else [value]
    if not samples or not all(is_real(s) and math.isfinite(s) and s > 0 for s in samples):
        raise InvalidValueError(SPEED_MSG.format(side=side, value=value))
    return [float(s) for s in samples]


def compare_speed(a: Any, b: Any, *, noise: float = DEFAULT_NOISE) -> SpeedComparison:
    """Compare two throughputs: "faster" or "slower" only beyond the run-to-run noise.

    The rule of :func:`compare_energy` for one method on one machine: each side's band is the
    range of its samples (one figure: the figure), both widened by the noise floor, and a
    verdict needs the bands apart. The energy floor applies to timings too: on CodeCarbon's
    load model the power is steady and a phase's energy follows its wall time.

    Parameters
    ----------
    a, b : float or sequence of float
        Throughputs (work per second, e.g. predictions per second), > 0; a sequence is a set
        of repeated timings of the same work.
    noise : float, default DEFAULT_NOISE (0.15)
        Relative run-to-run noise floor (fraction, >= 0).

    Returns
    -------
    SpeedComparison

    Raises
    ------
    greennb.errors.InvalidValueError
        If a throughput is not a number > 0, or ``noise`` is negative.

    Examples
    --------
    >>> compare_speed(1100.0, 1000.0).verdict
    'no measurable difference'
    >>> compare_speed([480.0, 500.0], 1000.0).verdict
    'slower'
    """
    noise = non_negative(noise, name="noise", unit="fraction")
    samples_a, samples_b = _throughputs("a", a), _throughputs("b", b)
    band = band_verdict((min(samples_a), max(samples_a)), (min(samples_b), max(samples_b)), noise)
    verdict = {LESS: SLOWER, MORE: FASTER}.get(band, NO_DIFFERENCE)
    decided = "beyond" if verdict != NO_DIFFERENCE else "within"
    ratio = ratio_of(statistics.median(samples_a), statistics.median(samples_b))
    return SpeedComparison(verdict, ratio, f"{decided} the {percent(noise)} run-to-run noise")
