"""Torch devices: which ones this machine has, which one to train on, and how to describe it.

``torch`` is imported inside the functions only, so ``import greennb.models`` stays light.
"""

from __future__ import annotations

import contextlib
import os
import platform

from greennb._validation import CHOICE_MSG
from greennb.errors import InvalidValueError

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")
"""Device preferences accepted by :func:`select_device` (``"cuda:N"`` also)."""

DEVICE_UNAVAILABLE_ERROR = (
    "Device {preference!r} is not available on this machine; available devices: {available}."
)


def available_devices():
    """List the torch device types usable on this machine.

    Returns
    -------
    list of str
        A subset of ``["cuda", "mps", "cpu"]`` in order of preference; ``"cpu"``
        is always present.
    """
    import torch

    devices = []
    if torch.cuda.is_available():
        devices.append("cuda")
    if torch.backends.mps.is_available():
        devices.append("mps")
    devices.append("cpu")
    return devices


def select_device(preference="auto"):
    """Choose the torch device to train on: CUDA, then MPS, then the CPU.

    Parameters
    ----------
    preference : {"auto", "cuda", "mps", "cpu"} or str or torch.device, default="auto"
        ``"auto"`` picks the first available of CUDA, Apple MPS and CPU. An
        explicit type must be available; ``"cuda:N"`` selects GPU number N.

    Returns
    -------
    torch.device
        The device to use.

    Raises
    ------
    ValueError
        If ``preference`` is not a known device, or names one that this
        machine does not have; the message lists the valid or available ones.

    Examples
    --------
    >>> select_device("cpu")
    device(type='cpu')
    """
    import torch

    available = available_devices()
    if isinstance(preference, torch.device):
        preference = str(preference)
    if not isinstance(preference, str) or preference.split(":")[0] not in DEVICE_CHOICES:
        raise InvalidValueError(_unknown_device(preference))
    if preference == "auto":
        return torch.device(available[0])
    try:
        device = torch.device(preference)
    except RuntimeError as error:  # e.g. "cuda:x"
        raise InvalidValueError(_unknown_device(preference)) from error
    usable = device.type in available
    if usable and device.type == "cuda" and device.index is not None:
        usable = device.index < torch.cuda.device_count()
    if not usable:
        raise InvalidValueError(
            DEVICE_UNAVAILABLE_ERROR.format(preference=preference, available=", ".join(available))
        )
    return device


def _unknown_device(preference):
    # greennb._validation.one_of cannot check this: "cuda:1" is valid by its prefix.
    return CHOICE_MSG.format(name="device", value=preference, choices=", ".join(DEVICE_CHOICES))


def describe_device(device):
    """Describe a torch device for a run record.

    Parameters
    ----------
    device : torch.device or str
        The device, e.g. an estimator's ``device_`` attribute or ``"cuda:0"``.

    Returns
    -------
    dict
        ``type`` (``"cuda"``, ``"mps"`` or ``"cpu"``), ``name`` (GPU model from
        ``torch.cuda.get_device_name``, or the CPU model), ``count`` (number of
        GPUs of that type, or logical CPU cores for the CPU), ``torch_version``
        and ``cuda_version`` (``None`` for a CPU-only torch build).
    """
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        count = torch.cuda.device_count()
    elif device.type == "mps":
        name = f"Apple GPU (MPS, {platform.machine()})"
        count = 1
    else:
        name = _cpu_name()
        count = os.cpu_count()
    return {
        "type": device.type,
        "name": name,
        "count": count,
        "torch_version": torch.__version__,
        "cuda_version": torch.version.cuda,
    }


def _cpu_name():
    # platform.processor() is empty or just the architecture on Linux, where the
    # model name lives in /proc/cpuinfo; no library we depend on reads it cheaply.
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@contextlib.contextmanager
def seeded_on(device, seed):
    """Seed torch for one training on ``device``, leaving the caller's random state untouched.

    Inside the block, torch's CPU generator and (on CUDA) the device's generator start from
    ``seed``, so weight initialisation, dropout and anything else drawn there repeat; on exit the
    generators are restored (``torch.random.fork_rng``). Every torch training of greennb (the
    estimators, DP-SGD, each federation) seeds through this one place.

    Parameters
    ----------
    device : torch.device
        Where the training runs (as returned by :func:`select_device`).
    seed : int
        The seed (>= 0).
    """
    import torch

    forked = []
    if device.type == "cuda":
        forked = [torch.cuda.current_device() if device.index is None else device.index]
    with torch.random.fork_rng(devices=forked):
        torch.manual_seed(seed)
        yield
