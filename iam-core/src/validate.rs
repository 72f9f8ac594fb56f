//! Validation per policy type.
//!
//! A grammatical [`Policy`] can still be wrong for where it is used: a `Principal` in an identity
//! policy, a missing `Resource` in a bucket policy, an SCP over its size quota. [`Policy::validate`]
//! checks a policy against the rules of one [`PolicyType`] and returns findings (not errors: the
//! policy stays usable), sorted by position.
//!
//! | type | `Principal` | `Resource` | Sid | size quota |
//! |---|---|---|---|---|
//! | identity | forbidden | required | `[A-Za-z0-9]*`, unique | 6,144 non-whitespace chars (warning: AWS-managed policies may exceed it) |
//! | permissions boundary | forbidden | required | as identity | as identity |
//! | session | forbidden | required | as identity | 2,048 non-whitespace chars (error) |
//! | resource | required | required | any, unique recommended | 20,480 chars (warning; service-specific) |
//! | trust | required (`NotPrincipal` forbidden) | forbidden | as identity | 2,048 non-whitespace chars (warning: adjustable quota) |
//! | SCP | forbidden | required | as identity | 5,120 chars including whitespace (error) |
//! | RCP | must be `"*"` | required | as identity | 5,120 chars including whitespace (error) |
//!
//! Every type also gets: `MISSING_VERSION`/`LEGACY_VERSION` warnings (variables are literal text
//! without `2012-10-17`; RCPs require it, so for them this is an error), `Federated` principals
//! only in trust policies, characters outside the set IAM stores, `Null` with `IfExists`, and typed
//! checks of condition values (booleans, numbers, dates, IP ranges, base-64).

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::location::Location;
use crate::model::condition::{BaseOperator, OperatorFamily};
use crate::model::{Effect, Policy, PrincipalKind, Statement, Version};
use crate::values;
use std::fmt;
use std::str::FromStr;

mod variables;

/// Where a policy is used. Decides which elements are required or forbidden and which quotas apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// An identity-based policy attached to a user, group or role (managed or inline).
    Identity,
    /// A resource-based policy (S3 bucket, KMS key, SQS queue, …).
    Resource,
    /// A role trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A permissions boundary.
    PermissionsBoundary,
    /// A session policy passed to `AssumeRole*` or `GetFederationToken`.
    Session,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
}

impl PolicyType {
    /// Whether an Allow in this kind of policy grants access. Identity, resource and trust
    /// policies grant; permissions boundaries, session policies, SCPs and RCPs only set the most
    /// that other policies may grant (AWS's `FullAWSAccess` SCP allows `*` on `*` and grants
    /// nothing), so the linter's grant checks (over-broad and risky grants, escalation) skip them.
    pub fn grants(self) -> bool {
        matches!(
            self,
            PolicyType::Identity | PolicyType::Resource | PolicyType::Trust
        )
    }

    /// Every policy type.
    pub const ALL: &'static [PolicyType] = &[
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
        PolicyType::Scp,
        PolicyType::Rcp,
    ];

    /// The kebab-case name (`identity`, `permissions-boundary`, `scp`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::PermissionsBoundary => "permissions-boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
        }
    }

    /// Guesses the type of a policy from its content: a trust policy if it has principals, no
    /// resources and only `sts:` actions; a resource policy if it has principals; otherwise an
    /// identity policy.
    pub fn infer(policy: &Policy) -> PolicyType {
        let with_principal = policy.statements().any(|s| s.principal().is_some());
        if !with_principal {
            return PolicyType::Identity;
        }
        let trust = policy.statements().all(|s| {
            s.resource().is_none()
                && !s.action().is_negated()
                && s.action()
                    .values()
                    .all(|a| a.to_ascii_lowercase().starts_with("sts:"))
        });
        if trust {
            PolicyType::Trust
        } else {
            PolicyType::Resource
        }
    }

    fn is_iam_stored(self) -> bool {
        !matches!(self, PolicyType::Resource)
    }

    fn takes_principal(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp
        )
    }
}

