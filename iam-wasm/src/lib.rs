//! WebAssembly bindings for `iam-core`.
//!
//! This crate is a placeholder member of the workspace; the wasm-bindgen package and the browser
//! playground are built by the WebAssembly issue. It holds no policy logic and never will: bindings
//! convert inputs, call the core, and convert outputs.

/// The version of the engine these bindings wrap.
pub fn core_version() -> &'static str {
    iam_core::VERSION
}
