//! Where things are in a policy's source text.
//!
//! Every diagnostic the library produces carries a [`Location`]: the JSON Pointer of the element
//! (`/Statement/2/Condition/Bool`), its byte [`Span`], and the line and column of both ends. Columns
//! are given twice: counted in Unicode scalar values (what a terminal shows) and in UTF-16 code
//! units (what browser editors such as CodeMirror and Monaco count). Lines and columns are 1-based;
//! byte offsets are 0-based.

use serde::Serialize;
use std::fmt;

/// A half-open byte range `start..end` into a policy's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// The span as a `usize` range, for slicing the source.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty.
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

/// A point in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// Byte offset, 0-based.
    pub offset: u32,
    /// Line number, 1-based.
    pub line: u32,
    /// Column, 1-based, counted in Unicode scalar values.
    pub column: u32,
    /// Column, 1-based, counted in UTF-16 code units (for browser editors).
    pub column_utf16: u32,
}

/// The full location of an element or error: JSON Pointer path, byte span, and both ends as
/// line/column positions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    path: String,
    span: Span,
    start: Position,
    end: Position,
}

impl Location {
    /// Builds a location for `span` inside `source`, with the JSON Pointer `path`.
    pub fn new(source: &str, path: String, span: Span) -> Self {
        Location {
            start: position(source, span.start),
            end: position(source, span.end),
            path,
            span,
        }
    }

    /// Builds a location using a precomputed [`LineIndex`] of `source` (fast for many locations
    /// in one large document).
    pub fn with_index(source: &str, index: &LineIndex, path: String, span: Span) -> Self {
        Location {
            start: index.position(source, span.start),
            end: index.position(source, span.end),
            path,
            span,
        }
    }

    /// A location from its parts, as [`Location::path`], [`Location::span`],
    /// [`Location::start`] and [`Location::end`] gave them: to rebuild a diagnostic that was
    /// sent elsewhere (another process) without its source text.
    pub fn from_parts(path: String, span: Span, start: Position, end: Position) -> Self {
        Location {
            path,
            span,
            start,
            end,
        }
    }

    /// The JSON Pointer (RFC 6901) of the element, e.g. `/Statement/0/Action/1`. The empty string
    /// is the whole document.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte span of the element.
    pub fn span(&self) -> Span {
        self.span
    }

    /// Where the element starts.
    pub fn start(&self) -> Position {
        self.start
    }

    /// Where the element ends (one past its last character).
    pub fn end(&self) -> Position {
        self.end
    }

    /// The 1-based line of the start.
    pub fn line(&self) -> u32 {
        self.start.line
    }

    /// The 1-based column of the start, in Unicode scalar values.
    pub fn column(&self) -> u32 {
        self.start.column
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{}:{} ({path})", self.start.line, self.start.column)
    }
}

/// Computes the line/column position of byte `offset` in `source`. Offsets past the end clamp to
/// the end; offsets inside a multi-byte character count as that character.
pub fn position(source: &str, offset: u32) -> Position {
    let bytes = source.as_bytes();
    let offset = (offset as usize).min(bytes.len());
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let mut column = 1u32;
    let mut column_utf16 = 1u32;
    if let Some(segment) = bytes.get(line_start..offset) {
        // Count characters by their leading bytes; a 4-byte sequence is two UTF-16 units.
        for &b in segment {
            if b & 0xC0 != 0x80 {
                column += 1;
                column_utf16 += if b >= 0xF0 { 2 } else { 1 };
            }
        }
    }
    Position {
        offset: offset as u32,
        line,
        column,
        column_utf16,
    }
}

/// The byte offsets where the lines of a text start, for fast position lookups.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `source`.
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    /// The position of byte `offset` (same result as [`position`]).
    pub fn position(&self, source: &str, offset: u32) -> Position {
        let offset = offset.min(source.len() as u32);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0) as usize;
        let mut column = 1u32;
        let mut column_utf16 = 1u32;
        if let Some(segment) = source.as_bytes().get(line_start..offset as usize) {
            for &b in segment {
                if b & 0xC0 != 0x80 {
                    column += 1;
                    column_utf16 += if b >= 0xF0 { 2 } else { 1 };
                }
            }
        }
        Position {
            offset,
            line: line as u32,
            column,
            column_utf16,
        }
    }
}

/// Appends one JSON Pointer segment to `path`, escaping `~` and `/` as RFC 6901 requires.
pub(crate) fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_both_column_units() {
        let src = "{\n  \"a\": \"é😀x\"\n}";
        let x = src.find('x').unwrap() as u32;
        let p = position(src, x);
        assert_eq!(p.line, 2);
        // `  "a": "` is 8 chars, then é and 😀: column 11 in chars, 12 in UTF-16.
        assert_eq!(p.column, 11);
        assert_eq!(p.column_utf16, 12);
        assert_eq!(position(src, 0).column, 1);
        assert_eq!(position(src, 10_000).offset as usize, src.len());
    }

    #[test]
    fn line_index_agrees_with_scanning() {
        let src = "{\n  \"a\": \"é😀x\"\n}\n\n  z";
        let index = LineIndex::new(src);
        for off in 0..=src.len() as u32 + 2 {
            assert_eq!(index.position(src, off), position(src, off), "offset {off}");
        }
    }

    #[test]
    fn pointer_segments_are_escaped() {
        let mut p = String::new();
        push_segment(&mut p, "a/b~c");
        assert_eq!(p, "/a~1b~0c");
    }
}
