//! The decision flow: which statements apply, and what AWS decides from them.
//!
//! The same functions serve the fast path ([`PolicySet::decide`], no heap allocation, statements
//! found through the per-service index) and the explained path ([`PolicySet::evaluate`], every
//! statement traced), so the two cannot disagree.

use super::bytes::{same, starts_with, strip_prefix};
use super::compile::{
    ActionPattern, CompiledCondition, CompiledPolicy, CompiledStatement, CondValue,
    PrincipalPattern, ResourcePattern,
};
use super::glob::{Glob, NoVars, Resolve};
use super::request::{Caller, ContextValue, Request, Scalar};
use super::variables::VarRef;
use super::{Decision, Layer, Outcome, PolicySet, StatementId};
use crate::arn::{ArnCuts, ArnParts};
use crate::model::condition::{BaseOperator, OperatorFamily, SetQualifier};
use crate::model::Effect;

/// Three-valued truth: conditions that cannot be evaluated are `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown(&'static str),
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// How a resource-policy statement names the caller; decides which implicit denies it overrides
/// in the same account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// The caller's account (a delegation to its IAM policies).
    Account,
    /// The role of the caller's session (limited by boundary and session policy).
    ViaRole,
    /// The caller itself, or everyone.
    Direct,
}

/// What one statement did for one request and resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatementMatch {
    pub action: bool,
    pub resource: Option<bool>,
    pub principal: Option<Class>,
    /// Whether the principal test ran and failed.
    pub principal_failed: bool,
    pub conditions: Tri,
}

impl StatementMatch {
    /// `Some(Tri)` when action, resource and principal matched, with the conditions' verdict.
    pub fn verdict(&self) -> Tri {
        if !self.action || self.resource == Some(false) || self.principal_failed {
            Tri::False
        } else {
            self.conditions
        }
    }
}

/// The evaluation context for one resource.
pub(crate) struct Query<'r> {
    pub req: &'r Request,
    pub resource: &'r str,
    /// Where `resource` is cut into ARN fields (`None`: not an ARN). The fields themselves are
    /// cut only when a check needs them: most statements compare the plain-text head of their
    /// patterns with the resource's text instead.
    pub cuts: Option<ArnCuts>,
    pub has_boundary: bool,
}

/// Resolves policy variables from the request context: single-valued keys only (multivalued
/// keys cannot be variables); an absent key uses the variable's default, if any.
pub(crate) struct CtxVars<'a>(pub &'a Request);

impl Resolve for CtxVars<'_> {
    fn resolve<'s>(&'s self, v: &'s VarRef) -> Option<&'s str> {
        match self.0.context_lower(&v.key) {
            Some(ContextValue::Single(s)) => Some(s.as_str()),
            Some(ContextValue::List(_)) => None,
            None => v.default.as_deref(),
        }
    }
}

impl<'r> Query<'r> {
    fn vars(&self) -> CtxVars<'_> {
        CtxVars(self.req)
    }
    /// The resource's ARN fields, if it is an ARN.
    pub(crate) fn parts(&self) -> Option<ArnParts<'r>> {
        self.cuts.and_then(|c| c.parts(self.resource))
    }
    /// The resource ARN's account field, if it is an ARN.
    fn arn_account(&self) -> Option<&'r str> {
        self.cuts.and_then(|c| c.account(self.resource))
    }
}

fn action_matches(st: &CompiledStatement, req: &Request) -> bool {
    let service = req.service_lower();
    let name = req.name_lower();
    let any = st.actions.iter().any(|a| match a {
        ActionPattern::All => true,
        ActionPattern::Service {
            service: s,
            name: g,
        } => same(s.as_bytes(), service.as_bytes()) && g.matches(name, &NoVars).unwrap_or(false),
        ActionPattern::Never => false,
    });
    any != st.not_action
}

fn arn_matches(
    fields: &[Glob; 5],
    resource: &Glob,
    parts: &ArnParts<'_>,
    vars: &dyn Resolve,
) -> Option<bool> {
    let texts = [
        "arn",
        parts.partition,
        parts.service,
        parts.region,
        parts.account,
    ];
    for (g, t) in fields.iter().zip(texts) {
        // Fields hold variables only in condition values (Resource fields compile without).
        if !g.matches(t, vars)? {
            return Some(false);
        }
    }
    resource.matches(parts.resource, vars)
}

