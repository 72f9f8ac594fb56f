//! Explained evaluation: which statements decided, what each layer said, what was missing.

use super::compile::CompiledPolicy;
use super::engine::{self, eval_condition, Observer, Query, StatementMatch, Tri};
use super::request::{ContextValue, Request};
use super::{Decision, Layer, Outcome, PolicySet, StatementId};
use crate::location::Location;
use crate::model::Effect;
use serde::Serialize;
use std::collections::BTreeMap;

/// A statement that decided (or helped decide) a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisiveStatement {
    layer: Layer,
    policy_name: String,
    policy_index: usize,
    statement_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    effect: Effect,
    location: Location,
}

impl DecisiveStatement {
    fn new(set: &PolicySet, id: StatementId) -> Option<DecisiveStatement> {
        let policy = set.policy(id)?;
        let st = policy.policy().statement(id.statement())?;
        Some(DecisiveStatement {
            layer: id.layer(),
            policy_name: policy.name().to_string(),
            policy_index: id.policy(),
            statement_index: id.statement(),
            sid: st.sid().map(str::to_string),
            effect: st.effect(),
            location: st.location(),
        })
    }

    /// The layer of the policy.
    pub fn layer(&self) -> Layer {
        self.layer
    }
    /// The name given to the policy.
    pub fn policy_name(&self) -> &str {
        &self.policy_name
    }
    /// The policy's index within its layer.
    pub fn policy_index(&self) -> usize {
        self.policy_index
    }
    /// The statement's index within its policy.
    pub fn statement_index(&self) -> usize {
        self.statement_index
    }
    /// The statement's Sid.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    /// The statement's effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// Where the statement is in its policy's source.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl Serialize for Effect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What one layer said about the request (over all its resources).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerVerdict {
    layer: Layer,
    /// An Allow statement applied (for every resource). Always for an RCP level, which holds
    /// `RCPFullAWSAccess` whether or not it was given.
    allowed: bool,
    /// A Deny statement applied (for some resource).
    denied: bool,
}

impl LayerVerdict {
    /// The layer.
    pub fn layer(&self) -> Layer {
        self.layer
    }
    /// Whether an Allow statement of the layer applied to every resource (always for an RCP level).
    pub fn allowed(&self) -> bool {
        self.allowed
    }
    /// Whether a Deny statement of the layer applied.
    pub fn denied(&self) -> bool {
        self.denied
    }
}

/// A statement that could not be evaluated, and why. An unevaluable Allow does not allow; an
/// unevaluable Deny denies (fail closed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unevaluable {
    statement: DecisiveStatement,
    reason: String,
}

impl Unevaluable {
    /// The statement.
    pub fn statement(&self) -> &DecisiveStatement {
        &self.statement
    }
    /// Why it could not be evaluated.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// One condition of a traced statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    operator: String,
    key: String,
    values: Vec<String>,
    /// The context value(s) compared; `None` when the key was absent.
    context: Option<Vec<String>>,
    /// `None` when the condition could not be evaluated.
    result: Option<bool>,
}

impl ConditionTrace {
    /// The operator as written.
    pub fn operator(&self) -> &str {
        &self.operator
    }
    /// The context key as written.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The policy values.
    pub fn values(&self) -> &[String] {
        &self.values
    }
    /// The context values compared, or `None` when the key was absent.
    pub fn context(&self) -> Option<&[String]> {
        self.context.as_deref()
    }
    /// The verdict; `None` when it could not be evaluated.
    pub fn result(&self) -> Option<bool> {
        self.result
    }
}

/// One statement's evaluation for one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    statement: DecisiveStatement,
    resource: String,
    action_matched: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_matched: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal_matched: Option<bool>,
    conditions: Vec<ConditionTrace>,
    /// Whether the statement applies; `None` when it could not be evaluated.
    applies: Option<bool>,
}

