//! Evaluating arbitrary policies and requests never panics, and decide() agrees with evaluate().
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iam_core::fuzzing::evaluate(data);
});
