//! The validated policy model.
//!
//! A [`Policy`] can only hold a document that follows the IAM policy grammar: every statement has
//! an `Effect` of `Allow` or `Deny`, exactly one of `Action`/`NotAction`, at most one of each other
//! pair, known condition operators, well-formed ARNs and principals. It is built from the
//! lossless [`Document`](crate::raw::Document), which it keeps: the typed views below read strings
//! straight from the source text, and every element can report its [`Location`].
//!
//! Whether a grammatical policy is right *for its use* (a principal in an identity policy, a
//! missing resource, a size quota) depends on the policy type and is checked by
//! [`Policy::validate`](crate::Policy::validate).

mod build;
pub mod condition;

use crate::diagnostic::ParseError;
use crate::limits::Limits;
use crate::location::Location;
use crate::raw::{Document, Items, Kind, NodeId, Value};
use condition::ConditionOperator;
use std::fmt;

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: the current language, with policy variables.
    V2012_10_17,
    /// `2008-10-17`: the legacy language; `${…}` is plain text.
    V2008_10_17,
}

impl Version {
    /// The version string as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Effect": "Allow"`
    Allow,
    /// `"Effect": "Deny"`
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a principal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// The bare `"*"` form: everyone, including anonymous callers.
    Everyone,
    /// `AWS`: accounts, IAM users and roles, sessions, or `*`.
    Aws,
    /// `Service`: AWS service principals such as `lambda.amazonaws.com`.
    Service,
    /// `Federated`: SAML or OIDC identity providers.
    Federated,
    /// `CanonicalUser`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// The key as written in a `Principal` object (`AWS`, `Service`, …; `*` for [`Everyone`]).
    ///
    /// [`Everyone`]: PrincipalKind::Everyone
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Everyone => "*",
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<PrincipalKind> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct ElementData {
    negated: bool,
    /// The key (`"Action"`) in the statement object.
    key: NodeId,
    /// The value: a string or an array of strings (for principals: `"*"` or an object).
    value: NodeId,
}

#[derive(Debug, Clone, Copy)]
struct ConditionData {
    operator: ConditionOperator,
    operator_key: NodeId,
    key: NodeId,
    value: NodeId,
}

#[derive(Debug, Clone)]
struct StatementData {
    node: NodeId,
    sid: Option<NodeId>,
    effect: Effect,
    effect_value: NodeId,
    principal: Option<ElementData>,
    action: ElementData,
    resource: Option<ElementData>,
    condition: Option<NodeId>,
    conditions: std::ops::Range<u32>,
}

/// A grammatical IAM policy document. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Policy {
    doc: Document,
    version: Option<Version>,
    version_value: Option<NodeId>,
    id: Option<NodeId>,
    statement_value: NodeId,
    statements: Vec<StatementData>,
    conditions: Vec<ConditionData>,
}

