"""Promises the repository makes: README code runs, notebooks are clean, API is complete."""

from __future__ import annotations

import json
import re
from pathlib import Path

import greennb

ROOT = Path(__file__).resolve().parents[1]


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_api_tour_runs(capsys):
    blocks = _readme_python_blocks()
    assert blocks, "README.md has no python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # our own README
    sri = namespace["sri"]
    assert sri.value == sri.fairness_score / sri.bar
    assert namespace["facility"].total_kwh > 0
    assert set(namespace["table"]["country"]) >= {"FRA", "USA"}
    assert "estimated" in capsys.readouterr().out  # no RAPL/NVML on CI machines


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_notebooks_are_stored_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} is stored with outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_public_api_is_complete_and_documented():
    assert len(set(greennb.__all__)) == len(greennb.__all__)
    for name in greennb.__all__:
        obj = getattr(greennb, name)
        if callable(obj):
            assert obj.__doc__, f"greennb.{name} has no docstring"


def test_ipython_extension_is_loadable_from_the_package():
    assert callable(greennb.load_ipython_extension)


def test_wheel_ships_every_dataset_of_the_manifest():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    manifest = (ROOT / "data" / "checksums.sha256").read_text(encoding="utf-8").split("\n")
    files = {line.split()[-1].lstrip("*") for line in manifest if line.strip()}
    assert {f"data/{name}" for name in files} | {"data/checksums.sha256"} <= set(shipped)


def test_notebooks_are_valid_nbformat_with_unique_cell_ids():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)  # also refuses duplicate cell ids
        ids = [cell.get("id") for cell in notebook.cells]
        assert len(ids) == len(set(ids)), f"{path.name} repeats a cell id"
