"""Where the run store is: ``$GREENNB_RUNS_DIR``, the checkout's ``papermill_runs/``, or ``./``.

The rule, in order:

1. ``$GREENNB_RUNS_DIR`` when it is set (``greennb run --runs-dir`` passes its own root);
2. inside the greennb repository checkout (its root holds ``pyproject.toml`` and
   ``notebooks/``, and the current directory is that root or a folder below it), the
   checkout's ``papermill_runs/``: a notebook opened in JupyterLab from ``notebooks/``
   still records into the repository's run store, not into ``notebooks/papermill_runs``;
3. otherwise ``./papermill_runs`` (an installed wheel, run from any directory).

Examples
--------
>>> runs_root().name
'papermill_runs'
"""

from __future__ import annotations

import os
from pathlib import Path

from greennb import _paths

RUNS_DIR_ENV = "GREENNB_RUNS_DIR"
#: Name of the run-store folder, in the checkout or in the current directory.
RUNS_FOLDER = "papermill_runs"


def repository_checkout() -> Path | None:
    """Return the greennb repository checkout this package runs from, if any.

    Returns
    -------
    pathlib.Path or None
        :data:`greennb._paths.REPOSITORY_DIR` when it holds ``pyproject.toml`` and
        ``notebooks/`` (an editable install), else None (an installed wheel).
    """
    root = _paths.REPOSITORY_DIR
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def runs_root() -> Path:
    """Return the folder of the run store (``papermill_runs/``).

    Returns
    -------
    pathlib.Path
        ``$GREENNB_RUNS_DIR`` if set; else, when the current directory is inside the
        repository checkout (:func:`repository_checkout`), the checkout's
        ``papermill_runs/``; else ``papermill_runs`` in the current directory.
    """
    override = os.environ.get(RUNS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    checkout = repository_checkout()
    if checkout is not None and Path.cwd().resolve().is_relative_to(checkout.resolve()):
        return checkout / RUNS_FOLDER
    return Path(RUNS_FOLDER)
