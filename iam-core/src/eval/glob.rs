//! IAM wildcard patterns: `*` matches any run of characters (including none), `?` exactly one
//! character, everything else itself; the whole text must match. Patterns may hold policy
//! variables (`${aws:username}`), resolved at match time without allocating; a resolved value is
//! matched literally (a `*` in a user name is not a wildcard).
//!
//! Matching splits the pattern at its stars into segments and places each segment at its leftmost
//! occurrence (the first anchored at the start, the last at the end). Greedy leftmost placement is
//! exact for star-separated segments, so there is no backtracking: a segment of plain text is
//! found with the standard library's linear-time substring search, making a match
//! O(text + pattern) for patterns without `?`, and O(text × segment) for a segment that holds `?`
//! or a variable. `*a*a*a…b` against a long run of `a`s is linear.
//!
//! Written by hand because the pattern crates (glob, globset, wildmatch) either treat `/` or `[`
//! specially, backtrack, or cannot splice in variable values without building a new string.

use crate::eval::bytes::{same, starts_with};
use crate::eval::variables::{self, VarRef};

/// Gives the value of a policy variable, or `None` when it has none.
pub(crate) trait Resolve {
    fn resolve<'s>(&'s self, var: &'s VarRef) -> Option<&'s str>;
}

/// A resolver for patterns that cannot hold variables.
pub(crate) struct NoVars;

impl Resolve for NoVars {
    fn resolve<'s>(&'s self, _: &'s VarRef) -> Option<&'s str> {
        None
    }
}

/// One element of a segment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Atom {
    /// Literal text.
    Text(Box<str>),
    /// `?`: exactly one character.
    Any,
    /// A policy variable, replaced by its value (matched literally).
    Var(VarRef),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glob {
    /// The text between stars. There are `stars + 1` segments.
    segments: Vec<Vec<Atom>>,
    /// Whether any variable appears.
    has_vars: bool,
    /// The pattern is exactly `*`.
    match_all: bool,
    /// Fast paths for the common shapes: plain text, and text followed by one `*`.
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    General,
    Literal(Box<str>),
    Prefix(Box<str>),
}

/// How to treat the pattern text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobSyntax {
    /// `*` and `?` are wildcards (otherwise literal).
    pub wildcards: bool,
    /// `${…}` is a policy variable (otherwise literal).
    pub variables: bool,
}

