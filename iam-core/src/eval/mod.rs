//! Evaluating requests under AWS's decision logic.
//!
//! Build a [`PolicySet`] once from the policies that apply to a principal and a resource
//! (identity policies, a resource-based policy, a permissions boundary, a session policy, SCP and
//! RCP levels), then evaluate many [`Request`]s against it:
//!
//! * [`PolicySet::decide`] returns an [`Outcome`] (the decision, one decisive statement, and the
//!   layer that blocked an implicit deny) without allocating;
//! * [`PolicySet::evaluate`] returns an [`EvaluationResult`] that also explains the decision: every
//!   decisive statement with its location, per-layer verdicts, the context keys the policies read
//!   that the request did not supply, what could not be evaluated, and (on request) a per-statement
//!   trace with each condition's verdict and the context value it compared.
//!
//! ```
//! use iam_core::{Policy, eval::{PolicySet, Request, Decision}};
//!
//! let identity = Policy::parse(r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#)?;
//! let set = PolicySet::builder().identity("reports", identity).build();
//! let request = Request::new("arn:aws:iam::111122223333:user/alice", "s3:GetObject")?
//!     .resource("arn:aws:s3:::reports/q3.csv")
//!     .context("aws:SourceIp", "203.0.113.7");
//! assert_eq!(set.decide(&request).decision(), Decision::Allow);
//! let elsewhere = request.clone().context("aws:SourceIp", "198.51.100.1");
//! assert_eq!(set.decide(&elsewhere).decision(), Decision::ImplicitDeny);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A reader that builds one request after another (a server loop, a binding) can refill one
//! request instead: [`Request::refill`] keeps its memory, and keeps what repeats from the request
//! before (the caller parsed by the previous refill, the action's catalog entry, context keys
//! and, through
//! [`Request::set_context_text`], values with their parsed readings). A refilled request decides
//! exactly as a new one.
//!
//! ```
//! use iam_core::{Policy, eval::{PolicySet, Request, Decision}};
//!
//! let identity = Policy::parse(r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#)?;
//! let set = PolicySet::builder().identity("reports", identity).build();
//! let alice = Some("arn:aws:iam::111122223333:user/alice");
//! let mut request = Request::for_principal(alice, "s3:GetObject")?;
//! let mut decisions = Vec::new();
//! for (action, ip) in [("s3:GetObject", "203.0.113.7"), ("s3:GetObject", "198.51.100.1"),
//!                      ("s3:PutObject", "203.0.113.7")] {
//!     request.refill(alice, action)?;
//!     request.add_resource("arn:aws:s3:::reports/q3.csv");
//!     request.set_context_text("aws:SourceIp", ip);
//!     decisions.push(set.decide(&request).decision());
//! }
//! assert_eq!(decisions, [Decision::Allow, Decision::ImplicitDeny, Decision::ImplicitDeny]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The rules, and the choices made where AWS is silent, are listed in `docs/semantics.md`.

mod bytes;
mod compile;
mod engine;
mod explain;
pub(crate) mod glob;
pub(crate) mod keys;
mod request;
pub mod simulation;
pub(crate) mod variables;

pub use compile::CompiledPolicy;
pub use explain::{
    ConditionTrace, DecisiveStatement, EvaluationResult, LayerVerdict, ResourceResult,
    StatementTrace, Unevaluable,
};
pub use keys::{context_keys, ContextKey, KeyType};
pub use request::{Caller, Context, ContextValue, Request, RequestError, Scalar};

use crate::model::Policy;
use compile::Side;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Knowledge about actions that the engine asks for: whether AWS authorises an action only against
/// `Resource: "*"` (it has no resource-level permissions). The embedded action catalog implements
/// it; any other source can too. Without one, requests carry the answer themselves
/// ([`Request::wildcard_only_action`]).
pub trait ActionCatalog {
    /// `Some(true)` if `action` (`service:Action`, any case) has no resource-level permissions,
    /// `Some(false)` if it has, `None` if the catalog does not know the action.
    fn is_wildcard_only(&self, action: &str) -> Option<bool>;
}

/// AWS's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// The request is allowed.
    Allow,
    /// A `Deny` statement applies (or a `Deny` that could not be evaluated: fail closed).
    ExplicitDeny,
    /// Nothing allows the request, or a layer that must allow does not.
    ImplicitDeny,
}

impl Decision {
    /// `allow`, `explicitDeny` or `implicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }

