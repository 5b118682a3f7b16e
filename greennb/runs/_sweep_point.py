"""One point of a sweep, run where the executor puts it: this process, a pool or a Dask worker.

:func:`run_point` is a plain module-level function of plain data (a :class:`PointTask` in, a
dict out), so that :mod:`concurrent.futures` and Dask can pickle it. It runs the point with
:func:`~greennb.runs.run_case` (its own papermill kernel, the notebook found by the catalogue:
the notebooks the package ships, or ``$GREENNB_NOTEBOOKS_DIR``) and reports where and when it
ran, so that the sweep can tell which points shared a machine. A failed notebook is an outcome,
not an exception: the other points go on.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greennb.errors import RunFailed


@dataclass(frozen=True)
class PointTask:
    """What a worker needs to run one point.

    Attributes
    ----------
    case : str
        Case name.
    index : int
        The point's index in the sweep.
    parameters : dict
        The point's parameter overrides (checked).
    runs_root : str
        Absolute root of the run store (a folder every worker can reach).
    options : dict
        ``kernel_name`` and ``timeout`` for :func:`~greennb.runs.run_case`.
    """

    case: str
    index: int
    parameters: dict[str, Any]
    runs_root: str
    options: dict[str, Any] = field(default_factory=dict)


def run_point(task: PointTask) -> dict[str, Any]:
    """Run one sweep point; return its outcome.

    Parameters
    ----------
    task : PointTask
        The point.

    Returns
    -------
    dict
        ``index``; ``ok`` (bool); ``run`` (its folder relative to the run store: the finished
        run, or the ``.failed`` folder, or None); ``error`` (the failure's message, or None);
        ``run_wall_s`` (``run_case``'s wall time, kernel start-up included, s);
        ``started``, ``finished`` (Unix times, s); ``host`` and ``pid`` of the process that
        ran it.
    """
    from greennb.runs._store import run_case

    outcome: dict[str, Any] = {
        "index": task.index,
        "ok": False,
        "run": None,
        "error": None,
        "run_wall_s": None,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": time.time(),
    }
    root = Path(task.runs_root)
    try:
        result = run_case(
            task.case, task.parameters, runs_root=root, progress=False, **task.options
        )
    except RunFailed as failure:
        outcome["error"] = str(failure)
        outcome["run"] = None if failure.path is None else _relative(Path(failure.path), root)
    else:
        outcome.update(ok=True, run=_relative(result.path, root), run_wall_s=result.wall_s)
    outcome["finished"] = time.time()
    return outcome


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
