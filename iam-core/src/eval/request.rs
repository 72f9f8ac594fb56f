//! Requests: who asks (the [`Caller`]), for which action on which resources, with which context.

use crate::arn::ArnParts;
use crate::values::{self, Instant};
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::net::IpAddr;

/// A problem with a request: an unreadable principal, action or context value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RequestError {
    field: String,
    message: String,
}

impl RequestError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        RequestError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The request field at fault (`principal`, `action`, `context.aws:SourceIp`, …).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// An unauthenticated caller (public S3 objects, for example).
    Anonymous,
    /// An AWS service principal such as `lambda.amazonaws.com`.
    Service(Box<str>),
    /// A SAML or OIDC identity provider (for `AssumeRoleWithSAML`/`WithWebIdentity`).
    Federated(Box<str>),
    /// The root user of an account.
    Root {
        /// Partition of the account.
        partition: Box<str>,
        /// The account id.
        account: Box<str>,
    },
    /// An IAM user.
    User {
        /// The user's ARN.
        arn: Box<str>,
        /// The account id.
        account: Box<str>,
        /// The user name (without path).
        name: Box<str>,
    },
    /// A session of an IAM role. Given as the role ARN (`arn:aws:iam::A:role/path/Name`, session
    /// name unknown) or as the session ARN (`arn:aws:sts::A:assumed-role/Name/session`).
    RoleSession {
        /// The session ARN if known, else the role ARN.
        arn: Box<str>,
        /// The account id.
        account: Box<str>,
        /// The role ARN (with its path when the role ARN was given).
        role_arn: Box<str>,
        /// The role name.
        role_name: Box<str>,
        /// The session name, when known.
        session: Option<Box<str>>,
    },
    /// A federated user session from `GetFederationToken`.
    FederatedUser {
        /// The session ARN.
        arn: Box<str>,
        /// The account id.
        account: Box<str>,
        /// The name given to the federation token.
        name: Box<str>,
    },
}

