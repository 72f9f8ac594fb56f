//! Parsing arbitrary bytes never panics; errors stay inside the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iam_core::fuzzing::parse(data);
});
