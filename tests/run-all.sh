#!/usr/bin/env bash
# The one test command (README: "every test"). Installs what it needs, runs every check, and exits
# non-zero on any failure. Safe to run on a fresh machine with rustup, Python 3 and Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
if command -v rustup >/dev/null 2>&1; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi
cargo --version

step "formatting"
cargo fmt --all -- --check

step "lints (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property, corpus, CLI and doc tests"
cargo test --workspace --locked

step "Python package: build with maturin, run pytest and mypy"
PYENV=target/py-venv
if [ ! -x "$PYENV/bin/python" ]; then
  python3 -m venv "$PYENV"
fi
"$PYENV/bin/pip" install --quiet --disable-pip-version-check \
  "maturin>=1.5,<2" "pytest>=7" "hypothesis>=6" "mypy>=1.18" pandas
(cd iam-py && VIRTUAL_ENV="$PWD/../$PYENV" PATH="$PWD/../$PYENV/bin:$PATH" maturin develop --release --quiet)
"$PYENV/bin/python" -m pytest -q iam-py/tests
# The package's own code and a user's code against the stubs; then the stubs against the module.
"$PYENV/bin/mypy" --strict iam-py/python/iam_core iam-py/tests/typecheck_usage.py
"$PYENV/bin/python" -m mypy.stubtest iam_core._native

step "WebAssembly package: build, Node API tests, TypeScript declarations"
iam-wasm/build.sh
node --test tests/wasm/api.test.mjs
(cd tests/wasm && npm ci --no-audit --no-fund --silent && npx tsc -p .)

step "browser playground: build, then drive it in Chromium (playwright-core)"
if [ -z "${CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then
  # Playwright's own browser download cannot work on machines without internet access beyond
  # the package registries; Debian's Chromium can.
  as_root=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then as_root="sudo"; fi
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null
fi
iam-wasm/playground/build.sh
(cd tests/playground && npm ci --no-audit --no-fund --silent)
node --test tests/playground/

step "cross-language conformance (Rust command line, Python module, WebAssembly in Node)"
cargo build --quiet --release --locked -p iam-cli
"$PYENV/bin/python" tests/conformance/cross_language.py --iam target/release/iam --wasm

step "the README's main command"
cargo run --quiet --release --locked -p iam-cli -- validate --type identity corpus/managed/policies \
  | tail -n 1

step "benchmark smoke runs (short; figures are not checked here)"
cargo run --quiet --release --locked -p iam-bench --bin parse-bench -- --rounds 1 >/dev/null
cargo run --quiet --release --locked -p iam-bench --bin eval-bench -- --seconds 0.2
cargo run --quiet --release --locked -p iam-bench --bin lint-bench -- --rounds 1 --no-peer

step "all checks passed"
