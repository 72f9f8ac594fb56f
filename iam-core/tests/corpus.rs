//! Runs the shared `corpus/` through the parser and validator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::{Policy, PolicyType, Severity};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_managed_policy_parses_and_validates_as_identity_without_errors() {
    let dir = corpus().join("managed/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        1594,
        "the pinned package holds 1,594 current policies"
    );
    let mut statements = 0;
    let mut warnings = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        statements += policy.statements().len();
        for d in policy.validate(PolicyType::Identity) {
            assert_ne!(d.severity(), Severity::Error, "{}: {d}", path.display());
            warnings += 1;
        }
        // Lossless: the re-serialised tree is the same JSON value.
        let original: Json = serde_json::from_str(&text).unwrap();
        let again: Json = serde_json::from_str(&policy.to_json()).unwrap();
        assert_eq!(original, again, "{}", path.display());
    }
    assert_eq!(statements, 8853);
    // Only size-quota warnings are expected: AWS-managed policies may exceed the customer quota.
    assert!(warnings > 0 && warnings < 200, "{warnings} warnings");
}

#[test]
fn guide_examples_validate_cleanly_for_their_type() {
    let index = read_json(&corpus().join("examples/index.json"));
    let examples = index["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 4);
    for e in examples {
        let file = e["file"].as_str().unwrap();
        let ty: PolicyType = e["policyType"].as_str().unwrap().parse().unwrap();
        let text = std::fs::read_to_string(corpus().join("examples/policies").join(file)).unwrap();
        let policy = Policy::parse(&text).unwrap();
        let findings = policy.validate(ty);
        assert!(findings.is_empty(), "{file}: {findings:?}");
        assert_eq!(PolicyType::infer(&policy), ty, "{file}");
    }
}

#[test]
fn malformed_documents_give_their_expected_first_error() {
    let dir = corpus().join("malformed");
    let cases = read_json(&dir.join("cases.json"));
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    let mut listed = 0;
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let err = match Policy::parse_bytes(&bytes) {
            Ok(_) => panic!("{file}: parsed but must be rejected"),
            Err(e) => e,
        };
        let first = &err.diagnostics()[0];
        assert_eq!(
            first.code().as_str(),
            case["code"].as_str().unwrap(),
            "{file}: {first}"
        );
        assert_eq!(
            first.location().path(),
            case["path"].as_str().unwrap(),
            "{file}: {first}"
        );
        assert_eq!(first.severity(), Severity::Error);
        assert!(
            first.help().is_some() || first.code().as_str() == "JSON_SYNTAX_ERROR",
            "{file}: no help"
        );
        let span = first.location().span();
        assert!(
            span.start <= span.end && span.end as usize <= bytes.len(),
            "{file}: {span:?}"
        );
        listed += 1;
    }
    // Every file in the folder is a listed case.
    let files = std::fs::read_dir(&dir).unwrap().count() - 1;
    assert_eq!(files, listed);
}

#[test]
fn validation_cases_report_exactly_their_codes() {
    let cases = read_json(&corpus().join("validation/cases.json"));
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let ty: PolicyType = case["policyType"].as_str().unwrap().parse().unwrap();
        let text = serde_json::to_string_pretty(&case["policy"]).unwrap();
        let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<_> = policy
            .validate(ty)
            .iter()
            .map(|d| d.code().as_str().to_string())
            .collect();
        let want: Vec<_> = case["expectedCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{name}");
    }
}
