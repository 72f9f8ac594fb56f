//! The request-context keys a set of policies reads: what a request builder should ask for.
//!
//! A key is read by a condition (`"Condition": {"Bool": {"aws:SecureTransport": "true"}}`) or by a
//! policy variable (`"Resource": "arn:aws:s3:::home/${aws:username}/*"`, only under
//! `"Version": "2012-10-17"`, as the engine reads them). Each key comes with the type of value to
//! supply: the catalog's type when the catalog knows the key (global `aws:` keys and service keys,
//! tag keys such as `aws:PrincipalTag/team` included), otherwise the type the condition operator
//! compares with (`NumericLessThan` → numeric). A key is multivalued when the catalog says so
//! (`ArrayOfString`) or when a condition reads it with `ForAllValues:`/`ForAnyValue:`.
//!
//! ```
//! use iam_core::{Policy, eval::{context_keys, KeyType}};
//!
//! let policy = Policy::parse(r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::home/${aws:username}/*",
//!     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
//!                   "ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}}"#)?;
//! let keys = context_keys([&policy]);
//! let names: Vec<_> = keys.iter().map(|k| (k.name(), k.value_type(), k.is_multivalued())).collect();
//! assert_eq!(names, [
//!     ("aws:username", KeyType::String, false),
//!     ("aws:MultiFactorAuthAge", KeyType::Numeric, false),
//!     ("aws:TagKeys", KeyType::String, true),
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::variables::{parse_at, Piece};
use super::PolicySet;
use crate::catalog::{catalog, key_matches};
use crate::model::Policy;
use crate::OperatorFamily;
use serde::Serialize;

/// The type of value a context key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyType {
    /// Text.
    String,
    /// A number.
    Numeric,
    /// A date (ISO 8601 or epoch seconds).
    Date,
    /// `true` or `false`.
    Bool,
    /// Base64-encoded bytes.
    Binary,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// An ARN.
    Arn,
}

impl KeyType {
    /// How AWS's documentation names the type (`String`, `IP address`, …), for messages.
    pub fn description(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::Numeric => "numeric",
            KeyType::Date => "date",
            KeyType::Bool => "boolean",
            KeyType::Binary => "binary",
            KeyType::IpAddress => "IP address",
            KeyType::Arn => "ARN",
        }
    }

    /// The name used in JSON (`string`, `numeric`, `date`, `bool`, `binary`, `ipAddress`, `arn`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::Numeric => "numeric",
            KeyType::Date => "date",
            KeyType::Bool => "bool",
            KeyType::Binary => "binary",
            KeyType::IpAddress => "ipAddress",
            KeyType::Arn => "arn",
        }
    }

    /// The type and whether it is multivalued, from a catalog type name (`ArrayOfString`).
    fn from_catalog(name: &str) -> Option<(KeyType, bool)> {
        let (multi, base) = match name.strip_prefix("ArrayOf") {
            Some(base) => (true, base),
            None => (false, name),
        };
        let t = match base {
            "String" => KeyType::String,
            "Numeric" | "Long" | "Integer" => KeyType::Numeric,
            "Date" => KeyType::Date,
            "Bool" | "Boolean" => KeyType::Bool,
            "Binary" => KeyType::Binary,
            "IPAddress" => KeyType::IpAddress,
            "ARN" => KeyType::Arn,
            _ => return None,
        };
        Some((t, multi))
    }

    pub(crate) fn from_family(family: OperatorFamily) -> Option<KeyType> {
        Some(match family {
            OperatorFamily::String => KeyType::String,
            OperatorFamily::Numeric => KeyType::Numeric,
            OperatorFamily::Date => KeyType::Date,
            OperatorFamily::Bool => KeyType::Bool,
            OperatorFamily::Binary => KeyType::Binary,
            OperatorFamily::IpAddress => KeyType::IpAddress,
            OperatorFamily::Arn => KeyType::Arn,
            // `Null` tests presence only: it says nothing about the value's type.
            OperatorFamily::Null => return None,
        })
    }
}

/// A context key the policies read. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextKey {
    name: String,
    #[serde(rename = "type")]
    value_type: KeyType,
    multivalued: bool,
    in_catalog: bool,
}

impl ContextKey {
    /// The key as first written in the policies.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The type of value to supply.
    pub fn value_type(&self) -> KeyType {
        self.value_type
    }
    /// Whether the key holds a list of values.
    pub fn is_multivalued(&self) -> bool {
        self.multivalued
    }
    /// Whether the type comes from the action catalog (rather than from an operator).
    pub fn is_in_catalog(&self) -> bool {
        self.in_catalog
    }
}

/// The catalog's type for a key (`aws:SourceIp` → `IPAddress`), tag keys included.
pub(crate) fn catalog_type(key: &str) -> Option<(KeyType, bool)> {
    let cat = catalog();
    let global = cat
        .global_condition_keys()
        .find(|(pattern, _)| key_matches(pattern, key));
    let found = global.or_else(|| {
        let prefix = key.split(':').next()?;
        cat.service(prefix)?
            .condition_keys()
            .find(|(pattern, _)| key_matches(pattern, key))
    });
    found.and_then(|(_, t)| KeyType::from_catalog(t))
}

#[derive(Default)]
struct Collector {
    keys: Vec<ContextKey>,
}

