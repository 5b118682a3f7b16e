"""The run record: one machine-readable ``metrics.json`` per notebook run.

A notebook creates a :class:`RunRecord` right after its parameters, adds what it measured
(one entry per model: task quality, energy per phase, fairness), saves its figures through
it, and ends with :meth:`RunRecord.write`. The schema is versioned
(:data:`SCHEMA_VERSION`) and checked by :func:`validate_metrics` on write and on read, so a
report never aggregates a malformed record.

Written by hand because no maintained library does this: papermill's companion scrapbook is
unmaintained, and MLflow-style trackers bring a server and a store of their own.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greennb.data import Dataset, Split
from greennb.energy import (
    DEFAULT_PUE,
    EnergyResult,
    carbon_emissions,
    default_country,
    facility_energy,
    worst_status,
)
from greennb.energy import close_session as close_energy_session
from greennb.errors import InvalidValueError, StateError
from greennb.fairness import SRIResult

SCHEMA_VERSION = "1.0"
METRICS_FILE = "metrics.json"
RUNS_DIR_ENV = "GREENNB_RUNS_DIR"
#: Library versions recorded with every run (distribution names).
RECORDED_LIBRARIES = (
    "greennb",
    "torch",
    "scikit-learn",
    "fairlearn",
    "codecarbon",
    "pandas",
    "numpy",
    "papermill",
)
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

BAD_NAME_MSG = "{what} must be a non-empty name of letters, digits, '_', '-' or '.'; got {value!r}."
DUPLICATE_MODEL_MSG = "model {name!r} was already added to this run record; use a distinct name."
BAD_QUALITY_MSG = "quality must map metric names to finite numbers; {key!r} is {value!r}."
NOT_JSON_MSG = "{what} is not JSON-serializable: {error}"
SCHEMA_MSG = "metrics.json is not a valid greennb run record: {problem}"
ALREADY_WRITTEN_MSG = "this run record was already written to {path}."


def runs_root() -> Path:
    """Return the folder of the run store (``papermill_runs/``).

    Returns
    -------
    pathlib.Path
        ``$GREENNB_RUNS_DIR`` if set, else ``papermill_runs`` in the current directory.
    """
    return Path(os.environ.get(RUNS_DIR_ENV) or "papermill_runs")


def _check_name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
        raise InvalidValueError(BAD_NAME_MSG.format(what=what, value=value))
    return value


def to_json_value(value: Any) -> Any:
    """Convert numpy/pandas values to plain JSON types; NaN and infinities become None.

    Parameters
    ----------
    value : object
        A number, string, mapping, sequence, DataFrame/Series or object with ``to_dict``.

    Returns
    -------
    object
        The same content built from dict, list, str, int, float, bool and None.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.DataFrame):
        return [to_json_value(row) for row in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [to_json_value(v) for v in value]
    if hasattr(value, "to_dict"):
        return to_json_value(value.to_dict())
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _versions() -> dict[str, str | None]:
    versions = {}
    for name in RECORDED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def environment_info() -> dict[str, Any]:
    """Describe the machine and software of this run (for reproducibility).

    Returns
    -------
    dict
        Python version, platform, CPU count, library versions and the accelerator that
        :func:`greennb.select_device` picks (CUDA, then MPS, then CPU).
    """
    from greennb.models import describe_device, select_device

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "libraries": _versions(),
        "device": describe_device(select_device("auto")),
    }


