"""Runs: the run record (``metrics.json``), the case catalogue and the papermill run store.

- :mod:`~greennb.runs._record`: :class:`RunRecord`, what a notebook run measured;
- :mod:`~greennb.runs._schema`: the ``metrics.json`` schema, :func:`validate_metrics`,
  :func:`read_metrics`;
- :mod:`~greennb.runs._environment`: :func:`environment_info` (machine, libraries, device);
- :mod:`~greennb.runs._location`: :func:`runs_root`, where the run store is;
- :mod:`~greennb.runs._catalogue`: the case notebooks, :func:`list_cases`, :func:`notebook_path`;
- :mod:`~greennb.runs._parameters`: a case's parameters, read by papermill and checked;
- :mod:`~greennb.runs._listing`: :func:`parameters_listing`, what ``greennb list`` prints;
- :mod:`~greennb.runs._allowed_values`: the table of every parameter's allowed values,
  :func:`check_parameter_values`, :func:`parse_timeout` (its rule kinds in
  :mod:`~greennb.runs._parameter_rules`);
- :mod:`~greennb.runs._start`: :func:`start_run`, a case notebook's record from its parameters;
- :mod:`~greennb.runs._store`: :func:`run_case`, :func:`run_cases`, :func:`list_runs`;
- :mod:`~greennb.runs._folders`: unique run folders, :func:`find_leftovers` and
  :func:`remove_leftovers` (what killed runs left, ``greennb clean``);
- :mod:`~greennb.runs._sweep`: :func:`run_sweep`, a case over a grid of parameters and seeds,
  resumable (``greennb sweep``), its :class:`SweepResult`; the grid's points
  (:mod:`~greennb.runs._sweep_grid`: :func:`parse_grid`, :func:`expand_grid`,
  :class:`SweepPoint`), the record ``sweeps/<name>/sweep.json``
  (:mod:`~greennb.runs._sweep_record`: :func:`read_sweep`, :func:`list_sweeps`), the executors
  (:mod:`~greennb.runs._sweep_executors`: serial, process pool, Dask) and the flag on points that
  shared a machine (:mod:`~greennb.runs._sweep_shared`).
"""

from greennb.errors import RunFailed
from greennb.runs._allowed_values import (
    CASE_RULES,
    COMMON_RULES,
    check_parameter_values,
    parameter_rules,
    parse_timeout,
)
from greennb.runs._catalogue import (
    NOTEBOOK_PATTERN,
    NOTEBOOKS_DIR_ENV,
    list_cases,
    notebook_path,
    notebooks_dir,
)
from greennb.runs._environment import RECORDED_LIBRARIES, environment_info, library_versions
from greennb.runs._folders import (
    FAILED_SUFFIX,
    TMP_PREFIX,
    Leftover,
    find_leftovers,
    remove_leftovers,
)
from greennb.runs._listing import parameters_listing
from greennb.runs._location import RUNS_DIR_ENV, RUNS_FOLDER, repository_checkout, runs_root
from greennb.runs._parameter_rules import list_items
from greennb.runs._parameters import (
    CHECKED_TYPES,
    HASH_LENGTH,
    RESERVED_PARAMETERS,
    case_parameters,
    check_parameters,
    parameters_table,
    read_parameters_file,
    resolve_parameters,
)
from greennb.runs._record import RunRecord
from greennb.runs._schema import (
    METRICS_FILE,
    MODEL_KEYS,
    REQUIRED_KEYS,
    SCHEMA_VERSION,
    read_metrics,
    validate_metrics,
)
from greennb.runs._start import start_run
from greennb.runs._store import (
    DEFAULT_KERNEL,
    ERROR_FILE,
    PARAMS_FILE,
    RunResult,
    list_runs,
    run_case,
    run_cases,
)
from greennb.runs._sweep import SweepResult, run_sweep
from greennb.runs._sweep_executors import EXECUTORS
from greennb.runs._sweep_grid import SEED_PARAMETER, SweepPoint, expand_grid, parse_grid
from greennb.runs._sweep_record import (
    POINT_STATES,
    SWEEP_FILE,
    SWEEPS_FOLDER,
    list_sweeps,
    read_sweep,
)
from greennb.runs._sweep_shared import CONCURRENT_ATTRIBUTION

__all__ = [
    "CASE_RULES",
    "CHECKED_TYPES",
    "COMMON_RULES",
    "CONCURRENT_ATTRIBUTION",
    "DEFAULT_KERNEL",
    "ERROR_FILE",
    "EXECUTORS",
    "FAILED_SUFFIX",
    "HASH_LENGTH",
    "Leftover",
    "METRICS_FILE",
    "MODEL_KEYS",
    "NOTEBOOKS_DIR_ENV",
    "NOTEBOOK_PATTERN",
    "PARAMS_FILE",
    "POINT_STATES",
    "RECORDED_LIBRARIES",
    "REQUIRED_KEYS",
    "RESERVED_PARAMETERS",
    "RUNS_DIR_ENV",
    "RUNS_FOLDER",
    "RunFailed",
    "RunRecord",
    "RunResult",
    "SCHEMA_VERSION",
    "SEED_PARAMETER",
    "SWEEPS_FOLDER",
    "SWEEP_FILE",
    "SweepPoint",
    "SweepResult",
    "TMP_PREFIX",
    "case_parameters",
    "check_parameter_values",
    "check_parameters",
    "environment_info",
    "expand_grid",
    "find_leftovers",
    "library_versions",
    "list_cases",
    "list_items",
    "list_runs",
    "list_sweeps",
    "notebook_path",
    "notebooks_dir",
    "parameter_rules",
    "parameters_listing",
    "parameters_table",
    "parse_grid",
    "parse_timeout",
    "read_metrics",
    "read_parameters_file",
    "read_sweep",
    "remove_leftovers",
    "repository_checkout",
    "resolve_parameters",
    "run_case",
    "run_cases",
    "run_sweep",
    "runs_root",
    "start_run",
    "validate_metrics",
]
