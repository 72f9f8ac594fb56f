//! The lossless raw layer: the policy's JSON exactly as written.
//!
//! [`Document`] keeps the source text and a flat tree of every JSON value in it, with byte spans,
//! key order, and the single-value-or-list shape of each element exactly as written. Nothing is
//! normalised here; the validated [`Policy`](crate::Policy) model is built on top of it and points
//! back into it for locations. [`Document::to_json`] re-serialises the tree to equivalent JSON.
//!
//! The tree is stored as a *tape* (as in simdjson): values in document order, each container
//! recording where its subtree ends, so walking needs no pointers and strings without escapes are
//! slices of the source rather than copies.

mod parser;

use crate::diagnostic::{Diagnostic, ParseError};
use crate::limits::Limits;
use crate::location::{push_segment, LineIndex, Location, Span};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The JSON type of a raw value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number, kept as its source text.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The JSON type name, as used in messages (`a string`, `an array`).
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// One entry of the tape.
#[derive(Debug, Clone, Copy)]
struct Node {
    kind: Kind,
    start: u32,
    end: u32,
    /// Index one past this value's subtree.
    next: u32,
    /// Strings: 1 + index into `unescaped` when the string had escapes, else 0. Booleans: the
    /// value. Containers: the number of items (arrays) or entries (objects).
    aux: u32,
}

/// The index of a value in a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// A parsed JSON document that remembers everything about how it was written.
#[derive(Debug, Clone)]
pub struct Document {
    source: Box<str>,
    nodes: Vec<Node>,
    unescaped: Vec<Box<str>>,
    /// Bytes of whitespace between tokens (JSON "insignificant" whitespace).
    whitespace: usize,
    /// Line starts, built on the first location request.
    lines: OnceLock<LineIndex>,
}

impl Document {
    /// Parses JSON text with the default [`Limits`]: rejects malformed JSON, duplicate keys and
    /// inputs beyond the limits with located errors. `null` is accepted here (it is valid JSON);
    /// the policy layer rejects it.
    pub fn parse(source: &str) -> Result<Document, ParseError> {
        Self::parse_with_limits(source.into(), &Limits::default())
    }

    /// Parses JSON text that the caller already owns, with the given limits.
    pub fn parse_with_limits(source: Box<str>, limits: &Limits) -> Result<Document, ParseError> {
        parser::parse(source, limits)
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The number of characters outside JSON insignificant whitespace, the measure IAM uses for
    /// its policy size quotas ("Policy size calculations do not include white space characters").
    pub fn size_without_whitespace(&self) -> usize {
        // Whitespace between tokens is ASCII, one byte per character.
        let chars = if self.source.is_ascii() {
            self.source.len()
        } else {
            self.source.bytes().filter(|&b| b & 0xC0 != 0x80).count()
        };
        chars - self.whitespace.min(chars)
    }

    /// The number of characters in the source.
    pub fn char_count(&self) -> usize {
        if self.source.is_ascii() {
            self.source.len()
        } else {
            self.source.bytes().filter(|&b| b & 0xC0 != 0x80).count()
        }
    }

    /// The root value.
    pub fn root(&self) -> Value<'_> {
        Value { doc: self, id: 0 }
    }

