//! Diagnostics: every error and finding the library reports.
//!
//! A [`Diagnostic`] is one record: a stable SCREAMING_SNAKE [`Code`], a [`Severity`] (the four levels
//! IAM Access Analyzer uses), a one-line message (lowercase, no final period, user values in
//! backticks), an optional help text, and the [`Location`] it refers to. The same record serves
//! parse errors, per-policy-type validation findings and, later, lint findings, and it serialises
//! to one flat JSON object for the command line, Python and JavaScript.

use crate::location::Location;
use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is. The order is from most to least serious, so `a <= b` means `a` is at
/// least as serious as `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The policy is invalid or does not do what it says; AWS rejects it or it cannot work.
    Error,
    /// The policy grants more than is safe.
    SecurityWarning,
    /// The policy works but something in it is likely a mistake.
    Warning,
    /// The policy could be written more clearly.
    Suggestion,
}

impl Severity {
    /// The kebab-case name used in JSON and on the command line (`security-warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    /// Parses the kebab-case name (also accepts `security_warning`, any case).
    pub fn from_name(name: &str) -> Option<Severity> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "error" => Some(Severity::Error),
            "security-warning" => Some(Severity::SecurityWarning),
            "warning" => Some(Severity::Warning),
            "suggestion" => Some(Severity::Suggestion),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, )*) => {
        /// The stable identifier of a diagnostic. The string form ([`Code::as_str`]) never changes
        /// once released; where IAM Access Analyzer has a check for the same problem, the name is
        /// the same as its issue code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The SCREAMING_SNAKE name, e.g. `DUPLICATE_KEY`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The code named `name` ([`Code::as_str`]), exactly as written.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }

            /// A one-sentence description of what the code means (its documentation).
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),*).trim_ascii(),)* }
            }
        }
    };
}