impl Policy {
    /// Parses a policy document with the default [`Limits`].
    ///
    /// ```
    /// let policy = iam_core::Policy::parse(r#"{
    ///     "Version": "2012-10-17",
    ///     "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// }"#)?;
    /// assert_eq!(policy.statements().len(), 1);
    /// # Ok::<(), iam_core::ParseError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Policy, ParseError> {
        Self::parse_with_limits(text, &Limits::default())
    }

    /// Parses a policy document from bytes, which must be UTF-8.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Policy, ParseError> {
        Self::parse_bytes_with_limits(bytes, &Limits::default())
    }

    /// Parses a policy document from bytes with the given limits.
    pub fn parse_bytes_with_limits(bytes: &[u8], limits: &Limits) -> Result<Policy, ParseError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::parse_with_limits(text, limits),
            Err(e) => {
                let at = e.valid_up_to();
                let prefix = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
                let span = crate::Span::new(at as u32, at as u32 + 1);
                Err(crate::raw::error_at(
                    &prefix,
                    crate::Code::InvalidEncoding,
                    format!("the document is not valid UTF-8 (at byte {at})"),
                    Some("IAM policies are UTF-8 JSON text"),
                    String::new(),
                    span,
                ))
            }
        }
    }

    /// Parses a policy document with the given limits.
    pub fn parse_with_limits(text: &str, limits: &Limits) -> Result<Policy, ParseError> {
        Self::from_string(text.into(), limits)
    }

    /// Parses a policy document the caller owns (no copy of the text is made).
    pub fn from_string(text: Box<str>, limits: &Limits) -> Result<Policy, ParseError> {
        let doc = Document::parse_with_limits(text, limits)?;
        build::build(doc, limits)
    }

    /// The lossless raw document this policy was read from.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The source text.
    pub fn source(&self) -> &str {
        self.doc.source()
    }

    /// The `Version`, if present.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Whether policy variables (`${aws:username}`) are substituted: only under `2012-10-17`.
    pub fn variables_enabled(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }

    /// The `Id`, if present.
    pub fn id(&self) -> Option<&str> {
        self.id.and_then(|id| self.text(id))
    }

    /// Whether `Statement` was written as a list (rather than a single object).
    pub fn statement_is_list(&self) -> bool {
        self.value(self.statement_value).kind() == Kind::Array
    }

    /// The statements, in document order.
    pub fn statements(&self) -> Statements<'_> {
        Statements {
            policy: self,
            range: 0..self.statements.len(),
        }
    }

    /// The statement at `index`.
    pub fn statement(&self, index: usize) -> Option<Statement<'_>> {
        self.statements.get(index).map(|data| Statement {
            policy: self,
            data,
            index,
        })
    }

    /// The location of any raw value of this policy.
    pub fn location(&self, id: NodeId) -> Location {
        self.doc.location(id)
    }

    /// The location of the `Version` value (or of the whole document when it is absent).
    pub fn version_location(&self) -> Location {
        self.location(self.version_value.unwrap_or(NodeId(0)))
    }

    /// Re-serialises the policy as compact JSON, exactly as written (key order, shapes).
    pub fn to_json(&self) -> String {
        self.doc.to_json()
    }

    /// Approximate heap bytes held by this policy.
    pub fn heap_size(&self) -> usize {
        self.doc.heap_size()
            + self.statements.capacity() * std::mem::size_of::<StatementData>()
            + self.conditions.capacity() * std::mem::size_of::<ConditionData>()
    }

    fn value(&self, id: NodeId) -> Value<'_> {
        self.doc.get(id).unwrap_or_else(|| self.doc.root())
    }

    fn text(&self, id: NodeId) -> Option<&str> {
        self.doc.get(id).and_then(|v| v.as_str())
    }
}

/// Iterator over the statements of a policy.
#[derive(Clone)]
pub struct Statements<'p> {
    policy: &'p Policy,
    range: std::ops::Range<usize>,
}

impl<'p> Iterator for Statements<'p> {
    type Item = Statement<'p>;
    fn next(&mut self) -> Option<Statement<'p>> {
        let index = self.range.next()?;
        self.policy.statement(index)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for Statements<'_> {}

/// One statement of a [`Policy`].
#[derive(Clone, Copy)]
pub struct Statement<'p> {
    policy: &'p Policy,
    data: &'p StatementData,
    index: usize,
}

impl fmt::Debug for Statement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Statement")
            .field("index", &self.index)
            .field("sid", &self.sid())
            .field("effect", &self.effect())
            .finish()
    }
}

impl<'p> Statement<'p> {
    /// The position of the statement in the policy (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The raw value of the statement object.
    pub fn node(&self) -> NodeId {
        self.data.node
    }

