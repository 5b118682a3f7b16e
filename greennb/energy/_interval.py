"""An energy figure with its uncertainty: a central value and a low–high interval, in kWh.

Every energy greennb reports is an :class:`EnergyInterval`: the central value the method gives,
and the range the method's cited error allows (see each method's docstring for its source).
Arithmetic keeps the interval honest:

- scaling by a known factor (PUE, a carbon intensity, ``1 / predictions``) scales all three;
- adding two figures adds the lows and the highs (the errors of one method on one machine are
  taken as fully correlated: the conservative, widest choice).

Examples
--------
>>> e = EnergyInterval.from_relative(2.0, low=-0.3, high=0.4)
>>> e.low, e.value, e.high
(1.4, 2.0, 2.8)
>>> (e * 1.5).high  # E_total = E × PUE
4.199999999999999
>>> (e + e).low
2.8
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from greennb._validation import real
from greennb.errors import InvalidValueError

ORDER_MSG = (
    "an interval needs low <= value <= high (kWh); got low={low}, value={value}, high={high}."
)
RELATIVE_MSG = "relative errors need low <= 0 <= high (fractions); got low={low}, high={high}."


@dataclass(frozen=True)
class EnergyInterval:
    """A central energy value and the interval the method's error allows (kWh).

    Attributes
    ----------
    value : float
        The central estimate or the measurement (kWh, >= 0).
    low, high : float
        The interval's bounds (kWh), ``low <= value <= high``.
    """

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        for name in ("value", "low", "high"):
            object.__setattr__(self, name, real(getattr(self, name), name=name, unit="kWh"))
        if not (self.low <= self.value <= self.high) or math.isnan(self.value):
            raise InvalidValueError(
                ORDER_MSG.format(low=self.low, value=self.value, high=self.high)
            )

    @classmethod
    def exact(cls, value: float) -> EnergyInterval:
        """Return an interval of zero width (a figure known exactly, e.g. no GPU: 0 kWh)."""
        return cls(value, value, value)

    @classmethod
    def from_relative(cls, value: float, *, low: float, high: float) -> EnergyInterval:
        """Build ``[value × (1 + low), value × (1 + high)]`` from relative errors.

        Parameters
        ----------
        value : float
            Central value (kWh, >= 0).
        low, high : float
            Relative errors as fractions, ``low <= 0 <= high`` (``-0.3`` means 30 % below).

        Returns
        -------
        EnergyInterval
            The interval, its low bound floored at 0 kWh.
        """
        if not (low <= 0 <= high):
            raise InvalidValueError(RELATIVE_MSG.format(low=low, high=high))
        return cls(value, max(value * (1 + low), 0.0), value * (1 + high))

    @property
    def width(self) -> float:
        """``high - low`` (kWh)."""
        return self.high - self.low

    def overlaps(self, other: EnergyInterval) -> bool:
        """Tell whether the two intervals share at least one value."""
        return self.low <= other.high and other.low <= self.high

    def __mul__(self, factor: float) -> EnergyInterval:
        factor = real(factor, name="factor")
        if factor < 0:
            raise InvalidValueError(f"an energy can only be scaled by a factor >= 0; got {factor}.")
        return EnergyInterval(self.value * factor, self.low * factor, self.high * factor)

    __rmul__ = __mul__

    def __add__(self, other: EnergyInterval) -> EnergyInterval:
        if not isinstance(other, EnergyInterval):
            return NotImplemented
        return EnergyInterval(
            self.value + other.value, self.low + other.low, self.high + other.high
        )

    def to_dict(self) -> dict[str, Any]:
        """Return ``value``, ``low`` and ``high`` (kWh) as a JSON-ready dict."""
        return dataclasses.asdict(self)
