//! "Did you mean …?" suggestions for misspelt names.

/// Returns the candidate closest to `input`: an exact case-insensitive match first, otherwise the
/// one within a small edit distance (about a third of the length), if any.
pub fn did_you_mean<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = input.to_ascii_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if c.eq_ignore_ascii_case(input) {
            return Some(c);
        }
        let d = edit_distance(&lower, &c.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (input.chars().count() / 3).clamp(1, 3);
    best.filter(|&(d, _)| d <= limit).map(|(_, c)| c)
}

/// Levenshtein distance over characters, with one row of memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev_diag = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else {
                break;
            };
            let cost = usize::from(ca != cb);
            let value = (prev_diag + cost).min(left + 1).min(up + 1);
            prev_diag = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions_prefer_case_matches_and_stay_close() {
        let names = ["Statement", "Version", "Id"];
        assert_eq!(did_you_mean("statement", names), Some("Statement"));
        assert_eq!(did_you_mean("Statment", names), Some("Statement"));
        assert_eq!(did_you_mean("Verison", names), Some("Version"));
        assert_eq!(did_you_mean("Banana", names), None);
    }
}
