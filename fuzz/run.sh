#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with cargo-fuzz on the nightly toolchain.
# Crashing inputs are copied to fuzz/regressions/<target>/, which `cargo test` replays.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse roundtrip evaluate lint)
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "regressions/$t"
  # seed from the policy corpus so the fuzzer starts from real documents
  if [ -z "$(ls -A "corpus/$t")" ]; then
    cp ../corpus/examples/policies/*.json "corpus/$t/"
    cp ../corpus/malformed/*.json "corpus/$t/" 2>/dev/null || true
  fi
  echo "==> $t for ${seconds}s"
  if ! cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=4096 2>&1 | tail -n 5; then
    echo "fuzz target $t found a failure" >&2
    failed=1
  fi
  for crash in artifacts/"$t"/crash-* artifacts/"$t"/oom-* artifacts/"$t"/timeout-*; do
    if [ -e "$crash" ]; then
      cp "$crash" "regressions/$t/" && echo "kept $crash as a regression case"
      failed=1
    fi
  done
done
# Non-zero when any target failed or left a crashing input.
exit "$failed"