/// `Some(true/false)`, or `None` when an entry's variable could not be resolved and the answer
/// depends on it (`NotResource`).
///
/// This and the two condition functions below are always inlined into `statement_match`, their
/// one caller on the fast path: as calls they cost more than their work, most in WebAssembly,
/// where V8 saves every live register around a call (inlining them saved 3% of a decision's
/// instructions natively and 5% in WebAssembly; `bench/instructions.sh`).
#[inline(always)]
fn resource_matches(st: &CompiledStatement, q: &Query<'_>) -> Option<bool> {
    let Some(patterns) = &st.resources else {
        return Some(true);
    };
    let vars = q.vars();
    let mut unresolved = false;
    let mut any = false;
    for p in patterns {
        let hit = match p {
            ResourcePattern::All => Some(true),
            ResourcePattern::Never => Some(false),
            ResourcePattern::Arn {
                fields,
                resource,
                prefix,
            } => match q.cuts {
                // The five fields are plain text: the resource's text must start with them.
                Some(_) if prefix.is_some() => {
                    match prefix.as_deref().and_then(|p| strip_prefix(q.resource, p)) {
                        Some(rest) => resource.matches(rest, &vars),
                        None => Some(false),
                    }
                }
                Some(_) => match q.parts() {
                    Some(parts) => arn_matches(fields, resource, &parts, &vars),
                    None => Some(false),
                },
                // `*` (wildcard-only actions) and non-ARN resources match only `*`.
                None => Some(false),
            },
        };
        match hit {
            Some(true) => {
                any = true;
                break;
            }
            Some(false) => {}
            None => unresolved = true,
        }
    }
    if st.not_resource {
        // An entry with an unresolvable variable matches nothing (AWS); whether it then excludes
        // the resource is unknown, so a NotResource statement with one is undecidable.
        if any {
            Some(false)
        } else if unresolved {
            None
        } else {
            Some(true)
        }
    } else {
        Some(any)
    }
}

fn principal_class(
    patterns: &[PrincipalPattern],
    caller: &Caller,
    account: Option<&str>,
    federating_user: Option<&str>,
) -> Option<Class> {
    let mut best: Option<Class> = None;
    for p in patterns {
        let class = match (p, caller) {
            // The IAM user who federated: the session gets the grant, within its limits.
            (PrincipalPattern::User(arn), Caller::FederatedUser { .. })
                if federating_user == Some(&**arn) =>
            {
                Some(Class::ViaRole)
            }
            (PrincipalPattern::Everyone, _) => Some(Class::Direct),
            (PrincipalPattern::Account(a), c) => (c.is_iam_identity()
                || matches!(c, Caller::Root { .. }))
            .then_some(())
            .and_then(|_| (account == Some(&**a)).then_some(Class::Account)),
            (PrincipalPattern::User(arn), Caller::User { arn: u, .. }) => {
                (arn == u).then_some(Class::Direct)
            }
            (
                PrincipalPattern::Role { account, name },
                Caller::RoleSession {
                    account: a,
                    role_name,
                    ..
                },
            ) => (account == a && name.eq_ignore_ascii_case(role_name)).then_some(Class::ViaRole),
            (
                PrincipalPattern::Session(arn),
                Caller::RoleSession {
                    arn: s,
                    session: Some(_),
                    ..
                },
            ) => (arn == s).then_some(Class::Direct),
            (PrincipalPattern::FederatedUser(arn), Caller::FederatedUser { arn: f, .. }) => {
                (arn == f).then_some(Class::Direct)
            }
            (PrincipalPattern::Service(s), Caller::Service(c)) => (s == c).then_some(Class::Direct),
            (PrincipalPattern::AnyService, Caller::Service(_)) => Some(Class::Direct),
            (PrincipalPattern::Federated(s), Caller::Federated(c)) => {
                (s == c).then_some(Class::Direct)
            }
            _ => None,
        };
        best = best.max(class);
    }
    best
}

/// Whether a `NotPrincipal` list spares the caller: it names every identity AWS may check for
/// the request, in the order AWS documents ("the account first, then the role, and then the
/// assumed-role user"). A user is spared when the list names it and its account; a role session
/// when it names the session, its role and the account. A role ARN does not spare the role's
/// sessions (a session must be named; no wildcard means "all sessions"), so a session whose name
/// is not known (the caller given as the role ARN) is never spared. An account entry names only
/// the account itself (its root user), not every principal in it.
fn not_principal_lists(
    patterns: &[PrincipalPattern],
    caller: &Caller,
    account: Option<&str>,
) -> bool {
    let named = |test: &dyn Fn(&PrincipalPattern) -> bool| {
        patterns
            .iter()
            .any(|p| matches!(p, PrincipalPattern::Everyone) || test(p))
    };
    let account_named =
        || named(&|p| matches!(p, PrincipalPattern::Account(a) if Some(&**a) == account));
    match caller {
        Caller::Anonymous => named(&|_| false),
        Caller::Service(c) => named(&|p| {
            matches!(p, PrincipalPattern::AnyService)
                || matches!(p, PrincipalPattern::Service(s) if s == c)
        }),
        Caller::Federated(c) => named(&|p| matches!(p, PrincipalPattern::Federated(s) if s == c)),
        Caller::Root { .. } => account_named(),
        Caller::User { arn, .. } => {
            account_named() && named(&|p| matches!(p, PrincipalPattern::User(u) if u == arn))
        }
        Caller::FederatedUser { arn, .. } => {
            account_named()
                && named(&|p| matches!(p, PrincipalPattern::FederatedUser(f) if f == arn))
        }
        Caller::RoleSession {
            arn,
            account: role_account,
            role_name,
            session,
            ..
        } => {
            let role = named(&|p| {
                matches!(p, PrincipalPattern::Role { account: a, name }
                    if a == role_account && name.eq_ignore_ascii_case(role_name))
            });
            let this_session = session.is_some()
                && named(&|p| matches!(p, PrincipalPattern::Session(s) if s == arn));
            account_named() && role && this_session
        }
    }
}

