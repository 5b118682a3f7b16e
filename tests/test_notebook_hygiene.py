"""An executed notebook is clean: no estimator HTML dumps, stray paths, repeated warnings or
temporary run folders in its outputs.

:func:`notebook_noise` scans an executed notebook (nbformat) for the noise issue 14 lists, and
tests/test_notebooks.py applies it to every case notebook it executes. The tests here build
small notebooks by hand and check that each kind of noise is found, and clean output is not
flagged.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from greennb.runs import TMP_PREFIX

#: The kinds of noise, in the order they are reported.
ESTIMATOR_HTML = "estimator HTML repr"
PATH_REPR = "Path repr"
REPEATED_WARNING = "repeated warning"
TEMPORARY_FOLDER = "temporary run folder"
KINDS = (ESTIMATOR_HTML, PATH_REPR, REPEATED_WARNING, TEMPORARY_FOLDER)

#: scikit-learn's HTML repr of an estimator: a ``sk-top-container`` with ``sk-estimator`` items
#: (sklearn/utils/_estimator_html_repr.py).
_ESTIMATOR_HTML = re.compile(r"sk-top-container|sk-estimator")
#: The repr of a pathlib path: the value of a cell that ends in a call returning a Path.
_PATH_REPR = re.compile(r"\b(?:Posix|Windows|Pure\w*)?Path\('")
#: A warning as Python's warnings module shows it (``file:line: Category: message``) or as
#: greennb.evaluation.each_warning_once prints it (``warning (once): Category: message``).
_WARNING = re.compile(r"\b(?P<category>[A-Z]\w*Warning): (?P<message>.+)$")


class Noise(NamedTuple):
    """One finding: its kind, the cell index (0-based, as nbformat counts) and what it shows."""

    kind: str
    cell: int
    detail: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.kind}: {self.detail}"


def _texts(output: dict) -> list[str]:
    """The text of an output: a stream's text, or every text/* item of a result or display."""
    if output.get("output_type") == "stream":
        return ["".join(output.get("text", ""))]
    data = output.get("data", {})
    return ["".join(value) for kind, value in data.items() if kind.startswith("text/")]


def _first_line(text: str, width: int = 70) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def _warnings_of(output: dict) -> list[str]:
    if output.get("output_type") != "stream":
        return []
    text = "".join(output.get("text", ""))
    return [
        f"{m['category']}: {m['message'].strip()}"
        for m in map(_WARNING.search, text.splitlines())
        if m
    ]


