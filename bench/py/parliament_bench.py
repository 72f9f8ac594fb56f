"""Times parliament (PyPI, BSD-3) on a folder of policies, in one process, text already loaded.

usage: python parliament_bench.py FOLDER [ROUNDS]
Prints JSON: seconds (median per round), findings, crashed (policies parliament raised on), byIssue.
"""
import collections
import json
import os
import sys
import time

from parliament import analyze_policy_string

folder = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
texts = [open(os.path.join(folder, f), encoding="utf-8").read() for f in sorted(os.listdir(folder)) if f.endswith(".json")]
times = []
for r in range(rounds):
    by_issue = collections.Counter()
    crashed = 0
    start = time.perf_counter()
    for text in texts:
        try:
            policy = analyze_policy_string(text, include_community_auditors=True)
            for f in policy.findings:
                by_issue[f.issue] += 1
        except Exception:
            crashed += 1
    times.append(time.perf_counter() - start)
times.sort()
print(json.dumps({
    "seconds": times[len(times) // 2],
    "findings": sum(by_issue.values()),
    "crashed": crashed,
    "byIssue": dict(by_issue.most_common()),
}))
