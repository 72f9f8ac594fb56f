//! parse → serialise → parse gives the same document.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iam_core::fuzzing::roundtrip(data);
});
