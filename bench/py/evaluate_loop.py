"""A bare loop of keyword `PolicySet.evaluate` (the request built in the call from plain Python
values: principal, action, resource and the seven-key context of the first request of the
3-statement workload), for profilers: bench/instructions.sh counts its instructions per call,
and `valgrind --tool=callgrind` with `callgrind_annotate` shows where they go.

usage: python evaluate_loop.py CALLS
"""
import json
import sys
from pathlib import Path

from iam_core import PolicySet

ROOT = Path(__file__).resolve().parents[2]
workload = json.loads((ROOT / "bench/workloads/three-statements.json").read_text())
ps = PolicySet(identity=[workload["policies"]["identity"][0]["policy"]])
r = workload["requests"][0]
principal, action, resource, context = r["principal"], r["action"], r["resource"], r["context"]
for _ in range(int(sys.argv[1])):
    ps.evaluate(principal=principal, action=action, resource=resource, context=context)
