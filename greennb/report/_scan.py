"""Reading the run store for the report: records inside the store only, bad ones named.

:func:`scan_store` walks ``<root>/<case>/<run>/`` the way :func:`greennb.runs.list_runs` does
(temporary ``.tmp-*``, failed ``*.failed`` and hidden folders are not runs), but it trusts
nothing it finds: every case folder and record is resolved, and one that resolves outside the
store root (a symbolic link out of it) is never read; a run folder whose record is missing or
does not validate is not dropped silently but returned as a :class:`SkippedRun` with the
reason, for the report to warn about and list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greennb.errors import GreennbError, InvalidValueError
from greennb.runs import FAILED_SUFFIX, METRICS_FILE, SWEEPS_FOLDER, read_metrics

#: Why a folder that resolves outside the store root is not read.
OUTSIDE_STORE_MSG = "it links out of the run store, to {target}; the report reads none of it"
#: Why a run folder without a record is skipped.
NO_RECORD_MSG = f"it has no {METRICS_FILE}"
#: The warning of each skipped run (a :class:`~greennb.errors.SkippedRunWarning`).
SKIPPED_RUN_MSG = "report: skipped run {path}: {reason}"


@dataclass(frozen=True)
class SkippedRun:
    """A folder of the run store that the report left out.

    Attributes
    ----------
    path : str
        The folder, relative to the store root (``<case>/<run>``, or ``<case>`` for a whole
        case folder that links out of the store).
    reason : str
        Why: the record's first schema problem, a missing record, a value that is not a
        number, or a link out of the store.
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return SKIPPED_RUN_MSG.format(path=self.path, reason=self.reason)


def run_label(run: Path) -> str:
    """Return how the report names a run: by its folders, ``<case folder>/<run folder>``.

    Examples
    --------
    >>> run_label(Path("papermill_runs/finance/20250101T000000_000000Z-aaaaaaaa"))
    'finance/20250101T000000_000000Z-aaaaaaaa'
    """
    return f"{run.parent.name}/{run.name}"


def skip_reason(error: Exception) -> str:
    """Return why a run is skipped: greennb's message, the OS's reason, else the error's type too.

    Examples
    --------
    >>> skip_reason(PermissionError(13, "Permission denied", "metrics.json"))
    'Permission denied'
    >>> skip_reason(TypeError("unsupported operand"))
    'TypeError: unsupported operand'
    """
    if isinstance(error, GreennbError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {error}"


def _outside(path: Path, root: Path) -> str | None:
    """Return where ``path`` resolves to when that is outside ``root`` (resolved), else None."""
    target = path.resolve()
    return None if target.is_relative_to(root) else str(target)


def _read(run: Path, root: Path) -> dict[str, Any]:
    """Return a run folder's validated record; raise saying why it cannot be read."""
    record = run / METRICS_FILE
    target = _outside(record, root)
    if target is not None:
        raise InvalidValueError(OUTSIDE_STORE_MSG.format(target=target))
    if not record.is_file():
        raise InvalidValueError(NO_RECORD_MSG)
    return read_metrics(record)


def _is_listed(folder: Path) -> bool:
    """Tell whether a folder of the store is a case or a run (not hidden, temporary, failed)."""
    name = folder.name
    return folder.is_dir() and not name.startswith(".") and not name.endswith(FAILED_SUFFIX)


def scan_store(root: Path) -> tuple[list[tuple[Path, dict[str, Any]]], list[SkippedRun]]:
    """Return the store's readable runs with their records, and the run folders left out.

    Parameters
    ----------
    root : pathlib.Path
        Root of the run store (resolved here: a store that is itself a link is fine).

    Returns
    -------
    runs : list of (pathlib.Path, dict)
        Each run folder ``<root>/<case>/<run>`` (as found, unresolved) with its validated
        ``metrics.json``, sorted by case, then run.
    skipped : list of SkippedRun
        Case folders that link out of the store, and run folders whose record links out of
        it, is missing, cannot be read or does not validate.
    """
    root = root.resolve()
    runs: list[tuple[Path, dict[str, Any]]] = []
    skipped: list[SkippedRun] = []
    if not root.is_dir():
        return runs, skipped
    # sweeps/ holds the sweep records (greennb sweep), not a case's runs
    for case_dir in sorted(p for p in root.iterdir() if _is_listed(p) and p.name != SWEEPS_FOLDER):
        target = _outside(case_dir, root)
        if target is not None:
            skipped.append(SkippedRun(case_dir.name, OUTSIDE_STORE_MSG.format(target=target)))
            continue
        for run in sorted(p for p in case_dir.iterdir() if _is_listed(p)):
            try:
                runs.append((run, _read(run, root)))
            except (OSError, ValueError, TypeError) as error:  # TypeError: text in a figure
                skipped.append(SkippedRun(run_label(run), skip_reason(error)))
    return runs, skipped
