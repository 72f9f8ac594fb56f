//! Per-statement checks.

use super::every_resource::Entries;
use super::risky;
use crate::catalog::{AccessLevel, ActionSet, Catalog};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::location::Location;
use crate::model::condition::{BaseOperator, SetQualifier};
use crate::model::{Effect, Policy, PrincipalKind, Statement};
use crate::suggest::did_you_mean;
use crate::validate::PolicyType;

/// What the linter knows about one statement.
pub(crate) struct Facts {
    /// For each Action/NotAction entry, the ids of the actions it names (`None` for `*` and for
    /// entries that are not `service:pattern`).
    pub entries: Vec<Option<Vec<usize>>>,
    pub effect: Effect,
    /// The actions the Action/NotAction element reaches.
    pub actions: ActionSet,
    /// `Resource` contains `*`, or the statement uses `NotResource` (every other resource).
    pub resource_all: bool,
    /// The statement has a Condition block with at least one entry.
    pub conditional: bool,
    /// It applies to every resource (`Resource` with `*`, or none at all) and to every principal
    /// (no `Principal`, or `*`): a Deny like this takes its actions away from anyone. (A
    /// `NotResource` Deny leaves the resources it names; a Deny naming principals leaves others.)
    pub everyone_everywhere: bool,
    /// Its conditions can never all hold.
    pub impossible: bool,
    /// Every resource is an AWS-managed policy ARN, or an `iam:PolicyARN` condition limits the
    /// statement to them: policy versions it creates or selects are not the caller's to write.
    pub aws_managed_policies_only: bool,
    /// An `iam:PolicyARN` condition limits what it attaches to named AWS-managed policies, none
    /// of them an administrator's (`AdministratorAccess`, `IAMFullAccess`, …): attaching those
    /// is the escalation itself.
    pub attaches_harmless_policies_only: bool,
    /// Every resource is the caller's own user (`arn:aws:iam::*:user/${aws:username}`): what it
    /// grants on users it grants on the caller only.
    pub own_user_only: bool,
}

/// AWS-managed policies that grant IAM or every service: attaching one is an escalation.
const POWERFUL_MANAGED_POLICIES: &[&str] = &[
    "AdministratorAccess",
    "IAMFullAccess",
    "PowerUserAccess",
    "AWSOrganizationsFullAccess",
    "AdministratorAccess-Amplify",
    "AdministratorAccess-AWSElasticBeanstalk",
];

pub(crate) fn analyse(policy: &Policy, c: &Catalog) -> Vec<Facts> {
    policy
        .statements()
        .map(|st| {
            let action = st.action();
            let entries: Vec<Option<Vec<usize>>> =
                action.values().map(|t| entry_ids(c, t)).collect();
            let mut named = ActionSet::new(c.len());
            let mut star = false;
            for (t, ids) in action.values().zip(&entries) {
                match ids {
                    Some(ids) => ids.iter().for_each(|&id| named.insert(id)),
                    None => star |= is_star(t),
                }
            }
            if star {
                named.insert_all(c.current_actions());
            }
            let mut actions = if action.is_negated() {
                let mut all = c.current_actions().clone();
                all.remove_all(&named);
                all
            } else {
                named
            };
            let resource_all = match st.resource() {
                None => true,
                Some(r) => r.is_negated() || r.values().any(is_star),
            };
            if let Some(r) = st.resource().filter(|_| !resource_all) {
                let patterns: Vec<&str> = r.values().collect();
                actions = restrict_to_resources(c, &actions, &patterns);
            }
            let managed = |v: &str| v.starts_with("arn:aws:iam::aws:policy/");
            let policy_arn_condition = |value_ok: &dyn Fn(&str) -> bool| {
                st.conditions().any(|c| {
                    c.key().eq_ignore_ascii_case("iam:PolicyARN")
                        && matches!(
                            c.operator().base(),
                            BaseOperator::ArnEquals
                                | BaseOperator::ArnLike
                                | BaseOperator::StringEquals
                                | BaseOperator::StringLike
                        )
                        && c.operator().qualifier().is_none()
                        && !c.operator().if_exists()
                        && c.values().all(|v| value_ok(v.as_str()))
                })
            };
            let policy_arn_limited = policy_arn_condition(&|v| managed(v));
            let harmless = |v: &str| {
                managed(v)
                    && !v.contains(['*', '?', '$'])
                    && !POWERFUL_MANAGED_POLICIES
                        .iter()
                        .any(|p| v.rsplit('/').next() == Some(*p))
            };
            let attaches_harmless = policy_arn_condition(&harmless);
            let resources_managed = st
                .resource()
                .is_some_and(|r| !r.is_negated() && r.values().all(managed));
            Facts {
                entries,
                effect: st.effect(),
                actions,
                resource_all,
                conditional: st.conditions().len() > 0,
                everyone_everywhere: st
                    .resource()
                    .is_none_or(|r| !r.is_negated() && r.values().any(is_star))
                    && st.principal().is_none_or(|p| {
                        !p.is_negated()
                            && p.entries().iter().any(|(k, v, _)| {
                                *v == "*"
                                    && matches!(k, PrincipalKind::Everyone | PrincipalKind::Aws)
                            })
                    }),
                impossible: impossible(&st),
                aws_managed_policies_only: resources_managed || policy_arn_limited,
                attaches_harmless_policies_only: attaches_harmless,
                own_user_only: st.resource().is_some_and(|r| {
                    !r.is_negated()
                        && r.values().all(|v| {
                            v.contains(":user/")
                                && v.to_ascii_lowercase().ends_with("/${aws:username}")
                        })
                }),
            }
        })
        .collect()
}

