"""The machine and software of a run, recorded in ``metrics.json`` for reproducibility."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

#: Library versions recorded with every run (distribution names).
RECORDED_LIBRARIES = (
    "greennb",
    "torch",
    "scikit-learn",
    "fairlearn",
    "codecarbon",
    "pandas",
    "numpy",
    "papermill",
)


def library_versions() -> dict[str, str | None]:
    """Return the installed version of each of :data:`RECORDED_LIBRARIES` (None if absent).

    Examples
    --------
    >>> library_versions()["greennb"]  # doctest: +ELLIPSIS
    '0...'
    """
    versions = {}
    for name in RECORDED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def environment_info() -> dict[str, Any]:
    """Describe the machine and software of this run (for reproducibility).

    Returns
    -------
    dict
        ``python`` (version), ``platform``, ``machine``, ``cpu_count`` (logical CPUs),
        ``libraries`` (:func:`library_versions`) and ``device``: the accelerator that
        :func:`greennb.select_device` picks (CUDA, then MPS, then CPU), described.
    """
    from greennb.models import describe_device, select_device

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "libraries": library_versions(),
        "device": describe_device(select_device("auto")),
    }
