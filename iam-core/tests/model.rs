//! The policy model: shapes, views and locations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::raw::Kind;
use iam_core::{BaseOperator, Code, Effect, Policy, PrincipalKind, SetQualifier, Version};

const BUCKET_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Id": "Policy 1",
  "Statement": [
    {
      "Sid": "AllowRoles",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Reader", "444455556666"], "Service": "logs.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": ["arn:aws:s3:::b/*"],
      "Condition": {
        "ForAnyValue:StringLikeIfExists": {"aws:PrincipalTag/team": ["dev*", "ops"]},
        "Bool": {"aws:SecureTransport": true},
        "NumericLessThan": {"s3:max-keys": 10}
      }
    },
    {
      "Effect": "Deny",
      "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
      "NotAction": ["s3:Get*", "s3:List*"],
      "NotResource": "arn:aws:s3:::b/public/*"
    },
    {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
  ]
}"#;

#[test]
fn views_expose_every_element_with_its_shape() {
    let p = Policy::parse(BUCKET_POLICY).unwrap();
    assert_eq!(p.version(), Some(Version::V2012_10_17));
    assert!(p.variables_enabled());
    assert_eq!(p.id(), Some("Policy 1"));
    assert!(p.statement_is_list());
    assert_eq!(p.statements().len(), 3);

    let s0 = p.statement(0).unwrap();
    assert_eq!(s0.sid(), Some("AllowRoles"));
    assert_eq!(s0.effect(), Effect::Allow);
    assert!(!s0.action().is_list() && !s0.action().is_negated());
    assert_eq!(s0.action().name(), "Action");
    let res = s0.resource().unwrap();
    assert!(res.is_list());
    assert_eq!(res.values().collect::<Vec<_>>(), ["arn:aws:s3:::b/*"]);
    let principal = s0.principal().unwrap();
    assert!(!principal.is_everyone() && !principal.is_negated());
    let entries: Vec<_> = principal
        .entries()
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect();
    assert_eq!(
        entries,
        [
            (PrincipalKind::Aws, "arn:aws:iam::111122223333:role/Reader"),
            (PrincipalKind::Aws, "444455556666"),
            (PrincipalKind::Service, "logs.amazonaws.com"),
        ]
    );
    let conds: Vec<_> = s0.conditions().collect();
    assert_eq!(conds.len(), 3);
    let op = conds[0].operator();
    assert_eq!(op.qualifier(), Some(SetQualifier::ForAnyValue));
    assert_eq!(op.base(), BaseOperator::StringLike);
    assert!(op.if_exists());
    assert_eq!(conds[0].key(), "aws:PrincipalTag/team");
    assert!(conds[0].is_list());
    assert_eq!(
        conds[0].values().map(|v| v.as_str()).collect::<Vec<_>>(),
        ["dev*", "ops"]
    );
    assert_eq!(conds[1].values().next().unwrap().as_str(), "true");
    assert_eq!(conds[1].values().next().unwrap().kind(), Kind::Bool);
    assert_eq!(conds[2].values().next().unwrap().as_str(), "10");
    assert_eq!(conds[2].values().next().unwrap().kind(), Kind::Number);

    let s1 = p.statement(1).unwrap();
    assert_eq!(s1.sid(), None);
    assert!(s1.principal().unwrap().is_negated());
    assert_eq!(s1.principal().unwrap().name(), "NotPrincipal");
    assert!(s1.action().is_negated() && s1.action().is_list());
    assert_eq!(s1.resource().unwrap().name(), "NotResource");
    assert_eq!(s1.conditions().len(), 0);

    let s2 = p.statement(2).unwrap();
    let everyone = s2.principal().unwrap();
    assert!(everyone.is_everyone());
    assert_eq!(everyone.entries()[0].0, PrincipalKind::Everyone);
}

#[test]
fn locations_point_at_the_source() {
    let p = Policy::parse(BUCKET_POLICY).unwrap();
    let s0 = p.statement(0).unwrap();
    let loc = s0.action().location();
    assert_eq!(loc.path(), "/Statement/0/Action");
    assert_eq!(&BUCKET_POLICY[loc.span().range()], "\"s3:GetObject\"");
    assert_eq!((loc.line(), loc.column()), (9, 17));
    let cond = s0.conditions().next().unwrap();
    assert_eq!(
        cond.key_location().path(),
        "/Statement/0/Condition/ForAnyValue:StringLikeIfExists/aws:PrincipalTag~1team"
    );
    assert_eq!(s0.sid_location().unwrap().path(), "/Statement/0/Sid");
    assert_eq!(p.statement(2).unwrap().location().start().line, 23);
}

#[test]
fn all_grammar_errors_are_collected_in_order() {
    let text = r#"{
  "Version": "2012-10-17",
  "Statment": [],
  "Statement": [
    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "bucket"},
    {"Effect": "Deny", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*",
     "Condition": {"StringEqual": {"aws:username": "a"}}}
  ]
}"#;
    let err = Policy::parse(text).unwrap_err();
    let codes: Vec<_> = err.diagnostics().iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        [
            Code::InvalidPolicyElement,
            Code::InvalidEffect,
            Code::InvalidArn,
            Code::UnsupportedElementCombination,
            Code::InvalidConditionOperator,
        ]
    );
    let d = &err.diagnostics()[0];
    assert_eq!(d.location().path(), "/Statment");
    assert!(
        d.help().unwrap().starts_with("did you mean `Statement`?"),
        "{:?}",
        d.help()
    );
    assert!(err.diagnostics()[1]
        .help()
        .unwrap()
        .contains("write `Allow`"));
    assert!(err.diagnostics()[4]
        .help()
        .unwrap()
        .contains("did you mean `StringEquals`?"));
    assert!(err.to_string().contains("(and 4 more)"));
}

#[test]
fn accepted_oddities_match_iam() {
    // Documents IAM accepts although they look odd (see docs/semantics.md).
    for text in [
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:", "Resource": "arn:aws:fdsasf"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": "*:GetObject", "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*", "Condition": {}}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*", "Condition": {"StringEquals": {}}}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": []}}}}"#,
        r#"{"Version": "2008-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "*", "Resource": "**"}]}"#,
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"}, "Action": "s3:GetObject", "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"}, "Action": "sts:AssumeRole"}}"#,
    ] {
        Policy::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn every_code_is_documented() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/checks.md")).unwrap();
    for code in iam_core::Code::ALL {
        assert!(
            docs.contains(&format!("\n### {}\n", code.as_str())),
            "docs/checks.md has no entry for {code}"
        );
    }
}

#[test]
fn only_accounts_users_roles_and_sessions_are_aws_principals() {
    let check = |principal: &str| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        );
        match iam_core::Policy::parse(&text) {
            Ok(_) => None,
            Err(e) => Some(e.diagnostics()[0].code().as_str()),
        }
    };
    for bad in [
        "arn:aws:iam::123456789012:group/devs",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::123456789012:instance-profile/x",
        "arn:aws:iam::12345:root",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:sts::123456789012:assumed-role/x",
        "arn:aws:sts::123456789012:federated-user",
    ] {
        assert_eq!(check(bad), Some("INVALID_PRINCIPAL_FORMAT"), "{bad}");
    }
    for good in [
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:user/path/bob",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:sts::123456789012:assumed-role/x/s",
        "arn:aws:sts::123456789012:federated-user/carol",
        "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1",
        "AROAEXAMPLEID1234567",
    ] {
        assert_eq!(check(good), None, "{good}");
    }
}
