//! The `iam` command.
#![forbid(unsafe_code)]
fn main() {}
