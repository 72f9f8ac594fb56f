//! # iam-core
//!
//! Read AWS IAM policy documents exactly as AWS reads them, check them for the place they are
//! used, and (in later releases) evaluate requests against them and lint them.
//!
//! ## Overview
//!
//! The library has two layers, as Cedar does:
//!
//! * the **raw layer** ([`raw::Document`]) keeps the JSON exactly as written: key order, the
//!   single-value-or-list shape of every element, numbers as their text, and the byte span of
//!   every value. It rejects what AWS rejects and serde_json lets through, such as duplicate keys.
//!   It re-serialises losslessly ([`Policy::to_json`]).
//! * the **model** ([`Policy`]) can only hold a grammatical policy: `Effect` is `Allow` or
//!   `Deny`, each statement has exactly one of `Action`/`NotAction`, condition operators are ones
//!   AWS documents, ARNs and principals are well formed. Its typed views read strings straight
//!   from the source, so parsing allocates little.
//!
//! Whether a grammatical policy suits its use is a separate question, answered by
//! [`Policy::validate`] for one [`PolicyType`] (identity, resource, trust, permissions boundary,
//! session, SCP, RCP).
//!
//! Every error and finding is a [`Diagnostic`] with a stable [`Code`], a [`Severity`], a message,
//! a help text, and a [`Location`]: JSON Pointer, byte span, and line and column (also in UTF-16
//! code units for browser editors).
//!
//! ## Usage
//!
//! ```
//! use iam_core::{Policy, PolicyType, Severity};
//!
//! let text = r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "ReadReports",
//!     "Effect": "Allow",
//!     "Action": ["s3:GetObject", "s3:ListBucket"],
//!     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
//!   }]
//! }"#;
//! let policy = Policy::parse(text)?;
//! let Some(statement) = policy.statement(0) else { unreachable!("one statement") };
//! assert_eq!(statement.sid(), Some("ReadReports"));
//! assert_eq!(statement.action().values().collect::<Vec<_>>(), ["s3:GetObject", "s3:ListBucket"]);
//! assert_eq!(statement.action().location().path(), "/Statement/0/Action");
//!
//! // A grammatical policy can still be wrong for its use:
//! assert!(policy.validate(PolicyType::Identity).is_empty());
//! let findings = policy.validate(PolicyType::Resource);
//! assert_eq!(findings[0].code().as_str(), "MISSING_PRINCIPAL");
//! assert_eq!(findings[0].severity(), Severity::Error);
//! # Ok::<(), iam_core::ParseError>(())
//! ```
//!
//! Errors say where and why:
//!
//! ```
//! let result = iam_core::Policy::parse(r#"{"Statement": {"Effect": "Allow", "Effect": "Deny",
//!     "Action": "*", "Resource": "*"}}"#);
//! let Err(err) = result else { unreachable!("duplicate keys are rejected") };
//! let d = &err.diagnostics()[0];
//! assert_eq!(d.code().as_str(), "DUPLICATE_KEY");
//! assert_eq!(d.location().path(), "/Statement/Effect");
//! assert_eq!((d.location().line(), d.location().column()), (1, 35));
//! ```
//!
//! ## Untrusted input
//!
//! Parsing never panics and is linear in the input. Inputs beyond the [`Limits`] (1 MiB, nesting
//! depth 32, 1,000 statements, 10,000 array items, 1,000 object keys, 16 KiB strings by default)
//! are refused with a located `LIMIT_EXCEEDED` error. The JSON reader is recursive, bounded by the
//! depth limit. Property tests feed it arbitrary bytes.
//!
//! ## Choices where AWS is silent
//!
//! * Condition operator names are case-sensitive (`stringequals` is rejected), as IAM's parser is.
//!   An unknown operator is an error even with an empty block, which IAM tolerates.
//! * A missing `Version` means the legacy language: policy variables are plain text.
//! * Date values made only of digits are epoch seconds (so `"2030"` is not the year 2030), as IAM
//!   reads them.
//! * `AWS` principals must be `*`, a 12-digit account, an IAM/STS ARN, or an IAM unique id.
//!
//! The full list, with the tests that pin each choice, is in `docs/semantics.md` in the repository.
#![doc = ""]
#![doc = "## README"]
#![doc = ""]
#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod arn;
pub mod catalog;
pub mod diagnostic;
pub mod eval;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod limits;
pub mod lint;
pub mod location;
pub mod model;
pub mod raw;
pub mod report;
pub mod suggest;
pub mod validate;
pub mod values;

pub use diagnostic::{Code, Diagnostic, ParseError, Severity};
pub use limits::Limits;
pub use location::{Location, Position, Span};
pub use model::condition::{BaseOperator, ConditionOperator, OperatorFamily, SetQualifier};
pub use model::{
    Condition, ConditionValue, Effect, Element, Policy, PrincipalElement, PrincipalKind, Statement,
    Version,
};
pub use validate::PolicyType;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