/// Keeps the actions that can act on at least one of `patterns`: a resource type of the action
/// whose ARN format is compatible with a pattern (same service; literal resource prefixes that
/// agree). Wildcard-only actions need `Resource: "*"`, so they are dropped.
fn restrict_to_resources(c: &Catalog, actions: &ActionSet, patterns: &[&str]) -> ActionSet {
    let mut out = ActionSet::new(c.len());
    let mut cache: Vec<(*const crate::catalog::ResourceType, bool)> = Vec::new();
    for id in actions.iter() {
        let Some(a) = c.action_by_id(id) else {
            continue;
        };
        let ok = a.resource_types().any(|(rt, _)| {
            let key = rt as *const _;
            if let Some((_, v)) = cache.iter().find(|(k, _)| *k == key) {
                return *v;
            }
            let v = patterns
                .iter()
                .any(|p| arn_format_compatible(rt.arn_format(), p));
            cache.push((key, v));
            v
        });
        if ok {
            out.insert(id);
        }
    }
    out
}

/// Whether a resource pattern could match some ARN of a resource type's format
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). Conservative: answers yes when unsure.
fn arn_format_compatible(format: &str, pattern: &str) -> bool {
    // `service` and `resource` fields, without allocating.
    fn split(s: &str) -> Option<(&str, &str)> {
        let mut it = s.splitn(6, ':');
        let _arn = it.next()?;
        let _partition = it.next()?;
        let service = it.next()?;
        let _region = it.next()?;
        let _account = it.next()?;
        Some((service, it.next()?))
    }
    fn literal<'a>(s: &'a str, stops: &[&str]) -> &'a str {
        let end = stops
            .iter()
            .filter_map(|m| s.find(m))
            .min()
            .unwrap_or(s.len());
        s.get(..end).unwrap_or("")
    }
    let (Some((fs, fr)), Some((ps, pr))) = (split(format), split(pattern)) else {
        return true;
    };
    let ps_lit = literal(ps, &["*", "?", "${"]);
    if ps_lit.len() == ps.len() && !fs.contains("${") && ps != fs {
        return false;
    }
    let f_lit = literal(fr, &["${", "*"]);
    let p_lit = literal(pr, &["*", "?", "${"]);
    f_lit.starts_with(p_lit) || p_lit.starts_with(f_lit)
}

/// The ids an action entry names: a direct lookup for plain names, an expansion for patterns.
fn entry_ids(c: &Catalog, text: &str) -> Option<Vec<usize>> {
    if is_star(text) || !text.contains(':') {
        return None;
    }
    if text.contains(['*', '?']) {
        return Some(c.expand_ids(text).to_vec());
    }
    Some(c.action(text).map(|a| a.id()).into_iter().collect())
}

fn is_star(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b == b'*')
}

/// Actions denied to everyone on every resource with no condition.
pub(crate) fn denied_everywhere(facts: &[Facts], c: &Catalog) -> ActionSet {
    let mut set = ActionSet::new(c.len());
    for f in facts {
        if f.effect == Effect::Deny && f.everyone_everywhere && !f.conditional {
            set.insert_all(&f.actions);
        }
    }
    set
}

/// Whether a statement's conditions contradict each other (or cannot match any real request).
fn impossible(st: &Statement<'_>) -> bool {
    let conds: Vec<_> = st.conditions().collect();
    for c in &conds {
        let op = c.operator();
        let key = c.key();
        // A key required absent and also compared by a positive operator (without IfExists).
        if op.base() == BaseOperator::Null
            && op.qualifier().is_none()
            && c.values().all(|v| v.as_str().eq_ignore_ascii_case("true"))
        {
            let compared = conds.iter().any(|o| {
                o.key().eq_ignore_ascii_case(key)
                    && o.operator().base() != BaseOperator::Null
                    && !o.operator().base().is_negated()
                    && !o.operator().if_exists()
                    && o.operator().qualifier() != Some(SetQualifier::ForAllValues)
            });
            if compared {
                return true;
            }
        }
        // Bool true and Bool false on one key.
        if op.base() == BaseOperator::Bool && op.qualifier().is_none() && !op.if_exists() {
            let mine: Vec<bool> = c
                .values()
                .filter_map(|v| crate::values::parse_bool(v.as_str()))
                .collect();
            let clash = conds.iter().any(|o| {
                o.operator().base() == BaseOperator::Bool
                    && o.operator().qualifier().is_none()
                    && !o.operator().if_exists()
                    && o.key().eq_ignore_ascii_case(key)
                    && o.values()
                        .filter_map(|v| crate::values::parse_bool(v.as_str()))
                        .any(|b| !mine.contains(&b))
            });
            if clash && mine.len() == 1 {
                return true;
            }
        }
        // aws:SourceIp carries public addresses only: a list of private ranges never matches.
        if op.base() == BaseOperator::IpAddress
            && op.qualifier().is_none()
            && !op.if_exists()
            && key.eq_ignore_ascii_case("aws:SourceIp")
            && c.values()
                .all(|v| crate::values::parse_ip_network(v.as_str()).is_some_and(is_private))
        {
            return true;
        }
    }
    false
}

