"""The run store: discover the case notebooks, check their parameters, execute them.

Case studies are the notebooks ``notebooks/NN_<case>.ipynb``; the case is the file name
without its number (``01_smart_city.ipynb`` → ``smart_city``). :func:`run_case` checks the
parameters against the notebook's ``parameters`` cell (read by papermill's
``inspect_notebook``), executes the notebook with papermill into a temporary folder and renames
that folder when the run is complete::

    papermill_runs/<case>/<UTC timestamp>-<parameter hash>/
        <notebook>.ipynb   the executed notebook
        params.json        the full parameter set (defaults included)
        metrics.json       the notebook's RunRecord (greennb.record)
        emissions*.csv     CodeCarbon's measurements
        *.png              the figures

A notebook that raises, or that ends without writing a valid ``metrics.json`` (papermill counts
``sys.exit(0)`` as success), leaves ``<name>.failed/`` with the partial notebook and an
``error.txt``, and :func:`run_case` raises :class:`RunFailed`: a folder with a final name is
always a complete run.

Examples
--------
>>> from greennb.runs import list_cases, run_case  # doctest: +SKIP
>>> list_cases()  # doctest: +SKIP
['getting_started', 'smart_city', 'medical', 'finance']
>>> result = run_case("finance", {"seed": 1}, progress=False)  # doctest: +SKIP
>>> result.metrics["models"][0]["quality"]  # doctest: +SKIP
{'accuracy': 0.9}
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
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from greennb._paths import shipped_folder
from greennb.energy import carbon_emissions, facility_energy, grid_carbon_intensity
from greennb.errors import InvalidValueError, RunFailed
from greennb.runs._record import METRICS_FILE, read_metrics
from greennb.runs._record import runs_root as default_runs_root

__all__ = [
    "NOTEBOOKS_DIR_ENV",
    "RunFailed",
    "RunResult",
    "case_parameters",
    "check_parameters",
    "list_cases",
    "list_runs",
    "notebook_path",
    "notebooks_dir",
    "resolve_parameters",
    "run_case",
    "run_cases",
]

NOTEBOOKS_DIR_ENV = "GREENNB_NOTEBOOKS_DIR"
#: ipykernel's native kernel: it runs with the interpreter that runs greennb. An explicit
#: name avoids papermill's failures on notebooks without a kernelspec (papermill #251, #761).
DEFAULT_KERNEL = "python3"
#: Parameters that the runner sets itself.
RESERVED_PARAMETERS = ("run_dir",)
PARAMS_FILE = "params.json"
ERROR_FILE = "error.txt"
TMP_PREFIX = ".tmp-"
FAILED_SUFFIX = ".failed"
HASH_LENGTH = 8
NOTEBOOK_PATTERN = re.compile(r"^(?P<number>\d+)_(?P<case>[A-Za-z0-9][A-Za-z0-9_]*)\.ipynb$")
#: Parameter types checked before execution, as papermill's inspection names them.
CHECKED_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "dict": dict}

# Error-message templates, kept here so that tests can match them.
NO_NOTEBOOKS_DIR_MSG = (
    "No notebooks folder at {path}. Set ${env} to the folder that holds the "
    "NN_<case>.ipynb notebooks."
)
DUPLICATE_CASE_MSG = "Case {case!r} is defined twice in {folder}: {files}."
UNKNOWN_CASE_MSG = "Unknown case {case!r}. Valid cases: {valid} (notebooks in {folder})."
NO_CASES_MSG = "No case to run: give at least one case name. Valid cases: {valid}."
UNKNOWN_PARAMETER_MSG = "Unknown parameter {name!r} for case {case!r}. Valid parameters: {valid}."
RESERVED_PARAMETER_MSG = (
    "Parameter {name!r} is set by the runner (every run gets its own folder in the run store); "
    "do not pass it. Choose where runs are stored with runs_root (greennb run --runs-dir)."
)
WRONG_TYPE_MSG = (
    "Parameter {name!r} of case {case!r} expects {expected} (default {default}); "
    "got {value!r} ({got})."
)
BAD_VALUE_MSG = "Parameter {name!r} of case {case!r}: {error}"
CELL_FAILED_MSG = (
    "case {case!r} failed in cell [{cell}] with {ename}: {evalue}\n{traceback}\n"
    "The partial run is kept in {path} (executed notebook and {error_file})."
)
EXECUTION_FAILED_MSG = (
    "case {case!r} could not be executed: {error}\n"
    "The partial run is kept in {path} (executed notebook and {error_file})."
)
NO_RECORD_MSG = (
    "case {case!r} finished without a valid {metrics}: {problem}. A notebook that ends early "
    "(sys.exit(0) counts as success for papermill) or never calls record.write() has no "
    "results. The partial run is kept in {path} (executed notebook and {error_file})."
)
WRONG_RECORD_CASE_MSG = "its record is for case {found!r}, not {case!r}"
INTERRUPTED_MSG = "case {case!r} was interrupted ({error}); the partial run is kept in {path}."
SOME_FAILED_MSG = "{failed} of {total} cases failed:\n{details}"


@dataclass(frozen=True)
class RunResult:
    """A finished run: its folder, parameters and record.

    Usable wherever a path is expected (``os.fspath(result)`` is the run folder).

    Attributes
    ----------
    case : str
        Case name.
    path : pathlib.Path
        The run folder, ``<runs_root>/<case>/<timestamp>-<hash>``.
    parameters : dict
        The full parameter set (defaults included; ``run_dir`` excluded), as in
        ``params.json``.
    metrics : dict
        The validated ``metrics.json``.
    wall_s : float
        Wall-clock time of the execution, kernel start-up included (s).
    """

    case: str
    path: Path
    parameters: dict[str, Any]
    metrics: dict[str, Any] = field(repr=False)
    wall_s: float

    def __fspath__(self) -> str:
        return str(self.path)


# --- Cases --------------------------------------------------------------------------------


def notebooks_dir() -> Path:
    """Return the folder of the case notebooks.

    Returns
    -------
    pathlib.Path
        ``$GREENNB_NOTEBOOKS_DIR`` if set; otherwise ``greennb/_notebooks`` if it exists (a
        wheel install puts ``notebooks/`` there); otherwise the repository's ``notebooks/``.
    """
    override = os.environ.get(NOTEBOOKS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return shipped_folder("_notebooks", "notebooks")


def _discover() -> dict[str, Path]:
    """Map case names to notebook paths, ordered by the notebooks' numbers."""
    folder = notebooks_dir()
    if not folder.is_dir():
        raise InvalidValueError(NO_NOTEBOOKS_DIR_MSG.format(path=folder, env=NOTEBOOKS_DIR_ENV))
    found: dict[str, Path] = {}
    matches = [(NOTEBOOK_PATTERN.match(p.name), p) for p in folder.glob("*.ipynb")]
    numbered = sorted((int(m["number"]), p.name, m["case"], p) for m, p in matches if m)
    for _, _, case, path in numbered:
        if case in found:
            files = [found[case].name, path.name]
            raise InvalidValueError(
                DUPLICATE_CASE_MSG.format(case=case, folder=folder, files=files)
            )
        found[case] = path
    return found


