//! Condition operators: `[ForAllValues:|ForAnyValue:] BaseOperator [IfExists]`.

use std::fmt;

/// The family an operator belongs to, which decides how values are typed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    /// `String…` operators.
    String,
    /// `Numeric…` operators.
    Numeric,
    /// `Date…` operators.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress`, `NotIpAddress`.
    IpAddress,
    /// `Arn…` operators.
    Arn,
    /// `Null`.
    Null,
}

macro_rules! base_operators {
    ($( $variant:ident = $name:literal, $family:ident, $negated:literal; )*) => {
        /// A condition operator without its set qualifier and `IfExists` suffix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BaseOperator {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl BaseOperator {
            /// Every base operator AWS documents.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant,)*];

            /// The operator's name as written in policies.
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$variant => $name,)* }
            }

            /// The family that decides how values are compared.
            pub fn family(self) -> OperatorFamily {
                match self { $(BaseOperator::$variant => OperatorFamily::$family,)* }
            }

            /// Whether this is a negated operator (`StringNotEquals`, `NotIpAddress`, …): true when
            /// the key is absent, and with several values true only if none of them matches.
            pub fn is_negated(self) -> bool {
                match self { $(BaseOperator::$variant => $negated,)* }
            }

            /// Looks an operator up by its exact (case-sensitive) name.
            pub fn from_name(name: &str) -> Option<BaseOperator> {
                match name { $($name => Some(BaseOperator::$variant),)* _ => None }
            }
        }
    };
}

base_operators! {
    StringEquals = "StringEquals", String, false;
    StringNotEquals = "StringNotEquals", String, true;
    StringEqualsIgnoreCase = "StringEqualsIgnoreCase", String, false;
    StringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase", String, true;
    StringLike = "StringLike", String, false;
    StringNotLike = "StringNotLike", String, true;
    NumericEquals = "NumericEquals", Numeric, false;
    NumericNotEquals = "NumericNotEquals", Numeric, true;
    NumericLessThan = "NumericLessThan", Numeric, false;
    NumericLessThanEquals = "NumericLessThanEquals", Numeric, false;
    NumericGreaterThan = "NumericGreaterThan", Numeric, false;
    NumericGreaterThanEquals = "NumericGreaterThanEquals", Numeric, false;
    DateEquals = "DateEquals", Date, false;
    DateNotEquals = "DateNotEquals", Date, true;
    DateLessThan = "DateLessThan", Date, false;
    DateLessThanEquals = "DateLessThanEquals", Date, false;
    DateGreaterThan = "DateGreaterThan", Date, false;
    DateGreaterThanEquals = "DateGreaterThanEquals", Date, false;
    Bool = "Bool", Bool, false;
    BinaryEquals = "BinaryEquals", Binary, false;
    IpAddress = "IpAddress", IpAddress, false;
    NotIpAddress = "NotIpAddress", IpAddress, true;
    ArnEquals = "ArnEquals", Arn, false;
    ArnNotEquals = "ArnNotEquals", Arn, true;
    ArnLike = "ArnLike", Arn, false;
    ArnNotLike = "ArnNotLike", Arn, true;
    Null = "Null", Null, false;
}

/// The set qualifier for multivalued context keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:` — every value in the request must match (true when the key is absent).
    ForAllValues,
    /// `ForAnyValue:` — at least one value in the request must match (false when absent).
    ForAnyValue,
}

impl SetQualifier {
    /// The prefix as written, with its colon.
    pub fn prefix(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues:",
            SetQualifier::ForAnyValue => "ForAnyValue:",
        }
    }
}

/// A parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    qualifier: Option<SetQualifier>,
    base: BaseOperator,
    if_exists: bool,
}

impl ConditionOperator {
    /// Builds an operator from its parts.
    pub fn new(qualifier: Option<SetQualifier>, base: BaseOperator, if_exists: bool) -> Self {
        ConditionOperator {
            qualifier,
            base,
            if_exists,
        }
    }

    /// Parses an operator name exactly as AWS documents it (case-sensitive). `NullIfExists` is
    /// accepted here and reported by validation, since AWS documents no meaning for it.
    pub fn parse(text: &str) -> Option<ConditionOperator> {
        let (qualifier, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, text)
        };
        if let Some(base) = BaseOperator::from_name(rest) {
            return Some(ConditionOperator::new(qualifier, base, false));
        }
        let base = BaseOperator::from_name(rest.strip_suffix("IfExists")?)?;
        Some(ConditionOperator::new(qualifier, base, true))
    }

    /// The set qualifier, if any.
    pub fn qualifier(self) -> Option<SetQualifier> {
        self.qualifier
    }

    /// The base operator.
    pub fn base(self) -> BaseOperator {
        self.base
    }

    /// Whether the `IfExists` suffix is present.
    pub fn if_exists(self) -> bool {
        self.if_exists
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            f.write_str(q.prefix())?;
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_round_trips() {
        assert_eq!(BaseOperator::ALL.len(), 27);
        for &base in BaseOperator::ALL {
            for q in [
                None,
                Some(SetQualifier::ForAllValues),
                Some(SetQualifier::ForAnyValue),
            ] {
                for if_exists in [false, true] {
                    let op = ConditionOperator::new(q, base, if_exists);
                    assert_eq!(ConditionOperator::parse(&op.to_string()), Some(op));
                }
            }
        }
    }

    #[test]
    fn rejects_unknown_and_miscased_names() {
        for bad in [
            "stringequals",
            "StringEqualsIfExist",
            "ForAnyValues:StringEquals",
            "ForAnyValue::StringEquals",
            "IfExists",
            "",
            "StringLikeIgnoreCase",
        ] {
            assert_eq!(ConditionOperator::parse(bad), None, "{bad}");
        }
        let op = ConditionOperator::parse("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(op.qualifier(), Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base(), BaseOperator::StringNotLike);
        assert!(op.if_exists() && op.base().is_negated());
    }
}