fn is_private(net: ipnetwork::IpNetwork) -> bool {
    match net {
        ipnetwork::IpNetwork::V4(n) => {
            let ip = n.network();
            n.prefix() >= 8 && (ip.is_private() || ip.is_loopback() || ip.is_link_local())
        }
        ipnetwork::IpNetwork::V6(n) => {
            let first = n.network().segments()[0];
            n.prefix() >= 7 && ((first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
        }
    }
}

pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub c: &'a Catalog,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn push(
        &mut self,
        code: Code,
        severity: Severity,
        loc: Location,
        message: String,
        help: &str,
    ) {
        self.out
            .push(Diagnostic::new(code, severity, message, loc).with_help(help));
    }
}

/// Names a few actions of a set, for messages: `iam:PutRolePolicy, iam:PutUserPolicy (+3 more)`.
pub(crate) fn sample(c: &Catalog, set: &ActionSet, level: Option<AccessLevel>) -> String {
    let mut names = Vec::new();
    let mut total = 0;
    for id in set.iter() {
        if let Some(a) = c.action_by_id(id) {
            if level.is_some_and(|l| a.access_level() != l) {
                continue;
            }
            total += 1;
            if names.len() < 3 {
                names.push(a.to_string());
            }
        }
    }
    if total > names.len() {
        format!("{} (+{} more)", names.join(", "), total - names.len())
    } else {
        names.join(", ")
    }
}

fn count_level(c: &Catalog, set: &ActionSet, level: AccessLevel) -> usize {
    set.iter()
        .filter(|&id| {
            c.action_by_id(id)
                .is_some_and(|a| a.access_level() == level)
        })
        .count()
}

pub(crate) fn run(
    policy: &Policy,
    ty: PolicyType,
    facts: &[Facts],
    denied: &ActionSet,
    c: &Catalog,
    out: &mut Vec<Diagnostic>,
) {
    let mut ctx = Ctx { policy, c, out };
    let mut seen_statements: Vec<(usize, String)> = Vec::new();
    for (st, f) in policy.statements().zip(facts) {
        action_names(&mut ctx, &st, f);
        conditions(&mut ctx, &st, f);
        resources(&mut ctx, &st, f);
        super::resource_match::check(&mut ctx, &st, f);
        principals(&mut ctx, &st, ty);
        redundant_statement(&mut ctx, &st, &mut seen_statements);
        if ty.grants() && f.effect == Effect::Allow && !f.impossible {
            // In a policy attached to a resource (a bucket, key or trust policy), `Resource: "*"`
            // or no `Resource` means that resource, not every resource.
            let attached = matches!(ty, PolicyType::Resource | PolicyType::Trust);
            grants(&mut ctx, &st, f, denied, attached);
        }
    }
}

