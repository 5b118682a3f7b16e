"""The sweep record ``<runs_root>/sweeps/<name>/sweep.json``: every point, its state and run.

The record lists the sweep's case, grid, executor and, per point, its parameters, parameter
hash, state (:data:`POINT_STATES`: pending, running, done, failed), run folder (relative to the
run store), attempts, times, the host that ran it, the error of a failure, and whether it shared
the machine with another point (``machine_shared``, ``concurrent_with``). It is rewritten
atomically on every change (a ``.partial`` file renamed over it, signals held off meanwhile),
so a sweep killed at any moment leaves the previous or the next complete version, never half of
one. A lock file (``.lock``, the owner's process and host) keeps two processes from driving the
same sweep; a lock whose process no longer runs is taken over.

Examples
--------
>>> sweep_folder("papermill_runs", "finance-abc")
PosixPath('papermill_runs/sweeps/finance-abc')
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from greennb._json import to_json_value
from greennb.errors import InvalidValueError, StateError
from greennb.runs._folders import _alive
from greennb.runs._location import runs_root as default_runs_root
from greennb.runs._sweep_grid import SweepPoint

#: The sweeps' folder inside the run store.
SWEEPS_FOLDER = "sweeps"
SWEEP_FILE = "sweep.json"
#: Version of the layout of ``sweep.json``.
SWEEP_SCHEMA_VERSION = "1.0"
PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
POINT_STATES = (PENDING, RUNNING, DONE, FAILED)
LOCK_FILE = ".lock"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Error-message templates, kept here so that tests can match them.
BAD_NAME_MSG = (
    "sweep name {name!r} is not a plain folder name (letters, digits, '.', '_', '-'; not "
    "starting with '.' or '-')."
)
OTHER_SWEEP_MSG = (
    "sweep {name!r} was started with a different grid or case ({found}); give the sweep "
    "another name (greennb sweep --name), or remove {path}."
)
LOCKED_MSG = "sweep {name!r} is being run by process {pid} on {host} ({path}); wait for it."
NO_SWEEP_MSG = "no sweep record at {path}. Sweeps in {root}: {found}."
SWEEP_UNREADABLE_MSG = "cannot read the sweep record {path}: {error}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def sweep_folder(runs_root: str | os.PathLike, name: str) -> Path:
    """Return ``<runs_root>/sweeps/<name>``, refusing a name that is not a plain folder name."""
    if not _NAME.match(str(name)):
        raise InvalidValueError(BAD_NAME_MSG.format(name=name))
    return Path(runs_root) / SWEEPS_FOLDER / name


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM off while the record is replaced (main thread, POSIX only)."""
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_json_atomically(path: Path, content: Mapping[str, Any]) -> None:
    """Write ``content`` as JSON to ``path`` through a renamed ``.partial`` file."""
    text = json.dumps(to_json_value(content), indent=2, allow_nan=False)
    partial = path.with_name(path.name + ".partial")
    with _signals_held():
        try:
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
        except OSError:  # a full disk: keep the previous complete record
            partial.unlink(missing_ok=True)
            raise


def _point_entry(point: SweepPoint) -> dict[str, Any]:
    return {
        "index": point.index,
        "parameters": point.parameters,
        "hash": point.hash,
        "state": PENDING,
        "run": None,
        "attempts": 0,
        "found": False,
        "started_at": None,
        "finished_at": None,
        "wall_s": None,
        "host": None,
        "error": None,
        "machine_shared": False,
        "concurrent_with": [],
    }


class SweepRecord:
    """The record of one sweep, kept in memory and written to ``sweep.json`` on every change.

    Parameters
    ----------
    folder : pathlib.Path
        The sweep's folder (:func:`sweep_folder`).
    content : dict
        The record (see the module docstring).
    """

    def __init__(self, folder: Path, content: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.content = content

    @property
    def path(self) -> Path:
        """The ``sweep.json`` file."""
        return self.folder / SWEEP_FILE

    @property
    def points(self) -> list[dict[str, Any]]:
        """The point entries, in grid order."""
        return self.content["points"]

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        case: str,
        grid: Mapping[str, Sequence[Any]],
        points: Sequence[SweepPoint],
    ) -> SweepRecord:
        """Read the sweep's record, or start a new one; refuse a record of another grid."""
        path = folder / SWEEP_FILE
        hashes = [point.hash for point in points]
        if path.exists():
            content = _read(path)
            found = [entry["hash"] for entry in content["points"]]
            if content["case"] != case or found != hashes:
                detail = f"case {content['case']!r}, {len(found)} points"
                raise InvalidValueError(
                    OTHER_SWEEP_MSG.format(name=folder.name, found=detail, path=folder)
                )
            return cls(folder, content)
        content = {
            "schema_version": SWEEP_SCHEMA_VERSION,
            "name": folder.name,
            "case": case,
            "grid": {name: list(values) for name, values in grid.items()},
            "created_at": _now(),
            "updated_at": _now(),
            "status": "new",
            "executor": None,
            "points": [_point_entry(point) for point in points],
        }
        folder.mkdir(parents=True, exist_ok=True)
        record = cls(folder, content)
        record.save()
        return record

    def save(self) -> None:
        """Write the record atomically."""
        self.content["updated_at"] = _now()
        write_json_atomically(self.path, self.content)

    def update(self, index: int, **fields: Any) -> dict[str, Any]:
        """Change a point's fields and write the record; return the point's entry."""
        entry = self.points[index]
        entry.update(fields)
        self.save()
        return entry

    def counts(self) -> dict[str, int]:
        """Return how many points are in each state."""
        return {state: sum(p["state"] == state for p in self.points) for state in POINT_STATES}

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the sweep's lock file while a process drives the sweep."""
        lock = self.folder / LOCK_FILE
        owner = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
        while True:
            try:
                descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                _refuse_live_lock(lock, self.folder.name)
                lock.unlink(missing_ok=True)  # its process is gone: take it over
                continue
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(owner)
            break
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _refuse_live_lock(lock: Path, name: str) -> None:
    try:
        owner = json.loads(lock.read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # unreadable or half-written: a process killed while taking it
    if host != socket.gethostname() or _alive(pid):
        raise StateError(LOCKED_MSG.format(name=name, pid=pid, host=host, path=lock))


def _read(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(content, dict) or not isinstance(content.get("points"), list):
            raise ValueError("not a sweep record (no list of points)")
    except (OSError, ValueError) as error:
        raise InvalidValueError(SWEEP_UNREADABLE_MSG.format(path=path, error=error)) from None
    return content


def list_sweeps(runs_root: str | os.PathLike | None = None) -> list[Path]:
    """Return the sweep records (``sweep.json`` files) of a run store, by name.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default :func:`greennb.runs.runs_root`.
    """
    folder = Path(runs_root or default_runs_root()) / SWEEPS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p / SWEEP_FILE for p in folder.iterdir() if (p / SWEEP_FILE).is_file())


def read_sweep(sweep: str | os.PathLike, runs_root: str | os.PathLike | None = None) -> dict:
    """Read a sweep record.

    Parameters
    ----------
    sweep : str or path
        A sweep's name (its folder in ``<runs_root>/sweeps/``), its folder or its
        ``sweep.json``.
    runs_root : str or path, optional
        Root of the run store, for a name; default :func:`greennb.runs.runs_root`.

    Returns
    -------
    dict
        The record (see the module docstring), with ``path``: its ``sweep.json``.

    Raises
    ------
    greennb.errors.InvalidValueError
        When there is no such record (naming the store's sweeps), or it cannot be read.
    """
    root = Path(runs_root or default_runs_root())
    given = Path(sweep)
    if given.name == SWEEP_FILE:
        path = given
    elif given.is_dir():
        path = given / SWEEP_FILE
    else:
        path = sweep_folder(root, str(sweep)) / SWEEP_FILE
    if not path.is_file():
        found = [p.parent.name for p in list_sweeps(root)] or "none"
        raise InvalidValueError(NO_SWEEP_MSG.format(path=path, root=root, found=found))
    return {**_read(path), "path": path}
