// The WebAssembly side of tests/conformance/cross_language.py: evaluates every corpus/conformance
// case with the Node build of iam-wasm and prints one JSON object per case.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const w = require(join(root, "iam-wasm", "pkg", "node", "iam_wasm.js"));
const dir = join(root, "corpus", "conformance");
const now = Math.floor(Date.now() / 1000);
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  for (const c of JSON.parse(readFileSync(join(dir, file), "utf8")).cases) {
    const r = w.evaluate(c.policies, c.request, false, now);
    const out = r.ok ? { result: r.result } : { error: r.errors.map((e) => e.message).join("; ") };
    process.stdout.write(JSON.stringify({ file, case: c.name, ...out }) + "\n");
  }
}
