//! Simulation files: policies by type and a list of requests, in one JSON document.
//!
//! ```json
//! {
//!   "policies": {
//!     "identity": [ {"Version": "2012-10-17", "Statement": []} ],
//!     "resource": {"name": "bucket policy", "policy": {"Version": "2012-10-17", "Statement": []}},
//!     "permissionsBoundary": { … }, "session": { … },
//!     "scps": [[ … root level … ], [ … OU level … ]],
//!     "rcps": [[ … ]]
//!   },
//!   "requests": [
//!     {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
//!      "resource": "arn:aws:s3:::bucket/key",
//!      "context": {"aws:SourceIp": "203.0.113.7", "aws:MultiFactorAuthPresent": true}}
//!   ]
//! }
//! ```
//!
//! A policy is written inline (an object with `Statement`), as JSON text in a string
//! (`"{\"Version\": …}"`, as `aws iam simulate-custom-policy` takes policies; its statements and
//! errors are then located in that text), or as `{"name": …, "policy": …}` to name it in
//! explanations. A request names its `principal`, `action`, optional `resource` (one
//! string or a list), `context` (strings, numbers, booleans, or lists of them), optional
//! `resourceAccount`, `principalAccount`, `federatingUser` (for a federated-user session, the IAM
//! user who called `GetFederationToken`) and `wildcardOnlyAction` (by default the embedded action
//! catalog decides). The same `policies` object and request shape are
//! used by the conformance cases in `corpus/conformance/`.
//!
//! The file is read with the same reader as policies: duplicate keys are rejected, and errors in
//! a policy are reported with locations in the simulation file.

use super::request::{ContextValue, Request, Scalar};
use super::{EvaluationResult, PolicySet, PolicySetBuilder};
use crate::diagnostic::{Code, Diagnostic, ParseError, Severity};
use crate::limits::Limits;
use crate::location::Location;
use crate::model::Policy;
use crate::raw::{Document, Kind, Value};
use std::sync::Arc;

/// A parsed simulation file: a compiled policy set and its requests.
#[derive(Debug, Clone)]
pub struct Simulation {
    set: PolicySet,
    requests: Vec<Request>,
    labels: Vec<Option<String>>,
}

impl Simulation {
    /// Reads a simulation file. Every problem is reported as an error diagnostic located in the
    /// file (policy grammar errors included).
    pub fn parse(text: &str) -> Result<Simulation, ParseError> {
        let doc = Document::parse(text)?;
        let mut errors = Vec::new();
        let root = doc.root();
        let mut set = PolicySet::builder();
        let mut requests = Vec::new();
        let mut labels = Vec::new();
        if root.kind() != Kind::Object {
            errors.push(error(
                &doc,
                root,
                "a simulation file is a JSON object with `policies` and `requests`",
            ));
            return Err(ParseError::new(errors));
        }
        for (key, value) in root.entries() {
            match key.as_str().unwrap_or("") {
                "policies" => set = read_policies(&doc, value, &mut errors),
                "requests" => {
                    if value.kind() != Kind::Array {
                        errors.push(error(&doc, value, "`requests` must be a list"));
                        continue;
                    }
                    for item in value.items() {
                        match read_request(&doc, item, &mut errors) {
                            Some((r, label)) => {
                                requests.push(r);
                                labels.push(label);
                            }
                            None => continue,
                        }
                    }
                }
                "description" | "$schema" => {}
                other => errors.push(error(
                    &doc,
                    key,
                    &format!("unknown key `{other}`; expected `policies` and `requests`"),
                )),
            }
        }
        if errors.is_empty() {
            Ok(Simulation {
                set: set.build(),
                requests,
                labels,
            })
        } else {
            Err(ParseError::new(errors))
        }
    }

    /// The compiled policies.
    pub fn policy_set(&self) -> &PolicySet {
        &self.set
    }

    /// The requests, in file order.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// The optional `name` of each request.
    pub fn labels(&self) -> &[Option<String>] {
        &self.labels
    }