/// UNKNOWN_SERVICE, RETIRED_SERVICE, UNKNOWN_ACTION, REDUNDANT_ACTION.
fn action_names(ctx: &mut Ctx<'_>, st: &Statement<'_>, f: &Facts) {
    let c = ctx.c;
    let element = st.action();
    let entries: Vec<_> = element.entries().collect();
    let mut expansions: Vec<Option<Vec<usize>>> = Vec::with_capacity(entries.len());
    for &(text, id) in &entries {
        let policy = ctx.policy;
        let loc = || policy.location(id);
        if is_star(text) {
            expansions.push(None);
            continue;
        }
        let Some((prefix, name)) = text.split_once(':') else {
            expansions.push(None);
            continue;
        };
        let Some(service) = c.service(prefix) else {
            if prefix.contains(['*', '?']) {
                // A service prefix is matched literally (docs/semantics.md): a Deny with `*:*`
                // denies nothing.
                ctx.push(
                    Code::UnknownService,
                    Severity::Warning,
                    loc(),
                    format!("`{text}` has a wildcard service prefix, which names no service: the entry matches no action"),
                    "write `*` for every action, or name the service (`s3:*`)",
                );
            } else {
                let help = match did_you_mean(prefix, c.services().iter().map(|s| s.prefix())) {
                    Some(s) => format!(
                        "did you mean `{s}`? the action catalog ({}) has no service `{prefix}`",
                        c.date()
                    ),
                    None => format!(
                        "the action catalog ({}) has no service `{prefix}`; check the spelling",
                        c.date()
                    ),
                };
                ctx.push(
                    Code::UnknownService,
                    Severity::Warning,
                    loc(),
                    format!("unknown service prefix `{prefix}` in `{text}`"),
                    &help,
                );
            }
            expansions.push(None);
            continue;
        };
        if service.is_retired() {
            ctx.push(
                Code::RetiredService,
                Severity::Warning,
                loc(),
                format!(
                    "`{text}` names `{prefix}`, a retired service ({})",
                    service.name()
                ),
                "AWS no longer offers this service; remove the action",
            );
        }
        let ids: Vec<usize> = f
            .entries
            .get(expansions.len())
            .cloned()
            .flatten()
            .unwrap_or_default();
        if ids.is_empty() && !service.is_retired() {
            let wildcard = name.contains(['*', '?']);
            let mut help = if wildcard {
                format!("no action of `{prefix}` matches `{name}`")
            } else {
                format!("`{prefix}` has no action `{name}`")
            };
            if let Some(s) = did_you_mean(name, service.actions().map(|a| a.name())) {
                help = format!("did you mean `{prefix}:{s}`? {help}");
            }
            ctx.push(
                Code::UnknownAction,
                Severity::Warning,
                loc(),
                format!("`{text}` matches no known action"),
                &help,
            );
        }
        expansions.push(Some(ids));
    }
    // An entry whose actions another entry already covers (same service only: expansions never
    // cross services). `*` entries are FULL_ADMIN's business.
    let services: Vec<Option<String>> = entries
        .iter()
        .map(|(t, _)| t.split_once(':').map(|(p, _)| p.to_ascii_lowercase()))
        .collect();
    let subset = |a: &[usize], b: &[usize]| {
        a.len() <= b.len() && a.iter().all(|x| b.binary_search(x).is_ok())
    };
    let mut groups: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (i, s) in services.iter().enumerate() {
        if let Some(s) = s {
            groups.entry(s.as_str()).or_default().push(i);
        }
    }
    for (i, (text, id)) in entries.iter().enumerate() {
        let Some(Some(mine)) = expansions.get(i) else {
            continue;
        };
        if mine.is_empty() {
            continue;
        }
        let Some(group) = services
            .get(i)
            .and_then(|s| s.as_ref())
            .and_then(|s| groups.get(s.as_str()))
        else {
            continue;
        };
        let covered_by = group
            .iter()
            .filter(|&&j| j != i)
            .find(|&&j| match expansions.get(j) {
                // identical expansions: only the later entry is redundant
                Some(Some(theirs)) => subset(mine, theirs) && (!subset(theirs, mine) || j < i),
                _ => false,
            })
            .and_then(|&j| entries.get(j).map(|e| (j, e)));
        if let Some((_, (other, _))) = covered_by {
            ctx.push(
                Code::RedundantAction,
                Severity::Suggestion,
                ctx.policy.location(*id),
                format!("`{text}` is already covered by `{other}` in the same statement"),
                "remove the narrower entry",
            );
        }
    }
}

/// WILDCARD_WITHOUT_LIKE_OPERATOR, MFA_CONDITION_PITFALL, FORALLVALUES_WITHOUT_NULL_CHECK,
/// CONDITION_KEY_NOT_APPLICABLE.
fn conditions(ctx: &mut Ctx<'_>, st: &Statement<'_>, f: &Facts) {
    let action = st.action();
    let action_set = (!action.is_negated()).then_some(&f.actions);
    for cond in st.conditions() {
        let op = cond.operator();
        let base = op.base();
        if matches!(
            base,
            BaseOperator::StringEquals
                | BaseOperator::StringNotEquals
                | BaseOperator::StringEqualsIgnoreCase
                | BaseOperator::StringNotEqualsIgnoreCase
        ) {
            for v in cond.values() {
                let text = v.as_str().replace("${*}", "").replace("${?}", "");
                if text.contains(['*', '?']) {
                    ctx.push(
                        Code::WildcardWithoutLikeOperator,
                        Severity::Warning,
                        ctx.policy.location(v.id()),
                        format!("`{}` has a wildcard, but `{op}` compares it literally", v.as_str()),
                        "use `StringLike`/`StringNotLike` for a pattern, or `${*}` for a literal star",
                    );
                }
            }
        }
        if cond.values().next().is_none() {
            empty_values(ctx, &cond);
        }
        let mfa = cond
            .key()
            .eq_ignore_ascii_case("aws:MultiFactorAuthPresent");
        if mfa
            && st.effect() == Effect::Deny
            && base == BaseOperator::Bool
            && !op.if_exists()
            && op.qualifier().is_none()
            && cond
                .values()
                .any(|v| v.as_str().eq_ignore_ascii_case("false"))
        {
            ctx.push(
                Code::MfaConditionPitfall,
                Severity::SecurityWarning,
                cond.operator_location(),
                "this Deny does not apply to requests signed with long-term access keys".into(),
                "requests made with an IAM user's access keys carry no `aws:MultiFactorAuthPresent`, so `Bool … false` is false for them; use `BoolIfExists` with `false`",
            );
        }
        if st.effect() == Effect::Allow && op.qualifier() == Some(SetQualifier::ForAllValues) {
            let guarded = st.conditions().any(|o| {
                o.operator().base() == BaseOperator::Null
                    && o.key().eq_ignore_ascii_case(cond.key())
                    && o.values().all(|v| v.as_str().eq_ignore_ascii_case("false"))
            });
            if !guarded {
                ctx.push(
                    Code::ForallvaluesWithoutNullCheck,
                    Severity::SecurityWarning,
                    cond.operator_location(),
                    format!("`{op}` on `{}` is also true when the request has no `{}`", cond.key(), cond.key()),
                    &format!("add `\"Null\": {{\"{}\": \"false\"}}` to the statement so that the key must be present", cond.key()),
                );
            }
        }
        if let Some(set) = action_set {
            key_applies(ctx, cond.key(), cond.key_location(), set);
        }
        operator_fits_key(ctx, &cond);
    }
}

