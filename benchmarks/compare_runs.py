"""Compare quality and fairness values of every case's metrics.json between two run stores."""

import glob
import json
import sys


def extract(root):
    out = {}
    for path in sorted(glob.glob(f"{root}/*/*/metrics.json")):
        d = json.load(open(path))
        out[d["case"]] = {
            m["name"]: {"quality": m["quality"], "fairness": m["fairness"]} for m in d["models"]
        }
    return out


a, b = extract(sys.argv[1]), extract(sys.argv[2])
bad = 0
for case in sorted(set(a) | set(b)):
    if case not in a or case not in b:
        print(case, "missing on one side")
        bad += 1
        continue
    if a[case] == b[case]:
        n = sum(len(json.dumps(v)) for v in a[case].values())
        print(f"{case}: identical ({len(a[case])} models, {n} chars of quality+fairness JSON)")
    else:
        bad += 1
        for name in sorted(set(a[case]) | set(b[case])):
            if a[case].get(name) != b[case].get(name):
                print(f"{case}/{name}: DIFFERENT")
                print("  before", json.dumps(a[case].get(name))[:400])
                print("  after ", json.dumps(b[case].get(name))[:400])
sys.exit(1 if bad else 0)
