//! Fuzzing harnesses, shared by the cargo-fuzz targets in `fuzz/` and by the regression test
//! below, which replays every input in `fuzz/regressions/` on each `cargo test`.
//!
//! Compiled only for tests and with the `fuzzing` feature. Each function checks invariants with
//! `assert!`: a failure is a bug to fix, and its input becomes a regression case.

use crate::eval::{PolicySet, Request};
use crate::{lint, Limits, Policy, PolicyType};

/// Parsing arbitrary bytes never panics, and every error is located inside the input.
pub fn parse(data: &[u8]) {
    match Policy::parse_bytes(data) {
        Ok(p) => {
            for t in PolicyType::ALL {
                let _ = p.validate(*t);
            }
        }
        Err(e) => {
            assert!(!e.diagnostics().is_empty());
            if std::str::from_utf8(data).is_ok() {
                for d in e.diagnostics() {
                    let s = d.location().span();
                    assert!(s.start <= s.end && s.end as usize <= data.len(), "{d}");
                }
            }
        }
    }
}

/// Parse → serialise → parse gives the same serialisation (a fixed point after one trip).
pub fn roundtrip(data: &[u8]) {
    let Ok(p) = Policy::parse_bytes(data) else {
        return;
    };
    let once = p.to_json();
    let again = Policy::parse_with_limits(&once, &Limits::default().max_bytes(usize::MAX >> 1));
    assert!(again.is_ok(), "re-serialised policy does not parse: {once}");
    if let Ok(again) = again {
        assert_eq!(again.to_json(), once);
        assert_eq!(again.statements().len(), p.statements().len());
    }
}

const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/Dev/s1",
    "arn:aws:iam::444455556666:root",
    "anonymous",
    "lambda.amazonaws.com",
    "arn:aws:sts::111122223333:federated-user/carol",
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "iam:PassRole",
    "kms:Decrypt",
    "sts:AssumeRole",
    "ec2:RunInstances",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "*",
    "arn:aws:kms:us-east-1:111122223333:key/1",
    "arn:aws:iam::111122223333:role/Dev",
    "not-an-arn",
];

/// Evaluating an arbitrary policy in every layer never panics, and the fast and explained paths
/// agree. The first four bytes pick the request and the layers; the rest is the policy.
pub fn evaluate(data: &[u8]) {
    let (head, body) = data.split_at(data.len().min(4));
    let Ok(policy) = Policy::parse_bytes(body) else {
        return;
    };
    let pick = |i: usize, n: usize| head.get(i).map_or(0, |b| *b as usize % n);
    let layers = head.get(1).copied().unwrap_or(0);
    let mut b = PolicySet::builder().identity("p", policy.clone());
    if layers & 1 != 0 {
        b = b.resource("r", policy.clone());
    }
    if layers & 2 != 0 {
        b = b.permissions_boundary("b", policy.clone());
    }
    if layers & 4 != 0 {
        b = b.session("s", policy.clone());
    }
    if layers & 8 != 0 {
        b = b.scp_level(vec![("scp".into(), std::sync::Arc::new(policy.clone()))]);
    }
    if layers & 16 != 0 {
        b = b.rcp_level(vec![("rcp".into(), std::sync::Arc::new(policy.clone()))]);
    }
    let set = b.build();
    let principal = PRINCIPALS
        .get(pick(0, PRINCIPALS.len()))
        .copied()
        .unwrap_or("anonymous");
    let action = ACTIONS
        .get(pick(2, ACTIONS.len()))
        .copied()
        .unwrap_or("s3:GetObject");
    let resource = RESOURCES
        .get(pick(3, RESOURCES.len()))
        .copied()
        .unwrap_or("*");
    let Ok(req) = Request::new(principal, action) else {
        return;
    };
    let req = req
        .resource(resource)
        .context("aws:SourceIp", "203.0.113.7")
        .context("aws:TagKeys", vec!["a", "b"])
        .context("aws:PrincipalTag/team", "dev");
    let fast = set.decide(&req);
    let full = set.evaluate(&req, true);
    assert_eq!(fast.decision(), full.decision());
}

/// Linting an arbitrary policy as every type never panics; findings lie inside the input.
pub fn lint(data: &[u8]) {
    let Ok(p) = Policy::parse_bytes(data) else {
        return;
    };
    for t in PolicyType::ALL {
        for d in lint::lint(&p, *t) {
            assert!(d.location().span().end as usize <= data.len());
        }
    }
    let _ = lint::lint_set(&[&p, &p]);
}

#[cfg(test)]
mod tests {
    /// Replays every saved input (crashes found by fuzzing, and seeds) through its harness.
    #[test]
    fn regressions() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
        let mut count = 0;
        for (target, f) in [
            ("parse", super::parse as fn(&[u8])),
            ("roundtrip", super::roundtrip),
            ("evaluate", super::evaluate),
            ("lint", super::lint),
        ] {
            let dir = root.join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let data = std::fs::read(e.path()).unwrap_or_default();
                f(&data);
                count += 1;
            }
        }
        assert!(count >= 4, "no regression inputs found");
    }
}