impl StatementTrace {
    /// The statement.
    pub fn statement(&self) -> &DecisiveStatement {
        &self.statement
    }
    /// The resource it was evaluated for.
    pub fn resource(&self) -> &str {
        &self.resource
    }
    /// Whether the action matched.
    pub fn action_matched(&self) -> bool {
        self.action_matched
    }
    /// Whether the resource matched (`None` if not reached).
    pub fn resource_matched(&self) -> Option<bool> {
        self.resource_matched
    }
    /// Whether the principal matched (`None` if not reached or not applicable).
    pub fn principal_matched(&self) -> Option<bool> {
        self.principal_matched
    }
    /// Each condition.
    pub fn conditions(&self) -> &[ConditionTrace] {
        &self.conditions
    }
    /// Whether the statement applies (`None`: undecidable).
    pub fn applies(&self) -> Option<bool> {
        self.applies
    }
}

/// The decision for one resource of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceResult {
    resource: String,
    decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_by: Option<Layer>,
}

impl ResourceResult {
    /// The resource.
    pub fn resource(&self) -> &str {
        &self.resource
    }
    /// The decision for it.
    pub fn decision(&self) -> Decision {
        self.decision
    }
    /// The layer that blocked it, for a deny.
    pub fn blocked_by(&self) -> Option<Layer> {
        self.blocked_by
    }
}

/// A decision with its explanation. See [`PolicySet::evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationResult {
    decision: Decision,
    allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_by: Option<Layer>,
    decisive: Vec<DecisiveStatement>,
    layers: Vec<LayerVerdict>,
    missing_context_keys: Vec<String>,
    unevaluable: Vec<Unevaluable>,
    resources: Vec<ResourceResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<StatementTrace>>,
    /// Why AWS refuses the request whatever the policies say, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<&'static str>,
}

impl EvaluationResult {
    /// Why AWS refuses this caller this action whatever the policies say (the root user and
    /// `sts:AssumeRole`, a federated user and IAM), when that decided an implicit deny.
    pub fn refused(&self) -> Option<&str> {
        self.refused
    }
    /// The decision.
    pub fn decision(&self) -> Decision {
        self.decision
    }
    /// Whether the request is allowed.
    pub fn allowed(&self) -> bool {
        self.allowed
    }
    /// For a deny, the layer that decided it.
    pub fn blocked_by(&self) -> Option<Layer> {
        self.blocked_by
    }
    /// The statements that decided: every applicable Deny for an explicit deny; the applicable
    /// Allow statements of the granting layers for an allow; none for an implicit deny.
    pub fn decisive(&self) -> &[DecisiveStatement] {
        &self.decisive
    }
    /// What each layer said.
    pub fn layers(&self) -> &[LayerVerdict] {
        &self.layers
    }
    /// Context keys read by applicable statements' conditions that the request did not supply.
    pub fn missing_context_keys(&self) -> &[String] {
        &self.missing_context_keys
    }
    /// Statements that could not be evaluated.
    pub fn unevaluable(&self) -> &[Unevaluable] {
        &self.unevaluable
    }
    /// The decision per resource.
    pub fn resources(&self) -> &[ResourceResult] {
        &self.resources
    }
    /// The per-statement trace, when requested.
    pub fn trace(&self) -> Option<&[StatementTrace]> {
        self.trace.as_deref()
    }
    /// A short human explanation of the decision.
    pub fn summary(&self) -> String {
        let mut s = format!("{}", self.decision);
        let by = |verb: &str| {
            self.decisive.first().map(|d| {
                let sid = d
                    .sid
                    .as_deref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default();
                format!(
                    ": {verb} by {} statement {}{sid} of `{}`",
                    d.layer, d.statement_index, d.policy_name
                )
            })
        };
        let tail = match (self.decision, self.blocked_by) {
            (Decision::ImplicitDeny, _) if self.refused.is_some() => {
                self.refused.map(|r| format!(": {r}"))
            }
            (Decision::ImplicitDeny, Some(l)) => {
                Some(format!(": no applicable Allow in the {l} layer"))
            }
            (Decision::ExplicitDeny, _) => by("denied"),
            (Decision::Allow, _) => by("allowed"),
            _ => None,
        };
        s.push_str(&tail.unwrap_or_default());
        s
    }
}

