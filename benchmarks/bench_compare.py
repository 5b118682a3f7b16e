"""Verdicts beyond the noise on the real tracker: A vs A and A vs 2A with compare_energy.

Run from the repository root (about 2 minutes with the defaults)::

    .venv/bin/python benchmarks/bench_compare.py
    .venv/bin/python benchmarks/bench_compare.py --pairs 10 --work-seconds 0.5 --repeats 3

Each round measures, with CodeCarbon (``greennb.energy.EnergySession``, grid FRA, CSV files in
a temporary folder), four phases: A, A (the A-vs-A pair), A and 2A (the 2× pair), where A is
a NumPy 512×512 matmul loop of about ``--work-seconds`` on one BLAS thread and 2A the same
loop twice as long. The order alternates from round to round (A A A 2A, then 2A A A A) so
that drift hits both sides. Each side is one phase (``--repeats 1``, the default) or the
median of ``--repeats`` phases (``measure_repeatedly``).

It prints ``compare_energy``'s verdicts as shipped (on the results: the default floor, raised
to ``SHARED_NOISE`` for a side whose result is flagged "machine shared"), then, on the bare
figures (intervals only, no shared-machine rule) for the default floor and others:

* how many A-vs-A pairs ``compare_energy`` judged "no measurable difference" (target >= 19 of
  20) and how many 2× pairs it judged "more" (target >= 19 of 20);
* the noise observed: the A/A ratios of energy and of wall time (min, median, max, and the
  median |A/A − 1|), and the 2A/A ratios;
* the neighbours: other processes' CPU seconds per second of each phase (machine busy time
  minus this process's, psutil), the "quiet" pairs (<= 0.05 on both sides) counted apart, and
  how many phases greennb flagged "machine shared";
* the machine, the load average before and after, the status and power of one phase.

The workload is about 1 s because CodeCarbon (in task mode) samples the CPU load about once
a second and integrates power over the phase from those samples: a phase much shorter than
that rests on one load sample, taken at its end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tracker import calibrate, cpu_model, versions, workload  # noqa: E402

import greennb.energy as energy  # noqa: E402
from greennb.energy._compare import DEFAULT_NOISE, SHARED_NOISE, compare_energy  # noqa: E402
from greennb.energy._repeat import measure_repeatedly, result_interval  # noqa: E402

FLOORS = (0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50)
#: A phase is 'quiet' when the neighbours used at most this many CPU seconds per second of it.
QUIET_SHARE = 0.05


def busy_seconds() -> float:
    """CPU-busy seconds of the whole machine so far (all CPUs), and of this process."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0), time.process_time()


def measure(name, matrix, iterations, session, repeats):
    """Return one side (EnergyResult or RepeatedEnergy), its wall s and others' CPU s.

    The others' CPU seconds are the machine's busy seconds minus this process's over the
    side's phases (per phase): what the neighbours ran meanwhile, which CodeCarbon's
    machine-wide load model counts as if it were ours.
    """
    machine, own = busy_seconds()
    start = time.perf_counter()
    if repeats == 1:
        with energy.track(name, session=session) as phase:
            workload(matrix, iterations)
        side = phase.result
    else:
        side = measure_repeatedly(
            lambda: workload(matrix, iterations), repeats=repeats, phase=name, session=session
        )
    wall = (time.perf_counter() - start) / repeats
    machine_after, own_after = busy_seconds()
    others = max((machine_after - machine) - (own_after - own), 0.0) / repeats
    return side, wall, others


@dataclass(frozen=True)
class Pair:
    """Two sides of one round: each an EnergyResult or RepeatedEnergy, wall s, others' CPU s."""

    first: object
    first_wall: float
    first_others: float
    second: object
    second_wall: float
    second_others: float

    def ratio(self) -> float:
        return central(self.first) / central(self.second)

    def wall_ratio(self) -> float:
        return self.first_wall / self.second_wall

    def quiet(self) -> bool:
        """Neither side's neighbours used more than QUIET_SHARE of a CPU."""
        return max(self.first_others / self.first_wall, self.second_others / self.second_wall) <= (
            QUIET_SHARE
        )

    def reason(self) -> str:
        return compare_energy(self.first, self.second).reason

    def verdict(self, noise: float | None = None) -> str:
        """The verdict at this floor on the bare figures (no shared-machine rule), or, with
        ``noise`` None, compare_energy's own verdict on the results (default floor, raised
        for a side flagged "machine shared")."""
        if noise is None:
            return compare_energy(self.first, self.second).verdict
        return compare_energy(bare(self.first), bare(self.second), noise=noise).verdict


def bare(side):
    """The side's figures without their attribution: intervals only."""
    if hasattr(side, "energy_kwh"):
        return result_interval(side)
    return side.intervals


def central(side) -> float:
    return side.energy_kwh if hasattr(side, "energy_kwh") else side.median.value


def power_w(side) -> list[float]:
    samples = [side] if hasattr(side, "energy_kwh") else side.samples
    return [s.energy_kwh * 3.6e6 / s.duration_s for s in samples]


def summary(values) -> str:
    return f"min {min(values):.3f}, median {statistics.median(values):.3f}, max {max(values):.3f}"