impl Collector {
    fn add(&mut self, name: &str, operator: Option<(Option<KeyType>, bool)>) {
        let (op_type, op_multi) = operator.unwrap_or((Some(KeyType::String), false));
        if let Some(k) = self
            .keys
            .iter_mut()
            .find(|k| k.name.eq_ignore_ascii_case(name))
        {
            k.multivalued |= op_multi;
            return;
        }
        let (value_type, multivalued, in_catalog) = match catalog_type(name) {
            Some((t, multi)) => (t, multi || op_multi, true),
            None => (op_type.unwrap_or(KeyType::String), op_multi, false),
        };
        self.keys.push(ContextKey {
            name: name.to_string(),
            value_type,
            multivalued,
            in_catalog,
        });
    }

    fn add_variables(&mut self, text: &str) {
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            let at = rest.get(i..).unwrap_or("");
            match parse_at(at) {
                Some((Piece::Var(v), len)) => {
                    self.add(&v.name, None);
                    rest = at.get(len..).unwrap_or("");
                }
                Some((Piece::Literal(_), len)) => rest = at.get(len..).unwrap_or(""),
                None => rest = at.get(2..).unwrap_or(""),
            }
        }
    }

    fn policy(&mut self, policy: &Policy) {
        let variables = policy.variables_enabled();
        for st in policy.statements() {
            if variables {
                if let Some(resource) = st.resource() {
                    for value in resource.values() {
                        self.add_variables(value);
                    }
                }
            }
            for c in st.conditions() {
                let op = c.operator();
                let family = op.base().family();
                self.add(
                    c.key(),
                    Some((KeyType::from_family(family), op.qualifier().is_some())),
                );
                // The operators that take policy variables (compile.rs: String, ARN and Bool).
                let substitutes = matches!(
                    family,
                    OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
                );
                if variables && substitutes {
                    for v in c.values() {
                        self.add_variables(v.as_str());
                    }
                }
            }
        }
    }
}

/// The context keys `policies` read, in order of first appearance, each once (keys compare
/// case-insensitively; the first spelling is kept). See the [module docs](self).
pub fn context_keys<'p>(policies: impl IntoIterator<Item = &'p Policy>) -> Vec<ContextKey> {
    let mut c = Collector::default();
    for p in policies {
        c.policy(p);
    }
    c.keys
}

impl PolicySet {
    /// The context keys the set's policies read, in evaluation order of the layers: what a
    /// request should supply. See [`context_keys`].
    pub fn context_keys(&self) -> Vec<ContextKey> {
        let all = self
            .identity
            .iter()
            .chain(&self.resource)
            .chain(&self.boundary)
            .chain(&self.session)
            .chain(self.scps.iter().flatten())
            .chain(self.rcps.iter().flatten());
        context_keys(all.map(|p| p.policy()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, &'static str, bool, bool)> {
        let p = Policy::parse(text).unwrap();
        context_keys([&p])
            .into_iter()
            .map(|k| {
                (
                    k.name().to_string(),
                    k.value_type().as_str(),
                    k.is_multivalued(),
                    k.is_in_catalog(),
                )
            })
            .collect()
    }

    #[test]
    fn catalog_types_win_over_operators_and_tags_match() {
        let got = keys(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:SourceIp":"1.2.3.4","aws:PrincipalTag/Team":"x",
            "s3:x-amz-server-side-encryption":"AES256"},"Null":{"custom:Thing":"false"},
            "NumericLessThan":{"my:Count":"3"}}}]}"#,
        );
        assert_eq!(
            got,
            [
                ("aws:SourceIp".into(), "ipAddress", false, true),
                ("aws:PrincipalTag/Team".into(), "string", false, true),
                (
                    "s3:x-amz-server-side-encryption".into(),
                    "string",
                    false,
                    true
                ),
                ("custom:Thing".into(), "string", false, false),
                ("my:Count".into(), "numeric", false, false),
            ]
        );
    }

    #[test]
    fn variables_only_under_2012_and_deduplicated_case_insensitively() {
        let v2012 = keys(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
            "Resource":["arn:aws:s3:::b/${aws:username}/${*}","arn:aws:s3:::b/${aws:UserName}"],
            "Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team, 'none'}/*"},
            "ForAllValues:StringEquals":{"aws:userName":["a"]}}}]}"#,
        );
        assert_eq!(
            v2012,
            [
                ("aws:username".into(), "string", true, true),
                ("s3:prefix".into(), "string", false, true),
                ("aws:PrincipalTag/team".into(), "string", false, true),
            ]
        );
        let v2008 = keys(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
            "Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
        );
        assert!(v2008.is_empty());
    }

    #[test]
    fn policy_set_lists_every_layer() {
        let set = PolicySet::from_json(
            r#"{"identity":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",
            "Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}],
            "scps":[[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",
            "Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}}]]}"#,
        )
        .unwrap();
        let names: Vec<_> = set
            .context_keys()
            .iter()
            .map(|k| (k.name().to_string(), k.value_type()))
            .collect();
        assert_eq!(
            names,
            [
                ("aws:SecureTransport".to_string(), KeyType::Bool),
                ("aws:CurrentTime".to_string(), KeyType::Date)
            ]
        );
    }
}