def list_cases() -> list[str]:
    """Return the case names, in the order of the notebooks' numbers.

    Returns
    -------
    list of str
        One name per ``NN_<case>.ipynb`` in :func:`notebooks_dir`; empty when none.
    """
    return list(_discover())


def notebook_path(case: str) -> Path:
    """Return the notebook of a case.

    Parameters
    ----------
    case : str
        Case name, e.g. ``"finance"`` for ``notebooks/03_finance.ipynb``.

    Raises
    ------
    ValueError
        For an unknown case, listing the valid ones.
    """
    cases = _discover()
    if case not in cases:
        raise InvalidValueError(
            UNKNOWN_CASE_MSG.format(case=case, valid=list(cases), folder=notebooks_dir())
        )
    return cases[case]


# --- Parameters ---------------------------------------------------------------------------


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


def _check_values(case: str, values: Mapping[str, Any]) -> None:
    """Check the pricing parameters every notebook shares, with the library's own checks."""
    checks = {
        "country": lambda v: grid_carbon_intensity(v),
        "pue": lambda v: facility_energy(0.0, pue=v),
        "renewable_share": lambda v: carbon_emissions(0.0, country="USA", renewable_share=v),
    }
    for name, check in checks.items():
        if name in values:
            try:
                check(values[name])
            except ValueError as error:
                raise InvalidValueError(
                    BAD_VALUE_MSG.format(name=name, case=case, error=error)
                ) from None


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
    ValueError
        For an unknown case or parameter (listing the valid ones), the reserved ``run_dir``,
        a value of the wrong type (naming the parameter, the expected type and the value),
        or an invalid ``country``, ``pue`` or ``renewable_share``.
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
    _check_values(case, checked)
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


# --- Execution ----------------------------------------------------------------------------