#[derive(Default)]
struct Recorder {
    trace: bool,
    statements: Vec<StatementTrace>,
    /// Per layer: (allowed for this resource, denied for this resource).
    current: BTreeMap<Layer, (bool, bool)>,
    allow_ids: Vec<StatementId>,
    deny_ids: Vec<StatementId>,
    missing: Vec<String>,
    unevaluable: Vec<(StatementId, &'static str)>,
}

fn describe(v: &ContextValue) -> Vec<String> {
    v.as_slice()
        .iter()
        .map(|s| s.as_str().to_string())
        .collect()
}

impl Observer for Recorder {
    fn exhaustive(&self) -> bool {
        true
    }

    fn statement(
        &mut self,
        layer: Layer,
        policy: usize,
        index: usize,
        compiled: &CompiledPolicy,
        q: &Query<'_>,
        m: &StatementMatch,
    ) {
        let id = StatementId::new(layer, policy, index);
        let Some(st) = compiled.statements.get(index) else {
            return;
        };
        let verdict = m.verdict();
        let entry = self.current.entry(layer).or_default();
        match (st.effect, verdict) {
            (Effect::Allow, Tri::True) => {
                entry.0 = true;
                if !self.allow_ids.contains(&id) {
                    self.allow_ids.push(id);
                }
            }
            (Effect::Deny, Tri::True) | (Effect::Deny, Tri::Unknown(_)) => {
                entry.1 = true;
                if !self.deny_ids.contains(&id) {
                    self.deny_ids.push(id);
                }
            }
            _ => {}
        }
        if let Tri::Unknown(reason) = verdict {
            if !self.unevaluable.iter().any(|(i, _)| *i == id) {
                self.unevaluable.push((id, reason));
            }
        }
        let reached = m.action && m.resource != Some(false) && !m.principal_failed;
        let req = q.req;
        if m.action {
            // Variables without a value (and without a default) are missing keys too.
            for v in st.variables() {
                if v.default.is_none()
                    && req.context_lower(&v.key).is_none()
                    && !self.missing.iter().any(|k| k.eq_ignore_ascii_case(&v.name))
                {
                    self.missing.push(v.name.to_string());
                }
            }
        }
        if reached {
            for c in &st.conditions {
                if req.context_lower(&c.key).is_none() {
                    let view = compiled
                        .policy()
                        .statement(index)
                        .and_then(|s| {
                            s.conditions()
                                .find(|v| v.key().eq_ignore_ascii_case(&c.key))
                        })
                        .map(|v| v.key().to_string())
                        .unwrap_or_else(|| c.key.to_string());
                    if !self.missing.iter().any(|k| k.eq_ignore_ascii_case(&view)) {
                        self.missing.push(view);
                    }
                }
            }
        }
        if !self.trace {
            return;
        }
        let Some(view) = compiled.policy().statement(index) else {
            return;
        };
        let mut conditions = Vec::new();
        if reached {
            for (c, v) in st.conditions.iter().zip(view.conditions()) {
                let result = match eval_condition(c, q) {
                    Tri::True => Some(true),
                    Tri::False => Some(false),
                    Tri::Unknown(_) => None,
                };
                conditions.push(ConditionTrace {
                    operator: v.operator().to_string(),
                    key: v.key().to_string(),
                    values: v.values().map(|x| x.as_str().to_string()).collect(),
                    context: req.context_lower(&c.key).map(describe),
                    result,
                });
            }
        }
        let Some(statement) = DecisiveStatement::from_view(compiled, layer, policy, index) else {
            return;
        };
        self.statements.push(StatementTrace {
            statement,
            resource: q.resource.to_string(),
            action_matched: m.action,
            resource_matched: m.resource,
            principal_matched: if m.principal_failed {
                Some(false)
            } else {
                m.principal.map(|_| true)
            },
            conditions,
            applies: match verdict {
                Tri::True => Some(true),
                Tri::False => Some(false),
                Tri::Unknown(_) => None,
            },
        });
    }
}

impl DecisiveStatement {
    fn from_view(
        compiled: &CompiledPolicy,
        layer: Layer,
        policy: usize,
        index: usize,
    ) -> Option<Self> {
        let st = compiled.policy().statement(index)?;
        Some(DecisiveStatement {
            layer,
            policy_name: compiled.name().to_string(),
            policy_index: policy,
            statement_index: index,
            sid: st.sid().map(str::to_string),
            effect: st.effect(),
            location: st.location(),
        })
    }
}

pub(crate) fn evaluate(set: &PolicySet, req: &Request, trace: bool) -> EvaluationResult {
    let mut rec = Recorder {
        trace,
        ..Recorder::default()
    };
    let mut resources = Vec::new();
    let mut layer_allowed: BTreeMap<Layer, bool> =
        set.layers().into_iter().map(|l| (l, true)).collect();
    let mut layer_denied: BTreeMap<Layer, bool> = BTreeMap::new();
    let outcome: Outcome = {
        let rec_ptr = &mut rec;
        engine::decide(set, req, rec_ptr, |_, _| {})
    };
    // Per-resource results and per-layer verdicts: evaluate each resource on its own.
    let list: Vec<String> = if req.resources().is_empty() {
        vec!["*".to_string()]
    } else {
        req.resources().iter().map(|r| r.to_string()).collect()
    };
    for r in &list {
        let mut one = Recorder::default();
        let single = req.clone().only_resource(r);
        let o = engine::decide(set, &single, &mut one, |_, _| {});
        // SCPs and RCPs that do not apply to the caller (service-linked roles, …) limit nothing.
        let applies = |l: Layer| match l {
            Layer::Scp(_) => engine::scps_apply(&single),
            Layer::Rcp(_) => engine::rcps_apply(&single),
            _ => true,
        };
        for l in set.layers() {
            let (a, d) = one.current.get(&l).copied().unwrap_or_default();
            // RCP levels always allow: `RCPFullAWSAccess` is attached to each (engine::decide_resource).
            if !a && applies(l) && !matches!(l, Layer::Rcp(_)) {
                layer_allowed.insert(l, false);
            }
            if d {
                layer_denied.insert(l, true);
            }
        }
        resources.push(ResourceResult {
            resource: r.clone(),
            decision: o.decision(),
            blocked_by: if o.decision() == Decision::Allow {
                None
            } else {
                o.blocked_by()
            },
        });
    }
    let decisive_ids: Vec<StatementId> = match outcome.decision() {
        Decision::ExplicitDeny => rec.deny_ids.clone(),
        Decision::Allow => rec
            .allow_ids
            .iter()
            .copied()
            .filter(|id| matches!(id.layer(), Layer::Identity | Layer::Resource))
            .collect(),
        Decision::ImplicitDeny => Vec::new(),
    };
    let mut decisive: Vec<DecisiveStatement> = decisive_ids
        .iter()
        .filter_map(|&id| DecisiveStatement::new(set, id))
        .collect();
    // The engine's own decisive statement first.
    if let Some(first) = outcome
        .decisive()
        .and_then(|id| DecisiveStatement::new(set, id))
    {
        decisive.retain(|d| d != &first);
        decisive.insert(0, first);
    }
    let layers = set
        .layers()
        .into_iter()
        .map(|l| LayerVerdict {
            layer: l,
            allowed: layer_allowed.get(&l).copied().unwrap_or(false),
            denied: layer_denied.get(&l).copied().unwrap_or(false),
        })
        .collect();
    let unevaluable = rec
        .unevaluable
        .iter()
        .filter_map(|&(id, reason)| {
            Some(Unevaluable {
                statement: DecisiveStatement::new(set, id)?,
                reason: reason.to_string(),
            })
        })
        .collect();
    EvaluationResult {
        decision: outcome.decision(),
        allowed: outcome.is_allowed(),
        blocked_by: if outcome.is_allowed() {
            None
        } else {
            outcome.blocked_by()
        },
        decisive,
        layers,
        missing_context_keys: rec.missing,
        unevaluable,
        resources,
        trace: trace.then_some(rec.statements),
        // An implicit Deny that no layer gave: AWS refuses the caller or, across accounts, the
        // action (`decide_resource`).
        refused: engine::refused_for_caller(req)
            .or_else(|| {
                (outcome.blocked_by().is_none())
                    .then(|| engine::never_across_accounts(req))
                    .flatten()
            })
            .filter(|_| !outcome.is_allowed()),
    }
}