/// EMPTY_ARRAY_CONDITION: a condition key given `[]`. No value can match, so a positive operator
/// never holds and a negated one always does (a vacuous NOR), except where `IfExists` or a set
/// qualifier decides on the key's absence (shared/docs/iam-semantics.md §3.1 and §3.2).
fn empty_values(ctx: &mut Ctx<'_>, cond: &crate::model::Condition<'_>) {
    let op = cond.operator();
    if op.base() == BaseOperator::Null {
        return; // NULL_WITH… checks and the grammar cover `Null`
    }
    let negated = op.base().is_negated();
    let meaning = match (op.qualifier(), negated, op.if_exists()) {
        (Some(SetQualifier::ForAllValues), false, _) => {
            "it holds only when the request has no value for the key"
        }
        (Some(SetQualifier::ForAnyValue), true, false) => {
            "it holds whenever the request has a value for the key"
        }
        (Some(_), true, _) => "it always holds",
        // A plain operator does not compare a list of values (docs/semantics.md).
        (None, true, _) => "it holds whenever the request has one value or none for the key",
        (_, false, true) => "it holds only when the request has no value for the key",
        (_, false, false) => "it never holds",
    };
    ctx.push(
        Code::EmptyArrayCondition,
        Severity::Warning,
        cond.key_location(),
        format!("`{op}` gives `{}` no values: {meaning}", cond.key()),
        "list the values to compare, or remove the condition",
    );
}

/// CONDITION_TYPE_MISMATCH: the operator's family against the key's type in the catalog. Only
/// pairings that change the meaning are reported: string operators on numeric, date and IP
/// address keys compare text (`"10.0.0.0/8"` is no range, `"0100"` is not `"100"`); numeric,
/// date, boolean, IP address and binary operators need values of their type. String operators on
/// ARN and boolean keys, ARN operators on string keys (which often hold ARNs) and numeric
/// operators on date keys (epoch seconds, as for `aws:EpochTime`) are fine.
fn operator_fits_key(ctx: &mut Ctx<'_>, cond: &crate::model::Condition<'_>) {
    use crate::eval::keys::{catalog_type, KeyType};
    let op = cond.operator();
    let Some(op_type) = KeyType::from_family(op.base().family()) else {
        return; // `Null` tests presence only
    };
    let Some((key_type, multivalued)) = catalog_type(cond.key()) else {
        return;
    };
    // MISSING_QUALIFIER: a plain operator does not compare a list (docs/semantics.md), so when
    // the request carries the multivalued key as one the condition does not hold, negated or not.
    if multivalued && op.qualifier().is_none() {
        ctx.push(
            Code::MissingQualifier,
            Severity::Warning,
            cond.operator_location(),
            format!(
                "`{}` holds a list of values (action catalog), which `{op}` does not compare: the condition does not hold when the request carries a list",
                cond.key()
            ),
            &format!(
                "use `ForAnyValue:{op}` (some value matches) or `ForAllValues:{op}` (every value does, also true when the key is absent)"
            ),
        );
    }
    let fits = op_type == key_type
        || matches!(
            (op_type, key_type),
            (KeyType::String, KeyType::Arn | KeyType::Bool)
                | (KeyType::Arn, KeyType::String)
                | (KeyType::Numeric, KeyType::Date)
        );
    if fits {
        return;
    }
    let suggestion = match key_type {
        KeyType::String => "a String operator (`StringEquals`, `StringLike`, …)",
        KeyType::Numeric => "a Numeric operator (`NumericLessThan`, …)",
        KeyType::Date => "a Date operator (`DateGreaterThan`, …)",
        KeyType::Bool => "`Bool`",
        KeyType::Binary => "`BinaryEquals`",
        KeyType::IpAddress => "`IpAddress` or `NotIpAddress`",
        KeyType::Arn => "an ARN operator (`ArnLike`, …) or a String operator",
    };
    ctx.push(
        Code::ConditionTypeMismatch,
        Severity::Warning,
        cond.operator_location(),
        format!(
            "`{op}` compares `{}` as {} values, but the key holds {} values (action catalog)",
            cond.key(),
            op_type.description(),
            key_type.description()
        ),
        &format!("use {suggestion} for this key"),
    );
}

