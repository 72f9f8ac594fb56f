//! Laws the evaluator must obey, checked on random policy sets and requests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_core::eval::{Decision, PolicySet, PolicySetBuilder, Request};
use iam_core::Policy;
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::sync::Arc;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "iam:PassRole",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "ec2:*",
    "iam:PassRole",
    "s3:?utObject",
    "S3:LIST*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b",
    "arn:aws:s3:::c/k",
    "*",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::*",
    "arn:aws:s3:::c/*",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/Dev/s1",
];

fn condition() -> impl Strategy<Value = Option<Json>> {
    proptest::option::of(prop_oneof![
        Just(json!({"StringEquals": {"aws:PrincipalTag/team": "dev"}})),
        Just(json!({"StringNotEquals": {"aws:PrincipalTag/team": ["dev", "qa"]}})),
        Just(json!({"Bool": {"aws:SecureTransport": "true"}})),
        Just(json!({"BoolIfExists": {"aws:SecureTransport": "false"}})),
        Just(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        Just(json!({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}})),
        Just(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}})),
        Just(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}})),
        Just(json!({"Null": {"aws:PrincipalTag/team": "true"}})),
        Just(
            json!({"StringLike": {"aws:PrincipalTag/team": "d*"}, "Bool": {"aws:SecureTransport": "true"}})
        ),
    ])
}

fn statement(effect: Option<&'static str>) -> impl Strategy<Value = Json> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::subsequence(ACTION_PATTERNS, 1..3),
        prop::sample::subsequence(RESOURCE_PATTERNS, 1..3),
        condition(),
    )
        .prop_map(
            move |(allow, not_action, not_resource, actions, resources, cond)| {
                let mut s = serde_json::Map::new();
                let e = effect.unwrap_or(if allow { "Allow" } else { "Deny" });
                s.insert("Effect".into(), json!(e));
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    json!(actions),
                );
                s.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(resources),
                );
                if let Some(c) = cond {
                    s.insert("Condition".into(), c);
                }
                Json::Object(s)
            },
        )
}

fn policy_json(statements: &[Json]) -> Json {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn parse(v: &Json) -> Arc<Policy> {
    Arc::new(Policy::parse(&v.to_string()).unwrap())
}

#[derive(Debug, Clone)]
struct Setup {
    identity: Vec<Vec<Json>>,
    boundary: Option<Vec<Json>>,
    scp: Option<Vec<Json>>,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        prop::collection::vec(prop::collection::vec(statement(None), 1..4), 0..3),
        proptest::option::of(prop::collection::vec(statement(None), 1..3)),
        proptest::option::of(prop::collection::vec(statement(None), 1..3)),
    )
        .prop_map(|(identity, boundary, scp)| Setup {
            identity,
            boundary,
            scp,
        })
}

fn build(s: &Setup) -> PolicySet {
    builder(s).build()
}

/// The set's builder, for tests that add policies of their own.
fn builder(s: &Setup) -> PolicySetBuilder {
    let mut b = PolicySet::builder();
    for (i, p) in s.identity.iter().enumerate() {
        b = b.identity(&format!("id{i}"), parse(&policy_json(p)));
    }
    if let Some(p) = &s.boundary {
        b = b.permissions_boundary("pb", parse(&policy_json(p)));
    }
    if let Some(p) = &s.scp {
        b = b.scp_level(vec![("scp".into(), parse(&policy_json(p)))]);
    }
    b
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(PRINCIPALS),
        prop::sample::select(ACTIONS),
        prop::sample::select(RESOURCES),
        proptest::option::of(prop::sample::select(&["dev", "ops", ""][..])),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::sample::select(&["203.0.113.5", "198.51.100.1"][..])),
        proptest::option::of(prop::sample::subsequence(&["a", "b", "c"][..], 0..3)),
    )
        .prop_map(|(p, a, r, team, tls, ip, tags)| {
            let mut req = Request::new(p, a).unwrap();
            if r != "*" {
                req = req.resource(r);
            }
            if let Some(t) = team {
                req = req.context("aws:PrincipalTag/team", t);
            }
            if let Some(t) = tls {
                req = req.context("aws:SecureTransport", t);
            }
            if let Some(i) = ip {
                req = req.context("aws:SourceIp", i);
            }
            if let Some(t) = tags {
                req = req.context("aws:TagKeys", t);
            }
            req
        })
}

