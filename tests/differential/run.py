"""Differential testing against @cloud-copilot/iam-simulate (npm, AGPL; run as a separate process).

usage: python tests/differential/run.py [--requests N] [--seed S] [--show K]

Generates random valid policy sets and requests (generate.py), decides each request with
iam_core and with iam-simulate, prints the agreement rate, and groups the disagreements by the
kind of difference with a few examples each. Every disagreement class is triaged in
docs/differential.md: a bug of ours (fixed, with a conformance case) or a documented difference.
"""
import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import generate  # noqa: E402

from iam_core import PolicySet, Request  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
THEIRS = {"Allowed": "allow", "ExplicitlyDenied": "explicitDeny", "ImplicitlyDenied": "implicitDeny"}


def ours(case):
    p = case["policies"]
    named = lambda e: (e["name"], e["policy"])  # noqa: E731
    ps = PolicySet(
        identity=[named(x) for x in p["identity"]],
        resource=named(p["resource"]) if "resource" in p else None,
        permissions_boundary=named(p["permissionsBoundary"]) if "permissionsBoundary" in p else None,
        scps=[[named(x) for x in level] for level in p.get("scps", [])],
    )
    reqs = [Request(r["principal"], r["action"], r["resource"], r["context"]) for r in case["requests"]]
    return ps.decide_many(reqs)


def features(case, r):
    p = case["policies"]
    text = json.dumps(p)
    f = []
    if "resource" in p:
        f.append("resource-policy")
    if "permissionsBoundary" in p:
        f.append("boundary")
    if "scps" in p:
        f.append("scp")
    if "NotResource" in text:
        f.append("NotResource")
    if "NotAction" in text:
        f.append("NotAction")
    if "${" in text:
        f.append("variables")
    f.append("principal=" + r["principal"].split(":")[-1].split("/")[0])
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    per_set = 20
    cases = list(generate.cases(args.seed, max(1, args.requests // per_set), per_set))
    start = time.perf_counter()
    mine = [ours(c) for c in cases]
    ours_s = time.perf_counter() - start
    js = ROOT / "bench" / "js"
    if not (js / "node_modules" / "@cloud-copilot" / "iam-simulate").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=js, check=True)
    start = time.perf_counter()
    proc = subprocess.run(["node", str(js / "iam-simulate-differential.mjs")], input="\n".join(json.dumps(c) for c in cases),
                          capture_output=True, text=True, cwd=js, check=True)
    theirs_s = time.perf_counter() - start
    theirs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    total = agree = errors = 0
    classes = collections.defaultdict(list)
    rejected = collections.Counter()
    for case, a, b in zip(cases, mine, theirs):
        for r, x, y in zip(case["requests"], a, b):
            total += 1
            y2 = THEIRS.get(y)
            if y2 is None:
                errors += 1
                rejected[(r["principal"].split(":")[-1].split("/")[0], str(y)[:70])] += 1
                continue
            if x == y2:
                agree += 1
            else:
                classes[(x, y2)].append((case, r))
    compared = total - errors
    print(f"requests: {total}, compared: {compared} (iam-simulate rejected {errors})")
    print(f"agreement: {agree}/{compared} = {100 * agree / max(compared, 1):.3f}%")
    print(f"time: iam_core {ours_s:.1f} s, iam-simulate {theirs_s:.1f} s")
    table = os.environ.get("IAM_BENCH_TABLE")  # the one benchmark table (bench/run-all.sh)
    if table:
        with open(table, "a", encoding="utf-8") as f:
            f.write(f"differential agreement\t{compared:,} random requests\tiam-simulate\t"
                    f"{100 * agree / max(compared, 1):.3f}% (differences triaged in docs/differential.md)\n")
    for (who, why), n in rejected.most_common(3):
        print(f"  iam-simulate rejected {n} requests by {who}: {why}")
    for (x, y), items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        feats = collections.Counter(f for case, r in items for f in features(case, r))
        print(f"\n{len(items)} × ours {x} / theirs {y}; features: {dict(feats.most_common(6))}")
        for case, r in items[: args.show]:
            print("  request:", json.dumps(r))
            print("  policies:", json.dumps(case["policies"])[:600])


if __name__ == "__main__":
    main()
