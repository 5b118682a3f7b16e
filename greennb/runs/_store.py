"""The run store: execute a case notebook with papermill into its own, complete run folder.

:func:`run_case` checks the parameters against the notebook's ``parameters`` cell
(:mod:`greennb.runs._parameters`), executes the notebook with papermill into a temporary
folder, the kernel working in that folder, and renames it when the run is complete::

    <runs_root>/<case>/<UTC timestamp>-<parameter hash>/
        <notebook>.ipynb   the executed notebook
        params.json        the full parameter set (defaults included)
        metrics.json       the notebook's RunRecord
        emissions*.csv     CodeCarbon's measurements
        *.png              the figures

``runs_root`` is :func:`greennb.runs.runs_root` unless given. A notebook that raises, or that
ends without writing a valid ``metrics.json`` (papermill counts ``sys.exit(0)`` as success),
leaves ``<name>.failed/`` with the partial notebook and an ``error.txt``, and :func:`run_case`
raises :class:`~greennb.errors.RunFailed`: a folder with a final name is always a complete run.
Ctrl-C and SIGTERM (a CI timeout, a scheduler stopping the job) leave the same ``.failed``
folder and propagate as KeyboardInterrupt. The kernel works in the run folder and receives
``run_dir = "."``, so neither the executed notebook's parameters nor the record hold a path of
this machine; folders left by a run killed with SIGKILL are listed by
:func:`greennb.runs.find_leftovers` (``greennb clean``).

Examples
--------
>>> from greennb.runs import run_case
>>> result = run_case("finance", {"seed": 1}, progress=False)  # doctest: +SKIP
>>> result.metrics["models"][0]["quality"]  # doctest: +SKIP
{'accuracy': 0.9}
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greennb.errors import InvalidValueError, RunFailed
from greennb.runs._catalogue import list_cases, notebook_path
from greennb.runs._folders import (
    FAILED_SUFFIX,
    case_folder,
    make_ipc_dir,
    release,
    remove_ipc_dir,
    reserve_folder,
)
from greennb.runs._location import runs_root as default_runs_root
from greennb.runs._parameters import (
    _parameter_hash,
    _quiet_run_dir_warnings,
    check_parameters,
    resolve_parameters,
)
from greennb.runs._progress import PROGRESS_KWARG, CellProgress, earlier_durations, register_engine
from greennb.runs._schema import METRICS_FILE, read_metrics

#: ipykernel's native kernel: it runs with the interpreter that runs greennb. An explicit
#: name avoids papermill's failures on notebooks without a kernelspec (papermill #251, #761).
DEFAULT_KERNEL = "python3"
PARAMS_FILE = "params.json"
#: The kernel's own log on stderr: critical messages only (see :func:`_engine_options`).
KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=CRITICAL"
ERROR_FILE = "error.txt"

# Error-message templates, kept here so that tests can match them.
NO_CASES_MSG = "No case to run: give at least one case name. Valid cases: {valid}."
# A failure's message is one of the first four, then what became of its folder (the last three).
CELL_FAILED_MSG = "case {case!r} failed in cell [{cell}] with {ename}: {evalue}\n{traceback}"
EXECUTION_FAILED_MSG = "case {case!r} could not be executed: {error}"
NO_RECORD_MSG = (
    "case {case!r} finished without a valid {metrics}: {problem}. A notebook that ends early "
    "(sys.exit(0) counts as success for papermill) or never calls record.write() has no "
    "results."
)
INTERRUPTED_MSG = "case {case!r} was interrupted ({error})."
KEPT_MSG = "The partial run is kept in {path} (executed notebook and {error_file})."
REMOVED_MSG = "The partial run could not be kept ({error}) and was removed."
LEFT_MSG = (
    "The partial run could not be kept ({error}); its temporary folder {path} is left: "
    "greennb clean lists it."
)
WRONG_RECORD_CASE_MSG = "its record is for case {found!r}, not {case!r}"
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


def _engine_options(work: Path, ipc_dir: str | None) -> dict[str, Any]:
    """Options for papermill's nbclient engine: kernel working folder and transport.

    papermill's own ``cwd`` argument calls ``os.chdir`` in this process, which two runs in
    two threads would race on; nbclient's ``resources['metadata']['path']`` sets the kernel's
    working folder alone (papermill #316). On POSIX the kernel talks over IPC sockets in a
    private folder instead of TCP ports that concurrent kernels can collide on (papermill #511).
    The kernel's own log (not the notebook's output, which papermill records) is limited to
    critical messages: a kernel stopped by Ctrl-C or SIGTERM otherwise prints a traceback
    of the reply it could no longer send above greennb's one-line message.
    """
    options: dict[str, Any] = {
        "resources": {"metadata": {"path": str(work)}},
        "extra_arguments": [KERNEL_LOG_LEVEL],
    }
    if ipc_dir is not None:
        from traitlets.config import Config

        transport = {"transport": "ipc", "ip": os.path.join(ipc_dir, "kernel")}
        options["config"] = Config({"KernelManager": transport})
    return options


def _fail(work: Path, name: str, problem: str) -> tuple[Path | None, str]:
    """Keep the partial run as ``<name>.failed`` with error.txt; return it and the message.

    The message is ``problem`` and what really became of the folder: kept, or, when it could
    not be kept (a full disk), removed (never a folder that could pass for a finished run).
    """
    failed = work.parent / f"{name}{FAILED_SUFFIX}"
    message = f"{problem}\n{KEPT_MSG.format(path=failed, error_file=ERROR_FILE)}"
    try:
        (work / ERROR_FILE).write_text(message + "\n", encoding="utf-8")
        os.rename(work, failed)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        fate = LEFT_MSG if work.exists() else REMOVED_MSG
        return None, f"{problem}\n{fate.format(error=error, path=work)}"
    release(failed)
    return failed, message


def _run_failed(work: Path, name: str, case: str, problem: str, **info: Any) -> RunFailed:
    path, message = _fail(work, name, problem)
    return RunFailed(message, case=case, path=path, **info)


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a run executes, SIGTERM raises KeyboardInterrupt, as Ctrl-C (SIGINT) does.

    CI timeouts and schedulers stop a job with SIGTERM, whose default ends the process at
    once: no ``.failed`` folder, no message. Only in the main thread (the only one signals
    reach) and only over the default disposition (a handler of the caller's is kept);
    the previous disposition is restored afterwards.
    """
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _relative_papermill_paths(executed: Path, notebook: Path) -> None:
    """Keep only file names in papermill's metadata: its absolute paths are stale and private."""
    import nbformat

    content = nbformat.read(executed, as_version=nbformat.NO_CONVERT)
    metadata = content.metadata.get("papermill", {})
    metadata.update(input_path=notebook.name, output_path=executed.name)
    nbformat.write(content, executed)


def _execute(notebook: Path, work: Path, inject: dict[str, Any], **options) -> None:
    import papermill

    _quiet_run_dir_warnings()
    ipc_dir = make_ipc_dir() if os.name == "posix" else None
    progress = options["progress"]
    engine = (
        {} if progress is None else {"engine_name": register_engine(), PROGRESS_KWARG: progress}
    )
    try:
        papermill.execute_notebook(
            str(notebook),
            str(work / notebook.name),
            parameters=inject,
            kernel_name=options["kernel"] or DEFAULT_KERNEL,
            progress_bar=False,  # greennb's own status line instead (greennb.runs._progress)
            execution_timeout=options["timeout"],
            **engine,
            **_engine_options(work, ipc_dir),
        )
    finally:
        if progress is not None:
            progress.close()
        if ipc_dir is not None:
            remove_ipc_dir(ipc_dir)
    _relative_papermill_paths(work / notebook.name, notebook)


def _failure_message(case: str, error: Exception) -> tuple[str, dict[str, Any]]:
    from papermill.exceptions import PapermillExecutionError, strip_color

    if isinstance(error, PapermillExecutionError):
        info = {"ename": error.ename, "evalue": error.evalue}
        traceback = strip_color("\n".join(error.traceback))
        message = CELL_FAILED_MSG.format(
            case=case, cell=error.exec_count, traceback=traceback, **info
        )
        return message, info
    return EXECUTION_FAILED_MSG.format(case=case, error=f"{type(error).__name__}: {error}"), {}


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
        Root of the run store; default :func:`greennb.runs.runs_root` (``$GREENNB_RUNS_DIR``,
        the checkout's ``papermill_runs/`` inside the repository, else ``./papermill_runs``).
    kernel_name : str, optional
        Jupyter kernel; default ``"python3"`` (ipykernel, this interpreter).
    progress : bool
        Show a status line on stderr: the running cell, the nearest markdown heading above
        it, elapsed time and the time left, estimated from an earlier finished run's cell
        times (:mod:`greennb.runs._progress`).
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
    case_dir = case_folder(Path(runs_root or default_runs_root()).resolve(), case)
    status = None
    if progress:  # estimated from the cell times of an earlier run of the case, if any
        earlier = earlier_durations(
            case_dir, notebook.name, _parameter_hash(full), full.get("quick")
        )
        status = CellProgress(earlier)
    options = {"kernel": kernel_name, "progress": status, "timeout": timeout}
    with _sigterm_as_interrupt():
        name, work = reserve_folder(case_dir, f"{{stamp}}-{_parameter_hash(full)}", temporary=True)
        clock = time.perf_counter()
        metrics = _execute_into(work, name, notebook, case, overrides, full, options)
        final = case_dir / name
        os.rename(work, final)
        release(final)
    return RunResult(case, final, full, metrics, time.perf_counter() - clock)


def _execute_into(
    work: Path,
    name: str,
    notebook: Path,
    case: str,
    overrides: dict[str, Any],
    full: dict[str, Any],
    options: dict[str, Any],
) -> dict[str, Any]:
    """Execute the notebook in the temporary folder ``work``; return its checked record.

    The kernel works in ``work``, so the injected ``run_dir`` is ``"."``: the executed
    notebook holds no path of this machine. On any failure the folder becomes
    ``<name>.failed`` (:func:`_fail`) and :class:`RunFailed` is raised; on an interruption
    (Ctrl-C, SIGTERM) too, and the interruption propagates.
    """
    try:
        (work / PARAMS_FILE).write_text(json.dumps(full, indent=2, default=str), encoding="utf-8")
        _execute(notebook, work, {**overrides, "run_dir": "."}, **options)
    except Exception as error:
        problem, info = _failure_message(case, error)
        raise _run_failed(work, name, case, problem, **info) from error
    except BaseException as error:  # KeyboardInterrupt: no finished-looking folder either
        _fail(work, name, INTERRUPTED_MSG.format(case=case, error=str(error) or repr(error)))
        raise
    try:
        return _checked_record(case, work)
    except ValueError as problem:
        message = NO_RECORD_MSG.format(case=case, metrics=METRICS_FILE, problem=problem)
        raise _run_failed(work, name, case, message) from None


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
    with _sigterm_as_interrupt():  # also between two cases
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


def list_runs(runs_root: str | os.PathLike | None = None, *, case: str | None = None) -> list[Path]:
    """Return the finished runs of the store, oldest first.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default :func:`greennb.runs.runs_root` (``$GREENNB_RUNS_DIR``,
        the checkout's ``papermill_runs/`` inside the repository, else ``./papermill_runs``).
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