/// Evaluates one statement. `principal_required`: the layer's statements name principals
/// (resource policies, RCPs); a statement there without one never matches. `action_matched`:
/// the caller already knows that the statement's `Action` names the request's action.
pub(crate) fn statement_match(
    st: &CompiledStatement,
    q: &Query<'_>,
    principal_required: bool,
    action_matched: bool,
    mut on_condition: impl FnMut(usize, Tri),
) -> StatementMatch {
    let mut m = StatementMatch {
        action: action_matched || action_matches(st, q.req),
        resource: None,
        principal: None,
        principal_failed: false,
        conditions: Tri::True,
    };
    if !m.action {
        return m;
    }
    let resource = resource_matches(st, q);
    m.resource = Some(resource.unwrap_or(true));
    if resource == Some(false) {
        return m;
    }
    if principal_required {
        m.principal = match &st.principals {
            // No principal: a policy AWS refuses, undecidable (`st.unevaluable`) rather than
            // applying to no one, so that a Deny there fails closed.
            None => st.unevaluable.map(|_| Class::Direct),
            Some(patterns) if st.not_principal => {
                // The documented special case: a Deny with NotPrincipal in a resource policy
                // applies to every principal that has a permissions boundary.
                let forced =
                    st.effect == Effect::Deny && q.has_boundary && q.req.caller().is_iam_identity();
                (forced || !not_principal_lists(patterns, q.req.caller(), q.req.caller_account()))
                    .then_some(Class::Direct)
            }
            Some(patterns) => principal_class(
                patterns,
                q.req.caller(),
                q.req.caller_account(),
                q.req.federating_user_arn(),
            ),
        };
        if m.principal.is_none() {
            m.principal_failed = true;
            return m;
        }
    }
    let mut verdict = match (resource, st.unevaluable) {
        (_, Some(why)) => Tri::Unknown(why),
        (None, None) => Tri::Unknown("a `NotResource` entry has a policy variable with no value"),
        (Some(_), None) => Tri::True,
    };
    for (i, c) in st.conditions.iter().enumerate() {
        let t = eval_condition(c, q);
        on_condition(i, t);
        match t {
            Tri::False => {
                verdict = Tri::False;
                break;
            }
            Tri::Unknown(r) => {
                if verdict == Tri::True {
                    verdict = Tri::Unknown(r);
                }
            }
            Tri::True => {}
        }
    }
    m.conditions = verdict;
    m
}

/// Evaluates one condition entry under the missing-key rules AWS documents.
#[inline(always)]
pub(crate) fn eval_condition(c: &CompiledCondition, q: &Query<'_>) -> Tri {
    if let Some(reason) = c.unevaluable {
        return Tri::Unknown(reason);
    }
    let value = q.req.context_lower(&c.key);
    let base = c.op.base();
    if base == BaseOperator::Null {
        if c.values.iter().any(|v| !matches!(v, CondValue::Null(_))) {
            return Tri::Unknown("a `Null` value is not `true` or `false`");
        }
        let present = value.is_some_and(|v| !v.is_null());
        // With a set qualifier, a missing key follows the qualifiers' rule (`ForAllValues` true,
        // `ForAnyValue` false), as AWS's policy simulator answers; a present key is tested as by
        // plain `Null`, which looks at presence only (docs/semantics.md, "Null with a set
        // qualifier").
        if !present {
            match c.op.qualifier() {
                Some(SetQualifier::ForAllValues) => return Tri::True,
                Some(SetQualifier::ForAnyValue) => return Tri::False,
                None => {}
            }
        }
        // `Null: true` asks for an absent key.
        let hit = c
            .values
            .iter()
            .any(|v| matches!(v, CondValue::Null(want_absent) if *want_absent != present));
        return hit.into();
    }
    let if_exists = c.op.if_exists();
    match c.op.qualifier() {
        Some(q_) => {
            let values = match value {
                Some(v) if !v.is_null() => v.as_slice(),
                _ => {
                    return match q_ {
                        SetQualifier::ForAllValues => Tri::True,
                        SetQualifier::ForAnyValue => if_exists.into(),
                    }
                }
            };
            let mut unknown = None;
            for x in values {
                match base_match(c, x, q) {
                    Tri::True if q_ == SetQualifier::ForAnyValue => return Tri::True,
                    Tri::False if q_ == SetQualifier::ForAllValues => return Tri::False,
                    Tri::Unknown(r) => unknown = Some(r),
                    _ => {}
                }
            }
            match (unknown, q_) {
                (Some(r), _) => Tri::Unknown(r),
                (None, SetQualifier::ForAllValues) => Tri::True,
                (None, SetQualifier::ForAnyValue) => Tri::False,
            }
        }
        None => match value {
            None => (if_exists || base.is_negated()).into(),
            // A plain operator does not compare a multivalued key; it needs a set qualifier.
            Some(ContextValue::List(_)) => Tri::False,
            Some(ContextValue::Single(x)) => base_match(c, x, q),
        },
    }
}