impl Glob {
    /// Compiles `pattern`.
    pub(crate) fn new(pattern: &str, syntax: GlobSyntax) -> Glob {
        let mut segments: Vec<Vec<Atom>> = vec![Vec::new()];
        let mut text = String::new();
        let mut has_vars = false;
        fn flush(text: &mut String, seg: &mut Vec<Atom>) {
            if !text.is_empty() {
                seg.push(Atom::Text(std::mem::take(text).into_boxed_str()));
            }
        }
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            let seg = segments.last_mut();
            let Some(seg) = seg else { break };
            if syntax.variables && rest.starts_with("${") {
                if let Some((piece, len)) = variables::parse_at(rest) {
                    match piece {
                        variables::Piece::Literal(l) => text.push(l),
                        variables::Piece::Var(v) => {
                            flush(&mut text, seg);
                            seg.push(Atom::Var(v));
                            has_vars = true;
                        }
                    }
                    rest = rest.get(len..).unwrap_or("");
                    continue;
                }
            }
            if syntax.wildcards && c == '*' {
                flush(&mut text, seg);
                segments.push(Vec::new());
            } else if syntax.wildcards && c == '?' {
                flush(&mut text, seg);
                seg.push(Atom::Any);
            } else {
                text.push(c);
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        if let Some(seg) = segments.last_mut() {
            flush(&mut text, seg);
        }
        let match_all = segments.len() == 2 && segments.iter().all(Vec::is_empty);
        let shape = match segments.as_slice() {
            [seg] => match seg.as_slice() {
                [] => Shape::Literal("".into()),
                [Atom::Text(t)] => Shape::Literal(t.clone()),
                _ => Shape::General,
            },
            [seg, last] if last.is_empty() => match seg.as_slice() {
                [Atom::Text(t)] => Shape::Prefix(t.clone()),
                _ => Shape::General,
            },
            _ => Shape::General,
        };
        Glob {
            segments,
            has_vars,
            match_all,
            shape,
        }
    }

    /// Whether the pattern is a plain text with no wildcard or variable.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [seg] => match seg.as_slice() {
                [] => Some(""),
                [Atom::Text(t)] => Some(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// Case-insensitive equality of a wildcard-free pattern (variables resolved) with `text`, by
    /// simple lower-casing of each character (no Unicode normalisation, as IAM does). Allocates
    /// nothing. `None` when a variable has no value.
    pub(crate) fn eq_ignore_case(&self, text: &str, r: &dyn Resolve) -> Option<bool> {
        let [seg] = self.segments.as_slice() else {
            return Some(false);
        };
        for atom in seg {
            if let Atom::Var(v) = atom {
                r.resolve(v)?;
            }
        }
        let pieces = seg.iter().map(|a| match a {
            Atom::Text(t) => &**t,
            Atom::Any => "?",
            Atom::Var(v) => r.resolve(v).unwrap_or(""),
        });
        let lhs = pieces.flat_map(str::chars).flat_map(char::to_lowercase);
        Some(lhs.eq(text.chars().flat_map(char::to_lowercase)))
    }

    /// The variables of the pattern.
    pub(crate) fn vars(&self) -> impl Iterator<Item = &VarRef> {
        self.segments.iter().flatten().filter_map(|a| match a {
            Atom::Var(v) => Some(v),
            _ => None,
        })
    }

    /// Matches `text`; `resolve` gives each variable's value. Returns `None` when a variable has
    /// no value (the pattern then matches nothing, and a caller decides what that means).
    pub(crate) fn matches(&self, text: &str, resolve: &dyn Resolve) -> Option<bool> {
        if self.match_all {
            return Some(true);
        }
        match &self.shape {
            Shape::Literal(t) => return Some(same(t.as_bytes(), text.as_bytes())),
            Shape::Prefix(t) => return Some(starts_with(text, t)),
            Shape::General => {}
        }
        if self.has_vars {
            // An unresolvable variable makes the whole pattern unusable, wherever it is.
            for atom in self.segments.iter().flatten() {
                if let Atom::Var(v) = atom {
                    resolve.resolve(v)?;
                }
            }
        }
        let (first, rest) = self.segments.split_first()?;
        let Some((last, middle)) = rest.split_last() else {
            // No star: the one segment must cover the text exactly.
            return Some(match_at(first, text, 0, resolve) == Some(text.len()));
        };
        let Some(mut pos) = match_at(first, text, 0, resolve) else {
            return Some(false);
        };
        for seg in middle {
            match find(seg, text, pos, resolve) {
                Some(end) => pos = end,
                None => return Some(false),
            }
        }
        // The last segment is anchored at the end: place it at the character count it needs.
        let Some(need) = char_len(last, resolve) else {
            return Some(false);
        };
        let Some(start) = nth_char_from_end(text, need) else {
            return Some(false);
        };
        Some(start >= pos && match_at(last, text, start, resolve) == Some(text.len()))
    }
}

fn char_len(seg: &[Atom], resolve: &dyn Resolve) -> Option<usize> {
    let mut n = 0;
    for atom in seg {
        n += match atom {
            Atom::Text(t) => t.chars().count(),
            Atom::Any => 1,
            Atom::Var(v) => resolve.resolve(v)?.chars().count(),
        };
    }
    Some(n)
}

/// The byte index where the last `n` characters of `text` start.
fn nth_char_from_end(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(text.len());
    }
    text.char_indices().rev().nth(n - 1).map(|(i, _)| i)
}

/// Matches `seg` at byte `at`; returns where it ends.
fn match_at(seg: &[Atom], text: &str, mut at: usize, resolve: &dyn Resolve) -> Option<usize> {
    for atom in seg {
        let rest = text.get(at..)?;
        match atom {
            Atom::Text(t) => {
                if !starts_with(rest, t) {
                    return None;
                }
                at += t.len();
            }
            Atom::Var(v) => {
                let value = resolve.resolve(v)?;
                if !rest.starts_with(value) {
                    return None;
                }
                at += value.len();
            }
            Atom::Any => at += rest.chars().next()?.len_utf8(),
        }
    }
    Some(at)
}

/// Finds the leftmost placement of `seg` at or after byte `from`; returns where it ends.
fn find(seg: &[Atom], text: &str, from: usize, resolve: &dyn Resolve) -> Option<usize> {
    let rest = text.get(from..)?;
    match seg {
        [] => Some(from),
        [Atom::Text(t)] => rest.find(&**t).map(|i| from + i + t.len()),
        _ => {
            for (i, _) in rest
                .char_indices()
                .chain(std::iter::once((rest.len(), ' ')))
            {
                if let Some(end) = match_at(seg, text, from + i, resolve) {
                    return Some(end);
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WILD: GlobSyntax = GlobSyntax {
        wildcards: true,
        variables: false,
    };

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p, WILD).matches(t, &NoVars).unwrap()
    }

    #[test]
    fn wildcards() {
        assert!(m("*", ""));
        assert!(m("*", "anything/at:all"));
        assert!(m("", ""));
        assert!(!m("", "x"));
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abcd"));
        assert!(m("a*", "a"));
        assert!(m("*c", "abc"));
        assert!(!m("*c", "abcd"));
        assert!(m("a*c", "ac"));
        assert!(m("a*b*c", "aXbYbZc"));
        assert!(!m("a*b*c", "aXcYb"));
        assert!(m("?", "é"));
        assert!(!m("?", "ab"));
        assert!(!m("?", ""));
        assert!(m("a?c", "abc"));
        assert!(m("*?", "x"));
        assert!(!m("*??", "x"));
        assert!(m("bkt/*/test/*", "bkt/a/b/test/c.jpg"));
        assert!(m("bkt/*/test/*", "bkt//test/x"));
        assert!(!m("bkt/*/test/*", "bkt/test/x"));
        assert!(m("*a?a*", "xxabaxx"));
        assert!(!m("*ab?", "aabab"));
        assert!(m("*ab?", "xxabz"));
        assert!(!m("s3:get*", "s3:putobject"));
        assert!(m("*😀*", "a😀b"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let text = "a".repeat(100_000);
        let pat = "*a".repeat(2_000) + "b";
        let start = std::time::Instant::now();
        assert!(!m(&pat, &text));
        assert!(m(&("*a".repeat(2_000) + "*"), &text));
        // Generous (an unoptimised build on a loaded machine): linear matching takes milliseconds
        // here, a backtracking matcher would not end.
        assert!(start.elapsed().as_secs() < 60);
    }

    #[test]
    fn literal_syntax_and_helpers() {
        let lit = GlobSyntax {
            wildcards: false,
            variables: false,
        };
        let g = Glob::new("a*b", lit);
        assert_eq!(g.as_literal(), Some("a*b"));
        assert!(g.matches("a*b", &NoVars).unwrap());
        assert!(!g.matches("axb", &NoVars).unwrap());
        assert_eq!(Glob::new("a?", WILD).as_literal(), None);
        assert_eq!(Glob::new("ab", WILD).as_literal(), Some("ab"));
    }
}
