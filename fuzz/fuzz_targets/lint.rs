//! Linting arbitrary policies never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iam_core::fuzzing::lint(data);
});
