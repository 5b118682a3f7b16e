"""Every case notebook in notebooks/ runs in quick mode through the runner and records honestly.

One test per notebook (parametrized), so pytest-xdist spreads them over its workers. Each
executes the notebook with :func:`greennb.run_case`, exactly as ``greennb run`` does, into
a temporary run store, and checks the run record it wrote.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest

from greennb.energy import VERDICTS
from greennb.runs import notebook_path, read_metrics, run_case

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS_DIR_ENV = "GREENNB_NOTEBOOKS_DIR"
PARAMS_FILE = "params.json"
NOTEBOOK_PATTERN = re.compile(r"^(?P<number>\d+)_(?P<case>[A-Za-z0-9][A-Za-z0-9_]*)\.ipynb$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Longest a single cell may run in quick mode before the test fails instead of hanging (s).
CELL_TIMEOUT_S = 300
#: The notebooks whose executed outputs are noisy today (issue 14, item 7), and why: their
#: hygiene check is an expected failure, not strict (pytest.xfail with what it found), until
#: the notebooks are rewritten; a clean run of one passes.
NOISY_TODAY: dict[str, str] = {}


def _repository_cases() -> list:
    found = sorted(
        (int(match["number"]), match["case"])
        for path in NOTEBOOKS.glob("*.ipynb")
        if (match := NOTEBOOK_PATTERN.match(path.name))
    )
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no notebooks in notebooks/ yet"))]
    return [case for _, case in found]


def _cpu_only() -> bool:
    """No GPU and no RAPL: CodeCarbon can only estimate the CPU's power here."""
    import torch

    return not torch.cuda.is_available() and not Path("/sys/class/powercap").exists()


@pytest.fixture(scope="module")
def cpu_only() -> bool:
    return _cpu_only()


def _check_model(model: dict, cpu_only: bool) -> None:
    name = model["name"]
    assert model["quality"], f"model {name!r} records no quality metric"
    assert all(math.isfinite(v) for v in model["quality"].values()), model["quality"]
    for label, sri in model["fairness"].items():
        r, a, b = sri["value"], sri["fairness_score"], sri["bar"]
        assert 0 < b <= 1, (name, label, b)
        if r is not None:
            assert 0 <= a <= 1 and r == pytest.approx(a / b), (name, label, r, a, b)
        else:
            assert sri["reason"], f"{name} {label}: R undefined without a reason"
    assert model["energy_total"]["status"] in {"estimated", "measured"}, (name, model["energy"])
    for phase, energy in model["energy"].items():
        assert energy["status"] in {"estimated", "measured"}, (name, phase, energy["reason"])
        assert energy["energy_kwh"] is not None and energy["energy_kwh"] >= 0
        if cpu_only:
            assert energy["cpu_flag"] != "measured", (name, phase, energy["cpu_source"])
            assert energy["status"] == "estimated", (name, phase)
    carbon = model["carbon"]
    assert carbon["emissions_g"] is not None and carbon["emissions_g"] >= 0, (name, carbon)
    assert carbon["total_kwh"] >= model["energy_total"]["energy_kwh"], (name, carbon)


#: Verdicts a recorded energy comparison may hold: compare_energy's, or a verdict table's own.
ALLOWED_VERDICTS = {*VERDICTS, "reference", "unavailable"}


def _rows(value):
    """Every dict inside a recorded section (rows of tables, nested sections)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _rows(item)
    elif isinstance(value, list):
        for item in value:
            yield from _rows(item)


def _raw_identifier_hits(run_dir: Path, source: Path) -> dict[str, list[str]]:
    """Raw fake names and subject ids of covid_testing found in any file of a run folder.

    Names: every distinct first and last name of 5 letters or more, as a whole word
    (case-insensitive), in every file, text or binary. Some fake names are English words ("small",
    "three"); a word that the notebook's own source uses is not a leak and is left out. Ids: a
    number is too often a count that happens to equal an id, so an id (3 digits or more, not part
    of a word such as "SHA-256", of a decimal or of a number with thousands separators) is
    searched where a leaked table would put it, within 200 characters after the word
    ``subject_id`` (HTML tags left out). In an executed notebook only the outputs are the run's:
    its code is the repository's notebook.
    """
    import greennb as gnb

    frame = gnb.load_dataset("covid_testing").frame
    prose = set(re.findall(r"[a-z]+", source.read_text(encoding="utf-8").lower()))
    names = {
        str(n).lower()
        for column in ("fake_first_name", "fake_last_name")
        for n in frame[column].dropna().unique()
        if len(str(n)) >= 5
    } - prose
    ids = {str(i) for i in frame["subject_id"].unique()}
    hits = {}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        if path.suffix == ".ipynb":  # its code is the repository's; what it printed is the run's
            text = _output_text(path).lower()
        else:
            text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        found = sorted(set(re.findall(r"[a-z]+", text)) & names)
        untagged = re.sub(r"<[^>]+>", " ", text)  # an HTML table puts tags between the cells
        near = re.findall(r"subject_id.{0,200}", untagged, flags=re.DOTALL)
        numbers = (re.findall(r"(?<![\w.,-])\d{3,}(?![\w.,])", chunk) for chunk in near)
        leaked = {n for found_numbers in numbers for n in found_numbers} & ids
        if leaked:
            found.append(f"{len(leaked)} subject ids after 'subject_id'")
        if found:
            hits[path.name] = found[:5]  # a few, to say which without listing them all
    return hits


def _check_verdicts(sections: dict) -> None:
    """Energy verdicts are compare_energy's words; no break-even without a measurable saving."""
    for row in _rows(sections):
        if "verdict" in row:
            assert row["verdict"] in ALLOWED_VERDICTS, row
        if "saving_verdict" in row and row["saving_verdict"] != "less":
            assert row["break_even_predictions"] is None, row
            assert row["pays_back_within_life"] is False, row


