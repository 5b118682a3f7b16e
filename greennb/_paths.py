"""Where shipped files are: inside the installed package, or in the repository checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""The installed ``greennb`` package folder."""

REPOSITORY_DIR = PACKAGE_DIR.parent
"""The checkout's root when greennb runs from its repository (``pip install -e .``)."""


def shipped_folder(packaged: str, repository: str) -> Path:
    """Return ``greennb/<packaged>`` if a wheel put it there, else ``<checkout>/<repository>``.

    Parameters
    ----------
    packaged : str
        Folder name inside the package, where the wheel's ``force-include`` puts the files.
    repository : str
        Folder name at the root of the repository checkout.

    Returns
    -------
    pathlib.Path
        The folder (it may not exist; callers say what is missing).
    """
    inside = PACKAGE_DIR / packaged
    return inside if inside.is_dir() else REPOSITORY_DIR / repository
