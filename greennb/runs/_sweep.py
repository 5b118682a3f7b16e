"""Sweeps: a case run over a grid of parameters and seeds, resumable, on the executor chosen.

:func:`run_sweep` checks every point of the grid against the case before anything runs
(:func:`~greennb.runs._sweep_grid.expand_grid`), then runs the points that have no finished
run yet on the executor (:mod:`~greennb.runs._sweep_executors`: serial by default, so that
measured energy stays attributable; a process pool; Dask), keeping the record
``<runs_root>/sweeps/<name>/sweep.json`` (:mod:`~greennb.runs._sweep_record`) up to date on
every change.

**Resuming.** Running the same sweep again (the same grid gives the same name) skips every point
whose run is in the store: finished runs are found by their parameter hash, the end of the run
folder's name, so a point that ``greennb run`` ran already is not run again either. A point left
``running`` by a killed sweep runs again; a ``failed`` point stays failed unless
``retry_failed`` (``--retry-failed``), which gives it one more attempt. Ctrl-C and SIGTERM stop
the running points (their partial runs become ``.failed`` folders), set them back to
``pending`` and leave a complete record.

**Energy under parallelism.** Points that ran at the same time on one machine are flagged in
their records as "machine shared: not attributable" (:mod:`~greennb.runs._sweep_shared`).

Examples
--------
>>> from greennb.runs import run_sweep
>>> sweep = run_sweep("finance", {"constraint": ["demographic_parity", "equalized_odds"]},
...                   seeds=5, workers=2)  # doctest: +SKIP
>>> sweep.counts  # doctest: +SKIP
{'pending': 0, 'running': 0, 'done': 10, 'failed': 0}
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from greennb.runs._location import runs_root as default_runs_root
from greennb.runs._store import _sigterm_as_interrupt, list_runs
from greennb.runs._sweep_executors import make_executor
from greennb.runs._sweep_grid import SEED_PARAMETER, SweepPoint, default_sweep_name, expand_grid
from greennb.runs._sweep_point import PointTask
from greennb.runs._sweep_record import (
    DONE,
    FAILED,
    PENDING,
    POINT_STATES,
    RUNNING,
    SweepRecord,
    _point_entry,
    sweep_folder,
)
from greennb.runs._sweep_shared import Overlaps, flag_machine_shared

INTERRUPTED_ERROR = "interrupted ({error}); runs again when the sweep is resumed"
WORKER_FAILED_MSG = "the worker running the point failed: {kind}: {error}"
FLAG_FAILED_MSG = (
    "its record could not be flagged machine shared ({error}); this sweep record says it is"
)
PROGRESS_LINE = "[greennb sweep] {done}/{total} point {index} {parameters}: {what}"


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did, and the state of every point.

    Attributes
    ----------
    name : str
        The sweep's name (its folder in ``<runs_root>/sweeps/``).
    case : str
        Case name.
    path : pathlib.Path or None
        The sweep record ``sweep.json`` (None for a dry run of a new sweep).
    points : list of dict
        Each point's entry of the record: ``index``, ``parameters``, ``hash``, ``state``,
        ``run`` (folder relative to the store), ``attempts``, ``found`` (a finished run found in
        the store, not run by this sweep), ``wall_s`` (seconds from handing the point out to
        its outcome), ``run_wall_s`` (the run's own time, kernel start-up included),
        ``machine_shared``, ``concurrent_with``, ``error``, ``host``.
    ran : list of int
        The points this call ran (or, for a dry run, would run).
    executor : dict
        The executor: ``kind``, ``workers`` (and ``scheduler`` for Dask).
    wall_s : float
        Wall-clock time of this call (s).
    runs_root : pathlib.Path
        The run store.
    """

    name: str
    case: str
    path: Path | None
    points: list[dict[str, Any]] = field(repr=False)
    ran: list[int]
    executor: dict[str, Any]
    wall_s: float
    runs_root: Path

    @property
    def counts(self) -> dict[str, int]:
        """How many points are in each state (pending, running, done, failed)."""
        return {state: sum(p["state"] == state for p in self.points) for state in POINT_STATES}

    @property
    def failed(self) -> list[int]:
        """The points that failed."""
        return [p["index"] for p in self.points if p["state"] == FAILED]

    @property
    def runs(self) -> list[Path]:
        """The finished runs' folders, in grid order."""
        return [self.runs_root / p["run"] for p in self.points if p["state"] == DONE]

    def table(self) -> pd.DataFrame:
        """Return one row per point: its parameters, state, run, time, the points beside it."""
        rows = [
            {
                "point": p["index"],
                **p["parameters"],
                "state": p["state"],
                "found": p["found"],
                "attempts": p["attempts"],
                "wall_s": p["wall_s"],
                "concurrent_with": ", ".join(str(i) for i in p["concurrent_with"]),
                "run": p["run"],
            }
            for p in self.points
        ]
        return pd.DataFrame(rows)


