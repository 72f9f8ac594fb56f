//! Builds a [`Policy`] from a raw [`Document`], collecting every grammar error with its location.

use super::condition::ConditionOperator;
use super::{ConditionData, Effect, ElementData, Policy, PrincipalKind, StatementData, Version};
use crate::arn::{check_resource, ArnProblem};
use crate::diagnostic::{Code, Diagnostic, ParseError, Severity};
use crate::limits::Limits;
use crate::raw::{Document, Kind, NodeId, Value};
use crate::suggest::did_you_mean;

const TOP_LEVEL_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

struct Builder<'d> {
    doc: &'d Document,
    errors: Vec<Diagnostic>,
    conditions: Vec<ConditionData>,
}

pub(super) fn build(doc: Document, limits: &Limits) -> Result<Policy, ParseError> {
    let mut b = Builder {
        doc: &doc,
        errors: Vec::new(),
        conditions: Vec::new(),
    };
    let parts = b.policy(limits);
    let Builder {
        errors, conditions, ..
    } = b;
    match parts {
        Some((version, version_value, id, statement_value, statements)) if errors.is_empty() => {
            Ok(Policy {
                doc,
                version,
                version_value,
                id,
                statement_value,
                statements,
                conditions,
            })
        }
        _ => Err(ParseError::new(errors)),
    }
}

type PolicyParts = (
    Option<Version>,
    Option<NodeId>,
    Option<NodeId>,
    NodeId,
    Vec<StatementData>,
);

impl<'d> Builder<'d> {
    fn error_help(&mut self, code: Code, at: NodeId, message: String, help: impl Into<String>) {
        let d =
            Diagnostic::new(code, Severity::Error, message, self.doc.location(at)).with_help(help);
        self.errors.push(d);
    }

    /// Reports `value` if it is not of `kind` (a `null` gets its own code). Returns whether it is.
    fn require_kind(&mut self, value: Value<'d>, kinds: &[Kind], element: &str) -> bool {
        kinds.contains(&value.kind()) || self.wrong_kind(value, kinds, element)
    }

    /// As [`Self::require_kind`], building the element's name only when it is needed for a message.
    fn require_kind_with(
        &mut self,
        value: Value<'d>,
        kinds: &[Kind],
        element: impl FnOnce() -> String,
    ) -> bool {
        kinds.contains(&value.kind()) || self.wrong_kind(value, kinds, &element())
    }

    #[cold]
    fn wrong_kind(&mut self, value: Value<'d>, kinds: &[Kind], element: &str) -> bool {
        let wanted = kinds
            .iter()
            .map(|k| k.describe())
            .collect::<Vec<_>>()
            .join(" or ");
        if value.kind() == Kind::Null {
            self.error_help(
                Code::NullValue,
                value.id(),
                format!("`{element}` is null"),
                format!("`{element}` must be {wanted}; remove it or give it a value"),
            );
        } else {
            self.error_help(
                Code::DataTypeMismatch,
                value.id(),
                format!(
                    "`{element}` must be {wanted}, not {}",
                    value.kind().describe()
                ),
                format!("write `{element}` as {wanted}"),
            );
        }
        false
    }

    fn unknown_key(&mut self, key: Value<'d>, known: &[&str], context: &str) {
        let name = key.as_str().unwrap_or("");
        let mut help = format!("{context} may contain only {}", known.join(", "));
        if let Some(s) = did_you_mean(name, known.iter().copied()) {
            help = format!("did you mean `{s}`? {help}");
        }
        self.error_help(
            Code::InvalidPolicyElement,
            key.id(),
            format!("unknown element `{name}` in {context}"),
            help,
        );
    }

