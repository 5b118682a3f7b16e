"""Case parameters: read from a notebook's ``parameters`` cell, checked, converted, completed.

papermill's ``inspect_notebook`` reads the typed parameter lines
(``epochs: int = 5  # training epochs``) of a case notebook: name, type, default and help.
:func:`check_parameters` refuses an unknown parameter, the reserved ``run_dir`` and a value of
the wrong type before anything runs, converts command-line text to the parameter's type, and
checks every value against the case's table of allowed values
(:mod:`greennb.runs._allowed_values`: choices, ranges, which datasets fit the case).

Examples
--------
>>> from greennb.runs import check_parameters
>>> check_parameters("finance", {"seed": "3", "pue": "1.2"})  # doctest: +SKIP
{'seed': 3, 'pue': 1.2}
"""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import json
import logging
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from greennb.errors import InvalidValueError
from greennb.runs._allowed_values import allowed_values, check_parameter_values
from greennb.runs._catalogue import list_cases, notebook_path

#: Parameters that the runner sets itself.
RESERVED_PARAMETERS = ("run_dir",)
#: Length of the parameter hash in run-folder names (hex digits).
HASH_LENGTH = 8
#: Parameter types checked before execution, as papermill's inspection names them.
CHECKED_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "dict": dict}

# Error-message templates, kept here so that tests can match them.
UNKNOWN_PARAMETER_MSG = "Unknown parameter {name!r} for case {case!r}. Valid parameters: {valid}."
RESERVED_PARAMETER_MSG = (
    "Parameter {name!r} is set by the runner (every run gets its own folder in the run store); "
    "do not pass it. Choose where runs are stored with runs_root (greennb run --runs-dir)."
)
WRONG_TYPE_MSG = (
    "Parameter {name!r} of case {case!r} expects {expected} (default {default}); "
    "got {value!r} ({got})."
)
PARAMETERS_FILE_UNREADABLE_MSG = "cannot read the parameters file {path}: {error}"
PARAMETERS_FILE_MSG = "parameters file {path} must hold a mapping of names to values; got {kind}."


def _base_type(annotation: str, default: Any, literal: bool) -> str | None:
    """Return the checked type name of a parameter, or None when any value is accepted."""
    base = annotation.split("[")[0].strip().lower()
    if base in CHECKED_TYPES:
        return base
    if annotation in ("None", "") and literal and default is not None:
        name = type(default).__name__
        return name if name in CHECKED_TYPES else None
    return None


def _parse_default(source: str) -> tuple[Any, bool]:
    try:
        return ast.literal_eval(source), True
    except (ValueError, SyntaxError):
        return source, False


class _RunDirWarningFilter(logging.Filter):
    """Drop papermill's warnings about ``run_dir``, the parameter the runner always injects.

    papermill's inspection skips a parameter line with two ``=`` signs (the conventional help
    of ``run_dir`` has one: "empty = a new interactive folder") and then calls the injected
    ``run_dir`` unknown; the notebook still receives it, so these warnings are noise here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == "Passed unknown parameter: run_dir":
            return False
        return not (message.startswith("Unable to parse line") and "run_dir" in message)


_RUN_DIR_FILTER = _RunDirWarningFilter()


def _quiet_run_dir_warnings() -> None:
    """Install the filter on papermill's loggers (idempotent; filters do not propagate)."""
    for name in ("papermill", "papermill.translators"):
        logging.getLogger(name).addFilter(_RUN_DIR_FILTER)


@functools.lru_cache(maxsize=64)
def _inspect(path: str, mtime_ns: int) -> dict[str, dict[str, Any]]:
    """Inspect a parameters cell with papermill (imported lazily: it is slow).

    Cached per file version, so that papermill's warning on a line it cannot parse appears once.
    """
    from papermill import inspect_notebook

    _quiet_run_dir_warnings()
    specs = {}
    for name, found in inspect_notebook(path).items():
        default, literal = _parse_default(found["default"])
        specs[name] = {
            "name": name,
            "type": _base_type(found["inferred_type_name"], default, literal),
            "annotation": found["inferred_type_name"],
            "default": default,
            "default_source": found["default"],
            "literal": literal,
            "help": found["help"],
        }
    return specs


def _specs(case: str) -> dict[str, dict[str, Any]]:
    path = notebook_path(case)
    return copy.deepcopy(_inspect(str(path), path.stat().st_mtime_ns))


def case_parameters(case: str) -> pd.DataFrame:
    """Return the parameters of a case notebook, as papermill's ``inspect_notebook`` reads them.

    Parameters
    ----------
    case : str
        Case name.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``name``, ``type`` (``int``, ``float``, ``bool``, ``str``,
        ``list``, ``dict``, or None when unchecked), ``default`` (the Python value), ``help``
        and ``reserved`` (True for ``run_dir``, which the runner sets).
    """
    rows = [
        {
            "name": spec["name"],
            "type": spec["type"],
            "default": spec["default"],
            "help": spec["help"],
            "reserved": spec["name"] in RESERVED_PARAMETERS,
        }
        for spec in _specs(case).values()
    ]
    return pd.DataFrame(rows, columns=["name", "type", "default", "help", "reserved"])


