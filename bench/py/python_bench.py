"""Per-call cost of iam_core from Python, side by side with a PyO3 no-op and PMapper.

usage: python bench/py/python_bench.py [--seconds S] [--no-peer]

Measures, in one process: a no-op call into the native module; `PolicySet.evaluate` with a
prebuilt Request (the decision; the explanation is lazy); `evaluate` with keyword arguments
(building the request each time); `evaluate_many` per request. Then, unless --no-peer, the same
requests through PMapper's local policy simulation (PyPI `principalmapper`, AGPL; imported from
its own package, run only as a tool) and the ratio.
"""
import json
import os
import pathlib
import sys
import time

import iam_core
from iam_core import PolicySet

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECONDS = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 1.0


def table_row(what, ours, peer, ratio):
    """Appends a row to the one benchmark table (see bench/run-all.sh) when IAM_BENCH_TABLE is set."""
    path = os.environ.get("IAM_BENCH_TABLE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{what}\t{ours}\t{peer}\t{ratio}\n")


ROUNDS = 5  # each figure is the fastest of five rounds, as eval-bench measures (load only adds time)


def best_of_rounds(one_pass, calls_per_pass):
    """Seconds per call: `one_pass()` repeated for a fifth of the time budget, five times; the
    fastest round."""
    best = float("inf")
    for _ in range(ROUNDS):
        passes = 0
        start = time.perf_counter()
        while time.perf_counter() - start < SECONDS / ROUNDS:
            one_pass()
            passes += 1
        best = min(best, (time.perf_counter() - start) / (passes * calls_per_pass))
    return best


def per_call(fn, n_inner=1000):
    def one_pass():
        for _ in range(n_inner):
            fn()
    one_pass()
    return best_of_rounds(one_pass, n_inner)


def per_item(fn, items):
    """Seconds per call of `fn(item)` over `items`, in a plain loop with `fn` in a local."""
    def one_pass():
        for item in items:
            fn(item)
    one_pass()
    return best_of_rounds(one_pass, len(items))


def per_item_decision(fn, items):
    """Seconds per `fn(item).decision` over `items`: the call and reading its decision."""
    def one_pass():
        for item in items:
            fn(item).decision
    one_pass()
    return best_of_rounds(one_pass, len(items))


