//! Byte-string equality for the short texts evaluation compares (services, action names, ARN
//! prefixes, context keys).
//!
//! Written by hand because `==` on slices calls `memcmp`/`bcmp`: natively a fast library call,
//! but in WebAssembly an out-of-line loop over single bytes, which made these comparisons a
//! large share of a decision there. Comparing eight bytes at a time is as fast natively and
//! several times faster in WebAssembly.

/// Whether `a` and `b` hold the same bytes.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut x = a.chunks_exact(8);
    let mut y = b.chunks_exact(8);
    for (p, q) in (&mut x).zip(&mut y) {
        if word(p) != word(q) {
            return false;
        }
    }
    let (p, q) = (x.remainder(), y.remainder());
    // Both remainders have the same length (the lengths are equal).
    p.iter().zip(q).all(|(u, v)| u == v)
}

/// Eight bytes as one number.
#[inline]
fn word(chunk: &[u8]) -> u64 {
    // `chunks_exact(8)` gives eight bytes, so the conversion cannot fail.
    u64::from_ne_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]))
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
    }
}
