"""Runs every case of corpus/conformance through the Python module: the same answers as Rust."""
import json
import pathlib

import pytest

from iam_core import PolicySet, Request

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = [
    (path.name, case)
    for path in sorted((ROOT / "corpus" / "conformance").glob("*.json"))
    for case in json.loads(path.read_text())["cases"]
]


def named(entry, default):
    if isinstance(entry, dict) and "policy" in entry and "Statement" not in entry:
        return (entry.get("name", default), entry["policy"])
    return (default, entry)


def build(policies):
    return PolicySet(
        identity=[named(p, f"identity[{i}]") for i, p in enumerate(policies.get("identity", []))],
        resource=named(policies["resource"], "resource") if "resource" in policies else None,
        permissions_boundary=named(policies["permissionsBoundary"], "permissionsBoundary") if "permissionsBoundary" in policies else None,
        session=named(policies["session"], "session") if "session" in policies else None,
        scps=[[named(p, f"scps[{l}][{i}]") for i, p in enumerate(level)] for l, level in enumerate(policies.get("scps", []))],
        rcps=[[named(p, f"rcps[{l}][{i}]") for i, p in enumerate(level)] for l, level in enumerate(policies.get("rcps", []))],
    )


def test_there_are_enough_cases():
    assert len(CASES) >= 300


@pytest.mark.parametrize("file,case", CASES, ids=[f"{f}: {c['name']}" for f, c in CASES])
def test_case(file, case):
    r = case["request"]
    # Every request field must reach the native Request: a field this side ignored would make
    # Python disagree with the other languages without failing here.
    known = {"principal", "action", "resource", "context", "resourceAccount", "wildcardOnlyAction",
             "principalAccount", "federatingUser", "name"}
    assert set(r) <= known, f"request fields this test does not pass on: {set(r) - known}"
    request = Request(
        r.get("principal", "anonymous"),
        r["action"],
        r.get("resource"),
        r.get("context"),
        r.get("resourceAccount"),
        r.get("wildcardOnlyAction"),
        None,
        r.get("principalAccount"),
        r.get("federatingUser"),
    )
    result = build(case["policies"]).evaluate(request)
    expect = case["expect"]
    assert result.decision == expect["decision"], result.explain()
    if "decisive" in expect:
        got = sorted((d["layer"], d["policyIndex"], d["statementIndex"]) for d in result.decisive)
        want = sorted((d["layer"], d["policy"], d["statement"]) for d in expect["decisive"])
        assert got == want
    if "refusedMentions" in expect:
        word = expect["refusedMentions"]
        assert (result.refused is None) if word == "" else (word in (result.refused or ""))
    if "blockedBy" in expect:
        assert result.blocked_by == expect["blockedBy"]
    if "missingContextKeys" in expect:
        assert result.missing_context_keys == expect["missingContextKeys"]
