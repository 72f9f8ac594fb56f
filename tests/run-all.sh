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

step "the README's main command"
cargo run --quiet --release --locked -p iam-cli -- validate --type identity corpus/managed/policies \
  | tail -n 1

step "benchmark smoke runs (short; figures are not checked here)"
cargo run --quiet --release --locked -p iam-bench --bin parse-bench -- --rounds 1 >/dev/null
cargo run --quiet --release --locked -p iam-bench --bin eval-bench -- --seconds 0.2
cargo run --quiet --release --locked -p iam-bench --bin lint-bench -- --rounds 1 --no-peer

step "all checks passed"
