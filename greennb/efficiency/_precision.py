"""Numeric precision of the torch MLPs: what a device supports, reduced-precision inference.

:func:`mixed_precision` runs inference under ``torch.autocast`` in bfloat16 or float16 where
the device supports it (:func:`check_precision`); ``precision="auto"`` (:func:`choose_precision`)
times every precision the device supports on the user's rows and keeps the fastest measured
one, float32 unless another is faster beyond the run-to-run noise.
:func:`precision_training_params` gives the estimator settings for mixed-precision *training*
(CUDA only in the torch MLPs). torch is imported inside the functions only.
"""

from __future__ import annotations

from typing import Any

from greennb._validation import one_of
from greennb.efficiency._fastest import (
    NO_ROWS_MSG,
    OptionChoice,
    choose_fastest,
    inference_batch,
    only_option,
    time_options,
)
from greennb.efficiency._inspect import (
    float_linear_layers,
    lever_copy,
    network_of,
    record_lever,
    torch_estimator,
)
from greennb.errors import InvalidValueError
from greennb.models import select_device

PRECISIONS = ("float32", "bfloat16", "float16")
"""Numeric precisions accepted by :func:`check_precision` and :func:`mixed_precision`."""

PRECISION_CHOICES = ("auto", *PRECISIONS)
"""What :func:`mixed_precision` accepts: a precision, or ``"auto"`` (the fastest measured)."""

UNSUPPORTED_PRECISION_MSG = (
    "precision {precision!r} is not supported on device {device!r}: {why}. Valid choices on "
    "this device: {choices}."
)
CPU_TRAINING_PRECISION_MSG = (
    "The torch MLPs train with mixed precision on CUDA only; on device {device!r} valid "
    "choices are: float32 (for reduced-precision inference on this device use "
    "mixed_precision())."
)


def _cpu_has_native_float16() -> bool:
    """Whether this CPU does float16 matrix arithmetic natively (AMX-FP16).

    torch runs float16 autocast on any CPU, but without such units every float16 product is
    emulated; torch only exposes the check privately, hence the guarded lookup.
    """
    import torch

    check = getattr(torch.cpu, "_is_amx_fp16_supported", None)
    try:
        return bool(check()) if check is not None else False
    except Exception:  # a private API that may change: treat as "no"
        return False


def _supported_precisions(device: Any) -> dict[str, str | None]:
    """Map each precision to None (supported) or the reason it is not, on ``device``."""
    import torch

    support: dict[str, str | None] = {"float32": None}
    if device.type == "cuda":
        support["float16"] = None
        support["bfloat16"] = (
            None if torch.cuda.is_bf16_supported() else "this GPU has no bfloat16 arithmetic"
        )
    elif device.type == "cpu":
        support["bfloat16"] = None
        support["float16"] = (
            None
            if _cpu_has_native_float16()
            else "this CPU has no native float16 arithmetic (AMX-FP16), so torch would emulate "
            "every float16 product"
        )
    else:  # MPS autocast: float16
        support["float16"] = None
        support["bfloat16"] = f"greennb does not enable bfloat16 autocast on {device.type}"
    return support


def check_precision(precision: str, *, device: Any = "auto") -> Any:
    """Check that ``precision`` can run on ``device``; return its torch dtype.

    Support: float32 everywhere; on CUDA float16, and bfloat16 where the GPU has it (Ampere
    or newer); on the CPU bfloat16 (torch's CPU autocast type), and float16 only on CPUs with
    native float16 units (AMX-FP16); on Apple MPS float16.

    Parameters
    ----------
    precision : {"float32", "bfloat16", "float16"}
        Numeric precision.
    device : str or torch.device, default "auto"
        As for :func:`greennb.models.select_device`.

    Returns
    -------
    torch.dtype
        ``torch.float32``, ``torch.bfloat16`` or ``torch.float16``.

    Raises
    ------
    ValueError
        For an unknown precision, or one that the device does not support; the message
        names the valid choices (on that device).
    """
    import torch

    one_of(precision, PRECISIONS, name="precision")
    device = select_device(device)
    support = _supported_precisions(device)
    why = support[precision]
    if why is not None:
        valid = [name for name in PRECISIONS if support[name] is None]
        raise InvalidValueError(
            UNSUPPORTED_PRECISION_MSG.format(
                precision=precision, device=str(device), why=why, choices=", ".join(valid)
            )
        )
    return getattr(torch, precision)


def supported_precisions(device: Any = "auto") -> list[str]:
    """Return the precisions :func:`check_precision` accepts on ``device``, float32 first.

    Parameters
    ----------
    device : str or torch.device, default "auto"
        As for :func:`greennb.models.select_device`.

    Returns
    -------
    list of str
        A subset of :data:`PRECISIONS`, in its order.
    """
    support = _supported_precisions(select_device(device))
    return [name for name in PRECISIONS if support[name] is None]


def _autocast_variant(model: Any, precision: str) -> Any:
    """Return the copy of a fitted torch MLP that predicts in ``precision`` (no lever record)."""
    import torch

    from greennb.efficiency._network import VariantNetwork

    estimator = torch_estimator(model, caller="mixed_precision")
    dtype = check_precision(precision, device=estimator.device_)
    variant, estimator = lever_copy(model, "mixed_precision")
    network = network_of(variant)
    float_linear_layers(network, "mixed_precision")
    autocast_dtype = None if dtype == torch.float32 else dtype
    estimator.module_ = VariantNetwork(
        network, device=estimator.device_, autocast_dtype=autocast_dtype
    ).eval()
    return variant


