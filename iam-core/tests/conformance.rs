//! Runs every case in `corpus/conformance/*.json` through the engine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::eval::simulation::Simulation;
use iam_core::eval::Decision;
use serde_json::{json, Value as Json};
use std::path::Path;

#[test]
fn conformance_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in &files {
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            total += 1;
            let name = format!(
                "{}: {}",
                file.file_name().unwrap().to_string_lossy(),
                case["name"].as_str().unwrap()
            );
            let text = serde_json::to_string(
                &json!({"policies": case["policies"], "requests": [case["request"]]}),
            )
            .unwrap();
            let sim = match Simulation::parse(&text) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{name}: does not parse: {e}"));
                    continue;
                }
            };
            let result = &sim.run(None, false)[0];
            let fast = sim.policy_set().decide(&sim.requests()[0]);
            let expect = &case["expect"];
            let want = Decision::from_name(expect["decision"].as_str().unwrap()).unwrap();
            if result.decision() != want {
                failures.push(format!(
                    "{name}: got {}, want {}; {}",
                    result.decision(),
                    want,
                    result.summary()
                ));
                continue;
            }
            if fast.decision() != result.decision() {
                failures.push(format!(
                    "{name}: decide() says {} but evaluate() says {}",
                    fast.decision(),
                    result.decision()
                ));
            }
            // Context keys outside `relevant_context_keys` change nothing: drop them and also
            // add an unread one, and the explained result must stay the same.
            let relevant = sim.policy_set().relevant_context_keys();
            let mut trimmed = case["request"].clone();
            if let Some(ctx) = trimmed.get_mut("context").and_then(|c| c.as_object_mut()) {
                ctx.retain(|k, _| relevant.iter().any(|r| r.eq_ignore_ascii_case(k)));
            }
            if let Some(obj) = trimmed.as_object_mut() {
                let ctx = obj.entry("context").or_insert_with(|| json!({}));
                if let Some(ctx) = ctx.as_object_mut() {
                    if !relevant.iter().any(|r| &**r == "unread:key") {
                        ctx.insert("unread:Key".into(), json!("anything"));
                    }
                }
            }
            let request = iam_core::eval::Request::from_json(&trimmed.to_string()).unwrap();
            let again = sim.policy_set().evaluate(&request, false);
            if again != *result {
                failures.push(format!(
                    "{name}: dropping context keys no policy reads changed the result: {} vs {}",
                    again.summary(),
                    result.summary()
                ));
            }
            if let Some(list) = expect.get("decisive") {
                let mut want: Vec<String> = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| {
                        format!(
                            "{}/{}/{}",
                            d["layer"].as_str().unwrap(),
                            d["policy"],
                            d["statement"]
                        )
                    })
                    .collect();
                let mut got: Vec<String> = result
                    .decisive()
                    .iter()
                    .map(|d| format!("{}/{}/{}", d.layer(), d.policy_index(), d.statement_index()))
                    .collect();
                want.sort();
                got.sort();
                if want != got {
                    failures.push(format!("{name}: decisive {got:?}, want {want:?}"));
                }
            }
            if let Some(word) = expect.get("refusedMentions").and_then(|w| w.as_str()) {
                let ok = match (result.refused(), word) {
                    (None, "") => true,
                    (Some(r), w) => !w.is_empty() && r.contains(w),
                    (None, _) => false,
                };
                if !ok {
                    failures.push(format!(
                        "{name}: refused {:?}, want one mentioning {word:?}",
                        result.refused()
                    ));
                }
            }
            if let Some(b) = expect.get("blockedBy") {
                let got = result.blocked_by().map(|l| l.to_string());
                if got.as_deref() != b.as_str() {
                    failures.push(format!("{name}: blocked by {got:?}, want {b}"));
                }
            }
            if let Some(m) = expect.get("missingContextKeys") {
                let want: Vec<&str> = m
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap())
                    .collect();
                if result.missing_context_keys() != want.as_slice() {
                    failures.push(format!(
                        "{name}: missing keys {:?}, want {want:?}",
                        result.missing_context_keys()
                    ));
                }
            }
        }
    }
    assert!(total >= 300, "only {total} conformance cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_decisive_statement_is_one_that_granted() {
    // An account grant (a delegation, not enough alone) before a grant naming the user: the user
    // grant decides, in the fast and in the explained path alike.
    let text = r#"{"policies": {"resource": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]}},
      "requests": [{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bkt/k"}]}"#;
    let sim = Simulation::parse(text).unwrap();
    let fast = sim.policy_set().decide(&sim.requests()[0]);
    assert_eq!(fast.decision(), Decision::Allow);
    assert_eq!(fast.decisive().unwrap().statement(), 1);
    let explained = &sim.run(None, false)[0];
    assert_eq!(explained.decisive()[0].statement_index(), 1);
}

#[test]
fn policies_given_as_json_text_are_located_in_their_own_text() {
    use iam_core::eval::{PolicySet, Request};
    let policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Read\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}";
    let policies = serde_json::json!({ "identity": [policy], "session": policy }).to_string();
    let set = PolicySet::from_json(&policies).unwrap();
    let request = Request::from_json(r#"{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#).unwrap();
    let result = set.evaluate(&request, false);
    assert!(result.allowed());
    let decisive = &result.decisive()[0];
    // Line 4 of the policy text, not of the `policies` document (which is one line).
    assert_eq!(decisive.location().line(), 4);
    assert_eq!(decisive.location().column(), 5);

    let broken = serde_json::json!({ "identity": ["{\n \"Statement\": 3}"] }).to_string();
    let err = PolicySet::from_json(&broken).unwrap_err();
    let d = &err.diagnostics()[0];
    assert!(
        d.location().path().starts_with("/identity/0"),
        "{}",
        d.location().path()
    );
    assert_eq!(d.location().line(), 2);
}

#[test]
fn an_rcp_level_of_denies_reports_its_implied_allow() {
    // RCPFullAWSAccess is attached to every RCP level: a level given with only Denies allows
    // what they leave, and the explanation says so (`allowed`), while reporting its Deny.
    let text = r#"{"policies": {
        "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
        "rcps": [[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}]]},
      "requests": [
        {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bkt/k"},
        {"principal": "arn:aws:iam::111122223333:user/alice", "action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:111122223333:q"}]}"#;
    let sim = Simulation::parse(text).unwrap();
    let results = sim.run(None, false);
    let rcp = |i: usize| {
        results[i]
            .layers()
            .iter()
            .find(|l| l.layer().to_string() == "rcp[0]")
            .map(|l| (l.allowed(), l.denied()))
            .unwrap()
    };
    assert!(results[0].allowed());
    assert_eq!(rcp(0), (true, false));
    assert_eq!(results[1].decision(), Decision::ExplicitDeny);
    assert_eq!(rcp(1), (true, true));
}

#[test]
fn one_context_key_in_two_letter_cases_is_refused() {
    // Keys are case-insensitive: one of the two values would be lost without a word.
    let text = r#"{"policies": {}, "requests": [{"principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:GetObject", "context": {"aws:SourceIp": "203.0.113.1", "AWS:SOURCEIP": "198.51.100.1"}}]}"#;
    let err = Simulation::parse(text).unwrap_err();
    let d = &err.diagnostics()[0];
    assert!(
        d.message().contains("another letter case"),
        "{}",
        d.message()
    );
    assert_eq!(d.location().path(), "/requests/0/context/AWS:SOURCEIP");
    let fine = text.replace("AWS:SOURCEIP", "aws:SourceVpc");
    assert!(Simulation::parse(&fine).is_ok());
}