def _finished_runs(root: Path, case: str) -> dict[str, str]:
    """Map parameter hashes to the newest finished run of the case (relative to the store)."""
    found = {}
    for run in list_runs(root, case=case):  # oldest first: the newest wins
        found[run.name.rsplit("-", 1)[-1]] = run.relative_to(root).as_posix()
    return found


def _reconcile(entry: dict[str, Any], found: Mapping[str, str], retry_failed: bool) -> None:
    """Set a point's state from the store: done when its run is there, else what to do next."""
    run = found.get(entry["hash"])
    if run is not None:
        if entry["state"] != DONE or entry["run"] != run:
            entry.update(state=DONE, run=run, found=entry["state"] != DONE, error=None)
        return
    if entry["state"] == DONE or entry["state"] == RUNNING:  # removed meanwhile, or killed
        entry.update(state=PENDING, run=None)
    elif entry["state"] == FAILED and retry_failed:
        entry.update(state=PENDING)


def _plan(points: list[SweepPoint], record: SweepRecord | None, found, retry_failed) -> list:
    """Return the point entries reconciled with the store (a fresh copy for a dry run)."""
    entries = record.points if record is not None else [_point_entry(p) for p in points]
    for entry in entries:
        _reconcile(entry, found, retry_failed)
    return entries


