"""The exceptions and warnings greennb raises, all under one base, :class:`GreennbError`.

Each subclass also derives from the built-in exception a Python user expects for that kind of
failure (``ValueError`` for a bad value, ``TypeError`` for a value of the wrong type, ...), so
``except ValueError`` keeps working, while ``except greennb.errors.GreennbError`` catches
everything greennb itself raises. Messages name the bad value and the valid choices; their
templates live, as constants, in the module that raises them, so tests can match them.

Examples
--------
>>> from greennb.errors import GreennbError, InvalidValueError
>>> issubclass(InvalidValueError, ValueError) and issubclass(InvalidValueError, GreennbError)
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "DatasetFileError",
    "DatasetOfflineError",
    "FairnessWarning",
    "GreennbError",
    "GreennbWarning",
    "InvalidTypeError",
    "InvalidValueError",
    "MissingDependencyError",
    "RunFailed",
    "SkippedRunWarning",
    "StateError",
    "UnsupportedModelError",
]


class GreennbError(Exception):
    """Base of every exception greennb raises."""


class InvalidValueError(GreennbError, ValueError):
    """A value outside its valid range or choices (an unknown name, a negative energy, ...)."""


class InvalidTypeError(GreennbError, TypeError):
    """A value of the wrong type (a string where a number of kWh is needed, ...)."""


class StateError(GreennbError, RuntimeError):
    """A call made in the wrong state (a record written twice, an epoch never started, ...)."""


class UnsupportedModelError(GreennbError, NotImplementedError):
    """A model that an operation does not support (FLOPs of a gradient-boosted model, ...)."""


class MissingDependencyError(GreennbError, ImportError):
    """An optional library that the requested feature needs is not installed."""


class DatasetFileError(GreennbError, OSError):
    """A shipped data file is missing or does not match its checksum."""


class DatasetOfflineError(GreennbError, OSError):
    """An online-only dataset was requested while offline; the message names shipped ones."""


class RunFailed(GreennbError, RuntimeError):
    """A case notebook failed; the message shows the failing cell's error.

    Attributes
    ----------
    case : str
        Case name.
    path : pathlib.Path or None
        The ``<name>.failed`` folder with the partial notebook and ``error.txt``.
    ename, evalue : str or None
        Exception name and value raised in the notebook, when a cell raised.
    failures : list of RunFailed
        For :func:`greennb.runs.run_cases` with ``keep_going=True``: every failure (else
        ``[self]``).
    results : list of greennb.runs.RunResult
        For :func:`greennb.runs.run_cases`: the runs that finished before (or, with
        ``keep_going=True``, besides) the failures.
    """

    def __init__(
        self,
        message: str,
        *,
        case: str,
        path: Path | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.case = case
        self.path = path
        self.ename = ename
        self.evalue = evalue
        self.failures: list[RunFailed] = [self]
        self.results: list[Any] = []


class GreennbWarning(UserWarning):
    """Base of the warnings greennb issues."""


class FairnessWarning(GreennbWarning):
    """A fairness figure is undefined or fragile (empty group, 0/0 rate, a group too small)."""


class SkippedRunWarning(GreennbWarning):
    """A run of the store left out of the report: a bad record, or a link out of the store."""