impl serde::Serialize for PolicyType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown policy type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown policy type `{name}`; expected one of identity, resource, trust, permissions-boundary, session, scp, rcp")]
pub struct UnknownPolicyType {
    name: String,
}

impl FromStr for PolicyType {
    type Err = UnknownPolicyType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.to_ascii_lowercase().replace('_', "-");
        Ok(match norm.as_str() {
            "identity" => PolicyType::Identity,
            "resource" | "resource-based" => PolicyType::Resource,
            "trust" | "role-trust" => PolicyType::Trust,
            "permissions-boundary" | "boundary" | "permissionsboundary" => {
                PolicyType::PermissionsBoundary
            }
            "session" => PolicyType::Session,
            "scp" => PolicyType::Scp,
            "rcp" => PolicyType::Rcp,
            _ => {
                return Err(UnknownPolicyType {
                    name: s.to_string(),
                })
            }
        })
    }
}

struct Checker<'p> {
    policy: &'p Policy,
    ty: PolicyType,
    out: Vec<Diagnostic>,
}

impl Policy {
    /// Checks this policy against the rules of `policy_type` and returns the findings sorted by
    /// position. See the [`validate` module](crate::validate) for the rules.
    ///
    /// ```
    /// use iam_core::{Policy, PolicyType, Severity};
    /// let p = Policy::parse(r#"{"Version": "2012-10-17", "Statement": [{
    ///     "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#)?;
    /// let findings = p.validate(PolicyType::Identity);
    /// assert_eq!(findings[0].code().as_str(), "UNSUPPORTED_PRINCIPAL");
    /// assert_eq!(findings[0].severity(), Severity::Error);
    /// assert!(p.validate(PolicyType::Resource).is_empty());
    /// # Ok::<(), iam_core::ParseError>(())
    /// ```
    pub fn validate(&self, policy_type: PolicyType) -> Vec<Diagnostic> {
        let mut c = Checker {
            policy: self,
            ty: policy_type,
            out: Vec::new(),
        };
        c.run();
        let mut out = c.out;
        out.sort_by_key(|d| (d.location().span().start, d.severity()));
        out
    }
}