def _reserve(case_dir: Path, digest: str) -> tuple[str, Path]:
    """Create a unique temporary run folder; return the final name and the folder.

    ``mkdir`` is atomic, and final names are only made by renaming a temporary folder, so two
    concurrent runs never share a name.
    """
    case_dir.mkdir(parents=True, exist_ok=True)
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S_%fZ")
        name = f"{stamp}-{digest}"
        taken = (case_dir / name).exists() or (case_dir / f"{name}{FAILED_SUFFIX}").exists()
        if not taken:
            try:
                (case_dir / f"{TMP_PREFIX}{name}").mkdir()
                return name, case_dir / f"{TMP_PREFIX}{name}"
            except FileExistsError:
                pass
        time.sleep(1e-6)


def _engine_options(work: Path, ipc_dir: str | None) -> dict[str, Any]:
    """Options for papermill's nbclient engine: kernel working folder and transport.

    papermill's own ``cwd`` argument calls ``os.chdir`` in this process, which two runs in
    two threads would race on; nbclient's ``resources['metadata']['path']`` sets the kernel's
    working folder alone (papermill #316). On POSIX the kernel talks over IPC sockets in a
    private folder instead of TCP ports that concurrent kernels can collide on (papermill #511).
    """
    options: dict[str, Any] = {"resources": {"metadata": {"path": str(work)}}}
    if ipc_dir is not None:
        from traitlets.config import Config

        transport = {"transport": "ipc", "ip": os.path.join(ipc_dir, "kernel")}
        options["config"] = Config({"KernelManager": transport})
    return options


def _fail(work: Path, name: str, message: str) -> Path:
    """Write error.txt and rename the temporary folder to ``<name>.failed``."""
    failed = work.parent / f"{name}{FAILED_SUFFIX}"
    try:
        (work / ERROR_FILE).write_text(message + "\n", encoding="utf-8")
        os.rename(work, failed)
    except OSError:  # never leave a folder that could pass for a finished run
        shutil.rmtree(work, ignore_errors=True)
    return failed


def _execute(notebook: Path, work: Path, inject: dict[str, Any], **options) -> None:
    import papermill

    _quiet_run_dir_warnings()
    ipc_dir = tempfile.mkdtemp(prefix="greennb-ipc-") if os.name == "posix" else None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(work / notebook.name),
            parameters=inject,
            kernel_name=options["kernel"] or DEFAULT_KERNEL,
            progress_bar=options["progress"],
            execution_timeout=options["timeout"],
            **_engine_options(work, ipc_dir),
        )
    finally:
        if ipc_dir is not None:
            shutil.rmtree(ipc_dir, ignore_errors=True)


def _failure_message(case: str, error: Exception, failed: Path) -> tuple[str, dict[str, Any]]:
    from papermill.exceptions import PapermillExecutionError, strip_color

    if isinstance(error, PapermillExecutionError):
        info = {"ename": error.ename, "evalue": error.evalue}
        message = CELL_FAILED_MSG.format(
            case=case,
            cell=error.exec_count,
            traceback=strip_color("\n".join(error.traceback)),
            path=failed,
            error_file=ERROR_FILE,
            **info,
        )
        return message, info
    described = f"{type(error).__name__}: {error}"
    return EXECUTION_FAILED_MSG.format(
        case=case, error=described, path=failed, error_file=ERROR_FILE
    ), {}


def _checked_record(case: str, work: Path) -> dict[str, Any]:
    """Read the record the notebook wrote; raise ValueError describing what is wrong."""
    try:
        metrics = read_metrics(work / METRICS_FILE)
    except FileNotFoundError:
        raise InvalidValueError(f"{METRICS_FILE} was not written") from None
    except (ValueError, OSError) as error:  # json.JSONDecodeError is a ValueError
        raise InvalidValueError(str(error)) from None
    if metrics["case"] != case:
        raise InvalidValueError(WRONG_RECORD_CASE_MSG.format(found=metrics["case"], case=case))
    return metrics


