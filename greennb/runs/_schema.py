"""The schema of ``metrics.json``, checked on write and on read: :func:`validate_metrics`.

A record is a JSON object with :data:`REQUIRED_KEYS`; each entry of its ``models`` list has
:data:`MODEL_KEYS`. The checks are those a report relies on: finite task quality, an energy
status on every phase, a method (non-empty) and an interval (``low <= value <= high``, its value
the figure's) for every component and total that has an energy, a total that is only a number
when every phase has one (and then ``carbon`` only priced on it, with its intervals), and
``R = A / B`` for every fairness entry. JSON has no NaN: a record holding one is refused (on
read as well, where Python's ``json`` would accept it). A record of an older schema version is
refused with the version and what to do: re-run the case (its energy figures have no method or
interval to migrate).

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
#: (no energy when a phase has none; a ``missing`` list of those phases). 1.2: every phase has
#: per-component methods, parameters and intervals, an attribution and the independent
#: estimate; ``energy_total`` and ``carbon`` carry intervals.
SCHEMA_VERSION = "1.2"
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
ENERGY_TOTAL_KEYS = ("energy_kwh", "duration_s", "status", "phases", "missing", "interval")
CARBON_KEYS = (
    "country",
    "pue",
    "renewable_share",
    "total_kwh",
    "emissions_g",
    "total_kwh_interval",
    "emissions_g_interval",
)
COMPONENTS = ("cpu", "gpu", "ram")
STATUSES = (STATUS_MEASURED, STATUS_ESTIMATED, STATUS_UNAVAILABLE)

SCHEMA_MSG = "metrics.json is not a valid greennb run record: {problem}"
OLD_VERSION_MSG = (
    "schema_version {found!r}, expected {expected!r}: this record was written by an older "
    "greennb, before energy figures carried their method and interval; re-run the case "
    "(greennb run <case>) to write a {expected} record"
)
#: Relative tolerance between an interval's value and the figure it belongs to.
VALUE_TOLERANCE = 1e-9


def _fail(problem: str) -> NoReturn:
    raise InvalidValueError(SCHEMA_MSG.format(problem=problem))


def _status(status: Any, where: str) -> None:
    if status not in STATUSES:
        _fail(f"{where} has status {status!r}; valid statuses: {', '.join(STATUSES)}")


def _interval(interval: Any, value: Any, where: str) -> None:
    """Check an interval against its figure: None with None, else low <= value <= high."""
    if value is None:
        if interval is not None:
            _fail(f"{where} has an interval but no energy")
        return
    if not isinstance(interval, Mapping):
        _fail(f"{where} has an energy but no interval (value, low, high)")
    bounds = [interval.get(key) for key in ("low", "value", "high")]
    if not all(is_real(b) for b in bounds) or not bounds[0] <= bounds[1] <= bounds[2]:
        _fail(f"{where} interval needs low <= value <= high; got {dict(interval)}")
    if is_real(value) and not math.isclose(bounds[1], value, rel_tol=VALUE_TOLERANCE):
        _fail(f"{where} interval value {bounds[1]} is not its figure {value}")


def _number_or_null(value: Any, where: str) -> None:
    """Refuse a figure that is neither null nor a finite number (text such as ``"abc"``)."""
    if value is not None and not (is_real(value) and math.isfinite(value)):
        _fail(f"{where} is {value!r}, not a finite number or null")


def _check_phase(phase: str, result: Any) -> None:
    _status(result.get("status") if isinstance(result, Mapping) else None, f"phase {phase!r}")
    for key in ("energy_kwh", "duration_s", *(f"{part}_energy_kwh" for part in COMPONENTS)):
        _number_or_null(result.get(key), f"phase {phase!r} {key}")
    for part in COMPONENTS:
        energy = result.get(f"{part}_energy_kwh")
        if energy is not None and not result.get(f"{part}_method"):
            _fail(f"phase {phase!r}: {part.upper()} has an energy but no method")
        _interval(result.get(f"{part}_interval"), energy, f"phase {phase!r} {part.upper()}")
    _interval(result.get("interval"), result.get("energy_kwh"), f"phase {phase!r}")


def _check_energy(model: Mapping[str, Any], name: str) -> None:
    for phase, result in model["energy"].items():
        _check_phase(phase, result)
    total = model["energy_total"]
    absent = [key for key in ENERGY_TOTAL_KEYS if key not in total]
    if absent:
        _fail(f"model {name!r}: energy_total lacks {absent}")
    _status(total["status"], f"model {name!r} energy_total")
    for key in ("energy_kwh", "duration_s"):
        _number_or_null(total[key], f"model {name!r} energy_total {key}")
    if total["missing"] and total["energy_kwh"] is not None:
        _fail(f"model {name!r}: energy_total sums part of the phases (missing {total['missing']})")
    if total["energy_kwh"] is None and total["status"] != STATUS_UNAVAILABLE:
        _fail(f"model {name!r}: energy_total has no energy but status {total['status']!r}")
    carbon = model["carbon"]
    absent = [key for key in CARBON_KEYS if key not in carbon]
    if absent:
        _fail(f"model {name!r}: carbon lacks {absent}")
    for key in ("pue", "renewable_share", "total_kwh", "emissions_g"):
        _number_or_null(carbon[key], f"model {name!r} carbon {key}")
    if total["energy_kwh"] is None and carbon["emissions_g"] is not None:
        _fail(f"model {name!r}: emissions are priced on an unavailable energy total")
    if total["interval"] is not None:
        _interval(total["interval"], total["energy_kwh"], f"model {name!r} energy_total")
    for key, value in (("total_kwh", "total_kwh"), ("emissions_g", "emissions_g")):
        if carbon[f"{key}_interval"] is not None:
            _interval(carbon[f"{key}_interval"], carbon[value], f"model {name!r} carbon {key}")


def _check_fairness(model: Mapping[str, Any], name: str) -> None:
    for label, sri in model["fairness"].items():
        r, a, b = sri.get("value"), sri.get("fairness_score"), sri.get("bar")
        if r is None:
            continue
        if not (is_real(r) and is_real(a) and is_real(b)) or not math.isclose(
            r, a / b, rel_tol=1e-9
        ):
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
        cannot hold, lacks a key, has another schema version (the message says to re-run the
        case), a ``models`` that is not a list, a model entry without its keys or named twice,
        a quality that is not a finite number, an unknown energy status, an energy without a
        method or interval, an interval out of order or not centred on its figure, an energy
        total over part of the phases, emissions priced on no energy, or a fairness entry whose
        R is not A / B.
    """
    if not isinstance(record, Mapping):
        _fail(f"the record must be a JSON object; got {type(record).__name__}")
    try:
        json.dumps(record, allow_nan=False)
    except (TypeError, ValueError) as error:
        _fail(f"it is not plain JSON (NaN and infinity are not JSON): {error}")
    _check_structure(record)


def _check_structure(record: Mapping[str, Any]) -> None:
    """Check what :func:`validate_metrics` checks beyond the record being plain JSON."""
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        _fail(f"missing keys {missing}")
    if record["schema_version"] != SCHEMA_VERSION:
        _fail(OLD_VERSION_MSG.format(found=record["schema_version"], expected=SCHEMA_VERSION))
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
    if not isinstance(record, Mapping):
        _fail(f"the record must be a JSON object; got {type(record).__name__}")
    # parsed from JSON text with NaN and infinity refused: plain JSON by construction, so the
    # costly round trip through json.dumps of validate_metrics is skipped (a third of a read)
    _check_structure(record)
    return record
