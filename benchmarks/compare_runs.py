"""Compare the quality and fairness values of every case between two run stores, exactly.

Reads ``<root>/<case>/<run>/metrics.json`` with plain ``json`` (so records of an older schema
version compare too) and, per case and model, compares the ``quality`` and ``fairness``
entries for equality, bit for bit. Energy and carbon figures are left out: they are
measurements and vary from run to run. Exits 1 when anything differs.

Used for the package redesign (issue 7): the numbers of every case must come out identical
before and after a change that only moves code::

    greennb run --all --runs-dir /tmp/before     # on the old revision
    greennb run --all --runs-dir /tmp/after      # on the new one
    python benchmarks/compare_runs.py /tmp/before /tmp/after
"""

from __future__ import annotations

import glob
import json
import sys


def extract(root: str) -> dict[str, dict[str, dict]]:
    """Case -> model name -> {"quality", "fairness"} of the (one) run per case under root."""
    out = {}
    for path in sorted(glob.glob(f"{root}/*/*/metrics.json")):
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
        out[record["case"]] = {
            m["name"]: {"quality": m["quality"], "fairness": m["fairness"]}
            for m in record["models"]
        }
    return out


def main(before: str, after: str) -> int:
    a, b = extract(before), extract(after)
    bad = 0
    for case in sorted(set(a) | set(b)):
        if case not in a or case not in b:
            print(f"{case}: missing on one side")
            bad += 1
            continue
        if a[case] == b[case]:
            size = sum(len(json.dumps(v)) for v in a[case].values())
            print(f"{case}: identical ({len(a[case])} models, {size} chars of quality+fairness)")
            continue
        bad += 1
        for name in sorted(set(a[case]) | set(b[case])):
            if a[case].get(name) != b[case].get(name):
                print(f"{case}/{name}: DIFFERENT")
                print("  before", json.dumps(a[case].get(name))[:400])
                print("  after ", json.dumps(b[case].get(name))[:400])
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