/// Compares one context value with the policy values: a positive operator matches if any value
/// matches; a negated one if none does.
#[inline(always)]
fn base_match(c: &CompiledCondition, x: &Scalar, q: &Query<'_>) -> Tri {
    let base = c.op.base();
    if base.family() == OperatorFamily::Arn && ArnParts::parse(x.as_str()).is_none() {
        // A context value that is not an ARN matches no ARN operator, negated or not.
        return Tri::False;
    }
    let vars = q.vars();
    let mut unknown = None;
    let mut any = false;
    for v in &c.values {
        match positive_match(base, v, x, &vars) {
            Ok(true) => {
                any = true;
                break;
            }
            Ok(false) => {}
            Err(r) => unknown = Some(r),
        }
    }
    match (any, unknown) {
        (true, _) => (!base.is_negated()).into(),
        (false, Some(r)) => Tri::Unknown(r),
        (false, None) => base.is_negated().into(),
    }
}

fn ordered<T: PartialOrd>(base: BaseOperator, x: T, v: T) -> bool {
    use BaseOperator::*;
    match base {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => x == v,
        NumericLessThan | DateLessThan => x < v,
        NumericLessThanEquals | DateLessThanEquals => x <= v,
        NumericGreaterThan | DateGreaterThan => x > v,
        NumericGreaterThanEquals | DateGreaterThanEquals => x >= v,
        _ => false,
    }
}

/// The positive form of `base` on one policy value. `Err` when either side cannot be read.
fn positive_match(
    base: BaseOperator,
    v: &CondValue,
    x: &Scalar,
    vars: &dyn Resolve,
) -> Result<bool, &'static str> {
    use BaseOperator as B;
    match v {
        CondValue::Invalid(why) => Err(why),
        CondValue::NoMatch => Ok(false),
        // An unresolvable variable matches nothing ("effectively null").
        CondValue::Str(g) => Ok(match base {
            B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => {
                g.eq_ignore_case(x.as_str(), vars).unwrap_or(false)
            }
            // A `Bool` value with a policy variable (compile.rs): both sides read as booleans;
            // either unreadable is a value that cannot be read, like a plain `Bool`'s.
            B::Bool => {
                let Some(want) = x.boolean() else {
                    return Err("a context value is not `true` or `false`");
                };
                // Compared without building the resolved text (no allocation).
                match (
                    g.eq_ignore_case("true", vars),
                    g.eq_ignore_case("false", vars),
                ) {
                    // An unresolvable variable matches nothing ("effectively null").
                    (None, _) | (_, None) => false,
                    (Some(true), _) => want,
                    (_, Some(true)) => !want,
                    _ => return Err("a policy variable's value is not `true` or `false`"),
                }
            }
            _ => g.matches(x.as_str(), vars).unwrap_or(false),
        }),
        CondValue::Number(n) => x
            .number()
            .map(|xv| ordered(base, xv, *n))
            .ok_or("a context value is not a number"),
        CondValue::Date(d) => x
            .date()
            .map(|xv| ordered(base, xv, *d))
            .ok_or("a context value is not a date"),
        CondValue::Bool(b) => x
            .boolean()
            .map(|xv| xv == *b)
            .ok_or("a context value is not `true` or `false`"),
        CondValue::Ip(net) => x
            .ip()
            .map(|ip| net.contains(ip))
            .ok_or("a context value is not an IP address"),
        CondValue::Binary(bytes) => x
            .binary()
            .map(|xb| *xb == **bytes)
            .ok_or("a context value is not base-64"),
        CondValue::Arn { fields, resource } => match ArnParts::parse(x.as_str()) {
            Some(parts) => Ok(arn_matches(fields, resource, &parts, vars).unwrap_or(false)),
            None => Ok(false),
        },
        CondValue::Null(_) => Err("a `Null` value under another operator"),
    }
}

/// Per-policy findings for one request and resource.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PolicyFacts {
    pub allow: Option<u32>,
    pub allow_class: Option<Class>,
    /// The lowest-numbered applicable Allow of each class (Account, ViaRole, Direct), so that the
    /// statement reported is one that decided, whatever order statements were visited in.
    pub allow_by_class: [Option<u32>; 3],
    pub deny: Option<u32>,
    /// A Deny that could not be evaluated (treated as applying: fail closed).
    pub unknown_deny: Option<u32>,
    /// An Allow that could not be evaluated (treated as not applying).
    pub unknown_allow: Option<u32>,
}

/// Hooks for the explained path.
pub(crate) trait Observer {
    /// Whether to evaluate every statement (in order) rather than the indexed candidates.
    fn exhaustive(&self) -> bool;
    /// Called for every evaluated statement.
    fn statement(
        &mut self,
        layer: Layer,
        policy: usize,
        index: usize,
        policy_ref: &CompiledPolicy,
        q: &Query<'_>,
        m: &StatementMatch,
    );
}

/// The fast path's observer: nothing recorded.
pub(crate) struct Quiet;

impl Observer for Quiet {
    fn exhaustive(&self) -> bool {
        false
    }
    fn statement(
        &mut self,
        _: Layer,
        _: usize,
        _: usize,
        _: &CompiledPolicy,
        _: &Query<'_>,
        _: &StatementMatch,
    ) {
    }
}

