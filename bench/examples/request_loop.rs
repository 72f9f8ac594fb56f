//! Building requests in a loop, for profilers (see `decide_loop`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use iam_core::eval::Request;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t = std::time::Instant::now();
    let mut sink = 0usize;
    for _ in 0..n {
        let r =
            Request::for_principal(Some("arn:aws:iam::111122223333:user/alice"), "s3:GetObject")
                .unwrap()
                .resource("arn:aws:s3:::reports/q3.csv");
        sink += r.resources().len();
    }
    println!(
        "{:.1} ns per request {sink}",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