def run(args) -> tuple[list[Pair], list[Pair], int]:
    """Measure the rounds; return the A-vs-A pairs, the 2A-vs-A pairs and A's matmul count."""
    with tempfile.TemporaryDirectory() as folder, threadpool_limits(limits=1):
        session = energy.EnergySession(country="FRA", output_dir=folder)
        with energy.track("warm-up", session=session):
            pass
        matrix, iterations = calibrate(args.work_seconds)
        same, double = [], []
        for index in range(args.pairs):
            plan = [("a1", 1), ("a2", 1), ("a3", 1), ("2a", 2)]
            sides = {}
            for name, factor in plan if index % 2 == 0 else reversed(plan):
                sides[name] = measure(
                    f"{name}-{index}", matrix, factor * iterations, session, args.repeats
                )
            same.append(Pair(*sides["a1"], *sides["a2"]))
            double.append(Pair(*sides["2a"], *sides["a3"]))
        session.close()
    return same, double, iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20, help="rounds (A-vs-A and 2x pairs)")
    parser.add_argument("--work-seconds", type=float, default=1.0, help="length of A (s)")
    parser.add_argument("--repeats", type=int, default=1, help="phases per side (median)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    same, double, iterations = run(args)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    print(f"machine      : {os.cpu_count()} CPUs, {cpu_model()}, {platform.platform()}")
    print("versions     : " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    mode = "single phases" if args.repeats == 1 else f"median of {args.repeats} phases"
    print(
        f"workload     : A = {iterations} matmuls 512x512 on 1 BLAS thread "
        f"(~{args.work_seconds} s), 2A = {2 * iterations}; {args.pairs} rounds, "
        f"{mode} per side; {elapsed:.0f} s in all"
    )
    loads = ["/".join(f"{x:.2f}" for x in load) for load in (load_before, load_after)]
    print(f"load average : before {loads[0]}, after {loads[1]} (1/5/15 min)")
    same_energy = [pair.ratio() for pair in same]
    print(
        f"A/A energy   : {summary(same_energy)}; median |A/A - 1| "
        f"{statistics.median(abs(r - 1) for r in same_energy):.3f}"
    )
    print(f"A/A wall     : {summary([pair.wall_ratio() for pair in same])}")
    print(f"2A/A energy  : {summary([pair.ratio() for pair in double])}")
    print(f"2A/A wall    : {summary([pair.wall_ratio() for pair in double])}")
    powers = [w for pair in same for side in (pair.first, pair.second) for w in power_w(side)]
    others = [
        share
        for pair in (*same, *double)
        for share in (pair.first_others / pair.first_wall, pair.second_others / pair.second_wall)
    ]
    print(f"A power (W)  : {summary(powers)}")
    print(f"neighbours   : CPU s per s of phase (others' share of one CPU), {summary(others)}")
    quiet_same = [pair for pair in same if pair.quiet()]
    quiet_double = [pair for pair in double if pair.quiet()]
    print(
        f"quiet pairs  : {len(quiet_same)} A-vs-A, {len(quiet_double)} 2x "
        f"(neighbours <= {QUIET_SHARE} CPU s per s on both sides)"
    )
    print("bare figures (no shared-machine rule), by noise floor:")
    print("noise floor | A vs A 'no measurable difference' (quiet) | 2A vs A 'more' (quiet)")
    for floor in sorted({*FLOORS, DEFAULT_NOISE}):
        counts = [
            sum(pair.verdict(floor) == verdict for pair in pairs)
            for pairs, verdict in (
                (same, "no measurable difference"),
                (quiet_same, "no measurable difference"),
                (double, "more"),
                (quiet_double, "more"),
            )
        ]
        mark = "  (default)" if floor == DEFAULT_NOISE else ""
        print(
            f"  {floor:9.2f} | {counts[0]:2d} of {len(same)} ({counts[1]} of {len(quiet_same)}) "
            f"| {counts[2]:2d} of {len(double)} ({counts[3]} of {len(quiet_double)}){mark}"
        )
    phases = [
        s
        for pair in (*same, *double)
        for side in (pair.first, pair.second)
        for s in ([side] if hasattr(side, "energy_kwh") else side.samples)
    ]
    flagged = [s for s in phases if str(getattr(s, "attribution", "")).startswith("machine shared")]
    wrong = [pair for pair in same if pair.verdict(DEFAULT_NOISE) != "no measurable difference"]
    wrong_flagged = [pair for pair in wrong if "machine shared" in pair.reason()]
    print(
        f"attribution  : {len(flagged)} of {len(phases)} phases flagged 'machine shared'; "
        f"{len(wrong)} A-vs-A pairs judged different at the bare default floor, "
        f"{len(wrong_flagged)} of them with a side flagged"
    )
    kept = sum(pair.verdict() == "no measurable difference" for pair in same)
    more = sum(pair.verdict() == "more" for pair in double)
    print(
        f"as shipped   : compare_energy(results) (floor {DEFAULT_NOISE}, >= {SHARED_NOISE} for a "
        f"side flagged 'machine shared'): A vs A {kept} of {len(same)} 'no measurable "
        f"difference' (target >= 19 of 20), 2A vs A {more} of {len(double)} 'more'"
    )
    example = same[0].first if args.repeats == 1 else same[0].first.samples[0]
    print(
        f"one A phase  : {example.status}, {example.energy_kwh * 3.6e6:.2f} J over "
        f"{example.duration_s:.2f} s; CPU {example.cpu_source!r}, RAM {example.ram_source!r}"
    )
    if args.repeats > 1:
        spreads = [side.spread for pair in (*same, *double) for side in (pair.first, pair.second)]
        print(f"spread       : (max-min)/median of the repeats, {summary(spreads)}")


if __name__ == "__main__":
    main()
