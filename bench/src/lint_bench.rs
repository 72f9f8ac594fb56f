//! Lint benchmark: iam-core against parliament (PyPI, BSD-3) on the AWS managed-policy corpus.
//!
//! Run with `cargo run --release -p iam-bench --bin lint-bench [-- --rounds N] [--no-peer]`.
//!
//! Both sides lint every policy of `corpus/managed/policies` in one process, timing only the
//! analysis of text already in memory. parliament runs in a Python virtual environment that the
//! benchmark creates under `target/bench-venv` (installing `parliament==1.6.4` from PyPI); its
//! findings are counted per issue for the comparison table in `docs/benchmarks.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::{lint::lint, Policy, PolicyType};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn parliament(rounds: usize) -> Option<(f64, usize, usize, String)> {
    let venv = root().join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
            && Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "parliament==1.6.4"])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if !ok {
            eprintln!("could not install parliament: skipping it");
            return None;
        }
    }
    let out = Command::new(&python)
        .arg(root().join("bench/py/parliament_bench.py"))
        .arg(root().join("corpus/managed/policies"))
        .arg(rounds.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "parliament failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((
        v["seconds"].as_f64()?,
        v["findings"].as_u64()? as usize,
        v["crashed"].as_u64()? as usize,
        v["byIssue"].to_string(),
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args
        .iter()
        .skip_while(|a| *a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let dir = root().join("corpus/managed/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // Decode the catalog before timing (both sides load their data before the clock starts).
    let _ = iam_core::catalog::catalog().len();
    let mut times = Vec::new();
    let mut by_code: BTreeMap<&'static str, usize> = BTreeMap::new();
    for round in 0..rounds {
        let t = Instant::now();
        let mut n = 0;
        for text in &texts {
            let p = Policy::parse(text).unwrap();
            for d in lint(&p, PolicyType::Identity) {
                n += 1;
                if round == 0 {
                    *by_code.entry(d.code().as_str()).or_default() += 1;
                }
            }
        }
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(n);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let ours = times[times.len() / 2];
    let total: usize = by_code.values().sum();
    println!("corpus: {} AWS managed policies", texts.len());
    println!(
        "iam-core: parse + lint in {:.1} ms (median of {rounds}), {total} findings",
        ours * 1e3
    );
    println!("iam-core findings by code: {by_code:?}");
    if args.iter().any(|a| a == "--no-peer") {
        return;
    }
    match parliament(1) {
        Some((secs, findings, crashed, by_issue)) => {
            println!(
                "parliament 1.6.4: {:.1} s, {findings} findings, {crashed} policies it could not analyse",
                secs
            );
            println!("parliament findings by issue: {by_issue}");
            println!(
                "ratio parliament / iam-core: {:.0}x (target >= 300x)",
                secs / ours
            );
        }
        None => println!("parliament: not run"),
    }
}
