"""Cost of greennb's energy tracking: cold start, per-phase overhead, tracked vs untracked work.

Run from the repository root, on an otherwise idle machine::

    .venv/bin/python benchmarks/bench_tracker.py            # default: 5 pairs of ~2 s runs
    .venv/bin/python benchmarks/bench_tracker.py --pairs 3 --work-seconds 1

It prints, in one run:

* cold start: ``import greennb.energy`` and the first (empty) phase, which imports CodeCarbon,
  builds the OfflineEmissionsTracker and detects the hardware;
* per-phase overhead: mean / median / max wall time of further empty phases (target <= 50 ms);
* a CPU workload (a NumPy matmul loop of about ``--work-seconds`` on ``--threads`` BLAS
  threads, default 1) run untracked and tracked, interleaved A-B-B-A so that drift cancels,
  with the tracked/untracked ratio of wall time and of process CPU time (target <= 1.02);
  on a shared machine the wall-time ratio mostly measures the neighbours, the CPU-time ratio
  the tracker;
* the idle baseline (W), the hardware and library versions, and one phase result as recorded.

CodeCarbon's CSV files go to a temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()
import greennb.energy as energy  # noqa: E402 - timed on purpose

IMPORT_S = time.perf_counter() - _T0

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
from importlib.metadata import version  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("greennb", "codecarbon", "numpy", "torch"):
        try:
            found[package] = version(package)
        except Exception:  # noqa: BLE001
            found[package] = "not installed"
    return found


def calibrate(seconds: float, size: int = 512) -> tuple[np.ndarray, int]:
    """Return a matrix and a loop count whose matmul loop takes about ``seconds``."""
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((size, size))
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < 0.3:
        matrix @ matrix
        count += 1
    per_iteration = (time.perf_counter() - start) / count
    return matrix, max(1, round(seconds / per_iteration))


def workload(matrix: np.ndarray, iterations: int) -> None:
    for _ in range(iterations):
        matrix @ matrix


def timed(matrix: np.ndarray, iterations: int, session=None):
    """Run the workload, tracked when a session is given; return (wall s, CPU s, result).

    CPU time is the whole process's (all threads), so it includes CodeCarbon's monitor thread:
    unlike wall time, it hardly moves when other processes compete for the cores.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    if session is None:
        workload(matrix, iterations)
        result = None
    else:
        with energy.track("matmul", session=session) as phase:
            workload(matrix, iterations)
        result = phase.result
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phases", type=int, default=20, help="empty phases to time")
    parser.add_argument("--pairs", type=int, default=5, help="untracked/tracked pairs")
    parser.add_argument("--work-seconds", type=float, default=2.0, help="workload length (s)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for the workload")
    parser.add_argument("--idle-seconds", type=float, default=3.0, help="idle baseline (s)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as folder:
        session = energy.EnergySession(country="FRA", output_dir=folder)

        start = time.perf_counter()
        with energy.track("cold-start", session=session) as first:
            pass
        cold_s = time.perf_counter() - start

        phase_ms = []
        for index in range(args.phases):
            start = time.perf_counter()
            with energy.track(f"empty-{index}", session=session):
                pass
            phase_ms.append((time.perf_counter() - start) * 1000)

        baseline = session.measure_idle_baseline(seconds=args.idle_seconds)
        with threadpool_limits(limits=args.threads):
            matrix, iterations = calibrate(args.work_seconds)
            runs, example = {"untracked": [], "tracked": []}, None
            for pair in range(args.pairs):
                order = ("untracked", "tracked") if pair % 2 == 0 else ("tracked", "untracked")
                for kind in order:
                    wall, cpu, result = timed(
                        matrix, iterations, session if kind == "tracked" else None
                    )
                    runs[kind].append((wall, cpu))
                    example = result or example
        session.close()

    def ratio(index: int) -> float:
        tracked = statistics.median(run[index] for run in runs["tracked"])
        return tracked / statistics.median(run[index] for run in runs["untracked"])

    print(f"machine      : {os.cpu_count()} CPUs, {cpu_model()}, {platform.platform()}")
    print("versions     : " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"import       : import greennb.energy {IMPORT_S:.3f} s")
    print(f"cold start   : first phase {cold_s:.3f} s (status {first.result.status})")
    print(
        f"per phase    : mean {statistics.mean(phase_ms):.2f} ms, median "
        f"{statistics.median(phase_ms):.2f} ms, max {max(phase_ms):.2f} ms over "
        f"{len(phase_ms)} empty phases (target <= 50 ms)"
    )
    print(
        f"workload     : {iterations} matmuls 512x512 on {args.threads} BLAS thread(s), "
        f"{args.pairs} interleaved pairs; load average before/after "
        f"{load_before:.2f}/{os.getloadavg()[0]:.2f}"
    )
    for kind, label in (("untracked", "untracked"), ("tracked", "tracked  ")):
        print(f"  {label} wall s: " + ", ".join(f"{w:.3f}" for w, _ in runs[kind]))
        print(f"  {label} CPU s : " + ", ".join(f"{c:.3f}" for _, c in runs[kind]))
    print(f"  ratio tracked/untracked (medians): wall {ratio(0):.4f}, CPU {ratio(1):.4f}")
    print("  (target <= 1.02)")
    print(f"idle baseline: {baseline.power_w:.2f} W over {baseline.duration_s:.2f} s")
    print("example phase result (last tracked matmul):")
    print(json.dumps(example.to_dict(), indent=2))


if __name__ == "__main__":
    main()
