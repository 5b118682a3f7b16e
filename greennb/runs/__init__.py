"""Runs: the run record (``metrics.json``), the case catalogue and the papermill run store.

- :mod:`~greennb.runs._record`: :class:`RunRecord`, what a notebook run measured;
- :mod:`~greennb.runs._schema`: the ``metrics.json`` schema, :func:`validate_metrics`,
  :func:`read_metrics`;
- :mod:`~greennb.runs._environment`: :func:`environment_info` (machine, libraries, device);
- :mod:`~greennb.runs._location`: :func:`runs_root`, where the run store is;
- :mod:`~greennb.runs._catalogue`: the case notebooks, :func:`list_cases`, :func:`notebook_path`;
- :mod:`~greennb.runs._parameters`: a case's parameters, read by papermill and checked;
- :mod:`~greennb.runs._start`: :func:`start_run`, a case notebook's record from its parameters;
- :mod:`~greennb.runs._store`: :func:`run_case`, :func:`run_cases`, :func:`list_runs`.
"""

from greennb.errors import RunFailed
from greennb.runs._catalogue import (
    NOTEBOOK_PATTERN,
    NOTEBOOKS_DIR_ENV,
    list_cases,
    notebook_path,
    notebooks_dir,
)
from greennb.runs._environment import RECORDED_LIBRARIES, environment_info, library_versions
from greennb.runs._location import RUNS_DIR_ENV, RUNS_FOLDER, repository_checkout, runs_root
from greennb.runs._parameters import (
    CHECKED_TYPES,
    HASH_LENGTH,
    PRICING_PARAMETERS,
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
    FAILED_SUFFIX,
    PARAMS_FILE,
    TMP_PREFIX,
    RunResult,
    list_runs,
    run_case,
    run_cases,
)

__all__ = [
    "CHECKED_TYPES",
    "DEFAULT_KERNEL",
    "ERROR_FILE",
    "FAILED_SUFFIX",
    "HASH_LENGTH",
    "METRICS_FILE",
    "MODEL_KEYS",
    "NOTEBOOKS_DIR_ENV",
    "NOTEBOOK_PATTERN",
    "PARAMS_FILE",
    "PRICING_PARAMETERS",
    "RECORDED_LIBRARIES",
    "REQUIRED_KEYS",
    "RESERVED_PARAMETERS",
    "RUNS_DIR_ENV",
    "RUNS_FOLDER",
    "RunFailed",
    "RunRecord",
    "RunResult",
    "SCHEMA_VERSION",
    "TMP_PREFIX",
    "case_parameters",
    "check_parameters",
    "environment_info",
    "library_versions",
    "list_cases",
    "list_runs",
    "notebook_path",
    "notebooks_dir",
    "parameters_table",
    "read_metrics",
    "read_parameters_file",
    "repository_checkout",
    "resolve_parameters",
    "run_case",
    "run_cases",
    "runs_root",
    "start_run",
    "validate_metrics",
]
