"""k-anonymization of covid_testing: time, k reached, information loss; growth to 100x rows.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_privacy_anonymity.py
    .venv/bin/python benchmarks/bench_privacy_anonymity.py --repeats 5 --scales 1 10
    .venv/bin/python benchmarks/bench_privacy_anonymity.py --prefer least_discernibility

It prints, in one run, with the machine load (``os.getloadavg``) before and after:

1. **k = 2, 5, 10 on the full table** (15,223 rows), quasi-identifiers age (bands of 1, 5,
   10, 20 years), gender, pan_day (bands of 7, 14, 28, 56 days), clinic_name (top 10, 5, 3)
   and patient_class, every one up to ``"*"`` (720 combinations of levels), at most 5 % of
   the rows suppressed: the median time of ``anonymize`` over the repeats, the k of the
   release, the levels chosen, the information loss and the rows suppressed. Target: k = 5
   in under 2 s.
2. **scaling**: the same anonymization to k = 5 on 10x and 100x the rows. The larger tables
   are synthetic: the table is concatenated with copies of itself, and in every copy but the
   first, pan_day is shifted by a random whole number of days in [-3, 3] and age by a random
   whole number of years in [-2, 2] (row by row, numpy seed 0, both clipped at 0), so that
   copies are not identical rows and the classes do not simply grow 10-fold. It prints the
   median time at each scale and its ratio to the time on 1x.

Only the quasi-identifier columns are copied: no name or subject id is loaded into the
benchmark's tables or printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd

import greennb as gnb
from greennb.privacy import Hierarchy, anonymize

QUASI_IDENTIFIERS = ("age", "gender", "pan_day", "clinic_name", "patient_class")


def hierarchies() -> list[Hierarchy]:
    """The hierarchies of the lesson (notebook 05_privacy)."""
    return [
        Hierarchy.bands("age", [1, 5, 10, 20]),
        Hierarchy.from_mapping("gender", []),
        Hierarchy.bands("pan_day", [7, 14, 28, 56]),
        Hierarchy.top_k("clinic_name", [10, 5, 3]),
        Hierarchy.from_mapping("patient_class", []),
    ]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def scaled(frame: pd.DataFrame, copies: int, *, seed: int = 0) -> pd.DataFrame:
    """Concatenate ``copies`` copies of ``frame``, pan_day and age jittered in all but the first."""
    rng = np.random.default_rng(seed)
    parts = [frame]
    for _ in range(copies - 1):
        part = frame.copy()
        part["pan_day"] = (part["pan_day"] + rng.integers(-3, 4, len(part))).clip(lower=0)
        part["age"] = (part["age"] + rng.integers(-2, 3, len(part))).clip(lower=0)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def timed(frame: pd.DataFrame, k: int, *, repeats: int, prefer: str):
    """Median seconds of ``anonymize`` over ``repeats`` calls, and the last result."""
    seconds = []
    for _ in range(repeats):
        tic = time.perf_counter()
        table = anonymize(frame, hierarchies(), k=k, prefer=prefer)
        seconds.append(time.perf_counter() - tic)
    return statistics.median(seconds), table


def describe(table) -> str:
    loss = table.information_loss
    levels = ", ".join(f"{column} {level}" for column, level in table.levels.items())
    return (
        f"k reached {table.report.k:>3}  classes {table.report.n_classes:>5}  "
        f"rows suppressed {table.suppressed_rows:>4} ({loss['suppressed_share']:.2%})  "
        f"discernibility {loss['discernibility']:>12,}  "
        f"generalization height {loss['generalization_height']:.3f}  levels: {levels}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per figure (median)")
    parser.add_argument(
        "--ks", type=int, nargs="+", default=[2, 5, 10], help="target k values on the full table"
    )
    parser.add_argument(
        "--scales", type=int, nargs="+", default=[1, 10, 100], help="row multiples for scaling"
    )
    parser.add_argument(
        "--prefer",
        default="least_generalization",
        choices=["least_generalization", "least_discernibility"],
        help="which information loss anonymize minimizes first",
    )
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}")
    print(load())
    frame = gnb.load_dataset("covid_testing").frame.loc[:, list(QUASI_IDENTIFIERS)]
    print(f"\n1. covid_testing, {len(frame):,} rows, prefer={args.prefer}, max_suppression 5 %")
    for k in args.ks:
        seconds, table = timed(frame, k, repeats=args.repeats, prefer=args.prefer)
        print(f"k = {k:>2}: {seconds:6.3f} s  {describe(table)}")

    print(f"\n2. scaling to k = 5 (median of {args.repeats})")
    base = None
    for copies in args.scales:
        big = scaled(frame, copies)
        seconds, table = timed(big, 5, repeats=args.repeats, prefer=args.prefer)
        base = base or seconds
        print(
            f"{copies:>4}x {len(big):>10,} rows: {seconds:7.3f} s  "
            f"({seconds / base:6.1f}x the time of {args.scales[0]}x)  {describe(table)}"
        )
    print(load())


if __name__ == "__main__":
    main()