fn key_applies(ctx: &mut Ctx<'_>, key: &str, loc: Location, actions: &ActionSet) {
    let c = ctx.c;
    let Some((prefix, _)) = key.split_once(':') else {
        return;
    };
    if prefix.eq_ignore_ascii_case("aws") || actions.is_empty() {
        return;
    }
    let Some(service) = c.service(prefix) else {
        return;
    };
    let lower = key.to_ascii_lowercase();
    // Only actions of the key's own service matter: a key of a service the statement does not
    // act on is not reported here.
    let mut of_service = false;
    let mut applies = false;
    for a in service.actions() {
        if !actions.contains(a.id()) {
            continue;
        }
        of_service = true;
        if a.has_condition_key(&lower) {
            applies = true;
            break;
        }
    }
    // A key no action of the service lists is a service-wide key (`ec2:SourceInstanceARN`).
    let listed_somewhere = service.actions().any(|a| a.has_condition_key(&lower));
    if !applies && of_service && listed_somewhere {
        ctx.push(
            Code::ConditionKeyNotApplicable,
            Severity::Warning,
            loc,
            format!("condition key `{key}` applies to none of the statement's actions"),
            "a key that is never in the request context makes the condition fail (or, negated or with IfExists, always pass); check the Service Authorization Reference for the keys each action supports",
        );
    }
}

/// S3_BUCKET_NAME_WILDCARD.
fn resources(ctx: &mut Ctx<'_>, st: &Statement<'_>, f: &Facts) {
    let Some(r) = st.resource() else { return };
    if r.is_negated() || st.effect() != Effect::Allow || f.impossible {
        return;
    }
    for (text, id) in r.entries() {
        let Some(rest) = text.strip_prefix("arn:aws:s3:::") else {
            continue;
        };
        let bucket = rest.split('/').next().unwrap_or("");
        if bucket.contains('*')
            && !is_star(bucket)
            && !bucket.trim_end_matches('*').is_empty()
            && !bucket.contains("${")
        {
            let example = bucket
                .replace('*', "-evil-")
                .replace("--evil-", "-evil-")
                .trim_matches('-')
                .to_string();
            ctx.push(
                Code::S3BucketNameWildcard,
                Severity::Warning,
                ctx.policy.location(id),
                format!("`{text}` also matches other buckets, such as `{example}`"),
                "bucket names are global: name the bucket exactly (`arn:aws:s3:::name` and `arn:aws:s3:::name/*`)",
            );
        }
    }
}

/// MISSING_GITHUB_REPO_CONDITION_KEY: a grant to GitHub Actions' OIDC provider must say which
/// repositories, with a positive condition on `token.actions.githubusercontent.com:sub` whose
/// values name one (not `*` or `repo:*`); otherwise any workflow on GitHub can assume the role.
fn github_repo_condition(
    ctx: &mut Ctx<'_>,
    st: &Statement<'_>,
    p: &crate::model::PrincipalElement<'_>,
) {
    const PROVIDER: &str = "token.actions.githubusercontent.com";
    let github = p.entries().iter().any(|(k, v, _)| {
        matches!(k, PrincipalKind::Federated)
            && (*v == PROVIDER || v.ends_with(&format!("oidc-provider/{PROVIDER}")))
    });
    if !github {
        return;
    }
    let sub = format!("{PROVIDER}:sub");
    let limited = st.conditions().any(|c| {
        let op = c.operator();
        c.key().eq_ignore_ascii_case(&sub)
            && !op.base().is_negated()
            && !op.if_exists()
            && op.qualifier() != Some(SetQualifier::ForAllValues)
            && c.values().all(|v| {
                // `repo:owner/name:…`: the repository part must not be all wildcards.
                let repo = v.as_str().strip_prefix("repo:").unwrap_or(v.as_str());
                let owner = repo.split('/').next().unwrap_or("");
                !owner.is_empty() && !owner.contains(['*', '?'])
            })
    });
    if !limited {
        ctx.push(
            Code::MissingGithubRepoConditionKey,
            Severity::SecurityWarning,
            p.location(),
            "the role trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:sub`: any repository's workflow can assume it".into(),
            "add `\"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"repo:OWNER/REPO:*\"}` naming your repositories",
        );
    }
}