    fn policy(&mut self, limits: &Limits) -> Option<PolicyParts> {
        let root = self.doc.root();
        if !self.require_kind(root, &[Kind::Object], "policy document") {
            return None;
        }
        let mut version = None;
        let mut version_value = None;
        let mut id = None;
        let mut statement = None;
        for (key, value) in root.entries() {
            match key.as_str().unwrap_or("") {
                "Version" => {
                    version_value = Some(value.id());
                    if self.require_kind(value, &[Kind::String], "Version") {
                        version = match value.as_str() {
                            Some("2012-10-17") => Some(Version::V2012_10_17),
                            Some("2008-10-17") => Some(Version::V2008_10_17),
                            other => {
                                self.error_help(
                                    Code::InvalidVersion,
                                    value.id(),
                                    format!("unknown policy version `{}`", other.unwrap_or("")),
                                    "use \"2012-10-17\", the current policy language version",
                                );
                                None
                            }
                        };
                    }
                }
                "Id" => {
                    if self.require_kind(value, &[Kind::String], "Id") {
                        id = Some(value.id());
                    }
                }
                "Statement" => statement = Some(value),
                _ => self.unknown_key(key, TOP_LEVEL_KEYS, "a policy"),
            }
        }
        let Some(statement) = statement else {
            self.error_help(
                Code::MissingStatement,
                root.id(),
                "the policy has no `Statement`".into(),
                "add a `Statement` with at least one statement object",
            );
            return None;
        };
        if !self.require_kind(statement, &[Kind::Object, Kind::Array], "Statement") {
            return None;
        }
        let mut statements = Vec::with_capacity(statement.len().max(1));
        if statement.kind() == Kind::Object {
            if let Some(s) = self.statement(statement) {
                statements.push(s);
            }
        } else {
            if statement.is_empty() {
                self.error_help(
                    Code::MissingStatement,
                    statement.id(),
                    "`Statement` is an empty list".into(),
                    "add at least one statement object",
                );
                return None;
            }
            if statement.len() > limits.max_statements {
                self.error_help(
                    Code::LimitExceeded,
                    statement.id(),
                    format!(
                        "the policy has {} statements, more than the limit of {}",
                        statement.len(),
                        limits.max_statements
                    ),
                    "raise the limit with `Limits::max_statements` if this input is trusted",
                );
                return None;
            }
            for item in statement.items() {
                if self.require_kind(item, &[Kind::Object], "Statement item") {
                    if let Some(s) = self.statement(item) {
                        statements.push(s);
                    }
                }
            }
        }
        Some((version, version_value, id, statement.id(), statements))
    }

    fn pair(
        &mut self,
        slot: &mut Option<ElementData>,
        key: Value<'d>,
        value: Value<'d>,
        negated: bool,
        names: (&str, &str),
    ) -> bool {
        if let Some(prev) = slot {
            let (first, second) = if prev.negated == negated {
                // A true duplicate is caught by the JSON reader; this cannot happen.
                (names.0, names.0)
            } else if prev.negated {
                (names.1, names.0)
            } else {
                (names.0, names.1)
            };
            self.error_help(
                Code::UnsupportedElementCombination,
                key.id(),
                format!("a statement cannot have both `{first}` and `{second}`"),
                format!("keep either `{}` or `{}`", names.0, names.1),
            );
            return false;
        }
        *slot = Some(ElementData {
            negated,
            key: key.id(),
            value: value.id(),
        });
        true
    }

