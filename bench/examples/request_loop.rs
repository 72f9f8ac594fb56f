//! Building a request and deciding it, in a loop, for profilers (see `decide_loop`): what a
//! binding pays per call once the caller's object is read. Arguments: the number of requests,
//! and `refill` to refill one request each time (as iam-wasm does) instead of building anew.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use iam_core::eval::simulation::Simulation;
use iam_core::eval::Request;
fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let text = std::fs::read_to_string("bench/workloads/three-statements.json").unwrap();
    let sim = Simulation::parse(&text).unwrap();
    let set = sim.policy_set();
    // With `refill`, one request is refilled for each (what the bindings do).
    let refill = std::env::args().any(|a| a == "refill");
    let mut kept: Option<Request> = None;
    let t = std::time::Instant::now();
    let mut sink = 0usize;
    for i in 0..n {
        let principal = Some("arn:aws:iam::111122223333:user/alice");
        let r = match kept.as_mut() {
            Some(r) if refill => {
                r.refill(principal, "s3:GetObject").unwrap();
                r
            }
            _ => kept.insert(Request::for_principal(principal, "s3:GetObject").unwrap()),
        };
        r.add_resource("arn:aws:s3:::reports/q3.csv");
        for (k, v) in [
            (
                "aws:SourceIp",
                if i % 2 == 0 {
                    "203.0.113.7"
                } else {
                    "198.51.100.1"
                },
            ),
            ("aws:SecureTransport", "true"),
            ("aws:PrincipalTag/team", "analytics"),
            ("aws:MultiFactorAuthPresent", "true"),
        ] {
            r.set_context_text(k, v);
        }
        r.set_current_time(1_800_000_000);
        sink += set.decide(r).decision() as usize;
    }
    println!(
        "{:.1} ns per request {sink}",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