    /// The value with the given id.
    pub fn get(&self, id: NodeId) -> Option<Value<'_>> {
        ((id.0 as usize) < self.nodes.len()).then_some(Value {
            doc: self,
            id: id.0,
        })
    }

    /// The total number of JSON values in the document.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document holds no value (never true for a parsed document).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Approximate heap bytes held by this document (source, tree and unescaped strings).
    pub fn heap_size(&self) -> usize {
        self.source.len()
            + self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.unescaped.capacity() * std::mem::size_of::<Box<str>>()
            + self.unescaped.iter().map(|s| s.len()).sum::<usize>()
    }

    fn node(&self, id: u32) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// The JSON Pointer of a value, computed by walking down from the root.
    pub fn path_of(&self, id: NodeId) -> String {
        let mut path = String::new();
        let mut cur = self.root();
        while cur.id != id.0 {
            let mut found = None;
            match cur.kind() {
                Kind::Array => {
                    for (i, item) in cur.items().enumerate() {
                        if item.contains(id) {
                            let _ = write!(path, "/{i}");
                            found = Some(item);
                            break;
                        }
                    }
                }
                Kind::Object => {
                    for (key, value) in cur.entries() {
                        if key.id == id.0 {
                            push_segment(&mut path, key.as_str().unwrap_or(""));
                            return path;
                        }
                        if value.contains(id) {
                            push_segment(&mut path, key.as_str().unwrap_or(""));
                            found = Some(value);
                            break;
                        }
                    }
                }
                _ => {}
            }
            match found {
                Some(next) => cur = next,
                None => break,
            }
        }
        path
    }

    /// The innermost value (or key) whose text holds the byte at `offset`.
    pub(crate) fn node_at(&self, offset: u32) -> Option<NodeId> {
        // Values are stored in document order, parents before children: the last one that holds
        // the offset is the innermost.
        let i = self
            .nodes
            .iter()
            .rposition(|n| n.start <= offset && offset < n.end)?;
        Some(NodeId(i as u32))
    }

    /// The full location of a value.
    pub fn location(&self, id: NodeId) -> Location {
        let span = self.get(id).map(|v| v.span()).unwrap_or_default();
        self.location_at(self.path_of(id), span)
    }

    /// A location for an arbitrary span with a given path.
    pub(crate) fn location_at(&self, path: String, span: Span) -> Location {
        let index = self.lines.get_or_init(|| LineIndex::new(&self.source));
        Location::with_index(&self.source, index, path, span)
    }

    /// Re-serialises the tree as compact JSON: same keys in the same order, same shapes, numbers as
    /// written. Parsing the result gives an equal tree.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.source.len());
        write_value(&mut out, self.root(), None, 0);
        out
    }

    /// Re-serialises the tree as JSON indented by two spaces.
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::with_capacity(self.source.len());
        write_value(&mut out, self.root(), Some(2), 0);
        out
    }
}

/// A view of one value in a [`Document`].
#[derive(Clone, Copy)]
pub struct Value<'d> {
    doc: &'d Document,
    id: u32,
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}@{:?}", self.kind(), self.span())
    }
}

const NULL_NODE: Node = Node {
    kind: Kind::Null,
    start: 0,
    end: 0,
    next: 0,
    aux: 0,
};

impl<'d> Value<'d> {
    fn node(&self) -> &'d Node {
        self.doc.node(self.id).unwrap_or(&NULL_NODE)
    }

    /// The id of this value, to find it again or to compute its location.
    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// The JSON type.
    pub fn kind(&self) -> Kind {
        self.node().kind
    }

    /// The byte span of the value in the source (strings include their quotes).
    pub fn span(&self) -> Span {
        let n = self.node();
        Span::new(n.start, n.end)
    }

    /// The exact source text of the value.
    pub fn source_text(&self) -> &'d str {
        self.doc.source.get(self.span().range()).unwrap_or("")
    }

    /// Whether `id` is this value or inside it.
    pub fn contains(&self, id: NodeId) -> bool {
        id.0 >= self.id && id.0 < self.node().next
    }

    /// The string content (escapes decoded), if this is a string.
    pub fn as_str(&self) -> Option<&'d str> {
        let n = self.node();
        if n.kind != Kind::String {
            return None;
        }
        if n.aux == 0 {
            self.doc
                .source
                .get(n.start as usize + 1..(n.end as usize).saturating_sub(1))
        } else {
            self.doc.unescaped.get(n.aux as usize - 1).map(|s| &**s)
        }
    }

    /// The boolean, if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        let n = self.node();
        (n.kind == Kind::Bool).then_some(n.aux != 0)
    }

    /// The number's source text, if this is a number.
    pub fn as_number_text(&self) -> Option<&'d str> {
        (self.kind() == Kind::Number).then(|| self.source_text())
    }

    /// The number of items (array) or entries (object); 0 for scalars.
    pub fn len(&self) -> usize {
        match self.kind() {
            Kind::Array | Kind::Object => self.node().aux as usize,
            _ => 0,
        }
    }

    /// Whether this is an empty array or object (or a scalar).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items of an array (nothing for other kinds).
    pub fn items(&self) -> Items<'d> {
        let n = self.node();
        let (cur, end) = if n.kind == Kind::Array {
            (self.id + 1, n.next)
        } else {
            (0, 0)
        };
        Items {
            doc: self.doc,
            cur,
            end,
        }
    }

    /// The `(key, value)` entries of an object in source order (nothing for other kinds).
    pub fn entries(&self) -> Entries<'d> {
        let n = self.node();
        let (cur, end) = if n.kind == Kind::Object {
            (self.id + 1, n.next)
        } else {
            (0, 0)
        };
        Entries {
            doc: self.doc,
            cur,
            end,
        }
    }

    /// The value under `key` in an object (keys are unique, so there is at most one).
    pub fn get(&self, key: &str) -> Option<Value<'d>> {
        self.entries()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
}