impl Checker<'_> {
    fn push(&mut self, code: Code, sev: Severity, loc: Location, msg: String, help: &str) {
        let mut d = Diagnostic::new(code, sev, msg, loc);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.out.push(d);
    }

    fn run(&mut self) {
        self.version();
        self.size();
        self.characters();
        let mut sids: Vec<(&str, usize)> = Vec::new();
        for st in self.policy.statements() {
            self.sid(&st, &mut sids);
            self.principal(&st);
            self.resource(&st);
            self.resource_arns(&st);
            self.variables(&st);
            if self.ty == PolicyType::Rcp {
                self.rcp(&st);
            }
            self.conditions(&st);
        }
    }

    fn version(&mut self) {
        let (code, what) = match self.policy.version() {
            Some(Version::V2012_10_17) => return,
            Some(Version::V2008_10_17) => {
                (Code::LegacyVersion, "uses the legacy version `2008-10-17`")
            }
            None => (Code::MissingVersion, "has no `Version`"),
        };
        let sev = if self.ty == PolicyType::Rcp {
            Severity::Error
        } else {
            Severity::Warning
        };
        self.push(
            code,
            sev,
            self.policy.version_location(),
            format!("the policy {what}, so policy variables are plain text"),
            "add \"Version\": \"2012-10-17\" as the first element",
        );
    }

    fn size(&mut self) {
        let src = self.policy.source();
        let (limit, with_ws, code, sev) = match self.ty {
            PolicyType::Identity | PolicyType::PermissionsBoundary => (
                6_144,
                false,
                Code::PolicySizeExceedsIdentityPolicyQuota,
                Severity::Warning,
            ),
            PolicyType::Session => (
                2_048,
                false,
                Code::PolicySizeExceedsSessionPolicyQuota,
                Severity::Error,
            ),
            PolicyType::Trust => (
                2_048,
                false,
                Code::PolicySizeExceedsRoleTrustPolicyQuota,
                Severity::Warning,
            ),
            PolicyType::Resource => (
                20_480,
                true,
                Code::PolicySizeExceedsResourcePolicyQuota,
                Severity::Warning,
            ),
            PolicyType::Scp => (
                5_120,
                true,
                Code::PolicySizeExceedsScpQuota,
                Severity::Error,
            ),
            PolicyType::Rcp => (
                5_120,
                true,
                Code::PolicySizeExceedsRcpQuota,
                Severity::Error,
            ),
        };
        // Characters never outnumber bytes, so most policies are settled without counting.
        if src.len() <= limit {
            return;
        }
        let doc = self.policy.document();
        let size = if with_ws {
            doc.char_count()
        } else {
            doc.size_without_whitespace()
        };
        if size > limit {
            let counted = if with_ws {
                "characters"
            } else {
                "characters not counting whitespace"
            };
            let help = match self.ty {
                PolicyType::Identity | PolicyType::PermissionsBoundary => "customer managed policies are limited to 6,144 characters (AWS-managed policies are not); split the policy or use wildcards carefully",
                PolicyType::Trust => "the default role trust policy quota is 2,048 characters and can be raised to 8,192",
                _ => "split the policy or shorten it",
            };
            self.push(
                code,
                sev,
                self.policy.location(self.policy.document().root().id()),
                format!(
                    "the policy is {size} {counted}, more than the {} quota of {limit}",
                    self.ty
                ),
                help,
            );
        }
    }

    fn characters(&mut self) {
        if !self.ty.is_iam_stored() {
            return;
        }
        let src = self.policy.source();
        // The JSON reader already refused raw control bytes other than tab, LF and CR.
        if src.is_ascii() {
            return;
        }
        let bad = src
            .char_indices()
            .find(|&(_, c)| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'));
        if let Some((at, c)) = bad {
            let span = crate::Span::new(at as u32, (at + c.len_utf8()) as u32);
            let doc = self.policy.document();
            let path = doc
                .node_at(at as u32)
                .map(|id| doc.path_of(id))
                .unwrap_or_default();
            let loc = doc.location_at(path, span);
            self.push(
                Code::InvalidCharacter,
                Severity::Error,
                loc,
                format!(
                    "character `{c}` (U+{:04X}) cannot be stored in an IAM policy",
                    c as u32
                ),
                "IAM accepts tab, line feed, carriage return and U+0020–U+00FF only",
            );
        }
    }

    fn sid<'a>(&mut self, st: &Statement<'a>, seen: &mut Vec<(&'a str, usize)>) {
        let Some(sid) = st.sid() else {
            return;
        };
        let loc = || st.sid_location().unwrap_or_else(|| st.location());
        if self.ty.is_iam_stored() && !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.push(
                Code::UnsupportedSid,
                Severity::Error,
                loc(),
                format!("`Sid` `{sid}` has characters other than letters and digits"),
                "IAM accepts only A-Z, a-z and 0-9 in a Sid",
            );
        }
        if sid.is_empty() {
            return;
        }
        // Policies have a handful of statements; a linear scan beats hashing here.
        if let Some(&(_, first)) = seen.iter().find(|(s, _)| *s == sid) {
            let (code, sev) = if self.ty.is_iam_stored() {
                (Code::UniqueSidsRequired, Severity::Error)
            } else {
                (Code::UniqueSidsRecommended, Severity::Warning)
            };
            self.push(
                code,
                sev,
                loc(),
                format!("`Sid` `{sid}` is also used by statement {first}"),
                "give every statement its own Sid",
            );
        } else {
            seen.push((sid, st.index()));
        }
    }

    fn principal(&mut self, st: &Statement<'_>) {
        match st.principal() {
            None if self.ty.takes_principal() => self.push(
                Code::MissingPrincipal,
                Severity::Error,
                st.location(),
                format!("the statement has no `Principal`, which a {} policy needs", self.ty),
                "name who the statement applies to, e.g. \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}",
            ),
            None => {}
            Some(p) if !self.ty.takes_principal() => {
                let help = match self.ty {
                    PolicyType::Scp => "SCPs apply to every principal of the accounts they are attached to; remove the element and use an `aws:PrincipalArn` condition to target principals",
                    _ => "an identity-based policy applies to the identity it is attached to; remove the element",
                };
                self.push(
                    Code::UnsupportedPrincipal,
                    Severity::Error,
                    p.key_location(),
                    format!("`{}` is not allowed in a {} policy", p.name(), self.ty),
                    help,
                );
            }
            Some(p) => {
                if p.is_negated() && matches!(self.ty, PolicyType::Trust | PolicyType::Rcp) {
                    self.push(
                        Code::UnsupportedPrincipal,
                        Severity::Error,
                        p.key_location(),
                        format!("`NotPrincipal` is not allowed in a {} policy", self.ty),
                        "use `Principal` with conditions instead",
                    );
                }
                let entries = p.entries();
                if self.ty == PolicyType::Rcp && !p.is_negated() {
                    // `{}` names no one: not "*" either.
                    let all_star = !entries.is_empty()
                        && entries.iter().all(|(k, v, _)| {
                            *v == "*" && matches!(k, PrincipalKind::Everyone | PrincipalKind::Aws)
                        });
                    if !all_star {
                        self.push(
                            Code::RcpSyntaxError,
                            Severity::Error,
                            p.location(),
                            "an RCP `Principal` must be \"*\"".into(),
                            "RCPs apply to every principal; restrict them with conditions such as `aws:PrincipalOrgID`",
                        );
                    }
                }
                if entries.is_empty() && !p.is_negated() && self.ty != PolicyType::Rcp {
                    self.push(
                        Code::MissingPrincipal,
                        Severity::Error,
                        p.location(),
                        "`Principal` is an empty object: the statement applies to no one".into(),
                        "name who the statement applies to, e.g. {\"AWS\": \"arn:aws:iam::123456789012:root\"}, or \"*\" for everyone",
                    );
                }
                if self.ty != PolicyType::Trust {
                    for (kind, value, id) in entries {
                        if kind == PrincipalKind::Federated {
                            self.push(
                                Code::FederatedPrincipalNotSupported,
                                Severity::Error,
                                self.policy.location(id),
                                format!("federated principal `{value}` outside a role trust policy"),
                                "federated principals can only assume roles; use them in a role trust policy",
                            );
                        }
                    }
                }
            }
        }
    }

    fn resource(&mut self, st: &Statement<'_>) {
        match (st.resource(), self.ty) {
            (Some(r), PolicyType::Trust) => self.push(
                Code::UnsupportedResource,
                Severity::Error,
                r.key_location(),
                format!("`{}` is not allowed in a role trust policy", r.name()),
                "the resource of a trust policy is the role itself; remove the element",
            ),
            (None, PolicyType::Trust) => {}
            (None, ty) => self.push(
                Code::MissingResource,
                Severity::Error,
                st.location(),
                format!(
                    "the statement has no `Resource` or `NotResource`, which a {ty} policy needs"
                ),
                "add the resources the statement applies to, or \"Resource\": \"*\"",
            ),
            (Some(_), _) => {}
        }
    }

    /// The region and account fields of `Resource` (or `NotResource`) ARNs, against the ARN
    /// formats the action catalog gives their service: a field AWS never fills in, a region AWS
    /// always fills in left empty, an account that is not a 12-digit ID, or a service name not in
    /// lower case. Any of these and the entry matches no resource (IAM Access Analyzer's
    /// ARN_REGION_NOT_ALLOWED, MISSING_ARN_REGION, ARN_ACCOUNT_NOT_ALLOWED, INVALID_ARN_ACCOUNT,
    /// INVALID_ARN_SERVICE_CASE). Fields with a wildcard or a variable are not judged, and an
    /// empty account is not either: AWS's public resources have none (`arn:aws:ssm:*::parameter/
    /// aws/service/…`) where the formats write `${Account}`. See docs/checks.md.
    fn resource_arns(&mut self, st: &Statement<'_>) {
        let Some(resource) = st.resource() else {
            return;
        };
        let open = |field: &str| field.contains(['*', '?', '$']);
        for (text, id) in resource.entries() {
            // A variable before the fifth colon is VARIABLE_UNSUPPORTED_IN_ELEMENT's; its key's
            // own colon would shift the fields here.
            let head_has_variable = variables::resource_part_start(text)
                .and_then(|at| text.get(..at))
                .is_some_and(|head| head.contains("${"));
            if head_has_variable {
                continue;
            }
            let Some(arn) = crate::arn::ArnParts::parse(text) else {
                continue; // `*`, or INVALID_ARN already
            };
            if open(arn.service) {
                continue;
            }
            let catalog = crate::catalog::catalog();
            if arn.service.bytes().any(|b| b.is_ascii_uppercase()) {
                let lower = arn.service.to_ascii_lowercase();
                if catalog.arn_fields(&lower).is_some() {
                    self.push(
                        Code::InvalidArnServiceCase,
                        Severity::Error,
                        self.policy.location(id),
                        format!("the service `{}` in `{text}` is not lower case, so it matches no AWS resource", arn.service),
                        &format!("write `{lower}`: ARN service names are lower case"),
                    );
                }
                continue;
            }
            let Some(fields) = catalog.arn_fields(arn.service) else {
                continue;
            };
            let service = arn.service;
            let (partition, region, account, rest) =
                (arn.partition, arn.region, arn.account, arn.resource);
            if fields.region_never && !region.is_empty() && !open(region) {
                self.push(
                    Code::ArnRegionNotAllowed,
                    Severity::Warning,
                    self.policy.location(id),
                    format!("`{service}` ARNs have no region in the action catalog's formats, so `{text}` likely matches no AWS resource"),
                    &format!(
                        "leave the region empty: `arn:{partition}:{service}::{account}:{rest}`"
                    ),
                );
            }
            if fields.region_always && region.is_empty() {
                self.push(
                    Code::MissingArnRegion,
                    Severity::Warning,
                    self.policy.location(id),
                    format!("`{service}` ARNs always name a region in the action catalog's formats, so `{text}` (with none) likely matches no AWS resource"),
                    &format!("name the region, or `*` for any: `arn:{partition}:{service}:*:{account}:{rest}`"),
                );
            }
            if account.is_empty() || open(account) {
                continue;
            }
            if fields.account_never {
                self.push(
                    Code::ArnAccountNotAllowed,
                    Severity::Warning,
                    self.policy.location(id),
                    format!(
                        "`{service}` ARNs have no account in the action catalog's formats, so `{text}` likely matches no AWS resource"
                    ),
                    &format!(
                        "leave the account empty: `arn:{partition}:{service}:{region}::{rest}`"
                    ),
                );
            } else if !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
                && account != "aws"
                && !fields.literal_accounts.iter().any(|a| **a == *account)
            {
                self.push(
                    Code::InvalidArnAccount,
                    Severity::Error,
                    self.policy.location(id),
                    format!("the account `{account}` in `{text}` is not a 12-digit account ID, so it matches no AWS resource"),
                    "write the 12-digit account ID, or `*` with a condition such as `\"StringEquals\": {\"aws:ResourceAccount\": \"111122223333\"}`",
                );
            }
        }
    }

    fn rcp(&mut self, st: &Statement<'_>) {
        let action = st.action();
        if action.is_negated() {
            self.push(
                Code::RcpSyntaxError,
                Severity::Error,
                action.key_location(),
                "RCPs do not support `NotAction`".into(),
                "list the actions to deny in `Action`",
            );
        }
        match st.effect() {
            Effect::Allow => {
                let star = |mut it: crate::model::StringValues<'_>| {
                    it.next() == Some("*") && it.next().is_none()
                };
                let resource_star = st
                    .resource()
                    .is_some_and(|r| !r.is_negated() && star(r.values()));
                let action_star = !action.is_negated() && star(action.values());
                if !resource_star || !action_star || st.conditions().len() > 0 {
                    self.push(
                        Code::RcpSyntaxError,
                        Severity::Error,
                        st.effect_location(),
                        "an RCP `Allow` statement must allow `*` on `*` with no condition".into(),
                        "RCPs restrict with `Deny` statements; the only Allow is RCPFullAWSAccess",
                    );
                }
            }
            Effect::Deny => {
                for (a, id) in action.entries() {
                    if a == "*" {
                        self.push(
                            Code::RcpSyntaxError,
                            Severity::Error,
                            self.policy.location(id),
                            "an RCP `Deny` cannot use the action `*`".into(),
                            "name the service actions to deny, e.g. `s3:*`",
                        );
                        continue;
                    }
                    // Entries without a `:` are INVALID_ACTION already.
                    let Some((service, name)) = a.split_once(':') else {
                        continue;
                    };
                    // docs/checks.md, RCP_SYNTAX_ERROR: only the services RCPs apply to, and a
                    // wildcard only at the end (IAM Access Analyzer's RCP_SYNTAX_ERROR_ACTION).
                    // (A wildcard in the service prefix is INVALID_ACTION already.)
                    let wild_inside = name.trim_end_matches('*').contains(['*', '?']);
                    if wild_inside {
                        self.push(
                            Code::RcpSyntaxError,
                            Severity::Error,
                            self.policy.location(id),
                            format!("`{a}`: an RCP action can use a wildcard only at its end"),
                            "write the action as `service:Prefix*`, or list the actions",
                        );
                    } else if !crate::catalog::catalog().supports_rcps(service) {
                        self.push(
                            Code::RcpSyntaxError,
                            Severity::Error,
                            self.policy.location(id),
                            format!("`{a}`: RCPs do not apply to the service `{service}`"),
                            &format!("RCPs apply only to some services (s3, sts, kms, sqs, secretsmanager and others the action catalog lists); control `{service}` with an SCP or its resource policies"),
                        );
                    }
                }
            }
        }
    }

    fn conditions(&mut self, st: &Statement<'_>) {
        for (i, cond) in st.conditions().enumerate() {
            let op = cond.operator();
            // Exact duplicates were rejected by the JSON reader; look for case variants among the
            // earlier keys of the same operator.
            let prev = st
                .conditions()
                .take(i)
                .filter(|c| c.operator_id() == cond.operator_id())
                .find(|c| c.key().eq_ignore_ascii_case(cond.key()))
                .map(|c| c.key());
            if let Some(prev) = prev {
                self.push(
                    Code::DuplicateKeysWithDifferentCase,
                    Severity::Error,
                    cond.key_location(),
                    format!(
                        "condition keys `{prev}` and `{}` under `{op}` differ only in case",
                        cond.key()
                    ),
                    "condition keys are case-insensitive; merge the two entries",
                );
            }
            if op.base() == BaseOperator::Null && op.if_exists() {
                self.push(
                    Code::NullWithIfExists,
                    Severity::Error,
                    cond.operator_location(),
                    format!("`{op}` is not a valid operator: `Null` cannot take `IfExists`"),
                    "use `Null` on its own",
                );
            }
            let first_kind = cond.values().next().map(|v| v.kind());
            if cond.values().any(|v| Some(v.kind()) != first_kind) {
                self.push(
                    Code::InvalidConditionDataType,
                    Severity::Error,
                    cond.location(),
                    format!("the values of `{}` mix JSON types", cond.key()),
                    "write every value of one key with the same JSON type (usually strings)",
                );
            }
            let family = op.base().family();
            if family == OperatorFamily::Bool
                && cond.values().nth(1).is_some()
                && op.qualifier().is_none()
            {
                self.push(
                    Code::InvalidConditionMultipleBoolean,
                    Severity::Error,
                    cond.location(),
                    format!("`{op}` on `{}` lists more than one value", cond.key()),
                    "a boolean condition takes one value: `true` or `false`",
                );
            }
            for v in cond.values() {
                let text = v.as_str();
                if self.policy.variables_enabled() && variables::has_variable(text) {
                    continue; // INVALID_VARIABLE_FOR_OPERATOR says it (validate::variables)
                }
                let (ok, code, what) = match family {
                    OperatorFamily::String | OperatorFamily::Arn => continue,
                    // `Bool` takes policy variables; the variable's value is read when evaluating.
                    OperatorFamily::Bool
                        if self.policy.variables_enabled() && text.contains("${") =>
                    {
                        continue
                    }
                    OperatorFamily::Bool | OperatorFamily::Null => (
                        values::parse_bool(text).is_some(),
                        Code::TypeMismatchBoolean,
                        "`true` or `false`",
                    ),
                    OperatorFamily::Numeric => (
                        values::parse_number(text).is_some(),
                        Code::TypeMismatchNumber,
                        "a number",
                    ),
                    OperatorFamily::Date => (
                        values::parse_date(text).is_some(),
                        Code::TypeMismatchDate,
                        "an ISO 8601 date (2030-01-01T00:00:00Z) or epoch seconds",
                    ),
                    OperatorFamily::IpAddress => (
                        values::parse_ip_network(text).is_some(),
                        Code::TypeMismatchIpRange,
                        "an IPv4 or IPv6 address or CIDR block",
                    ),
                    OperatorFamily::Binary => (
                        values::parse_base64(text).is_some(),
                        Code::TypeMismatchBinary,
                        "base-64 text",
                    ),
                };
                if !ok {
                    self.push(
                        code,
                        // IAM refuses unreadable dates; IAM Access Analyzer calls a bad IP range
                        // an error too (shared/docs/iam-semantics.md §7.1; a warning in 2023).
                        if matches!(family, OperatorFamily::Date | OperatorFamily::IpAddress) {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        self.policy.location(v.id()),
                        format!("`{text}` is not {what}, as `{op}` needs"),
                        "the engine cannot compare it, so the condition is undecidable whatever the request: an Allow with it does not allow, and a Deny with it denies unless another part of the statement rules the request out",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_outside_strings_is_not_counted() {
        let size = |t: &str| Policy::parse(t).map(|p| p.document().size_without_whitespace());
        let doc = crate::raw::Document::parse("{ \"a b\" : [1, \"é\"] }").unwrap();
        assert_eq!(doc.size_without_whitespace(), 15);
        assert_eq!(doc.char_count(), 20);
        assert!(size("{}").is_err());
    }

    #[test]
    fn unreadable_ip_ranges_and_dates_are_errors_other_types_warnings() {
        let p = Policy::parse(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
            "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"},
            "DateLessThan": {"aws:CurrentTime": "soon"}, "NumericLessThan": {"s3:max-keys": "ten"}}}]}"#,
        )
        .unwrap();
        let found: Vec<(Code, Severity)> = p
            .validate(PolicyType::Identity)
            .iter()
            .map(|d| (d.code(), d.severity()))
            .collect();
        assert_eq!(
            found,
            [
                (Code::TypeMismatchIpRange, Severity::Error),
                (Code::TypeMismatchDate, Severity::Error),
                (Code::TypeMismatchNumber, Severity::Warning),
            ]
        );
    }

    #[test]
    fn an_invalid_character_is_located_in_its_value() {
        let p = Policy::parse(
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": [\"*\", \"arn:aws:s3:::b/\u{62a5}/*\"]}]}",
        )
        .unwrap();
        let found = p.validate(PolicyType::Identity);
        assert_eq!(found[0].code(), Code::InvalidCharacter);
        assert_eq!(found[0].location().path(), "/Statement/0/Resource/1");
    }

    #[test]
    fn policy_type_names_round_trip() {
        for &t in PolicyType::ALL {
            assert_eq!(t.as_str().parse::<PolicyType>(), Ok(t));
        }
        assert_eq!(
            "BOUNDARY".parse::<PolicyType>(),
            Ok(PolicyType::PermissionsBoundary)
        );
        assert!("bucket".parse::<PolicyType>().is_err());
    }
}
