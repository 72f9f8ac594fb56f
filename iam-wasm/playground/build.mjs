// Builds the playground into dist/: bundles src/main.js with esbuild (CodeMirror and the
// wasm-bindgen glue), inlines the examples menu from corpus/, copies the page, the stylesheet and
// the WebAssembly module. Run iam-wasm/build.sh first (build.sh here does both).
//
//   node iam-wasm/playground/build.mjs
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const pkg = resolve(here, "../pkg/web");
const out = join(here, "dist");

if (!existsSync(join(pkg, "iam_wasm_bg.wasm"))) {
  console.error("iam-wasm/pkg/web is missing: run iam-wasm/build.sh first (or iam-wasm/playground/build.sh)");
  process.exit(1);
}

/** A policy of examples.json: a corpus file (kept as written) or an inline object. */
function policyText(spec) {
  if (typeof spec === "string") return readFileSync(join(root, spec), "utf8").trimEnd() + "\n";
  return JSON.stringify(spec.inline, null, 2) + "\n";
}

/** The examples menu, with every policy as the text the editor will hold. */
function examples() {
  const spec = JSON.parse(readFileSync(join(here, "examples.json"), "utf8"));
  return spec.examples.map((e) => {
    if (e.simulation) {
      const sim = JSON.parse(readFileSync(join(root, e.simulation), "utf8"));
      const p = sim.policies;
      const unwrap = (x) => (x && x.policy && !x.Statement ? x.policy : x);
      const text = (x) => JSON.stringify(unwrap(x), null, 2) + "\n";
      // A tab per identity policy and per SCP or RCP level (`identity`, `identity#2`, …); a
      // level with several policies has no tab of its own, so such an example is refused.
      const key = (id, i) => (i === 0 ? id : `${id}#${i + 1}`);
      const level = (policies, what) => {
        if (policies.length !== 1) throw new Error(`${e.simulation}: ${what} holds ${policies.length} policies; a playground tab is one level's one policy`);
        return policies[0];
      };
      const policies = {};
      (p.identity ?? []).forEach((x, i) => (policies[key("identity", i)] = text(x)));
      if (p.resource) policies.resource = text(p.resource);
      if (p.permissionsBoundary) policies.permissionsBoundary = text(p.permissionsBoundary);
      if (p.session) policies.session = text(p.session);
      (p.scps ?? []).forEach((l, i) => (policies[key("scp", i)] = text(level(l, `scps[${i}]`))));
      (p.rcps ?? []).forEach((l, i) => (policies[key("rcp", i)] = text(level(l, `rcps[${i}]`))));
      const { name, ...request } = sim.requests[e.requestIndex ?? 0];
      return { title: e.title, policies, request, source: e.simulation };
    }
    const policies = Object.fromEntries(Object.entries(e.policies).map(([k, v]) => [k, policyText(v)]));
    return { title: e.title, policies, request: e.request };
  });
}

const examplesPlugin = {
  name: "examples",
  setup(build) {
    build.onResolve({ filter: /^virtual:examples$/ }, (a) => ({ path: a.path, namespace: "examples" }));
    build.onLoad({ filter: /.*/, namespace: "examples" }, () => ({
      contents: JSON.stringify(examples()),
      loader: "json",
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [join(here, "src/main.js")],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "linked",
  outfile: join(out, "app.js"),
  plugins: [examplesPlugin],
  logLevel: "warning",
});
copyFileSync(join(here, "src/index.html"), join(out, "index.html"));
copyFileSync(join(here, "src/style.css"), join(out, "style.css"));
copyFileSync(join(pkg, "iam_wasm_bg.wasm"), join(out, "iam_wasm_bg.wasm"));

const size = (f) => statSync(join(out, f)).size;
const gz = (f) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
for (const f of ["app.js", "iam_wasm_bg.wasm"]) {
  console.log(`  [playground] ${f}: ${size(f)} bytes raw, ${gz(f)} bytes gzip`);
}
console.log(`  [playground] built ${out}; serve it with: node iam-wasm/playground/serve.mjs`);
