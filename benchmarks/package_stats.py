"""Size and shape of the package: modules, lines, the largest modules, top-level names.

Counts every ``.py`` file under ``greennb/`` except the subpackages' ``__init__.py`` re-export
files (the top-level ``__init__.py`` counts: it is a module with code). With ``--revision REV``
it counts the package as it was at that git revision instead (read with ``git show``, no
checkout). Used for the before/after table of the package redesign.

Usage::

    .venv/bin/python benchmarks/package_stats.py
    .venv/bin/python benchmarks/package_stats.py --revision dfa3d9b
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _files(revision: str | None) -> dict[str, str]:
    if revision is None:
        return {
            str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
            for p in (ROOT / "greennb").rglob("*.py")
        }
    listing = subprocess.run(
        ["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", revision, "greennb"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {
        name: subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:{name}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name in listing
        if name.endswith(".py")
    }


def _top_level_names(source: str) -> int:
    """Length of ``__all__`` in the top-level ``__init__.py``."""
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            if isinstance(value, ast.List):
                starred = [e for e in value.elts if isinstance(e, ast.Starred)]
                if not starred:
                    return len(value.elts)
    import greennb  # a computed __all__ (the lazy top level): ask the module itself

    return len(greennb.__all__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revision", help="count the package at this git revision")
    args = parser.parse_args()
    files = _files(args.revision)
    modules = {
        name: source.count("\n")
        for name, source in files.items()
        if not (name.endswith("/__init__.py") and name.count("/") > 1)
    }
    lines = sorted(modules.values())
    print(f"revision: {args.revision or 'working tree'}")
    print(f"modules (without subpackage __init__ re-exports): {len(modules)}")
    print(f"total lines (all .py files): {sum(s.count(chr(10)) for s in files.values())}")
    print(f"median module lines: {statistics.median(lines):.0f}; largest: {lines[-1]}")
    print(f"modules over 600 lines: {sum(n > 600 for n in lines)}")
    print(f"top-level names: {_top_level_names(files['greennb/__init__.py'])}")
    print("largest modules:")
    for name, count in sorted(modules.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {count:5d}  {name}")


if __name__ == "__main__":
    main()