class _Driver:
    """Hands the pending points to the executor and records every outcome."""

    def __init__(self, record: SweepRecord, executor: Any, task: dict, progress: bool) -> None:
        self.record, self.executor, self.task, self.progress = record, executor, task, progress
        self.overlaps = Overlaps(local=executor.local)
        self.in_flight: dict[Any, tuple[int, float]] = {}
        self.finished = 0

    def run(self, todo: list[int]) -> None:
        queue = deque(todo)
        while queue or self.in_flight:
            while queue and len(self.in_flight) < self.executor.slots:
                self._hand_out(queue.popleft())
            for future in self.executor.wait(list(self.in_flight)):
                self._finish(future, len(todo))

    def _hand_out(self, index: int) -> None:
        entry = self.record.points[index]
        self.record.update(  # a retried point starts afresh: its old flags no longer hold
            index,
            state=RUNNING,
            attempts=entry["attempts"] + 1,
            error=None,
            run=None,
            machine_shared=False,
            concurrent_with=[],
            flag_problem=None,
        )
        task = PointTask(index=index, parameters=entry["parameters"], **self.task)
        handed_out = time.perf_counter()  # before submit: the serial executor runs inside it
        future = self.executor.submit(task)
        self.in_flight[future] = (index, handed_out)

    def _finish(self, future: Any, total: int) -> None:
        index, handed_out = self.in_flight.pop(future)
        try:
            outcome = self.executor.outcome(future)
        except Exception as error:  # the worker died (killed, out of memory): the point failed
            message = WORKER_FAILED_MSG.format(kind=type(error).__name__, error=error)
            outcome = {"ok": False, "error": message, "run": None, "host": None}
        wall = time.perf_counter() - handed_out
        fields = {
            "state": DONE if outcome["ok"] else FAILED,
            "run": outcome.get("run"),
            "error": outcome.get("error"),
            "host": outcome.get("host"),
            "wall_s": wall,
            "run_wall_s": outcome.get("run_wall_s"),
            "started_at": outcome.get("started"),
            "finished_at": outcome.get("finished"),
            "found": False,
        }
        self.record.update(index, **fields)
        self.finished += 1
        self._note_overlaps(index, outcome)
        if self.progress:
            self._print(index, total)

    def _note_overlaps(self, index: int, outcome: Mapping[str, Any]) -> None:
        if outcome.get("started") is None:
            return
        running = [i for i, _ in self.in_flight.values()]
        changed = self.overlaps.finished(
            index, outcome["host"], outcome["started"], outcome["finished"], running=running
        )
        for point in changed:
            self._flag(point)

    def _flag(self, index: int) -> None:
        entry = self.record.points[index]
        concurrent = self.overlaps.concurrent_with(index)
        problem = None
        if entry["state"] == DONE:
            try:
                flag_machine_shared(
                    self.record_root / entry["run"],
                    sweep=self.record.folder.name,
                    point=index,
                    concurrent_with=concurrent,
                    host=entry["host"],
                )
            except (OSError, ValueError) as error:  # a store this process cannot reach
                problem = FLAG_FAILED_MSG.format(error=error)
        self.record.update(
            index, machine_shared=True, concurrent_with=concurrent, flag_problem=problem
        )

    @property
    def record_root(self) -> Path:
        return Path(self.task["runs_root"])

    def _print(self, index: int, total: int) -> None:
        entry = self.record.points[index]
        if entry["state"] == DONE:
            what = f"done in {entry['wall_s']:.1f} s -> {entry['run']}"
        else:
            what = f"FAILED ({str(entry['error']).splitlines()[0]})"
        line = PROGRESS_LINE.format(
            done=self.finished, total=total, index=index, parameters=entry["parameters"], what=what
        )
        print(line, file=sys.stderr, flush=True)

    def interrupted(self, error: BaseException) -> None:
        """Set the points still running back to pending, with why."""
        reason = INTERRUPTED_ERROR.format(error=str(error) or type(error).__name__)
        for index, _ in self.in_flight.values():
            self.record.points[index].update(state=PENDING, error=reason, run=None)
        for entry in self.record.points:  # a serial point interrupted inside submit
            if entry["state"] == RUNNING:
                entry.update(state=PENDING, error=reason, run=None)
        self.record.content["status"] = "interrupted"
        self.record.save()


