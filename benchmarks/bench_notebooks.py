"""End-to-end time of every case notebook in quick mode, and where it goes.

Runs each notebook of notebooks/ through ``greennb.runs.run_case`` (as ``greennb run`` does),
one at a time, into a temporary run store, and prints per notebook:

- wall: the whole run, kernel start-up and shut-down included (s);
- kernel: wall minus the cells' own execution time (papermill's per-cell ``duration``):
  kernel start-up, parameter injection, saving the notebook, shut-down;
- cells: the sum of the cells' execution times;
- tracked: the time inside tracked energy phases (the distinct phases of metrics.json,
  ``duration_s``): the model computation itself;
- rest: wall - tracked (kernel, imports, data loading, tracking overhead, fairness, plotting)
  and its share of the wall time; target under a quarter.

Then the three slowest cells of each notebook, and the total (target: all within 5 minutes on a
2-core CPU).

    .venv/bin/python benchmarks/bench_notebooks.py
    .venv/bin/python benchmarks/bench_notebooks.py --cases finance medical --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from greennb import runs

TOTAL_TARGET_S = 300.0
REST_SHARE_TARGET = 0.25


def _tracked_s(metrics: dict) -> float:
    """Sum the distinct tracked phases (models may share one phase, e.g. a common training)."""
    phases = {}
    for model in metrics["models"]:
        for name, energy in model["energy"].items():
            phases[(name, energy["started_at"])] = energy["duration_s"]
    return sum(phases.values())


def _cells(notebook: Path) -> list[tuple[float, str]]:
    """(seconds, first source line) of each executed code cell, from papermill's metadata."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    timed = []
    for cell in cells:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell["cell_type"] == "code" and duration is not None:
            source = "".join(cell["source"]).strip().splitlines() or [""]
            timed.append((float(duration), source[0][:60]))
    return timed


def measure(case: str, root: Path) -> dict:
    result = runs.run_case(case, {"quick": True}, runs_root=root, progress=False)
    cells = _cells(result.path / runs.notebook_path(case).name)
    cells_s = sum(seconds for seconds, _ in cells)
    tracked = _tracked_s(result.metrics)
    return {
        "case": case,
        "wall_s": result.wall_s,
        "kernel_s": result.wall_s - cells_s,
        "cells_s": cells_s,
        "tracked_s": tracked,
        "rest_s": result.wall_s - tracked,
        "rest_share": (result.wall_s - tracked) / result.wall_s,
        "models": len(result.metrics["models"]),
        "slowest": sorted(cells, reverse=True)[:3],
    }


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if "model name" in line]
        model = names[0].split(":", 1)[1].strip() if names else ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} CPUs ({model or platform.processor()}), Python "
        f"{platform.python_version()}, 1-min load average before the runs {load:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="*", default=None, help="default: every notebook")
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook (median)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    cases = args.cases or runs.list_cases()
    if not cases:
        raise SystemExit("no notebooks in notebooks/ yet")
    print(_machine())
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as root:
        start = time.perf_counter()
        for case in cases:
            repeats = [measure(case, Path(root)) for _ in range(args.repeat)]
            rows.append(min(repeats, key=lambda r: abs(r["wall_s"] - _median(repeats))))
        total = time.perf_counter() - start
    _print(rows, total / args.repeat)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


def _median(rows: list[dict]) -> float:
    return statistics.median(r["wall_s"] for r in rows)


def _print(rows: list[dict], total: float) -> None:
    header = f"{'case':<16}{'wall s':>8}{'kernel s':>10}{'cells s':>9}{'tracked s':>11}"
    print(header + f"{'rest s':>8}{'rest share':>12}{'models':>8}")
    for r in rows:
        print(
            f"{r['case']:<16}{r['wall_s']:>8.1f}{r['kernel_s']:>10.1f}{r['cells_s']:>9.1f}"
            f"{r['tracked_s']:>11.1f}{r['rest_s']:>8.1f}{r['rest_share']:>12.0%}{r['models']:>8}"
        )
    wall = sum(r["wall_s"] for r in rows)
    tracked = sum(r["tracked_s"] for r in rows)
    print(
        f"all {len(rows)} notebooks: {total:.1f} s end to end (target {TOTAL_TARGET_S:.0f} s); "
        f"non-model share {(wall - tracked) / wall:.0%} (target < {REST_SHARE_TARGET:.0%})"
    )
    for r in rows:
        slowest = "; ".join(f"{s:.1f} s `{line}`" for s, line in r["slowest"])
        print(f"  {r['case']}: slowest cells {slowest}")


if __name__ == "__main__":
    main()