pub(crate) fn scan<O: Observer>(
    policy: &CompiledPolicy,
    layer: Layer,
    policy_index: usize,
    q: &Query<'_>,
    principal_required: bool,
    obs: &mut O,
) -> PolicyFacts {
    let mut facts = PolicyFacts::default();
    let exhaustive = obs.exhaustive();
    let mut visit = |i: u32, action_matched: bool| {
        let Some(st) = policy.statements.get(i as usize) else {
            return;
        };
        let m = statement_match(st, q, principal_required, action_matched, |_, _| {});
        obs.statement(layer, policy_index, i as usize, policy, q, &m);
        match (st.effect, m.verdict()) {
            (_, Tri::False) => {}
            (Effect::Allow, Tri::True) => {
                facts.allow = Some(facts.allow.map_or(i, |a| a.min(i)));
                let class = m.principal.unwrap_or(Class::Direct);
                facts.allow_class = facts.allow_class.max(Some(class));
                if let Some(slot) = facts.allow_by_class.get_mut(class as usize) {
                    *slot = Some(slot.map_or(i, |a| a.min(i)));
                }
            }
            (Effect::Deny, Tri::True) => {
                facts.deny = Some(facts.deny.map_or(i, |d| d.min(i)));
            }
            (Effect::Allow, Tri::Unknown(_)) => {
                facts.unknown_allow = Some(facts.unknown_allow.map_or(i, |d| d.min(i)));
            }
            (Effect::Deny, Tri::Unknown(_)) => {
                facts.unknown_deny = Some(facts.unknown_deny.map_or(i, |d| d.min(i)));
            }
        }
    };
    if exhaustive {
        for i in 0..policy.statements.len() as u32 {
            visit(i, false);
        }
    } else {
        policy.for_candidates(
            || (q.req.service_lower(), q.req.name_lower()),
            q.req.catalog_id(),
            visit,
        );
    }
    facts
}

/// Why AWS refuses this caller this action whatever the policies say, if it does: limits of
/// the caller's kind of credentials that the STS API reference documents.
pub(crate) fn refused_for_caller(req: &Request) -> Option<&'static str> {
    let action = req.action_lower().as_bytes();
    match req.caller() {
        // AssumeRole: "You cannot use AWS account root user credentials to call AssumeRole. You
        // must use credentials for an IAM user or an IAM role." (An unsigned call has none.)
        Caller::Root { .. } if same(action, b"sts:assumerole") => {
            Some("the root user cannot call sts:AssumeRole: AWS requires an IAM user's or role's credentials")
        }
        Caller::Anonymous if same(action, b"sts:assumerole") => {
            Some("sts:AssumeRole needs credentials: an anonymous caller cannot assume a role")
        }
        // GetFederationToken: "You cannot use these credentials to call any IAM API operations.
        // You cannot call any STS API operations except GetCallerIdentity."
        Caller::FederatedUser { .. } if starts_with(req.action_lower(), "iam:") => {
            Some("a federated user (GetFederationToken credentials) cannot call IAM")
        }
        Caller::FederatedUser { .. }
            if starts_with(req.action_lower(), "sts:") && !always_allowed(req.action_lower()) =>
        {
            Some("a federated user (GetFederationToken credentials) cannot call STS except sts:GetCallerIdentity")
        }
        _ => None,
    }
}

/// Whether the action's service is IAM, STS or KMS: the services of every action that
/// [`always_allowed`], [`refused_for_caller`] and [`requires_resource_policy`] single out.
fn special_service(req: &Request) -> bool {
    matches!(req.service_lower().as_bytes(), b"iam" | b"sts" | b"kms")
}

/// Actions AWS allows whatever the policies say.
fn always_allowed(action_lower: &str) -> bool {
    same(action_lower.as_bytes(), b"sts:getcalleridentity")
}

/// Whether the resource-based policy must itself allow, even in the same account: role trust
/// policies (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`) and KMS key policies.
fn requires_resource_policy(action_lower: &str, q: &Query<'_>) -> bool {
    let key =
        |p: ArnParts<'_>| same(p.service.as_bytes(), b"kms") && starts_with(p.resource, "key/");
    (starts_with(action_lower, "kms:") && q.parts().is_some_and(key))
        || starts_with(action_lower, "sts:assumerole")
        // Passing session tags or a source identity needs the role trust policy's grant too
        // ("Permissions required to add session tags"; "Monitor and control actions taken with
        // assumed roles").
        || same(action_lower.as_bytes(), b"sts:tagsession")
        || same(action_lower.as_bytes(), b"sts:setsourceidentity")
}

/// Why AWS refuses the action to a caller from another account than the resource's, whatever the
/// policies say, if it does.
pub(crate) fn never_across_accounts(req: &Request) -> Option<&'static str> {
    let action = req.action_lower();
    let service = req.service_lower().as_bytes();
    if same(service, b"s3") {
        // "If you have the correct permissions, but you're not using an identity that belongs to
        // the bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error."
        // (S3 API Reference: GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy.)
        return bucket_policy_action(action)
        .then_some("only the bucket owner's account can read, replace or delete a bucket policy (S3 answers 405 Method Not Allowed)");
    }
    if same(service, b"sqs") {
        // "Cross-account permissions don't apply to the following actions" (Amazon SQS Developer
        // Guide, "Limitations of Amazon SQS custom policies").
        return matches!(
            action,
            "sqs:addpermission"
                | "sqs:cancelmessagemovetask"
                | "sqs:createqueue"
                | "sqs:deletequeue"
                | "sqs:listmessagemovetasks"
                | "sqs:listqueues"
                | "sqs:listqueuetags"
                | "sqs:removepermission"
                | "sqs:setqueueattributes"
                | "sqs:startmessagemovetask"
                | "sqs:tagqueue"
                | "sqs:untagqueue"
        )
        .then_some("Amazon SQS does not grant this action to other accounts, whatever the queue policy says");
    }
    None
}