def run_sweep(
    case: str,
    grid: Mapping[str, Any],
    *,
    seeds: int | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    name: str | None = None,
    runs_root: str | os.PathLike | None = None,
    retry_failed: bool = False,
    dry_run: bool = False,
    kernel_name: str | None = None,
    timeout: float | None = None,
    progress: bool = True,
) -> SweepResult:
    """Run a case over a grid of parameters (and seeds), resumably; see the module docstring.

    Parameters
    ----------
    case : str
        Case name (see :func:`~greennb.runs.list_cases`).
    grid : mapping
        Parameter names to the values to try, e.g. ``{"constraint": ["demographic_parity",
        "equalized_odds"]}``; text is converted to the parameter's type. Every point is checked
        against the case's parameters and allowed values before anything runs.
    seeds : int, optional
        Also sweep ``seed`` over ``0 .. seeds - 1``.
    executor : {"serial", "processes", "dask"}, optional
        Default: ``"dask"`` with ``scheduler``, ``"processes"`` with ``workers`` > 1, else
        ``"serial"`` (energy attributable to each point).
    workers : int, optional
        Worker processes of the process pool (default 2) or of Dask's ``LocalCluster``.
    scheduler : str, optional
        Address of a running Dask scheduler, ``tcp://HOST:PORT``.
    name : str, optional
        The sweep's name; default ``<case>-<hash of its points>``, the same for the same grid,
        so that running it again resumes it.
    runs_root : str or path, optional
        Root of the run store; default :func:`greennb.runs.runs_root`.
    retry_failed : bool
        Run the points that failed once more.
    dry_run : bool
        Check the grid and say what would run; run and write nothing.
    kernel_name, timeout
        Passed to :func:`~greennb.runs.run_case`.
    progress : bool
        Print one line per finished point on stderr.

    Returns
    -------
    SweepResult
        The state of every point. A failed point does not stop the others: see
        :attr:`SweepResult.failed`.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a bad grid, case, parameter or value (before anything runs), a bad sweep name, or
        a name whose record holds another grid.
    greennb.errors.MissingDependencyError
        For Dask without ``greennb[dask]``.
    greennb.errors.StateError
        When another process is running the same sweep.
    KeyboardInterrupt
        On Ctrl-C or SIGTERM, after the record was brought to a consistent state.
    """
    clock = time.perf_counter()
    points = expand_grid(case, grid, seeds=seeds)
    root = Path(runs_root or default_runs_root()).resolve()
    name = name or default_sweep_name(case, points)
    folder = sweep_folder(root, name)
    found = _finished_runs(root, case)
    if dry_run:
        return _dry_run(case, grid, points, folder, found, retry_failed, executor, workers, root)
    chosen = make_executor(executor, workers=workers, scheduler=scheduler)
    task = {"case": case, "runs_root": str(root), "options": {}}
    task["options"] = {"kernel_name": kernel_name, "timeout": timeout}
    try:
        record = SweepRecord.open(folder, case=case, grid=_listed(grid, seeds), points=points)
        with record.locked():
            _plan(points, record, found, retry_failed)
            todo = _drive(record, chosen, task, progress)
    finally:
        chosen.close()
    wall = time.perf_counter() - clock
    described = record.content["executor"]
    return SweepResult(name, case, record.path, record.points, todo, described, wall, root)


def _listed(grid: Mapping[str, Any], seeds: int | None) -> dict[str, list[Any]]:
    listed = {str(k): [v] if isinstance(v, str) else list(v) for k, v in grid.items()}
    return {**listed, **({SEED_PARAMETER: list(range(seeds))} if seeds else {})}


def _drive(record: SweepRecord, chosen: Any, task: dict[str, Any], progress: bool) -> list[int]:
    """Run the record's pending points; keep the record consistent; return the points run."""
    todo = [entry["index"] for entry in record.points if entry["state"] == PENDING]
    record.content.update(status="running", executor=chosen.describe())
    record.save()
    driver = _Driver(record, chosen, task, progress)
    with _sigterm_as_interrupt():
        try:
            driver.run(todo)
        except BaseException as error:  # KeyboardInterrupt, SIGTERM, a broken executor
            driver.interrupted(error)
            chosen.close(interrupted=True)
            raise
    complete = record.counts()[DONE] == len(record.points)
    record.content["status"] = "complete" if complete else "incomplete"
    record.save()
    return todo


def _dry_run(case, grid, points, folder, found, retry_failed, executor, workers, root):
    """Return what a sweep would do, from its record (if any) and the store; write nothing."""
    record = None
    if (folder / "sweep.json").exists():
        record = SweepRecord.open(folder, case=case, grid=grid, points=points)
    entries = _plan(points, record, found, retry_failed)
    todo = [entry["index"] for entry in entries if entry["state"] == PENDING]
    kind = executor or ("processes" if (workers or 1) > 1 else "serial")
    path = record.path if record is not None else None
    described = {"kind": kind, "workers": workers or 1}
    return SweepResult(folder.name, case, path, entries, todo, described, 0.0, root)