/// A request as the bindings read one: principal, action, then the rest.
#[derive(Debug, Clone)]
struct Spec {
    principal: Option<&'static str>,
    action: &'static str,
    resources: Vec<&'static str>,
    context: Vec<(&'static str, &'static str)>,
    resource_account: Option<&'static str>,
    principal_account: Option<&'static str>,
    federating_user: Option<&'static str>,
    wildcard: Option<bool>,
    now: Option<i64>,
}

impl Spec {
    fn fill(&self, r: &mut Request) {
        for res in &self.resources {
            r.add_resource(res);
        }
        for (k, v) in &self.context {
            r.set_context_text(k, v);
        }
        if let Some(a) = self.resource_account {
            r.set_resource_account(a);
        }
        if let Some(a) = self.principal_account {
            r.set_principal_account(a);
        }
        if let Some(u) = self.federating_user {
            r.set_federating_user(u);
        }
        if let Some(w) = self.wildcard {
            r.set_wildcard_only_action(w);
        }
        if let Some(t) = self.now {
            r.set_current_time(t);
        }
    }
    fn apply<E>(&self, r: Result<Request, E>) -> Result<Request, E> {
        let mut r = r?;
        self.fill(&mut r);
        Ok(r)
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(
            &[
                None,
                Some("anonymous"),
                Some("111122223333"),
                Some("lambda.amazonaws.com"),
                Some("arn:aws:iam::111122223333:user/alice"),
                Some("arn:aws:iam::111122223333:user/bob"),
                Some("arn:aws:sts::111122223333:assumed-role/Dev/s1"),
                Some("arn:aws:sts::111122223333:federated-user/fed"),
                Some("not a principal"),
            ][..],
        ),
        prop::sample::select(
            &[
                "s3:GetObject",
                "S3:getobject",
                "s3:PutObject",
                "s3:ListBucket",
                "s3:NoSuchAction",
                "ec2:DescribeInstances",
                "iam:PassRole",
                "s3:*",
                "nocolon",
            ][..],
        ),
        prop::sample::subsequence(
            &[
                "arn:aws:s3:::b/k",
                "arn:aws:s3:::b",
                "arn:aws:s3:::c/k",
                "*",
            ][..],
            0..3,
        ),
        prop::sample::subsequence(
            &[
                ("aws:PrincipalTag/team", "dev"),
                ("aws:PrincipalTag/team", "ops"),
                ("aws:SecureTransport", "true"),
                ("aws:SecureTransport", "false"),
                ("aws:SourceIp", "203.0.113.5"),
                ("aws:SourceIp", "198.51.100.7"),
                ("aws:username", "mallory"),
                ("AWS:SourceIp", "198.51.100.1"),
                ("aws:TagKeys", "a"),
            ][..],
            0..4,
        ),
        (
            proptest::option::of(prop::sample::select(&["111122223333", "444455556666"][..])),
            proptest::option::of(prop::sample::select(&["111122223333", "444455556666"][..])),
            proptest::option::of(Just("arn:aws:iam::111122223333:user/alice")),
            proptest::option::of(any::<bool>()),
            proptest::option::of(prop::sample::select(
                &[1_800_000_000_i64, 1_950_000_000][..],
            )),
        ),
    )
        .prop_map(
            |(principal, action, resources, context, (ra, pa, fu, wildcard, now))| Spec {
                principal,
                action,
                resources,
                context,
                resource_account: ra,
                principal_account: pa,
                federating_user: fu,
                wildcard,
                now,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn adding_an_allow_never_turns_allow_into_deny(s in setup(), extra in statement(Some("Allow")), req in request()) {
        let before = build(&s).decide(&req).decision();
        let mut more = s.clone();
        more.identity.push(vec![extra]);
        let after = build(&more).decide(&req).decision();
        if before == Decision::Allow {
            prop_assert_eq!(after, Decision::Allow);
        }
    }

    #[test]
    fn adding_a_deny_never_turns_deny_into_allow(s in setup(), extra in statement(Some("Deny")), req in request(), into_boundary in any::<bool>()) {
        let before = build(&s).decide(&req).decision();
        let mut more = s.clone();
        match (&mut more.boundary, into_boundary) {
            (Some(b), true) => b.push(extra),
            _ => more.identity.push(vec![extra]),
        }
        let after = build(&more).decide(&req).decision();
        if before != Decision::Allow {
            prop_assert_ne!(after, Decision::Allow);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn statement_and_policy_order_do_not_matter(s in setup(), req in request()) {
        let set = build(&s);
        let mut reversed = s.clone();
        reversed.identity.reverse();
        for p in &mut reversed.identity {
            p.reverse();
        }
        if let Some(b) = &mut reversed.boundary {
            b.reverse();
        }
        let a = set.evaluate(&req, false);
        let b = build(&reversed).evaluate(&req, false);
        prop_assert_eq!(a.decision(), b.decision());
        prop_assert_eq!(a.blocked_by(), b.blocked_by());
        prop_assert_eq!(a.decisive().len(), b.decisive().len());
        // The fast path agrees with the explained one.
        prop_assert_eq!(set.decide(&req).decision(), a.decision());
    }

    #[test]
    fn requests_read_with_the_catalog_decide_as_the_full_scan_does(
        s in setup(),
        p in prop::sample::select(PRINCIPALS),
        a in prop::sample::select(&[
            "s3:GetObject", "S3:getobject", "s3:GetObjectAcl", "s3:ListBucket", "s3:PutObject",
            "s3:NoSuchAction", "ec2:RunInstances", "ec2:DescribeInstances", "iam:PassRole",
        ][..]),
        r in prop::sample::select(RESOURCES),
    ) {
        // `for_principal` looks the action up in the catalog, so `decide` finds its statements
        // through the per-action index; `Request::new` does not, and takes the per-service
        // index; `evaluate` tests every statement.
        let set = build(&s);
        let mut indexed = Request::for_principal(Some(p), a).unwrap();
        let mut plain = Request::new(p, a).unwrap();
        if r != "*" {
            indexed.add_resource(r);
            plain.add_resource(r);
        }
        prop_assert_eq!(set.decide(&indexed).decision(), set.evaluate(&indexed, false).decision());
        prop_assert_eq!(set.decide(&plain).decision(), set.evaluate(&plain, false).decision());
    }

    #[test]
    fn a_refilled_request_is_the_request_built_anew(
        s in setup(),
        specs in prop::collection::vec(spec(), 1..7),
    ) {
        // One request refilled again and again (as the bindings read one request after another)
        // must be, field by field and decision by decision, the request built anew; the
        // derived keys (from the caller, its account and the clock) are read by an extra policy.
        // A resource policy naming the federating user, so that forgetting it shows.
        let resource = policy_json(&[json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}})]);
        let b = builder(&s).resource("bucket", parse(&resource));
        let derived = policy_json(&[json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:username": "alice", "aws:PrincipalAccount": "111122223333"},
                          "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}})]);
        let set = b.identity("derived", parse(&derived)).build();
        let mut reused: Option<Request> = None;
        for spec in &specs {
            let fresh = spec.apply(Request::for_principal(spec.principal, spec.action));
            let refilled = match reused.as_mut() {
                None => {
                    reused = spec.apply(Request::for_principal(spec.principal, spec.action)).ok();
                    reused.as_ref().ok_or(())
                }
                Some(r) => match r.refill(spec.principal, spec.action) {
                    Ok(()) => {
                        spec.fill(r);
                        Ok(&*r)
                    }
                    Err(_) => Err(()),
                },
            };
            let (fresh, refilled) = match (fresh, refilled) {
                (Ok(f), Ok(r)) => (f, r),
                (Err(_), Err(())) => continue,
                (f, r) => return Err(TestCaseError::fail(format!("{spec:?}: {} and {}", f.is_ok(), r.is_ok()))),
            };
            prop_assert_eq!(refilled.caller(), fresh.caller());
            prop_assert_eq!(refilled.action(), fresh.action());
            prop_assert_eq!(refilled.resources(), fresh.resources());
            prop_assert_eq!(refilled.is_wildcard_only(), fresh.is_wildcard_only());
            prop_assert_eq!(refilled.caller_account(), fresh.caller_account());
            prop_assert_eq!(refilled.federating_user_arn(), fresh.federating_user_arn());
            prop_assert_eq!(refilled.context_values(), fresh.context_values());
            prop_assert_eq!(refilled.context_entries(), fresh.context_entries());
            prop_assert_eq!(set.decide(refilled).decision(), set.decide(&fresh).decision());
            let explain = |r: &Request| serde_json::to_value(set.evaluate(r, true)).unwrap();
            prop_assert_eq!(explain(refilled), explain(&fresh));
        }
    }

    #[test]
    fn if_exists_with_the_key_present_is_the_plain_operator(
        op in prop::sample::select(&[
            "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase",
            "NumericLessThan", "NumericGreaterThanEquals", "NumericNotEquals", "DateLessThan", "DateNotEquals",
            "Bool", "IpAddress", "NotIpAddress", "ArnLike", "ArnNotEquals", "BinaryEquals",
        ][..]),
        policy_value in prop::sample::select(&["dev", "d*", "10", "2030-01-01T00:00:00Z", "true", "203.0.113.0/24", "arn:aws:s3:::b/*", "ZGV2"][..]),
        // Not the empty string: under a set qualifier it counts as a null data set, that is, absent.
        context_value in prop::sample::select(&["dev", "DEV", "9", "10", "2029-01-01T00:00:00Z", "false", "true", "203.0.113.9", "arn:aws:s3:::b/k", "ZGV2"][..]),
        qualifier in prop::sample::select(&["", "ForAnyValue:", "ForAllValues:"][..]),
    ) {
        let decide = |operator: String| {
            let p = policy_json(&[json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {operator: {"aws:PrincipalTag/x": policy_value}}})]);
            let set = PolicySet::builder().identity("p", parse(&p)).build();
            let req = Request::new(PRINCIPALS[0], "s3:GetObject").unwrap().context("aws:PrincipalTag/x", context_value);
            set.decide(&req).decision()
        };
        prop_assert_eq!(decide(format!("{qualifier}{op}")), decide(format!("{qualifier}{op}IfExists")));
    }

    #[test]
    fn string_like_agrees_with_a_reference_matcher(
        pattern in "[ab/:é*?]{0,8}",
        text in "[ab/:é]{0,10}",
    ) {
        let p = policy_json(&[json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalTag/x": pattern}}})]);
        let set = PolicySet::builder().identity("p", parse(&p)).build();
        let req = Request::new(PRINCIPALS[0], "s3:GetObject").unwrap().context("aws:PrincipalTag/x", text.as_str());
        let ours = set.decide(&req).is_allowed();
        let reference = reference_match(&pattern, &text);
        prop_assert_eq!(ours, reference, "pattern {:?} text {:?}", pattern, text);
    }

    #[test]
    fn action_wildcards_agree_with_a_reference_matcher(pattern in "[a-cA-C*?]{0,6}", name in "[a-cA-C]{1,6}") {
        let p = policy_json(&[json!({"Effect": "Allow", "Action": format!("svc:{pattern}"), "Resource": "*"})]);
        let set = PolicySet::builder().identity("p", parse(&p)).build();
        let req = Request::new(PRINCIPALS[0], &format!("svc:{name}")).unwrap();
        let reference = reference_match(&pattern.to_ascii_lowercase(), &name.to_ascii_lowercase());
        prop_assert_eq!(set.decide(&req).is_allowed(), reference);
    }
}

/// The textbook dynamic-programming wildcard matcher over characters: `dp[i][j]` is whether the
/// first `i` pattern characters match the first `j` text characters.
fn reference_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let mut dp = vec![vec![false; t.len() + 1]; p.len() + 1];
    dp[0][0] = true;
    for i in 1..=p.len() {
        for j in 0..=t.len() {
            dp[i][j] = match p[i - 1] {
                '*' => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                '?' => j > 0 && dp[i - 1][j - 1],
                c => j > 0 && t[j - 1] == c && dp[i - 1][j - 1],
            };
        }
    }
    dp[p.len()][t.len()]
}

#[test]
fn matching_is_linear_on_pathological_patterns() {
    // `*a*a*a…b` against a long run of `a`: a backtracking matcher takes exponential time.
    let pattern = "*a".repeat(500) + "b";
    let p = policy_json(&[
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringLike": {"aws:PrincipalTag/x": pattern}}}),
    ]);
    let set = PolicySet::builder().identity("p", parse(&p)).build();
    let req = Request::new(PRINCIPALS[0], "s3:GetObject")
        .unwrap()
        .context("aws:PrincipalTag/x", "a".repeat(16_000));
    let start = std::time::Instant::now();
    assert_eq!(set.decide(&req).decision(), Decision::ImplicitDeny);
    // Generous bound: linear work here is well under a millisecond; exponential would never end.
    assert!(start.elapsed().as_secs() < 60);
}

#[test]
fn odd_values_never_panic_and_never_allow_when_unreadable() {
    // Huge numbers, odd dates and CIDRs, in the policy and in the request: a clean answer,
    // and an Allow that cannot be evaluated never allows.
    let cases = [
        ("NumericLessThan", "s3:max-keys", "1e400", "5"),
        (
            "NumericLessThan",
            "s3:max-keys",
            "10",
            "99999999999999999999999999999999999999",
        ),
        ("NumericEquals", "s3:max-keys", "-0", "0"),
        (
            "DateLessThan",
            "aws:CurrentTime",
            "99999999999999999999",
            "2020-01-01T00:00:00Z",
        ),
        (
            "DateLessThan",
            "aws:CurrentTime",
            "2030-02-30",
            "2020-01-01",
        ),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            "1970-01-01T00:00:00Z",
            "-292275055-01-01",
        ),
        (
            "IpAddress",
            "aws:SourceIp",
            "0.0.0.0/0",
            "::ffff:203.0.113.1",
        ),
        ("IpAddress", "aws:SourceIp", "203.0.113.0/99", "203.0.113.1"),
        ("IpAddress", "aws:SourceIp", "::/0", "203.0.113.1"),
        ("BinaryEquals", "aws:PrincipalTag/b", "====", "===="),
        ("ArnLike", "aws:SourceArn", "arn:*:*:*:*:*", "arn:::::"),
        ("StringLike", "aws:PrincipalTag/x", &"*".repeat(5000), "x"),
    ];
    for (op, key, policy_value, ctx) in cases {
        let p = policy_json(&[
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {op: {key: policy_value}}}),
        ]);
        let set = PolicySet::builder().identity("p", parse(&p)).build();
        let req = Request::new(PRINCIPALS[0], "s3:GetObject")
            .unwrap()
            .context(key, ctx);
        let fast = set.decide(&req);
        let full = set.evaluate(&req, true);
        assert_eq!(
            fast.decision(),
            full.decision(),
            "{op} {policy_value} vs {ctx}"
        );
        if !full.unevaluable().is_empty() {
            assert_ne!(
                full.decision(),
                Decision::Allow,
                "{op} {policy_value} vs {ctx}"
            );
        }
    }
}
