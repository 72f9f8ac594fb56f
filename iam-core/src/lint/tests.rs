// Unit tests of the parent module, compiled only for `cargo test` (`#[cfg(test)] mod tests;`).
#[cfg(test)]
use super::*;
use crate::{Code, Policy, PolicyType, Severity};

fn codes(text: &str, ty: PolicyType) -> Vec<&'static str> {
    let p = Policy::parse(text).unwrap();
    lint(&p, ty).iter().map(|d| d.code().as_str()).collect()
}

fn identity(statements: &str) -> Vec<&'static str> {
    codes(
        &format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#),
        PolicyType::Identity,
    )
}

fn example(name: &str) -> Policy {
    let path = format!(
        "{}/../corpus/examples/policies/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Policy::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn guide_examples() {
    let admin = lint(&example("admin-allow-all.json"), PolicyType::Identity);
    assert_eq!(admin.len(), 1, "{admin:?}");
    assert_eq!(admin[0].code(), Code::FullAdmin);
    assert_eq!(admin[0].severity(), Severity::Error);
    assert_eq!(admin[0].location().path(), "/Statement/0/Action");

    let lp = lint(
        &example("least-privilege-s3-dynamodb.json"),
        PolicyType::Identity,
    );
    assert!(
        lp.iter().all(|d| d.severity() > Severity::Warning),
        "{lp:?}"
    );
    assert!(lp.is_empty(), "{lp:?}");

    let ipmfa = lint(
        &example("s3-ip-and-mfa-conditions.json"),
        PolicyType::Identity,
    );
    let codes: Vec<_> = ipmfa.iter().map(|d| d.code()).collect();
    assert_eq!(codes, [Code::ServiceWildcard], "{ipmfa:?}");
    assert_eq!(ipmfa[0].severity(), Severity::Warning);

    let bucket = lint(
        &example("deny-unencrypted-uploads-bucket-policy.json"),
        PolicyType::Resource,
    );
    assert!(bucket.is_empty(), "{bucket:?}");
}

#[test]
fn wildcards_and_breadth() {
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": "iam:Put*", "Resource": "arn:aws:iam::1:role/x"}"#
        ),
        ["WILDCARD_PERMISSIONS_MANAGEMENT"]
    );
    assert_eq!(
        identity(r#"{"Effect": "Allow", "Action": "sqs:Send*", "Resource": "*"}"#),
        ["WILDCARD_WRITE_ACCESS", "RESOURCE_STAR"]
    );
    assert!(
        identity(r#"{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}"#).is_empty()
    );
    assert_eq!(
        identity(r#"{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}"#),
        ["RESOURCE_STAR"]
    );
    assert!(identity(r#"{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}}"#).is_empty());
    assert_eq!(
        identity(r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#)[0],
        "ALLOW_WITH_NOT_ACTION"
    );
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}"#
    )
    .contains(&"ALLOW_WITH_NOT_RESOURCE"));
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket*"}"#
        ),
        ["S3_BUCKET_NAME_WILDCARD"]
    );
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}"#
    )
    .is_empty());
}

#[test]
fn deny_and_conditions_change_the_truth() {
    // An explicit deny of the same actions removes the finding.
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "iam:Put*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#
    )
    .is_empty());
    // A condition that can never hold removes grant findings.
    assert!(identity(r#"{"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"Null": {"aws:TokenIssueTime": "true"}, "DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}}}"#)
    .is_empty());
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}}"#
    )
    .is_empty());
    // Policy-version actions limited to AWS-managed policies cannot escalate.
    assert!(identity(r#"{"Effect": "Allow", "Action": ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], "Resource": "arn:aws:iam::aws:policy/*"}"#)
        .iter()
        .all(|c| *c != "PRIVILEGE_ESCALATION"));
}

#[test]
fn privilege_escalation_within_and_across_policies() {
    let one = identity(
        r#"{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "arn:aws:iam::111122223333:policy/*"}"#,
    );
    assert_eq!(one, ["PRIVILEGE_ESCALATION"]);
    let split = identity(
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"},
                            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}"#,
    );
    assert!(split.contains(&"PRIVILEGE_ESCALATION"), "{split:?}");
    let a = Policy::parse(r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}}"#).unwrap();
    let b = Policy::parse(r#"{"Statement": {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}}"#).unwrap();
    assert!(lint(&a, PolicyType::Identity)
        .iter()
        .all(|d| d.code() != Code::PrivilegeEscalation));
    let set = lint_set(&[&a, &b]);
    assert_eq!(set.len(), 1, "{set:?}");
    assert_eq!(set[0].0, 0);
    assert!(
        set[0].1.message().contains("Lambda"),
        "{}",
        set[0].1.message()
    );
    let deny = Policy::parse(
        r#"{"Statement": {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}}"#,
    )
    .unwrap();
    assert!(lint_set(&[&a, &b, &deny]).is_empty());
}

