"""Progress of a notebook run: the current cell's heading and an honest remaining time.

papermill's own progress bar (``progress_bar=True``) is a tqdm bar over *all* cells: its
remaining time is the recent rate in cells per second times the cells left, so a run of fast
markdown and import cells followed by one long training predicts a tenth of the real wait,
and a run that has just finished its training predicts ten times too much. Cells differ in
cost by orders of magnitude; no average over them estimates the rest.

:class:`RemainingTime` therefore predicts each cell from **the same cell in an earlier
finished run of the case** (papermill records every cell's duration in the executed notebook,
``cell.metadata.papermill.duration``), scaled by how much slower or faster this run has been
so far on the cells both runs have done. Without an earlier run it falls back to the mean
time of the code cells done so far times the code cells left, and says the estimate is
rough. :func:`earlier_durations` picks the earlier run: the newest with the same parameters,
else the newest with the same ``quick`` setting, else the newest.

:class:`CellProgress` draws one status line on stderr (redrawn in place on a terminal,
one line per section elsewhere): cell number, the nearest markdown heading above the running
cell, elapsed time and the estimate. :func:`attach_progress` hooks it to papermill's
execution manager through a small papermill engine (papermill's documented extension point:
https://papermill.readthedocs.io/en/latest/extending-entry-points.html), so papermill still
executes and records every cell itself.

Examples
--------
>>> estimate = RemainingTime({"a": 1.0, "b": 30.0, "c": 1.0})
>>> estimate.cell_done("a", 2.0, code=True)  # this run is twice as slow so far
>>> estimate.remaining_s([("b", True), ("c", True)])  # (cell key, whether it is code)
62.0
>>> estimate.basis
'earlier run'
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from greennb.runs._folders import FAILED_SUFFIX

#: The papermill engine name under which :func:`attach_progress`'s engine is registered.
ENGINE_NAME = "greennb-progress"
#: The keyword argument that carries the :class:`CellProgress` through papermill to the engine.
PROGRESS_KWARG = "greennb_progress"
#: An earlier run's cells must have taken this long before their ratio to this run's is used
#: to scale the rest (s): below it, start-up jitter (imports, a cold disk cache) dominates.
MIN_SCALE_BASE_S = 1.0
#: How often the status line is redrawn on a terminal while a cell runs (s).
REDRAW_EVERY_S = 1.0
#: Basis of an estimate from an earlier run's cell times, and of the fallback.
EARLIER_RUN, ROUGH = "earlier run", "rough"
STATUS_PREFIX = "[greennb]"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_MARKUP = re.compile(r"[`*_$]")


def cell_headings(cells: Sequence[Mapping[str, Any]]) -> list[str]:
    r"""Return, for each cell, the nearest markdown heading above it (or in it); ``""`` if none.

    The heading's markup (``#``, backticks, emphasis, ``$``) is removed: it is shown as plain
    text in a status line.

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "source": "# Intro\ntext\n## 1. Train `mlp`"},
    ...          {"cell_type": "code", "source": "# a comment, not a heading"}]
    >>> cell_headings(cells)
    ['1. Train mlp', '1. Train mlp']
    """
    headings, current = [], ""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for line in source.splitlines():
                if match := _HEADING.match(line):
                    current = _MARKUP.sub("", match["text"]).strip()
        headings.append(current)
    return headings


def cell_key(cell: Mapping[str, Any]) -> str:
    """Return the key that matches a cell across runs: its nbformat id, else its source."""
    source = cell.get("source", "")
    return str(cell.get("id") or ("".join(source) if isinstance(source, list) else source))


class RemainingTime:
    """Estimate the time a notebook run has left from the cells' times in an earlier run.

    Parameters
    ----------
    reference : mapping of str to float, optional
        Seconds each cell (by :func:`cell_key`) took in an earlier finished run of the case
        (:func:`earlier_durations`); None or empty when there is none.

    Notes
    -----
    With a reference, the estimate is ``s × Σ t_ref(c)`` over the cells ``c`` left, where
    ``s`` is this run's time over the reference's on the cells done that both runs have
    (1 until the reference's share of them reaches :data:`MIN_SCALE_BASE_S`); a cell the
    earlier run did not have counts as the median reference cell (a markdown one as 0).
    Without one, it is the
    mean time of the code cells done times the code cells left (:attr:`basis` ``"rough"``).
    """

    def __init__(self, reference: Mapping[str, float] | None = None) -> None:
        self.reference = dict(reference or {})
        self._median = statistics.median(self.reference.values()) if self.reference else 0.0
        self._done_s = self._done_reference_s = 0.0
        self._code_s, self._code_done = 0.0, 0

    @property
    def basis(self) -> str:
        """``"earlier run"`` when estimated from an earlier run's cell times, else ``"rough"``."""
        return EARLIER_RUN if self.reference else ROUGH

    @property
    def scale(self) -> float:
        """Ratio of this run's time to the earlier run's on the cells both did (1 until known)."""
        if self._done_reference_s < MIN_SCALE_BASE_S:
            return 1.0
        return self._done_s / self._done_reference_s

    def cell_done(self, key: str, seconds: float, *, code: bool) -> None:
        """Record that cell ``key`` (a code cell or not) took ``seconds`` in this run."""
        if key in self.reference:
            self._done_s += seconds
            self._done_reference_s += self.reference[key]
        if code:
            self._code_s += seconds
            self._code_done += 1

    def remaining_s(
        self, pending: Sequence[tuple[str, bool]], *, running_s: float = 0.0
    ) -> float | None:
        """Return the estimated seconds left, or None before anything can be estimated.

        Parameters
        ----------
        pending : sequence of (str, bool)
            The cells not finished yet, the running one first: each one's key and whether it
            is a code cell (a cell the earlier run lacked counts as its median cell if it is
            code, 0 otherwise; the fallback counts only code cells).
        running_s : float
            How long the first pending cell has been running (s): its share already spent is
            taken off (never below 0 for that cell).
        """
        if self.reference:
            scale, median = self.scale, self._median
            cells = [
                scale * self.reference.get(key, median if code else 0.0) for key, code in pending
            ]
        else:
            if not self._code_done:
                return None
            mean = self._code_s / self._code_done
            cells = [mean if code else 0.0 for _, code in pending]
        if not cells:
            return 0.0
        return max(cells[0] - running_s, 0.0) + sum(cells[1:])


def _finished_runs(case_dir: Path) -> list[Path]:
    """Return the finished run folders of a case, newest first (names start with the time)."""
    if not case_dir.is_dir():
        return []
    folders = (
        p
        for p in case_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and not p.name.endswith(FAILED_SUFFIX)
    )
    return sorted((p for p in folders if (p / "metrics.json").is_file()), reverse=True)


def notebook_durations(notebook: Path) -> dict[str, float]:
    """Return the seconds papermill recorded for each cell of an executed notebook, by key."""
    content = json.loads(notebook.read_text(encoding="utf-8"))
    durations = {}
    for cell in content.get("cells", []):
        seconds = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if isinstance(seconds, int | float):
            durations[cell_key(cell)] = float(seconds)
    return durations


def earlier_durations(
    case_dir: Path, notebook_name: str, run_hash: str, quick: Any = None
) -> dict[str, float]:
    """Return the cell times of the best earlier run of a case to estimate a new run from.

    Parameters
    ----------
    case_dir : pathlib.Path
        The case's folder in the run store.
    notebook_name : str
        The executed notebook's file name in a run folder.
    run_hash : str
        The new run's parameter hash (the end of its folder name).
    quick : optional
        The new run's ``quick`` parameter.

    Returns
    -------
    dict
        Cell key to seconds from the newest finished run with the same parameters, else the
        newest with the same ``quick``, else the newest; empty when the case has no finished
        run, or when its notebook cannot be read.
    """
    same_quick = newest = None
    for run in _finished_runs(case_dir):
        if not (run / notebook_name).is_file():
            continue
        if run.name.endswith(f"-{run_hash}"):
            newest = same_quick = run
            break
        newest = newest or run
        if same_quick is None and _quick_of(run) == quick:
            same_quick = run
    chosen = same_quick or newest
    if chosen is None:
        return {}
    try:
        return notebook_durations(chosen / notebook_name)
    except (OSError, ValueError):
        return {}


def _quick_of(run: Path) -> Any:
    try:
        return json.loads((run / "params.json").read_text(encoding="utf-8")).get("quick")
    except (OSError, ValueError, AttributeError):
        return None


def format_duration(seconds: float) -> str:
    """Return seconds as ``m:ss`` (``h:mm:ss`` from an hour).

    Examples
    --------
    >>> format_duration(62.4), format_duration(3725)
    ('1:02', '1:02:05')
    """
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_line(
    index: int,
    total: int,
    heading: str,
    elapsed_s: float,
    remaining_s: float | None,
    basis: str,
    width: int = 80,
) -> str:
    """Return the status line, at most ``width`` characters: the heading is shortened to fit.

    Examples
    --------
    >>> status_line(11, 31, "2. Train the baselines", 42.0, 70.0, "earlier run")
    '[greennb] cell 12/31 | 0:42, ~1:10 left | 2. Train the baselines'
    >>> status_line(0, 31, "", 0.5, None, "rough")
    '[greennb] cell 1/31 | 0:00'
    >>> status_line(31, 31, "Summary", 83.0, 0.0, "earlier run")
    '[greennb] 31 cells | 1:23, done'
    """
    timing = format_duration(elapsed_s)
    if index >= total:
        return f"{STATUS_PREFIX} {total} cells | {timing}, done"
    if remaining_s is not None:
        rough = " (rough)" if basis == ROUGH else ""
        timing += f", ~{format_duration(remaining_s)} left{rough}"
    line = f"{STATUS_PREFIX} cell {index + 1}/{total} | {timing}"
    room = width - len(line) - 3
    if heading and room > 1:
        shown = heading if len(heading) <= room else heading[: room - 1].rstrip() + "…"
        line += f" | {shown}"
    return line


class CellProgress:
    r"""The status line of one notebook run, fed by papermill's cell start/complete callbacks.

    Parameters
    ----------
    reference : mapping of str to float, optional
        An earlier run's cell times (:func:`earlier_durations`).
    stream : text stream, optional
        Where to draw; default ``sys.stderr``.
    clock : callable, optional
        Seconds, monotonic (for tests); default :func:`time.perf_counter`.
    live : bool, optional
        Redraw in place (``\r``), also while a long cell runs; default: whether ``stream`` is a
        terminal. Otherwise a line is printed when the running cell's section changes.
    """

    def __init__(
        self,
        reference: Mapping[str, float] | None = None,
        *,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.perf_counter,
        live: bool | None = None,
    ) -> None:
        self.estimate = RemainingTime(reference)
        self.stream = stream or sys.stderr
        self.clock = clock
        self.live = self.stream.isatty() if live is None else live
        self._cells: list[Mapping[str, Any]] = []
        self._headings: list[str] = []
        self._started = self._cell_started = clock()
        self._index: int | None = None
        self._shown_heading: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def begin(self, cells: Sequence[Mapping[str, Any]]) -> None:
        """Start the run of these cells (the parameterized notebook's, papermill's index)."""
        self._cells = list(cells)
        self._headings = cell_headings(self._cells)
        self._started = self.clock()
        if self.live and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="greennb-progress", daemon=True)
            self._ticker.start()

    def line(self) -> str:
        """Return the current status line."""
        index = self._index or 0
        now = self.clock()
        pending = [(cell_key(c), c.get("cell_type") == "code") for c in self._cells[index:]]
        remaining = self.estimate.remaining_s(pending, running_s=now - self._cell_started)
        heading = self._headings[index] if index < len(self._headings) else ""
        width = shutil.get_terminal_size((80, 24)).columns if self.live else 80
        return status_line(
            index,
            len(self._cells),
            heading,
            now - self._started,
            remaining,
            self.estimate.basis,
            min(width, 120) - 1,
        )

    def cell_started(self, index: int) -> None:
        """Papermill starts cell ``index``."""
        with self._lock:
            self._index, self._cell_started = index, self.clock()
            heading = self._headings[index] if index < len(self._headings) else ""
            if self.live:
                self._draw()
            elif heading != self._shown_heading and self._cells[index].get("cell_type") == "code":
                self._shown_heading = heading
                print(self.line(), file=self.stream, flush=True)

    def cell_completed(self, index: int, seconds: float | None) -> None:
        """Papermill finished cell ``index`` in ``seconds`` (its recorded duration)."""
        with self._lock:
            cell = self._cells[index]
            if seconds is None:
                seconds = self.clock() - self._cell_started
            self.estimate.cell_done(cell_key(cell), seconds, code=cell.get("cell_type") == "code")
            self._index, self._cell_started = index + 1, self.clock()

    def close(self) -> None:
        """Stop redrawing; end the status line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self.live:
            with self._lock:
                self._draw()
                print(file=self.stream, flush=True)

    def _draw(self) -> None:
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(REDRAW_EVERY_S):
            with self._lock:
                if self._index is not None:
                    self._draw()


def attach_progress(nb_man: Any, progress: CellProgress) -> None:
    """Feed ``progress`` from a papermill ``NotebookExecutionManager``'s cell callbacks.

    The manager's own ``cell_start`` and ``cell_complete`` run first (they record each cell's
    times in the notebook's metadata), then the progress is told.
    """
    start, complete = nb_man.cell_start, nb_man.cell_complete

    def cell_start(cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        start(cell, cell_index, **kwargs)
        if cell_index is not None:
            progress.cell_started(cell_index)

    def cell_complete(cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        complete(cell, cell_index, **kwargs)
        if cell_index is not None:
            progress.cell_completed(cell_index, cell.metadata.papermill.get("duration"))

    nb_man.cell_start, nb_man.cell_complete = cell_start, cell_complete
    progress.begin(nb_man.nb.cells)


@functools.cache
def register_engine() -> str:
    """Register the papermill engine that drives a :class:`CellProgress`; return its name.

    The engine is papermill's nbclient engine; given ``greennb_progress=<CellProgress>``
    (with ``progress_bar=False``, so no tqdm bar) it attaches it before the first cell.
    """
    from papermill.engines import NBClientEngine, papermill_engines

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            progress = kwargs.pop(PROGRESS_KWARG, None)
            if progress is not None:
                attach_progress(nb_man, progress)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE_NAME, ProgressEngine)
    return ENGINE_NAME