def main():
    workload = json.loads((ROOT / "bench/workloads/three-statements.json").read_text())
    policy = workload["policies"]["identity"][0]["policy"]
    requests = workload["requests"]
    ps = PolicySet(identity=[policy])
    built = [PolicySet.request(r["principal"], r["action"], r["resource"], r["context"]) for r in requests]
    i = [0]

    def evaluate_kwargs():
        i[0] += 1
        r = requests[i[0] % len(requests)]
        return ps.evaluate(principal=r["principal"], action=r["action"], resource=r["resource"], context=r["context"]).decision

    batch = built * 1000

    def many_decisions():
        return ps.decide_many(batch)

    def many():
        return ps.evaluate_many(batch)

    # `PolicySet.evaluate` and `decide` are the native methods (the package's PolicySet subclasses
    # the native class without wrapping them), so these are the calls users make.
    rows = [
        ("PyO3 no-op call with a request argument", per_item(ps.noop, batch)),
        ("PolicySet.decide(request)", per_item(ps.decide, batch)),
        ("decide_many, per request (batch of 8,000)", per_call(many_decisions, 1) / len(batch)),
        ("PolicySet.evaluate(request)", per_item(ps.evaluate, batch)),
        ("PolicySet.evaluate(request).decision", per_item_decision(ps.evaluate, batch)),
        ("evaluate(principal=…, context={…}) (builds the request)", per_call(evaluate_kwargs, 200)),
        ("evaluate_many, per request (batch of 8,000)", per_call(many, 1) / len(batch)),
    ]
    print(f"iam_core {iam_core.__version__}, catalog {iam_core.catalog_date()}, {len(requests)} requests")
    for name, secs in rows:
        print(f"{name:<58} {secs * 1e9:>10.0f} ns")
    noop_ns = rows[0][1]
    print(f"no-op multiples: decide {rows[1][1] / noop_ns:.1f}x, evaluate {rows[3][1] / noop_ns:.1f}x, "
          f"evaluate(…).decision {rows[4][1] / noop_ns:.1f}x; target <= 4x and <= 1 us")
    if "--no-peer" in sys.argv:
        return
    # PMapper 1.1.5 still imports ABCs from `collections` (removed in Python 3.10); restore them.
    import collections
    import collections.abc
    for name in ("Mapping", "MutableMapping", "Iterable", "Sequence"):
        setattr(collections, name, getattr(collections.abc, name))
    try:
        from principalmapper.querying import local_policy_simulation as lps  # type: ignore
        from principalmapper.common import Policy as PmPolicy  # type: ignore
        from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # type: ignore
    except Exception as e:  # not installed
        print(f"PMapper: not available ({e.__class__.__name__}: {e}); pip install principalmapper to compare")
        return
    pm_policy = PmPolicy("arn:aws:iam::111122223333:policy/three", "three", policy)
    contexts = [CaseInsensitiveDict({k: v if isinstance(v, list) else [str(v)] for k, v in r["context"].items()}) for r in requests]

    def pmapper():
        # PMapper's local simulation of one identity policy: a matching Deny denies, else a
        # matching Allow allows.
        i[0] += 1
        k = i[0] % len(requests)
        r = requests[k]
        if lps.policy_has_matching_statement(pm_policy, "Deny", r["action"], r["resource"], contexts[k]):
            return "explicitDeny"
        if lps.policy_has_matching_statement(pm_policy, "Allow", r["action"], r["resource"], contexts[k]):
            return "allow"
        return "implicitDeny"

    ours = [ps.decide(b) for b in built]
    i[0] = -1
    theirs_decisions = [pmapper() for _ in requests]
    agree = sum(a == b for a, b in zip(ours, theirs_decisions))
    theirs = per_call(pmapper, 100)
    print(f"{'PMapper 1.1.5 local policy simulation (one policy)':<58} {theirs * 1e9:>10.0f} ns")
    print(f"decisions agree on {agree}/{len(requests)} requests")
    print(f"ratio PMapper / iam_core: decide {theirs / rows[1][1]:.0f}x, decide_many {theirs / rows[2][1]:.0f}x, "
          f"evaluate {theirs / rows[3][1]:.0f}x, evaluate_many {theirs / rows[6][1]:.0f}x, "
          f"evaluate(principal=…) {theirs / rows[5][1]:.0f}x (target >= 100x)")
    peer = f"PMapper 1.1.5 local simulation: {theirs * 1e6:.1f} µs"
    table_row("Python `decide` per call", f"{rows[1][1] * 1e9:.0f} ns ({rows[1][1] / noop_ns:.1f}x a no-op call)",
              peer, f"{theirs / rows[1][1]:.0f}x per call, {theirs / rows[2][1]:.0f}x batched")
    table_row("Python `evaluate` per call (lazy explanation)",
              f"{rows[3][1] * 1e9:.0f} ns ({rows[3][1] / noop_ns:.1f}x a no-op call; "
              f"{rows[4][1] * 1e9:.0f} ns reading `.decision`)",
              peer, f"{theirs / rows[3][1]:.0f}x per call, {theirs / rows[6][1]:.0f}x batched")
    # The request built in the call from plain Python values (PMapper's context dicts are made
    # beforehand, outside its timing).
    table_row("Python `evaluate(principal=…, action=…, resource=…, context={…})` per call",
              f"{rows[5][1] * 1e9:.0f} ns", peer, f"{theirs / rows[5][1]:.0f}x")


if __name__ == "__main__":
    main()