/// Whether the (lower-cased) action reads, replaces or deletes an S3 bucket policy.
fn bucket_policy_action(action_lower: &str) -> bool {
    matches!(
        action_lower,
        "s3:getbucketpolicy" | "s3:putbucketpolicy" | "s3:deletebucketpolicy"
    )
}

/// Whether the bucket owner's root user asks to read, replace or delete the bucket policy, which
/// the bucket policy cannot deny it: "the root principal of the bucket owner account can perform
/// the GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions, even if their bucket
/// policy explicitly denies the root principal's access" (Amazon S3 API Reference). SCPs and RCPs
/// still can.
fn owner_root_manages_bucket_policy(q: &Query<'_>) -> bool {
    let req = q.req;
    if !matches!(req.caller(), Caller::Root { .. }) {
        return false;
    }
    bucket_policy_action(req.action_lower())
        && matches!(
            (req.caller_account(), req.resource_account_of(q.arn_account())),
            (Some(a), Some(b)) if same(a.as_bytes(), b.as_bytes())
        )
}

/// Whether the caller is a session of a service-linked role.
fn service_linked_role(req: &Request) -> bool {
    match req.caller() {
        Caller::RoleSession { role_arn, .. } => {
            let arn = match req.context_lower("aws:principalarn") {
                Some(ContextValue::Single(s)) => s.as_str(),
                _ => role_arn,
            };
            // Service-linked roles live under `/aws-service-role/` and are named
            // `AWSServiceRoleFor…`; a session ARN carries the name but not the path.
            let name = arn.rsplit('/').next().unwrap_or("");
            arn.contains(":role/aws-service-role/") || name.starts_with("AWSServiceRoleFor")
        }
        _ => false,
    }
}

/// Whether SCPs apply to the caller: principals of member accounts, but not service-linked roles,
/// service principals or anonymous callers.
pub(crate) fn scps_apply(req: &Request) -> bool {
    match req.caller() {
        Caller::Anonymous | Caller::Service(_) | Caller::Federated(_) => false,
        _ => !service_linked_role(req),
    }
}

/// Whether RCPs apply: to every caller, root users and anonymous callers included, except
/// service-linked roles ("RCPs do not apply to calls made by service-linked roles"); and they do
/// not affect `kms:RetireGrant` (AWS Organizations, "Resource control policies").
pub(crate) fn rcps_apply(req: &Request) -> bool {
    !service_linked_role(req) && !same(req.action_lower().as_bytes(), b"kms:retiregrant")
}

fn merge_identity(into: &mut PolicyFacts, idx: &mut Option<u16>, p: PolicyFacts, i: usize) {
    if into.allow.is_none() && p.allow.is_some() {
        into.allow = p.allow;
        *idx = Some(i as u16);
    }
    into.deny = into.deny.or(p.deny);
    into.unknown_deny = into.unknown_deny.or(p.unknown_deny);
    into.unknown_allow = into.unknown_allow.or(p.unknown_allow);
}

