//! RESOURCE_MISMATCH: an action whose resources, by the catalog's ARN formats, can never be any of
//! the statement's resources, so the statement never applies to it.
//!
//! A statement resource and an ARN format of one of the action's resource types are compared as
//! two patterns: `*` and `?` in the resource, and every `${…}` placeholder (in the format, and
//! policy variables in the resource) standing for any text. The action fits when some string
//! matches both (checked exactly, in time linear in the product of the two lengths). This is more
//! generous than AWS, which matches the ARN's fields one by one, so it reports only resources
//! that cannot fit at all, such as `s3:GetObject` on a bucket ARN without `/*`. An action without
//! resource types (`s3:ListAllMyBuckets`) fits only a resource that can be `*` itself.

use super::checks::{Ctx, Facts};
use crate::catalog::Action;
use crate::diagnostic::{Code, Severity};
use crate::model::{Effect, Statement};
use rustc_hash::FxHashMap;

/// Patterns longer than this are taken to fit (no finding): a bound on the work per comparison.
const MAX_PATTERN: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    One,
    Any,
}

/// A resource or ARN format as tokens: `*` and `${…}` are any text, `?` any one character;
/// letters compare without case (a generous reading, so fewer findings).
fn tokens(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'$' && b.get(i + 1) == Some(&b'{') {
            if let Some(close) = b.get(i..).and_then(|r| r.iter().position(|&x| x == b'}')) {
                if out.last() != Some(&Tok::Any) {
                    out.push(Tok::Any);
                }
                i += close + 1;
                continue;
            }
        }
        match c {
            b'*' => {
                if out.last() != Some(&Tok::Any) {
                    out.push(Tok::Any);
                }
            }
            b'?' => out.push(Tok::One),
            _ => out.push(Tok::Lit(c.to_ascii_lowercase())),
        }
        i += 1;
    }
    out
}

/// Whether some string matches both patterns: a search over pairs of positions.
fn intersect(a: &[Tok], b: &[Tok]) -> bool {
    if a.len() > MAX_PATTERN || b.len() > MAX_PATTERN {
        return true;
    }
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    let mut seen = vec![false; (n + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == n && j == m {
            return true;
        }
        let x = a.get(i).copied();
        let y = b.get(j).copied();
        if x == Some(Tok::Any) {
            stack.push((i + 1, j));
            if j < m {
                stack.push((i, j + 1));
            }
        }
        if y == Some(Tok::Any) {
            stack.push((i, j + 1));
            if i < n {
                stack.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (x, y) {
            let fits = match (x, y) {
                (Tok::Any, _) | (_, Tok::Any) => false, // handled above
                (Tok::One, _) | (_, Tok::One) => true,
                (Tok::Lit(p), Tok::Lit(q)) => p == q,
            };
            if fits {
                stack.push((i + 1, j + 1));
            }
        }
    }
    false
}

/// Checks one statement's Action entries against its Resource entries.
pub(crate) fn check(ctx: &mut Ctx<'_>, st: &Statement<'_>, f: &Facts) {
    let Some(resource) = st.resource() else {
        return;
    };
    let action = st.action();
    if resource.is_negated() || f.resource_all || action.is_negated() {
        return;
    }
    let resources: Vec<(&str, Vec<Tok>)> = resource.values().map(|r| (r, tokens(r))).collect();
    let star = [Tok::Lit(b'*')];
    // Whether some resource fits an ARN format, remembered across the actions of the statement.
    let mut fits_format: FxHashMap<&str, bool> = FxHashMap::default();
    let mut can_be_star: Option<bool> = None;
    for ((text, id), ids) in action.entries().zip(&f.entries) {
        let Some(ids) = ids.as_ref().filter(|ids| !ids.is_empty()) else {
            continue;
        };
        let mut example: Option<Action<'_>> = None;
        let mut fits = false;
        for &aid in ids {
            // Retired services are reported as such (RETIRED_SERVICE); their data is old.
            let Some(a) = ctx
                .c
                .action_by_id(aid)
                .filter(|a| !a.service().is_retired())
            else {
                fits = true;
                break;
            };
            example.get_or_insert(a);
            fits = if a.is_wildcard_only() {
                *can_be_star
                    .get_or_insert_with(|| resources.iter().any(|(_, t)| intersect(t, &star)))
            } else {
                a.resource_types().any(|(rt, _)| {
                    *fits_format.entry(rt.arn_format()).or_insert_with(|| {
                        let format = tokens(rt.arn_format());
                        resources.iter().any(|(_, t)| intersect(t, &format))
                    })
                })
            };
            if fits {
                break;
            }
        }
        let Some(a) = example.filter(|_| !fits) else {
            continue;
        };
        let verb = if st.effect() == Effect::Deny {
            "this Deny never applies to"
        } else {
            "this statement never allows"
        };
        let (what, help) = if ids.len() > 1 {
            (
                format!("`{text}` ({} actions)", ids.len()),
                "none of the actions the pattern names acts on resources like these; check the ARNs against the actions' resource types".to_string(),
            )
        } else if a.is_wildcard_only() {
            (
                format!("`{a}`"),
                format!("`{a}` has no resource-level permissions: AWS authorises it only against `\"Resource\": \"*\"`"),
            )
        } else {
            let formats: Vec<String> = a
                .resource_types()
                .map(|(rt, _)| format!("{} `{}`", rt.name(), rt.arn_format()))
                .collect();
            (
                format!("`{a}`"),
                format!("`{a}` acts on: {}", formats.join(", ")),
            )
        };
        let listed: Vec<&str> = resources.iter().map(|(r, _)| *r).collect();
        ctx.push(
            Code::ResourceMismatch,
            Severity::Warning,
            ctx.policy.location(id),
            format!(
                "{verb} {what}: none of its resources ({}) can be a resource of {}",
                listed.join(", "),
                if ids.len() > 1 {
                    "those actions"
                } else {
                    "that action"
                }
            ),
            &help,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meets(a: &str, b: &str) -> bool {
        intersect(&tokens(a), &tokens(b))
    }

    #[test]
    fn patterns_intersect_exactly() {
        assert!(meets(
            "arn:aws:s3:::bucket/*",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        ));
        assert!(!meets(
            "arn:aws:s3:::bucket",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        ));
        assert!(meets(
            "arn:aws:s3:::bucket",
            "arn:${Partition}:s3:::${BucketName}"
        ));
        assert!(meets(
            "arn:aws:s3:::*",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        ));
        assert!(meets("arn:aws:s3:::b?cket/x", "arn:*:s3:::*/*"));
        assert!(!meets(
            "arn:aws:s3:::bucket/x",
            "arn:*:dynamodb:*:*:table/*"
        ));
        assert!(meets(
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:*:s3:::*/*"
        ));
        assert!(meets("*", "*"));
        let literal_star = [Tok::Lit(b'*')];
        assert!(
            !intersect(&tokens("arn:aws:s3:::*"), &literal_star),
            "an ARN pattern is never `*`"
        );
        assert!(intersect(&tokens("*"), &literal_star));
        assert!(meets("a*b*c", "*b*"));
        assert!(!meets("a*b", "c*"));
        assert!(meets("A:B", "a:b"), "letters compare without case");
        assert!(meets("", ""));
        assert!(!meets("x", ""));
    }

    #[test]
    fn long_patterns_are_bounded() {
        let long = format!("arn:{}", "a*".repeat(2000));
        assert!(meets(&long, "b"), "too long to check: taken to fit");
    }
}
