#!/usr/bin/env bash
# Every benchmark, side by side with its peers, in one run on this machine: parsing against
# serde_json, evaluation against iam-simulate, linting against parliament, Python call costs
# against PMapper, and the differential agreement with iam-simulate. Installs the peers from npm
# and PyPI into target/ on first use. Prints ratios; docs/benchmarks.md keeps the latest figures.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo build --quiet --release -p iam-bench -p iam-cli
echo; echo "## parse"; target/release/parse-bench --rounds 15
echo; echo "## evaluate"; target/release/eval-bench --seconds 2
echo; echo "## lint"; target/release/lint-bench --rounds 5
PY=target/py-venv
[ -x "$PY/bin/python" ] || python3 -m venv "$PY"
"$PY/bin/pip" install --quiet "maturin>=1.5,<2" principalmapper
(cd iam-py && VIRTUAL_ENV="$PWD/../$PY" PATH="$PWD/../$PY/bin:$PATH" maturin develop --release --quiet)
echo; echo "## python"; "$PY/bin/python" bench/py/python_bench.py --seconds 1
echo; echo "## differential"; "$PY/bin/python" tests/differential/run.py --requests 100000 --show 0 | head -3