/// Evaluates every layer for one resource and decides.
pub(crate) fn decide_resource<O: Observer>(set: &PolicySet, q: &Query<'_>, obs: &mut O) -> Outcome {
    let req = q.req;
    // The caller-specific rules below (`always_allowed`, `refused_for_caller`,
    // `requires_resource_policy`) concern IAM, STS and KMS actions only: other actions skip
    // them. (S3 and SQS actions have rules of their own, which run only with a resource policy
    // or across accounts.)
    let special = special_service(req);
    if special {
        let signed = req.caller().is_iam_identity() || matches!(req.caller(), Caller::Root { .. });
        if signed && always_allowed(req.action_lower()) {
            return Outcome::new(Decision::Allow, None, None);
        }
        if refused_for_caller(req).is_some() {
            return Outcome::new(Decision::ImplicitDeny, None, None);
        }
    }
    let iam = req.caller().is_iam_identity();
    let mut deny: Option<StatementId> = None;
    let mut unknown_deny: Option<StatementId> = None;
    let note = |slot: &mut Option<StatementId>, layer: Layer, policy: usize, st: Option<u32>| {
        if slot.is_none() {
            if let Some(s) = st {
                *slot = Some(StatementId::new(layer, policy, s as usize));
            }
        }
    };

    // Identity-side policies apply to IAM users, role sessions and federated users.
    let mut identity = PolicyFacts::default();
    let mut identity_policy = None;
    let mut boundary = PolicyFacts::default();
    let mut session = PolicyFacts::default();
    if iam {
        for (i, p) in set.identity.iter().enumerate() {
            let f = scan(p, Layer::Identity, i, q, false, obs);
            note(&mut deny, Layer::Identity, i, f.deny);
            note(&mut unknown_deny, Layer::Identity, i, f.unknown_deny);
            merge_identity(&mut identity, &mut identity_policy, f, i);
        }
        if let Some(p) = &set.boundary {
            boundary = scan(p, Layer::PermissionsBoundary, 0, q, false, obs);
            note(&mut deny, Layer::PermissionsBoundary, 0, boundary.deny);
            note(
                &mut unknown_deny,
                Layer::PermissionsBoundary,
                0,
                boundary.unknown_deny,
            );
        }
        if let Some(p) = &set.session {
            session = scan(p, Layer::Session, 0, q, false, obs);
            note(&mut deny, Layer::Session, 0, session.deny);
            note(&mut unknown_deny, Layer::Session, 0, session.unknown_deny);
        }
    }
    let mut resource = PolicyFacts::default();
    if let Some(p) = &set.resource {
        resource = scan(p, Layer::Resource, 0, q, true, obs);
        if !owner_root_manages_bucket_policy(q) {
            note(&mut deny, Layer::Resource, 0, resource.deny);
            note(&mut unknown_deny, Layer::Resource, 0, resource.unknown_deny);
        }
    }
    // Organizations policies: each level must allow.
    let mut scp_gap = None;
    let mut scp_allow = None;
    if !set.scps.is_empty() && scps_apply(req) {
        for (level, policies) in set.scps.iter().enumerate() {
            let layer = Layer::Scp(level as u16);
            let mut allowed = None;
            for (i, p) in policies.iter().enumerate() {
                let f = scan(p, layer, i, q, false, obs);
                note(&mut deny, layer, i, f.deny);
                note(&mut unknown_deny, layer, i, f.unknown_deny);
                note(&mut allowed, layer, i, f.allow);
            }
            if allowed.is_none() && scp_gap.is_none() {
                scp_gap = Some(level as u16);
            }
            scp_allow = scp_allow.or(allowed);
        }
    }
    // RCPs only deny: AWS attaches `RCPFullAWSAccess` to every root, OU and account and it cannot
    // be detached ("RCP evaluation"), so every level allows whatever its Denies leave.
    let rcps: &[Vec<CompiledPolicy>] = if !set.rcps.is_empty() && rcps_apply(req) {
        &set.rcps
    } else {
        &[]
    };
    for (level, policies) in rcps.iter().enumerate() {
        let layer = Layer::Rcp(level as u16);
        for (i, p) in policies.iter().enumerate() {
            let f = scan(p, layer, i, q, true, obs);
            note(&mut deny, layer, i, f.deny);
            note(&mut unknown_deny, layer, i, f.unknown_deny);
        }
    }

    // 1. An explicit Deny anywhere wins; an undecidable Deny is treated as one (fail closed).
    if let Some(d) = deny.or(unknown_deny) {
        return Outcome::new(Decision::ExplicitDeny, Some(d), Some(d.layer()));
    }
    // 2-3. SCPs: every level needs an Allow. (RCP levels always have one, above.)
    if let Some(level) = scp_gap {
        return Outcome::new(Decision::ImplicitDeny, None, Some(Layer::Scp(level)));
    }
    let rp_class = resource.allow_class;
    let rp_allow = rp_class
        .and_then(|c| resource.allow_by_class.get(c as usize).copied().flatten())
        .map(|s| StatementId::new(Layer::Resource, 0, s as usize));
    let allow_rp = || Outcome::new(Decision::Allow, rp_allow, None);
    let deny_at = |layer: Layer| Outcome::new(Decision::ImplicitDeny, None, Some(layer));
    let same_account = match (
        req.caller_account(),
        req.resource_account_of(q.arn_account()),
    ) {
        (Some(a), Some(b)) => same(a.as_bytes(), b.as_bytes()),
        _ => true,
    };
    let needs_rp = special && requires_resource_policy(req.action_lower(), q);
    // Callers without an account (anonymous, service principals) belong to no resource's
    // account either.
    let foreign = !same_account || req.caller_account().is_none();
    if foreign && never_across_accounts(req).is_some() {
        return Outcome::new(Decision::ImplicitDeny, None, None);
    }
    match req.caller() {
        // Callers without identity policies get access only from the resource policy.
        Caller::Anonymous | Caller::Service(_) | Caller::Federated(_) => {
            if rp_class.is_some() {
                allow_rp()
            } else {
                deny_at(Layer::Resource)
            }
        }
        // The root user has full access in its own account; elsewhere it needs a grant.
        Caller::Root { .. } => {
            if (same_account && !needs_rp) || rp_class.is_some() {
                Outcome::new(Decision::Allow, rp_allow, None)
            } else {
                deny_at(Layer::Resource)
            }
        }
        Caller::User { .. } | Caller::RoleSession { .. } | Caller::FederatedUser { .. } => {
            let boundary_ok = set.boundary.is_none() || boundary.allow.is_some();
            let session_ok = match req.caller() {
                Caller::FederatedUser { .. } => set.session.is_some() && session.allow.is_some(),
                Caller::RoleSession { .. } => set.session.is_none() || session.allow.is_some(),
                _ => true,
            };
            let identity_allow = identity.allow.map(|s| {
                StatementId::new(
                    Layer::Identity,
                    identity_policy.unwrap_or(0) as usize,
                    s as usize,
                )
            });
            let limits = |allow: Outcome| {
                if !boundary_ok {
                    deny_at(Layer::PermissionsBoundary)
                } else if !session_ok {
                    deny_at(Layer::Session)
                } else {
                    allow
                }
            };
            if same_account {
                if needs_rp && rp_class.is_none() {
                    return deny_at(Layer::Resource);
                }
                match rp_class {
                    Some(Class::Direct) => allow_rp(),
                    Some(Class::ViaRole) => limits(allow_rp()),
                    Some(Class::Account) | None => match identity_allow {
                        Some(id) => limits(Outcome::new(Decision::Allow, Some(id), None)),
                        None => deny_at(Layer::Identity),
                    },
                }
            } else {
                match (rp_class, identity_allow) {
                    (None, _) => deny_at(Layer::Resource),
                    (Some(_), None) => deny_at(Layer::Identity),
                    (Some(_), Some(id)) => limits(Outcome::new(Decision::Allow, Some(id), None)),
                }
            }
        }
    }
}

