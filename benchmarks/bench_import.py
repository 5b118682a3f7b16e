"""Time ``import greennb`` beside ``python -c pass``, for this checkout and optionally an older one.

Each figure is the wall time of a fresh interpreter (``python -X importtime`` is not used: it
slows imports down). The variants run interleaved, ``--repeat`` rounds of one run each, so that
drift in the machine's load hits all alike; the table shows the median and the minimum. With
``--before REV`` the same is measured for the package as it was at git revision REV (exported
with ``git archive`` into a temporary folder and put first on ``PYTHONPATH``).

The script also lists which heavy libraries each ``import greennb`` loads.

Usage::

    .venv/bin/python benchmarks/bench_import.py                    # this checkout, 15 rounds
    .venv/bin/python benchmarks/bench_import.py --before dfa3d9b   # beside the 0.1 layout
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "numpy",
    "pandas",
    "sklearn",
    "torch",
    "fairlearn",
    "codecarbon",
    "papermill",
    "matplotlib",
)
LOADED = f"import sys, greennb; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"


def _run(code: str, pythonpath: str | None) -> float:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - start


def _loaded(pythonpath: str | None) -> str:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run(
        [sys.executable, "-c", LOADED],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),  # not the checkout: "" comes first on sys.path
    )
    return out.stdout.strip() or "none"


def _export(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "greennb"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--before", metavar="REV", help="also time greennb as of git revision REV")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        variants = {"python -c pass": ("pass", None), "import greennb": ("import greennb", None)}
        if args.before:
            old = str(_export(args.before, Path(tmp)))
            variants[f"import greennb @ {args.before}"] = ("import greennb", old)
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, (code, path) in variants.items():
                times[name].append(_run(code, path))
        loaded = {name: _loaded(path) for name, (code, path) in variants.items() if code != "pass"}

    base = statistics.median(times["python -c pass"])
    print(f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.repeat} interleaved rounds")
    print("| variant | median s | min s | median − python -c pass, s | heavy libraries loaded |")
    print("|---|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median:.3f} | {min(values):.3f} | {median - base:+.3f} | "
            f"{loaded.get(name, '–')} |"
        )


if __name__ == "__main__":
    main()