    /// The `Sid`, if present.
    pub fn sid(&self) -> Option<&'p str> {
        self.data.sid.and_then(|id| self.policy.text(id))
    }

    /// The location of the `Sid` value, if present.
    pub fn sid_location(&self) -> Option<Location> {
        self.data.sid.map(|id| self.policy.location(id))
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.data.effect
    }

    /// The location of the `Effect` value.
    pub fn effect_location(&self) -> Location {
        self.policy.location(self.data.effect_value)
    }

    /// `Action` or `NotAction` (every statement has exactly one).
    pub fn action(&self) -> Element<'p> {
        Element {
            policy: self.policy,
            data: self.data.action,
            names: ("Action", "NotAction"),
        }
    }

    /// `Resource` or `NotResource`, if present.
    pub fn resource(&self) -> Option<Element<'p>> {
        self.data.resource.map(|data| Element {
            policy: self.policy,
            data,
            names: ("Resource", "NotResource"),
        })
    }

    /// `Principal` or `NotPrincipal`, if present.
    pub fn principal(&self) -> Option<PrincipalElement<'p>> {
        self.data.principal.map(|data| PrincipalElement {
            policy: self.policy,
            data,
        })
    }

    /// The location of the `Condition` block, if present.
    pub fn condition_location(&self) -> Option<Location> {
        self.data.condition.map(|id| self.policy.location(id))
    }

    /// Every `(operator, key, values)` condition entry, in document order. An empty iterator means
    /// the statement has no conditions (or an empty `Condition` object).
    pub fn conditions(&self) -> impl ExactSizeIterator<Item = Condition<'p>> + 'p {
        let policy = self.policy;
        let range = self.data.conditions.start as usize..self.data.conditions.end as usize;
        policy
            .conditions
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(move |data| Condition { policy, data })
    }

    /// The location of the whole statement.
    pub fn location(&self) -> Location {
        self.policy.location(self.data.node)
    }
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element.
#[derive(Clone, Copy)]
pub struct Element<'p> {
    policy: &'p Policy,
    data: ElementData,
    names: (&'static str, &'static str),
}

impl<'p> Element<'p> {
    /// Whether this is the `Not…` form.
    pub fn is_negated(&self) -> bool {
        self.data.negated
    }

    /// The element name as written (`Action`, `NotResource`, …).
    pub fn name(&self) -> &'static str {
        if self.data.negated {
            self.names.1
        } else {
            self.names.0
        }
    }

    /// Whether the value was written as a list rather than a single string.
    pub fn is_list(&self) -> bool {
        self.policy.value(self.data.value).kind() == Kind::Array
    }

    /// The entries, as written.
    pub fn values(&self) -> StringValues<'p> {
        StringValues::new(self.policy.value(self.data.value))
    }

    /// The entries with their raw ids (for locations).
    pub fn entries(&self) -> impl Iterator<Item = (&'p str, NodeId)> + 'p {
        self.values().with_ids()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.values().count()
    }

    /// Whether there are no entries (never true in a parsed policy).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The location of the element's value.
    pub fn location(&self) -> Location {
        self.policy.location(self.data.value)
    }

    /// The location of the element's key (`"Action"`).
    pub fn key_location(&self) -> Location {
        self.policy.location(self.data.key)
    }
}

/// The string entries of an element written as one string or a list of strings.
#[derive(Clone)]
pub struct StringValues<'p> {
    single: Option<Value<'p>>,
    items: Option<Items<'p>>,
}

impl<'p> StringValues<'p> {
    fn new(v: Value<'p>) -> Self {
        if v.kind() == Kind::Array {
            StringValues {
                single: None,
                items: Some(v.items()),
            }
        } else {
            StringValues {
                single: Some(v),
                items: None,
            }
        }
    }

    fn next_value(&mut self) -> Option<Value<'p>> {
        if let Some(v) = self.single.take() {
            return Some(v);
        }
        self.items.as_mut()?.next()
    }

    /// Pairs each entry with its raw id.
    pub fn with_ids(mut self) -> impl Iterator<Item = (&'p str, NodeId)> + 'p {
        std::iter::from_fn(move || {
            let v = self.next_value()?;
            Some((v.as_str().unwrap_or(""), v.id()))
        })
    }
}

impl<'p> Iterator for StringValues<'p> {
    type Item = &'p str;
    fn next(&mut self) -> Option<&'p str> {
        self.next_value().map(|v| v.as_str().unwrap_or(""))
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Clone, Copy)]
pub struct PrincipalElement<'p> {
    policy: &'p Policy,
    data: ElementData,
}

impl<'p> PrincipalElement<'p> {
    /// Whether this is `NotPrincipal`.
    pub fn is_negated(&self) -> bool {
        self.data.negated
    }