const WEB_IDENTITY_PROVIDERS: &[&str] = &[
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

impl Caller {
    /// Reads a principal: `anonymous`, a service principal (`lambda.amazonaws.com`), an identity
    /// provider, a 12-digit account id (its root user), or an IAM/STS ARN of a root user, user,
    /// role, role session or federated user.
    pub fn parse(text: &str) -> Result<Caller, RequestError> {
        let bad = |why: &str| RequestError::new("principal", format!("`{text}` {why}"));
        if text.eq_ignore_ascii_case("anonymous") || text == "*" {
            return Ok(Caller::Anonymous);
        }
        if WEB_IDENTITY_PROVIDERS.contains(&text) {
            return Ok(Caller::Federated(text.into()));
        }
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Caller::Root {
                partition: "aws".into(),
                account: text.into(),
            });
        }
        let Some(p) = ArnParts::parse(text) else {
            if !text.contains([':', '/', ' ']) && text.contains('.') {
                return Ok(Caller::Service(text.into()));
            }
            return Err(bad(
                "is not a principal ARN, account id, service principal or `anonymous`",
            ));
        };
        let account: Box<str> = p.account.into();
        let (kind, rest) = p.resource.split_once('/').unwrap_or((p.resource, ""));
        match (p.service, kind) {
            ("iam", "root") => Ok(Caller::Root {
                partition: p.partition.into(),
                account,
            }),
            ("iam", "user") if !rest.is_empty() => Ok(Caller::User {
                arn: text.into(),
                account,
                name: rest.rsplit('/').next().unwrap_or(rest).into(),
            }),
            ("iam", "role") if !rest.is_empty() => Ok(Caller::RoleSession {
                arn: text.into(),
                account,
                role_arn: text.into(),
                role_name: rest.rsplit('/').next().unwrap_or(rest).into(),
                session: None,
            }),
            ("iam", "saml-provider" | "oidc-provider") => Ok(Caller::Federated(text.into())),
            ("sts", "assumed-role") => {
                let (role, session) = rest
                    .split_once('/')
                    .filter(|(r, s)| !r.is_empty() && !s.is_empty())
                    .ok_or_else(|| bad("is not `assumed-role/ROLE/SESSION`"))?;
                Ok(Caller::RoleSession {
                    arn: text.into(),
                    role_arn: format!("arn:{}:iam::{}:role/{role}", p.partition, p.account).into(),
                    account,
                    role_name: role.into(),
                    session: Some(session.into()),
                })
            }
            ("sts", "federated-user") if !rest.is_empty() => Ok(Caller::FederatedUser {
                arn: text.into(),
                account,
                name: rest.into(),
            }),
            _ => Err(bad(
                "is not the ARN of a root user, user, role, role session or federated user",
            )),
        }
    }

    /// The caller's account, if it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Root { account, .. }
            | Caller::User { account, .. }
            | Caller::RoleSession { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The ARN that `aws:PrincipalArn` reports: the role ARN for a role session.
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Caller::Root { partition, account } => {
                Some(format!("arn:{partition}:iam::{account}:root"))
            }
            Caller::User { arn, .. } | Caller::FederatedUser { arn, .. } => Some(arn.to_string()),
            Caller::RoleSession { role_arn, .. } => Some(role_arn.to_string()),
            _ => None,
        }
    }

    /// The value of `aws:PrincipalType`.
    pub fn principal_type(&self) -> Option<&'static str> {
        Some(match self {
            Caller::Anonymous => "Anonymous",
            Caller::Root { .. } => "Account",
            Caller::User { .. } => "User",
            Caller::RoleSession { .. } => "AssumedRole",
            Caller::FederatedUser { .. } => "FederatedUser",
            Caller::Service(_) | Caller::Federated(_) => return None,
        })
    }

    /// Whether identity-based policies, boundaries and session policies apply (IAM users, role
    /// sessions, federated users).
    pub fn is_iam_identity(&self) -> bool {
        matches!(
            self,
            Caller::User { .. } | Caller::RoleSession { .. } | Caller::FederatedUser { .. }
        )
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caller::Anonymous => f.write_str("anonymous"),
            Caller::Service(s) | Caller::Federated(s) => f.write_str(s),
            Caller::Root { partition, account } => write!(f, "arn:{partition}:iam::{account}:root"),
            Caller::User { arn, .. }
            | Caller::RoleSession { arn, .. }
            | Caller::FederatedUser { arn, .. } => f.write_str(arn),
        }
    }
}

/// One context value with its typed readings, computed once when the request is built.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    text: Box<str>,
    number: Option<f64>,
    date: Option<Instant>,
    ip: Option<IpAddr>,
    boolean: Option<bool>,
    binary: Option<Box<[u8]>>,
}

impl Scalar {
    /// A value from its text.
    pub fn new(text: impl Into<Box<str>>) -> Scalar {
        let text = text.into();
        Scalar {
            number: values::parse_number(&text),
            date: values::parse_date(&text),
            ip: text.parse().ok(),
            boolean: values::parse_bool(&text),
            binary: values::parse_base64(&text).map(Vec::into_boxed_slice),
            text,
        }
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub(crate) fn number(&self) -> Option<f64> {
        self.number
    }
    pub(crate) fn date(&self) -> Option<Instant> {
        self.date
    }
    pub(crate) fn ip(&self) -> Option<IpAddr> {
        self.ip
    }
    pub(crate) fn boolean(&self) -> Option<bool> {
        self.boolean
    }
    pub(crate) fn binary(&self) -> Option<&[u8]> {
        self.binary.as_deref()
    }
}

/// A context value: one value, or a list for multivalued keys (`aws:TagKeys`).
#[derive(Debug, Clone, PartialEq)]
pub enum ContextValue {
    /// A single value.
    Single(Scalar),
    /// Several values.
    List(Vec<Scalar>),
}

impl ContextValue {
    /// The values as a slice (one element for a single value).
    pub fn as_slice(&self) -> &[Scalar] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::List(l) => l,
        }
    }

    /// Whether the value counts as null: an empty string or an empty list.
    pub fn is_null(&self) -> bool {
        match self {
            ContextValue::Single(s) => s.text.is_empty(),
            ContextValue::List(l) => l.is_empty(),
        }
    }
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::Single(Scalar::new(s))
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::Single(Scalar::new(s))
    }
}

impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        ContextValue::Single(Scalar::new(if b { "true" } else { "false" }))
    }
}

impl From<i64> for ContextValue {
    fn from(n: i64) -> Self {
        ContextValue::Single(Scalar::new(n.to_string()))
    }
}

impl<S: AsRef<str>> From<Vec<S>> for ContextValue {
    fn from(v: Vec<S>) -> Self {
        ContextValue::List(v.iter().map(|s| Scalar::new(s.as_ref())).collect())
    }
}

/// The request context: context keys (case-insensitive) to values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    map: HashMap<Box<str>, (Box<str>, ContextValue)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (replacing any value under the same key in any letter case).
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        self.map.insert(
            key.to_ascii_lowercase().into_boxed_str(),
            (key.into(), value.into()),
        );
    }

    /// Sets a key unless it is already present.
    pub(crate) fn insert_default(&mut self, key: &str, value: impl Into<ContextValue>) {
        let lower = key.to_ascii_lowercase();
        if !self.map.contains_key(lower.as_str()) {
            self.map
                .insert(lower.into_boxed_str(), (key.into(), value.into()));
        }
    }

    /// Looks up a key in any letter case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            return self
                .map
                .get(key.to_ascii_lowercase().as_str())
                .map(|(_, v)| v);
        }
        self.get_lower(key)
    }

    /// Looks up a key that is already lower-case (no allocation).
    pub(crate) fn get_lower(&self, key: &str) -> Option<&ContextValue> {
        self.map.get(key).map(|(_, v)| v)
    }

    /// Every `(key as written, value)`, sorted by key.
    pub fn entries(&self) -> Vec<(&str, &ContextValue)> {
        let mut v: Vec<_> = self.map.values().map(|(k, v)| (&**k, v)).collect();
        v.sort_by_key(|(k, _)| k.to_ascii_lowercase());
        v
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A request to evaluate: a caller, an action, one or more resources, and a context.
#[derive(Debug, Clone)]
pub struct Request {
    caller: Caller,
    action: Box<str>,
    action_lower: Box<str>,
    /// Where the `:` is in `action_lower`.
    colon: usize,
    resources: Vec<Box<str>>,
    context: Context,
    resource_account: Option<Box<str>>,
    principal_account: Option<Box<str>>,
    wildcard_only_action: bool,
}

impl Request {
    /// A request by `principal` (see [`Caller::parse`]) for `action` (`service:Action`). Without
    /// resources it is evaluated against `*`, the resource of actions that have no resource-level
    /// permissions.
    pub fn new(principal: &str, action: &str) -> Result<Request, RequestError> {
        let caller = Caller::parse(principal)?;
        Self::with_caller(caller, action)
    }

    /// A request by an already parsed caller.
    pub fn with_caller(caller: Caller, action: &str) -> Result<Request, RequestError> {
        let valid = action.split_once(':').is_some_and(|(s, a)| {
            !s.is_empty() && !a.is_empty() && !a.contains(':') && !action.contains(['*', '?'])
        });
        if !valid {
            return Err(RequestError::new(
                "action",
                format!(
                    "`{action}` is not an action of the form `service:Action` without wildcards"
                ),
            ));
        }
        let mut context = Context::new();
        derive_context(&caller, &mut context);
        Ok(Request {
            caller,
            colon: action.find(':').unwrap_or(0),
            action_lower: action.to_ascii_lowercase().into_boxed_str(),
            action: action.into(),
            resources: Vec::new(),
            context,
            resource_account: None,
            principal_account: None,
            wildcard_only_action: false,
        })
    }

    /// Adds a resource (an ARN, or `*`).
    pub fn resource(mut self, resource: &str) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// Sets a context value; keys are case-insensitive. Values given here override those the
    /// engine derives from the caller (`aws:PrincipalArn`, `aws:username`, …).
    pub fn context(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.context.insert(key, value);
        self
    }

    /// Overrides the resource's account (otherwise read from the resource ARN; S3 ARNs have none,
    /// and are then taken to be in the caller's account).
    pub fn resource_account(mut self, account: &str) -> Self {
        self.resource_account = Some(account.into());
        self
    }

    /// Overrides the caller's account (otherwise read from the principal ARN). Also sets
    /// `aws:PrincipalAccount` unless the context gives it.
    pub fn principal_account(mut self, account: &str) -> Self {
        self.principal_account = Some(account.into());
        self.context.insert("aws:PrincipalAccount", account);
        self
    }

    /// The caller's account: the override, or the one in the principal ARN.
    pub fn caller_account(&self) -> Option<&str> {
        self.principal_account
            .as_deref()
            .or_else(|| self.caller.account())
    }

    /// Marks the action as one AWS authorises only against `Resource: "*"` (no resource-level
    /// permissions). The request is then evaluated against `*` whatever resources it names.
    pub fn wildcard_only_action(mut self, yes: bool) -> Self {
        self.wildcard_only_action = yes;
        self
    }

    /// A copy of this request for one of its resources.
    pub(crate) fn only_resource(&self, resource: &str) -> Request {
        let mut r = self.clone();
        r.resources = vec![resource.into()];
        r
    }

    /// Sets `aws:CurrentTime` and `aws:EpochTime` to the given instant (epoch seconds) unless the
    /// context already has them. AWS always supplies both; the library does not read the clock
    /// itself (WebAssembly has none), so callers that want "now" pass it here.
    pub fn current_time(mut self, epoch_seconds: i64) -> Self {
        derive_time(&mut self.context, epoch_seconds);
        self
    }

    /// Sets the wildcard-only flag from a catalog of actions, when the catalog knows the action.
    /// See [`ActionCatalog`](super::ActionCatalog).
    pub fn classify_with(mut self, catalog: &dyn super::ActionCatalog) -> Self {
        if let Some(yes) = catalog.is_wildcard_only(&self.action) {
            self.wildcard_only_action = yes;
        }
        self
    }

    /// The caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The action as given.
    pub fn action(&self) -> &str {
        &self.action
    }

    pub(crate) fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The service prefix of the action, lower-cased.
    pub(crate) fn service_lower(&self) -> &str {
        self.action_lower.get(..self.colon).unwrap_or("")
    }

    /// The action name after the service prefix, lower-cased.
    pub(crate) fn name_lower(&self) -> &str {
        self.action_lower.get(self.colon + 1..).unwrap_or("")
    }

    /// The resources evaluated. Empty means the request is evaluated against `*`: no resource was
    /// given, or the action is wildcard-only.
    pub fn resources(&self) -> &[Box<str>] {
        if self.wildcard_only_action {
            return &[];
        }
        &self.resources
    }

    /// Whether the action is authorised against `*` only.
    pub fn is_wildcard_only(&self) -> bool {
        self.wildcard_only_action
    }

    /// The context.
    pub fn context_values(&self) -> &Context {
        &self.context
    }

    pub(crate) fn ctx(&self) -> &Context {
        &self.context
    }

    /// The account of `resource`: the override, else the ARN's account field, else the caller's.
    pub(crate) fn resource_account_of<'a>(
        &'a self,
        parts: Option<&ArnParts<'a>>,
    ) -> Option<&'a str> {
        if let Some(a) = &self.resource_account {
            return Some(a);
        }
        match parts {
            Some(p) if !p.account.is_empty() => Some(p.account),
            _ => self.caller_account(),
        }
    }
}

