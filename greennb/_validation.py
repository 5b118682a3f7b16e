"""The argument checks every subpackage shares, and their messages.

Each check returns the value in its plain Python type (``float``, ``int``, ``str``) or raises
:class:`~greennb.errors.InvalidTypeError` (wrong type) or
:class:`~greennb.errors.InvalidValueError` (out of range, not a valid choice) with a message
that names the argument, its unit, the bad value and what is valid. Booleans are never numbers
here (``True`` is an ``int`` to Python, but a PUE of ``True`` is a mistake).

Examples
--------
>>> positive(1.5, name="seconds", unit="s")
1.5
>>> fraction(1.2, name="renewable_share")
Traceback (most recent call last):
...
greennb.errors.InvalidValueError: renewable_share must be a number in [0, 1]; got 1.2.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from greennb.errors import InvalidTypeError, InvalidValueError

NOT_A_NUMBER_MSG = "{name} must be a real number{unit}; got {value!r} of type {type}."
NOT_AN_INTEGER_MSG = "{name} must be an integer{unit}; got {value!r} of type {type}."
POSITIVE_MSG = "{name} must be a finite number > 0{unit}; got {value!r}."
NON_NEGATIVE_MSG = "{name} must be a finite number >= 0{unit}; got {value!r}."
AT_LEAST_MSG = "{name} must be a finite number >= {minimum}{unit}; got {value!r}."
INTERVAL_MSG = "{name} must be a number in {interval}{unit}; got {value!r}."
INTEGER_MSG = "{name} must be an integer >= {minimum}{unit}; got {value!r}."
CHOICE_MSG = "Unknown {name} {value!r}; valid choices: {choices}."
MISSING_COLUMN_MSG = "{role} column {column!r} is not in the frame. Available columns: {available}."


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def is_real(value: Any) -> bool:
    """Tell whether ``value`` is a real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_integer(value: Any) -> bool:
    """Tell whether ``value`` is an integer that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def real(value: Any, *, name: str, unit: str = "") -> float:
    """Return ``value`` as a float, or raise InvalidTypeError naming it.

    Parameters
    ----------
    value : object
        The argument to check.
    name : str
        The argument's name, as the user wrote it.
    unit : str, optional
        Its unit, shown in the message (``"kWh"``, ``"s"``, ``"fraction"``).

    Returns
    -------
    float
        The value (NaN and infinities are let through; the range checks refuse them).
    """
    if not is_real(value):
        kind = type(value).__name__
        raise InvalidTypeError(
            NOT_A_NUMBER_MSG.format(name=name, unit=_unit(unit), value=value, type=kind)
        )
    return float(value)


def positive(value: Any, *, name: str, unit: str = "") -> float:
    """Return a finite number > 0 as a float (see :func:`real` for the parameters).

    Examples
    --------
    >>> positive(0, name="pue")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: pue must be a finite number > 0; got 0.
    """
    number = real(value, name=name, unit=unit)
    if not math.isfinite(number) or number <= 0:
        raise InvalidValueError(POSITIVE_MSG.format(name=name, unit=_unit(unit), value=value))
    return number


def non_negative(value: Any, *, name: str, unit: str = "") -> float:
    """Return a finite number >= 0 as a float (see :func:`real` for the parameters)."""
    number = real(value, name=name, unit=unit)
    if not math.isfinite(number) or number < 0:
        raise InvalidValueError(NON_NEGATIVE_MSG.format(name=name, unit=_unit(unit), value=value))
    return number


def at_least(value: Any, minimum: float, *, name: str, unit: str = "") -> float:
    """Return a finite number >= ``minimum`` as a float (e.g. a PUE, which is >= 1)."""
    number = real(value, name=name, unit=unit)
    if not math.isfinite(number) or number < minimum:
        raise InvalidValueError(
            AT_LEAST_MSG.format(name=name, minimum=minimum, unit=_unit(unit), value=value)
        )
    return number


def fraction(
    value: Any,
    *,
    name: str,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> float:
    """Return a number in [0, 1] as a float; ``low_open``/``high_open`` exclude 0 or 1.

    Parameters
    ----------
    value : object
        The argument to check.
    name : str
        The argument's name.
    low_open, high_open : bool, default False
        Exclude 0 (``(0, 1]``) or 1 (``[0, 1)``).
    unit : str, optional
        What the fraction is of, shown in the message.

    Returns
    -------
    float
        The fraction (NaN is refused).

    Examples
    --------
    >>> fraction(0.25, name="test_size", low_open=True, high_open=True)
    0.25
    """
    number = real(value, name=name, unit=unit)
    low_ok = number > 0 if low_open else number >= 0
    high_ok = number < 1 if high_open else number <= 1
    if not (low_ok and high_ok):  # NaN fails both
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise InvalidValueError(
            INTERVAL_MSG.format(name=name, interval=interval, unit=_unit(unit), value=value)
        )
    return number


def integer(value: Any, *, name: str, minimum: int = 0, unit: str = "") -> int:
    """Return an integer >= ``minimum`` as an int (bools and floats are refused).

    Examples
    --------
    >>> integer(3, name="epochs", minimum=1)
    3
    """
    if not is_integer(value):
        kind = type(value).__name__
        raise InvalidTypeError(
            NOT_AN_INTEGER_MSG.format(name=name, unit=_unit(unit), value=value, type=kind)
        )
    if value < minimum:
        raise InvalidValueError(
            INTEGER_MSG.format(name=name, minimum=minimum, unit=_unit(unit), value=value)
        )
    return int(value)


def one_of(value: Any, choices: Iterable[Any], *, name: str) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise naming the valid ones.

    Examples
    --------
    >>> one_of("cpu", ("auto", "cuda", "cpu"), name="device")
    'cpu'
    >>> one_of("tpu", ("auto", "cuda", "cpu"), name="device")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: Unknown device 'tpu'; valid choices: auto, cuda, cpu.
    """
    valid = list(choices)
    try:
        known = value in valid
    except TypeError:  # an unhashable value against a mapping's keys
        known = False
    if not known:
        shown = ", ".join(map(str, valid))
        raise InvalidValueError(CHOICE_MSG.format(name=name, value=value, choices=shown))
    return value


def require_columns(frame: Any, columns: Sequence[str], *, role: str) -> None:
    """Raise InvalidValueError naming the first of ``columns`` that ``frame`` lacks.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to look in.
    columns : sequence of str
        Column names that must be present.
    role : str
        What the columns are for (``"sensitive"``, ``"target"``), shown in the message.
    """
    for column in columns:
        if column not in frame.columns:
            available = ", ".join(map(str, frame.columns))
            raise InvalidValueError(
                MISSING_COLUMN_MSG.format(role=role, column=column, available=available)
            )
