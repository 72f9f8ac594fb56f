#!/usr/bin/env bash
# Builds the playground in one command: the WebAssembly package (iam-wasm/build.sh), the npm
# dependencies (CodeMirror, esbuild; exact versions from package-lock.json), then the bundle in
# iam-wasm/playground/dist/. Serve it with: node iam-wasm/playground/serve.mjs
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/../build.sh"
cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs
