//! Risky action sets granted without resource constraints, and principal-limiting conditions.

use super::checks::{sample, Ctx};
use crate::catalog::{AccessLevel, ActionSet};
use crate::diagnostic::{Code, Severity};
use crate::model::condition::{BaseOperator, SetQualifier};
use crate::model::Statement;

/// Actions that return credentials or secrets that act as credentials (cloudsplaining's
/// "credentials exposure" category, re-derived from the Service Authorization Reference).
pub(crate) const CREDENTIALS_EXPOSURE: &[&str] = &[
    "chime:CreateApiKey",
    "codepipeline:PollForJobs",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "connect:GetFederationToken",
    "ec2:GetPasswordData",
    "ecr:GetAuthorizationToken",
    "gamelift:RequestUploadCredentials",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "rds-db:Connect",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "sso:GetRoleCredentials",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
];

/// Actions that read stored data or secrets in bulk.
pub(crate) const DATA_EXFILTRATION: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "rds:DownloadDBLogFilePortion",
    "kms:Decrypt",
];

/// Context keys that, tested by a positive operator, limit who an `Allow` with `Principal: "*"`
/// reaches (policyuniverse's list, plus the organization and VPC keys).
const PRINCIPAL_LIMITING_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:userid",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpcSourceIp",
    "kms:CallerAccount",
    "kms:ViaService",
    "saml:aud",
    "cognito-identity.amazonaws.com:aud",
    "token.actions.githubusercontent.com:sub",
];

/// Whether a condition value limits nothing: only wildcards and separators (`*`, `o-*`,
/// `arn:aws:iam::*:*`, `*:*`), or an address range as wide as a whole half of the address
/// space or more (`/0`, `/1`).
fn limits_nothing(value: &str) -> bool {
    // An address range (it parses as one; an ARN ending in `/1` is a name, not a range).
    let wide_range = crate::values::parse_ip_network(value).is_some()
        && value
            .rsplit_once('/')
            .and_then(|(_, bits)| bits.parse::<u8>().ok())
            .is_some_and(|bits| bits <= 1);
    // What is left when the wildcards and the fixed parts every value of the key has (ARN
    // field names and separators, an organization id's `o-`) are taken out.
    let fixed = [
        "arn:aws:iam::",
        "arn:aws:sts::",
        "arn:aws:",
        "arn:",
        "o-",
        ":",
        "/",
    ];
    let mut rest = value.to_string();
    for f in fixed {
        rest = rest.replace(f, "");
    }
    wide_range || rest.chars().all(|c| c == '*' || c == '?')
}

/// Whether a statement with `Principal: "*"` has a positive condition that limits who it
/// reaches. Negated operators do not count (they exclude, they do not limit); nor do
/// `…IfExists` and `ForAllValues:` conditions, which hold when the key is absent (an anonymous
/// caller has no `aws:SourceAccount`), nor values that match everything (`*`, `o-*`,
/// `arn:aws:iam::*:*`, a `/0` or `/1` range).
pub(crate) fn limits_principal(st: &Statement<'_>) -> bool {
    st.conditions().any(|c| {
        let op = c.operator();
        if op.if_exists() || op.qualifier() == Some(SetQualifier::ForAllValues) {
            return false;
        }
        let base = op.base();
        let positive = matches!(
            base,
            BaseOperator::StringEquals
                | BaseOperator::StringEqualsIgnoreCase
                | BaseOperator::StringLike
                | BaseOperator::ArnEquals
                | BaseOperator::ArnLike
                | BaseOperator::IpAddress
        );
        let key = c.key();
        let known = PRINCIPAL_LIMITING_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
            || key.to_ascii_lowercase().ends_with(":sub")
            || key.to_ascii_lowercase().ends_with(":aud");
        let meaningful = c.values().all(|v| !limits_nothing(v.as_str()));
        positive && known && meaningful
    })
}

/// The catalog ids of a list of action names, resolved once.
fn ids(
    list: &'static [&'static str],
    cell: &'static std::sync::OnceLock<Vec<usize>>,
    c: &crate::catalog::Catalog,
) -> &'static [usize] {
    cell.get_or_init(|| {
        list.iter()
            .filter_map(|n| c.action(n))
            .map(|a| a.id())
            .collect()
    })
}

fn intersect(ctx: &Ctx<'_>, reach: &ActionSet, ids: &[usize]) -> ActionSet {
    let mut set = ActionSet::new(ctx.c.len());
    for &id in ids {
        if reach.contains(id) {
            set.insert(id);
        }
    }
    set
}

/// Findings for actions granted on every resource with no condition.
pub(crate) fn unconstrained(ctx: &mut Ctx<'_>, st: &Statement<'_>, reach: &ActionSet, broad: bool) {
    let c = ctx.c;
    let action = st.action();
    let at = action.location();
    // iam:PassRole on every role.
    static PASS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    if let Some(&pass) = ids(&["iam:PassRole"], &PASS, c).first() {
        if reach.contains(pass) {
            ctx.push(
                Code::PassRoleWithStarInResource,
                Severity::SecurityWarning,
                at.clone(),
                "the statement allows `iam:PassRole` on every role".into(),
                "limit `Resource` to the roles this identity may pass, and add an `iam:PassedToService` condition",
            );
        }
    }
    // Statements that grant everything were reported as such; the sets below would repeat it.
    if broad {
        return;
    }
    static CREDS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    static DATA: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    let creds = intersect(ctx, reach, ids(CREDENTIALS_EXPOSURE, &CREDS, c));
    if !creds.is_empty() {
        ctx.push(
            Code::CredentialsExposure,
            Severity::SecurityWarning,
            at.clone(),
            format!(
                "actions that return credentials, on every resource: {}",
                sample(c, &creds, None)
            ),
            "limit these actions to specific resources, or add conditions",
        );
    }
    let data = intersect(ctx, reach, ids(DATA_EXFILTRATION, &DATA, c));
    if !data.is_empty() {
        ctx.push(
            Code::DataExfiltration,
            Severity::Warning,
            at.clone(),
            format!(
                "actions that read stored data or secrets, on every resource: {}",
                sample(c, &data, None)
            ),
            "limit these actions to the buckets, tables, parameters or secrets needed",
        );
    }
    let mut pm = ActionSet::new(c.len());
    for id in reach.iter() {
        if c.action_by_id(id).is_some_and(|a| {
            a.access_level() == AccessLevel::PermissionsManagement && a.service().prefix() != "iam"
        }) {
            pm.insert(id);
        }
    }
    if !pm.is_empty() {
        ctx.push(
            Code::ResourceExposure,
            Severity::SecurityWarning,
            at,
            format!(
                "permissions-management actions on every resource can open resources to others: {}",
                sample(c, &pm, None)
            ),
            "limit these actions to the resources whose policies this identity manages",
        );
    }
}
