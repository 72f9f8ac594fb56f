//! Compiling a [`Policy`] into the form the engine evaluates: patterns pre-split and lower-cased,
//! condition values pre-parsed by operator family, and statements indexed by service and action.

use super::bytes::same;
use super::glob::{Glob, GlobSyntax, NoVars};
use crate::model::condition::{BaseOperator, ConditionOperator, OperatorFamily};
use crate::model::{Effect, Policy, PrincipalKind, Statement};
use crate::values::{self, Instant};
use ipnetwork::IpNetwork;
// Fx hashing: keys are short, trusted-size strings built by the library; SipHash's DoS
// resistance buys nothing here and costs a third of a lookup.
use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, OnceLock};

/// Whether short ARNs in `Resource` are padded with `*` (identity-side policies) or never match
/// (resource-side policies). AWS does not document this; the behaviour follows what simulators
/// observed (see docs/semantics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Identity,
    Resource,
}

#[derive(Debug, Clone)]
pub(crate) enum ActionPattern {
    All,
    /// `service:glob` with both parts lower-cased.
    Service {
        service: Box<str>,
        name: Glob,
    },
    /// A pattern that can match nothing (`*:Get*`, a wildcard in the service prefix).
    Never,
}

#[derive(Debug, Clone)]
pub(crate) enum ResourcePattern {
    /// `*` (or only stars).
    All,
    /// Five leading fields and the resource part.
    Arn {
        fields: Box<[Glob; 5]>,
        resource: Glob,
        /// `arn:partition:service:region:account:` when those five fields are plain text (no
        /// wildcard, no colon): the resource then matches when its text starts with this and the
        /// rest matches `resource`, one comparison instead of five.
        prefix: Option<Box<str>>,
    },
    /// A short ARN in a resource-side policy: matches nothing.
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalPattern {
    Everyone,
    Account(Box<str>),
    User(Box<str>),
    Role {
        account: Box<str>,
        name: Box<str>,
    },
    Session(Box<str>),
    FederatedUser(Box<str>),
    Service(Box<str>),
    /// `{"Service": "*"}`.
    AnyService,
    Federated(Box<str>),
    /// Canonical users, unique ids: kept, never match a caller of this engine.
    Other(Box<str>),
}

#[derive(Debug, Clone)]
pub(crate) enum CondValue {
    /// String operators: a pattern (Like) or a literal template (Equals), variables allowed.
    Str(Glob),
    Number(f64),
    Date(Instant),
    Bool(bool),
    Ip(IpNetwork),
    Binary(Box<[u8]>),
    Arn {
        fields: Box<[Glob; 5]>,
        resource: Glob,
    },
    /// `Null`: `true` means "the key must be absent".
    Null(bool),
    /// The value cannot be read for its operator: why.
    Invalid(&'static str),
    /// A value that can match no context value (an ARN pattern with fewer than six fields).
    NoMatch,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledCondition {
    pub op: ConditionOperator,
    /// Lower-cased context key.
    pub key: Box<str>,
    pub values: Vec<CondValue>,
    /// Set when the operator itself cannot be evaluated (e.g. `NullIfExists`).
    pub unevaluable: Option<&'static str>,
}

impl CompiledStatement {
    /// Every policy variable the statement reads (resources and condition values).
    pub(crate) fn variables(&self) -> Vec<&super::variables::VarRef> {
        let mut out = Vec::new();
        for r in self.resources.iter().flatten() {
            if let ResourcePattern::Arn { resource, .. } = r {
                out.extend(resource.vars());
            }
        }
        for v in self.conditions.iter().flat_map(|c| c.values.iter()) {
            match v {
                CondValue::Str(g) => out.extend(g.vars()),
                CondValue::Arn { fields, resource } => {
                    out.extend(fields.iter().flat_map(|f| f.vars()));
                    out.extend(resource.vars());
                }
                _ => {}
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub effect: Effect,
    pub not_action: bool,
    pub actions: Vec<ActionPattern>,
    pub not_resource: bool,
    /// `None`: no Resource element (role trust policies), which matches every resource.
    pub resources: Option<Vec<ResourcePattern>>,
    pub not_principal: bool,
    /// `None`: no Principal element.
    pub principals: Option<Vec<PrincipalPattern>>,
    pub conditions: Vec<CompiledCondition>,
    /// Set when the statement cannot take effect where it is used: AWS refuses an identity-side
    /// policy (identity, boundary, session, SCP) whose statement has no `Resource` or names a
    /// `Principal`, and a resource-side one (resource policy, trust policy, RCP) whose statement
    /// names no principal. Such a statement is undecidable (fail closed), never read as "every
    /// resource", "whoever asks" or "no one".
    pub unevaluable: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
struct ServiceIndex {
    exact: NameMap<Vec<u32>>,
    /// Statements with a wildcard name for this service, each with every name pattern it has for
    /// the service (so a candidate's actions are tested here, without the statement's other
    /// services).
    patterns: Vec<(u32, Vec<Glob>)>,
}

/// A map from the short names a decision looks up (a service prefix, then an action name): a
/// list compared by length and bytes while it is small, as most policies' are, where hashing the
/// name would cost more than the comparisons (notably in WebAssembly); a hash map past
/// [`NameMap::LIST_UP_TO`] names.
#[derive(Debug, Clone)]
enum NameMap<V> {
    List(Vec<(Box<str>, V)>),
    Hash(HashMap<Box<str>, V>),
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap::List(Vec::new())
    }
}

impl<V: Default> NameMap<V> {
    const LIST_UP_TO: usize = 8;

    fn get(&self, name: &str) -> Option<&V> {
        match self {
            NameMap::List(list) => list
                .iter()
                .find(|(k, _)| same(k.as_bytes(), name.as_bytes()))
                .map(|(_, v)| v),
            NameMap::Hash(map) => map.get(name),
        }
    }

    /// The value under `name`, inserted as the default if absent. (`None` cannot happen; the
    /// caller still has a safe answer for it.)
    fn entry(&mut self, name: &str) -> Option<&mut V> {
        if let NameMap::List(list) = self {
            if list.len() >= Self::LIST_UP_TO && !list.iter().any(|(k, _)| **k == *name) {
                *self = NameMap::Hash(std::mem::take(list).into_iter().collect());
            }
        }
        match self {
            NameMap::List(list) => {
                let slot = match list.iter().position(|(k, _)| **k == *name) {
                    Some(i) => list.get_mut(i),
                    None => {
                        list.push((name.into(), V::default()));
                        list.last_mut()
                    }
                };
                slot.map(|(_, v)| v)
            }
            NameMap::Hash(map) => Some(map.entry(name.into()).or_default()),
        }
    }
}

/// A policy compiled for evaluation. Cheap to clone (shares the source policy).
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub(crate) name: Arc<str>,
    pub(crate) source: Arc<Policy>,
    pub(crate) statements: Vec<CompiledStatement>,
    by_service: NameMap<ServiceIndex>,
    any_service: Vec<u32>,
    /// The same index keyed by catalog action id (see [`ActionIndex`]), when the policy's
    /// actions expand to few enough catalog actions. Built on the first decision of a request
    /// that carries an id (whose reading already loaded the catalog), so compiling a policy
    /// never loads the catalog for it.
    by_action: OnceLock<Option<ActionIndex>>,
}

/// For every catalog action some statement's `Action` names (exactly or by a pattern), the
/// statements that name it: one integer lookup finds a request's candidates, with their actions
/// already matched. Statements matching every service are not in it (they are visited for every
/// request), nor are actions the catalog does not know (requests for them have no catalog id
/// and take [`ServiceIndex`]).
#[derive(Debug, Clone, Default)]
struct ActionIndex {
    /// Action id to `(start, len)` in `statements`.
    by_id: HashMap<u32, (u32, u32)>,
    statements: Vec<u32>,
}

impl ActionIndex {
    /// Entries (action, statement) past which a policy keeps only the per-service index: the
    /// table then costs more memory and time to build than its lookups save.
    const MAX_ENTRIES: usize = 16_384;

    /// The index of `statements` (those not matching every service), or `None` when it could
    /// exceed [`Self::MAX_ENTRIES`] entries.
    fn new(statements: &[CompiledStatement], any_service: &[u32]) -> Option<ActionIndex> {
        let catalog = crate::catalog::catalog();
        let mut everywhere = vec![false; statements.len()];
        for &i in any_service {
            if let Some(slot) = everywhere.get_mut(i as usize) {
                *slot = true;
            }
        }
        let indexed = |i: usize| !everywhere.get(i).copied().unwrap_or(true);
        // An upper bound first, from the catalog's action counts, so that a large policy does
        // not test its patterns against thousands of names only to give the table up.
        let bound: usize = statements
            .iter()
            .enumerate()
            .filter(|(i, _)| indexed(*i))
            .flat_map(|(_, st)| st.actions.iter())
            .map(|a| match a {
                ActionPattern::Service { service, name } => match name.as_literal() {
                    Some(_) => 1,
                    None => catalog.action_count_lower(service),
                },
                _ => 0,
            })
            .sum();
        if bound > Self::MAX_ENTRIES {
            return None;
        }
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (i, st) in statements.iter().enumerate() {
            if !indexed(i) {
                continue;
            }
            for a in &st.actions {
                let ActionPattern::Service { service, name } = a else {
                    continue;
                };
                match name.as_literal() {
                    Some(n) => {
                        if let Some((id, _)) = catalog.action_lower(service, n) {
                            pairs.push((id, i as u32));
                        }
                    }
                    None => {
                        for (id, n) in catalog.action_ids_lower(service).into_iter().flatten() {
                            if name.matches(n, &NoVars) == Some(true) {
                                pairs.push((id, i as u32));
                            }
                        }
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut index = ActionIndex {
            by_id: HashMap::default(),
            statements: Vec::with_capacity(pairs.len()),
        };
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            let start = index.statements.len() as u32;
            index.statements.extend(group.iter().map(|&(_, st)| st));
            if let Some(&(id, _)) = group.first() {
                index.by_id.insert(id, (start, group.len() as u32));
            }
        }
        Some(index)
    }

    /// The statements naming action `id`.
    fn get(&self, id: u32) -> &[u32] {
        match self.by_id.get(&id) {
            Some(&(start, len)) => self
                .statements
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }
}

impl CompiledPolicy {
    pub(crate) fn new(name: &str, policy: Arc<Policy>, side: Side) -> CompiledPolicy {
        let vars = policy.variables_enabled();
        let statements: Vec<_> = policy
            .statements()
            .map(|s| compile_statement(&s, side, vars))
            .collect();
        let mut by_service: NameMap<ServiceIndex> = NameMap::default();
        let mut any_service = Vec::new();
        for (i, st) in statements.iter().enumerate() {
            let i = i as u32;
            let everything =
                st.not_action || st.actions.iter().any(|a| matches!(a, ActionPattern::All));
            if everything {
                any_service.push(i);
                continue;
            }
            // Per service: exact names go to the action map unless the statement also has a
            // wildcard for that service, in which case it is listed once among the patterns.
            let mut services: Vec<&str> = Vec::new();
            for a in &st.actions {
                if let ActionPattern::Service { service, .. } = a {
                    if !services.contains(&&**service) {
                        services.push(service);
                    }
                }
            }
            for svc in services {
                let Some(entry) = by_service.entry(svc) else {
                    // Not indexed: visited for every request, and its actions tested then.
                    any_service.push(i);
                    continue;
                };
                let names = st.actions.iter().filter_map(|a| match a {
                    ActionPattern::Service { service, name } if &**service == svc => Some(name),
                    _ => None,
                });
                if names.clone().any(|g| g.as_literal().is_none()) {
                    entry.patterns.push((i, names.cloned().collect()));
                } else {
                    for name in names {
                        match entry.exact.entry(name.as_literal().unwrap_or("")) {
                            Some(list) => {
                                if list.last() != Some(&i) {
                                    list.push(i);
                                }
                            }
                            None => entry.patterns.push((i, vec![name.clone()])),
                        }
                    }
                }
            }
        }
        CompiledPolicy {
            name: name.into(),
            source: policy,
            statements,
            by_service,
            any_service,
            by_action: OnceLock::new(),
        }
    }

    /// The name given to the policy.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy it was compiled from.
    pub fn policy(&self) -> &Policy {
        &self.source
    }

    /// Calls `f(statement, matched)` for every statement whose actions may match the
    /// (lower-cased) service and action name: those naming its service (by exact name or
    /// pattern) and those matching every service. `matched` is true when the index has already
    /// found one of the statement's action names to match; statements whose name patterns for
    /// the service all fail are not visited. No allocation.
    ///
    /// `catalog_id` is the action's id in the embedded catalog, if known: the candidates then
    /// come from [`ActionIndex`] (the same statements, found with one integer lookup), and
    /// `action`, which answers the service and the name, is not called.
    pub(crate) fn for_candidates<'a>(
        &self,
        action: impl FnOnce() -> (&'a str, &'a str),
        catalog_id: Option<u32>,
        mut f: impl FnMut(u32, bool),
    ) {
        for &i in &self.any_service {
            f(i, false);
        }
        if let Some(id) = catalog_id {
            let index = self
                .by_action
                .get_or_init(|| ActionIndex::new(&self.statements, &self.any_service));
            if let Some(index) = index {
                for &i in index.get(id) {
                    f(i, true);
                }
                return;
            }
        }
        let (service, name) = action();
        if let Some(idx) = self.by_service.get(service) {
            for (i, names) in &idx.patterns {
                if names.iter().any(|g| g.matches(name, &NoVars) == Some(true)) {
                    f(*i, true);
                }
            }
            if let Some(list) = idx.exact.get(name) {
                for &i in list {
                    f(i, true);
                }
            }
        }
    }
}

fn compile_statement(s: &Statement<'_>, side: Side, vars: bool) -> CompiledStatement {
    let action = s.action();
    let actions = action.values().map(compile_action).collect();
    let (not_resource, resources) = match s.resource() {
        Some(r) => (
            r.is_negated(),
            Some(
                r.values()
                    .map(|v| compile_resource(v, side, vars))
                    .collect(),
            ),
        ),
        None => (false, None),
    };
    let (not_principal, principals) = match s.principal() {
        Some(p) => (
            p.is_negated(),
            Some(
                p.entries()
                    .into_iter()
                    .map(|(kind, text, _)| compile_principal(kind, text))
                    .collect::<Vec<_>>(),
            ),
        ),
        None => (false, None),
    };
    let conditions = s
        .conditions()
        .map(|c| {
            let op = c.operator();
            let values: Vec<CondValue> = c
                .values()
                .map(|v| compile_value(op, v.as_str(), vars))
                .collect();
            // A policy value the operator cannot read makes the whole entry undecidable, whatever
            // the request: even when the key is absent, which decides most operators without
            // looking at the values. AWS refuses such a policy (dates) or IAM Access Analyzer
            // calls it an error, so it can never grant (docs/semantics.md, first row).
            let unreadable = values.iter().find_map(|v| match v {
                CondValue::Invalid(why) => Some(*why),
                _ => None,
            });
            let unevaluable = (op.base() == BaseOperator::Null && op.if_exists())
                .then_some("`NullIfExists` is not an operator AWS defines")
                .or(unreadable);
            CompiledCondition {
                op,
                key: c.key().to_ascii_lowercase().into_boxed_str(),
                values,
                unevaluable,
            }
        })
        .collect();
    // `"Principal": {}` names no one: in a resource-side policy, read as a missing principal
    // (a policy AWS refuses), so that a Deny with it fails closed. (`"NotPrincipal": {}`
    // excludes no one: every caller.)
    let principals = match principals {
        Some(p) if p.is_empty() && !not_principal && matches!(side, Side::Resource) => None,
        other => other,
    };
    let unevaluable = match side {
        Side::Identity if resources.is_none() => {
            Some("the statement has no `Resource`, which AWS requires here (it refuses the policy)")
        }
        Side::Identity if principals.is_some() => {
            Some("the statement names a principal, which AWS refuses in this policy type")
        }
        Side::Resource if principals.is_none() => Some(
            "the statement names no principal, which AWS requires in resource policies and RCPs (it refuses the policy)",
        ),
        _ => None,
    };
    CompiledStatement {
        unevaluable,
        effect: s.effect(),
        not_action: action.is_negated(),
        actions,
        not_resource,
        resources,
        not_principal,
        principals,
        conditions,
    }
}

const WILD: GlobSyntax = GlobSyntax {
    wildcards: true,
    variables: false,
};

fn compile_action(text: &str) -> ActionPattern {
    if !text.is_empty() && text.bytes().all(|b| b == b'*') {
        return ActionPattern::All;
    }
    let lower = text.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((service, name)) if !service.contains(['*', '?']) => ActionPattern::Service {
            service: service.into(),
            name: Glob::new(name, WILD),
        },
        _ => ActionPattern::Never,
    }
}

/// Splits an ARN pattern into five field globs and a resource glob. Colons inside `${…}` do not
/// split. Variables are recognised in the resource part, and in every field when `all_fields`
/// (condition values; in `Resource` elements AWS substitutes only the resource part).
pub(crate) fn compile_arn(
    text: &str,
    vars: bool,
    all_fields: bool,
) -> Option<(Box<[Glob; 5]>, Glob)> {
    let mut fields: Vec<&str> = Vec::with_capacity(6);
    let mut start = 0;
    for colon in crate::arn::field_colons(text) {
        fields.push(text.get(start..colon)?);
        start = colon + 1;
    }
    if fields.len() < 5 {
        return None;
    }
    let resource = text.get(start..)?;
    let [arn, partition, service, region, account] = <[&str; 5]>::try_from(fields).ok()?;
    if arn != "arn" {
        return None;
    }
    let field = GlobSyntax {
        wildcards: true,
        variables: vars && all_fields,
    };
    Some((
        Box::new([
            Glob::new("arn", WILD),
            Glob::new(partition, field),
            Glob::new(service, field),
            Glob::new(region, field),
            Glob::new(account, field),
        ]),
        Glob::new(
            resource,
            GlobSyntax {
                wildcards: true,
                variables: vars,
            },
        ),
    ))
}

fn compile_resource(text: &str, side: Side, vars: bool) -> ResourcePattern {
    if !text.is_empty() && text.bytes().all(|b| b == b'*') {
        return ResourcePattern::All;
    }
    if let Some((fields, resource)) = compile_arn(text, vars, false) {
        return arn_pattern(fields, resource);
    }
    match side {
        Side::Resource => ResourcePattern::Never,
        Side::Identity => {
            // Pad the missing trailing fields with `*`.
            let colons = text.matches(':').count();
            let padded = format!("{text}{}", ":*".repeat(5usize.saturating_sub(colons)));
            compile_arn(&padded, vars, false)
                .map(|(fields, resource)| arn_pattern(fields, resource))
                .unwrap_or(ResourcePattern::Never)
        }
    }
}

/// [`compile_resource`] for the engine's tests.
#[cfg(test)]
pub(crate) fn compile_resource_for_tests(text: &str, side: Side) -> ResourcePattern {
    compile_resource(text, side, false)
}

fn arn_pattern(fields: Box<[Glob; 5]>, resource: Glob) -> ResourcePattern {
    let literal: Option<Vec<&str>> = fields
        .iter()
        .map(|g| g.as_literal().filter(|t| !t.contains(':')))
        .collect();
    let prefix = literal.map(|l| format!("{}:", l.join(":")).into_boxed_str());
    ResourcePattern::Arn {
        fields,
        resource,
        prefix,
    }
}

fn compile_principal(kind: PrincipalKind, text: &str) -> PrincipalPattern {
    match kind {
        PrincipalKind::Everyone => PrincipalPattern::Everyone,
        // `{"Service": "*"}` is not one of the forms AWS documents for "all principals" (`"*"`,
        // `{"AWS": "*"}`); it is read as any service principal, never a user or anonymous caller.
        PrincipalKind::Service => match text {
            "*" => PrincipalPattern::AnyService,
            _ => PrincipalPattern::Service(text.into()),
        },
        PrincipalKind::Federated => PrincipalPattern::Federated(text.into()),
        PrincipalKind::CanonicalUser => PrincipalPattern::Other(text.into()),
        PrincipalKind::Aws => {
            if text == "*" {
                return PrincipalPattern::Everyone;
            }
            if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                return PrincipalPattern::Account(text.into());
            }
            let Some(p) = crate::arn::ArnParts::parse(text) else {
                return PrincipalPattern::Other(text.into());
            };
            let (kind, rest) = p.resource.split_once('/').unwrap_or((p.resource, ""));
            match (p.service, kind) {
                ("iam", "root") => PrincipalPattern::Account(p.account.into()),
                ("iam", "user") => PrincipalPattern::User(text.into()),
                ("iam", "role") => PrincipalPattern::Role {
                    account: p.account.into(),
                    name: rest.rsplit('/').next().unwrap_or(rest).into(),
                },
                ("sts", "assumed-role") => PrincipalPattern::Session(text.into()),
                ("sts", "federated-user") => PrincipalPattern::FederatedUser(text.into()),
                _ => PrincipalPattern::Other(text.into()),
            }
        }
    }
}

fn compile_value(op: ConditionOperator, text: &str, vars: bool) -> CondValue {
    match op.base().family() {
        OperatorFamily::String => {
            let like = matches!(
                op.base(),
                BaseOperator::StringLike | BaseOperator::StringNotLike
            );
            CondValue::Str(Glob::new(
                text,
                GlobSyntax {
                    wildcards: like,
                    variables: vars,
                },
            ))
        }
        OperatorFamily::Numeric => values::parse_number(text)
            .map(CondValue::Number)
            .unwrap_or(CondValue::Invalid("a policy value is not a number")),
        OperatorFamily::Date => values::parse_date(text)
            .map(CondValue::Date)
            .unwrap_or(CondValue::Invalid("a policy value is not a date")),
        // `Bool` takes policy variables (`"${aws:PrincipalTag/tls}"`): the value is then the
        // variable's text, compared with the context value's as `true`/`false` in any case.
        OperatorFamily::Bool if vars && text.contains("${") => CondValue::Str(Glob::new(
            text,
            GlobSyntax {
                wildcards: false,
                variables: true,
            },
        )),
        OperatorFamily::Bool => {
            values::parse_bool(text)
                .map(CondValue::Bool)
                .unwrap_or(CondValue::Invalid(
                    "a policy value is not `true` or `false`",
                ))
        }
        OperatorFamily::Null => {
            values::parse_bool(text)
                .map(CondValue::Null)
                .unwrap_or(CondValue::Invalid(
                    "a `Null` value is not `true` or `false`",
                ))
        }
        OperatorFamily::IpAddress => {
            values::parse_ip_network(text)
                .map(CondValue::Ip)
                .unwrap_or(CondValue::Invalid(
                    "a policy value is not an IP address or CIDR block",
                ))
        }
        OperatorFamily::Binary => values::parse_base64(text)
            .map(|b| CondValue::Binary(b.into_boxed_slice()))
            .unwrap_or(CondValue::Invalid("a policy value is not base-64")),
        OperatorFamily::Arn => match compile_arn(text, vars, true) {
            Some((fields, resource)) => CondValue::Arn { fields, resource },
            None if text == "*" => CondValue::Arn {
                fields: Box::new([
                    Glob::new("arn", WILD),
                    Glob::new("*", WILD),
                    Glob::new("*", WILD),
                    Glob::new("*", WILD),
                    Glob::new("*", WILD),
                ]),
                resource: Glob::new("*", WILD),
            },
            // Fewer than six fields: no ARN can match it.
            None => CondValue::NoMatch,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_fields_split_around_variables() {
        let (fields, resource) =
            compile_arn("arn:aws:iam::${aws:PrincipalAccount}:role/Dev", true, true).unwrap();
        assert_eq!(
            fields[4],
            Glob::new(
                "${aws:PrincipalAccount}",
                GlobSyntax {
                    wildcards: true,
                    variables: true
                }
            )
        );
        assert_eq!(resource, Glob::new("role/Dev", WILD));
        assert!(compile_arn("arn:aws:s3", true, true).is_none());
    }

    fn compiled(actions: serde_json::Value) -> CompiledPolicy {
        let text = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": "*"},
            {"Effect": "Deny", "Action": ["s3:Delete*", "S3:GETOBJECT", "s3:NoSuchAction"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        ]})
        .to_string();
        let policy = Arc::new(Policy::parse(&text).unwrap());
        CompiledPolicy::new("p", policy, Side::Identity)
    }

    /// Whether a statement's `Action`/`NotAction` matches the lower-cased action: the test the
    /// engine makes on a candidate the index did not match.
    fn names(st: &CompiledStatement, service: &str, name: &str) -> bool {
        let any = st.actions.iter().any(|a| match a {
            ActionPattern::All => true,
            ActionPattern::Service {
                service: s,
                name: g,
            } => **s == *service && g.matches(name, &NoVars) == Some(true),
            ActionPattern::Never => false,
        });
        any != st.not_action
    }

    /// The statements that apply to the action as `for_candidates` finds them: those it
    /// reports matched, and those it visits whose actions match.
    fn found(p: &CompiledPolicy, action: &str, id: Option<u32>) -> Vec<u32> {
        let (service, name) = action.split_once(':').unwrap();
        let mut seen = Vec::new();
        p.for_candidates(
            || (service, name),
            id,
            |i, matched| {
                if matched || names(&p.statements[i as usize], service, name) {
                    seen.push(i);
                }
            },
        );
        seen.sort_unstable();
        seen
    }

    /// Every statement whose actions match, found by testing all of them.
    fn all(p: &CompiledPolicy, action: &str) -> Vec<u32> {
        let (service, name) = action.split_once(':').unwrap();
        (0..p.statements.len() as u32)
            .filter(|&i| names(&p.statements[i as usize], service, name))
            .collect()
    }

    #[test]
    fn the_action_index_finds_what_testing_every_statement_finds() {
        let catalog = crate::catalog::catalog();
        let p = compiled(serde_json::json!([
            "s3:Get*",
            "s3:ListBucket",
            "ec2:Describe*"
        ]));
        // Compiling does not build the table; the first request with an id does.
        assert!(p.by_action.get().is_none());
        let (get_object, _) = catalog.action_lower("s3", "getobject").unwrap();
        assert_eq!(found(&p, "s3:getobject", Some(get_object)), vec![0, 1]);
        assert!(p.by_action.get().is_some_and(Option::is_some));
        let mut checked = 0;
        for service in ["s3", "ec2", "iam"] {
            for (id, name) in catalog.action_ids_lower(service).unwrap() {
                let action = format!("{service}:{name}");
                assert_eq!(found(&p, &action, Some(id)), all(&p, &action), "{action}");
                assert_eq!(found(&p, &action, None), all(&p, &action), "{action}");
                checked += 1;
            }
        }
        assert!(checked > 500, "{checked}");
        // An action the catalog does not know has no id and takes the per-service index.
        assert_eq!(found(&p, "s3:nosuchaction", None), vec![1]);
    }

    #[test]
    fn a_policy_naming_too_many_actions_keeps_only_the_service_index() {
        let services: Vec<String> = crate::catalog::catalog()
            .services()
            .iter()
            .map(|s| format!("{}:*", s.prefix()))
            .collect();
        let big = compiled(serde_json::json!(services));
        let (id, _) = crate::catalog::catalog()
            .action_lower("s3", "getobject")
            .unwrap();
        assert_eq!(found(&big, "s3:getobject", Some(id)), vec![0, 1]);
        assert!(big.by_action.get().is_some_and(Option::is_none));
        assert_eq!(found(&big, "ec2:runinstances", None), vec![0, 2]);
    }
}

#[cfg(test)]
mod name_map_tests {
    use super::NameMap;

    #[test]
    fn finds_every_name_as_a_list_and_as_a_hash_map() {
        let mut map: NameMap<Vec<u32>> = NameMap::default();
        for i in 0..20u32 {
            if let Some(v) = map.entry(&format!("name{i}")) {
                v.push(i);
            }
            if let Some(v) = map.entry(&format!("name{}", i / 2)) {
                v.push(100 + i);
            }
            let listed = matches!(map, NameMap::List(_));
            assert_eq!(listed, i < 8, "{i}");
        }
        assert_eq!(
            map.get("name3").map(Vec::as_slice),
            Some(&[3, 106, 107][..])
        );
        assert_eq!(map.get("name19").map(Vec::as_slice), Some(&[19][..]));
        assert!(map.get("name20").is_none());
        assert!(map.get("").is_none());
    }
}
