"""What a phase used: this process's CPU time and memory, the machine's busy time, the load.

:class:`UsageSampler` reads a few counters when a phase starts and when it stops and returns a
:class:`Usage`: the wall time, the CPU seconds of *this* process, the CPU-busy seconds of the
whole machine, the difference (other processes' CPU time), the logical CPU count, the resident
memory and the 1-minute load average. They are the inputs of the independent estimate
(:func:`~greennb.energy._independent.independent_estimate`) and of :func:`machine_shared`, which
tells whether a machine-wide figure (CodeCarbon's machine mode) can be attributed to this process.

Counters read (start and stop cost about 15 µs and 30 µs on a Linux VM):

- wall time: :func:`time.perf_counter`;
- process CPU time: :func:`time.process_time` (user + system of all this process's threads,
  nanosecond clock) plus ``children_user + children_system`` of :func:`os.times` (children
  that have ended and been waited for, e.g. ``subprocess.run``; worker processes still alive at
  the end of the phase are not counted);
- machine busy time: :func:`psutil.cpu_times` summed over all logical CPUs, every field except
  ``idle`` and ``iowait`` (the CPU waited), ``steal`` (the hypervisor ran another VM: no process
  of this machine used it) and ``guest``/``guest_nice`` (Linux already counts them inside
  ``user``/``nice``). On Linux that is ``user + nice + system + irq + softirq``, in clock ticks
  of 10 ms per CPU;
- resident memory: ``psutil.Process().memory_info().rss`` at the end of the phase, in GB
  (1e9 bytes);
- load average: :func:`os.getloadavg` (1 minute; None where the platform has none).

Examples
--------
>>> sampler = UsageSampler()
>>> token = sampler.start()
>>> usage = sampler.stop(token)
>>> usage.wall_s >= 0 and usage.other_cpu_s >= 0 and usage.n_cpus >= 1
True
>>> shared, reason = machine_shared(Usage(2.0, 1.9, 3.2, 1.3, 2, 0.5, 1.8))
>>> shared
True
>>> print(reason)  # doctest: +NORMALIZE_WHITESPACE
machine shared: other processes used 1.30 CPU-s over 2.00 s (0.65 of a CPU; threshold 0.25);
1-minute load average 1.80 on 2 CPUs
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from typing import Any

from greennb._json import to_json_value
from greennb._validation import integer, non_negative
from greennb.errors import InvalidTypeError

DEFAULT_SHARED_THRESHOLD = 0.25
"""Other processes' CPU use (CPU-seconds per second of the phase) above which a machine counts as
shared: a quarter of one logical CPU on average. A quiet machine's own background (kernel
threads, system daemons, monitoring agents) stays at a few hundredths of a CPU, and the tick
granularity of the machine counters (10 ms per CPU per reading) adds at most
``2 × n_cpus × 0.01 s``, i.e. 0.2 of a CPU on 2 CPUs over the shortest judged phase (0.2 s); one
competing single-threaded job busy a quarter of the time or more is enough to change a
machine-mode energy figure visibly, so it is flagged."""

MIN_JUDGED_WALL_S = 0.2
"""Phases shorter than this (s) are too short to judge sharing: the machine counters advance in
10 ms ticks per CPU, so a few ticks already look like a large share of a very short phase."""

_EXCLUDED_FIELDS = ("idle", "iowait", "steal", "guest", "guest_nice")

USAGE_TYPE_MSG = "machine_shared needs a Usage (from UsageSampler.stop); got {type}."
TOKEN_TYPE_MSG = "stop() needs the token that this sampler's start() returned; got {type}."


@dataclass(frozen=True)
class Usage:
    """What a phase used, read from the process and the machine counters.

    Attributes
    ----------
    wall_s : float
        Seconds of the phase (wall clock).
    process_cpu_s : float
        CPU seconds of this process over the phase: user + system of all its threads, plus its
        children that ended and were waited for.
    machine_busy_s : float
        CPU-busy seconds of the whole machine over the phase, summed over all logical CPUs
        (:func:`psutil.cpu_times`; which fields count is in the module docstring).
    other_cpu_s : float
        ``max(machine_busy_s - process_cpu_s, 0)``: CPU seconds other processes used meanwhile.
    n_cpus : int
        Logical CPUs of the machine.
    rss_gb : float
        Resident memory of this process at the end of the phase (GB = 1e9 bytes).
    load_avg_1m : float or None
        The machine's 1-minute load average at the end of the phase (None where unavailable).
    """

    wall_s: float
    process_cpu_s: float
    machine_busy_s: float
    other_cpu_s: float
    n_cpus: int
    rss_gb: float
    load_avg_1m: float | None = None

    def __post_init__(self) -> None:
        units = {"wall_s": "s", "process_cpu_s": "CPU-s", "machine_busy_s": "CPU-s"}
        for name, unit in {**units, "other_cpu_s": "CPU-s", "rss_gb": "GB"}.items():
            object.__setattr__(self, name, non_negative(getattr(self, name), name=name, unit=unit))
        object.__setattr__(self, "n_cpus", integer(self.n_cpus, name="n_cpus", minimum=1))
        if self.load_avg_1m is not None:
            load = non_negative(self.load_avg_1m, name="load_avg_1m")
            object.__setattr__(self, "load_avg_1m", load)

    @property
    def utilisation(self) -> float:
        """Return the process's share of the machine's CPU capacity (fraction).

        ``process_cpu_s / (wall_s × n_cpus)``; 0.0 for a phase of zero length.
        """
        capacity = self.wall_s * self.n_cpus
        return self.process_cpu_s / capacity if capacity > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the fields (s, CPU-s, GB) as a JSON-ready dict."""
        return to_json_value(dataclasses.asdict(self))


