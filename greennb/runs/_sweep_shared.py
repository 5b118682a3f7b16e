"""Energy under parallelism: which sweep points shared a machine, and their records flagged so.

CodeCarbon measures the whole machine (machine mode): two kernels running at once on one
machine are both in each one's figure. A point that ran while another point of the same sweep
ran on the same host therefore gets, in its ``metrics.json``, every energy phase's attribution
set to ``"machine shared: not attributable: ran concurrently with sweep point(s) ..."``
(what :func:`greennb.energy.is_machine_shared` reads, so the report flags it in its
``machine_shared`` column), its dynamic energy removed (idle power cannot be told from the
other points' work), and a ``sweep`` section naming the sweep and the concurrent points. A
phase that the tracker already found shared keeps its own reason.

:class:`Overlaps` keeps the pairs: two finished points overlap when their [start, end] times
intersect on the same host; a point still running on a local executor (process pool,
``LocalCluster``) counts as overlapping every point that finishes meanwhile, since at most as
many points run as there are workers, each starts when it is handed out.

Examples
--------
>>> overlaps = Overlaps(local=True)
>>> overlaps.finished(0, "h", 0.0, 10.0, running=[1])
[0]
>>> overlaps.finished(1, "h", 1.0, 12.0, running=[])
[1, 0]
>>> overlaps.concurrent_with(0), overlaps.concurrent_with(1)
([1], [0])
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from greennb.energy import is_machine_shared
from greennb.runs._schema import METRICS_FILE, read_metrics, validate_metrics
from greennb.runs._sweep_record import write_json_atomically

#: The attribution of a point that ran concurrently with others on its machine. Its start is
#: the energy package's "machine shared: not attributable" (:func:`is_machine_shared`).
CONCURRENT_ATTRIBUTION = (
    "machine shared: not attributable: ran concurrently with sweep point(s) {points} of "
    "sweep {sweep!r} on {host}"
)
CONCURRENT_DYNAMIC_REASON = (
    "not computed: machine shared with other sweep points (their work cannot be told from "
    "this phase's energy above idle)"
)


class Overlaps:
    """Which points of one sweep invocation ran at the same time on the same host.

    Parameters
    ----------
    local : bool
        Every worker is on this machine (serial, process pool, ``LocalCluster``): a point still
        running when another finishes shared the machine with it.
    """

    def __init__(self, *, local: bool) -> None:
        self.local = local
        self._times: dict[int, tuple[str, float, float]] = {}
        self._pairs: dict[int, set[int]] = {}

    def _pair(self, a: int, b: int) -> None:
        self._pairs.setdefault(a, set()).add(b)
        self._pairs.setdefault(b, set()).add(a)

    def finished(
        self, index: int, host: str, start: float, end: float, *, running: Iterable[int]
    ) -> list[int]:
        """Record a finished point; return the finished points whose overlaps changed.

        Parameters
        ----------
        index : int
            The point.
        host : str
            The host it ran on.
        start, end : float
            When it ran (Unix times, s).
        running : iterable of int
            The points still running.

        Returns
        -------
        list of int
            ``index`` first when it overlapped anything, then the earlier finished points
            that overlapped it.
        """
        changed = []
        for other, (other_host, other_start, other_end) in self._times.items():
            if other_host == host and other_start < end and other_end > start:
                self._pair(index, other)
                changed.append(other)
        if self.local:
            for other in running:
                self._pair(index, other)
        self._times[index] = (host, start, end)
        return ([index] if self._pairs.get(index) else []) + changed

    def concurrent_with(self, index: int) -> list[int]:
        """Return the points that ran at the same time as ``index`` on its host."""
        return sorted(self._pairs.get(index, ()))


def _flag_phase(phase: dict[str, Any], attribution: str) -> None:
    if is_machine_shared(phase.get("attribution")):
        return  # the tracker saw it itself: keep its reason and numbers
    phase["attribution"] = attribution
    phase["attribution_reason"] = attribution
    if phase.get("dynamic_energy_kwh") is not None:
        phase["dynamic_energy_kwh"] = None
        phase["dynamic_reason"] = CONCURRENT_DYNAMIC_REASON


def flag_machine_shared(
    run_dir: str | os.PathLike, *, sweep: str, point: int, concurrent_with: list[int], host: str
) -> None:
    """Flag a finished run's energy as not attributable: it ran beside other sweep points.

    Parameters
    ----------
    run_dir : str or path
        The run folder (holding ``metrics.json``).
    sweep : str
        The sweep's name.
    point : int
        The run's point in the sweep.
    concurrent_with : list of int
        The points that ran at the same time on its host.
    host : str
        The host.
    """
    path = Path(run_dir) / METRICS_FILE
    record = read_metrics(path)
    attribution = CONCURRENT_ATTRIBUTION.format(points=concurrent_with, sweep=sweep, host=host)
    for model in record["models"]:
        for phase in (model.get("energy") or {}).values():
            _flag_phase(phase, attribution)
        loop = (model.get("extra") or {}).get("inference_energy")
        if isinstance(loop, Mapping):
            _flag_phase(loop, attribution)
    record["sweep"] = {
        "name": sweep,
        "point": point,
        "machine_shared": True,
        "concurrent_with": concurrent_with,
        "host": host,
    }
    validate_metrics(record)
    write_json_atomically(path, record)
