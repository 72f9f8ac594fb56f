"""Times cloudsplaining (PyPI, BSD-3) on a folder of policies, in one process, text already loaded.

Pinned: cloudsplaining==0.9.1. Each policy goes through the same call as `cloudsplaining
scan-policy-file` (`scan_policy` with the default exclusions, no severity filter, no -aR flag);
the JSON text is decoded inside the timed loop, as the other tools parse their input too.

usage: python cloudsplaining_bench.py FOLDER [ROUNDS]
Prints JSON: seconds (median per round), findings, crashed (policies cloudsplaining raised on), byIssue.
A finding is one risk category with a non-empty result in one policy, which is how cloudsplaining
presents them (one "Potential Issue found" line per category in the CLI, one policy per category
in the HTML report summary). byIssue counts them per category (PrivilegeEscalation,
DataExfiltration, ResourceExposure, CredentialsExposure, ServiceWildcard,
InfrastructureModification); byIssueItems counts the entries listed under them (actions, or
escalation methods for PrivilegeEscalation).
"""
import collections
import json
import os
import sys
import time

from cloudsplaining.command.scan_policy_file import scan_policy
from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG

folder = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
texts = [open(os.path.join(folder, f), encoding="utf-8").read() for f in sorted(os.listdir(folder)) if f.endswith(".json")]
times = []
for r in range(rounds):
    by_issue = collections.Counter()
    by_item = collections.Counter()
    crashed = 0
    start = time.perf_counter()
    for text in texts:
        try:
            results = scan_policy(json.loads(text), DEFAULT_EXCLUSIONS_CONFIG)
            for category, result in results.items():
                # "ServicesAffected" is a plain list of service prefixes, not a risk category.
                if isinstance(result, dict) and result["findings"]:
                    by_issue[category] += 1
                    by_item[category] += len(result["findings"])
        except Exception:
            crashed += 1
    times.append(time.perf_counter() - start)
times.sort()
print(json.dumps({
    "seconds": times[len(times) // 2],
    "findings": sum(by_issue.values()),
    "crashed": crashed,
    "byIssue": dict(by_issue.most_common()),
    "byIssueItems": dict(by_item.most_common()),
}))
