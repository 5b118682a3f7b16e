"""The schema of ``metrics.json``, checked on write and on read: :func:`validate_metrics`.

A record is a JSON object with :data:`REQUIRED_KEYS`; each entry of its ``models`` list has
:data:`MODEL_KEYS`. The checks are those a report relies on: finite task quality, an energy
status on every phase, a total that is only a number when every phase has one (and then
``carbon`` only priced on it), and ``R = A / B`` for every fairness entry. JSON has no NaN:
a record holding one is refused (on read as well, where Python's ``json`` would accept it).

Examples
--------
>>> validate_metrics({"schema_version": "0.9"})
Traceback (most recent call last):
...
greennb.errors.InvalidValueError: metrics.json is not a valid greennb run record: missing keys \
['case', 'parameters', 'dataset', 'models', 'environment', 'started_at', 'finished_at', \
'duration_s']
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from greennb._validation import is_real
from greennb.energy import STATUS_ESTIMATED, STATUS_MEASURED, STATUS_UNAVAILABLE
from greennb.errors import InvalidValueError

#: Version of the record layout. 1.1: ``energy_total`` is :func:`greennb.energy.total_energy`
#: (no energy when a phase has none; a ``missing`` list of those phases).
SCHEMA_VERSION = "1.1"
METRICS_FILE = "metrics.json"
REQUIRED_KEYS = (
    "schema_version",
    "case",
    "parameters",
    "dataset",
    "models",
    "environment",
    "started_at",
    "finished_at",
    "duration_s",
)
MODEL_KEYS = ("name", "quality", "energy", "energy_total", "carbon", "fairness")
ENERGY_TOTAL_KEYS = ("energy_kwh", "duration_s", "status", "phases", "missing")
CARBON_KEYS = ("country", "pue", "renewable_share", "total_kwh", "emissions_g")
STATUSES = (STATUS_MEASURED, STATUS_ESTIMATED, STATUS_UNAVAILABLE)

SCHEMA_MSG = "metrics.json is not a valid greennb run record: {problem}"


def _fail(problem: str) -> NoReturn:
    raise InvalidValueError(SCHEMA_MSG.format(problem=problem))


def _status(status: Any, where: str) -> None:
    if status not in STATUSES:
        _fail(f"{where} has status {status!r}; valid statuses: {', '.join(STATUSES)}")


def _check_energy(model: Mapping[str, Any], name: str) -> None:
    for phase, result in model["energy"].items():
        _status(result.get("status") if isinstance(result, Mapping) else None, f"phase {phase!r}")
    total = model["energy_total"]
    absent = [key for key in ENERGY_TOTAL_KEYS if key not in total]
    if absent:
        _fail(f"model {name!r}: energy_total lacks {absent}")
    _status(total["status"], f"model {name!r} energy_total")
    if total["missing"] and total["energy_kwh"] is not None:
        _fail(f"model {name!r}: energy_total sums part of the phases (missing {total['missing']})")
    if total["energy_kwh"] is None and total["status"] != STATUS_UNAVAILABLE:
        _fail(f"model {name!r}: energy_total has no energy but status {total['status']!r}")
    carbon = model["carbon"]
    absent = [key for key in CARBON_KEYS if key not in carbon]
    if absent:
        _fail(f"model {name!r}: carbon lacks {absent}")
    if total["energy_kwh"] is None and carbon["emissions_g"] is not None:
        _fail(f"model {name!r}: emissions are priced on an unavailable energy total")


def _check_fairness(model: Mapping[str, Any], name: str) -> None:
    for label, sri in model["fairness"].items():
        r, a, b = sri.get("value"), sri.get("fairness_score"), sri.get("bar")
        if r is None:
            continue
        if not (is_real(a) and is_real(b)) or not math.isclose(r, a / b, rel_tol=1e-9):
            _fail(f"model {name!r} fairness {label!r}: R={r} is not A/B={a}/{b}")


def _check_model(model: Any, seen: set[str]) -> None:
    if not isinstance(model, Mapping):
        _fail(f"a model entry must be a JSON object; got {type(model).__name__}")
    absent = [key for key in MODEL_KEYS if key not in model]
    if absent:
        _fail(f"model {model.get('name')!r} lacks {absent}")
    name = model["name"]
    if name in seen:
        _fail(f"model {name!r} appears more than once")
    seen.add(name)
    for key in MODEL_KEYS[1:]:
        if not isinstance(model[key], Mapping):
            _fail(f"model {name!r}: {key!r} must be a JSON object")
    for key, value in model["quality"].items():
        if not is_real(value) or not math.isfinite(value):
            _fail(f"model {name!r} quality {key!r} is {value!r}, not a finite number")
    _check_energy(model, name)
    _check_fairness(model, name)


def validate_metrics(record: Mapping[str, Any]) -> None:
    """Check a run record against the schema; raise InvalidValueError naming the first problem.

    Parameters
    ----------
    record : mapping
        A parsed ``metrics.json``.

    Raises
    ------
    greennb.errors.InvalidValueError
        (a ValueError) On a record that is not a JSON object, holds NaN or a value JSON
        cannot hold, lacks a key, has another schema version, a ``models`` that is not a list,
        a model entry without its keys or named twice, a quality that is not a finite number,
        an unknown energy status, an energy total over part of the phases, emissions priced
        on no energy, or a fairness entry whose R is not A / B.
    """
    if not isinstance(record, Mapping):
        _fail(f"the record must be a JSON object; got {type(record).__name__}")
    try:
        json.dumps(record, allow_nan=False)
    except (TypeError, ValueError) as error:
        _fail(f"it is not plain JSON (NaN and infinity are not JSON): {error}")
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        _fail(f"missing keys {missing}")
    if record["schema_version"] != SCHEMA_VERSION:
        _fail(f"schema_version {record['schema_version']!r}, expected {SCHEMA_VERSION!r}")
    if not isinstance(record["models"], list):
        _fail("'models' must be a list")
    seen: set[str] = set()
    for model in record["models"]:
        _check_model(model, seen)


def _refuse_constant(name: str) -> NoReturn:
    _fail(f"it holds {name}, which is not JSON (an undefined value is null)")


def read_metrics(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a ``metrics.json`` (or the one inside a run folder).

    Parameters
    ----------
    path : str or path
        The file, or the run folder that holds it.

    Returns
    -------
    dict
        The validated record.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    greennb.errors.InvalidValueError
        When the file is not JSON, holds ``NaN`` or ``Infinity``, or fails
        :func:`validate_metrics`.
    """
    path = Path(path)
    if path.is_dir():
        path = path / METRICS_FILE
    text = path.read_text(encoding="utf-8")
    try:
        record = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        _fail(f"it is not JSON: {error}")
    validate_metrics(record)
    return record
