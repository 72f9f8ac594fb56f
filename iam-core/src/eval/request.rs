//! Requests: who asks (the [`Caller`]), for which action on which resources, with which context.

use crate::arn::ArnParts;
use crate::values::{self, Instant};
use rustc_hash::FxHashMap as HashMap;
use smol_str::SmolStr;
use std::fmt;
use std::net::IpAddr;
use std::sync::OnceLock;

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

/// Whether two texts are the same, for what a refill compares: word by word in WebAssembly,
/// where `==` is a loop over single bytes (see `bytes`, whose tests pin it to `==`); natively
/// `==`, whose library call is faster there.
fn same(a: &str, b: &str) -> bool {
    if cfg!(target_arch = "wasm32") {
        super::bytes::same(a.as_bytes(), b.as_bytes())
    } else {
        a == b
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

/// One context value with its typed reading. The reading (number, date, IP address, boolean or
/// bytes) is computed the first time a condition asks for it and kept: building a request costs
/// no parsing, and a request decided many times parses each value once. One reading is kept per
/// value, the first one asked for; a value that conditions read as two types (which policies
/// almost never do) parses the second each time. That keeps a value at 64 bytes instead of the
/// 136 that a slot per type took, which is copied less when a request is built.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// Text of up to 23 bytes (most context values: IP addresses, booleans, numbers, dates, tag
    /// values) is kept inline, so a value costs no allocation of its own.
    text: SmolStr,
    reading: OnceLock<Reading>,
}

/// The typed reading a [`Scalar`] keeps; `None` inside means the text is not of that type.
#[derive(Debug, Clone)]
enum Reading {
    Number(Option<f64>),
    Date(Option<Instant>),
    Ip(Option<IpAddr>),
    Boolean(Option<bool>),
    Binary(Option<Box<[u8]>>),
}

/// Values are equal when their texts are: the readings are computed from the text.
impl PartialEq for Scalar {
    fn eq(&self, other: &Scalar) -> bool {
        self.text == other.text
    }
}

impl Scalar {
    /// A value from its text.
    pub fn new(text: impl AsRef<str>) -> Scalar {
        Scalar {
            text: SmolStr::new(text),
            reading: OnceLock::new(),
        }
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub(crate) fn number(&self) -> Option<f64> {
        let parse = || values::parse_number(&self.text);
        match self.reading.get_or_init(|| Reading::Number(parse())) {
            Reading::Number(n) => *n,
            _ => parse(),
        }
    }
    pub(crate) fn date(&self) -> Option<Instant> {
        let parse = || values::parse_date(&self.text);
        match self.reading.get_or_init(|| Reading::Date(parse())) {
            Reading::Date(d) => *d,
            _ => parse(),
        }
    }
    pub(crate) fn ip(&self) -> Option<IpAddr> {
        let parse = || self.text.parse().ok();
        match self.reading.get_or_init(|| Reading::Ip(parse())) {
            Reading::Ip(ip) => *ip,
            _ => parse(),
        }
    }
    pub(crate) fn boolean(&self) -> Option<bool> {
        let parse = || values::parse_bool(&self.text);
        match self.reading.get_or_init(|| Reading::Boolean(parse())) {
            Reading::Boolean(b) => *b,
            _ => parse(),
        }
    }
    pub(crate) fn binary(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        let parse = || values::parse_base64(&self.text);
        match self
            .reading
            .get_or_init(|| Reading::Binary(parse().map(Vec::into_boxed_slice)))
        {
            Reading::Binary(b) => b.as_deref().map(std::borrow::Cow::Borrowed),
            _ => parse().map(std::borrow::Cow::Owned),
        }
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
///
/// Requests usually carry a handful of keys, so they are kept in a list in insertion order and
/// found by a case-insensitive scan: no hashing. Past [`Context::INDEXED_FROM`] keys a hash index
/// (by lower-cased key) keeps lookups constant-time, so a request with thousands of keys stays
/// linear to build and to evaluate.
#[derive(Debug, Default)]
pub struct Context {
    /// Every key's text, one after another: the key as written, then its lower-cased copy (ASCII
    /// lower-casing keeps the length). One buffer for all keys, so a key costs no allocation of
    /// its own, and a lookup compares bytes with the lower-cased copy.
    keys: String,
    /// `(where the key is in keys, value)`, in insertion order.
    entries: Vec<(KeySpan, ContextValue)>,
    index: Option<HashMap<Box<str>, usize>>,
    /// How much of `keys` the entries use. After [`clear`](Self::clear) the text stays, and a
    /// key that comes where it was before takes its text back (no copy, no lower-casing).
    used: usize,
    /// The entries before the last `clear`, in insertion order (their values are taken back
    /// by [`insert_text`](Self::insert_text) when the same again).
    previous: Vec<(KeySpan, ContextValue)>,
}

/// Where one key is in [`Context::keys`]: `len` bytes as written from `start`, then `len` bytes
/// lower-cased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeySpan {
    start: usize,
    len: usize,
}

impl KeySpan {
    fn written(self, keys: &str) -> &str {
        keys.get(self.start..self.start + self.len).unwrap_or("")
    }
    fn lower(self, keys: &str) -> &str {
        keys.get(self.start + self.len..self.start + 2 * self.len)
            .unwrap_or("")
    }
    /// The lower-cased key's bytes (no check of character boundaries, which comparing bytes
    /// does not need and a lookup would otherwise pay for every key).
    fn lower_bytes(self, keys: &str) -> &[u8] {
        keys.as_bytes()
            .get(self.start + self.len..self.start + 2 * self.len)
            .unwrap_or(&[])
    }
    /// Whether the key is `key` ignoring ASCII case: lengths first, then bytes.
    fn is_any_case(self, keys: &str, key: &str) -> bool {
        self.len == key.len() && self.lower_bytes(keys).eq_ignore_ascii_case(key.as_bytes())
    }
    /// Whether the lower-cased key is `lower`: lengths first, then bytes.
    fn is_lower(self, keys: &str, lower: &str) -> bool {
        self.len == lower.len() && super::bytes::same(self.lower_bytes(keys), lower.as_bytes())
    }
}

/// The action as written and lower-cased, in one allocation: `written ++ lower`. ASCII
/// lower-casing keeps the length, so each half is valid UTF-8 and the split is at `len / 2`.
#[derive(Debug, Clone)]
struct KeyText(String);

impl KeyText {
    fn new(key: &str) -> KeyText {
        let mut text = KeyText(String::with_capacity(key.len() * 2));
        text.set(key);
        text
    }
    /// Makes this the text of `key`, in the memory it has when that is enough.
    fn set(&mut self, key: &str) {
        let text = &mut self.0;
        text.clear();
        text.push_str(key);
        text.push_str(key);
        if let Some(lower) = text.get_mut(key.len()..) {
            lower.make_ascii_lowercase();
        }
    }
    fn written(&self) -> &str {
        self.0.get(..self.0.len() / 2).unwrap_or("")
    }
    fn lower(&self) -> &str {
        self.0.get(self.0.len() / 2..).unwrap_or("")
    }
}

/// A copy of the keys in use: not the text and entries kept from before a `clear`.
impl Clone for Context {
    fn clone(&self) -> Context {
        Context {
            keys: self.keys.get(..self.used).unwrap_or(&self.keys).to_string(),
            entries: self.entries.clone(),
            index: self.index.clone(),
            used: self.used,
            previous: Vec::new(),
        }
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k.written(&self.keys)).is_some_and(|o| o == v))
    }
}

impl Context {
    /// The number of keys from which lookups go through a hash index.
    pub const INDEXED_FROM: usize = 16;

    /// Bytes the key buffer starts with: room for a typical request's keys, so that building
    /// one allocates the buffer once. Under 248 so that WebAssembly's allocator (dlmalloc)
    /// serves it from its small bins, which are faster than its tree of large chunks.
    const KEY_BYTES: usize = 240;

    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (replacing any value under the same key in any letter case). Answers whether
    /// it replaced one: the readers refuse a request that gives one key twice (`app:Team` and
    /// `app:team`), which AWS, whose keys are case-insensitive, cannot receive.
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) -> bool {
        let value = value.into();
        self.insert_with(key, |_| value)
    }

    /// Sets a key to one text value. After a [`clear`](Self::clear), a key that comes back in
    /// the same place with the same text keeps its value, and so the value's typed reading
    /// (an IP address, a date, …: no parsing again).
    pub(crate) fn insert_text(&mut self, key: &str, text: &str) -> bool {
        self.insert_with(key, |before| match before {
            Some(v) if matches!(&*v, ContextValue::Single(s) if same(s.as_str(), text)) => {
                std::mem::replace(v, ContextValue::List(Vec::new()))
            }
            _ => ContextValue::Single(Scalar::new(text)),
        })
    }

    /// Sets a key to the value `value` makes, which is handed the value the key had in the
    /// same place before the last `clear` when the key is the same. Answers whether the key was
    /// set already.
    fn insert_with(
        &mut self,
        key: &str,
        value: impl FnOnce(Option<&mut ContextValue>) -> ContextValue,
    ) -> bool {
        if let Some(i) = self.position(key) {
            if let Some((span, v)) = self.entries.get_mut(i) {
                // The same key in another letter case: the same length (ASCII case only), so the
                // new spelling overwrites the old in place.
                if span.len == key.len() && self.keys.is_char_boundary(span.start + span.len) {
                    self.keys
                        .replace_range(span.start..span.start + span.len, key);
                }
                *v = value(None);
            }
            return true;
        }
        let start = self.used;
        let span = KeySpan {
            start,
            len: key.len(),
        };
        // The same key in the same place as before the last `clear`: its text is still there
        // (nothing from `used` on was written since, or the buffer was cut at `used`).
        let keys = &self.keys;
        let before = self
            .previous
            .get_mut(self.entries.len())
            .filter(|(k, _)| {
                *k == span && same(span.written(keys), key) && start + 2 * key.len() <= keys.len()
            })
            .map(|(_, v)| v);
        let kept = before.is_some();
        let value = value(before);
        if !kept {
            if self.keys.capacity() == 0 {
                self.keys.reserve(Self::KEY_BYTES.max(2 * key.len()));
            }
            self.keys.truncate(start);
            self.keys.push_str(key);
            self.keys.push_str(key);
            if let Some(lower) = self.keys.get_mut(start + key.len()..) {
                lower.make_ascii_lowercase();
            }
        }
        self.used = start + 2 * key.len();
        self.entries.push((span, value));
        let n = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(span.lower(&self.keys).into(), n - 1);
        } else if n > Self::INDEXED_FROM {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.lower(&self.keys).into(), i))
                    .collect(),
            );
        }
        false
    }

    /// Where `key` (any letter case) is in `entries`.
    fn position(&self, key: &str) -> Option<usize> {
        // Only the hash index needs a lower-cased key; the scan compares without case.
        match &self.index {
            Some(_) if key.bytes().any(|b| b.is_ascii_uppercase()) => {
                self.position_lower(&key.to_ascii_lowercase())
            }
            Some(_) => self.position_lower(key),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.is_any_case(&self.keys, key)),
        }
    }

    /// Where a key that is already lower-case is in `entries` (no allocation).
    fn position_lower(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.is_lower(&self.keys, key)),
        }
    }

    /// Removes every key, keeping the memory for the next, and the keys' text for the next
    /// keys that are the same in the same order (see `used`).
    pub(crate) fn clear(&mut self) {
        std::mem::swap(&mut self.entries, &mut self.previous);
        self.entries.clear();
        self.index = None;
        self.used = 0;
    }

    /// Looks up a key in any letter case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        let i = self.position(key)?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Looks up a key that is already lower-case (no allocation).
    pub(crate) fn get_lower(&self, key: &str) -> Option<&ContextValue> {
        let i = self.position_lower(key)?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Every `(key as written, value)`, sorted by key.
    pub fn entries(&self) -> Vec<(&str, &ContextValue)> {
        let mut v: Vec<_> = self
            .entries
            .iter()
            .map(|(k, v)| (k.written(&self.keys), v))
            .collect();
        v.sort_by_key(|(k, _)| k.to_ascii_lowercase());
        v
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A request to evaluate: a caller, an action, one or more resources, and a context.
#[derive(Debug)]
pub struct Request {
    caller: Caller,
    /// The action as given and lower-cased, in one allocation.
    action: KeyText,
    /// Where the `:` is in `action_lower`.
    colon: usize,
    /// The action's global id in the embedded catalog, when the request was built with a lookup
    /// there ([`for_principal`](Self::for_principal)): the key of the policies' per-action index.
    catalog_id: Option<u32>,
    resources: Vec<Box<str>>,
    /// Where the first resource's ARN is cut, found once when it is added (most requests name
    /// one resource).
    first_arn: Option<crate::arn::ArnCuts>,
    context: Context,
    resource_account: Option<Box<str>>,
    principal_account: Option<Box<str>>,
    wildcard_only_action: bool,
    /// For a federated-user session, the ARN of the IAM user who called `GetFederationToken`.
    federating_user: Option<Box<str>>,
    /// The clock for `aws:CurrentTime` and `aws:EpochTime`, when given.
    now: Option<i64>,
    /// The principal text `caller` was read from, when [`refill`](Self::refill) made the request
    /// (empty otherwise): a refill for the same principal keeps the caller.
    caller_text: String,
    /// The catalog's wildcard-only flag for the action, beside `catalog_id`: a refill for the
    /// same action restores it without a lookup.
    catalog_wildcard: bool,
    /// The resources before the last refill, taken back by [`add_resource`](Self::add_resource)
    /// when the same text comes in the same place (no allocation).
    spare: Vec<Box<str>>,
    /// The context keys AWS derives from the caller and the clock, computed on first use (the
    /// cells live on the heap, allocated by the first lookup of a derived key, so that building
    /// and moving a request stays cheap).
    derived: OnceLock<Box<Derived>>,
}

/// The values of the derived context keys, each computed the first time a policy reads it (most
/// requests never read most of them, so building a request costs no work for them).
#[derive(Debug, Clone, Default)]
struct Derived {
    principal_arn: OnceLock<Option<ContextValue>>,
    principal_account: OnceLock<Option<ContextValue>>,
    principal_type: OnceLock<Option<ContextValue>>,
    username: OnceLock<Option<ContextValue>>,
    userid: OnceLock<Option<ContextValue>>,
    is_service: OnceLock<Option<ContextValue>>,
    service_name: OnceLock<Option<ContextValue>>,
    current_time: OnceLock<Option<ContextValue>>,
    epoch_time: OnceLock<Option<ContextValue>>,
}

/// The context keys derived from the caller and the clock (lower-cased), in the order
/// [`Request::context_entries`] lists them.
const DERIVED_KEYS: [&str; 9] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:userid",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:CurrentTime",
    "aws:EpochTime",
];

/// A copy without the spare resources of a refill (memory kept for the next refill, which a copy
/// does not need).
impl Clone for Request {
    fn clone(&self) -> Request {
        Request {
            caller: self.caller.clone(),
            action: self.action.clone(),
            colon: self.colon,
            catalog_id: self.catalog_id,
            resources: self.resources.clone(),
            first_arn: self.first_arn,
            context: self.context.clone(),
            resource_account: self.resource_account.clone(),
            principal_account: self.principal_account.clone(),
            wildcard_only_action: self.wildcard_only_action,
            federating_user: self.federating_user.clone(),
            now: self.now,
            derived: self.derived.clone(),
            caller_text: self.caller_text.clone(),
            catalog_wildcard: self.catalog_wildcard,
            spare: Vec::new(),
        }
    }
}

/// Where the `:` of an action is, if the action is `service:Action` without wildcards.
fn action_colon(action: &str) -> Result<usize, RequestError> {
    let colon = action.bytes().position(|b| b == b':');
    match colon {
        Some(i)
            if i > 0
                && i + 1 < action.len()
                && !action.bytes().skip(i + 1).any(|b| b == b':')
                && !action.bytes().any(|b| b == b'*' || b == b'?') =>
        {
            Ok(i)
        }
        _ => Err(RequestError::new(
            "action",
            format!("`{action}` is not an action of the form `service:Action` without wildcards"),
        )),
    }
}

impl Request {
    /// A request by `principal` (see [`Caller::parse`]) for `action` (`service:Action`). Without
    /// resources it is evaluated against `*`, the resource of actions that have no resource-level
    /// permissions.
    pub fn new(principal: &str, action: &str) -> Result<Request, RequestError> {
        let caller = Caller::parse(principal)?;
        Self::with_caller(caller, action)
    }

    /// A request as simulation files and the bindings read one: `principal` (see
    /// [`Caller::parse`]; none means `anonymous`) asks for `action`, and the embedded action
    /// catalog says whether the action has resource-level permissions (see
    /// [`classify_with`](Self::classify_with)). The error's [`field`](RequestError::field) is
    /// `principal` or `action`.
    pub fn for_principal(principal: Option<&str>, action: &str) -> Result<Request, RequestError> {
        let caller = Caller::parse(principal.unwrap_or("anonymous"))?;
        let mut r = Self::with_caller(caller, action)?;
        // What `classify_with(catalog())` does, looked up by the lower-cased action the request
        // already holds (no second lower-casing, no dynamic call); the action's catalog id comes
        // with it.
        r.classify();
        Ok(r)
    }

    /// Looks the action up in the embedded catalog: its id and wildcard-only flag.
    fn classify(&mut self) {
        if let Some((id, yes)) =
            crate::catalog::catalog().action_lower(self.service_lower(), self.name_lower())
        {
            self.wildcard_only_action = yes;
            self.catalog_wildcard = yes;
            self.catalog_id = Some(id);
        }
    }

    /// Makes this request the one [`for_principal`](Self::for_principal) builds, keeping what it
    /// can: the memory of its context and resources, the caller when the principal text is the
    /// one the previous refill read (a request built otherwise parses it on its first refill),
    /// the action and its catalog entry when the action text is the same.
    /// For readers that build one request after another (the bindings): a refilled request
    /// decides exactly as a new one. On error the request is left as it was.
    pub fn refill(&mut self, principal: Option<&str>, action: &str) -> Result<(), RequestError> {
        let text = principal.unwrap_or("anonymous");
        let caller = if self.caller_text.is_empty() || !same(&self.caller_text, text) {
            Some(Caller::parse(text)?)
        } else {
            None
        };
        let same_action = self.catalog_id.is_some() && same(self.action.written(), action);
        let colon = if same_action {
            self.colon
        } else {
            action_colon(action)?
        };
        if let Some(caller) = caller {
            self.caller = caller;
            self.caller_text.clear();
            self.caller_text.push_str(text);
        }
        if same_action {
            self.wildcard_only_action = self.catalog_wildcard;
        } else {
            self.action.set(action);
            self.colon = colon;
            self.catalog_id = None;
            self.wildcard_only_action = false;
            self.catalog_wildcard = false;
            self.classify();
        }
        // Resources left over from the refill before are dropped; this one's are kept for the
        // next to take back.
        std::mem::swap(&mut self.resources, &mut self.spare);
        self.resources.clear();
        self.first_arn = None;
        self.context.clear();
        self.resource_account = None;
        self.principal_account = None;
        self.federating_user = None;
        self.now = None;
        self.reset_derived();
        Ok(())
    }

    /// Forgets the derived values (they depend on the caller, its account and the clock),
    /// emptying their cells in place: the box is kept for the next.
    fn reset_derived(&mut self) {
        if let Some(d) = self.derived.get_mut() {
            **d = Derived::default();
        }
    }

    /// A request by an already parsed caller.
    pub fn with_caller(caller: Caller, action: &str) -> Result<Request, RequestError> {
        let colon = action_colon(action)?;
        Ok(Request {
            caller,
            colon,
            catalog_id: None,
            action: KeyText::new(action),
            resources: Vec::new(),
            first_arn: None,
            context: Context::new(),
            resource_account: None,
            principal_account: None,
            wildcard_only_action: false,
            federating_user: None,
            now: None,
            derived: OnceLock::new(),
            caller_text: String::new(),
            catalog_wildcard: false,
            spare: Vec::new(),
        })
    }

    /// Adds a resource (an ARN, or `*`).
    pub fn resource(mut self, resource: &str) -> Self {
        self.add_resource(resource);
        self
    }

    /// Adds a resource in place: [`resource`](Self::resource) for readers that build a request
    /// step by step (no move of the whole request per step).
    pub fn add_resource(&mut self, resource: &str) {
        let i = self.resources.len();
        if i == 0 {
            self.first_arn = crate::arn::ArnCuts::of(resource);
        }
        // The same resource in the same place before a refill: its text is taken back.
        let text = match self.spare.get_mut(i) {
            Some(kept) if same(kept, resource) => std::mem::take(kept),
            _ => resource.into(),
        };
        self.resources.push(text);
    }

    /// Where resource `index` of [`resources`](Self::resources), whose text is `text`, is cut
    /// into ARN fields (`None`: not an ARN).
    pub(crate) fn resource_cuts(&self, index: usize, text: &str) -> Option<crate::arn::ArnCuts> {
        match self.first_arn {
            Some(cuts) if index == 0 => Some(cuts),
            _ => crate::arn::ArnCuts::of(text),
        }
    }

    /// Sets a context value; keys are case-insensitive. Values given here override those the
    /// engine derives from the caller (`aws:PrincipalArn`, `aws:username`, …).
    pub fn context(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.set_context(key, value);
        self
    }

    /// Sets a context value in place: [`context`](Self::context) for readers that build a
    /// request step by step.
    /// Answers whether the key was set already, in any letter case (see [`Context::insert`]).
    pub fn set_context(&mut self, key: &str, value: impl Into<ContextValue>) -> bool {
        self.context.insert(key, value)
    }

    /// Sets a context key to one text value in place. On a [`refill`](Self::refill)ed request, a
    /// key that comes back in the same place with the same text keeps its value's typed reading
    /// (no parsing again); otherwise it is [`set_context`](Self::set_context).
    pub fn set_context_text(&mut self, key: &str, text: &str) -> bool {
        self.context.insert_text(key, text)
    }

    /// Overrides the resource's account (otherwise read from the resource ARN; S3 ARNs have none,
    /// and are then taken to be in the caller's account).
    pub fn resource_account(mut self, account: &str) -> Self {
        self.set_resource_account(account);
        self
    }

    /// [`resource_account`](Self::resource_account) in place.
    pub fn set_resource_account(&mut self, account: &str) {
        self.resource_account = Some(account.into());
    }

    /// Overrides the caller's account (otherwise read from the principal ARN). Also sets
    /// `aws:PrincipalAccount` unless the context gives it.
    pub fn principal_account(mut self, account: &str) -> Self {
        self.set_principal_account(account);
        self
    }

    /// [`principal_account`](Self::principal_account) in place.
    pub fn set_principal_account(&mut self, account: &str) {
        self.principal_account = Some(account.into());
        self.reset_derived();
    }

    /// For a federated-user session (`arn:aws:sts::A:federated-user/name`), the ARN of the IAM user
    /// who called `GetFederationToken`: a resource-based policy that names that user also grants
    /// to the session, limited by the session policy and permissions boundary as a role ARN grant
    /// is for a role session. The session ARN does not say who the user was, so the request must.
    /// Ignored for other callers.
    pub fn federating_user(mut self, user_arn: &str) -> Self {
        self.set_federating_user(user_arn);
        self
    }

    /// [`federating_user`](Self::federating_user) in place.
    pub fn set_federating_user(&mut self, user_arn: &str) {
        self.federating_user = Some(user_arn.into());
    }

    /// The IAM user behind a federated-user session, when the request names one.
    pub fn federating_user_arn(&self) -> Option<&str> {
        match self.caller {
            Caller::FederatedUser { .. } => self.federating_user.as_deref(),
            _ => None,
        }
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
        self.set_wildcard_only_action(yes);
        self
    }

    /// [`wildcard_only_action`](Self::wildcard_only_action) in place.
    pub fn set_wildcard_only_action(&mut self, yes: bool) {
        self.wildcard_only_action = yes;
    }

    /// A copy of this request for one of its resources.
    pub(crate) fn only_resource(&self, resource: &str) -> Request {
        let mut r = self.clone();
        r.resources = vec![resource.into()];
        r.first_arn = crate::arn::ArnCuts::of(resource);
        r
    }

    /// Sets `aws:CurrentTime` and `aws:EpochTime` to the given instant (epoch seconds) unless the
    /// context already has them. AWS always supplies both; the library does not read the clock
    /// itself (WebAssembly has none), so callers that want "now" pass it here.
    pub fn current_time(mut self, epoch_seconds: i64) -> Self {
        self.set_current_time(epoch_seconds);
        self
    }

    /// [`current_time`](Self::current_time) in place, for readers that build a request step by
    /// step (no move of the whole request).
    pub fn set_current_time(&mut self, epoch_seconds: i64) {
        self.now = Some(epoch_seconds);
        self.reset_derived();
    }

    /// Sets the wildcard-only flag from a catalog of actions, when the catalog knows the action.
    /// See [`ActionCatalog`](super::ActionCatalog).
    pub fn classify_with(mut self, catalog: &dyn super::ActionCatalog) -> Self {
        if let Some(yes) = catalog.is_wildcard_only(self.action.written()) {
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
        self.action.written()
    }

    pub(crate) fn action_lower(&self) -> &str {
        self.action.lower()
    }

    /// The service prefix of the action, lower-cased.
    pub(crate) fn service_lower(&self) -> &str {
        self.action.lower().get(..self.colon).unwrap_or("")
    }

    /// The action name after the service prefix, lower-cased.
    pub(crate) fn name_lower(&self) -> &str {
        self.action.lower().get(self.colon + 1..).unwrap_or("")
    }

    /// The action's global id in the embedded catalog, if the request was built with a lookup
    /// there.
    pub(crate) fn catalog_id(&self) -> Option<u32> {
        self.catalog_id
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

    /// The context values given explicitly (not those derived from the caller and the clock;
    /// see [`context_value`](Self::context_value) and [`context_entries`](Self::context_entries)).
    pub fn context_values(&self) -> &Context {
        &self.context
    }

    /// The value of a context key (any letter case) as the engine sees it: the value given, or
    /// the one AWS derives from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:PrincipalType`, `aws:username`, `aws:userid`, `aws:PrincipalIsAWSService`,
    /// `aws:PrincipalServiceName`) or from [`current_time`](Self::current_time)
    /// (`aws:CurrentTime`, `aws:EpochTime`).
    pub fn context_value(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.context_lower(&key.to_ascii_lowercase());
        }
        self.context_lower(key)
    }

    /// Every context key the engine sees, given and derived, as `(key, value)` sorted by key.
    pub fn context_entries(&self) -> Vec<(&str, &ContextValue)> {
        let mut v = self.context.entries();
        for key in DERIVED_KEYS {
            if self.context.get(key).is_none() {
                if let Some(value) = self.derived_value(&key.to_ascii_lowercase()) {
                    v.push((key, value));
                }
            }
        }
        v.sort_by_key(|(k, _)| k.to_ascii_lowercase());
        v
    }

    /// Looks up a lower-case key: the value given, else the derived one. Does not allocate
    /// (after the first lookup of a derived key).
    pub(crate) fn context_lower(&self, key: &str) -> Option<&ContextValue> {
        match self.context.get_lower(key) {
            Some(v) => Some(v),
            None => self.derived_value(key),
        }
    }

    /// The value AWS derives for a lower-case key, computed on first use.
    fn derived_value(&self, key: &str) -> Option<&ContextValue> {
        if !key.starts_with("aws:") {
            return None;
        }
        let d: &Derived = self.derived.get_or_init(Box::default);
        let caller = &self.caller;
        let (cell, init): (
            &OnceLock<Option<ContextValue>>,
            &dyn Fn() -> Option<ContextValue>,
        ) = match key {
            "aws:principalarn" => (&d.principal_arn, &|| {
                caller.principal_arn().map(ContextValue::from)
            }),
            "aws:principalaccount" => (&d.principal_account, &|| {
                self.caller_account().map(ContextValue::from)
            }),
            "aws:principaltype" => (&d.principal_type, &|| {
                caller.principal_type().map(ContextValue::from)
            }),
            "aws:username" => (&d.username, &|| match caller {
                Caller::User { name, .. } => Some(ContextValue::from(&**name)),
                _ => None,
            }),
            "aws:userid" => (&d.userid, &|| match caller {
                Caller::Root { account, .. } => Some(ContextValue::from(&**account)),
                Caller::Anonymous => Some(ContextValue::from("anonymous")),
                Caller::FederatedUser { account, name, .. } => {
                    Some(ContextValue::from(format!("{account}:{name}")))
                }
                _ => None,
            }),
            "aws:principalisawsservice" => (&d.is_service, &|| match caller {
                Caller::Service(_) => Some(ContextValue::from(true)),
                Caller::Anonymous | Caller::Federated(_) => None,
                _ => Some(ContextValue::from(false)),
            }),
            "aws:principalservicename" => (&d.service_name, &|| match caller {
                Caller::Service(name) => Some(ContextValue::from(&**name)),
                _ => None,
            }),
            "aws:currenttime" => (&d.current_time, &|| {
                self.now.map(|t| ContextValue::from(format_iso(t)))
            }),
            "aws:epochtime" => (&d.epoch_time, &|| {
                self.now.map(|t| ContextValue::from(t.to_string()))
            }),
            _ => return None,
        };
        cell.get_or_init(init).as_ref()
    }

    /// The account of `resource`: the override, else the ARN's account field, else the caller's.
    /// AWS-owned resources (account `aws`: `arn:aws:iam::aws:policy/ReadOnlyAccess`) count as
    /// the caller's: every account reads them with its identity policies alone, and they have no
    /// resource policy that could grant across accounts.
    pub(crate) fn resource_account_of<'a>(
        &'a self,
        arn_account: Option<&'a str>,
    ) -> Option<&'a str> {
        if let Some(a) = &self.resource_account {
            return Some(a);
        }
        match arn_account {
            Some(a) if !a.is_empty() && a != "aws" => Some(a),
            _ => self.caller_account(),
        }
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
    use proptest::prelude::*;

    /// A context filled, cleared and filled again must be the context filled once: the keys'
    /// text kept from before is taken back only where it is the same key in the same place.
    fn refilled_context_is_fresh(rounds: &[Vec<(String, String)>]) -> Result<(), TestCaseError> {
        let mut kept = Context::new();
        for keys in rounds {
            kept.clear();
            let mut fresh = Context::new();
            for (k, v) in keys {
                kept.insert_text(k, v);
                fresh.insert(k, v.as_str());
            }
            prop_assert_eq!(&kept, &fresh);
            prop_assert_eq!(kept.len(), fresh.len());
            prop_assert_eq!(kept.entries(), fresh.entries());
            // A copy is the same context, without what was kept from before.
            let copy = kept.clone();
            prop_assert_eq!(&copy, &fresh);
            prop_assert_eq!(copy.entries(), fresh.entries());
            for (k, _) in keys {
                prop_assert_eq!(kept.get(k), fresh.get(k));
                let lower = k.to_ascii_lowercase();
                prop_assert_eq!(kept.get_lower(&lower), fresh.get_lower(&lower));
                prop_assert!(kept.get_lower(&lower).is_some());
            }
        }
        Ok(())
    }

    #[test]
    fn a_longer_key_where_two_short_ones_were_is_written_anew() {
        // `ab` then `XY` leave `ababXYxy`; `abab` starts with the text `abab`, but its
        // lower-cased copy is not `XYxy`.
        let round = |keys: &[&str]| {
            keys.iter()
                .map(|k| (k.to_string(), "v".to_string()))
                .collect()
        };
        refilled_context_is_fresh(&[
            round(&["ab", "XY"]),
            round(&["abab"]),
            round(&["abab", "b"]),
        ])
        .unwrap();
    }

    proptest! {
        #[test]
        fn refilled_contexts_are_fresh_ones(
            rounds in proptest::collection::vec(
                proptest::collection::vec(("[abAB:é]{0,4}", "[xy]{1,2}"), 0..24), 1..6),
        ) {
            refilled_context_is_fresh(&rounds)?;
        }
    }

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
            r.context_value("aws:username").unwrap().as_slice()[0].as_str(),
            "override"
        );
        assert_eq!(
            r.context_value("aws:principalarn").unwrap().as_slice()[0].as_str(),
            "arn:aws:iam::111122223333:user/ops/alice"
        );
        assert_eq!(
            r.context_value("aws:PrincipalType").unwrap().as_slice()[0].as_str(),
            "User"
        );
        // Every key the engine sees, given and derived, each once (the override wins).
        let entries = r.context_entries();
        let names: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "aws:PrincipalAccount",
                "aws:PrincipalArn",
                "aws:PrincipalIsAWSService",
                "aws:PrincipalType",
                "AWS:UserName"
            ]
        );
        assert_eq!(
            r.context_values().len(),
            1,
            "only the given key is explicit"
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
    fn context_keys_are_case_insensitive_small_and_large() {
        for n in [
            3usize,
            Context::INDEXED_FROM,
            Context::INDEXED_FROM + 1,
            300,
        ] {
            let mut c = Context::new();
            for i in 0..n {
                c.insert(&format!("App:Key{i}"), format!("v{i}"));
            }
            c.insert("app:KEY1", "replaced");
            assert_eq!(c.len(), n, "{n}");
            assert_eq!(
                c.get("APP:key1").unwrap().as_slice()[0].as_str(),
                "replaced"
            );
            assert_eq!(
                c.get_lower("app:key1").unwrap().as_slice()[0].as_str(),
                "replaced"
            );
            let last = format!("app:key{}", n - 1);
            assert_eq!(
                c.get_lower(&last).unwrap().as_slice()[0].as_str(),
                format!("v{}", n - 1)
            );
            assert!(c.get("app:key").is_none());
            assert_eq!(c.entries().len(), n);
            assert!(
                c.entries().iter().any(|(k, _)| *k == "app:KEY1"),
                "a replacement keeps the new spelling"
            );
            assert!(!c.entries().iter().any(|(k, _)| *k == "App:Key1"));
            let mut reversed = Context::new();
            for (k, v) in c.entries().into_iter().rev() {
                reversed.insert(k, v.clone());
            }
            assert_eq!(reversed, c, "equality ignores order");
        }
    }

    #[test]
    fn a_value_read_as_two_types_answers_both() {
        let v = Scalar::new("1");
        assert_eq!(v.number(), Some(1.0), "the kept reading");
        assert_eq!(v.boolean(), None, "another type, parsed again");
        assert_eq!(v.number(), Some(1.0));
        assert_eq!(v.date().map(|d| d.seconds), Some(1), "epoch seconds");
        let b = Scalar::new("aGk=");
        assert_eq!(b.binary().as_deref(), Some(&b"hi"[..]));
        assert_eq!(b.ip(), None);
        assert_eq!(b.binary().as_deref(), Some(&b"hi"[..]));
        let ip = Scalar::new("203.0.113.7");
        assert_eq!(ip.number(), None);
        assert_eq!(
            ip.ip().map(|a| a.to_string()).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            ip.binary(),
            None,
            "not base-64, though read after another type"
        );
        // Equality is the text's, whatever has been read.
        assert_eq!(ip, Scalar::new("203.0.113.7"));
        assert_ne!(ip, Scalar::new("203.0.113.8"));
        assert_eq!(ip.clone().ip(), ip.ip());
    }

    proptest::proptest! {
        /// The context against a plain model: a list of (key, value) where inserting a key that
        /// equals one already there ignoring ASCII case replaces it (spelling and value). Keys
        /// mix cases and non-ASCII letters; sizes cross [`Context::INDEXED_FROM`].
        #[test]
        fn context_matches_a_list_model(
            ops in proptest::collection::vec(("[aAbBéÉ:]{0,4}", "[a-z0-9]{0,30}"), 0..40),
            probe in "[aAbBéÉ:]{0,4}",
        ) {
            let mut c = Context::new();
            let mut model: Vec<(String, String)> = Vec::new();
            for (k, v) in &ops {
                c.insert(k, v.as_str());
                match model.iter_mut().find(|(m, _)| m.eq_ignore_ascii_case(k)) {
                    Some(entry) => *entry = (k.clone(), v.clone()),
                    None => model.push((k.clone(), v.clone())),
                }
            }
            let text = |x: Option<&ContextValue>| x.map(|x| x.as_slice()[0].as_str().to_string());
            proptest::prop_assert_eq!(c.len(), model.len());
            for (k, v) in &model {
                proptest::prop_assert_eq!(text(c.get(k)), Some(v.clone()));
                proptest::prop_assert_eq!(text(c.get_lower(&k.to_ascii_lowercase())), Some(v.clone()));
            }
            let mut written: Vec<(String, String)> = c
                .entries()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.as_slice()[0].as_str().to_string()))
                .collect();
            let mut expected = model.clone();
            written.sort();
            expected.sort();
            proptest::prop_assert_eq!(written, expected);
            let found = model.iter().find(|(m, _)| m.eq_ignore_ascii_case(&probe)).map(|(_, v)| v.clone());
            proptest::prop_assert_eq!(text(c.get(&probe)), found);
        }

        /// A value keeps its text whatever its length (inline up to 23 bytes, on the heap past).
        #[test]
        fn scalar_keeps_its_text(text in "\\PC{0,40}") {
            let s = Scalar::new(text.as_str());
            proptest::prop_assert_eq!(s.as_str(), text.as_str());
            proptest::prop_assert_eq!(&s, &Scalar::new(text.clone()));
            proptest::prop_assert_ne!(&s, &Scalar::new(format!("{text}x")));
        }
    }

    #[test]
    fn iso_formatting() {
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso(1_893_456_000), "2030-01-01T00:00:00Z");
        assert_eq!(format_iso(1_709_164_800 + 3661), "2024-02-29T01:01:01Z");
    }
}
