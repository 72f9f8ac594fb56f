//! The JSON reader behind [`Document`](super::Document).
//!
//! Written by hand rather than on top of serde_json because no existing JSON crate does all of
//! what a policy reader must: reject duplicate keys (serde_json keeps the last one silently, AWS
//! rejects the document), record the byte span of every value, keep key order and the exact text
//! of numbers, enforce depth/size limits with a located error, and do it without allocating for
//! strings that have no escapes. It is a plain recursive-descent reader over bytes; the recursion
//! depth is bounded by [`Limits::max_depth`](crate::Limits).

use super::{error_at, Document, Kind, Node};
use crate::diagnostic::{Code, ParseError};
use crate::limits::Limits;
use crate::location::{push_segment, Span};
use std::collections::HashSet;
use std::fmt::Write as _;

struct SyntaxError {
    /// The error is about the innermost open container itself (a size limit), not its last child.
    at_container: bool,
    code: Code,
    message: String,
    help: Option<&'static str>,
    span: Span,
}

type PResult<T> = Result<T, SyntaxError>;

struct Parser<'s, 'l> {
    src: &'s [u8],
    pos: usize,
    nodes: Vec<Node>,
    unescaped: Vec<Box<str>>,
    limits: &'l Limits,
    /// Ids of the containers being read, outermost first (for error paths).
    open: Vec<u32>,
    scratch: String,
    /// Bytes of insignificant whitespace skipped (for size quotas that do not count it).
    whitespace: usize,
}

pub(super) fn parse(source: Box<str>, limits: &Limits) -> Result<Document, ParseError> {
    if source.len() > limits.max_bytes {
        return Err(error_at(
            &source,
            Code::LimitExceeded,
            format!(
                "the document is {} bytes, more than the limit of {} bytes",
                source.len(),
                limits.max_bytes
            ),
            Some("raise the limit with `Limits::max_bytes` if this input is trusted"),
            String::new(),
            Span::new(0, 0),
        ));
    }
    let mut p = Parser {
        src: source.as_bytes(),
        pos: 0,
        // Policies average about one value per 25 bytes of pretty-printed JSON.
        nodes: Vec::with_capacity(source.len() / 24 + 4),
        unescaped: Vec::new(),
        limits,
        open: Vec::new(),
        scratch: String::new(),
        whitespace: 0,
    };
    let result = p.document();
    match result {
        Ok(()) => {
            let Parser {
                mut nodes,
                unescaped,
                whitespace,
                ..
            } = p;
            nodes.shrink_to_fit();
            Ok(Document {
                source,
                nodes,
                unescaped,
                whitespace,
                lines: Default::default(),
            })
        }
        Err(e) => {
            let path = p.open_path(e.at_container);
            Err(error_at(&source, e.code, e.message, e.help, path, e.span))
        }
    }
}

/// The length of the longest prefix of `bytes`, in whole 8-byte words, that holds no `"`, no `\`
/// and no byte below 0x20. The caller finishes the scan byte by byte.
#[inline]
fn swar_plain_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    #[inline]
    fn has_zero_byte(v: u64) -> bool {
        v.wrapping_sub(ONES) & !v & HIGH != 0
    }
    let mut i = 0;
    while let Some(word) = bytes
        .get(i..i + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let x = u64::from_le_bytes(word);
        let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH != 0;
        if control
            || has_zero_byte(x ^ (b'"' as u64 * ONES))
            || has_zero_byte(x ^ (b'\\' as u64 * ONES))
        {
            break;
        }
        i += 8;
    }
    i
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

impl Parser<'_, '_> {
    fn err(&self, code: Code, message: String, start: usize, end: usize) -> SyntaxError {
        SyntaxError {
            at_container: false,
            code,
            message,
            help: None,
            span: Span::new(start as u32, end as u32),
        }
    }