/// PUBLIC_ACCESS, ALLOW_WITH_NOT_PRINCIPAL, DENY_WITH_NOT_PRINCIPAL.
fn principals(ctx: &mut Ctx<'_>, st: &Statement<'_>, ty: PolicyType) {
    let Some(p) = st.principal() else { return };
    if !matches!(ty, PolicyType::Resource | PolicyType::Trust) {
        return;
    }
    if p.is_negated() {
        let (code, sev, msg, help) = match st.effect() {
            Effect::Allow => (
                Code::AllowWithNotPrincipal,
                Severity::SecurityWarning,
                "`Allow` with `NotPrincipal` grants to every principal not listed, anonymous callers included",
                "AWS no longer supports `NotPrincipal` with `Allow`; name the principals in `Principal`",
            ),
            Effect::Deny => (
                Code::DenyWithNotPrincipal,
                Severity::Warning,
                "`Deny` with `NotPrincipal` is fragile: it denies every principal with a permissions boundary, a user unless its account is listed too, and a role session unless its account, role and session are all listed",
                "use `Principal: \"*\"` with an `ArnNotEquals`/`StringNotEquals` condition on `aws:PrincipalArn` or `aws:PrincipalAccount`",
            ),
        };
        ctx.push(code, sev, p.key_location(), msg.into(), help);
        return;
    }
    if st.effect() != Effect::Allow {
        return;
    }
    github_repo_condition(ctx, st, &p);
    let everyone = p
        .entries()
        .iter()
        .any(|(k, v, _)| *v == "*" && matches!(k, PrincipalKind::Everyone | PrincipalKind::Aws));
    if everyone && !risky::limits_principal(st) {
        ctx.push(
            Code::PublicAccess,
            Severity::SecurityWarning,
            p.location(),
            "the statement allows everyone, anonymous callers included, with no condition that limits who".into(),
            "name the principals, or add a condition on `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceVpce` or similar",
        );
    }
}

/// REDUNDANT_STATEMENT: a statement that repeats an earlier one (same JSON apart from its Sid).
fn redundant_statement(ctx: &mut Ctx<'_>, st: &Statement<'_>, seen: &mut Vec<(usize, String)>) {
    let Some(value) = ctx.policy.document().get(st.node()) else {
        return;
    };
    let mut key = String::new();
    for (k, v) in value.entries() {
        if k.as_str() == Some("Sid") {
            continue;
        }
        key.push_str(k.as_str().unwrap_or(""));
        key.push('=');
        key.push_str(v.source_text());
        key.push(';');
    }
    if let Some((first, _)) = seen.iter().find(|(_, k)| *k == key) {
        ctx.push(
            Code::RedundantStatement,
            Severity::Suggestion,
            st.location(),
            format!("statement {} repeats statement {first}", st.index()),
            "remove one of the two",
        );
    } else {
        seen.push((st.index(), key));
    }
}

