"""Every case notebook is a lesson: objectives, a summary, a quiz, exercises that ask for a
prediction first, and instructor solutions that run.

The contract (issue 14), per ``notebooks/NN_<case>.ipynb``:

- an opening with ``## Learning objectives`` (a bullet list), ``**Prerequisites:**`` and
  ``**Study time:**``;
- a closing ``## Summary``, a ``## Quiz`` of at least three numbered questions, and
  ``## Exercises``: each ``### Exercise N · title`` cell has a ``**Predict:**`` line (asked
  before the run), a ``**Run:**`` line naming what to change, and an ``**Explain:**`` line;
- a solutions notebook ``notebooks/solutions/NN_<case>.ipynb`` with ``## Quiz answers`` (one
  numbered answer per question) and, for each exercise, a ``### Exercise N · title`` cell of the
  same title with its expected outcome; the solutions are executed here, in quick mode, so
  that they stay true;
- ``notebooks/README.md`` is the syllabus: every notebook is a session of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
CASE_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
OPENING = ("## Learning objectives", "**Prerequisites:**", "**Study time:**")
CLOSING = ("## Summary", "## Quiz", "## Exercises")
EXERCISE = re.compile(r"^### (Exercise \d+ · .+)$", re.MULTILINE)
EXERCISE_LINES = ("**Predict:**", "**Run:**", "**Explain:**")
NUMBERED = re.compile(r"^\d+\. ", re.MULTILINE)
#: Longest a solutions notebook may run (s): they are executed on every test run.
SOLUTION_TIMEOUT_S = 240


def _markdown(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _section(cells: list[str], heading: str) -> str:
    """Return the text of a ``## heading`` section, up to the next ``## `` heading."""
    text = "\n".join(cells)
    start = text.index(heading) + len(heading)
    following = re.search(r"^## ", text[start:], re.MULTILINE)
    return text[start : start + following.start()] if following else text[start:]


def _exercises(cells: list[str]) -> dict[str, str]:
    """Return each exercise's title and the text of its cell."""
    return {match: cell for cell in cells for match in EXERCISE.findall(cell)}


@pytest.fixture(params=CASE_NOTEBOOKS, ids=lambda path: path.stem)
def notebook(request) -> Path:
    return request.param


def test_every_notebook_opens_with_objectives_prerequisites_and_study_time(notebook):
    text = "\n".join(_markdown(notebook))
    missing = [part for part in OPENING if part not in text]
    assert not missing, f"{notebook.name} lacks {missing}"
    assert re.search(r"^- ", _section(_markdown(notebook), "## Learning objectives"), re.M)


def test_every_notebook_closes_with_a_summary_a_quiz_and_exercises(notebook):
    cells = _markdown(notebook)
    text = "\n".join(cells)
    missing = [part for part in CLOSING if part not in text]
    assert not missing, f"{notebook.name} lacks {missing}"
    assert len(NUMBERED.findall(_section(cells, "## Quiz"))) >= 3, "a quiz of three or more"


def test_every_exercise_asks_for_a_prediction_names_the_run_and_asks_why(notebook):
    exercises = _exercises(_markdown(notebook))
    assert len(exercises) >= 2, f"{notebook.name}: at least two exercises"
    for title, cell in exercises.items():
        missing = [line for line in EXERCISE_LINES if line not in cell]
        assert not missing, f"{notebook.name}, {title}: lacks {missing}"
        assert cell.index("**Predict:**") < cell.index("**Run:**"), f"{title}: predict first"


def test_every_notebook_has_solutions_for_its_quiz_and_each_exercise(notebook):
    solutions = SOLUTIONS / notebook.name
    assert solutions.is_file(), f"no instructor solutions at {solutions}"
    cells, solved = _markdown(notebook), _markdown(solutions)
    questions = len(NUMBERED.findall(_section(cells, "## Quiz")))
    assert len(NUMBERED.findall(_section(solved, "## Quiz answers"))) == questions
    assert set(_exercises(solved)) == set(_exercises(cells))


def test_solutions_run_in_quick_mode(notebook, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    solutions = SOLUTIONS / notebook.name
    if not solutions.is_file():
        pytest.fail(f"no instructor solutions at {solutions}")
    monkeypatch.setenv("GREENNB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MPLBACKEND", "agg")
    executed = nbformat.read(solutions, as_version=4)
    client = NotebookClient(
        executed, timeout=SOLUTION_TIMEOUT_S, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )  # fmt: skip
    client.execute()
    errors = [
        output for cell in executed.cells for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]  # fmt: skip
    assert not errors


def test_the_syllabus_makes_every_notebook_a_session():
    syllabus = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    sessions = re.findall(r"^### Session \d+", syllabus, re.MULTILINE)
    assert len(sessions) >= len(CASE_NOTEBOOKS)
    for path in CASE_NOTEBOOKS:
        assert path.name in syllabus, f"the syllabus does not name {path.name}"
    assert "solutions/" in syllabus and "assignment" in syllabus.lower()


def test_solutions_are_not_cases():
    """solutions/ lies below notebooks/: `greennb list` and `greennb run` never offer one."""
    from greennb.runs import list_cases

    assert set(list_cases()) == {path.stem.split("_", 1)[1] for path in CASE_NOTEBOOKS}
