//! The linter: over-broad wildcards and risky grants.
//!
//! [`lint`] checks one policy, [`lint_set`] the policies attached to one principal (for privilege
//! escalation spread over several policies). Every finding is a [`Diagnostic`] with a stable code,
//! a severity, a message, a help text, the location and a link to its entry in `docs/checks.md`.
//!
//! The checks read actions through the embedded [catalog](crate::catalog), so wildcards and
//! `NotAction` are expanded to the actions they really reach. They are *condition-aware* and
//! *deny-aware* where that changes the truth:
//!
//! * a statement whose conditions can never hold (a key required both absent and present,
//!   `Bool` both `true` and `false`, `aws:SourceIp` limited to private ranges) grants nothing and
//!   raises no grant finding;
//! * actions that the same policy (or, for [`lint_set`], any policy of the set) denies on every
//!   resource without conditions are taken away before a grant finding is raised;
//! * policy-version and attach actions limited to AWS-managed policy ARNs
//!   (`arn:aws:iam::aws:policy/…`, or an `iam:PolicyARN` condition saying so) do not count towards
//!   privilege escalation.
//!
//! ```
//! use iam_core::{lint::lint, Policy, PolicyType};
//! let admin = Policy::parse(r#"{"Version": "2012-10-17",
//!     "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)?;
//! let findings = lint(&admin, PolicyType::Identity);
//! assert_eq!(findings[0].code().as_str(), "FULL_ADMIN");
//! # Ok::<(), iam_core::ParseError>(())
//! ```

mod checks;
mod escalation;
mod every_resource;
mod resource_match;
mod risky;

use crate::catalog::{catalog, ActionSet};
use crate::diagnostic::Diagnostic;
use crate::model::Policy;
use crate::validate::PolicyType;

pub use escalation::ESCALATION_METHODS;

/// Lints one policy used as `policy_type`. Findings are sorted by position.
pub fn lint(policy: &Policy, policy_type: PolicyType) -> Vec<Diagnostic> {
    let c = catalog();
    let facts = checks::analyse(policy, c);
    let denied = checks::denied_everywhere(&facts, c);
    let mut out = Vec::new();
    checks::run(policy, policy_type, &facts, &denied, c, &mut out);
    if policy_type.grants() {
        escalation::check_policy(policy, &facts, &denied, c, &mut out);
    }
    out.sort_by_key(|d| (d.location().span().start, d.severity(), d.code()));
    out
}

/// Validates and lints one policy: the findings of [`Policy::validate`] and [`lint`], sorted.
pub fn check(policy: &Policy, policy_type: PolicyType) -> Vec<Diagnostic> {
    let mut out = policy.validate(policy_type);
    out.extend(lint(policy, policy_type));
    out.sort_by_key(|d| (d.location().span().start, d.severity(), d.code()));
    out
}

/// Lints the identity-side policies attached to one principal together: privilege escalation
/// whose actions are granted by different policies (each policy's own findings come from
/// [`lint`]). Returns `(index of the policy the finding is located in, finding)`.
pub fn lint_set(policies: &[&Policy]) -> Vec<(usize, Diagnostic)> {
    lint_set_limited(policies, &[])
}

/// [`lint_set`] for a principal that also has policies granting nothing (SCPs, a permissions
/// boundary, RCPs): their Denies to everyone on every resource still take actions away. Findings
/// are for `policies` only.
pub fn lint_set_limited(policies: &[&Policy], limits: &[&Policy]) -> Vec<(usize, Diagnostic)> {
    let c = catalog();
    let all: Vec<_> = policies.iter().map(|p| checks::analyse(p, c)).collect();
    let mut denied = ActionSet::new(c.len());
    for facts in &all {
        denied.insert_all(&checks::denied_everywhere(facts, c));
    }
    for p in limits {
        denied.insert_all(&checks::denied_everywhere(&checks::analyse(p, c), c));
    }
    escalation::check_set(policies, &all, &denied, c)
}

#[cfg(test)]
mod tests;
