//! Python bindings for `iam-core`.
//!
//! This crate is a placeholder member of the workspace; the PyO3 module `iam_core` is built by the
//! Python package issue. It holds no policy logic and never will: bindings convert inputs, call the
//! core, and convert outputs.

/// The version of the engine these bindings wrap.
pub fn core_version() -> &'static str {
    iam_core::VERSION
}
