"""Sweeps at scale: one 8-point quick sweep on three executors, side by side, and the summary.

Run from the repository root (a few minutes on 2 cores)::

    .venv/bin/python benchmarks/bench_sweep.py
    .venv/bin/python benchmarks/bench_sweep.py --case finance --points 8 --records 1000

In one run, each in its own temporary run store (so nothing is found and skipped):

* the same ``--points``-point sweep of ``--case`` in quick mode (its seeds ``0 .. points - 1``)
  serially, on the process pool (``--workers 2``) and on a Dask ``LocalCluster`` of 2 worker
  processes: wall time of the whole sweep and speed-up over serial;
* the **scheduling overhead per point**: the time from handing a point out to having its outcome,
  minus the run's own time (``run_case``'s wall time: the kernel's start-up and the notebook's
  execution) - the sweep's bookkeeping, the pool's or Dask's transport and the record writes;
  beside it, that time minus the notebook's cells alone (papermill's per-cell durations), which
  adds the kernel start-up and papermill's reading and writing of the notebook. The first points
  of a pool or cluster also wait for its worker processes to start (reported apart);
* the across-seeds summary over ``--records`` synthetic run records of one sweep (copies of one
  real record of the serial sweep, 10 × 10 grid points × 10 seeds, their qualities varied):
  :func:`greennb.report.sweep_runs` + :func:`seed_summary` + :func:`seed_differences`, the whole
  ``write_report`` with its across-seeds section against the target of 10 s, and that section
  alone (its tables, CSV files and figure, given the collected table).

Targets from issue 13: overhead per point <= 1 s; summary over 1,000 records <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import nbformat

from greennb.report import (
    collect_runs,
    seed_differences,
    seed_summary,
    sweep_runs,
    write_report,
)
from greennb.report._seeds import seeds_section
from greennb.runs import run_sweep
from greennb.runs._sweep_grid import SweepPoint
from greennb.runs._sweep_record import SweepRecord, sweep_folder

TARGET_OVERHEAD_S = 1.0
TARGET_SUMMARY_S = 10.0
EXECUTORS = {
    "serial": {},
    "process pool, 2 workers": {"workers": 2},
    "Dask LocalCluster, 2 workers": {"executor": "dask", "workers": 2},
}


def _cells_s(run: Path) -> float:
    """Return the sum of the executed notebook's cell durations (papermill's metadata, s)."""
    (notebook,) = run.glob("*.ipynb")
    content = nbformat.read(notebook, as_version=4)
    return sum(cell.metadata.get("papermill", {}).get("duration") or 0.0 for cell in content.cells)


def _time_sweep(case: str, points: int, root: Path, options: dict) -> dict:
    load_before = os.getloadavg()[0]
    clock = time.perf_counter()
    result = run_sweep(case, {}, seeds=points, runs_root=root, progress=False, **options)
    wall = time.perf_counter() - clock
    assert result.counts["done"] == points, result.counts
    entries = sorted(result.points, key=lambda p: p["started_at"])
    slots = options.get("workers", 1)
    steady = entries[slots:] or entries  # the first batch waits for the workers to start
    overhead = [p["wall_s"] - p["run_wall_s"] for p in steady]
    beyond_cells = [p["wall_s"] - _cells_s(root / p["run"]) for p in steady]
    start_up = [p["wall_s"] - p["run_wall_s"] for p in entries[:slots]]
    shared = sum(p["machine_shared"] for p in result.points)
    return {
        "load": (load_before, os.getloadavg()[0]),
        "wall": wall,
        "overhead_median": statistics.median(overhead),
        "overhead_max": max(overhead),
        "beyond_cells_median": statistics.median(beyond_cells),
        "first_batch": max(start_up),
        "shared": shared,
        "qualities": [
            json.loads((root / p["run"] / "metrics.json").read_text())["models"][0]["quality"]
            for p in result.points
        ],
    }


def _synthetic_store(source_run: Path, root: Path, records: int) -> str:
    """Write ``records`` copies of one record as the runs of one sweep; return its name."""
    record = json.loads((source_run / "metrics.json").read_text())
    case = record["case"]
    rng = random.Random(0)
    points, entries = [], []
    for index in range(records):
        grid = {"pue": 1.1 + 0.1 * (index // 100 % 10), "renewable_share": index // 10 % 10 / 10}
        parameters = {**grid, "seed": index % 10}
        name = f"20250101T000000_{index:06d}Z-{index:08x}"
        run = root / case / name
        run.mkdir(parents=True)
        copy = json.loads(json.dumps(record))
        copy["parameters"] = {**copy["parameters"], **parameters}
        copy["seed"] = parameters["seed"]
        for model in copy["models"]:
            factor = 1 + rng.uniform(-0.03, 0.03)
            model["quality"] = {k: v * factor for k, v in model["quality"].items()}
        (run / "metrics.json").write_text(json.dumps(copy), encoding="utf-8")
        points.append(SweepPoint(index, parameters, parameters, f"{index:08x}"))
        entries.append(f"{case}/{name}")
    grid = {"pue": sorted({p.parameters["pue"] for p in points})}
    grid["renewable_share"] = sorted({p.parameters["renewable_share"] for p in points})
    grid["seed"] = list(range(10))
    sweep = SweepRecord.open(sweep_folder(root, "synthetic"), case=case, grid=grid, points=points)
    for point, run in zip(sweep.points, entries, strict=True):
        point.update(state="done", run=run)
    sweep.save()
    return "synthetic"


def _time_summary(source_run: Path, records: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        name = _synthetic_store(source_run, root, records)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clock = time.perf_counter()
            runs, parameters = sweep_runs(name, runs_root=root)
            summary = seed_summary(runs, parameters=parameters)
            differences = seed_differences(runs, parameters=parameters)
            summary_s = time.perf_counter() - clock
            clock = time.perf_counter()
            out = write_report(root)
            report_s = time.perf_counter() - clock
            table = collect_runs(root)
            clock = time.perf_counter()
            seeds_section(root, table, out)  # the report's across-seeds part alone
            section_s = time.perf_counter() - clock
        assert "## Across seeds" in (out / "report.md").read_text()
    return {
        "summary": summary_s,
        "section": section_s,
        "report": report_s,
        "groups": len(summary),
        "differences": len(differences),
        "rows": len(runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="getting_started", help="case to sweep (quick mode)")
    parser.add_argument("--points", type=int, default=8, help="points (seeds) of the sweep")
    parser.add_argument("--records", type=int, default=1000, help="synthetic records")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, options in EXECUTORS.items():
            root = Path(folder) / label.split(",")[0].replace(" ", "_")
            results[label] = _time_sweep(args.case, args.points, root, options)
            print(f"{label}: {results[label]['wall']:.1f} s", flush=True)
        serial = results["serial"]
        same = all(r["qualities"] == serial["qualities"] for r in results.values())
        source = next((Path(folder) / "serial" / args.case).glob("*/metrics.json")).parent
        summary = _time_summary(source, args.records)
    print(f"\n{args.points}-point quick sweep of {args.case} (seeds 0..{args.points - 1}):")
    print(
        "| executor | wall s | speed-up | overhead/point median s (max) | "
        "beyond the cells median s | first batch wait s | points flagged shared | "
        "1-min load before, after |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, r in results.items():
        print(
            f"| {label} | {r['wall']:.1f} | {serial['wall'] / r['wall']:.2f}x | "
            f"{r['overhead_median']:.3f} ({r['overhead_max']:.3f}) | "
            f"{r['beyond_cells_median']:.2f} | {r['first_batch']:.2f} | {r['shared']} | "
            f"{r['load'][0]:.1f}, {r['load'][1]:.1f} |"
        )
    worst = max(r["overhead_max"] for r in results.values())
    verdict = "meets" if worst <= TARGET_OVERHEAD_S else "MISSES"
    print(
        f"\nSame qualities on the three executors: {same}. Scheduling overhead per point: at "
        f"most {worst:.3f} s, {verdict} the target of {TARGET_OVERHEAD_S:g} s."
    )
    verdict = "meets" if summary["report"] <= TARGET_SUMMARY_S else "MISSES"
    print(
        f"Across seeds over {summary['rows']} records ({summary['groups']} grid points, "
        f"{summary['differences']} differences): summary {summary['summary']:.2f} s; "
        f"write_report with its across-seeds section {summary['report']:.2f} s, {verdict} the "
        f"target of {TARGET_SUMMARY_S:g} s (the across-seeds section alone, CSV files and "
        f"figure included: {summary['section']:.2f} s)."
    )


if __name__ == "__main__":
    main()
