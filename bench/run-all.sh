#!/usr/bin/env bash
# Every benchmark, side by side with its peers, in one run on this machine: parsing against
# serde_json; evaluation against iam-simulate, natively and in WebAssembly (with cedar-wasm in the
# same Node process); linting against parliament and cloudsplaining; Python call costs against
# PMapper; the differential agreement with iam-simulate. Installs the peers from npm and PyPI
# into target/ (and bench/js) on first use, prints each benchmark's own report, then one
# Markdown table of the headline figures with the date and machine. README and
# docs/benchmarks.md keep the latest table.
set -euo pipefail
cd "$(dirname "$0")/.."
machine="$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# $machine"
export IAM_BENCH_TABLE="$PWD/target/bench-table.tsv"
mkdir -p target && : > "$IAM_BENCH_TABLE"
cargo build --quiet --release --locked -p iam-bench -p iam-cli --features iam-bench/cedar
iam-wasm/build.sh >/dev/null
(cd bench/js && npm ci --no-audit --no-fund --silent)
echo; echo "## parse"; target/release/parse-bench --rounds 15
echo; echo "## evaluate (native, WebAssembly, peers)"; target/release/eval-bench --seconds 2
echo; echo "## lint"; target/release/lint-bench --rounds 5
PY=target/py-venv
[ -x "$PY/bin/python" ] || python3 -m venv "$PY"
"$PY/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.5,<2" principalmapper
(cd iam-py && VIRTUAL_ENV="$PWD/../$PY" PATH="$PWD/../$PY/bin:$PATH" maturin develop --release --quiet)
echo; echo "## python"; "$PY/bin/python" bench/py/python_bench.py --seconds 1
echo; echo "## differential"
"$PY/bin/python" tests/differential/run.py --requests 100000 --show 0 > target/differential.txt
head -n 3 target/differential.txt

echo; echo "## one table ($machine)"; echo
echo "| what | iam-core | peer | ratio |"
echo "|---|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$IAM_BENCH_TABLE"