    fn syntax(&self, message: impl Into<String>) -> SyntaxError {
        let end = (self.pos + 1).min(self.src.len());
        self.err(Code::JsonSyntaxError, message.into(), self.pos, end)
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.src.get(self.pos) {
            None => {
                let e = self.syntax(format!("unexpected end of input, expected {expected}"));
                // An array that stops after `[` or `,` has no item to point at: the path is the
                // array left open. (An object's path already stops at it, or at the key whose
                // value is missing.)
                let in_array = self.open.last().and_then(|&c| self.nodes.get(c as usize));
                if in_array.is_some_and(|n| n.kind == Kind::Array) {
                    e.about_container()
                } else {
                    e
                }
            }
            Some(&b) => self.syntax(format!("expected {expected}, found {}", describe_byte(b))),
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        let start = self.pos;
        while let Some(&b) = self.src.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.whitespace += self.pos - start;
    }

    fn document(&mut self) -> PResult<()> {
        if self.src.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Err(SyntaxError {
                at_container: false,
                code: Code::InvalidEncoding,
                message: "the document starts with a byte-order mark".into(),
                help: Some("save the file as UTF-8 without a BOM"),
                span: Span::new(0, 3),
            });
        }
        self.skip_ws();
        self.value(0)?;
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.syntax("unexpected text after the end of the JSON document"));
        }
        Ok(())
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize, aux: u32) {
        let next = self.nodes.len() as u32 + 1;
        self.nodes.push(Node {
            kind,
            start: start as u32,
            end: end as u32,
            next,
            aux,
        });
    }

    fn value(&mut self, depth: u32) -> PResult<()> {
        match self.src.get(self.pos) {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true", Kind::Bool, 1),
            Some(b'f') => self.literal(b"false", Kind::Bool, 0),
            Some(b'n') => self.literal(b"null", Kind::Null, 0),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn literal(&mut self, word: &[u8], kind: Kind, aux: u32) -> PResult<()> {
        let start = self.pos;
        if self
            .src
            .get(start..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.pos += word.len();
            self.push(kind, start, self.pos, aux);
            Ok(())
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> PResult<()> {
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.src.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        if self.pos - start > self.limits.max_string_bytes {
            return Err(self
                .err(
                    Code::LimitExceeded,
                    format!(
                        "a number of {} characters is longer than the limit of {}",
                        self.pos - start,
                        self.limits.max_string_bytes
                    ),
                    start,
                    self.pos,
                )
                .with_help("raise `Limits::max_string_bytes` if this input is trusted"));
        }
        self.push(Kind::Number, start, self.pos, 0);
        Ok(())
    }

    /// Reads a string starting at the opening quote and pushes its node.
    fn string(&mut self) -> PResult<()> {
        let start = self.pos;
        self.pos += 1;
        // Fast path: scan to the closing quote; most policy strings have no escapes. Eight bytes
        // at a time first (SWAR), looking for `"`, `\` or a control byte.
        self.pos += swar_plain_prefix(self.src.get(self.pos..).unwrap_or_default());
        loop {
            match self.src.get(self.pos) {
                None => {
                    return Err(self.err(
                        Code::JsonSyntaxError,
                        "unterminated string".into(),
                        start,
                        self.src.len(),
                    ))
                }
                Some(b'"') => {
                    self.pos += 1;
                    self.check_string_len(start)?;
                    self.push(Kind::String, start, self.pos, 0);
                    return Ok(());
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.control_char(b)),
                Some(_) => self.pos += 1,
            }
        }
        // Slow path: decode escapes into a buffer.
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        buf.push_str(self.slice_str(start + 1, self.pos));
        loop {
            let chunk = self.pos;
            while let Some(&b) = self.src.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            buf.push_str(self.slice_str(chunk, self.pos));
            match self.src.get(self.pos) {
                None => {
                    return Err(self.err(
                        Code::JsonSyntaxError,
                        "unterminated string".into(),
                        start,
                        self.src.len(),
                    ))
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    let c = match self.src.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape(esc_start)?,
                        _ => {
                            return Err(self.err(
                                Code::JsonSyntaxError,
                                "invalid escape sequence in string".into(),
                                esc_start,
                                (self.pos + 1).min(self.src.len()),
                            ))
                        }
                    };
                    self.pos += 1;
                    buf.push(c);
                }
                Some(&b) => return Err(self.control_char(b)),
            }
        }
        self.pos += 1;
        self.check_string_len(start)?;
        self.unescaped.push(buf.as_str().into());
        self.scratch = buf;
        let idx = self.unescaped.len() as u32;
        self.push(Kind::String, start, self.pos, idx);
        Ok(())
    }

    fn check_string_len(&self, start: usize) -> PResult<()> {
        let len = self.pos - start - 2;
        if len > self.limits.max_string_bytes {
            return Err(self
                .err(
                    Code::LimitExceeded,
                    format!(
                        "a string of {len} bytes is longer than the limit of {} bytes",
                        self.limits.max_string_bytes
                    ),
                    start,
                    self.pos,
                )
                .with_help("raise `Limits::max_string_bytes` if this input is trusted"));
        }
        Ok(())
    }

    fn slice_str(&self, from: usize, to: usize) -> &str {
        // The input is a `str` and both ends sit on ASCII bytes, so the slice is valid UTF-8.
        self.src
            .get(from..to)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    fn control_char(&self, b: u8) -> SyntaxError {
        self.err(
            Code::JsonSyntaxError,
            format!("control character 0x{b:02x} inside a string"),
            self.pos,
            self.pos + 1,
        )
        .with_help("write it as an escape such as `\\n` or `\\u0009`")
    }

    /// Reads `uXXXX` (and a following low surrogate if needed); `self.pos` is on the `u` and is
    /// left on the last hex digit.
    fn unicode_escape(&mut self, esc_start: usize) -> PResult<char> {
        let first = self.hex4(esc_start)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.src.get(self.pos + 1..self.pos + 3) != Some(b"\\u") {
                return Err(self.bad_unicode(esc_start));
            }
            self.pos += 2;
            let second = self.hex4(esc_start)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.bad_unicode(esc_start));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.bad_unicode(esc_start))
    }

    fn hex4(&mut self, esc_start: usize) -> PResult<u32> {
        let digits = self
            .src
            .get(self.pos + 1..self.pos + 5)
            .ok_or_else(|| self.bad_unicode(esc_start))?;
        let mut v = 0u32;
        for &d in digits {
            let x = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.bad_unicode(esc_start))?;
            v = v * 16 + x;
        }
        self.pos += 4;
        Ok(v)
    }

    fn bad_unicode(&self, esc_start: usize) -> SyntaxError {
        self.err(
            Code::JsonSyntaxError,
            "invalid unicode escape in string".into(),
            esc_start,
            (self.pos + 5).min(self.src.len()),
        )
    }

    fn enter(&mut self, depth: u32, kind: Kind) -> PResult<usize> {
        if depth > self.limits.max_depth {
            return Err(self.err(
                Code::LimitExceeded,
                format!(
                    "JSON nesting is deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
                self.pos,
                self.pos + 1,
            )
            .with_help("IAM policies nest at most 6 levels; raise `Limits::max_depth` only for trusted input"));
        }
        let idx = self.nodes.len();
        self.open.push(idx as u32);
        self.push(kind, self.pos, self.pos, 0);
        self.pos += 1;
        self.skip_ws();
        Ok(idx)
    }

    fn leave(&mut self, idx: usize, count: u32) {
        self.pos += 1;
        let next = self.nodes.len() as u32;
        let end = self.pos as u32;
        if let Some(n) = self.nodes.get_mut(idx) {
            n.end = end;
            n.next = next;
            n.aux = count;
        }
        self.open.pop();
    }

    fn array(&mut self, depth: u32) -> PResult<()> {
        let idx = self.enter(depth, Kind::Array)?;
        let mut count = 0u32;
        if self.src.get(self.pos) != Some(&b']') {
            loop {
                if count as usize >= self.limits.max_array_items {
                    return Err(self
                        .err(
                            Code::LimitExceeded,
                            format!(
                                "an array has more than the limit of {} items",
                                self.limits.max_array_items
                            ),
                            self.pos,
                            self.pos + 1,
                        )
                        .about_container()
                        .with_help("raise the limit with `Limits` if this input is trusted"));
                }
                self.value(depth)?;
                count += 1;
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.src.get(self.pos) == Some(&b']') {
                            return Err(self
                                .syntax("trailing comma before `]`")
                                .about_container()
                                .with_help("remove the comma after the last item"));
                        }
                    }
                    Some(b']') => break,
                    _ => return Err(self.unexpected("`,` or `]`")),
                }
            }
        }
        self.leave(idx, count);
        Ok(())
    }

    fn object(&mut self, depth: u32) -> PResult<()> {
        let idx = self.enter(depth, Kind::Object)?;
        let mut count = 0u32;
        // Small objects are checked for duplicate keys by comparing with earlier keys on the
        // tape; past this many keys a hash set takes over so the check stays linear.
        const LINEAR_KEYS: u32 = 16;
        let mut seen: Option<HashSet<Vec<u8>>> = None;
        if self.src.get(self.pos) != Some(&b'}') {
            loop {
                if count as usize >= self.limits.max_object_keys {
                    return Err(self
                        .err(
                            Code::LimitExceeded,
                            format!(
                                "an object has more than the limit of {} keys",
                                self.limits.max_object_keys
                            ),
                            self.pos,
                            self.pos + 1,
                        )
                        .about_container()
                        .with_help("raise the limit with `Limits` if this input is trusted"));
                }
                if self.src.get(self.pos) != Some(&b'"') {
                    return Err(match self.src.get(self.pos) {
                        Some(b'}') => self
                            .syntax("trailing comma before `}`")
                            .about_container()
                            .with_help("remove the comma after the last entry"),
                        _ => self.unexpected("a string key"),
                    });
                }
                let key_idx = self.nodes.len();
                self.string()?;
                self.check_duplicate(idx, key_idx, count, LINEAR_KEYS, &mut seen)?;
                self.skip_ws();
                if self.src.get(self.pos) != Some(&b':') {
                    return Err(self.unexpected("`:` after the key"));
                }
                self.pos += 1;
                self.skip_ws();
                self.value(depth)?;
                count += 1;
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    Some(b'}') => break,
                    _ => return Err(self.unexpected("`,` or `}`")),
                }
            }
        }
        self.leave(idx, count);
        Ok(())
    }

    fn key_text(&self, key_idx: usize) -> &str {
        std::str::from_utf8(self.key_bytes(key_idx)).unwrap_or("")
    }

    /// The decoded bytes of the string at `key_idx` (no UTF-8 re-validation: the input is a `str`).
    fn key_bytes(&self, key_idx: usize) -> &[u8] {
        let Some(n) = self.nodes.get(key_idx) else {
            return b"";
        };
        if n.aux == 0 {
            self.src
                .get(n.start as usize + 1..n.end as usize - 1)
                .unwrap_or_default()
        } else {
            self.unescaped
                .get(n.aux as usize - 1)
                .map_or(b"", |s| s.as_bytes())
        }
    }

    fn check_duplicate(
        &mut self,
        obj: usize,
        key_idx: usize,
        count: u32,
        linear: u32,
        seen: &mut Option<HashSet<Vec<u8>>>,
    ) -> PResult<()> {
        let key = self.key_bytes(key_idx);
        let mut duplicate = false;
        if count < linear {
            // Walk the earlier entries: key at `i`, value at `i + 1`, next key after the value.
            let mut i = obj + 1;
            while i < key_idx {
                if self.key_bytes(i) == key {
                    duplicate = true;
                    break;
                }
                i = self.nodes.get(i + 1).map_or(key_idx, |v| v.next as usize);
            }
        } else {
            let set = seen.get_or_insert_with(|| {
                let mut set = HashSet::new();
                let mut i = obj + 1;
                while i < key_idx {
                    set.insert(self.key_bytes(i).to_vec());
                    i = self.nodes.get(i + 1).map_or(key_idx, |v| v.next as usize);
                }
                set
            });
            duplicate = !set.insert(key.to_vec());
        }
        if duplicate {
            let (start, end) = self
                .nodes
                .get(key_idx)
                .map_or((self.pos, self.pos), |n| (n.start as usize, n.end as usize));
            let message = format!("duplicate key `{}` in one object", self.key_text(key_idx));
            return Err(self.err(Code::DuplicateKey, message, start, end).with_help(
                "AWS rejects documents with repeated keys; keep one and merge their values",
            ));
        }
        Ok(())
    }

    /// The JSON Pointer of the innermost element being read, for error messages.
    fn open_path(&self, at_container: bool) -> String {
        let len = self.nodes.len();
        let mut path = String::new();
        let open = if at_container {
            self.open.len().saturating_sub(1)
        } else {
            self.open.len()
        };
        for (depth, &c) in self.open.iter().take(open).enumerate() {
            let inner = self.open.get(depth + 1).map(|&i| i as usize);
            let Some(node) = self.nodes.get(c as usize) else {
                break;
            };
            // Walk the children of `c` to the last one read so far. Closed children point past
            // their subtree; the open child (if any) is the next container on the stack.
            // In the innermost container every child read so far is complete: the error is in
            // the one after them (an array's next index; an object's next key, not yet named,
            // leaves the path at the object), unless a key was read without its value.
            let mut i = c as usize + 1;
            let mut index = 0usize;
            let mut found = false;
            while i < len {
                let value = if node.kind == Kind::Object { i + 1 } else { i };
                if Some(value) == inner || value >= len {
                    if node.kind == Kind::Object {
                        push_segment(&mut path, self.key_text(i));
                    } else {
                        let _ = write!(path, "/{index}");
                    }
                    found = true;
                    break;
                }
                let next = self.nodes.get(value).map_or(len, |n| n.next as usize);
                if next <= i {
                    break; // not a closed subtree: stop rather than walk back
                }
                i = next;
                index += 1;
            }
            if !found && inner.is_none() && node.kind == Kind::Array {
                let _ = write!(path, "/{index}");
            }
        }
        path
    }
}

impl SyntaxError {
    fn about_container(mut self) -> Self {
        self.at_container = true;
        self
    }

    fn with_help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }
}