def parameters_table() -> pd.DataFrame:
    """Return the parameters users can set, of every case (what ``greennb list`` shows).

    Returns
    -------
    pandas.DataFrame
        One row per case and parameter, cases in :func:`~greennb.runs.list_cases` order:
        ``case``, ``notebook`` (file name), ``name``, ``type`` (``"any"`` when unchecked),
        ``default``, ``help`` and ``allowed`` (the values the case allows, in words; ``""``
        when only the type is checked); the reserved ``run_dir`` is left out.
    """
    columns = ["case", "notebook", "name", "type", "default", "help", "allowed"]
    frames = []
    for case in list_cases():
        table = case_parameters(case)
        table = table[~table["reserved"]].drop(columns="reserved")
        table["type"] = table["type"].fillna("any")
        table["allowed"] = table["name"].map(allowed_values(case, list(table["name"])))
        frames.append(table.assign(case=case, notebook=notebook_path(case).name)[columns])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _parse_text(text: str, expected: str | None) -> Any:
    """Turn a command-line string into a value of the expected type.

    Strings stay strings (YAML would read ``NO`` as False); floats go through ``float`` first
    (YAML 1.1 reads ``1e-3`` as a string); everything else through ``yaml.safe_load``, so
    ``[0.1, 0.2]`` is a list.
    """
    import yaml  # a papermill dependency

    if expected == "str":
        return text
    if expected == "float":
        try:
            return float(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _coerce(case: str, spec: dict[str, Any], given: Any) -> Any:
    expected = spec["type"]
    value = _parse_text(given, expected) if isinstance(given, str) else given
    if expected is None:
        return value
    if isinstance(value, tuple) and expected == "list":
        value = list(value)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "float" and is_number and math.isfinite(value):
        return float(value)
    if expected == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, CHECKED_TYPES[expected]) and not (
        expected == "int" and isinstance(value, bool)
    ):
        return value
    raise InvalidValueError(
        WRONG_TYPE_MSG.format(
            name=spec["name"],
            case=case,
            expected=expected,
            default=spec["default_source"],
            value=given,
            got=f"text read as {type(value).__name__}"
            if isinstance(given, str)
            else type(value).__name__,
        )
    )


def check_parameters(case: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check and convert parameters for a case, before anything is executed.

    Parameters
    ----------
    case : str
        Case name.
    parameters : mapping, optional
        Parameter names to values. Strings are converted to the parameter's type (``"5"`` for
        an ``int``, ``"[0.1, 0.2]"`` for a ``list``, via YAML), so command-line values work.

    Returns
    -------
    dict
        The given parameters, converted.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown case or parameter (listing the valid ones), the reserved ``run_dir``,
        a value of the wrong type (naming the parameter, the expected type and the value),
        or a value the case does not allow (:func:`check_parameter_values`, which also checks
        the defaults that a given value depends on, e.g. ``sensitive`` for a new ``dataset``).
    """
    specs = _specs(case)
    checked = {}
    for name, value in (parameters or {}).items():
        if name in RESERVED_PARAMETERS:
            raise InvalidValueError(RESERVED_PARAMETER_MSG.format(name=name))
        if name not in specs:
            valid = [n for n in specs if n not in RESERVED_PARAMETERS]
            raise InvalidValueError(UNKNOWN_PARAMETER_MSG.format(name=name, case=case, valid=valid))
        checked[name] = _coerce(case, specs[name], value)
    defaults = {n: s["default"] for n, s in specs.items() if s["literal"]}
    check_parameter_values(case, {**defaults, **checked})
    return checked


def resolve_parameters(case: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the full parameter set of a run: the notebook's defaults updated by ``parameters``.

    Parameters
    ----------
    case : str
        Case name.
    parameters : mapping, optional
        Overrides, checked by :func:`check_parameters`.

    Returns
    -------
    dict
        Every parameter except ``run_dir``; a default that is not a Python literal is kept as
        its source text.
    """
    specs = _specs(case)
    full = {n: s["default"] for n, s in specs.items() if n not in RESERVED_PARAMETERS}
    full.update(check_parameters(case, parameters))
    return full


def _parameter_hash(parameters: Mapping[str, Any]) -> str:
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def read_parameters_file(path: str | os.PathLike) -> dict[str, Any]:
    """Read a YAML or JSON file of parameters, e.g. a run's ``params.json`` to reproduce it.

    Parameters
    ----------
    path : str or path
        The file; JSON is YAML, so both work.

    Returns
    -------
    dict
        Parameter names to values (not yet checked: pass them to :func:`check_parameters`).

    Raises
    ------
    greennb.errors.InvalidValueError
        When the file cannot be read or parsed, or does not hold a mapping.
    """
    import yaml  # a papermill dependency

    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidValueError(
            PARAMETERS_FILE_UNREADABLE_MSG.format(path=path, error=error)
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidValueError(PARAMETERS_FILE_MSG.format(path=path, kind=type(loaded).__name__))
    return loaded
