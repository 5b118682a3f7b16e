"""Run folders: made unique and atomically, owned while in use; the leftovers of killed runs.

Every run folder, ``greennb run``'s and an interactive notebook's alike, is made by
:func:`reserve_folder`: ``mkdir`` is atomic and refuses a folder that exists, so two runs of the
same case started in the same microsecond still get two folders. A temporary folder
(``.tmp-<name>``, renamed when its run is complete) and the kernel's private IPC folder
(``<tempdir>/greennb-ipc-*``) hold an owner file naming the process and host that use them.

A run killed with SIGKILL (or a machine that lost power) cannot remove its folders: those
whose owner process is no longer running, or that have no owner file and were untouched for
:data:`UNOWNED_GRACE_S`, are :func:`find_leftovers`, and ``greennb clean --yes`` removes them
(:func:`remove_leftovers`). A finished run and a ``.failed`` folder are never leftovers.

Examples
--------
>>> find_leftovers("no-such-store", temp_dir="no-such-tmp")
[]
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from greennb.errors import InvalidValueError
from greennb.runs._location import runs_root as default_runs_root

TMP_PREFIX = ".tmp-"
FAILED_SUFFIX = ".failed"
#: The file, in a temporary or IPC folder, naming the process that uses it (JSON: pid, host).
OWNER_FILE = ".greennb-owner"
#: Prefix of the kernels' private IPC folders in the temporary directory.
IPC_PREFIX = "greennb-ipc-"
#: A folder without an owner file is left alone for this long after its last change (s):
#: an owner file is written right after the folder is made, so only a folder of an older
#: greennb, or of a run killed in between, has none.
UNOWNED_GRACE_S = 600.0
#: UTC timestamp in run names, to the microsecond.
STAMP_FORMAT = "%Y%m%dT%H%M%S_%fZ"

OUTSIDE_STORE_MSG = (
    "case {case!r} would put its runs at {folder}, outside the run store {root}; a case name "
    "is a plain folder name such as 'finance'."
)
DEAD_OWNER_REASON = "its process {pid} is no longer running"
UNOWNED_REASON = "no owner recorded, untouched for {minutes:.0f} min"


@dataclass(frozen=True)
class Leftover:
    """A folder that a killed run left behind.

    Attributes
    ----------
    path : pathlib.Path
        The folder.
    kind : str
        ``"run"`` (a temporary ``.tmp-*`` run folder) or ``"ipc"`` (a kernel's IPC folder).
    reason : str
        Why nothing can still be using it.
    """

    path: Path
    kind: str
    reason: str


def case_folder(root: str | os.PathLike, case: str) -> Path:
    """Return ``root / case``, refusing a case name that resolves anywhere else.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a name such as ``'..'`` or ``'.'``, naming it.
    """
    root = Path(root)
    folder = root / case
    if folder.resolve().parent != root.resolve():
        raise InvalidValueError(
            OUTSIDE_STORE_MSG.format(case=case, folder=folder.resolve(), root=root.resolve())
        )
    return folder


def write_owner(folder: Path) -> None:
    """Write the owner file (this process and host) into ``folder``."""
    owner = {"pid": os.getpid(), "host": socket.gethostname()}
    (folder / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")


def release(folder: Path) -> None:
    """Remove the owner file of ``folder``, before it gets its final or ``.failed`` name."""
    (folder / OWNER_FILE).unlink(missing_ok=True)


def reserve_folder(case_dir: Path, template: str, *, temporary: bool) -> tuple[str, Path]:
    """Create a new, unique run folder atomically; return its final name and the folder.

    Parameters
    ----------
    case_dir : pathlib.Path
        The case's folder in the run store (made if absent).
    template : str
        The run name, with ``{stamp}`` for the UTC time (:data:`STAMP_FORMAT`).
    temporary : bool
        Make ``.tmp-<name>`` with an owner file (renamed by the caller when complete),
        else ``<name>`` itself.

    Returns
    -------
    name : str
        The run's final name: no folder ``<name>`` or ``<name>.failed`` existed.
    folder : pathlib.Path
        The folder made.
    """
    case_dir.mkdir(parents=True, exist_ok=True)
    while True:
        name = template.format(stamp=datetime.now(UTC).strftime(STAMP_FORMAT))
        folder = case_dir / (f"{TMP_PREFIX}{name}" if temporary else name)
        taken = (case_dir / name).exists() or (case_dir / f"{name}{FAILED_SUFFIX}").exists()
        if not taken:
            try:
                folder.mkdir()
            except FileExistsError:
                pass
            else:
                if temporary:
                    _own(folder)
                return name, folder
        time.sleep(1e-6)


def _own(folder: Path) -> None:
    try:
        write_owner(folder)
    except OSError:  # e.g. a full disk: leave no ownerless folder behind
        shutil.rmtree(folder, ignore_errors=True)
        raise


_LIVE_IPC_DIRS: set[str] = set()


def make_ipc_dir() -> str:
    """Create a private, owned IPC folder for one kernel; removed by :func:`remove_ipc_dir`.

    Folders still there when the interpreter exits are removed then (``atexit``).
    """
    path = tempfile.mkdtemp(prefix=IPC_PREFIX)
    _LIVE_IPC_DIRS.add(path)
    write_owner(Path(path))
    return path


def remove_ipc_dir(path: str) -> None:
    """Remove an IPC folder made by :func:`make_ipc_dir`."""
    shutil.rmtree(path, ignore_errors=True)
    _LIVE_IPC_DIRS.discard(path)


def _remove_live_ipc_dirs() -> None:
    for path in list(_LIVE_IPC_DIRS):
        remove_ipc_dir(path)


atexit.register(_remove_live_ipc_dirs)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    if os.name != "posix":  # os.kill would terminate it on Windows
        import psutil  # a dependency of CodeCarbon

        return psutil.pid_exists(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _stale_reason(folder: Path) -> str | None:
    """Why nothing can be using ``folder`` any more, or None when something may."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, KeyError, TypeError):
        idle_s = time.time() - folder.stat().st_mtime
        return UNOWNED_REASON.format(minutes=idle_s / 60) if idle_s > UNOWNED_GRACE_S else None
    if host != socket.gethostname() or _alive(pid):
        return None  # a process on another machine cannot be checked from here
    return DEAD_OWNER_REASON.format(pid=pid)


def _mine(folder: Path) -> bool:
    return os.name != "posix" or folder.stat().st_uid == os.getuid()


def _candidates(root: Path, temp_dir: Path) -> Iterable[tuple[Path, str]]:
    if root.is_dir():
        for case_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for folder in sorted(case_dir.glob(f"{TMP_PREFIX}*")):
                yield folder, "run"
    if temp_dir.is_dir():
        for folder in sorted(temp_dir.glob(f"{IPC_PREFIX}*")):
            yield folder, "ipc"


def find_leftovers(
    runs_root: str | os.PathLike | None = None, *, temp_dir: str | os.PathLike | None = None
) -> list[Leftover]:
    """List the folders that killed runs left behind; nothing is removed.

    Parameters
    ----------
    runs_root : str or path, optional
        Root of the run store; default :func:`greennb.runs.runs_root`. Its
        ``<case>/.tmp-*`` folders are checked.
    temp_dir : str or path, optional
        Where the kernels' IPC folders (``greennb-ipc-*``) are; default
        :func:`tempfile.gettempdir`. Only the current user's are checked.

    Returns
    -------
    list of Leftover
        Folders whose owner process no longer runs on this machine, or that have no owner
        and were untouched for :data:`UNOWNED_GRACE_S` seconds.
    """
    root = Path(runs_root or default_runs_root())
    temp = Path(temp_dir or tempfile.gettempdir())
    found = []
    for folder, kind in _candidates(root, temp):
        try:
            reason = _stale_reason(folder) if folder.is_dir() and _mine(folder) else None
        except OSError:  # removed meanwhile, or unreadable
            continue
        if reason is not None:
            found.append(Leftover(folder, kind, reason))
    return found


def remove_leftovers(leftovers: Iterable[Leftover]) -> list[Path]:
    """Remove the given leftover folders; return those that are gone.

    Parameters
    ----------
    leftovers : iterable of Leftover
        From :func:`find_leftovers`.
    """
    removed = []
    for leftover in leftovers:
        shutil.rmtree(leftover.path, ignore_errors=True)
        if not leftover.path.exists():
            removed.append(leftover.path)
    return removed
