#!/usr/bin/env bash
# Instructions per call, counted with valgrind's callgrind: repeatable where timings on a shared
# machine are not. Each figure is (count for 3N calls - count for N calls) / 2N, so start-up
# (reading the workload, decoding the catalog) cancels out.
#
#   native decide          bench/examples/decide_loop.rs, per workload
#   native request+decide  bench/examples/request_loop.rs (build a request with four context
#                          keys, decide it, drop it; then refilling one request instead, as
#                          iam-wasm does)
#   WebAssembly decide     bench/js/prepared-loop.mjs under `node --single-threaded --no-liftoff`
#                          (x86 instructions of V8's optimised code; one thread and no baseline
#                          tier make the count repeatable); needs iam-wasm/build.sh first
#   WebAssembly object     the same script with --objects: `decide` on plain JS request objects,
#                          the JS side (reading the object) included
#   Python keyword call    bench/py/evaluate_loop.py: `evaluate(principal=…, …, context={…})`,
#                          the request built in the call; needs the module in target/py-venv
#                          (tests/run-all.sh or bench/run-all.sh builds it)
#
# usage: bench/instructions.sh        (needs valgrind: apt-get install valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
cargo build --quiet --release --locked -p iam-bench --example decide_loop --example request_loop

count() { # command... -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | awk '/refs:/ { gsub(",", "", $4); print $4 }'
}
per_call() { # N command-with-N-last... (the last argument is replaced by N and 3N)
  local n=$1; shift
  local a b
  a=$(count "$@" "$n")
  b=$(count "$@" "$((3 * n))")
  echo $(((b - a) / (2 * n)))
}

for w in three-statements ten-statements; do
  echo "native decide, $w: $(per_call 100000 target/release/examples/decide_loop "$w.json") instructions"
done
echo "native request build + decide + drop, three-statements: $(per_call 20000 target/release/examples/request_loop) instructions"
echo "native request refill + decide, three-statements: $(per_call 20000 target/release/examples/request_loop refill) instructions"
if [ -f iam-wasm/pkg/node/iam_wasm.js ] && command -v node >/dev/null; then
  for w in three-statements ten-statements; do
    echo "WebAssembly decidePrepared, $w: $(per_call 100000 node --single-threaded --no-liftoff \
      bench/js/prepared-loop.mjs "bench/workloads/$w.json") instructions"
  done
  # The count is the last argument, so --objects goes before the workload.
  echo "WebAssembly decide from a JS object, three-statements: $(per_call 20000 node --single-threaded --no-liftoff \
    bench/js/prepared-loop.mjs --objects bench/workloads/three-statements.json) instructions"
else
  echo "WebAssembly: iam-wasm/pkg/node is not built (iam-wasm/build.sh): skipped"
fi
PY=target/py-venv/bin/python
if [ -x "$PY" ] && "$PY" -c "import iam_core" 2>/dev/null; then
  echo "Python keyword evaluate (seven context keys): $(per_call 20000 "$PY" bench/py/evaluate_loop.py) instructions"
else
  echo "Python: iam_core is not installed in target/py-venv (tests/run-all.sh builds it): skipped"
fi
