//! Lint benchmark: iam-core against parliament and cloudsplaining (PyPI, both BSD-3) on the AWS
//! managed-policy corpus.
//!
//! Run with `cargo run --release -p iam-bench --bin lint-bench [-- --rounds N] [--no-peer]`.
//!
//! Both sides lint every policy of `corpus/managed/policies` in one process, timing only the
//! analysis of text already in memory. Each peer runs in a Python virtual environment that the
//! benchmark creates under `target/` (installing `parliament==1.6.4` and `cloudsplaining==0.9.1`
//! from PyPI); their findings are counted per issue for the comparison tables in
//! `docs/benchmarks.md`.

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

/// What a Python peer reported: seconds, findings, policies it could not analyse, findings by
/// issue (JSON).
struct PeerRun {
    seconds: f64,
    findings: usize,
    crashed: usize,
    by_issue: String,
}

/// Runs a Python linter on the corpus with `script`, in its own virtual environment under
/// `target/` (created on first use by installing `requirement` from PyPI).
fn python_peer(venv: &str, requirement: &str, script: &str, rounds: usize) -> Option<PeerRun> {
    let venv = root().join("target").join(venv);
    let python = venv.join("bin/python");
    let installed = venv.join(format!("installed-{requirement}"));
    if !installed.exists() {
        let ok = (python.exists()
            || Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .map(|s| s.success())
                .unwrap_or(false))
            && Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    requirement,
                ])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if !ok {
            eprintln!("could not install {requirement}: skipping it");
            return None;
        }
        let _ = std::fs::write(&installed, "");
    }
    let out = Command::new(&python)
        .arg(root().join("bench/py").join(script))
        .arg(root().join("corpus/managed/policies"))
        .arg(rounds.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "{requirement} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(PeerRun {
        seconds: v["seconds"].as_f64()?,
        findings: v["findings"].as_u64()? as usize,
        crashed: v["crashed"].as_u64()? as usize,
        by_issue: v["byIssue"].to_string(),
    })
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
    let peers = [
        (
            "parliament",
            "bench-venv",
            "parliament==1.6.4",
            "parliament_bench.py",
            1,
        ),
        (
            "cloudsplaining",
            "bench-venv-cloudsplaining",
            "cloudsplaining==0.9.1",
            "cloudsplaining_bench.py",
            3,
        ),
    ];
    for (name, venv, requirement, script, rounds) in peers {
        let version = requirement.split("==").nth(1).unwrap_or("?");
        match python_peer(venv, requirement, script, rounds) {
            Some(run) => {
                println!(
                    "{name} {version}: {:.1} s, {} findings, {} policies it could not analyse",
                    run.seconds, run.findings, run.crashed
                );
                println!("{name} findings by issue: {}", run.by_issue);
                println!("ratio {name} / iam-core: {:.0}x", run.seconds / ours);
                iam_bench::table::row(
                    &format!("lint {} managed policies", texts.len()),
                    &format!("{:.0} ms", ours * 1e3),
                    &format!("{name} {version}: {:.1} s", run.seconds),
                    &format!("{:.0}x", run.seconds / ours),
                );
            }
            None => println!("{name}: not run"),
        }
    }
}
