//! A bare loop of `PolicySet::decide` over a workload's requests, for profilers:
//!
//! ```text
//! cargo build --release -p iam-bench --example decide_loop
//! valgrind --tool=callgrind --toggle-collect='*PolicySet*decide*' \
//!     target/release/examples/decide_loop three-statements.json 100000
//! perf record -g target/release/examples/decide_loop ten-statements.json
//! ```
//!
//! Arguments: a file of `bench/workloads/` and a number of decisions. Prints nanoseconds per
//! decision; the benchmark figures come from `eval-bench`, not from this.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use iam_core::eval::simulation::Simulation;
use iam_core::eval::Request;
fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or("three-statements.json".into());
    let text = std::fs::read_to_string(format!("bench/workloads/{name}")).unwrap();
    let sim = Simulation::parse(&text).unwrap();
    let set = sim.policy_set();
    let requests: Vec<Request> = sim.requests().to_vec();
    let mut sink = 0usize;
    let t = std::time::Instant::now();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    for i in 0..n {
        sink += set.decide(&requests[i % requests.len()]).decision() as usize;
    }
    println!("{:.1} ns {sink}", t.elapsed().as_nanos() as f64 / n as f64);
}
