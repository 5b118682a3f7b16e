"""The run record: one machine-readable ``metrics.json`` per notebook run.

A notebook creates a :class:`RunRecord` right after its parameters, adds what it measured
(one entry per model: task quality, energy per phase, fairness), saves its figures through
it, and ends with :meth:`RunRecord.write`. The schema is versioned
(:data:`~greennb.runs.SCHEMA_VERSION`) and checked by :func:`~greennb.runs.validate_metrics`
on write and on read, so a report never aggregates a malformed record.

Each model's phases are totalled by :func:`greennb.energy.total_energy` (no energy when a
phase has none) and priced by the record's :class:`greennb.energy.Pricing`, exactly as
:func:`greennb.evaluation.evaluate_variant` totals and prices them. Every phase keeps its
components' methods, parameters and intervals, its attribution and the independent estimate
(:meth:`greennb.energy.EnergyResult.to_dict`); the total keeps its interval, and the carbon
entry prices it bound by bound (``total_kwh_interval``, ``emissions_g_interval``). The record's
``energy_error_ranges`` gives, for each error range its phases use, the relative bounds and the
sources they come from (:data:`greennb.energy.ERROR_RANGES`).

Written by hand because no maintained library does this: papermill's companion scrapbook is
unmaintained, and MLflow-style trackers bring a server and a store of their own.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from greennb._json import to_json_value
from greennb._validation import is_real
from greennb.data import Dataset, Split
from greennb.energy import ERROR_RANGES, EnergyResult, Pricing, total_energy
from greennb.energy import close_session as close_energy_session
from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.fairness import SRIResult
from greennb.runs._environment import environment_info
from greennb.runs._folders import TMP_PREFIX, case_folder, reserve_folder
from greennb.runs._location import runs_root
from greennb.runs._schema import METRICS_FILE, SCHEMA_VERSION, validate_metrics

BAD_NAME_MSG = "{what} must be a non-empty name of letters, digits, '_', '-' or '.'; got {value!r}."
DUPLICATE_MODEL_MSG = "model {name!r} was already added to this run record; use a distinct name."
BAD_QUALITY_MSG = "quality must map metric names to finite numbers; {key!r} is {value!r}."
ALREADY_WRITTEN_MSG = "this run record was already written to {path}."
PRICING_TWICE_MSG = (
    "give the pricing either as pricing=Pricing(...) or as country/pue/renewable_share, "
    "not both; got pricing={pricing!r} and {given}."
)
NOT_PRICING_MSG = "pricing must be a greennb.energy.Pricing; got {type_name}."
#: The name of an interactive run's folder (``{stamp}``: UTC time to the microsecond).
INTERACTIVE_TEMPLATE = "interactive-{stamp}"


def _check_name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
        raise InvalidValueError(BAD_NAME_MSG.format(what=what, value=value))
    return value


def _pricing(pricing: Any, **triple: Any) -> Pricing:
    """Return the record's Pricing, from ``pricing=`` or from the keyword triple."""
    given = {name: value for name, value in triple.items() if value is not None}
    if pricing is None:
        return Pricing(**given)
    if not isinstance(pricing, Pricing):
        raise InvalidTypeError(NOT_PRICING_MSG.format(type_name=type(pricing).__name__))
    if given:
        raise InvalidValueError(PRICING_TWICE_MSG.format(pricing=pricing, given=given))
    return pricing


