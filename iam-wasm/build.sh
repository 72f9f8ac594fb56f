#!/usr/bin/env bash
# Builds the iam-wasm package: iam-wasm/pkg/web (ES module for browsers and bundlers) and
# iam-wasm/pkg/node (CommonJS for Node), each with TypeScript declarations.
#
# Toolchain: rustup's wasm32-unknown-unknown target where it can be installed (an ordinary
# developer machine); otherwise Debian's rustc-web with rust-web-src builds the standard library
# from source and rustup's rust-lld links it (machines where rustup cannot download the target).
# wasm-bindgen-cli is installed at exactly the version in Cargo.lock, into target/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=wasm32-unknown-unknown
OUT=target/$TARGET/wasm

say() { printf '  [iam-wasm] %s\n' "$*"; }

apt_install() {
  local SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# IAM_WASM_TOOLCHAIN=debian forces the fallback (to test it where rustup's target exists).
if [ "${IAM_WASM_TOOLCHAIN:-}" != debian ] && { rustup target list --installed 2>/dev/null | grep -qx "$TARGET" \
  || rustup target add "$TARGET" >/dev/null 2>&1; }; then
  say "rustup's $TARGET target"
  cargo build --locked --profile wasm --target "$TARGET" -p iam-wasm
else
  if [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/src/rust ] || ! command -v ld.lld >/dev/null; then
    say "installing Debian's rustc-web, rust-web-src and lld"
    apt_install rustc-web rust-web-src lld
  fi
  say "Debian's rustc-web with the standard library built from source"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 cargo build --locked --profile wasm --target "$TARGET" \
    -Zbuild-std=std,panic_abort -p iam-wasm
fi

VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
BINDGEN=target/tools/bin/wasm-bindgen
if [ ! -x "$BINDGEN" ] || [ "$("$BINDGEN" --version | awk '{print $2}')" != "$VERSION" ]; then
  say "installing wasm-bindgen-cli $VERSION"
  cargo install --quiet --root target/tools wasm-bindgen-cli --version "=$VERSION"
fi

WASM=$OUT/iam_wasm.wasm
# No wasm-opt pass: Debian's binaryen (version 108) predates the reference-types table that
# wasm-bindgen emits for Rust >= 1.82 and produces a module that fails to instantiate; the
# compiler's own LTO and opt-level already do the heavy lifting.
for flavour in web node; do
  case $flavour in web) t=web ;; node) t=nodejs ;; esac
  rm -rf "iam-wasm/pkg/$flavour"
  "$BINDGEN" --target "$t" --out-dir "iam-wasm/pkg/$flavour" --out-name iam_wasm "$WASM"
done

f=iam-wasm/pkg/web/iam_wasm_bg.wasm
raw=$(wc -c <"$f")
gz=$(gzip -9 -c "$f" | wc -c)
say "built $f: $raw bytes raw, $gz bytes gzip"
