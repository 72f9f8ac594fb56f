//! Snapshot of every lint finding over the AWS managed-policy corpus. Any change in a finding
//! shows up in review as a diff of `corpus/lint-snapshots/managed.txt`.
//! Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p iam-core --test lint_snapshot`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::{lint::lint, Policy, PolicyType};
use std::fmt::Write as _;
use std::path::Path;

#[test]
fn managed_policy_findings_match_the_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut files: Vec<_> = std::fs::read_dir(root.join("managed/policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = String::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let policy = Policy::parse(&text).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        for d in lint(&policy, PolicyType::Identity) {
            let loc = d.location();
            writeln!(
                out,
                "{name} {}:{} {} {} {} | {}",
                loc.line(),
                loc.column(),
                d.severity(),
                d.code(),
                loc.path(),
                d.message()
            )
            .unwrap();
        }
    }
    let snapshot = root.join("lint-snapshots/managed.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected != out {
        let diff: Vec<_> = out
            .lines()
            .filter(|l| !expected.contains(l))
            .take(10)
            .map(|l| format!("+ {l}"))
            .chain(
                expected
                    .lines()
                    .filter(|l| !out.contains(l))
                    .take(10)
                    .map(|l| format!("- {l}")),
            )
            .collect();
        panic!(
            "lint findings changed ({} lines now, {} in the snapshot); review and run with UPDATE_SNAPSHOTS=1:\n{}",
            out.lines().count(),
            expected.lines().count(),
            diff.join("\n")
        );
    }
}