    /// Parses the names above (also `deny` for an explicit deny, any case, `_`/`-` ignored).
    pub fn from_name(s: &str) -> Option<Decision> {
        let n: String = s
            .chars()
            .filter(|c| *c != '_' && *c != '-' && *c != ' ')
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "allow" | "allowed" => Some(Decision::Allow),
            "explicitdeny" | "deny" | "explicitlydenied" => Some(Decision::ExplicitDeny),
            "implicitdeny" | "implicitlydenied" => Some(Decision::ImplicitDeny),
            _ => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "explicit Deny",
            Decision::ImplicitDeny => "implicit Deny",
        })
    }
}

/// A kind of policy in the decision flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Identity-based policies of the caller.
    Identity,
    /// The resource-based policy (bucket policy, key policy, trust policy, …).
    Resource,
    /// The caller's permissions boundary.
    PermissionsBoundary,
    /// The session policy of the caller's session.
    Session,
    /// SCPs at one level of the organization (0 = the first level given).
    Scp(u16),
    /// RCPs at one level of the organization.
    Rcp(u16),
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Identity => f.write_str("identity"),
            Layer::Resource => f.write_str("resource"),
            Layer::PermissionsBoundary => f.write_str("permissionsBoundary"),
            Layer::Session => f.write_str("session"),
            Layer::Scp(l) => write!(f, "scp[{l}]"),
            Layer::Rcp(l) => write!(f, "rcp[{l}]"),
        }
    }
}