codes! {
    // ---- reading the document -------------------------------------------------------------
    /// The text is not valid JSON.
    JsonSyntaxError = "JSON_SYNTAX_ERROR",
    /// The bytes are not valid UTF-8 (or start with a byte-order mark).
    InvalidEncoding = "INVALID_ENCODING",
    /// An object has the same key twice. AWS rejects this; serde_json would keep the last one.
    DuplicateKey = "DUPLICATE_KEY",
    /// A `null` value appears in the document; no IAM element accepts `null`.
    NullValue = "NULL_VALUE",
    /// The input exceeds one of the parser's safety limits (bytes, nesting depth, statements,
    /// values, string length). See [`crate::Limits`].
    LimitExceeded = "LIMIT_EXCEEDED",
    // ---- policy grammar --------------------------------------------------------------------
    /// An unknown key at the top level, in a statement, or in a `Principal`.
    InvalidPolicyElement = "INVALID_POLICY_ELEMENT",
    /// A statement has both elements of a pair such as `Action` and `NotAction`.
    UnsupportedElementCombination = "UNSUPPORTED_ELEMENT_COMBINATION",
    /// An element has the wrong JSON type (for example a number where a string is required).
    DataTypeMismatch = "DATA_TYPE_MISMATCH",
    /// The document has no `Statement`, or an empty one.
    MissingStatement = "MISSING_STATEMENT",
    /// A statement has no `Effect`.
    MissingEffect = "MISSING_EFFECT",
    /// `Effect` is neither `Allow` nor `Deny` (the comparison is case-sensitive).
    InvalidEffect = "INVALID_EFFECT",
    /// A statement has neither `Action` nor `NotAction`, or an empty list.
    MissingAction = "MISSING_ACTION",
    /// `Version` is not `2012-10-17` or `2008-10-17`.
    InvalidVersion = "INVALID_VERSION",
    /// An action is not `*` and not of the form `service:action`.
    InvalidAction = "INVALID_ACTION",
    /// A resource is not `*` and not a well-formed ARN.
    InvalidArn = "INVALID_ARN",
    /// A `Principal` object has a key other than `AWS`, `Service`, `Federated`, `CanonicalUser`.
    InvalidPrincipalKey = "INVALID_PRINCIPAL_KEY",
    /// A principal value is not an account, ARN, unique id, service or provider name.
    InvalidPrincipalFormat = "INVALID_PRINCIPAL_FORMAT",
    /// A principal value uses a wildcard other than the lone `*`.
    UnsupportedWildcardInPrincipal = "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
    /// A condition operator AWS does not document.
    InvalidConditionOperator = "INVALID_CONDITION_OPERATOR",
    /// A condition key without a `prefix:` part.
    InvalidConditionKeyFormat = "INVALID_CONDITION_KEY_FORMAT",
    // ---- validation per policy type ---------------------------------------------------------
    /// The document has no `Version`: policy variables are then plain text.
    MissingVersion = "MISSING_VERSION",
    /// The document uses the legacy `2008-10-17` version: policy variables are plain text.
    LegacyVersion = "LEGACY_VERSION",
    /// A statement of a policy type that needs a principal has none.
    MissingPrincipal = "MISSING_PRINCIPAL",
    /// A principal element in a policy type that does not take one.
    UnsupportedPrincipal = "UNSUPPORTED_PRINCIPAL",
    /// A statement of a policy type that needs a resource has none.
    MissingResource = "MISSING_RESOURCE",
    /// `Resource` or `NotResource` in a role trust policy.
    UnsupportedResource = "UNSUPPORTED_RESOURCE",
    /// A `Federated` principal outside a role trust policy.
    FederatedPrincipalNotSupported = "FEDERATED_PRINCIPAL_NOT_SUPPORTED",
    /// An RCP statement that breaks the RCP grammar (principal, Allow shape, NotAction, actions).
    RcpSyntaxError = "RCP_SYNTAX_ERROR",
    /// `${}`: a policy variable that names no key.
    EmptyVariable = "EMPTY_VARIABLE",
    /// `${aws:username` without its closing brace.
    MissingBraceInVariable = "MISSING_BRACE_IN_VARIABLE",
    /// A variable's default value not written `, 'value'`.
    MissingQuoteInVariable = "MISSING_QUOTE_IN_VARIABLE",
    /// A space in a variable's key (`${aws: username}`).
    UnsupportedSpaceInVariable = "UNSUPPORTED_SPACE_IN_VARIABLE",
    /// A policy variable where AWS reads none: `Action`, `Principal`, an ARN before its fifth colon.
    VariableUnsupportedInElement = "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    /// A policy variable in the value of an operator that reads none (numbers, dates, IPs, binary).
    InvalidVariableForOperator = "INVALID_VARIABLE_FOR_OPERATOR",
    /// A resource ARN names a region where its service's ARNs have none (`arn:aws:iam:us-east-1:…`).
    ArnRegionNotAllowed = "ARN_REGION_NOT_ALLOWED",
    /// A resource ARN has no region where its service's ARNs always name one.
    MissingArnRegion = "MISSING_ARN_REGION",
    /// A resource ARN names an account where its service's ARNs have none (`arn:aws:route53::1…`).
    ArnAccountNotAllowed = "ARN_ACCOUNT_NOT_ALLOWED",
    /// A resource ARN's account is not a 12-digit account ID (nor `aws`, nor a wildcard).
    InvalidArnAccount = "INVALID_ARN_ACCOUNT",
    /// A resource ARN's service name is not lower case (`arn:aws:S3:::b`).
    InvalidArnServiceCase = "INVALID_ARN_SERVICE_CASE",
    /// A `Sid` with characters outside `[A-Za-z0-9]` where IAM requires that.
    UnsupportedSid = "UNSUPPORTED_SID",
    /// Two statements share a `Sid` in a policy type that requires unique ones.
    UniqueSidsRequired = "UNIQUE_SIDS_REQUIRED",
    /// Two statements share a `Sid` where uniqueness is recommended.
    UniqueSidsRecommended = "UNIQUE_SIDS_RECOMMENDED",
    /// A character outside tab, line feed, carriage return and U+0020–U+00FF.
    InvalidCharacter = "INVALID_CHARACTER",
    /// The policy is larger than the quota of an identity-based policy.
    PolicySizeExceedsIdentityPolicyQuota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
    /// The policy is larger than the typical resource-based policy quota.
    PolicySizeExceedsResourcePolicyQuota = "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
    /// The policy is larger than the role trust policy quota.
    PolicySizeExceedsRoleTrustPolicyQuota = "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
    /// The policy is larger than the session policy quota.
    PolicySizeExceedsSessionPolicyQuota = "POLICY_SIZE_EXCEEDS_SESSION_POLICY_QUOTA",
    /// The policy is larger than the SCP quota (whitespace counts).
    PolicySizeExceedsScpQuota = "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
    /// The policy is larger than the RCP quota (whitespace counts).
    PolicySizeExceedsRcpQuota = "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
    /// `Null` with the `IfExists` suffix, which AWS does not support.
    NullWithIfExists = "NULL_WITH_IF_EXISTS",
    /// A condition value array mixes JSON types.
    InvalidConditionDataType = "INVALID_CONDITION_DATA_TYPE",
    /// A `Bool` condition lists more than one value.
    InvalidConditionMultipleBoolean = "INVALID_CONDITION_MULTIPLE_BOOLEAN",
    /// A `Bool` condition value that is not `true` or `false`.
    TypeMismatchBoolean = "TYPE_MISMATCH_BOOLEAN",
    /// A `Numeric…` condition value that is not a number.
    TypeMismatchNumber = "TYPE_MISMATCH_NUMBER",
    /// A `Date…` condition value that is not an ISO 8601 date or epoch time.
    TypeMismatchDate = "TYPE_MISMATCH_DATE",
    /// An `IpAddress`/`NotIpAddress` value that is not an IPv4 or IPv6 address or CIDR block.
    TypeMismatchIpRange = "TYPE_MISMATCH_IP_RANGE",
    /// A `BinaryEquals` value that is not base-64.
    TypeMismatchBinary = "TYPE_MISMATCH_BINARY",
    /// Two keys under one condition operator differ only in letter case (keys are
    /// case-insensitive, so one hides the other).
    DuplicateKeysWithDifferentCase = "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
    // ---- simulation files ------------------------------------------------------------------
    /// A simulation file or request that does not follow the documented format.
    InvalidSimulation = "INVALID_SIMULATION",
    // ---- lint: over-broad and risky grants (see docs/checks.md) -----------------------------
    /// `Allow` of every action on every resource.
    FullAdmin = "FULL_ADMIN",
    /// `Allow` of every action of a service (`s3:*`).
    ServiceWildcard = "SERVICE_WILDCARD",
    /// A wildcard pattern that reaches permissions-management actions (`iam:Put*`).
    WildcardPermissionsManagement = "WILDCARD_PERMISSIONS_MANAGEMENT",
    /// A wildcard pattern that reaches write actions on every resource.
    WildcardWriteAccess = "WILDCARD_WRITE_ACCESS",
    /// `Resource: "*"` with actions that support resource-level permissions.
    ResourceStar = "RESOURCE_STAR",
    /// `Allow` with `NotAction`.
    AllowWithNotAction = "ALLOW_WITH_NOT_ACTION",
    /// `Allow` with `NotResource`.
    AllowWithNotResource = "ALLOW_WITH_NOT_RESOURCE",
    /// A resource policy that allows everyone without a limiting condition.
    PublicAccess = "PUBLIC_ACCESS",
    /// A role trust policy for GitHub Actions' OIDC provider that does not limit which
    /// repositories (`token.actions.githubusercontent.com:sub`) may assume the role.
    MissingGithubRepoConditionKey = "MISSING_GITHUB_REPO_CONDITION_KEY",
    /// `Allow` with `NotPrincipal`.
    AllowWithNotPrincipal = "ALLOW_WITH_NOT_PRINCIPAL",
    /// `Deny` with `NotPrincipal`: fragile, and it denies every principal with a boundary.
    DenyWithNotPrincipal = "DENY_WITH_NOT_PRINCIPAL",
    /// `iam:PassRole` on every role.
    PassRoleWithStarInResource = "PASS_ROLE_WITH_STAR_IN_RESOURCE",
    /// Actions that together let a principal raise its own privileges.
    PrivilegeEscalation = "PRIVILEGE_ESCALATION",
    /// Actions that return credentials, without resource constraints.
    CredentialsExposure = "CREDENTIALS_EXPOSURE",
    /// Actions that read sensitive data, without resource constraints.
    DataExfiltration = "DATA_EXFILTRATION",
    /// Permissions-management actions without resource constraints.
    ResourceExposure = "RESOURCE_EXPOSURE",
    /// A service prefix the catalog does not know.
    UnknownService = "UNKNOWN_SERVICE",
    /// An action (or pattern) that matches no action of its service.
    UnknownAction = "UNKNOWN_ACTION",
    /// A service AWS has retired.
    RetiredService = "RETIRED_SERVICE",
    /// `*` or `?` under an operator that does not treat them as wildcards.
    WildcardWithoutLikeOperator = "WILDCARD_WITHOUT_LIKE_OPERATOR",
    /// `Deny` with `Bool aws:MultiFactorAuthPresent false`, which long-term keys slip through.
    MfaConditionPitfall = "MFA_CONDITION_PITFALL",
    /// `ForAllValues` in an `Allow` without a `Null` check: true when the key is absent.
    ForallvaluesWithoutNullCheck = "FORALLVALUES_WITHOUT_NULL_CHECK",
    /// A service condition key that applies to none of the statement's actions.
    ConditionKeyNotApplicable = "CONDITION_KEY_NOT_APPLICABLE",
    /// An action whose resources can never be any of the statement's resources.
    ResourceMismatch = "RESOURCE_MISMATCH",
    /// A condition operator of a family that does not fit the key's type (`StringLike` on an IP
    /// address key, `NumericLessThan` on a string key).
    ConditionTypeMismatch = "CONDITION_TYPE_MISMATCH",
    /// A plain operator (no `ForAllValues`/`ForAnyValue`) on a key the catalog marks multivalued.
    MissingQualifier = "MISSING_QUALIFIER",
    /// A condition key given an empty list of values.
    EmptyArrayCondition = "EMPTY_ARRAY_CONDITION",
    /// An action entry already covered by another entry of the statement.
    RedundantAction = "REDUNDANT_ACTION",
    /// A statement that repeats an earlier one.
    RedundantStatement = "REDUNDANT_STATEMENT",
    /// A wildcard in an S3 bucket name, which also matches other buckets.
    S3BucketNameWildcard = "S3_BUCKET_NAME_WILDCARD",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Code {
    /// The link to this code's entry in the project's documentation of checks
    /// (`docs/checks.md#full_admin`).
    pub fn docs(self) -> String {
        format!("docs/checks.md#{}", self.as_str().to_ascii_lowercase())
    }
}

/// One error or finding, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    code: Code,
    severity: Severity,
    message: String,
    help: Option<String>,
    location: Location,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 6)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("message", &self.message)?;
        if let Some(h) = &self.help {
            st.serialize_field("help", h)?;
        }
        st.serialize_field("location", &self.location)?;
        st.serialize_field("docs", &self.code.docs())?;
        st.end()
    }
}

