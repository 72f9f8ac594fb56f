//! Byte-string equality for the short texts evaluation compares (services, action names, ARN
//! prefixes, context keys).
//!
//! Written by hand because `==` on slices calls `memcmp`/`bcmp`: natively a fast library call,
//! but in WebAssembly an out-of-line loop over single bytes, which made these comparisons a
//! large share of a decision there. Comparing eight bytes at a time is as fast natively and
//! several times faster in WebAssembly.

/// Whether `a` and `b` hold the same bytes.
///
/// Texts up to 16 bytes (most services, action names and context keys) are compared without a
/// loop, by two possibly overlapping words: V8 checks for interrupts on every turn of a loop in
/// WebAssembly, which made the word-by-word loop cost more there than its comparisons.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        // The first, middle and last bytes are every byte of a text of one to three.
        1..=3 => {
            let at = |i: usize| a.get(i) == b.get(i);
            at(0) && at(n / 2) && at(n - 1)
        }
        4..=7 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word::<8>(a, i) != word::<8>(b, i) {
                    return false;
                }
                i += 8;
            }
            word::<8>(a, n - 8) == word::<8>(b, n - 8)
        }
    }
}

/// The `N` bytes (4 or 8) of `s` at `at`, as one number; callers keep `at + N` within `s`.
#[inline]
fn word<const N: usize>(s: &[u8], at: usize) -> u64 {
    match s.get(at..at + N) {
        Some(w) if N == 8 => u64::from_ne_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8])),
        Some(w) => u64::from(u32::from_ne_bytes(<[u8; 4]>::try_from(w).unwrap_or([0; 4]))),
        None => 0,
    }
}

/// Whether `text` starts with `prefix`.
#[inline]
pub(crate) fn starts_with(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| same(head, prefix.as_bytes()))
}

/// `text` without `prefix`, if it starts with it.
#[inline]
pub(crate) fn strip_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    if starts_with(text, prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_the_standard_library(a in "[ab:/é]{0,20}", b in "[ab:/é]{0,20}") {
            prop_assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b);
            prop_assert_eq!(starts_with(&a, &b), a.starts_with(&b));
            prop_assert_eq!(strip_prefix(&a, &b), a.strip_prefix(&b));
        }

        /// Every byte counts, at every length: two texts one byte apart are not the same.
        #[test]
        fn one_byte_apart_is_different(
            text in proptest::collection::vec(any::<u8>(), 0..41),
            at in any::<proptest::sample::Index>(),
            flip in 1u8..,
        ) {
            prop_assert!(same(&text, &text));
            if !text.is_empty() {
                let i = at.index(text.len());
                let mut other = text.clone();
                other[i] ^= flip;
                prop_assert!(!same(&text, &other), "byte {} of {}", i, text.len());
            }
        }
    }
}