    fn statement(&mut self, obj: Value<'d>) -> Option<StatementData> {
        let errors_before = self.errors.len();
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action = None;
        let mut resource = None;
        let mut condition = None;
        let conditions_start = self.conditions.len() as u32;
        for (key, value) in obj.entries() {
            let name = key.as_str().unwrap_or("");
            match name {
                "Sid" => {
                    if self.require_kind(value, &[Kind::String], "Sid") {
                        sid = Some(value.id());
                    }
                }
                "Effect" => effect = self.effect(value).map(|e| (e, value.id())),
                "Principal" | "NotPrincipal" => {
                    let negated = name == "NotPrincipal";
                    if self.pair(
                        &mut principal,
                        key,
                        value,
                        negated,
                        ("Principal", "NotPrincipal"),
                    ) {
                        self.principal(value, name);
                    }
                }
                "Action" | "NotAction" => {
                    let negated = name == "NotAction";
                    if self.pair(&mut action, key, value, negated, ("Action", "NotAction")) {
                        self.actions(value, name);
                    }
                }
                "Resource" | "NotResource" => {
                    let negated = name == "NotResource";
                    if self.pair(
                        &mut resource,
                        key,
                        value,
                        negated,
                        ("Resource", "NotResource"),
                    ) {
                        self.resources(value, name);
                    }
                }
                "Condition" => {
                    if self.require_kind(value, &[Kind::Object], "Condition") {
                        condition = Some(value.id());
                        self.condition(value);
                    }
                }
                _ => self.unknown_key(key, STATEMENT_KEYS, "a statement"),
            }
        }
        if effect.is_none() && obj.get("Effect").is_none() {
            self.error_help(
                Code::MissingEffect,
                obj.id(),
                "the statement has no `Effect`".into(),
                "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"",
            );
        }
        if action.is_none() {
            self.error_help(
                Code::MissingAction,
                obj.id(),
                "the statement has no `Action` or `NotAction`".into(),
                "add the actions the statement applies to, e.g. \"Action\": \"s3:GetObject\"",
            );
        }
        let conditions_end = self.conditions.len() as u32;
        match (effect, action) {
            (Some((effect, effect_value)), Some(action)) if self.errors.len() == errors_before => {
                Some(StatementData {
                    node: obj.id(),
                    sid,
                    effect,
                    effect_value,
                    principal,
                    action,
                    resource,
                    condition,
                    conditions: conditions_start..conditions_end,
                })
            }
            _ => None,
        }
    }