    /// The element name as written.
    pub fn name(&self) -> &'static str {
        if self.data.negated {
            "NotPrincipal"
        } else {
            "Principal"
        }
    }

    /// Whether the element is the bare string `"*"`.
    pub fn is_everyone(&self) -> bool {
        self.policy.value(self.data.value).kind() == Kind::String
    }

    /// Every `(kind, value, raw id)` entry. The bare `"*"` form yields one
    /// [`PrincipalKind::Everyone`] entry.
    pub fn entries(&self) -> Vec<(PrincipalKind, &'p str, NodeId)> {
        let v = self.policy.value(self.data.value);
        if v.kind() == Kind::String {
            return vec![(PrincipalKind::Everyone, v.as_str().unwrap_or("*"), v.id())];
        }
        let mut out = Vec::new();
        for (key, value) in v.entries() {
            let Some(kind) = key.as_str().and_then(PrincipalKind::from_key) else {
                continue;
            };
            for (text, id) in StringValues::new(value).with_ids() {
                out.push((kind, text, id));
            }
        }
        out
    }

    /// The location of the element's value.
    pub fn location(&self) -> Location {
        self.policy.location(self.data.value)
    }

    /// The location of the element's key.
    pub fn key_location(&self) -> Location {
        self.policy.location(self.data.key)
    }
}

/// One condition entry: an operator, a context key and the values to compare with.
#[derive(Clone, Copy)]
pub struct Condition<'p> {
    policy: &'p Policy,
    data: &'p ConditionData,
}

impl fmt::Debug for Condition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.operator(), self.key())
    }
}

impl<'p> Condition<'p> {
    /// The operator.
    pub fn operator(&self) -> ConditionOperator {
        self.data.operator
    }

    /// The context key as written (keys compare case-insensitively).
    pub fn key(&self) -> &'p str {
        self.policy.text(self.data.key).unwrap_or("")
    }

    /// Whether the values were written as a list.
    pub fn is_list(&self) -> bool {
        self.policy.value(self.data.value).kind() == Kind::Array
    }

    /// The values, each as its text (`true`, `42`, `"s"` → `s`) with its JSON kind and raw id.
    pub fn values(&self) -> impl Iterator<Item = ConditionValue<'p>> + 'p {
        let v = self.policy.value(self.data.value);
        let (single, items) = if v.kind() == Kind::Array {
            (None, Some(v.items()))
        } else {
            (Some(v), None)
        };
        single
            .into_iter()
            .chain(items.into_iter().flatten())
            .map(ConditionValue::from_raw)
    }

    /// The raw id of the operator key; conditions under one operator share it.
    pub fn operator_id(&self) -> NodeId {
        self.data.operator_key
    }

    /// The location of the operator key (`"StringEquals"`).
    pub fn operator_location(&self) -> Location {
        self.policy.location(self.data.operator_key)
    }

    /// The location of the context key.
    pub fn key_location(&self) -> Location {
        self.policy.location(self.data.key)
    }

    /// The location of the values.
    pub fn location(&self) -> Location {
        self.policy.location(self.data.value)
    }
}

/// One value of a condition, as its text and the JSON type it was written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionValue<'p> {
    text: &'p str,
    kind: Kind,
    id: NodeId,
}

impl<'p> ConditionValue<'p> {
    fn from_raw(v: Value<'p>) -> Self {
        let text = match v.kind() {
            Kind::String => v.as_str().unwrap_or(""),
            Kind::Bool => {
                if v.as_bool() == Some(true) {
                    "true"
                } else {
                    "false"
                }
            }
            _ => v.source_text(),
        };
        ConditionValue {
            text,
            kind: v.kind(),
            id: v.id(),
        }
    }

    /// The value as text: strings without quotes, numbers and booleans as written.
    pub fn as_str(&self) -> &'p str {
        self.text
    }

    /// The JSON type it was written as (string, number or boolean).
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The raw id, for locations.
    pub fn id(&self) -> NodeId {
        self.id
    }
}
