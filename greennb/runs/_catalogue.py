"""The case catalogue: the case-study notebooks ``NN_<case>.ipynb`` and their names.

Case studies are the notebooks ``NN_<case>.ipynb`` of :func:`notebooks_dir`; the case is the
file name without its number (``01_smart_city.ipynb`` → ``smart_city``), and cases are listed
in the order of the numbers. The folder is ``$GREENNB_NOTEBOOKS_DIR`` when set, else the
notebooks shipped inside the installed package (``greennb/_notebooks``, put there by the
wheel), else the repository checkout's ``notebooks/``.

Examples
--------
>>> from greennb.runs import list_cases
>>> list_cases()  # doctest: +SKIP
['getting_started', 'smart_city', 'medical', 'finance', 'tradeoffs']
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from greennb._paths import shipped_folder
from greennb.errors import InvalidValueError

NOTEBOOKS_DIR_ENV = "GREENNB_NOTEBOOKS_DIR"
NOTEBOOK_PATTERN = re.compile(r"^(?P<number>\d+)_(?P<case>[A-Za-z0-9][A-Za-z0-9_]*)\.ipynb$")

# Error-message templates, kept here so that tests can match them.
NO_NOTEBOOKS_DIR_MSG = (
    "No notebooks folder at {path}. Set ${env} to the folder that holds the "
    "NN_<case>.ipynb notebooks."
)
DUPLICATE_CASE_MSG = "Case {case!r} is defined twice in {folder}: {files}."
UNKNOWN_CASE_MSG = "Unknown case {case!r}. Valid cases: {valid} (notebooks in {folder})."


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