/// Grant findings of an Allow statement.
fn grants(ctx: &mut Ctx<'_>, st: &Statement<'_>, f: &Facts, denied: &ActionSet, attached: bool) {
    let c = ctx.c;
    let action = st.action();
    let mut reach = f.actions.clone();
    reach.remove_all(denied);
    if reach.is_empty() {
        return;
    }
    // Checks about "every resource" (RESOURCE_STAR, CREDENTIALS_EXPOSURE, …) look at the
    // actions granted on every resource: all of them with `*` (or `NotResource`); with ARN
    // entries, those whose every resource an entry reaches (`arn:aws:s3:::*` for
    // `s3:DeleteBucket`; see every_resource.rs). They do not apply to a policy attached to one
    // resource: its principals are what PUBLIC_ACCESS looks at.
    let mut every_arn = false;
    let mut every = ActionSet::new(c.len());
    // The resource entries, read once (RESOURCE_STAR below asks them again, for fewer actions).
    let mut entries: Option<Entries<'_>> = None;
    if f.resource_all {
        if !attached {
            every = reach.clone();
        }
    } else if let Some(r) = st.resource().filter(|r| !r.is_negated()) {
        let entries = entries.insert(Entries::new(r.values()));
        every_arn = entries.every_arn().is_some();
        // With conditions, only WILDCARD_WRITE_ACCESS below looks at `every`, and only for
        // wildcard action entries: without one, the work is skipped.
        let needed = !f.conditional || action.values().any(|a| a.contains(['*', '?']));
        if !attached && needed {
            every = entries.every_resource(c, &reach).0;
        }
    }
    let everywhere = !every.is_empty();
    // FULL_ADMIN: `*` on every resource (or on every ARN, as `arn:*:*:*:*:*` grants).
    let star_entry = action.entries().find(|(t, _)| is_star(t));
    if !action.is_negated() && (f.resource_all || every_arn) {
        if let Some((_, id)) = star_entry {
            let resource_negated = st.resource().is_some_and(|r| r.is_negated());
            if !resource_negated {
                ctx.push(
                    Code::FullAdmin,
                    Severity::Error,
                    ctx.policy.location(id),
                    "the statement allows every action on every resource: full administrator access".into(),
                    "grant only the actions and resources this identity needs; keep administrator access to a few break-glass roles",
                );
                return;
            }
        }
    }
    if action.is_negated() {
        ctx.push(
            Code::AllowWithNotAction,
            Severity::SecurityWarning,
            action.key_location(),
            format!(
                "`Allow` with `NotAction` grants {} actions of every service except those listed, including actions AWS adds later",
                reach.len()
            ),
            "list the actions to allow in `Action`; use `NotAction` only with `Deny`",
        );
    }
    if let Some(r) = st.resource() {
        if r.is_negated() {
            ctx.push(
                Code::AllowWithNotResource,
                Severity::SecurityWarning,
                r.key_location(),
                "`Allow` with `NotResource` grants on every resource except those listed, in every service".into(),
                "list the resources to allow in `Resource`",
            );
        }
    }
    // Per-entry wildcard findings (not for `*` or NotAction: covered above).
    if !action.is_negated() {
        for (k, (text, id)) in action.entries().enumerate() {
            let Some((prefix, name)) = text.split_once(':') else {
                continue;
            };
            if !name.contains(['*', '?']) || c.service(prefix).is_none_or(|s| s.is_retired()) {
                continue;
            }
            let mut set = ActionSet::new(c.len());
            for &a in f
                .entries
                .get(k)
                .and_then(|e| e.as_ref())
                .into_iter()
                .flatten()
            {
                if !denied.contains(a) {
                    set.insert(a);
                }
            }
            if set.is_empty() {
                continue;
            }
            if is_star(name) {
                ctx.push(
                    Code::ServiceWildcard,
                    Severity::Warning,
                    ctx.policy.location(id),
                    format!("`{text}` allows all {} actions of `{prefix}`, including ones AWS adds later", set.len()),
                    "list the actions needed, or use a narrower pattern such as `s3:Get*`",
                );
                continue;
            }
            let pm = count_level(c, &set, AccessLevel::PermissionsManagement);
            if pm > 0 {
                ctx.push(
                    Code::WildcardPermissionsManagement,
                    Severity::SecurityWarning,
                    ctx.policy.location(id),
                    format!(
                        "`{text}` reaches {pm} permissions-management action(s): {}",
                        sample(c, &set, Some(AccessLevel::PermissionsManagement))
                    ),
                    "permissions-management actions change who can do what; list them one by one, on specific resources",
                );
            } else if everywhere {
                let mut on_every = ActionSet::new(c.len());
                for a in set.iter().filter(|&a| every.contains(a)) {
                    on_every.insert(a);
                }
                let w = count_level(c, &on_every, AccessLevel::Write);
                if w > 0 {
                    ctx.push(
                        Code::WildcardWriteAccess,
                        Severity::Warning,
                        ctx.policy.location(id),
                        format!(
                            "`{text}` reaches {w} write action(s) on every resource: {}",
                            sample(c, &on_every, Some(AccessLevel::Write))
                        ),
                        "list the write actions needed, or limit `Resource`",
                    );
                }
            }
        }
    }
    if !everywhere {
        return;
    }
    // RESOURCE_STAR: actions with resource-level permissions granted on every resource.
    if let Some(r) = st.resource() {
        // (`Action: "*"` on every resource was FULL_ADMIN above; here it is `*` on the
        // resources an ARN entry reaches, such as every bucket.)
        if !r.is_negated() && !f.conditional && !action.is_negated() {
            let scoped: Vec<_> = every
                .iter()
                .filter_map(|id| c.action_by_id(id))
                // Reads and lists on `*` are the usual read-only pattern; reads of sensitive
                // data are reported as DATA_EXFILTRATION below.
                .filter(|a| {
                    !a.is_wildcard_only()
                        && !matches!(a.access_level(), AccessLevel::List | AccessLevel::Read)
                })
                .collect();
            if !scoped.is_empty() {
                let names: Vec<String> = scoped.iter().take(3).map(|a| a.to_string()).collect();
                let more = scoped.len().saturating_sub(names.len());
                // The `*` entry, or the first entry that alone reaches every resource (of a type)
                // of one of them; none when only the entries together do.
                let covering = entries.as_mut().and_then(|entries| {
                    let mut set = ActionSet::new(c.len());
                    scoped.iter().for_each(|a| set.insert(a.id()));
                    entries.every_resource(c, &set).1
                });
                let entry = r
                    .entries()
                    .enumerate()
                    .find(|(i, (t, _))| is_star(t) || covering == Some(*i))
                    .map(|(_, e)| e);
                let loc = entry.map_or_else(|| r.location(), |(_, id)| ctx.policy.location(id));
                let n = scoped.len();
                let what = match entry {
                    Some((t, _)) if !is_star(t) => format!(
                        "`Resource: \"{t}\"` reaches every resource of a type that {n} action(s) changing resources act on"
                    ),
                    Some(_) => format!(
                        "`Resource: \"*\"` with {n} action(s) that change resources and support resource-level permissions"
                    ),
                    None => format!(
                        "the `Resource` entries together reach every resource of the types that {n} action(s) changing resources act on"
                    ),
                };
                let more = if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                };
                ctx.push(
                    Code::ResourceStar,
                    Severity::Warning,
                    loc,
                    format!("{what}: {}{more}", names.join(", ")),
                    "name the resources (ARNs) these actions may act on",
                );
            }
        }
    }
    if f.conditional {
        return;
    }
    // FULL_ADMIN and ALLOW_WITH_NOT_ACTION already said the statement grants everything.
    let broad = (star_entry.is_some() && (f.resource_all || every_arn)) || action.is_negated();
    risky::unconstrained(ctx, st, &every, broad);
}