impl Diagnostic {
    /// Creates a diagnostic.
    pub fn new(
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            help: None,
            location,
        }
    }

    /// Adds a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// How serious it is.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Advice on how to fix it, if any.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {} at {}",
            self.severity, self.code, self.message, self.location
        )
    }
}

/// A document could not be read as an IAM policy. Holds one or more error [`Diagnostic`]s, each with
/// its location; a JSON syntax error stops reading, grammar errors are all collected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", summary(.diagnostics))]
pub struct ParseError {
    diagnostics: Vec<Diagnostic>,
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "invalid policy".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

impl ParseError {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Self {
        ParseError { diagnostics }
    }

    /// The errors, in document order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Consumes the error, giving its diagnostics.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_screaming_snake() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{s}"
            );
        }
    }

    #[test]
    fn codes_read_back_from_their_names() {
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(*code));
        }
        assert_eq!(Code::from_name("full_admin"), None);
        assert_eq!(Code::from_name(""), None);
    }

    #[test]
    fn every_code_has_a_summary() {
        for code in Code::ALL {
            assert!(code.summary().len() > 10, "{code}");
        }
        assert!(Code::FullAdmin
            .summary()
            .starts_with("`Allow` of every action"));
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Error < Severity::SecurityWarning);
        assert!(Severity::Warning < Severity::Suggestion);
        for s in [
            Severity::Error,
            Severity::SecurityWarning,
            Severity::Warning,
            Severity::Suggestion,
        ] {
            assert_eq!(Severity::from_name(s.as_str()), Some(s));
        }
        assert_eq!(
            Severity::from_name("SECURITY_WARNING"),
            Some(Severity::SecurityWarning)
        );
        assert_eq!(Severity::from_name("fatal"), None);
    }
}