class RunRecord:
    """Collects what one notebook run measured and writes it as ``metrics.json``.

    Parameters
    ----------
    case : str
        Case name, e.g. ``"finance"``.
    parameters : mapping
        The notebook's parameters (JSON-serializable values).
    run_dir : str or path, optional
        Folder to write into; ``greennb run`` passes its (temporary) run folder. Empty or None
        in interactive use: a folder ``<runs_root>/<case>/interactive-<UTC time>/`` is made.
    notebook : str, optional
        Notebook file name, for the record.
    country : str, optional
        3-letter ISO code of the grid used to price each model's energy; default
        :func:`greennb.default_country`.
    pue : float
        Power usage effectiveness applied to each model's computation energy (>= 1).
    renewable_share : float
        ε, renewable share of the electricity bought (0–1).

    Attributes
    ----------
    run_dir : pathlib.Path
        Where ``metrics.json`` and the figures are written.
    """

    def __init__(
        self,
        case: str,
        *,
        parameters: Mapping[str, Any],
        run_dir: str | os.PathLike | None = None,
        notebook: str | None = None,
        country: str | None = None,
        pue: float = DEFAULT_PUE,
        renewable_share: float = 0.0,
    ) -> None:
        self.case = _check_name(case, "case")
        self.parameters = self._json_checked(dict(parameters), "parameters")
        self.notebook = notebook
        self.country = country or default_country()
        # Validate the pricing inputs now, not after an hour of training.
        facility_energy(0.0, pue=pue)
        carbon_emissions(0.0, country=self.country, renewable_share=renewable_share)
        self.pue = float(pue)
        self.renewable_share = float(renewable_share)
        if run_dir:
            self.run_dir = Path(run_dir)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            self.run_dir = runs_root() / self.case / f"interactive-{stamp}"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._started_at = datetime.now(UTC)
        self._clock = time.perf_counter()
        self._dataset: dict[str, Any] = {}
        self._models: list[dict[str, Any]] = []
        self._sections: dict[str, Any] = {}
        self._figures: list[str] = []
        self._written: Path | None = None

    @staticmethod
    def _json_checked(value: Any, what: str) -> Any:
        converted = to_json_value(value)
        try:
            json.dumps(converted, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise InvalidValueError(NOT_JSON_MSG.format(what=what, error=error)) from error
        return converted

    def set_dataset(self, dataset: Dataset, split: Split | None = None) -> None:
        """Record the dataset (name, size, target, sensitive columns, source) and split sizes."""
        self._dataset = {
            "name": dataset.name,
            "task": dataset.task,
            "rows": int(len(dataset.frame)),
            "target": dataset.target,
            "target_unit": dataset.target_unit,
            "positive_label": to_json_value(dataset.positive_label),
            "sensitive": list(dataset.sensitive),
            "n_features": len(dataset.features),
            "source": dataset.source,
        }
        if split is not None:
            self._dataset["train_rows"] = int(len(split.X_train))
            self._dataset["test_rows"] = int(len(split.X_test))

    def add_model(
        self,
        name: str,
        *,
        quality: Mapping[str, float],
        energy: Mapping[str, EnergyResult] | Sequence[EnergyResult] = (),
        fairness: SRIResult | Mapping[str, SRIResult] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Add one model's results: task quality, energy per phase, fairness.

        Parameters
        ----------
        name : str
            Model name, unique within the run (e.g. ``"logistic"``, ``"mlp"``).
        quality : mapping of str to float
            Task metrics, e.g. ``{"accuracy": 0.91}`` or ``{"mae": 1.2}`` (target units).
        energy : mapping of phase to EnergyResult, or sequence of EnergyResult
            The tracked phases of this model (train, inference...).
        fairness : SRIResult or mapping of str to SRIResult, optional
            The social responsibility index, or several keyed by a label
            (e.g. ``{"equal_opportunity": ..., "equalized_odds": ...}``); the first is the
            headline used by reports.
        extra : mapping, optional
            Anything else JSON-serializable (parameter count, FLOPs, device...).

        Returns
        -------
        dict
            The model entry as stored, with ``energy_total`` (kWh, worst status) and
            ``carbon`` (facility energy and g CO2e at the record's country, PUE and ε).
        """
        _check_name(name, "model name")
        if any(entry["name"] == name for entry in self._models):
            raise InvalidValueError(DUPLICATE_MODEL_MSG.format(name=name))
        for key, value in quality.items():
            if not isinstance(value, (int, float, np.number)) or not math.isfinite(value):
                raise InvalidValueError(BAD_QUALITY_MSG.format(key=key, value=value))
        phases = dict(energy) if isinstance(energy, Mapping) else {r.phase: r for r in energy}
        if isinstance(fairness, SRIResult):
            fairness = {_metric_label(fairness): fairness}
        entry = {
            "name": name,
            "quality": {str(k): float(v) for k, v in quality.items()},
            "energy": {phase: result.to_dict() for phase, result in phases.items()},
            "energy_total": self._energy_total(phases.values()),
            "fairness": {label: sri.to_dict() for label, sri in (fairness or {}).items()},
            "extra": self._json_checked(dict(extra or {}), f"extra of model {name!r}"),
        }
        entry["carbon"] = self._carbon(entry["energy_total"]["energy_kwh"])
        self._models.append(self._json_checked(entry, f"model {name!r}"))
        return self._models[-1]

    @staticmethod
    def _energy_total(results) -> dict[str, Any]:
        results = list(results)
        known = [r.energy_kwh for r in results if r.energy_kwh is not None]
        return {
            "energy_kwh": sum(known) if known else None,
            "duration_s": sum(r.duration_s for r in results),
            "status": worst_status([r.status for r in results]),
            "phases": [r.phase for r in results],
        }

    def _carbon(self, computation_kwh: float | None) -> dict[str, Any]:
        settings = {
            "country": self.country,
            "pue": self.pue,
            "renewable_share": self.renewable_share,
        }
        if computation_kwh is None:
            return {**settings, "total_kwh": None, "emissions_g": None}
        facility = facility_energy(computation_kwh, pue=self.pue)
        kg = carbon_emissions(
            facility.total_kwh, country=self.country, renewable_share=self.renewable_share
        )
        return {**settings, "total_kwh": facility.total_kwh, "emissions_g": 1000.0 * kg}

    def add_section(self, key: str, value: Any) -> None:
        """Store any other JSON-serializable result (a DataFrame becomes a list of rows)."""
        _check_name(key, "section key")
        self._sections[key] = self._json_checked(value, f"section {key!r}")

    def save_figure(self, figure: Any, name: str, *, dpi: int = 120) -> Path:
        """Save a matplotlib figure (or the figure of an Axes) as ``<name>.png`` in the run.

        Returns
        -------
        pathlib.Path
            Path of the PNG file.
        """
        _check_name(name, "figure name")
        figure = getattr(figure, "figure", figure)
        path = self.run_dir / f"{name}.png"
        figure.savefig(path, dpi=dpi, bbox_inches="tight")
        self._figures.append(path.name)
        return path

    def to_dict(self) -> dict[str, Any]:
        """Return the record as it will be written (plain JSON types)."""
        finished = datetime.now(UTC)
        return {
            "schema_version": SCHEMA_VERSION,
            "case": self.case,
            "notebook": self.notebook,
            "parameters": self.parameters,
            "seed": self.parameters.get("seed"),
            "dataset": self._dataset,
            "models": self._models,
            "sections": self._sections,
            "figures": self._figures,
            "environment": environment_info(),
            "started_at": self._started_at.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_s": time.perf_counter() - self._clock,
        }

    def write(self, *, close_energy: bool = True) -> Path:
        """Validate and write ``metrics.json`` atomically; return its path.

        Parameters
        ----------
        close_energy : bool
            Close the energy session first, so that CodeCarbon writes its emissions CSV
            into its output folder (see :func:`greennb.configure`).
        """
        if self._written is not None:
            raise StateError(ALREADY_WRITTEN_MSG.format(path=self._written))
        if close_energy:
            close_energy_session()
        record = self.to_dict()
        validate_metrics(record)
        path = self.run_dir / METRICS_FILE
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(record, indent=2, allow_nan=False), encoding="utf-8")
        os.replace(partial, path)
        self._written = path
        return path


def _metric_label(sri: SRIResult) -> str:
    return sri.metric if isinstance(sri.metric, str) else "+".join(sri.metric)


def validate_metrics(record: Mapping[str, Any]) -> None:
    """Check a run record against the schema; raise ValueError naming the first problem.

    Parameters
    ----------
    record : mapping
        A parsed ``metrics.json``.

    Raises
    ------
    ValueError
        On a missing key, another schema version, a model without its required keys, or a
        fairness entry whose R is not A / B.
    """

    def fail(problem: str) -> None:
        raise InvalidValueError(SCHEMA_MSG.format(problem=problem))

    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        fail(f"missing keys {missing}")
    if record["schema_version"] != SCHEMA_VERSION:
        fail(f"schema_version {record['schema_version']!r}, expected {SCHEMA_VERSION!r}")
    if not isinstance(record["models"], list):
        fail("'models' must be a list")
    for model in record["models"]:
        absent = [key for key in MODEL_KEYS if key not in model]
        if absent:
            fail(f"model {model.get('name')!r} lacks {absent}")
        for label, sri in model["fairness"].items():
            r, a, b = sri.get("value"), sri.get("fairness_score"), sri.get("bar")
            if r is not None and not math.isclose(r, a / b, rel_tol=1e-9):
                fail(f"model {model['name']!r} fairness {label!r}: R={r} is not A/B={a}/{b}")


def read_metrics(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a ``metrics.json`` (or the one inside a run folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / METRICS_FILE
    record = json.loads(path.read_text(encoding="utf-8"))
    validate_metrics(record)
    return record