/// Decides a whole request: every resource must be allowed; an explicit deny on any resource wins
/// over an implicit one.
pub(crate) fn decide<O: Observer>(
    set: &PolicySet,
    req: &Request,
    obs: &mut O,
    mut per_resource: impl FnMut(&str, Outcome),
) -> Outcome {
    let has_boundary = set.boundary.is_some();
    let mut one = |index: usize, resource: &str| {
        let q = Query {
            req,
            resource,
            cuts: req.resource_cuts(index, resource),
            has_boundary,
        };
        let o = decide_resource(set, &q, obs);
        per_resource(resource, o);
        o
    };
    let resources = req.resources();
    match resources {
        [] => one(usize::MAX, "*"),
        [r] => one(0, r),
        _ => {
            let mut result: Option<Outcome> = None;
            for (i, r) in resources.iter().enumerate() {
                let o = one(i, r);
                let better = match (&result, o.decision()) {
                    (None, _) => true,
                    (Some(r), Decision::ExplicitDeny) => r.decision() != Decision::ExplicitDeny,
                    (Some(r), Decision::ImplicitDeny) => r.decision() == Decision::Allow,
                    (Some(_), Decision::Allow) => false,
                };
                if better {
                    result = Some(o);
                }
            }
            result.unwrap_or(Outcome::new(Decision::ImplicitDeny, None, None))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::eval::compile::{compile_resource_for_tests, Side};
    use proptest::prelude::*;

    /// The resource part of ARN-like text from a small alphabet, so that colons, stars and
    /// question marks meet often.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![Just("a"), Just(":"), Just("/"), Just("b")],
            0..6,
        )
        .prop_map(|v| v.concat())
    }

    fn pattern() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![Just("a"), Just(":"), Just("*"), Just("?"), Just("b")],
            0..6,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        /// A pattern whose five leading fields are plain text matches by one prefix comparison;
        /// that must agree with matching field by field.
        #[test]
        fn prefix_matching_agrees_with_field_matching(
            fields in proptest::collection::vec(prop_oneof![Just(""), Just("aws"), Just("s3"), Just("a*"), Just("1")], 4),
            res_fields in proptest::collection::vec(prop_oneof![Just(""), Just("aws"), Just("s3"), Just("ab"), Just("1")], 4),
            tail in pattern(),
            res_tail in text(),
        ) {
            let pattern = format!("arn:{}:{tail}", fields.join(":"));
            let resource = format!("arn:{}:{res_tail}", res_fields.join(":"));
            let compiled = compile_resource_for_tests(&pattern, Side::Identity);
            let ResourcePattern::Arn { fields: f, resource: r, prefix } = &compiled else {
                return Err(TestCaseError::fail("not an ARN pattern"));
            };
            let parts = ArnParts::parse(&resource).unwrap();
            let by_fields = arn_matches(f, r, &parts, &NoVars);
            let via_prefix = match prefix {
                Some(p) => resource.strip_prefix(&**p).map_or(Some(false), |rest| r.matches(rest, &NoVars)),
                None => by_fields,
            };
            prop_assert_eq!(prefix.is_some(), !fields.iter().any(|f| f.contains('*')));
            prop_assert_eq!(via_prefix, by_fields, "{} against {}", pattern, resource);
        }
    }

    /// `decide_resource` skips the special cases for actions outside IAM, STS and KMS: none of
    /// them may single out such an action.
    #[test]
    fn only_iam_sts_and_kms_actions_are_special() {
        let callers = [
            "arn:aws:iam::111122223333:root",
            "anonymous",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws:iam::111122223333:user/alice",
        ];
        let key = "arn:aws:kms:us-east-1:111122223333:key/k";
        let mut checked = 0;
        for service in crate::catalog::catalog().services() {
            for action in service.actions() {
                let name = action.full_name();
                let special = ["iam", "sts", "kms"].contains(&service.prefix());
                for caller in callers {
                    let req = Request::new(caller, &name).unwrap().resource(key);
                    assert_eq!(special_service(&req), special, "{name}");
                    if special {
                        continue;
                    }
                    let q = Query {
                        req: &req,
                        resource: key,
                        cuts: ArnCuts::of(key),
                        has_boundary: false,
                    };
                    assert!(!always_allowed(req.action_lower()), "{name}");
                    assert_eq!(refused_for_caller(&req), None, "{name} by {caller}");
                    assert!(!requires_resource_policy(req.action_lower(), &q), "{name}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 40_000, "{checked}");
        // And the special ones are found: the check above is not vacuous.
        let root = Request::new(callers[0], "sts:AssumeRole").unwrap();
        assert!(special_service(&root) && refused_for_caller(&root).is_some());
    }
}
