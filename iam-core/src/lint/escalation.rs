//! Privilege escalation: action combinations that let a principal raise its own privileges,
//! found across the statements of a policy and across the policies of one principal.

use super::checks::Facts;
use crate::catalog::{ActionSet, Catalog};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Effect, Policy};

/// The well-known escalation methods (Rhino Security Labs' list and later additions): a name and
/// the actions that together make it possible.
pub const ESCALATION_METHODS: &[(&str, &[&str])] = &[
    (
        "create a new version of a managed policy",
        &["iam:CreatePolicyVersion"],
    ),
    (
        "switch a managed policy to another version",
        &["iam:SetDefaultPolicyVersion"],
    ),
    (
        "create access keys for another user",
        &["iam:CreateAccessKey"],
    ),
    (
        "create a console password for another user",
        &["iam:CreateLoginProfile"],
    ),
    (
        "change another user's console password",
        &["iam:UpdateLoginProfile"],
    ),
    ("attach a policy to a user", &["iam:AttachUserPolicy"]),
    ("attach a policy to a group", &["iam:AttachGroupPolicy"]),
    (
        "attach a policy to a role and assume it",
        &["iam:AttachRolePolicy", "sts:AssumeRole"],
    ),
    ("write an inline policy on a user", &["iam:PutUserPolicy"]),
    ("write an inline policy on a group", &["iam:PutGroupPolicy"]),
    (
        "write an inline policy on a role and assume it",
        &["iam:PutRolePolicy", "sts:AssumeRole"],
    ),
    ("add a user to a group", &["iam:AddUserToGroup"]),
    (
        "rewrite a role's trust policy and assume it",
        &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
    ),
    (
        "pass a role to a new EC2 instance",
        &["iam:PassRole", "ec2:RunInstances"],
    ),
    (
        "pass a role to a new Lambda function and invoke it",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
    ),
    (
        "pass a role to a new Lambda function triggered by an event source",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
    ),
    (
        "update a Lambda function's code",
        &["lambda:UpdateFunctionCode"],
    ),
    (
        "pass a role to a Glue development endpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
    ),
    (
        "update a Glue development endpoint's SSH key",
        &["glue:UpdateDevEndpoint"],
    ),
    (
        "pass a role to a CloudFormation stack",
        &["iam:PassRole", "cloudformation:CreateStack"],
    ),
    (
        "pass a role to a Data Pipeline",
        &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ],
    ),
    (
        "pass a role to a SageMaker notebook",
        &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
    ),
    (
        "pass a role to a CodeBuild project",
        &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
    ),
    (
        "pass a role to an ECS task",
        &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        "run commands on instances through SSM",
        &["ssm:SendCommand"],
    ),
];

/// Actions whose escalation needs the policy they act on to be a customer policy (AWS-managed
/// policies cannot be edited).
const EDIT_POLICY_ACTIONS: &[&str] = &["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"];

/// Actions whose escalation needs the policy they attach to grant much: attaching a named,
/// modest AWS-managed policy is not one; attaching `AdministratorAccess` is.
const ATTACH_POLICY_ACTIONS: &[&str] = &[
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
];

/// Actions whose escalation needs them to act on another user: on the caller's own user
/// (`user/${aws:username}`, AWS's "manage your own credentials" policy) they escalate nothing.
const OTHER_USER_ACTIONS: &[&str] = &[
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];

/// How a relevant action's escalation depends on what it acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum OnPolicies {
    No,
    Edits,
    Attaches,
    OtherUsers,
}

/// What a set of statements effectively allows: for each action, the first statement granting it.
struct Grants {
    set: ActionSet,
    /// `(action id, policy index, statement index)` of the first grant of each method action.
    first: Vec<(usize, usize, usize)>,
}