def choose_precision(
    model: Any, X: Any, *, batch_size: int = 1024, rounds: int = 5, min_seconds: float = 0.05
) -> OptionChoice:
    """Time every precision the model's device supports on rows of ``X``; keep the fastest.

    Each supported precision's variant predicts the same batch of preprocessed rows, the
    variants interleaved round by round (:func:`~greennb.efficiency._fastest.time_options`).
    float32 is kept unless another precision is faster beyond the 15 % run-to-run noise
    floor: reduced precision changes the predictions a little, so it must earn its place.

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with float layers, or a Pipeline ending in one.
    X : array-like or DataFrame
        Feature rows as the model takes them (e.g. ``split.X_test``), at least one.
    batch_size : int, default 1024
        Rows per timed prediction call.
    rounds : int, default 5
        Timings per precision.
    min_seconds : float, default 0.05
        Length of each timing (s).

    Returns
    -------
    OptionChoice
        ``chosen`` is the precision; ``throughputs`` holds rows per second per round;
        ``sentence`` says what was kept and why.

    Raises
    ------
    TypeError
        For a model that is not a fitted torch MLP, or is int8-quantized.
    greennb.errors.InvalidValueError
        For ``X`` without rows, or a bad ``batch_size``, ``rounds`` or ``min_seconds``.
    """
    estimator = torch_estimator(model, caller="choose_precision")
    candidates = supported_precisions(estimator.device_)
    if len(candidates) == 1:
        return only_option(candidates[0], f"the only precision device {estimator.device_} runs")
    batch = inference_batch(model, X, batch_size)
    estimators = {p: torch_estimator(_autocast_variant(model, p)) for p in candidates}
    options = {p: (lambda est=est: est.predict(batch)) for p, est in estimators.items()}
    timings = time_options(options, rows=batch_size, rounds=rounds, min_seconds=min_seconds)
    return choose_fastest(timings, baseline="float32")


def mixed_precision(model: Any, *, precision: str = "bfloat16", X: Any = None) -> Any:
    """Return a copy that predicts under ``torch.autocast`` in ``precision`` on its device.

    Autocast runs matrix products in the reduced type and keeps precision-sensitive
    operations in float32; predictions come back in float32. Whether it is faster depends on
    the hardware: GPUs with tensor cores gain, CPUs without bfloat16 units (AVX2 only) lose;
    ``precision="auto"`` measures it on this machine (:func:`choose_precision`).

    Parameters
    ----------
    model : TorchMLPClassifier, TorchMLPRegressor or Pipeline
        A fitted torch MLP with float layers, or a Pipeline ending in one.
    precision : {"auto", "float32", "bfloat16", "float16"}, default "bfloat16"
        ``"float32"`` gives a plain copy (a baseline). ``"auto"`` times every precision the
        device supports on rows of ``X`` and keeps the fastest measured one.
    X : array-like or DataFrame, optional
        Feature rows to time on; needed (only) for ``precision="auto"``.

    Returns
    -------
    same type as ``model``
        The copy. ``efficiency_levers_`` ends with ``{"lever": "mixed_precision_inference",
        "precision": ...}``, plus ``"choice"`` (:meth:`OptionChoice.to_dict`) for ``"auto"``.

    Raises
    ------
    ValueError
        For an unknown precision or one unsupported on the model's device
        (see :func:`check_precision`), or ``"auto"`` without ``X``.
    TypeError
        For a model that is not a fitted torch MLP, or is int8-quantized.
    """
    one_of(precision, PRECISION_CHOICES, name="precision")
    extra: dict[str, Any] = {}
    if precision == "auto":
        if X is None:
            raise InvalidValueError(
                NO_ROWS_MSG.format(
                    caller="mixed_precision", parameter="precision", choices=", ".join(PRECISIONS)
                )
            )
        choice = choose_precision(model, X)
        precision, extra = choice.chosen, {"choice": choice.to_dict()}
    variant = _autocast_variant(model, precision)
    record_lever(
        torch_estimator(variant), lever="mixed_precision_inference", precision=precision, **extra
    )
    return variant


def precision_training_params(precision: str, *, device: Any = "auto") -> dict[str, Any]:
    """Estimator settings that train a torch MLP in ``precision`` on ``device``.

    Parameters
    ----------
    precision : {"float32", "bfloat16", "float16"}
        Training precision: mixed precision (autocast, with loss scaling for float16) or
        plain float32.
    device : str or torch.device, default "auto"
        Where the model will train.

    Returns
    -------
    dict
        ``{"device", "amp", "amp_dtype"}`` to pass to ``make_model("mlp", ...)``.

    Raises
    ------
    ValueError
        For an unknown or unsupported precision, or reduced precision on a device where the
        torch MLPs do not use autocast (everything but CUDA).
    """
    device = select_device(device)
    check_precision(precision, device=device)
    if precision == "float32":
        return {"device": str(device), "amp": False, "amp_dtype": "float16"}
    if device.type != "cuda":
        raise InvalidValueError(CPU_TRAINING_PRECISION_MSG.format(device=str(device)))
    return {"device": str(device), "amp": True, "amp_dtype": precision}
