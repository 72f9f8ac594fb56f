//! Policy variables as written. The evaluator reads a `${…}` form only where AWS does and only
//! when it is well formed (`eval::variables`); anywhere else the text is literal, which is rarely
//! what the author meant. These checks say so, with IAM Access Analyzer's codes:
//!
//! - a form AWS does not read: `${}` (EMPTY_VARIABLE), `${aws:username` (MISSING_BRACE_IN_VARIABLE),
//!   `${aws:x, default}` (MISSING_QUOTE_IN_VARIABLE), `${aws: username}`
//!   (UNSUPPORTED_SPACE_IN_VARIABLE);
//! - a variable where AWS does not read one: in `Principal`, or before the fifth colon of a
//!   `Resource` ARN (VARIABLE_UNSUPPORTED_IN_ELEMENT; one in `Action` is INVALID_ACTION already);
//! - a variable in the value of an operator that takes none: numbers, dates, IP ranges, binary,
//!   `Null` (INVALID_VARIABLE_FOR_OPERATOR).
//!
//! Under the legacy `2008-10-17` version (or none) every `${…}` is literal: MISSING_VERSION and
//! LEGACY_VERSION say so once, and these checks stay quiet.

use super::Checker;
use crate::diagnostic::{Code, Severity};
use crate::eval::variables::{parse_at, Piece};
use crate::model::condition::OperatorFamily;
use crate::model::Statement;
use crate::raw::NodeId;

/// How a `${` form at the start of `text` fails to be one AWS reads, if it does.
fn malformed(text: &str) -> Option<(Code, &'static str)> {
    if parse_at(text).is_some() {
        return None;
    }
    let body_and_rest = text.strip_prefix("${")?;
    let Some(close) = body_and_rest.find('}') else {
        return Some((Code::MissingBraceInVariable, "has no closing `}`"));
    };
    let body = body_and_rest.get(..close).unwrap_or("");
    if body.trim().is_empty() {
        return Some((Code::EmptyVariable, "names no key"));
    }
    let (key, default) = match body.split_once(',') {
        Some((key, default)) => (key, Some(default)),
        None => (body, None),
    };
    if let Some(d) = default {
        let quoted = d.len() >= 3 && d.starts_with(" '") && d.ends_with('\'');
        if !quoted {
            return Some((
                Code::MissingQuoteInVariable,
                "writes its default value other than `, 'value'` (a comma, one space, single quotes)",
            ));
        }
    }
    if key.contains(char::is_whitespace) {
        return Some((Code::UnsupportedSpaceInVariable, "has a space in its key"));
    }
    None // another form (`${username}`, without a service prefix): literal, not flagged
}

/// The well-formed variables of `text` (escapes such as `${*}` are not variables).
pub(super) fn has_variable(text: &str) -> bool {
    text.match_indices("${").any(|(at, _)| {
        let rest = text.get(at..).unwrap_or("");
        matches!(parse_at(rest), Some((Piece::Var(_), _)))
    })
}

/// Where the resource part of an ARN starts: after the fifth colon, not counting colons inside
/// `${…}` (the fields the evaluator splits, `crate::arn::field_colons`). Also used by the ARN
/// field checks, which leave entries with a variable there to this module.
pub(super) fn resource_part_start(text: &str) -> Option<usize> {
    crate::arn::field_colons(text).nth(4).map(|colon| colon + 1)
}