impl Serialize for Layer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Identifies one statement of one policy in a [`PolicySet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatementId {
    layer: Layer,
    policy: u16,
    statement: u32,
}

impl StatementId {
    pub(crate) fn new(layer: Layer, policy: usize, statement: usize) -> Self {
        StatementId {
            layer,
            policy: policy as u16,
            statement: statement as u32,
        }
    }

    /// The layer.
    pub fn layer(&self) -> Layer {
        self.layer
    }

    /// The index of the policy within its layer (identity policies and each SCP/RCP level hold
    /// several).
    pub fn policy(&self) -> usize {
        self.policy as usize
    }

    /// The index of the statement within its policy.
    pub fn statement(&self) -> usize {
        self.statement as usize
    }
}

/// The decision without explanations; returned by [`PolicySet::decide`] without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    decision: Decision,
    decisive: Option<StatementId>,
    blocked_by: Option<Layer>,
}

impl Outcome {
    pub(crate) fn new(
        decision: Decision,
        decisive: Option<StatementId>,
        blocked_by: Option<Layer>,
    ) -> Self {
        Outcome {
            decision,
            decisive,
            blocked_by,
        }
    }

    /// The decision.
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }

    /// A decisive statement: the Deny that applied, or an Allow that granted. `None` for an
    /// implicit deny, and for the root user's own-account access.
    pub fn decisive(&self) -> Option<StatementId> {
        self.decisive
    }

    /// For a deny, the layer that decided it: where the explicit Deny is, or the layer that had
    /// to allow and did not.
    pub fn blocked_by(&self) -> Option<Layer> {
        self.blocked_by
    }
}

/// A set of compiled policies that apply to requests: compile once, evaluate many times.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub(crate) identity: Vec<CompiledPolicy>,
    pub(crate) resource: Option<CompiledPolicy>,
    pub(crate) boundary: Option<CompiledPolicy>,
    pub(crate) session: Option<CompiledPolicy>,
    pub(crate) scps: Vec<Vec<CompiledPolicy>>,
    pub(crate) rcps: Vec<Vec<CompiledPolicy>>,
    /// See [`PolicySet::relevant_context_keys`].
    relevant_keys: Vec<Box<str>>,
}

/// Builds a [`PolicySet`].
#[derive(Debug, Default)]
pub struct PolicySetBuilder {
    set: PolicySet,
}

impl PolicySetBuilder {
    /// Adds an identity-based policy of the caller.
    pub fn identity(mut self, name: &str, policy: impl Into<Arc<Policy>>) -> Self {
        self.set
            .identity
            .push(CompiledPolicy::new(name, policy.into(), Side::Identity));
        self
    }

    /// Sets the resource-based policy (bucket policy, key policy, role trust policy, …).
    pub fn resource(mut self, name: &str, policy: impl Into<Arc<Policy>>) -> Self {
        self.set.resource = Some(CompiledPolicy::new(name, policy.into(), Side::Resource));
        self
    }

    /// Sets the caller's permissions boundary.
    pub fn permissions_boundary(mut self, name: &str, policy: impl Into<Arc<Policy>>) -> Self {
        self.set.boundary = Some(CompiledPolicy::new(name, policy.into(), Side::Identity));
        self
    }

    /// Sets the session policy of the caller's session.
    pub fn session(mut self, name: &str, policy: impl Into<Arc<Policy>>) -> Self {
        self.set.session = Some(CompiledPolicy::new(name, policy.into(), Side::Identity));
        self
    }

    /// Adds one level of SCPs (root, OU, …, account): the request needs an Allow at every level.
    pub fn scp_level(mut self, policies: Vec<(String, Arc<Policy>)>) -> Self {
        self.set.scps.push(
            policies
                .into_iter()
                .map(|(n, p)| CompiledPolicy::new(&n, p, Side::Identity))
                .collect(),
        );
        self
    }

    /// Adds one level of RCPs. Only their Denies count: every level also holds `RCPFullAWSAccess`,
    /// which AWS attaches to every root, OU and account and which cannot be detached, so a level
    /// need not include it (an RCP `Allow` can only repeat it).
    pub fn rcp_level(mut self, policies: Vec<(String, Arc<Policy>)>) -> Self {
        self.set.rcps.push(
            policies
                .into_iter()
                .map(|(n, p)| CompiledPolicy::new(&n, p, Side::Resource))
                .collect(),
        );
        self
    }

    /// Finishes the set.
    pub fn build(self) -> PolicySet {
        let mut set = self.set;
        let mut keys: Vec<Box<str>> = set
            .context_keys()
            .iter()
            .map(|k| k.name().to_ascii_lowercase().into_boxed_str())
            .collect();
        // The engine itself reads `aws:PrincipalArn` to match principals.
        if !keys.iter().any(|k| &**k == "aws:principalarn") {
            keys.push("aws:principalarn".into());
        }
        set.relevant_keys = keys;
        set
    }
}

impl PolicySet {
    /// Starts building a set.
    pub fn builder() -> PolicySetBuilder {
        PolicySetBuilder::default()
    }

    /// Decides a request without explanations and without allocating. (A request computes a
    /// derived context value, such as `aws:PrincipalArn`, or a typed reading of a context value,
    /// such as an IP address, the first time a policy needs it, and keeps it: deciding a fresh
    /// request may allocate for those, deciding it again does not.)
    pub fn decide(&self, request: &Request) -> Outcome {
        engine::decide(self, request, &mut engine::Quiet, |_, _| {})
    }

    /// Decides a request and explains the decision. With `trace`, the result also holds every
    /// statement's evaluation (action, resource, principal, each condition).
    pub fn evaluate(&self, request: &Request, trace: bool) -> EvaluationResult {
        explain::evaluate(self, request, trace)
    }

    /// Every context key (lower-cased) whose value can change a decision of this set: the keys
    /// its policies read in conditions and policy variables, and `aws:principalarn`, which the
    /// engine reads to match principals. A request's other context keys can be left out without
    /// changing any decision or explanation (the bindings skip them when converting a request).
    pub fn relevant_context_keys(&self) -> &[Box<str>] {
        &self.relevant_keys
    }

    /// The compiled policy behind a statement id.
    pub fn policy(&self, id: StatementId) -> Option<&CompiledPolicy> {
        self.policy_in(id.layer, id.policy())
    }

    /// The `index`-th policy of a layer (the index a [`DecisiveStatement`] reports as its
    /// `policy_index`); layers that hold one policy have only index 0.
    pub fn policy_in(&self, layer: Layer, index: usize) -> Option<&CompiledPolicy> {
        let single = match layer {
            Layer::Resource => &self.resource,
            Layer::PermissionsBoundary => &self.boundary,
            Layer::Session => &self.session,
            _ => &None,
        };
        match layer {
            Layer::Identity => self.identity.get(index),
            Layer::Resource | Layer::PermissionsBoundary | Layer::Session => {
                single.as_ref().filter(|_| index == 0)
            }
            Layer::Scp(l) => self.scps.get(l as usize)?.get(index),
            Layer::Rcp(l) => self.rcps.get(l as usize)?.get(index),
        }
    }

    /// Every layer present in the set, in evaluation order.
    pub fn layers(&self) -> Vec<Layer> {
        let mut v = Vec::new();
        if !self.identity.is_empty() {
            v.push(Layer::Identity);
        }
        if self.resource.is_some() {
            v.push(Layer::Resource);
        }
        if self.boundary.is_some() {
            v.push(Layer::PermissionsBoundary);
        }
        if self.session.is_some() {
            v.push(Layer::Session);
        }
        v.extend((0..self.scps.len()).map(|l| Layer::Scp(l as u16)));
        v.extend((0..self.rcps.len()).map(|l| Layer::Rcp(l as u16)));
        v
    }
}