def run_case(
    case: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    runs_root: str | os.PathLike | None = None,
    kernel_name: str | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> RunResult:
    """Execute a case notebook with papermill into the run store.

    Parameters
    ----------
    case : str
        Case name (see :func:`list_cases`).
    parameters : mapping, optional
        Parameter overrides, checked and converted by :func:`check_parameters` before anything
        runs; ``run_dir`` is set by the runner.
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    kernel_name : str, optional
        Jupyter kernel; default ``"python3"`` (ipykernel, this interpreter).
    progress : bool
        Show papermill's progress bar (cells).
    timeout : float, optional
        Longest time one cell may run (s); default no limit.

    Returns
    -------
    RunResult
        The finished run: ``runs_root/<case>/<UTC timestamp>-<parameter hash>``.

    Raises
    ------
    ValueError
        Bad case or parameters (nothing is executed).
    RunFailed
        A cell raised, or the notebook wrote no valid ``metrics.json``; the partial run is
        kept in ``<name>.failed/`` with ``error.txt``.
    """
    notebook = notebook_path(case)
    overrides = check_parameters(case, parameters)
    full = resolve_parameters(case, overrides)
    case_dir = Path(runs_root or default_runs_root()).resolve() / case
    name, work = _reserve(case_dir, _parameter_hash(full))
    (work / PARAMS_FILE).write_text(json.dumps(full, indent=2, default=str), encoding="utf-8")
    clock = time.perf_counter()
    try:
        inject = {**overrides, "run_dir": str(work)}
        _execute(notebook, work, inject, kernel=kernel_name, progress=progress, timeout=timeout)
    except Exception as error:
        failed = work.parent / f"{name}{FAILED_SUFFIX}"
        message, info = _failure_message(case, error, failed)
        raise RunFailed(message, case=case, path=_fail(work, name, message), **info) from error
    except BaseException as error:  # KeyboardInterrupt: no finished-looking folder either
        failed = work.parent / f"{name}{FAILED_SUFFIX}"
        _fail(work, name, INTERRUPTED_MSG.format(case=case, error=repr(error), path=failed))
        raise
    try:
        metrics = _checked_record(case, work)
    except ValueError as problem:
        failed = work.parent / f"{name}{FAILED_SUFFIX}"
        message = NO_RECORD_MSG.format(
            case=case, metrics=METRICS_FILE, problem=problem, path=failed, error_file=ERROR_FILE
        )
        raise RunFailed(message, case=case, path=_fail(work, name, message)) from None
    final = case_dir / name
    os.rename(work, final)
    return RunResult(case, final, full, metrics, time.perf_counter() - clock)


def run_cases(
    cases: Iterable[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    keep_going: bool = False,
    **options: Any,
) -> list[RunResult]:
    """Run several cases in order with the same parameter overrides.

    Every case's parameters are checked before the first notebook starts.

    Parameters
    ----------
    cases : iterable of str
        Case names; :func:`list_cases` for all of them.
    parameters : mapping, optional
        Overrides applied to every case (each must be a parameter of every case).
    keep_going : bool
        Run the remaining cases after a failure, then raise one :class:`RunFailed` listing all
        failures. Default: stop at the first failure. Either way the exception's ``results``
        hold the runs that finished.
    **options
        Passed to :func:`run_case` (``runs_root``, ``kernel_name``, ``progress``, ``timeout``).

    Returns
    -------
    list of RunResult
        One per case, in order.
    """
    cases = list(cases)
    if not cases:
        raise InvalidValueError(NO_CASES_MSG.format(valid=list_cases()))
    for case in cases:
        check_parameters(case, parameters)
    results, failures = [], []
    for case in cases:
        if options.get("progress", True):  # a heading for papermill's progress bar
            print(f"[greennb] {case} ({notebook_path(case).name})", file=sys.stderr, flush=True)
        try:
            results.append(run_case(case, parameters, **options))
        except RunFailed as failure:
            failure.results = list(results)
            if not keep_going:
                raise
            failures.append(failure)
    if failures:
        details = "\n\n".join(str(f) for f in failures)
        summary = RunFailed(
            SOME_FAILED_MSG.format(failed=len(failures), total=len(cases), details=details),
            case=failures[0].case,
            path=failures[0].path,
        )
        summary.failures, summary.results = failures, results
        raise summary
    return results


# --- The store ----------------------------------------------------------------------------


def list_runs(runs_root: str | os.PathLike | None = None, *, case: str | None = None) -> list[Path]:
    """Return the finished runs of the store, oldest first.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default ``$GREENNB_RUNS_DIR`` or ``./papermill_runs``.
    case : str, optional
        Only the runs of this case.

    Returns
    -------
    list of pathlib.Path
        Folders ``<case>/<name>`` holding a valid ``metrics.json``; temporary (``.tmp-*``),
        failed (``*.failed``) and hidden folders are ignored, and so is a folder whose record
        does not validate.
    """
    root = Path(runs_root or default_runs_root())
    if not root.is_dir():
        return []
    runs = []
    for case_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if case is not None and case_dir.name != case:
            continue
        for run in sorted(case_dir.iterdir()):
            if not run.is_dir() or run.name.startswith(".") or run.name.endswith(FAILED_SUFFIX):
                continue
            try:
                read_metrics(run / METRICS_FILE)
            except (OSError, ValueError):
                continue
            runs.append(run)
    return runs