/// Iterator over the items of an array.
#[derive(Clone)]
pub struct Items<'d> {
    doc: &'d Document,
    cur: u32,
    end: u32,
}

impl<'d> Iterator for Items<'d> {
    type Item = Value<'d>;
    fn next(&mut self) -> Option<Value<'d>> {
        if self.cur >= self.end {
            return None;
        }
        let v = Value {
            doc: self.doc,
            id: self.cur,
        };
        self.cur = v.node().next.max(self.cur + 1);
        Some(v)
    }
}

/// Iterator over the entries of an object.
#[derive(Clone)]
pub struct Entries<'d> {
    doc: &'d Document,
    cur: u32,
    end: u32,
}

impl<'d> Iterator for Entries<'d> {
    type Item = (Value<'d>, Value<'d>);
    fn next(&mut self) -> Option<Self::Item> {
        if self.cur + 1 >= self.end {
            return None;
        }
        let key = Value {
            doc: self.doc,
            id: self.cur,
        };
        let value = Value {
            doc: self.doc,
            id: self.cur + 1,
        };
        self.cur = value.node().next.max(self.cur + 2);
        Some((key, value))
    }
}

/// Writes `s` as a JSON string literal.
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn newline(out: &mut String, indent: Option<usize>, level: usize) {
    if let Some(width) = indent {
        out.push('\n');
        for _ in 0..width * level {
            out.push(' ');
        }
    }
}

fn write_value(out: &mut String, v: Value<'_>, indent: Option<usize>, level: usize) {
    match v.kind() {
        Kind::Null => out.push_str("null"),
        Kind::Bool => out.push_str(if v.as_bool() == Some(true) {
            "true"
        } else {
            "false"
        }),
        Kind::Number => out.push_str(v.source_text()),
        Kind::String => write_json_string(out, v.as_str().unwrap_or("")),
        Kind::Array => {
            out.push('[');
            for (i, item) in v.items().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_value(out, item, indent, level + 1);
            }
            if !v.is_empty() {
                newline(out, indent, level);
            }
            out.push(']');
        }
        Kind::Object => {
            out.push('{');
            for (i, (key, value)) in v.entries().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_json_string(out, key.as_str().unwrap_or(""));
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, value, indent, level + 1);
            }
            if !v.is_empty() {
                newline(out, indent, level);
            }
            out.push('}');
        }
    }
}

/// Builds a single-error [`ParseError`] located at `span` with `path`.
pub(crate) fn error_at(
    source: &str,
    code: crate::Code,
    message: String,
    help: Option<&str>,
    path: String,
    span: Span,
) -> ParseError {
    let mut d = Diagnostic::new(
        code,
        crate::Severity::Error,
        message,
        Location::new(source, path, span),
    );
    if let Some(h) = help {
        d = d.with_help(h);
    }
    ParseError::new(vec![d])
}

#[cfg(test)]
mod tests;