#[test]
fn names_conditions_and_principals() {
    let unknown = identity(
        r#"{"Effect": "Allow", "Action": ["s3:ListBuckets", "s4:GetObject", "deeplens:ListDevices"], "Resource": "arn:aws:s3:::b"}"#,
    );
    assert_eq!(
        unknown,
        ["UNKNOWN_ACTION", "UNKNOWN_SERVICE", "RETIRED_SERVICE"]
    );
    let p = Policy::parse(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:ListBuckets", "Resource": "*"}}"#,
    )
    .unwrap();
    let d = lint(&p, PolicyType::Identity);
    assert!(
        d[0].help().unwrap().contains("s3:ListBucket"),
        "{:?}",
        d[0].help()
    );
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "arn:aws:s3:::b/*"}"#
        ),
        ["REDUNDANT_ACTION"]
    );
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:prefix": "home/*"}}}"#
        ),
        [
            "CONDITION_KEY_NOT_APPLICABLE",
            "WILDCARD_WITHOUT_LIKE_OPERATOR"
        ]
    );
    assert_eq!(
        identity(
            r#"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#
        ),
        ["MFA_CONDITION_PITFALL"]
    );
    assert!(identity(r#"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}"#).is_empty());
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}}"#
        ),
        ["FORALLVALUES_WITHOUT_NULL_CHECK"]
    );
    assert!(identity(r#"{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}, "Null": {"aws:TagKeys": "false"}}}"#).is_empty());
    assert_eq!(
        identity(
            r#"{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
                           {"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#
        ),
        ["REDUNDANT_STATEMENT"]
    );
    let public = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    assert_eq!(codes(public, PolicyType::Resource), ["PUBLIC_ACCESS"]);
    let org = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}}"#;
    assert!(codes(org, PolicyType::Resource).is_empty());
    let np = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    assert_eq!(
        codes(np, PolicyType::Resource),
        ["ALLOW_WITH_NOT_PRINCIPAL"]
    );
    assert_eq!(
        identity(r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}"#),
        ["PASS_ROLE_WITH_STAR_IN_RESOURCE", "RESOURCE_STAR"]
    );
    assert!(identity(r#"{"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"], "Resource": "*"}"#).is_empty());
    assert_eq!(
        identity(r#"{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}"#),
        ["CREDENTIALS_EXPOSURE"]
    );
    assert_eq!(
        identity(
            r#"{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}"#
        ),
        ["DATA_EXFILTRATION"]
    );
    assert_eq!(
        identity(r#"{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "*"}"#),
        ["RESOURCE_EXPOSURE", "RESOURCE_STAR"]
    );
}

#[test]
fn findings_carry_docs_links_and_locations() {
    let p = Policy::parse(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)
        .unwrap();
    let all = check(&p, PolicyType::Identity);
    assert_eq!(all.len(), 2); // MISSING_VERSION + FULL_ADMIN
    let d = all.iter().find(|d| d.code() == Code::FullAdmin).unwrap();
    assert_eq!(d.code().docs(), "docs/checks.md#full_admin");
    assert_eq!(d.location().line(), 1);
}

#[test]
fn limits_grant_nothing_so_grant_checks_skip_them() {
    let full = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}"#;
    for ty in [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
    ] {
        assert!(ty.grants());
    }
    assert!(codes(full, PolicyType::Identity).contains(&"FULL_ADMIN"));
    for ty in [
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
    ] {
        assert!(!ty.grants());
        let got = codes(full, ty);
        assert!(!got.contains(&"FULL_ADMIN"), "{ty:?}: {got:?}");
        assert!(
            !got.iter().any(|c| c.contains("ESCALATION")),
            "{ty:?}: {got:?}"
        );
        // The other checks still run: the misspelt action is reported.
        assert!(got.contains(&"UNKNOWN_ACTION"), "{ty:?}: {got:?}");
    }
}

#[test]
fn condition_operators_must_fit_the_key_type() {
    let one = |cond: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
        ))
        .into_iter()
        .filter(|c| *c == "CONDITION_TYPE_MISMATCH")
        .count()
    };
    // Mismatches.
    assert_eq!(one(r#"{"StringLike": {"aws:SourceIp": "10.*"}}"#), 1);
    assert_eq!(
        one(r#"{"StringEquals": {"aws:MultiFactorAuthAge": "100"}}"#),
        1
    );
    assert_eq!(one(r#"{"NumericLessThan": {"aws:username": "3"}}"#), 1);
    assert_eq!(one(r#"{"IpAddress": {"aws:SourceVpc": "10.0.0.0/8"}}"#), 1);
    assert_eq!(
        one(r#"{"DateGreaterThan": {"aws:MultiFactorAuthAge": "2020-01-01"}}"#),
        1
    );
    assert_eq!(one(r#"{"Bool": {"aws:PrincipalTag/admin": "true"}}"#), 1);
    assert_eq!(
        one(r#"{"ForAnyValue:StringLike": {"aws:SourceIp": ["1.*"]}}"#),
        1
    );
    // Fitting pairs, and keys the catalog does not know.
    assert_eq!(one(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#), 0);
    assert_eq!(
        one(r#"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"ArnLike": {"aws:SourceVpcArn": "arn:aws:ec2:*"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"StringEquals": {"aws:SecureTransport": "true"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"NumericLessThan": {"aws:EpochTime": "1700000000"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}"#),
        0
    );
    assert_eq!(one(r#"{"Null": {"aws:SourceIp": "true"}}"#), 0);
    assert_eq!(one(r#"{"NumericLessThan": {"custom:count": "3"}}"#), 0);
    assert_eq!(
        one(r#"{"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}"#),
        0
    );
}

#[test]
fn attaching_an_administrators_managed_policy_is_escalation() {
    let attach = |condition: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*", "Condition": {condition}}}"#
        ))
    };
    assert!(attach(
        r#"{"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}}"#
    )
    .contains(&"PRIVILEGE_ESCALATION"));
    assert!(
        attach(r#"{"ArnLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/*"}}"#)
            .contains(&"PRIVILEGE_ESCALATION")
    );
    assert!(!attach(
        r#"{"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}"#
    )
    .contains(&"PRIVILEGE_ESCALATION"));
    // Editing: AWS-managed policies cannot be edited, so limiting to them is still no escalation.
    assert!(!identity(
        r#"{"Effect": "Allow", "Action": ["iam:CreatePolicyVersion"], "Resource": "arn:aws:iam::aws:policy/*"}"#
    )
    .contains(&"PRIVILEGE_ESCALATION"));
}

#[test]
fn a_deny_removes_actions_only_from_everyone_everywhere() {
    let allow =
        r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}"#;
    let with = |deny: &str| identity(&format!("{allow}, {deny}"));
    assert!(
        with(r#"{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}"#)
            .iter()
            .all(|c| *c != "PASS_ROLE_WITH_STAR_IN_RESOURCE")
    );
    // A NotResource Deny leaves the resources it names.
    assert!(with(r#"{"Effect": "Deny", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::1:role/Admin"}"#)
        .contains(&"PASS_ROLE_WITH_STAR_IN_RESOURCE"));
    let resource = |deny_principal: &str| {
        codes(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "*", "Resource": "*"}},
                {{"Effect": "Deny", "Principal": {deny_principal}, "Action": "*", "Resource": "*"}}]}}"#
            ),
            PolicyType::Resource,
        )
    };
    // A Deny naming one principal leaves everyone else.
    assert!(resource(r#"{"AWS": "999999999999"}"#).contains(&"FULL_ADMIN"));
    assert!(!resource(r#""*""#).contains(&"FULL_ADMIN"));
}

#[test]
fn conditions_that_limit_nobody_leave_access_public() {
    let public = |condition: &str| {
        codes(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {condition}}}]}}"#
            ),
            PolicyType::Resource,
        )
        .contains(&"PUBLIC_ACCESS")
    };
    // Hold when the key is absent, as it is for anonymous callers.
    assert!(public(
        r#"{"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}"#
    ));
    assert!(public(
        r#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#
    ));
    // Match every value.
    assert!(public(
        r#"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:*"}}"#
    ));
    assert!(public(r#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#));
    assert!(public(
        r#"{"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}"#
    ));
    // Limit.
    assert!(!public(
        r#"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#
    ));
    assert!(!public(
        r#"{"StringEquals": {"aws:SourceAccount": "111122223333"}}"#
    ));
    assert!(!public(
        r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#
    ));
    // A name ending in `/1` is not an address range.
    assert!(!public(
        r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/1"}}"#
    ));
}

#[test]
fn resource_star_in_a_policy_attached_to_a_resource_means_that_resource() {
    let trust = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    assert!(codes(trust, PolicyType::Trust).is_empty());
    let key_policy = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
    assert_eq!(
        codes(key_policy, PolicyType::Resource),
        ["SERVICE_WILDCARD"]
    );
    // The same grants in an identity policy are about every resource.
    assert!(
        identity(r#"{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}"#)
            .contains(&"RESOURCE_EXPOSURE")
    );
}

#[test]
fn a_wildcard_service_prefix_is_reported() {
    assert!(
        identity(r#"{"Effect": "Deny", "Action": "*:*", "Resource": "*"}"#)
            .contains(&"UNKNOWN_SERVICE")
    );
    assert!(
        identity(r#"{"Effect": "Allow", "Action": "*:GetObject", "Resource": "*"}"#)
            .contains(&"UNKNOWN_SERVICE")
    );
}

#[test]
fn managing_ones_own_credentials_is_not_escalation() {
    let keys = |resource: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"], "Resource": "{resource}"}}"#
        ))
        .contains(&"PRIVILEGE_ESCALATION")
    };
    assert!(!keys("arn:aws:iam::*:user/${aws:username}"));
    assert!(keys("arn:aws:iam::*:user/*"));
    assert!(keys("*"));
}

#[test]
fn github_actions_trust_needs_a_repository_condition() {
    let trust = |condition: &str| {
        codes(
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},
                "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
            ),
            PolicyType::Trust,
        )
        .contains(&"MISSING_GITHUB_REPO_CONDITION_KEY")
    };
    assert!(trust(
        r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#
    ));
    assert!(trust(
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}"#
    ));
    assert!(trust(
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "*"}}"#
    ));
    assert!(!trust(
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:*"}}"#
    ));
}

/// ARN entries made of wildcards reach every resource of the actions they fit, and the checks
/// about "every resource" report them as they report `*` (docs/checks.md, "Every resource").
#[test]
fn wildcard_arns_that_reach_every_resource_count_as_star() {
    let grant = |action: &str, resource: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": {action}, "Resource": {resource}}}"#
        ))
    };
    for every in [
        r#""arn:aws:s3:::*""#,
        r#""arn:*:s3:::*""#,
        r#""arn:*:*:*:*:*""#,
        r#""arn:aws:*:*:*:*""#,
    ] {
        assert!(
            grant(r#""s3:DeleteBucket""#, every).contains(&"RESOURCE_STAR"),
            "{every}"
        );
    }
    for narrower in [
        r#""arn:aws:s3:::my-*""#,
        r#""arn:aws:s3:::*/*""#,
        r#"["arn:aws:s3:::a", "arn:aws:s3:::b"]"#,
    ] {
        assert!(
            !grant(r#""s3:DeleteBucket""#, narrower).contains(&"RESOURCE_STAR"),
            "{narrower}"
        );
    }
    // The RESOURCE_STAR finding of one Allow statement.
    let resource_star = |action: &str, resources: &str| {
        let p = Policy::parse(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}",
                "Resource": {resources}}}]}}"#
        ))
        .unwrap();
        lint(&p, PolicyType::Identity)
            .into_iter()
            .find(|d| d.code().as_str() == "RESOURCE_STAR")
            .unwrap()
    };
    // The finding points at the entry and names it.
    let star = resource_star(
        "s3:DeleteBucket",
        r#"["arn:aws:s3:::logs", "arn:aws:s3:::*"]"#,
    );
    assert_eq!(star.location().path(), "/Statement/0/Resource/1");
    assert!(
        star.message().contains("arn:aws:s3:::*"),
        "{}",
        star.message()
    );

    // Secrets, roles, and everything.
    assert!(grant(
        r#""secretsmanager:GetSecretValue""#,
        r#""arn:aws:secretsmanager:*:*:secret:*""#
    )
    .contains(&"DATA_EXFILTRATION"));
    assert!(!grant(
        r#""secretsmanager:GetSecretValue""#,
        r#""arn:aws:secretsmanager:*:*:secret:app-*""#
    )
    .contains(&"DATA_EXFILTRATION"));
    assert!(grant(r#""iam:PassRole""#, r#""arn:aws:iam::*:role/*""#)
        .contains(&"PASS_ROLE_WITH_STAR_IN_RESOURCE"));
    assert!(
        !grant(r#""iam:PassRole""#, r#""arn:aws:iam::*:role/app/*""#)
            .contains(&"PASS_ROLE_WITH_STAR_IN_RESOURCE")
    );
    assert!(grant(r#""*""#, r#""arn:*:*:*:*:*""#).contains(&"FULL_ADMIN"));
    assert!(!grant(r#""*""#, r#""arn:aws:s3:::*""#).contains(&"FULL_ADMIN"));
    // `Action: "*"` on every secret is not FULL_ADMIN, and the checks below it still run.
    let all_on_secrets = grant(r#""*""#, r#""arn:aws:secretsmanager:*:*:secret:*""#);
    assert!(
        all_on_secrets.contains(&"DATA_EXFILTRATION"),
        "{all_on_secrets:?}"
    );
    assert!(
        all_on_secrets.contains(&"RESOURCE_STAR"),
        "{all_on_secrets:?}"
    );
    assert!(!all_on_secrets.contains(&"FULL_ADMIN"));
    // A `*` that a catalog format writes (a recovery point's account) is any text: a `?`
    // cannot stand for it, a `*` can.
    assert!(
        !grant(r#""backup:DeleteRecoveryPoint""#, r#""arn:aws:*:*:?:*""#)
            .contains(&"RESOURCE_STAR")
    );
    assert!(
        grant(r#""dms:DeleteEndpoint""#, r#""arn:aws:dms:*:*:endpoint:*""#)
            .contains(&"RESOURCE_STAR")
    );
    // Two entries that only together reach both of an action's required types: the finding
    // points at `Resource`, not at either entry.
    let star = resource_star(
        "ec2:AttachVolume",
        r#"["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*"]"#,
    );
    assert_eq!(star.location().path(), "/Statement/0/Resource");
    assert!(star.message().contains("together"), "{}", star.message());
    assert!(
        !grant(r#""ec2:AttachVolume""#, r#""arn:aws:ec2:*:*:instance/*""#)
            .contains(&"RESOURCE_STAR")
    );
    // A condition still turns RESOURCE_STAR off, as it does for `*`.
    assert!(!identity(
        r#"{"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}}"#
    )
    .contains(&"RESOURCE_STAR"));
}

#[test]
fn plain_operators_on_multivalued_keys_need_a_qualifier() {
    let one = |cond: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {cond}}}"#
        ))
        .into_iter()
        .filter(|c| *c == "MISSING_QUALIFIER")
        .count()
    };
    assert_eq!(
        one(r#"{"StringEquals": {"aws:TagKeys": ["env", "team"]}}"#),
        1
    );
    assert_eq!(
        one(r#"{"StringNotLikeIfExists": {"aws:TagKeys": "admin*"}}"#),
        1
    );
    assert_eq!(
        one(r#"{"StringEquals": {"AWS:CalledVia": "cloudformation.amazonaws.com"}}"#),
        1
    );
    // Qualified, presence only, or a single-valued key.
    assert_eq!(
        one(r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}"#),
        0
    );
    assert_eq!(
        one(r#"{"ForAllValues:StringLike": {"aws:TagKeys": "env*"}}"#),
        0
    );
    assert_eq!(one(r#"{"Null": {"aws:TagKeys": "false"}}"#), 0);
    assert_eq!(one(r#"{"StringEquals": {"aws:RequestTag/env": "dev"}}"#), 0);
}

#[test]
fn empty_condition_value_lists_say_what_they_do() {
    let message = |cond: &str| -> Option<String> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {cond}}}]}}"#
        );
        let policy = Policy::parse(&text).unwrap();
        let found = lint(&policy, PolicyType::Identity);
        let mut hits = found
            .iter()
            .filter(|d| d.code().as_str() == "EMPTY_ARRAY_CONDITION");
        let first = hits.next().map(|d| d.message().to_string());
        assert!(hits.next().is_none());
        first
    };
    for (cond, meaning) in [
        (
            r#"{"StringNotEquals": {"aws:PrincipalOrgID": []}}"#,
            "it holds whenever the request has one value or none for the key",
        ),
        (
            r#"{"StringEquals": {"aws:PrincipalOrgID": []}}"#,
            "it never holds",
        ),
        (
            r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": []}}"#,
            "it holds only when the request has no value for the key",
        ),
        (
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": []}}"#,
            "it holds only when the request has no value for the key",
        ),
        (
            r#"{"ForAllValues:StringNotEquals": {"aws:TagKeys": []}}"#,
            "it always holds",
        ),
        (
            r#"{"ForAnyValue:StringNotLike": {"aws:TagKeys": []}}"#,
            "it holds whenever the request has a value for the key",
        ),
        (
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": []}}"#,
            "it never holds",
        ),
    ] {
        let m = message(cond).unwrap_or_default();
        assert!(m.ends_with(meaning), "{cond}: {m}");
    }
    assert_eq!(
        message(r#"{"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}"#),
        None
    );
}