    fn effect(&mut self, value: Value<'d>) -> Option<Effect> {
        if !self.require_kind(value, &[Kind::String], "Effect") {
            return None;
        }
        match value.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            other => {
                let text = other.unwrap_or("");
                let help = if text.eq_ignore_ascii_case("allow") {
                    "the value is case-sensitive: write `Allow`".to_string()
                } else if text.eq_ignore_ascii_case("deny") {
                    "the value is case-sensitive: write `Deny`".to_string()
                } else {
                    "`Effect` must be `Allow` or `Deny`".to_string()
                };
                self.error_help(
                    Code::InvalidEffect,
                    value.id(),
                    format!("invalid effect `{text}`"),
                    help,
                );
                None
            }
        }
    }

    /// Checks a string-or-list-of-strings element and calls `check` on each string.
    fn string_list(
        &mut self,
        value: Value<'d>,
        element: &str,
        empty_code: Code,
        mut check: impl FnMut(&mut Self, &'d str, NodeId),
    ) {
        match value.kind() {
            Kind::String => check(self, value.as_str().unwrap_or(""), value.id()),
            Kind::Array => {
                if value.is_empty() {
                    self.error_help(
                        empty_code,
                        value.id(),
                        format!("`{element}` is an empty list"),
                        format!("list at least one entry in `{element}`, or remove it"),
                    );
                }
                for item in value.items() {
                    if self.require_kind_with(item, &[Kind::String], || format!("{element} entry"))
                    {
                        check(self, item.as_str().unwrap_or(""), item.id());
                    }
                }
            }
            _ => {
                self.require_kind(value, &[Kind::String, Kind::Array], element);
            }
        }
    }

    fn actions(&mut self, value: Value<'d>, element: &str) {
        self.string_list(value, element, Code::MissingAction, |b, text, id| {
            b.action(text, id)
        });
    }

    fn action(&mut self, text: &str, id: NodeId) {
        if text == "*" {
            return;
        }
        let Some((vendor, rest)) = text.split_once(':') else {
            self.error_help(
                Code::InvalidAction,
                id,
                format!("action `{text}` has no service prefix"),
                "write actions as `service:Action`, e.g. `s3:GetObject`, or `*` for all actions",
            );
            return;
        };
        if rest.contains(':') {
            self.error_help(
                Code::InvalidAction,
                id,
                format!("action `{text}` has more than one `:`"),
                "write actions as `service:Action` with a single colon",
            );
            return;
        }
        let vendor_ok = vendor == "*"
            || (!vendor.is_empty()
                && vendor
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        if !vendor_ok {
            self.error_help(
                Code::InvalidAction,
                id,
                format!("`{vendor}` in action `{text}` is not a valid service prefix"),
                "a service prefix has only letters, digits, `-` and `.`, e.g. `s3` or `ec2`",
            );
        }
    }

    fn resources(&mut self, value: Value<'d>, element: &str) {
        self.string_list(
            value,
            element,
            Code::MissingResource,
            |b, text, id| match check_resource(text) {
                Ok(()) => {}
                Err(ArnProblem::NotArn) => b.error_help(
                    Code::InvalidArn,
                    id,
                    format!("resource `{text}` is not an ARN"),
                    "write resources as ARNs (`arn:aws:s3:::bucket/*`) or `*`",
                ),
                Err(ArnProblem::NoService) => b.error_help(
                    Code::InvalidArn,
                    id,
                    format!("resource `{text}` has no service"),
                    "an ARN has the form `arn:partition:service:region:account:resource`",
                ),
                Err(ArnProblem::UnknownPartition(p)) => b.error_help(
                    Code::InvalidArn,
                    id,
                    format!("resource `{text}` has an unknown partition `{p}`"),
                    format!("use one of {}", crate::arn::PARTITIONS.join(", ")),
                ),
            },
        );
    }

    fn principal(&mut self, value: Value<'d>, element: &str) {
        match value.kind() {
            Kind::String => {
                if value.as_str() != Some("*") {
                    self.error_help(
                        Code::InvalidPrincipalFormat,
                        value.id(),
                        format!(
                            "`{element}` is the string `{}`",
                            value.as_str().unwrap_or("")
                        ),
                        format!(
                            "a string `{element}` can only be \"*\"; name principals in an object such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}"
                        ),
                    );
                }
            }
            Kind::Object => {
                for (key, v) in value.entries() {
                    let Some(kind) = key.as_str().and_then(PrincipalKind::from_key) else {
                        let name = key.as_str().unwrap_or("");
                        let mut help = format!("principal types are {}", PRINCIPAL_KEYS.join(", "));
                        if let Some(s) = did_you_mean(name, PRINCIPAL_KEYS.iter().copied()) {
                            help = format!("did you mean `{s}`? {help}");
                        }
                        self.error_help(
                            Code::InvalidPrincipalKey,
                            key.id(),
                            format!("unknown principal type `{name}`"),
                            help,
                        );
                        continue;
                    };
                    let label = format!("{element}.{}", kind.as_str());
                    self.string_list(v, &label, Code::InvalidPrincipalFormat, |b, text, id| {
                        b.principal_value(kind, text, id)
                    });
                }
            }
            _ => {
                self.require_kind(value, &[Kind::String, Kind::Object], element);
            }
        }
    }

    fn principal_value(&mut self, kind: PrincipalKind, text: &str, id: NodeId) {
        if text == "*" {
            return;
        }
        if text.is_empty() || text.trim() != text {
            self.error_help(
                Code::InvalidPrincipalFormat,
                id,
                format!("principal `{text}` is empty or has surrounding spaces"),
                "remove the spaces around the principal",
            );
            return;
        }
        if text.contains(['*', '?']) {
            self.error_help(
                Code::UnsupportedWildcardInPrincipal,
                id,
                format!("principal `{text}` uses a wildcard"),
                "wildcards cannot match part of a principal; use \"*\" with an `aws:PrincipalArn` condition and `ArnLike` instead",
            );
            return;
        }
        if kind == PrincipalKind::Aws && !aws_principal_ok(text) {
            self.error_help(
                Code::InvalidPrincipalFormat,
                id,
                format!("`{text}` is not a valid AWS principal"),
                "use a 12-digit account id, an IAM user or role ARN, an STS session ARN, or \"*\"",
            );
        }
    }

    fn condition(&mut self, block: Value<'d>) {
        for (op_key, keys) in block.entries() {
            let op_text = op_key.as_str().unwrap_or("");
            let Some(operator) = ConditionOperator::parse(op_text) else {
                let names = crate::model::condition::BaseOperator::ALL
                    .iter()
                    .map(|b| b.name());
                let base = op_text
                    .rsplit(':')
                    .next()
                    .unwrap_or(op_text)
                    .trim_end_matches("IfExists");
                let mut help = "see the AWS list of condition operators (String…, Numeric…, Date…, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn…, Null), optionally prefixed by `ForAllValues:` or `ForAnyValue:` and suffixed by `IfExists`".to_string();
                if let Some(s) = did_you_mean(base, names) {
                    help = format!("did you mean `{s}`? {help}");
                }
                self.error_help(
                    Code::InvalidConditionOperator,
                    op_key.id(),
                    format!("unknown condition operator `{op_text}`"),
                    help,
                );
                continue;
            };
            if !self.require_kind_with(keys, &[Kind::Object], || format!("Condition.{op_text}")) {
                continue;
            }
            for (key, values) in keys.entries() {
                let key_text = key.as_str().unwrap_or("");
                match key_text.split_once(':') {
                    Some((prefix, name)) if !prefix.is_empty() && !name.is_empty() => {}
                    _ => self.error_help(
                        Code::InvalidConditionKeyFormat,
                        key.id(),
                        format!("condition key `{key_text}` has no `prefix:` part"),
                        "condition keys look like `aws:SourceIp` or `s3:prefix`",
                    ),
                }
                let element = || format!("Condition.{op_text}.{key_text}");
                let ok = match values.kind() {
                    Kind::String | Kind::Number | Kind::Bool => true,
                    Kind::Array => {
                        let mut ok = true;
                        for item in values.items() {
                            ok &= self.require_kind_with(
                                item,
                                &[Kind::String, Kind::Number, Kind::Bool],
                                || format!("{} value", element()),
                            );
                        }
                        ok
                    }
                    _ => self.require_kind_with(
                        values,
                        &[Kind::String, Kind::Number, Kind::Bool, Kind::Array],
                        element,
                    ),
                };
                if ok {
                    self.conditions.push(ConditionData {
                        operator,
                        operator_key: op_key.id(),
                        key: key.id(),
                        value: values.id(),
                    });
                }
            }
        }
    }
}

/// An `AWS` principal: a 12-digit account id, an IAM or STS ARN, or an IAM unique id (what IAM
/// shows after the referenced user or role was deleted).
fn aws_principal_ok(text: &str) -> bool {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if let Some(parts) = crate::arn::ArnParts::parse(text) {
        let partition_ok = crate::arn::PARTITIONS.contains(&parts.partition);
        // A 12-digit id; CloudFront origin access identities use `cloudfront`.
        let account_ok = (parts.account.len() == 12
            && parts.account.bytes().all(|b| b.is_ascii_digit()))
            || parts.account == "cloudfront";
        // What can be a principal: the account's root, users and roles, role sessions and
        // federated users. Not groups ("You cannot identify a user group as a principal"),
        // policies or instance profiles.
        let kind = parts.resource.split('/').next().unwrap_or("");
        let kind_ok = match parts.service {
            // `root` stands alone; a user or role has a name after the slash.
            "iam" => match kind {
                "root" => parts.resource == "root",
                "user" | "role" => parts.resource.len() > kind.len() + 1,
                _ => false,
            },
            // `assumed-role/ROLE/SESSION`, `federated-user/NAME`.
            "sts" => {
                let parts: Vec<&str> = parts.resource.split('/').collect();
                match kind {
                    "assumed-role" => parts.len() == 3 && parts.iter().all(|p| !p.is_empty()),
                    "federated-user" => parts.len() == 2 && parts.iter().all(|p| !p.is_empty()),
                    _ => false,
                }
            }
            _ => false,
        };
        return partition_ok && account_ok && parts.region.is_empty() && kind_ok;
    }
    // Unique ids: AIDA… (user), AROA… (role), AIPA… etc.: upper-case letters and digits.
    text.len() >= 16
        && text.starts_with('A')
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