/// Fills the context keys AWS derives from the caller, unless the request sets them.
fn derive_context(caller: &Caller, ctx: &mut Context) {
    if let Some(arn) = caller.principal_arn() {
        ctx.insert_default("aws:PrincipalArn", arn);
    }
    if let Some(account) = caller.account() {
        ctx.insert_default("aws:PrincipalAccount", account);
    }
    if let Some(t) = caller.principal_type() {
        ctx.insert_default("aws:PrincipalType", t);
    }
    match caller {
        Caller::User { name, .. } => ctx.insert_default("aws:username", &**name),
        Caller::Root { account, .. } => ctx.insert_default("aws:userid", &**account),
        Caller::Anonymous => ctx.insert_default("aws:userid", "anonymous"),
        Caller::FederatedUser { account, name, .. } => {
            ctx.insert_default("aws:userid", format!("{account}:{name}"))
        }
        _ => {}
    }
    match caller {
        Caller::Service(name) => {
            ctx.insert_default("aws:PrincipalIsAWSService", true);
            ctx.insert_default("aws:PrincipalServiceName", &**name);
        }
        Caller::Anonymous | Caller::Federated(_) => {}
        _ => ctx.insert_default("aws:PrincipalIsAWSService", false),
    }
}

/// Fills `aws:CurrentTime` and `aws:EpochTime` from the clock unless the request sets them.
fn derive_time(ctx: &mut Context, now_epoch_seconds: i64) {
    let has_current = ctx.get_lower("aws:currenttime").is_some();
    let has_epoch = ctx.get_lower("aws:epochtime").is_some();
    if !has_current {
        ctx.insert("aws:CurrentTime", format_iso(now_epoch_seconds));
    }
    if !has_epoch {
        ctx.insert("aws:EpochTime", now_epoch_seconds.to_string());
    }
}