    /// Evaluates every request with explanations (and traces when `trace`). Requests without
    /// `aws:CurrentTime`/`aws:EpochTime` get `now` (epoch seconds) when given.
    pub fn run(&self, now: Option<i64>, trace: bool) -> Vec<EvaluationResult> {
        self.requests
            .iter()
            .map(|r| {
                let r = match now {
                    Some(t) => r.clone().current_time(t),
                    None => r.clone(),
                };
                self.set.evaluate(&r, trace)
            })
            .collect()
    }
}

fn error(doc: &Document, at: Value<'_>, message: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidSimulation,
        Severity::Error,
        message,
        doc.location(at.id()),
    )
}

/// Parses a policy written inside a larger document. The policy keeps the positions it has in
/// that document (the text before it is blanked to spaces, line breaks kept), so explanations and
/// errors point at the right line of the simulation file; JSON paths are prefixed for errors.
fn read_policy(
    doc: &Document,
    value: Value<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Arc<Policy>> {
    if value.kind() == Kind::String {
        return read_policy_text(doc, value, errors);
    }
    let start = value.span().start as usize;
    let end = value.span().end as usize;
    let prefix = doc.source().get(..start).unwrap_or("");
    let mut text = String::with_capacity(end);
    // One space per byte keeps byte offsets; line breaks keep line numbers.
    text.extend(prefix.bytes().map(|b| {
        if b == b'\n' || b == b'\r' {
            b as char
        } else {
            ' '
        }
    }));
    text.push_str(value.source_text());
    let base = doc.path_of(value.id());
    match Policy::parse_with_limits(&text, &Limits::default()) {
        Ok(p) => Some(Arc::new(p)),
        Err(e) => {
            for d in e.into_diagnostics() {
                let path = format!("{base}{}", d.location().path());
                let loc = Location::new(doc.source(), path, d.location().span());
                let mut moved = Diagnostic::new(d.code(), d.severity(), d.message(), loc);
                if let Some(h) = d.help() {
                    moved = moved.with_help(h);
                }
                errors.push(moved);
            }
            None
        }
    }
}

/// Parses a policy given as JSON text inside a JSON string (as `aws iam simulate-custom-policy`
/// takes them, and as editors hand them over). Its statements and errors are located in that
/// text, not in the enclosing document; error paths are prefixed with the string's path.
fn read_policy_text(
    doc: &Document,
    value: Value<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Arc<Policy>> {
    let text = value.as_str().unwrap_or("");
    let base = doc.path_of(value.id());
    match Policy::parse_with_limits(text, &Limits::default()) {
        Ok(p) => Some(Arc::new(p)),
        Err(e) => {
            for d in e.into_diagnostics() {
                let path = format!("{base}{}", d.location().path());
                let loc = Location::new(text, path, d.location().span());
                let mut moved = Diagnostic::new(d.code(), d.severity(), d.message(), loc);
                if let Some(h) = d.help() {
                    moved = moved.with_help(h);
                }
                errors.push(moved);
            }
            None
        }
    }
}

/// A policy entry: an inline policy or `{"name", "policy"}`.
fn read_named(
    doc: &Document,
    value: Value<'_>,
    default_name: String,
    errors: &mut Vec<Diagnostic>,
) -> Option<(String, Arc<Policy>)> {
    if value.kind() == Kind::String {
        return Some((default_name, read_policy_text(doc, value, errors)?));
    }
    if value.kind() != Kind::Object {
        errors.push(error(
            doc,
            value,
            "a policy must be a JSON object (or its JSON text in a string)",
        ));
        return None;
    }
    match (value.get("name"), value.get("policy")) {
        (name, Some(policy)) if value.get("Statement").is_none() => {
            let name = name
                .and_then(|n| n.as_str())
                .map_or(default_name, str::to_string);
            Some((name, read_policy(doc, policy, errors)?))
        }
        _ => Some((default_name, read_policy(doc, value, errors)?)),
    }
}

fn read_levels(
    doc: &Document,
    value: Value<'_>,
    kind: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Vec<(String, Arc<Policy>)>> {
    if value.kind() != Kind::Array {
        errors.push(error(
            doc,
            value,
            &format!("`{kind}` must be a list of levels, each a list of policies"),
        ));
        return Vec::new();
    }
    let mut levels = Vec::new();
    for (l, level) in value.items().enumerate() {
        if level.kind() != Kind::Array {
            errors.push(error(
                doc,
                level,
                &format!("each `{kind}` level must be a list of policies"),
            ));
            continue;
        }
        let policies = level
            .items()
            .enumerate()
            .filter_map(|(i, p)| read_named(doc, p, format!("{kind}[{l}][{i}]"), errors))
            .collect();
        levels.push(policies);
    }
    levels
}

/// Reads a `policies` object into a builder.
pub(crate) fn read_policies(
    doc: &Document,
    value: Value<'_>,
    errors: &mut Vec<Diagnostic>,
) -> PolicySetBuilder {
    let mut set = PolicySet::builder();
    if value.kind() != Kind::Object {
        errors.push(error(doc, value, "`policies` must be an object"));
        return set;
    }
    for (key, v) in value.entries() {
        let name = key.as_str().unwrap_or("");
        match name {
            "identity" => {
                let items: Vec<Value<'_>> = if v.kind() == Kind::Array {
                    v.items().collect()
                } else {
                    vec![v]
                };
                for (i, p) in items.into_iter().enumerate() {
                    if let Some((n, p)) = read_named(doc, p, format!("identity[{i}]"), errors) {
                        set = set.identity(&n, p);
                    }
                }
            }
            "resource" => {
                if let Some((n, p)) = read_named(doc, v, "resource".into(), errors) {
                    set = set.resource(&n, p);
                }
            }
            "permissionsBoundary" => {
                if let Some((n, p)) = read_named(doc, v, "permissionsBoundary".into(), errors) {
                    set = set.permissions_boundary(&n, p);
                }
            }
            "session" => {
                if let Some((n, p)) = read_named(doc, v, "session".into(), errors) {
                    set = set.session(&n, p);
                }
            }
            "scps" => {
                for level in read_levels(doc, v, "scps", errors) {
                    set = set.scp_level(level);
                }
            }
            "rcps" => {
                for level in read_levels(doc, v, "rcps", errors) {
                    set = set.rcp_level(level);
                }
            }
            other => errors.push(error(
                doc,
                key,
                &format!("unknown policy type `{other}`; expected identity, resource, permissionsBoundary, session, scps, rcps"),
            )),
        }
    }
    set
}

fn scalar(v: Value<'_>) -> Option<Scalar> {
    match v.kind() {
        Kind::String => Some(Scalar::new(v.as_str().unwrap_or(""))),
        Kind::Number => Some(Scalar::new(v.source_text())),
        Kind::Bool => Some(Scalar::new(if v.as_bool() == Some(true) {
            "true"
        } else {
            "false"
        })),
        _ => None,
    }
}

/// Reads one request object. Returns the request and its optional `name`.
pub(crate) fn read_request(
    doc: &Document,
    value: Value<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Request, Option<String>)> {
    if value.kind() != Kind::Object {
        errors.push(error(doc, value, "a request must be a JSON object"));
        return None;
    }
    let str_field = |name: &str| value.get(name).and_then(|v| v.as_str());
    let Some(action) = str_field("action") else {
        errors.push(error(doc, value, "a request needs an `action` string"));
        return None;
    };
    let mut req = match Request::for_principal(str_field("principal"), action) {
        Ok(r) => r,
        Err(e) => {
            let at = if e.field() == "principal" {
                value.get("principal")
            } else {
                value.get("action")
            };
            errors.push(error(doc, at.unwrap_or(value), e.message()));
            return None;
        }
    };
    // An explicit `wildcardOnlyAction` below overrides what the catalog says.
    let mut label = None;
    for (key, v) in value.entries() {
        match key.as_str().unwrap_or("") {
            "principal" | "action" => {}
            "name" => label = v.as_str().map(str::to_string),
            "resource" | "resources" => match v.kind() {
                Kind::String => req.add_resource(v.as_str().unwrap_or("")),
                Kind::Array => {
                    for r in v.items() {
                        match r.as_str() {
                            Some(s) => req.add_resource(s),
                            None => errors.push(error(doc, r, "a resource must be a string")),
                        }
                    }
                }
                _ => errors.push(error(
                    doc,
                    v,
                    "`resource` must be a string or a list of strings",
                )),
            },
            "resourceAccount" => match v.as_str() {
                Some(a) => req = req.resource_account(a),
                None => errors.push(error(doc, v, "`resourceAccount` must be a string")),
            },
            "federatingUser" => match v.as_str() {
                Some(a) => req = req.federating_user(a),
                None => errors.push(error(doc, v, "`federatingUser` must be a string")),
            },
            "principalAccount" => match v.as_str() {
                Some(a) => req = req.principal_account(a),
                None => errors.push(error(doc, v, "`principalAccount` must be a string")),
            },
            "wildcardOnlyAction" => match v.as_bool() {
                Some(b) => req = req.wildcard_only_action(b),
                None => errors.push(error(doc, v, "`wildcardOnlyAction` must be true or false")),
            },
            "context" => {
                if v.kind() != Kind::Object {
                    errors.push(error(doc, v, "`context` must be an object"));
                    continue;
                }
                for (k, cv) in v.entries() {
                    let key = k.as_str().unwrap_or("");
                    let value = match cv.kind() {
                        Kind::Array => {
                            let items: Option<Vec<Scalar>> = cv.items().map(scalar).collect();
                            items.map(ContextValue::List)
                        }
                        _ => scalar(cv).map(ContextValue::Single),
                    };
                    match value {
                        Some(value) => {
                            // (Exact repeats were refused by the JSON reader already.)
                            if req.set_context(key, value) {
                                errors.push(error(
                                    doc,
                                    k,
                                    &format!("context key `{key}` repeats an earlier key in another letter case: keys are case-insensitive, so a request carries one value per key"),
                                ));
                            }
                        }
                        None => errors.push(error(
                            doc,
                            cv,
                            "a context value must be a string, number, boolean, or a list of them",
                        )),
                    }
                }
            }
            other => errors.push(error(doc, key, &format!("unknown request key `{other}`"))),
        }
    }
    Some((req, label))
}

impl PolicySet {
    /// Compiles a `policies` object written as in simulation files (see the [module
    /// docs](self)): the form the WebAssembly package and other JSON callers hand over.
    ///
    /// ```
    /// use iam_core::eval::{PolicySet, Request};
    /// let set = PolicySet::from_json(r#"{"identity": [{"Version": "2012-10-17",
    ///     "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}]}"#);
    /// let request = Request::from_json(r#"{"principal": "arn:aws:iam::111122223333:user/alice",
    ///     "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"}"#);
    /// assert!(matches!((set, request), (Ok(s), Ok(r)) if s.decide(&r).is_allowed()));
    /// ```
    pub fn from_json(text: &str) -> Result<PolicySet, ParseError> {
        let doc = Document::parse(text)?;
        let mut errors = Vec::new();
        let set = read_policies(&doc, doc.root(), &mut errors);
        if errors.is_empty() {
            Ok(set.build())
        } else {
            Err(ParseError::new(errors))
        }
    }
}

impl Request {
    /// Reads one request object written as in simulation files (see the [module docs](self)).
    pub fn from_json(text: &str) -> Result<Request, ParseError> {
        let doc = Document::parse(text)?;
        let mut errors = Vec::new();
        match read_request(&doc, doc.root(), &mut errors) {
            Some((r, _)) if errors.is_empty() => Ok(r),
            _ => Err(ParseError::new(errors)),
        }
    }
}