class RunRecord:
    """Collects what one notebook run measured and writes it as ``metrics.json``.

    Parameters
    ----------
    case : str
        Case name, e.g. ``"finance"``.
    parameters : mapping
        The notebook's parameters (JSON-serializable values).
    run_dir : str or path, optional
        Folder to write into; ``greennb run`` passes ``"."``, the kernel working in its
        (temporary) run folder. Empty or None in interactive use: a new folder
        ``<runs_root>/<case>/interactive-<UTC time>/`` is made, unique even for two
        notebooks started in the same microsecond.
    notebook : str, optional
        Notebook file name, for the record.
    country : str, optional
        3-letter ISO code of the grid used to price each model's energy; default
        :func:`greennb.energy.default_country`.
    pue : float, optional
        Power usage effectiveness applied to each model's computation energy (>= 1,
        dimensionless); default :data:`greennb.energy.DEFAULT_PUE`.
    renewable_share : float, optional
        ε, renewable share of the electricity bought (fraction in [0, 1]); default 0.
    pricing : Pricing, optional
        The three above as one :class:`greennb.energy.Pricing` (give one or the other).

    Attributes
    ----------
    run_dir : pathlib.Path
        Where ``metrics.json`` and the figures are written, as given (``"."`` in a
        ``greennb run``: the executed notebook shows no path of this machine).
    run_id : str
        The run folder relative to the run store, ``<case>/<run name>``, with its final name
        (a ``greennb run`` folder is renamed when complete): what ``metrics.json`` records
        as the ``run_dir`` parameter, never a path of this machine.
    pricing : Pricing
        Grid, PUE and ε at which every model's energy is priced (checked at construction,
        so a bad country fails before an hour of training, not after).

    Raises
    ------
    greennb.errors.InvalidValueError
        For a bad case name (or one, like ``'..'``, that leads out of the run store),
        parameters that are not JSON, an unknown country, ``pue < 1``,
        ε outside [0, 1], or ``pricing`` together with country/pue/renewable_share.
    greennb.errors.InvalidTypeError
        For a ``pricing`` that is not a :class:`~greennb.energy.Pricing`.
    """

    def __init__(
        self,
        case: str,
        *,
        parameters: Mapping[str, Any],
        run_dir: str | os.PathLike | None = None,
        notebook: str | None = None,
        country: str | None = None,
        pue: float | None = None,
        renewable_share: float | None = None,
        pricing: Pricing | None = None,
    ) -> None:
        self.case = _check_name(case, "case")
        case_dir = case_folder(runs_root(), self.case)
        self.parameters = to_json_value(dict(parameters))
        self.notebook = notebook
        self.pricing = _pricing(pricing, country=country, pue=pue, renewable_share=renewable_share)
        if run_dir:
            self.run_dir = Path(run_dir)
            self.run_dir.mkdir(parents=True, exist_ok=True)
        else:
            _, self.run_dir = reserve_folder(case_dir, INTERACTIVE_TEMPLATE, temporary=False)
        if "run_dir" in self.parameters:
            self.parameters["run_dir"] = self.run_id
        self._started_at = datetime.now(UTC)
        self._clock = time.perf_counter()
        self._dataset: dict[str, Any] = {}
        self._models: list[dict[str, Any]] = []
        self._sections: dict[str, Any] = {}
        self._figures: list[str] = []
        self._written: Path | None = None

    @property
    def run_id(self) -> str:
        """The run folder relative to the run store: ``<case>/<final run name>``."""
        folder = Path(os.path.abspath(self.run_dir))
        return f"{folder.parent.name}/{folder.name.removeprefix(TMP_PREFIX)}"

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
            The model entry as stored, with ``energy_total``
            (:meth:`greennb.energy.EnergyTotal.to_dict`: kWh, s, worst status, the phases and
            those ``missing`` an energy figure, the interval; no kWh when any is missing) and
            ``carbon`` (:meth:`greennb.energy.Pricing.price` of that total and its interval:
            facility kWh and g CO2e at the record's country, PUE and ε, each with its
            interval; None when the total is unavailable).
        """
        _check_name(name, "model name")
        if any(entry["name"] == name for entry in self._models):
            raise InvalidValueError(DUPLICATE_MODEL_MSG.format(name=name))
        for key, value in quality.items():
            if not is_real(value) or not math.isfinite(value):
                raise InvalidValueError(BAD_QUALITY_MSG.format(key=key, value=value))
        phases = dict(energy) if isinstance(energy, Mapping) else {r.phase: r for r in energy}
        if isinstance(fairness, SRIResult):
            fairness = {_metric_label(fairness): fairness}
        total = total_energy(phases.values())
        entry = {
            "name": name,
            "quality": {str(k): float(v) for k, v in quality.items()},
            "energy": {phase: result.to_dict() for phase, result in phases.items()},
            "energy_total": total.to_dict(),
            "fairness": {label: sri.to_dict() for label, sri in (fairness or {}).items()},
            "extra": to_json_value(dict(extra or {})),
            "carbon": self.pricing.price(
                total.interval if total.interval is not None else total.energy_kwh
            ),
        }
        self._models.append(to_json_value(entry))
        return self._models[-1]

    def add_section(self, key: str, value: Any) -> None:
        """Store any other result, converted by :func:`greennb._json.to_json_value`.

        A DataFrame becomes a list of rows, NaN becomes null, an unknown object its ``str``.
        """
        _check_name(key, "section key")
        self._sections[key] = to_json_value(value)

    def save_figure(self, figure: Any, name: str, *, dpi: int = 120) -> None:
        """Save a matplotlib figure (or the figure of an Axes) as ``<name>.png`` in the run.

        The file is ``run_dir / f"{name}.png"``, listed in the record's ``figures``. Nothing is
        returned, as matplotlib's ``savefig`` returns nothing: a notebook cell that ends with
        this call shows its figure, not a stray ``PosixPath('<name>.png')``.
        """
        _check_name(name, "figure name")
        figure = getattr(figure, "figure", figure)
        path = self.run_dir / f"{name}.png"
        figure.savefig(path, dpi=dpi, bbox_inches="tight")
        self._figures.append(path.name)

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
            "energy_error_ranges": _error_ranges(self._models),
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
        try:
            partial.write_text(json.dumps(record, indent=2, allow_nan=False), encoding="utf-8")
            os.replace(partial, path)
        except OSError:  # a full disk: no half-written file beside the run
            partial.unlink(missing_ok=True)
            raise
        self._written = path
        return path


def _error_ranges(models: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the error ranges the phases use: key → low, high (fractions) and source."""
    keys = {
        phase.get(f"{part}_parameters", {}).get("error_range", {}).get("key")
        for model in models
        for phase in model["energy"].values()
        for part in ("cpu", "gpu", "ram")
    }
    return {key: ERROR_RANGES[key].to_dict() for key in sorted(k for k in keys if k)}


def _metric_label(sri: SRIResult) -> str:
    return sri.metric if isinstance(sri.metric, str) else "+".join(sri.metric)