@dataclass(frozen=True)
class _Mark:
    """The counters at the start of a phase (the opaque token of :meth:`UsageSampler.start`)."""

    wall: float
    process_cpu: float
    machine_busy: float


def _process_cpu_s() -> float:
    children = os.times()
    return time.process_time() + children.children_user + children.children_system


def _machine_busy_s(psutil: Any) -> float:
    times = psutil.cpu_times()
    return sum(value for name, value in times._asdict().items() if name not in _EXCLUDED_FIELDS)


def _load_avg_1m() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return None


class UsageSampler:
    """Read this process's and the machine's CPU counters around a phase.

    Creating a sampler imports :mod:`psutil` (a CodeCarbon dependency) and looks up this process;
    :meth:`start` and :meth:`stop` then cost tens of microseconds each.

    Examples
    --------
    >>> sampler = UsageSampler()
    >>> token = sampler.start()
    >>> total = sum(i * i for i in range(10_000))
    >>> usage = sampler.stop(token)
    >>> usage.process_cpu_s >= 0, isinstance(usage.n_cpus, int)
    (True, True)
    """

    def __init__(self) -> None:
        import psutil  # lazily: ~20 ms, kept out of `import greennb.energy`

        self._psutil = psutil
        self._process = psutil.Process()
        self._n_cpus = psutil.cpu_count(logical=True) or os.cpu_count() or 1

    def start(self) -> object:
        """Read the counters at the start of a phase.

        Returns
        -------
        object
            An opaque token to pass to :meth:`stop`.
        """
        wall = time.perf_counter()
        return _Mark(wall, _process_cpu_s(), _machine_busy_s(self._psutil))

    def stop(self, token: object) -> Usage:
        """Read the counters at the end of a phase and return what it used.

        Parameters
        ----------
        token : object
            What :meth:`start` returned for this phase.

        Returns
        -------
        Usage
            Wall time, process and machine CPU time, memory and load of the phase.
        """
        process_cpu = _process_cpu_s()
        machine_busy = _machine_busy_s(self._psutil)
        wall = time.perf_counter()
        if not isinstance(token, _Mark):
            raise InvalidTypeError(TOKEN_TYPE_MSG.format(type=type(token).__name__))
        process_cpu_s = max(process_cpu - token.process_cpu, 0.0)
        machine_busy_s = max(machine_busy - token.machine_busy, 0.0)
        return Usage(
            wall_s=max(wall - token.wall, 0.0),
            process_cpu_s=process_cpu_s,
            machine_busy_s=machine_busy_s,
            other_cpu_s=max(machine_busy_s - process_cpu_s, 0.0),
            n_cpus=self._n_cpus,
            rss_gb=self._process.memory_info().rss / 1e9,
            load_avg_1m=_load_avg_1m(),
        )


def machine_shared(
    usage: Usage,
    *,
    threshold: float = DEFAULT_SHARED_THRESHOLD,
    min_wall_s: float = MIN_JUDGED_WALL_S,
) -> tuple[bool, str]:
    """Tell whether other processes used a meaningful share of the CPU during a phase.

    The machine counts as shared when ``other_cpu_s > threshold × wall_s``: other processes
    used more than ``threshold`` CPU-seconds per second of the phase. A machine-wide figure
    (CodeCarbon's machine mode) then includes their energy and is not attributable to this
    process. The load average is reported in the reason, not judged (it lags by a minute and
    counts this process too).

    Parameters
    ----------
    usage : Usage
        The phase's usage, from :meth:`UsageSampler.stop`.
    threshold : float, default DEFAULT_SHARED_THRESHOLD (0.25)
        Other processes' CPU use above which the machine is shared (CPU-s per s, >= 0).
    min_wall_s : float, default MIN_JUDGED_WALL_S (0.2)
        Phases shorter than this (s) are too short to judge: never flagged, and the reason
        says so.

    Returns
    -------
    tuple of (bool, str)
        Whether the machine was shared, and the reason with the numbers.

    Examples
    --------
    >>> machine_shared(Usage(2.0, 1.9, 2.0, 0.1, 2, 0.5))[1]
    'not shared: other processes used 0.10 CPU-s over 2.00 s (0.05 of a CPU; threshold 0.25)'
    >>> machine_shared(Usage(0.05, 0.05, 0.07, 0.02, 2, 0.5))
    (False, 'too short to judge sharing: 0.050 s < 0.2 s')
    """
    if not isinstance(usage, Usage):
        raise InvalidTypeError(USAGE_TYPE_MSG.format(type=type(usage).__name__))
    threshold = non_negative(threshold, name="threshold", unit="CPU-s per s")
    min_wall_s = non_negative(min_wall_s, name="min_wall_s", unit="s")
    if usage.wall_s < min_wall_s or usage.wall_s == 0:
        return False, f"too short to judge sharing: {usage.wall_s:.3f} s < {min_wall_s:g} s"
    share = usage.other_cpu_s / usage.wall_s
    shared = share > threshold
    reason = (
        f"{'machine shared' if shared else 'not shared'}: other processes used "
        f"{usage.other_cpu_s:.2f} CPU-s over {usage.wall_s:.2f} s "
        f"({share:.2f} of a CPU; threshold {threshold:g})"
    )
    if usage.load_avg_1m is not None:
        reason += f"; 1-minute load average {usage.load_avg_1m:.2f} on {usage.n_cpus} CPUs"
    return shared, reason
