//! Property tests: the reader never panics, agrees with serde_json on what is JSON, and
//! re-serialises losslessly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::raw::Document;
use iam_core::{Code, Policy, PolicyType};
use proptest::prelude::*;
use serde_json::{Map, Value as Json};

fn check_diagnostics_are_in_bounds(text: &str, err: &iam_core::ParseError) {
    assert!(!err.diagnostics().is_empty());
    for d in err.diagnostics() {
        let span = d.location().span();
        assert!(span.start <= span.end, "{d}");
        assert!(
            span.end as usize <= text.len(),
            "{d}: {span:?} beyond {}",
            text.len()
        );
        assert!(d.location().line() >= 1 && d.location().column() >= 1);
        assert!(!d.message().is_empty());
    }
}

/// Words that make generated documents look like policies, so the grammar checks are exercised.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Version".to_string()),
        Just("Statement".to_string()),
        Just("Effect".to_string()),
        Just("Allow".to_string()),
        Just("Deny".to_string()),
        Just("Action".to_string()),
        Just("NotAction".to_string()),
        Just("Resource".to_string()),
        Just("Principal".to_string()),
        Just("Condition".to_string()),
        Just("StringEquals".to_string()),
        Just("ForAnyValue:StringLike".to_string()),
        Just("aws:SourceIp".to_string()),
        Just("s3:GetObject".to_string()),
        Just("arn:aws:s3:::b/*".to_string()),
        Just("AWS".to_string()),
        Just("*".to_string()),
        Just("2012-10-17".to_string()),
        "[a-zA-Z:*/\\\\\"é😀\u{0}-\u{1f}]{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        (-1e6f64..1e6).prop_map(Json::from),
        word().prop_map(Json::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|kv| Json::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A valid policy built from parts, as JSON.
fn policy_json() -> impl Strategy<Value = Json> {
    let action = prop_oneof![Just("*".to_string()), "[a-z0-9]{1,8}:[A-Za-z*?]{0,10}",];
    let resource = prop_oneof![
        Just("*".to_string()),
        "arn:aws:[a-z0-9]{1,6}:[a-z0-9-]{0,9}:[0-9]{0,12}:[A-Za-z0-9/*?${}:]{0,20}",
    ];
    let op = prop_oneof![
        Just("StringEquals"),
        Just("StringNotLike"),
        Just("ForAllValues:StringEquals"),
        Just("ForAnyValue:StringLikeIfExists"),
        Just("ArnLike"),
        Just("Bool"),
        Just("NumericLessThan"),
        Just("IpAddress"),
        Just("DateGreaterThan"),
        Just("Null"),
    ];
    let one_or_many = |s: BoxedStrategy<String>| {
        prop_oneof![
            s.clone().prop_map(Json::String),
            prop::collection::vec(s, 1..4)
                .prop_map(|v| Json::Array(v.into_iter().map(Json::String).collect())),
        ]
    };
    let condition = prop::collection::btree_map(
        op.prop_map(str::to_string),
        prop::collection::btree_map("[a-z]{1,5}:[A-Za-z/]{1,10}", "[ -~]{0,10}", 1..3),
        0..3,
    );
    let statement = (
        any::<bool>(),
        any::<bool>(),
        one_or_many(action.boxed()),
        proptest::option::of(one_or_many(resource.boxed())),
        condition,
        proptest::option::of("[A-Za-z0-9]{0,8}"),
    )
        .prop_map(|(allow, not_action, actions, resources, cond, sid)| {
            let mut m = Map::new();
            if let Some(sid) = sid {
                m.insert("Sid".into(), Json::String(sid));
            }
            m.insert(
                "Effect".into(),
                Json::String(if allow { "Allow" } else { "Deny" }.into()),
            );
            m.insert(
                if not_action { "NotAction" } else { "Action" }.into(),
                actions,
            );
            if let Some(r) = resources {
                m.insert("Resource".into(), r);
            }
            if !cond.is_empty() {
                m.insert("Condition".into(), serde_json::to_value(cond).unwrap());
            }
            Json::Object(m)
        });
    (any::<bool>(), prop::collection::vec(statement, 1..5)).prop_map(|(single, mut stmts)| {
        let statement = if single && stmts.len() == 1 {
            stmts.remove(0)
        } else {
            Json::Array(stmts)
        };
        serde_json::json!({"Version": "2012-10-17", "Statement": statement})
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        match Policy::parse_bytes(&bytes) {
            Ok(p) => {
                for t in PolicyType::ALL { let _ = p.validate(*t); }
                prop_assert!(Policy::parse(&p.to_json()).is_ok());
            }
            Err(e) => {
                let text = String::from_utf8_lossy(&bytes);
                if std::str::from_utf8(&bytes).is_ok() {
                    check_diagnostics_are_in_bounds(&text, &e);
                }
            }
        }
    }

    #[test]
    fn json_acceptance_agrees_with_serde_json(v in json_value(), cut in 0usize..200, insert in "[\\[\\]{},:\"\\\\ a0-]{0,2}") {
        // A valid document, then the same document with a few bytes cut or inserted.
        let text = serde_json::to_string(&v).unwrap();
        for candidate in [text.clone(), mutate(&text, cut, &insert)] {
            let ours = Document::parse(&candidate);
            let theirs = serde_json::from_str::<Json>(&candidate);
            match (&ours, &theirs) {
                (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
                (Err(e), Ok(_)) => {
                    // Ours is stricter only where AWS is: duplicate keys, and our limits.
                    let code = e.diagnostics()[0].code();
                    prop_assert!(code == Code::DuplicateKey || code == Code::LimitExceeded, "{candidate}: {e}");
                }
                (Ok(_), Err(e)) => prop_assert!(false, "serde_json rejects but we accept {candidate}: {e}"),
            }
            if let Err(e) = &ours { check_diagnostics_are_in_bounds(&candidate, e); }
            if let Ok(doc) = &ours {
                // Lossless: same JSON value, same key order, and a fixed point after one trip.
                let back: Json = serde_json::from_str(&doc.to_json()).unwrap();
                prop_assert_eq!(&back, theirs.as_ref().unwrap());
                let again = Document::parse(&doc.to_json_pretty()).unwrap();
                prop_assert_eq!(again.to_json(), doc.to_json());
            }
            let _ = Policy::parse(&candidate);
        }
    }

    #[test]
    fn generated_policies_parse_and_round_trip(v in policy_json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { serde_json::to_string(&v).unwrap() };
        let p = Policy::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        let back: Json = serde_json::from_str(&p.to_json()).unwrap();
        prop_assert_eq!(&back, &v);
        let again = Policy::parse(&p.to_json()).unwrap();
        prop_assert_eq!(again.statements().len(), p.statements().len());
        for (a, b) in p.statements().zip(again.statements()) {
            prop_assert_eq!(a.effect(), b.effect());
            prop_assert_eq!(a.sid(), b.sid());
            prop_assert_eq!(a.action().values().collect::<Vec<_>>(), b.action().values().collect::<Vec<_>>());
            prop_assert_eq!(a.action().is_list(), b.action().is_list());
            prop_assert_eq!(a.conditions().len(), b.conditions().len());
        }
        for t in PolicyType::ALL { let _ = p.validate(*t); }
    }

    #[test]
    fn mutated_managed_policies_never_panic(index in 0usize..1594, at in any::<prop::sample::Index>(), byte in any::<u8>(), delete in any::<bool>()) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/managed/policies");
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        let mut bytes = std::fs::read(&names[index % names.len()]).unwrap();
        let i = at.index(bytes.len());
        if delete { bytes.remove(i); } else { bytes.insert(i, byte); }
        if let Err(e) = Policy::parse_bytes(&bytes) {
            if let Ok(text) = std::str::from_utf8(&bytes) { check_diagnostics_are_in_bounds(text, &e); }
        }
    }
}

fn mutate(text: &str, cut: usize, insert: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return insert.to_string();
    }
    let at = cut % chars.len();
    chars.remove(at);
    let mut out: String = chars.into_iter().collect();
    let byte_at = out.char_indices().nth(at).map_or(out.len(), |(i, _)| i);
    out.insert_str(byte_at, insert);
    out
}

#[test]
fn pathological_inputs_are_refused_or_answered_quickly() {
    // Deep nesting, a megabyte string, ten thousand statements: a clean error, never a crash.
    let deep = "[".repeat(100_000);
    assert_eq!(
        Policy::parse(&deep).unwrap_err().diagnostics()[0].code(),
        Code::LimitExceeded
    );
    let big = format!(
        "{{\"Statement\": {{\"Sid\": \"{}\"}}}}",
        "a".repeat(1 << 20)
    );
    assert_eq!(
        Policy::parse(&big).unwrap_err().diagnostics()[0].code(),
        Code::LimitExceeded
    );
    let stmt = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;
    let many = format!("{{\"Statement\": [{}]}}", vec![stmt; 10_000].join(","));
    let limits = iam_core::Limits::default().max_bytes(10 << 20);
    let err = Policy::parse_with_limits(&many, &limits).unwrap_err();
    assert_eq!(err.diagnostics()[0].code(), Code::LimitExceeded);
    assert_eq!(err.diagnostics()[0].location().path(), "/Statement");
    let raised = limits.max_statements(10_000);
    assert_eq!(
        Policy::parse_with_limits(&many, &raised)
            .unwrap()
            .statements()
            .len(),
        10_000
    );
}
