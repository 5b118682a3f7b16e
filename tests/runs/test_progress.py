"""The run's status line: cell headings, the remaining-time estimate, the earlier run it uses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from greennb.runs import run_case
from greennb.runs._progress import (
    ROUGH,
    CellProgress,
    RemainingTime,
    cell_headings,
    earlier_durations,
    status_line,
)


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "source": source}


def _code(source: str, key: str | None = None) -> dict:
    return {"cell_type": "code", "source": source, **({"id": key} if key else {})}


def test_each_cell_gets_the_nearest_heading_above_it_without_markup():
    cells = [
        _code("import x"),
        _markdown("# Title\n\nSome *prose*.\n\n## 1. Train the `mlp` **fast**"),
        _code("# a comment is not a heading\nfit()"),
        _markdown("No heading here, only prose."),
        _code("more()"),
        _markdown("### 2. The SRI $R = A / B$ ###"),
        _code("sri()"),
    ]
    assert cell_headings(cells) == [
        "",
        "1. Train the mlp fast",
        "1. Train the mlp fast",
        "1. Train the mlp fast",
        "1. Train the mlp fast",
        "2. The SRI R = A / B",
        "2. The SRI R = A / B",
    ]
    assert cell_headings([_markdown(["# A\n", "## B"])]) == ["B"]  # nbformat's list of lines


def test_the_estimate_scales_the_earlier_runs_cell_times_by_this_runs_pace():
    estimate = RemainingTime({"a": 1.0, "b": 30.0, "c": 1.0})
    assert estimate.remaining_s([("a", True), ("b", True), ("c", True)]) == 32.0  # pace unknown
    estimate.cell_done("a", 2.0, code=True)  # twice as slow as the earlier run
    assert estimate.scale == 2.0
    left = [("b", True), ("c", True)]
    assert estimate.remaining_s(left) == 62.0
    assert estimate.remaining_s(left, running_s=10.0) == 52.0  # 10 s of b spent
    assert estimate.remaining_s(left, running_s=100.0) == 2.0  # b overran: c is left
    assert estimate.remaining_s([]) == 0.0


def test_a_cell_the_earlier_run_lacked_counts_as_its_median_cell_if_code():
    estimate = RemainingTime({"a": 1.0, "b": 2.0, "c": 30.0})
    assert estimate.remaining_s([("new", True), ("c", True)]) == 32.0
    assert estimate.remaining_s([("new", False), ("c", True)]) == 30.0


def test_the_pace_is_not_taken_from_less_than_a_second_of_earlier_cells():
    estimate = RemainingTime({"a": 0.1, "b": 10.0})
    estimate.cell_done("a", 0.5, code=True)  # start-up jitter: 5x, but over 0.1 s only
    assert estimate.scale == 1.0 and estimate.remaining_s([("b", True)]) == 10.0
    estimate.cell_done("unknown", 50.0, code=True)  # not in the earlier run: not in the pace
    assert estimate.scale == 1.0


def test_without_an_earlier_run_the_estimate_is_the_mean_code_cell_and_says_rough():
    estimate = RemainingTime()
    assert estimate.basis == ROUGH and estimate.remaining_s([("x", True), ("y", True)]) is None
    estimate.cell_done("m", 0.0, code=False)  # markdown cells do not count
    estimate.cell_done("x", 2.0, code=True)
    estimate.cell_done("y", 4.0, code=True)
    assert estimate.remaining_s([("z", True), ("m2", False), ("w", True)]) == 6.0


def test_uneven_cells_are_estimated_within_their_pace_where_a_mean_is_off_100x():
    """Ten 0.2 s cells, one 60 s training, five 0.2 s cells; this run 1.5x slower throughout."""
    earlier = [0.2] * 10 + [60.0] + [0.2] * 5
    keys = [f"c{i}" for i in range(len(earlier))]
    estimate = RemainingTime(dict(zip(keys, earlier, strict=True)))
    for key, seconds in zip(keys[:10], earlier[:10], strict=True):
        estimate.cell_done(key, 1.5 * seconds, code=True)
    actual = 1.5 * sum(earlier[10:])
    assert estimate.remaining_s([(key, True) for key in keys[10:]]) == pytest.approx(actual)
    mean_per_cell = 1.5 * sum(earlier[:10]) / 10 * len(keys[10:])  # what an average predicts
    assert actual / mean_per_cell > 50


def test_the_status_line_fits_its_width_and_shortens_the_heading():
    heading = "3. A very long section title that goes on and on about mitigation and energy"
    line = status_line(11, 31, heading, 42.0, 70.0, "earlier run", width=60)
    assert len(line) <= 60 and line.endswith("…")
    assert line.startswith("[greennb] cell 12/31 | 0:42, ~1:10 left | 3. A very")
    assert "(rough)" in status_line(0, 3, "", 1.0, 5.0, ROUGH)


def _fake_run(case_dir: Path, name: str, durations: list[float], quick: bool = True) -> Path:
    run = case_dir / name
    run.mkdir(parents=True)
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {"papermill": {"duration": d}}}
        for i, d in enumerate(durations)
    ]
    (run / "nb.ipynb").write_text(json.dumps({"cells": cells}))
    (run / "metrics.json").write_text("{}")
    (run / "params.json").write_text(json.dumps({"quick": quick}))
    return run


def test_the_earlier_run_is_the_newest_with_the_same_parameters_else_same_quick(tmp_path):
    assert earlier_durations(tmp_path / "absent", "nb.ipynb", "aaaaaaaa") == {}
    _fake_run(tmp_path, "20260101T000000_000000Z-aaaaaaaa", [1.0])
    _fake_run(tmp_path, "20260102T000000_000000Z-bbbbbbbb", [2.0], quick=False)
    _fake_run(tmp_path, "20260103T000000_000000Z-cccccccc", [3.0])
    _fake_run(tmp_path, ".tmp-20260104T000000_000000Z-aaaaaaaa", [4.0])  # still running
    _fake_run(tmp_path, "20260105T000000_000000Z-aaaaaaaa.failed", [5.0])
    assert earlier_durations(tmp_path, "nb.ipynb", "aaaaaaaa", True) == {"c0": 1.0}
    assert earlier_durations(tmp_path, "nb.ipynb", "dddddddd", True) == {"c0": 3.0}
    assert earlier_durations(tmp_path, "nb.ipynb", "dddddddd", False) == {"c0": 2.0}
    assert earlier_durations(tmp_path, "nb.ipynb", "dddddddd", "other") == {"c0": 3.0}
    assert earlier_durations(tmp_path, "other.ipynb", "aaaaaaaa", True) == {}


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_a_line_is_printed_when_the_section_changes():
    cells = [_markdown("# 1. Load"), _code("a", "a"), _code("b", "b"), _markdown("# 2. Fit")]
    cells.append(_code("c", "c"))
    clock, stream = _Clock(), io.StringIO()
    progress = CellProgress({"a": 1.0, "b": 1.0, "c": 10.0}, stream=stream, clock=clock)
    progress.begin(cells)
    for index, seconds in enumerate([0.0, 2.0, 2.0, 0.0, 20.0]):
        progress.cell_started(index)
        clock.now += seconds
        progress.cell_completed(index, seconds)
    progress.close()
    assert stream.getvalue().splitlines() == [
        "[greennb] cell 2/5 | 0:00, ~0:12 left | 1. Load",
        "[greennb] cell 5/5 | 0:04, ~0:20 left | 2. Fit",  # 2x slower so far: 2 x 10 s
    ]


def test_on_a_terminal_the_line_is_redrawn_in_place_and_ends_done():
    clock, stream = _Clock(), io.StringIO()
    progress = CellProgress(stream=stream, clock=clock, live=True)
    progress.begin([_markdown("# Only"), _code("x", "x")])
    progress.cell_started(1)
    clock.now = 3.0
    progress.cell_completed(1, 3.0)
    progress.close()
    out = stream.getvalue()
    assert out.startswith("\r\x1b[K[greennb] cell 2/2 | 0:00 | Only")
    assert out.endswith("\r\x1b[K[greennb] 2 cells | 0:03, done\n")


@pytest.mark.usefixtures("fixture_notebooks")
def test_a_second_run_shows_headings_and_an_estimate_from_the_first(tmp_path, capsys):
    run_case("light", runs_root=tmp_path, progress=True)
    first = capsys.readouterr().err
    assert "[greennb] cell " in first and "Test fixture: a light run" in first
    assert "left" not in first.splitlines()[0]  # nothing done yet, no earlier run
    run_case("light", runs_root=tmp_path, progress=True)
    second = capsys.readouterr().err
    assert "left |" in second and "(rough)" not in second