def notebook_noise(notebook: nbformat.NotebookNode | str | Path) -> list[Noise]:
    """Return the noise in an executed notebook's outputs, in cell order, then by kind.

    - an HTML repr of a scikit-learn estimator (a cell that ends with ``model.fit(...)``);
    - a Path's repr (``PosixPath('figure.png')``: a cell that ends with a call returning a Path);
    - the same warning (category and message) shown twice or more anywhere in the notebook,
      on stderr or stdout, reported at its second appearance;
    - a temporary run folder (greennb.runs.TMP_PREFIX, ``.tmp-``): a folder renamed when the
      run completed, so a path no reader can open.
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    found: list[Noise] = []
    seen: Counter[str] = Counter()
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            texts = _texts(output)
            html = "".join(output.get("data", {}).get("text/html", ""))
            if _ESTIMATOR_HTML.search(html):
                plain = "".join(output.get("data", {}).get("text/plain", ""))
                found.append(Noise(ESTIMATOR_HTML, index, _first_line(plain or html)))
            for text in texts:
                if match := _PATH_REPR.search(text):
                    found.append(Noise(PATH_REPR, index, _first_line(text[match.start() :])))
                if TMP_PREFIX in text:
                    at = text.index(TMP_PREFIX)
                    found.append(
                        Noise(TEMPORARY_FOLDER, index, _first_line(text[at - 30 : at + 40]))
                    )
            for warning in _warnings_of(output):
                seen[warning] += 1
                if seen[warning] == 2:
                    found.append(Noise(REPEATED_WARNING, index, _first_line(warning)))
    return sorted(dict.fromkeys(found), key=lambda n: (n.cell, KINDS.index(n.kind)))


def noise_summary(noise: list[Noise]) -> str:
    """The findings as one line per finding (for assertion messages and xfail reasons)."""
    return "; ".join(str(n) for n in noise)


# --- the scanner on hand-built notebooks -----------------------------------------------


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=list(cells))
    nbformat.validate(notebook)
    return notebook


def _result(text: str, html: str | None = None, count: int = 1) -> nbformat.NotebookNode:
    data = {"text/plain": text, **({"text/html": html} if html else {})}
    return new_output("execute_result", data=data, execution_count=count)


def _stream(text: str, name: str = "stderr") -> nbformat.NotebookNode:
    return new_output("stream", name=name, text=text)


def _cell(*outputs: nbformat.NotebookNode, source: str = "x") -> nbformat.NotebookNode:
    return new_code_cell(source, outputs=list(outputs), execution_count=1)


FAIRNESS_WARNING = (
    "/tmp/ipykernel_1/1434647684.py:6: FairnessWarning: 2 row(s) with y_true == 0 are left out "
    "of MAPE (no percentage error).\n  report = gnb.group_metrics(split.y_test, pred)\n"
)


def test_a_clean_notebook_has_no_noise():
    notebook = _notebook(
        new_markdown_cell("# A lesson\nPaths such as `PosixPath('x')` in prose are fine."),
        _cell(_stream("run folder: finance/20261201T204308_845844Z-e76ad504\n", "stdout")),
        _cell(_result("accuracy    0.91\nName: logistic, dtype: float64")),
        _cell(_stream(FAIRNESS_WARNING)),  # one warning, once
        _cell(_stream("warning (once): UserWarning: another warning\n", "stdout")),
        _cell(new_output("display_data", data={"text/plain": "<Figure size 640x480>"})),
    )
    assert notebook_noise(notebook) == []


def test_the_html_repr_of_a_fitted_estimator_is_noise():
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression()
    notebook = _notebook(_cell(_result(repr(model), model._repr_html_())))
    assert notebook_noise(notebook) == [Noise(ESTIMATOR_HTML, 0, "LogisticRegression()")]


def test_a_plain_html_table_is_not_an_estimator():
    html = "<table class='dataframe'><tr><td>estimator</td></tr></table>"
    assert notebook_noise(_notebook(_cell(_result("a table", html)))) == []


@pytest.mark.parametrize(
    "text", ["PosixPath('sri_before_mitigation.png')", "WindowsPath('C:/runs/a.png')"]
)
def test_a_path_left_as_a_cells_value_is_noise(text):
    notebook = _notebook(new_markdown_cell("intro"), _cell(_result(text)))
    assert notebook_noise(notebook) == [Noise(PATH_REPR, 1, text)]


def test_a_path_printed_in_a_stream_is_noise_too():
    notebook = _notebook(
        _cell(_stream("saved [PosixPath('a.png'), PosixPath('b.png')]\n", "stdout"))
    )
    assert [n.kind for n in notebook_noise(notebook)] == [PATH_REPR]


def test_the_same_warning_twice_is_noise_once_at_its_second_appearance():
    notebook = _notebook(
        _cell(_stream(FAIRNESS_WARNING * 3)),  # three times in one cell
        _cell(_stream(FAIRNESS_WARNING)),  # and again in another
    )
    (noise,) = notebook_noise(notebook)
    assert noise.kind == REPEATED_WARNING and noise.cell == 0
    assert noise.detail.startswith("FairnessWarning: 2 row(s) with y_true == 0 are left out")


def test_a_warning_repeated_across_cells_and_streams_is_noise():
    once = "warning (once): FairnessWarning: TPR is undefined for 'nicu'\n"
    notebook = _notebook(
        _cell(_stream(once, "stdout")),
        _cell(_stream("x.py:3: FairnessWarning: TPR is undefined for 'nicu'\n")),
    )
    assert notebook_noise(notebook) == [
        Noise(REPEATED_WARNING, 1, "FairnessWarning: TPR is undefined for 'nicu'")
    ]


def test_two_different_warnings_are_not_repeated():
    notebook = _notebook(
        _cell(_stream("a.py:1: UserWarning: first\n")),
        _cell(_stream("a.py:1: UserWarning: second\n")),
        _cell(_stream("a.py:1: FutureWarning: first\n")),
    )
    assert notebook_noise(notebook) == []


def test_a_temporary_run_folder_is_noise():
    printed = f"run folder: papermill_runs/finance/{TMP_PREFIX}20261201T204308_845844Z-e76ad504\n"
    notebook = _notebook(_cell(_stream(printed, "stdout")))
    (noise,) = notebook_noise(notebook)
    assert noise.kind == TEMPORARY_FOLDER and noise.cell == 0 and TMP_PREFIX in noise.detail


def test_a_temporary_folder_in_html_is_noise():
    html = f"<p>written to <code>runs/medical/{TMP_PREFIX}x/metrics.json</code></p>"
    notebook = _notebook(_cell(_result("written", html)))
    assert [n.kind for n in notebook_noise(notebook)] == [TEMPORARY_FOLDER]


def test_several_kinds_in_one_notebook_are_all_found_in_cell_order(tmp_path):
    notebook = _notebook(
        _cell(_stream(FAIRNESS_WARNING * 2), _result("PosixPath('f.png')")),
        _cell(_stream(f"folder {TMP_PREFIX}abc\n", "stdout")),
    )
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    kinds = [(n.cell, n.kind) for n in notebook_noise(path)]  # a path works as well
    assert kinds == [(0, PATH_REPR), (0, REPEATED_WARNING), (1, TEMPORARY_FOLDER)]
    assert noise_summary(notebook_noise(path)).startswith("cell 0: Path repr: PosixPath('f.png')")
