"""The "auto" choices of the levers: time each option on the machine at hand, keep the fastest.

Whether bfloat16 beats float32, or one int8 backend another, depends on the processor (its
vector units: AVX2, AVX-512 BF16, AMX, tensor cores) and on the network's size, so greennb does
not decide it from a fixed rule. :func:`time_options` times every option on the same batch of
rows, interleaved round by round (A B C, A B C, …) so that a change in the machine's load hits
every option alike; :func:`choose_fastest` keeps the baseline unless an option is faster
*beyond the run-to-run noise* (:func:`greennb._noise.compare_speed`, the rule the energy
verdicts use): a tie goes to the simpler, unchanged option. :func:`inference_batch` gives the
preprocessed rows every timing in greennb predicts on.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from greennb._json import to_json_value
from greennb._noise import DEFAULT_NOISE, FASTER, compare_speed, format_ratio
from greennb._validation import integer, non_negative, one_of
from greennb.errors import InvalidValueError

#: How an :class:`OptionChoice` was reached.
CHOSEN_BY_TIMING = "fastest measured on this machine"
CHOSEN_AS_ONLY_OPTION = "the only option available here"

NO_OPTIONS_MSG = "time_options needs at least one option to time; got none."
NO_ROWS_MSG = (
    "{caller} with {parameter}='auto' times every option on rows of your data, to pick the "
    "fastest on this machine: pass X (the feature rows the model predicts on, e.g. "
    "split.X_test), or name the {parameter} ({choices})."
)


@dataclass(frozen=True)
class OptionChoice:
    """The option an "auto" choice kept, and the timings it was chosen from.

    Attributes
    ----------
    chosen : str
        The option kept.
    baseline : str
        The option kept unless another is measurably faster (float32, or the default backend).
    chosen_by : str
        :data:`CHOSEN_BY_TIMING` or :data:`CHOSEN_AS_ONLY_OPTION`.
    throughputs : dict of str to list of float
        Rows predicted per second in each timing round, per option (empty when not timed).
    sentence : str
        The choice in one sentence, with each option's throughput ratio to the baseline.
    """

    chosen: str
    baseline: str
    chosen_by: str
    throughputs: dict[str, list[float]]
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (throughputs in rows per second)."""
        return to_json_value(dataclasses.asdict(self))


def inference_batch(model: Any, X: Any, batch_size: int = 1024) -> np.ndarray:
    """Return ``batch_size`` preprocessed float32 rows of ``X``, repeated cyclically if fewer.

    Timing the network alone (not the Pipeline's preprocessing, which is the same for every
    variant of a model) compares what the levers change.

    Parameters
    ----------
    model : estimator or Pipeline
        A Pipeline's steps before the last transform ``X``; any other model takes ``X`` as is.
    X : array-like or DataFrame, shape (n_rows, n_features)
        Feature rows, at least one.
    batch_size : int, default 1024
        Rows in the batch (>= 1).

    Returns
    -------
    numpy.ndarray, shape (batch_size, n_model_features), float32

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``batch_size`` < 1 or ``X`` has no rows.
    """
    batch_size = integer(batch_size, name="batch_size", minimum=1)
    features = model[:-1].transform(X) if isinstance(model, Pipeline) else X
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2 or features.shape[0] == 0:
        raise InvalidValueError(
            f"X must hold at least one row of features; got shape {features.shape}."
        )
    return features[np.arange(batch_size) % features.shape[0]]


def _throughput(predict: Callable[[], Any], rows: int, min_seconds: float) -> float:
    """Call ``predict`` until ``min_seconds`` have passed; return rows per second."""
    calls, started = 0, time.perf_counter()
    while True:
        predict()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return rows * calls / elapsed


def time_options(
    options: Mapping[str, Callable[[], Any]],
    *,
    rows: int,
    rounds: int = 5,
    min_seconds: float = 0.05,
) -> dict[str, list[float]]:
    """Time each option ``rounds`` times, interleaved, after one warm-up call each.

    Parameters
    ----------
    options : mapping of str to callable
        Option name → a call that predicts one batch of ``rows`` rows.
    rows : int
        Rows one call predicts (>= 1), to turn calls into rows per second.
    rounds : int, default 5
        Timings per option (>= 1); :func:`choose_fastest` compares their ranges.
    min_seconds : float, default 0.05
        Each timing repeats the call for at least this long (s, >= 0).

    Returns
    -------
    dict of str to list of float
        Rows per second of each round, per option, in the order given.

    Raises
    ------
    greennb.errors.InvalidValueError
        For no options, ``rows`` or ``rounds`` < 1, or a negative ``min_seconds``.
    """
    if not options:
        raise InvalidValueError(NO_OPTIONS_MSG)
    rows = integer(rows, name="rows", minimum=1)
    rounds = integer(rounds, name="rounds", minimum=1)
    min_seconds = non_negative(min_seconds, name="min_seconds", unit="s")
    for predict in options.values():
        predict()  # warm-up: first-call allocations and kernel selection are not steady state
    timings: dict[str, list[float]] = {name: [] for name in options}
    for _ in range(rounds):
        for name, predict in options.items():
            timings[name].append(_throughput(predict, rows, min_seconds))
    return timings


def choose_fastest(
    throughputs: Mapping[str, list[float]], *, baseline: str, noise: float = DEFAULT_NOISE
) -> OptionChoice:
    """Keep ``baseline`` unless an option is faster beyond the noise; then the fastest such.

    Parameters
    ----------
    throughputs : mapping of str to list of float
        Rows per second per round, per option (as from :func:`time_options`); ``baseline``
        among them.
    baseline : str
        The option kept on a tie: the unchanged or simplest one.
    noise : float, default DEFAULT_NOISE (0.15)
        Run-to-run noise floor (fraction) of :func:`greennb._noise.compare_speed`.

    Returns
    -------
    OptionChoice

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``baseline`` is not one of the options.

    Examples
    --------
    >>> choose_fastest({"float32": [1000.0, 1010.0], "bfloat16": [3900.0, 4000.0]},
    ...                baseline="float32").chosen
    'bfloat16'
    >>> choose_fastest({"float32": [1000.0, 1010.0], "bfloat16": [1050.0, 1090.0]},
    ...                baseline="float32").sentence
    'float32 kept: no option was measurably faster on this machine (bfloat16 1.06×)'
    """
    one_of(baseline, tuple(throughputs), name="baseline")
    comparisons = {
        name: compare_speed(samples, throughputs[baseline], noise=noise)
        for name, samples in throughputs.items()
        if name != baseline
    }
    faster = [name for name, c in comparisons.items() if c.verdict == FASTER]
    chosen = max(faster, key=lambda name: statistics.median(throughputs[name]), default=baseline)
    ratios = ", ".join(f"{name} {format_ratio(c.ratio)}" for name, c in comparisons.items())
    if chosen == baseline:
        sentence = f"{baseline} kept: no option was measurably faster on this machine ({ratios})"
    else:
        sentence = (
            f"{chosen} chosen: the fastest on this machine, beyond the run-to-run noise "
            f"(throughput against {baseline}: {ratios})"
        )
    return OptionChoice(chosen, baseline, CHOSEN_BY_TIMING, dict(throughputs), sentence)


def only_option(option: str, why: str) -> OptionChoice:
    """Return the choice of the one option available (nothing to time), saying why."""
    return OptionChoice(option, option, CHOSEN_AS_ONLY_OPTION, {}, f"{option}: {why}")
