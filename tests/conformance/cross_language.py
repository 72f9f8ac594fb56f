"""Runs every corpus/conformance case through each language's build of iam-core, writes each
side's normalised results, and fails on any difference between the sides or against the
expected answers.

usage: python tests/conformance/cross_language.py --iam PATH_TO_IAM_BINARY [--wasm] [--out DIR]

Sides: Rust (the `iam simulate` command), Python (the `iam_core` module) and, with `--wasm`,
WebAssembly (the Node build of iam-wasm, via tests/wasm/conformance-side.mjs).
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cases():
    for path in sorted((ROOT / "corpus" / "conformance").glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            yield path.name, case


def normalise(result):
    """The parts of an explanation every side must agree on."""
    return {
        "decision": result["decision"],
        "blockedBy": result.get("blockedBy"),
        "refused": result.get("refused"),
        "decisive": sorted([d["layer"], d["policyIndex"], d["statementIndex"]] for d in result["decisive"]),
        "missingContextKeys": result["missingContextKeys"],
        "unevaluable": sorted([u["statement"]["layer"], u["statement"]["statementIndex"]] for u in result["unevaluable"]),
    }


def rust_side(iam, all_cases):
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (file, case) in enumerate(all_cases):
            sim = pathlib.Path(tmp) / f"{i}.json"
            request = dict(case["request"])
            sim.write_text(json.dumps({"policies": case["policies"], "requests": [request]}))
            proc = subprocess.run([iam, "simulate", "--format", "json", str(sim)], capture_output=True, text=True)
            if proc.returncode != 0:
                out[(file, case["name"])] = {"error": proc.stderr.strip()}
                continue
            out[(file, case["name"])] = normalise(json.loads(proc.stdout)[0]["result"])
    return out


def python_side(all_cases):
    import iam_core
    from iam_core import PolicySet, Request

    def named(entry, default):
        if isinstance(entry, dict) and "policy" in entry and "Statement" not in entry:
            return (entry.get("name", default), entry["policy"])
        return (default, entry)

    import time

    now = int(time.time())
    out = {}
    for file, case in all_cases:
        p = case["policies"]
        ps = PolicySet(
            identity=[named(x, f"identity[{i}]") for i, x in enumerate(p.get("identity", []))],
            resource=named(p["resource"], "resource") if "resource" in p else None,
            permissions_boundary=named(p["permissionsBoundary"], "permissionsBoundary") if "permissionsBoundary" in p else None,
            session=named(p["session"], "session") if "session" in p else None,
            scps=[[named(x, f"scps[{l}][{i}]") for i, x in enumerate(level)] for l, level in enumerate(p.get("scps", []))],
            rcps=[[named(x, f"rcps[{l}][{i}]") for i, x in enumerate(level)] for l, level in enumerate(p.get("rcps", []))],
        )
        r = case["request"]
        # The Rust side (`iam simulate`) sets aws:CurrentTime to now; so does this side.
        req = Request(r.get("principal", "anonymous"), r["action"], r.get("resource"), r.get("context"),
                      r.get("resourceAccount"), r.get("wildcardOnlyAction"), now, r.get("principalAccount"),
                      r.get("federatingUser"))
        out[(file, case["name"])] = normalise(ps.evaluate(req).to_dict())
    return out


def wasm_side():
    proc = subprocess.run(["node", str(ROOT / "tests" / "wasm" / "conformance-side.mjs")],
                          capture_output=True, text=True, check=True)
    out = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        key = (row["file"], row["case"])
        out[key] = {"error": row["error"]} if "error" in row else normalise(row["result"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iam", required=True)
    ap.add_argument("--wasm", action="store_true", help="add the WebAssembly side (needs iam-wasm/build.sh)")
    ap.add_argument("--out", default=str(ROOT / "target" / "conformance"))
    args = ap.parse_args()
    all_cases = list(cases())
    sides = {"rust": rust_side(args.iam, all_cases), "python": python_side(all_cases)}
    if args.wasm:
        sides["wasm"] = wasm_side()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, results in sides.items():
        with open(out / f"{name}.jsonl", "w") as f:
            for (file, case_name), r in sorted(results.items()):
                f.write(json.dumps({"file": file, "case": case_name, **r}, sort_keys=True) + "\n")
    passed = failed = 0
    for file, case in all_cases:
        key = (file, case["name"])
        got = {name: results.get(key) for name, results in sides.items()}
        problems = []
        first = next(iter(got.values()))
        for name, r in got.items():
            if r != first:
                problems.append(f"{name} differs: {r} vs {first}")
            if r is None or "error" in r:
                problems.append(f"{name} failed: {r}")
                continue
            expect = case["expect"]
            if r["decision"] != expect["decision"]:
                problems.append(f"{name}: decision {r['decision']}, want {expect['decision']}")
        if problems:
            failed += 1
            print(f"FAIL {file}: {case['name']}: " + "; ".join(problems))
        else:
            passed += 1
    print(f"cross-language conformance ({', '.join(sides)}): {passed} passed, {failed} failed")
    sys.exit(1 if failed or passed < 300 else 0)


if __name__ == "__main__":
    main()
