"""The interactive report at scale: ``greennb report`` over 1,000 run records.

Run from the repository root (about a minute)::

    .venv/bin/python benchmarks/bench_report.py
    .venv/bin/python benchmarks/bench_report.py --source /tmp/after4 --runs 1000

It builds a synthetic run store in a temporary folder: ``--runs`` copies of the real records
(``metrics.json``) of the store ``--source``, spread evenly over its cases, each copy with its
``seed`` and one numeric parameter of its case changed (so that every case has parameters
that differ between its runs) and its qualities and energies scaled by a few per cent (so that
the points do not coincide). It then times, in one run, side by side:

* ``collect_runs`` alone (reading and validating every record);
* ``write_report`` alone, given the collected table (CSV, Markdown, the interactive HTML);
* ``greennb report`` (``greennb.cli.main(["report", ...])``: collection, CSV, Markdown and the
  interactive HTML), against the target of 10 s;

and prints the size of ``report.html`` against the target of 10 MB, with its parts (plotly.js,
the table, and each part of the embedded data: hover texts, figures, run summaries). Targets
from issue 12.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

from greennb.cli import main
from greennb.report import collect_runs, write_report

#: Targets of issue 12.
TARGET_SECONDS = 10.0
TARGET_MB = 10.0
# Parameters never varied: the run's own folder and those the notebooks read as text lists.
_FIXED = {"run_dir", "seed"}


def _numeric_parameter(parameters: dict) -> str | None:
    """Return the first numeric, non-boolean parameter of a record to vary, or None."""
    for name, value in parameters.items():
        if name not in _FIXED and isinstance(value, int | float) and not isinstance(value, bool):
            return name
    return None


def _scale(model: dict, factor: float) -> None:
    """Scale a model entry's qualities and energies (kWh) by ``factor``, in place."""
    model["quality"] = {k: v * factor for k, v in model["quality"].items()}
    for result in [model["energy_total"], *model["energy"].values()]:
        if result.get("energy_kwh") is not None:
            result["energy_kwh"] *= factor
        interval = result.get("interval")
        if isinstance(interval, dict):
            for bound in ("value", "low", "high"):
                interval[bound] *= factor


def build_store(source: Path, root: Path, runs: int, seed: int = 0) -> int:
    """Write ``runs`` synthetic copies of the records of ``source`` into ``root``; return them."""
    records = sorted(source.glob("*/*/metrics.json"))
    if not records:
        raise SystemExit(f"no run records (*/*/metrics.json) in {source}")
    rng = random.Random(seed)
    texts = {path: path.read_text(encoding="utf-8") for path in records}
    for index in range(runs):
        path = records[index % len(records)]
        record = json.loads(texts[path])
        case, copy = path.parent.parent.name, index // len(records)
        name = f"20270101T000000_{copy:06d}Z-{index:08x}"
        parameters = record["parameters"]
        parameters["seed"] = record["seed"] = copy % 5
        varied = _numeric_parameter(parameters)
        if varied is not None:
            parameters[varied] = parameters[varied] * (1 + copy % 4)
        parameters["run_dir"] = f"{case}/{name}"
        for model in record["models"]:
            _scale(model, 1 + rng.uniform(-0.05, 0.05))
        folder = root / case / name
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps(record), encoding="utf-8")
    return runs


def _timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def _parts(page: str) -> dict[str, int]:
    """Return the bytes of the page's parts: plotly.js, the table, and the data block's keys."""
    from plotly.offline import get_plotlyjs

    table = re.search(r'<table id="runs".*?</table>', page, re.S)
    block = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    parts = {
        "plotly.js": len(get_plotlyjs().encode()),
        "table": len(table.group(0).encode()) if table else 0,
    }
    data = json.loads(block.group(1)) if block else {}
    for key, value in data.items():
        parts[f"data: {key}"] = len(json.dumps(value, separators=(",", ":")).encode())
    return parts


def main_bench(argv: list[str] | None = None) -> None:
    """Build the store, time the report, print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("/tmp/after4"),
        help="run store whose records are copied (default: /tmp/after4)",
    )
    parser.add_argument("--runs", type=int, default=1000, help="run records (default: 1000)")
    args = parser.parse_args(argv)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        root = Path(folder) / "runs"
        build_store(args.source, root, args.runs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            collect_s, table = _timed(lambda: collect_runs(root))
        write_s, _ = _timed(lambda: write_report(root, Path(folder) / "written", table=table))
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            report_s, status = _timed(lambda: main(["report", "--runs-dir", str(root)]))
        if status != 0:
            raise SystemExit(f"greennb report failed with status {status}")
        page = (root / "report" / "report.html").read_text(encoding="utf-8")
        size_mb = len(page.encode()) / 1e6
        print(f"{args.runs} run records, {len(table)} (run, model) rows, from {args.source}")
        print(f"  collect_runs alone: {collect_s:.2f} s")
        print(f"  write_report alone: {write_s:.2f} s (CSV, Markdown, HTML of the collected table)")
        print(
            f"  greennb report:     {report_s:.2f} s (target <= {TARGET_SECONDS:g} s: "
            f"{report_s / TARGET_SECONDS:.2f}x of it)"
        )
        print(
            f"  report.html:        {size_mb:.2f} MB (target <= {TARGET_MB:g} MB: "
            f"{size_mb / TARGET_MB:.2f}x of it)"
        )
        for part, size in _parts(page).items():
            print(f"    {part}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main_bench())