fn grants(c: &Catalog, policies: &[(usize, &Policy, &[Facts])], denied: &ActionSet) -> Grants {
    let mut set = ActionSet::new(c.len());
    let mut first = Vec::new();
    static RELEVANT: std::sync::OnceLock<Vec<(usize, OnPolicies)>> = std::sync::OnceLock::new();
    // (action id, how it acts on policies), resolved once.
    let relevant = RELEVANT.get_or_init(|| {
        let kind = |a: &str| {
            if EDIT_POLICY_ACTIONS
                .iter()
                .any(|p| p.eq_ignore_ascii_case(a))
            {
                OnPolicies::Edits
            } else if ATTACH_POLICY_ACTIONS
                .iter()
                .any(|p| p.eq_ignore_ascii_case(a))
            {
                OnPolicies::Attaches
            } else if OTHER_USER_ACTIONS.iter().any(|p| p.eq_ignore_ascii_case(a)) {
                OnPolicies::OtherUsers
            } else {
                OnPolicies::No
            }
        };
        let mut v: Vec<(usize, OnPolicies)> = ESCALATION_METHODS
            .iter()
            .flat_map(|(_, actions)| actions.iter())
            .filter_map(|a| c.action(a).map(|x| (x.id(), kind(a))))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    for &(pi, _, facts) in policies {
        for (si, f) in facts.iter().enumerate() {
            if f.effect != Effect::Allow || f.impossible {
                continue;
            }
            for &(id, on_policies) in relevant {
                if !f.actions.contains(id) || denied.contains(id) || set.contains(id) {
                    continue;
                }
                let exempt = match on_policies {
                    OnPolicies::Edits => f.aws_managed_policies_only,
                    OnPolicies::Attaches => f.attaches_harmless_policies_only,
                    OnPolicies::OtherUsers => f.own_user_only,
                    OnPolicies::No => false,
                };
                if exempt {
                    continue;
                }
                set.insert(id);
                first.push((id, pi, si));
            }
        }
    }
    Grants { set, first }
}

fn methods(c: &Catalog, g: &Grants) -> Vec<(&'static str, Vec<usize>)> {
    ESCALATION_METHODS
        .iter()
        .filter_map(|(name, actions)| {
            let ids: Option<Vec<usize>> = actions
                .iter()
                .map(|a| c.action(a).map(|x| x.id()))
                .collect();
            let ids = ids?;
            ids.iter()
                .all(|id| g.set.contains(*id))
                .then_some((*name, ids))
        })
        .collect()
}

fn full_admin(facts: &[Facts], policy: &Policy) -> bool {
    policy.statements().zip(facts).any(|(st, f)| {
        f.effect == Effect::Allow
            && !f.impossible
            && f.resource_all
            && !st.action().is_negated()
            && st
                .action()
                .values()
                .any(|v| !v.is_empty() && v.bytes().all(|b| b == b'*'))
    })
}

fn finding(
    policy: &Policy,
    found: &[(&str, Vec<usize>)],
    g: &Grants,
    c: &Catalog,
    scope: &str,
) -> Option<(usize, Diagnostic)> {
    let (_, ids) = found.first()?;
    let &(_, pi, si) = g.first.iter().find(|(id, _, _)| ids.contains(id))?;
    let _ = pi;
    let st = policy.statement(si)?;
    let names: Vec<&str> = found.iter().take(4).map(|(n, _)| *n).collect();
    let more = found.len().saturating_sub(names.len());
    let actions: Vec<String> = ids
        .iter()
        .filter_map(|id| c.action_by_id(*id))
        .map(|a| a.to_string())
        .collect();
    let message = format!(
        "{scope} allows privilege escalation: {}{} (e.g. with {})",
        names.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        },
        actions.join(" + ")
    );
    Some((
        pi,
        Diagnostic::new(Code::PrivilegeEscalation, Severity::SecurityWarning, message, st.action().location()).with_help(
            "an identity with these actions can grant itself more permissions; limit them to specific resources, add conditions, or deny them",
        ),
    ))
}

pub(crate) fn check_policy(
    policy: &Policy,
    facts: &[Facts],
    denied: &ActionSet,
    c: &Catalog,
    out: &mut Vec<Diagnostic>,
) {
    if full_admin(facts, policy) {
        return;
    }
    let g = grants(c, &[(0, policy, facts)], denied);
    let found = methods(c, &g);
    if let Some((_, d)) = finding(policy, &found, &g, c, "the policy") {
        out.push(d);
    }
}

pub(crate) fn check_set(
    policies: &[&Policy],
    facts: &[Vec<Facts>],
    denied: &ActionSet,
    c: &Catalog,
) -> Vec<(usize, Diagnostic)> {
    if policies.iter().zip(facts).any(|(p, f)| full_admin(f, p)) {
        return Vec::new();
    }
    // Methods each policy has on its own were reported by `lint`.
    let mut alone: Vec<&str> = Vec::new();
    for (i, (p, f)) in policies.iter().zip(facts).enumerate() {
        let g = grants(c, &[(i, p, f)], denied);
        alone.extend(methods(c, &g).into_iter().map(|(n, _)| n));
    }
    let list: Vec<(usize, &Policy, &[Facts])> = policies
        .iter()
        .zip(facts)
        .enumerate()
        .map(|(i, (p, f))| (i, *p, f.as_slice()))
        .collect();
    let g = grants(c, &list, denied);
    let found: Vec<_> = methods(c, &g)
        .into_iter()
        .filter(|(n, _)| !alone.contains(n))
        .collect();
    let Some((_, ids)) = found.first() else {
        return Vec::new();
    };
    let Some(&(_, pi, _)) = g.first.iter().find(|(id, _, _)| ids.contains(id)) else {
        return Vec::new();
    };
    let Some(policy) = policies.get(pi) else {
        return Vec::new();
    };
    finding(
        policy,
        &found,
        &g,
        c,
        "together with the other policies of the principal, this policy",
    )
    .into_iter()
    .map(|(_, d)| (pi, d))
    .collect()
}