def _output_text(notebook: Path) -> str:
    """Every text output of an executed notebook (streams, text/plain, text/html), joined."""
    texts = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/"):
                    texts.append("".join(value))
    return "\n".join(texts)


def _hygiene():
    """tests/test_notebook_hygiene.py, whose scanner this uses (a test module: loaded by path)."""
    name = "notebook_hygiene"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("test_notebook_hygiene.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _check_clean_outputs(case: str, executed: Path) -> None:
    """No estimator HTML, Path reprs, repeated warnings or temporary folders in the outputs."""
    hygiene = _hygiene()
    noise = hygiene.notebook_noise(executed)
    if noise and case in NOISY_TODAY:
        pytest.xfail(f"{case}: {NOISY_TODAY[case]}; found {hygiene.noise_summary(noise)}")
    assert noise == [], f"{case}: {hygiene.noise_summary(noise)}"


def _parameters_source(case: str) -> str:
    notebook = json.loads(notebook_path(case).read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    return "".join(cell["source"])


@pytest.mark.parametrize("case", _repository_cases())
def test_every_parameter_is_visible_to_papermill(case, monkeypatch):
    """Each line of the parameters cell must be read back by papermill's inspection.

    papermill skips a line with two '=' (a help comment such as "0.8 = the four-fifths rule"):
    the parameter then vanishes from ``papermill --help-notebook`` and ``greennb list``, and
    ``greennb run -p`` refuses it as unknown.
    """
    from papermill import inspect_notebook

    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(NOTEBOOKS))
    tree = ast.parse(_parameters_source(case))
    assigned = [node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)]
    assert len(assigned) == len(tree.body), f"{case}: every line must be `name: type = value`"
    seen = inspect_notebook(str(notebook_path(case)))
    hidden = [name for name in assigned if name not in seen]
    assert not hidden, f"{case}: papermill cannot read {hidden}; avoid '=' in their help comments"
    for name in assigned:
        assert seen[name]["help"], f"{case}: parameter {name!r} has no help comment"


@pytest.mark.parametrize("case", _repository_cases())
def test_notebook_runs_in_quick_mode_and_writes_an_honest_record(
    case, tmp_path, monkeypatch, cpu_only, measured_claims
):
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(NOTEBOOKS))
    result = run_case(
        case, {"quick": True}, runs_root=tmp_path, progress=False, timeout=CELL_TIMEOUT_S
    )
    metrics = read_metrics(result.path)  # validates the schema
    assert metrics["case"] == case and metrics["parameters"]["quick"] is True
    assert metrics["models"], f"{case} records no model"
    for model in metrics["models"]:
        _check_model(model, cpu_only)
    _check_verdicts(metrics["sections"])
    if case == "privacy":  # raw names and ids must never reach any output of the run
        assert _raw_identifier_hits(result.path, notebook_path(case)) == {}
    assert metrics["figures"], f"{case} saves no figure through its RunRecord"
    for figure in metrics["figures"]:
        assert (result.path / figure).read_bytes().startswith(PNG_MAGIC), figure
    params = json.loads((result.path / PARAMS_FILE).read_text())
    recorded = {k: v for k, v in metrics["parameters"].items() if k != "run_dir"}
    assert recorded == params == result.parameters
    assert any(p.name.startswith("emissions") for p in result.path.glob("*.csv"))
    (executed,) = result.path.glob("*.ipynb")
    if cpu_only:  # nothing can be measured here: no output may call a figure "measured"
        assert measured_claims(_output_text(executed)) == []
    _check_clean_outputs(case, executed)  # last: for a noisy notebook an expected failure


def test_the_identifier_scan_finds_a_leaked_table_and_not_the_clean_prose(tmp_path):
    """The scan of the privacy run would see a leak: names in a CSV, ids in a printed table."""
    import greennb as gnb

    frame = gnb.load_dataset("covid_testing").frame.head(10)
    (tmp_path / "names.csv").write_text(frame[["fake_last_name"]].to_csv())
    (tmp_path / "ids.html").write_text(frame[["subject_id", "gender"]].to_html())
    (tmp_path / "clean.txt").write_text("subject_id, plain SHA-256: 1.000 of 15,223 rows; small")
    hits = _raw_identifier_hits(tmp_path, notebook_path_in_repository("privacy"))
    assert set(hits) == {"names.csv", "ids.html"}


def notebook_path_in_repository(case: str) -> Path:
    """The repository's notebook of a case (the tests' catalogue may point elsewhere)."""
    return next(NOTEBOOKS.glob(f"*_{case}.ipynb"))
