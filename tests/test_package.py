"""Promises the package layout makes: imports flow one way, the top level is lazy, the wheel ships
the notebooks and datasets and runs a case outside the repository."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import greennb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "greennb"

#: The data flow: a module may import its own subpackage and those of a lower rank only.
#: energy, fairness and privacy share a rank and must not import each other.
FLOW = {
    "data": 1,
    "models": 2,
    "efficiency": 3,
    "energy": 4,
    "fairness": 4,
    "privacy": 4,
    "federated": 5,
    "evaluation": 6,
    "runs": 7,
    "plots": 8,
    "report": 9,
    "cli": 10,
}
#: Top-level private modules every layer may use; they import none of the subpackages.
FOUNDATION = {"errors", "_validation", "_json", "_paths", "_noise"}
HEAVY = ("torch", "sklearn", "fairlearn", "codecarbon", "papermill", "matplotlib", "seaborn")


# --- One direction of imports --------------------------------------------------------------


def _layer(module: str) -> str | None:
    """The subpackage (or foundation module) a dotted greennb module belongs to."""
    parts = module.split(".")
    if parts[0] != "greennb" or len(parts) < 2:
        return None
    return parts[1]


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every greennb module imported anywhere in a file, lazy imports in functions included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "greennb":
                found += [(node.lineno, f"greennb.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("greennb.")]


def flow_violations(package: Path) -> list[str]:
    """List the imports of ``package`` (a greennb source tree) that go against the flow."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        own = relative.parts[0].removesuffix(".py")
        if own in ("__init__", "__main__"):
            continue  # the lazy top level names subpackages as strings; __main__ runs the CLI
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, module in _imported_modules(tree):
            target = _layer(module)
            if target in (own, None, "__version__"):
                continue
            if own in FOUNDATION:
                ok = target in FOUNDATION
            elif target in FOUNDATION:
                ok = True
            else:
                ok = target in FLOW and own in FLOW and FLOW[target] < FLOW[own]
            if not ok:
                problems.append(f"greennb/{relative}:{line} ({own}) imports {module}")
    return problems


def test_every_subpackage_imports_only_those_before_it():
    assert flow_violations(PACKAGE) == []


def test_every_subpackage_is_in_the_flow():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(FLOW) - {"cli"}


@pytest.mark.parametrize(
    ("owner", "source", "bad"),
    [
        ("data", "from greennb.fairness import group_metrics\n", "greennb.fairness"),
        ("energy", "def f():\n    from greennb.fairness._sri import x\n", "greennb.fairness._sri"),
        ("fairness", "import greennb.energy\n", "greennb.energy"),
        ("models", "from greennb import runs\n", "greennb.runs"),
        ("_validation.py", "from greennb.data import load_dataset\n", "greennb.data"),
    ],
)
def test_the_flow_check_catches_an_import_against_the_flow(tmp_path, owner, source, bad):
    package = tmp_path / "greennb"
    target = package / owner if owner.endswith(".py") else package / owner / "_module.py"
    target.parent.mkdir(parents=True)
    target.write_text(source)
    (problem,) = flow_violations(package)
    assert problem.endswith(f"imports {bad}")


def test_the_flow_check_allows_imports_down_the_flow(tmp_path):
    module = tmp_path / "greennb" / "report" / "_module.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from greennb.runs import read_metrics\nfrom greennb.errors import GreennbError\n"
    )
    assert flow_violations(tmp_path / "greennb") == []


# --- A thin, lazy top level ----------------------------------------------------------------


def test_import_greennb_loads_no_heavy_library():
    code = (
        "import sys, greennb; "
        f"print([m for m in {HEAVY + ('pandas', 'numpy')!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


def test_a_name_is_loaded_on_first_use_from_its_subpackage():
    code = (
        "import sys, greennb; assert 'greennb.fairness' not in sys.modules; "
        "f = greennb.social_responsibility_index; "
        "import greennb.fairness as fairness; assert f is fairness.social_responsibility_index; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "False"  # fairness needs no torch


def test_every_top_level_name_resolves_and_unknown_names_are_refused():
    assert len(greennb.__all__) <= 30
    for name in greennb.__all__:
        assert getattr(greennb, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'fairness_report'"):
        greennb.fairness_report  # noqa: B018 - the old name is gone, with a clear error


# --- The wheel -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build greennb's wheel offline (hatchling from the environment, no build isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("greennb-*.whl")
    return built


def test_the_wheel_carries_the_notebooks_and_the_datasets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    notebooks = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {n.split("/")[-1] for n in names if n.startswith("greennb/_notebooks/")} >= notebooks
    manifest = (ROOT / "data" / "checksums.sha256").read_text(encoding="utf-8").split("\n")
    datasets = {line.split()[-1].lstrip("*") for line in manifest if line.strip()}
    assert {f"greennb/_datasets/{name}" for name in datasets} <= names
    assert "greennb/_datasets/checksums.sha256" in names


def test_the_wheel_carries_the_explorer_notebook_and_its_voila_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    voila = "greennb/report/_voila/"
    template = f"{voila}voila/templates/greennb/"
    assert {f"{voila}explorer.ipynb", f"{template}conf.json", f"{template}index.html.j2"} <= names


def test_an_installed_wheel_lists_and_runs_a_case_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENNB_")}
    env["PYTHONPATH"] = str(site)  # ahead of the editable install of the checkout

    def greennb_cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "greennb", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import greennb; print(greennb.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(where.strip()).is_relative_to(site)
    assert "getting_started" in greennb_cli("list")
    greennb_cli("run", "getting_started", "--no-progress")
    (record,) = (work / "papermill_runs" / "getting_started").glob("*/metrics.json")
    assert json.loads(record.read_text())["case"] == "getting_started"


@pytest.mark.parametrize("name", sorted(set(FLOW) - {"cli"}))
def test_every_subpackage_re_exports_a_sorted_documented_public_api(name):
    import importlib
    import re

    package = importlib.import_module(f"greennb.{name}")
    assert package.__doc__, f"greennb.{name} has no module docstring"
    assert package.__all__ == sorted(set(package.__all__))
    messages = [n for n in package.__all__ if re.search(r"_(MSG|ERROR|REASON)$", n)]
    assert not messages, f"message constants stay in their private modules: {messages}"
    for public in package.__all__:
        value = getattr(package, public)
        if callable(value):
            assert value.__doc__, f"greennb.{name}.{public} has no docstring"