impl Checker<'_> {
    pub(super) fn variables(&mut self, st: &Statement<'_>) {
        if !self.policy.variables_enabled() {
            return;
        }
        // (A variable in `Action` has a second `:`, which is INVALID_ACTION already.)
        if let Some(p) = st.principal() {
            for (_, text, id) in p.entries() {
                self.in_principal(text, id);
            }
        }
        if let Some(r) = st.resource() {
            for (text, id) in r.entries() {
                self.forms(text, id);
                let head = resource_part_start(text)
                    .and_then(|at| text.get(..at))
                    .unwrap_or("");
                // A warning, not an error: IAM stores such policies (one AWS managed policy,
                // AmazonTimestreamInfluxDBServiceRolePolicy, writes `…:kms:*:${aws:PrincipalAccount}:key/*`);
                // the entry just matches nothing (IAM User Guide, "Where you can use policy variables").
                if has_variable(head) {
                    self.push(
                        Code::VariableUnsupportedInElement,
                        Severity::Warning,
                        self.policy.location(id),
                        format!("`{text}` has a policy variable before the ARN's fifth colon, where AWS reads it as literal text, so the entry matches no resource"),
                        "policy variables work only in the resource part of an ARN (after `arn:partition:service:region:account:`); compare the account with a condition such as `\"StringEquals\": {\"aws:ResourceAccount\": \"${aws:PrincipalAccount}\"}`",
                    );
                }
            }
        }
        for cond in st.conditions() {
            let family = cond.operator().base().family();
            let reads = matches!(
                family,
                OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
            );
            for v in cond.values() {
                let text = v.as_str();
                if reads {
                    self.forms(text, v.id());
                } else if has_variable(text) {
                    self.push(
                        Code::InvalidVariableForOperator,
                        Severity::Error,
                        self.policy.location(v.id()),
                        format!("`{text}`: `{}` does not read policy variables, and the text is not a value it can compare, so the condition is undecidable: an Allow with it does not allow, and a Deny with it denies unless another part of the statement rules the request out", cond.operator()),
                        "policy variables work with String, ARN and Bool operators only (not Numeric, Date, IP address, Binary or Null)",
                    );
                }
            }
        }
    }

    /// A variable in `Principal`, where AWS reads none.
    fn in_principal(&mut self, text: &str, id: NodeId) {
        if has_variable(text) {
            self.push(
                Code::VariableUnsupportedInElement,
                Severity::Error,
                self.policy.location(id),
                format!("`{text}` has a policy variable in `Principal`, where AWS reads it as literal text"),
                "policy variables work only in `Resource` and `Condition`: name the principals outright, or compare `aws:PrincipalArn` in a condition",
            );
        }
    }

    /// Every `${` form of `text` that AWS does not read.
    fn forms(&mut self, text: &str, id: NodeId) {
        for (at, _) in text.match_indices("${") {
            let rest = text.get(at..).unwrap_or("");
            if let Some((code, why)) = malformed(rest) {
                // The form up to its brace, or (with none) the rest of the text, shortened.
                let end = rest.find('}').map_or(rest.len(), |c| c + 1);
                let form: String = rest.get(..end).unwrap_or(rest).chars().take(40).collect();
                self.push(
                    code,
                    Severity::Error,
                    self.policy.location(id),
                    format!("`{form}` {why}, so it is not a policy variable and is matched as literal text"),
                    "write variables as `${service:key}` or `${service:key, 'default'}`, e.g. `${aws:username}`",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_forms_are_told_apart() {
        assert_eq!(malformed("${aws:username}/x"), None);
        assert_eq!(malformed("${aws:PrincipalTag/team, 'all'}"), None);
        assert_eq!(malformed("${*}"), None);
        let code = |t: &str| malformed(t).map(|(c, _)| c);
        assert_eq!(code("${}"), Some(Code::EmptyVariable));
        assert_eq!(code("${ }"), Some(Code::EmptyVariable));
        assert_eq!(code("${aws:username/*"), Some(Code::MissingBraceInVariable));
        assert_eq!(code("${aws:x, all}"), Some(Code::MissingQuoteInVariable));
        assert_eq!(code("${aws:x,'all'}"), Some(Code::MissingQuoteInVariable));
        assert_eq!(
            code("${aws: username}"),
            Some(Code::UnsupportedSpaceInVariable)
        );
        assert_eq!(code("${username}"), None);
    }

    #[test]
    fn the_resource_part_starts_after_the_fifth_colon_outside_variables() {
        fn at(t: &str) -> Option<&str> {
            resource_part_start(t).and_then(|i| t.get(i..))
        }
        assert_eq!(
            at("arn:aws:s3:::b/${aws:username}"),
            Some("b/${aws:username}")
        );
        assert_eq!(
            at("arn:aws:iam::${aws:PrincipalAccount}:user/x"),
            Some("user/x")
        );
        assert_eq!(at("arn:aws:s3"), None);
    }
}