/// Formats epoch seconds as `YYYY-MM-DDThh:mm:ssZ`.
fn format_iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers() {
        assert_eq!(Caller::parse("anonymous").unwrap(), Caller::Anonymous);
        assert_eq!(
            Caller::parse("lambda.amazonaws.com").unwrap(),
            Caller::Service("lambda.amazonaws.com".into())
        );
        assert!(matches!(
            Caller::parse("cognito-identity.amazonaws.com").unwrap(),
            Caller::Federated(_)
        ));
        let s = Caller::parse("arn:aws:sts::111122223333:assumed-role/Dev/alice").unwrap();
        assert_eq!(
            s.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/Dev"
        );
        assert_eq!(s.account(), Some("111122223333"));
        let r = Caller::parse("arn:aws:iam::111122223333:role/team/Dev").unwrap();
        assert!(matches!(&r, Caller::RoleSession { role_name, .. } if &**role_name == "Dev"));
        assert!(matches!(
            Caller::parse("111122223333").unwrap(),
            Caller::Root { .. }
        ));
        assert!(Caller::parse("arn:aws:s3:::bucket").is_err());
        assert!(Caller::parse("bob").is_err());
        assert!(Caller::parse("arn:aws:sts::1:assumed-role/OnlyRole").is_err());
    }

    #[test]
    fn derived_context_and_overrides() {
        let r = Request::new("arn:aws:iam::111122223333:user/ops/alice", "s3:GetObject")
            .unwrap()
            .context("AWS:UserName", "override");
        assert_eq!(
            r.ctx().get("aws:username").unwrap().as_slice()[0].as_str(),
            "override"
        );
        assert_eq!(
            r.ctx().get("aws:principalarn").unwrap().as_slice()[0].as_str(),
            "arn:aws:iam::111122223333:user/ops/alice"
        );
        assert_eq!(
            r.ctx().get("aws:PrincipalType").unwrap().as_slice()[0].as_str(),
            "User"
        );
        assert!(Request::new("anonymous", "s3:*").is_err());
        assert!(Request::new("anonymous", "GetObject").is_err());
    }

    #[test]
    fn a_catalog_sets_the_wildcard_only_flag() {
        struct Catalog;
        impl crate::eval::ActionCatalog for Catalog {
            fn is_wildcard_only(&self, action: &str) -> Option<bool> {
                match action.to_ascii_lowercase().as_str() {
                    "s3:listallmybuckets" => Some(true),
                    "s3:getobject" => Some(false),
                    _ => None,
                }
            }
        }
        let r = Request::new("anonymous", "s3:ListAllMyBuckets")
            .unwrap()
            .resource("arn:aws:s3:::b");
        assert!(r.clone().classify_with(&Catalog).is_wildcard_only());
        assert!(r.classify_with(&Catalog).resources().is_empty());
        let r = Request::new("anonymous", "ec2:RunInstances")
            .unwrap()
            .wildcard_only_action(true);
        assert!(
            r.classify_with(&Catalog).is_wildcard_only(),
            "unknown actions keep the flag"
        );
    }

    #[test]
    fn iso_formatting() {
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso(1_893_456_000), "2030-01-01T00:00:00Z");
        assert_eq!(format_iso(1_709_164_800 + 3661), "2024-02-29T01:01:01Z");
    }
}
