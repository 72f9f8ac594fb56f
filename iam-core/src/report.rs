//! Rendering diagnostics for people, the way compilers do.
//!
//! ```text
//! error[DUPLICATE_KEY]: duplicate key `Effect` in one object
//!   --> policy.json:3:25
//!    |
//!  3 |     {"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}
//!    |                         ^^^^^^^^ /Statement/0/Effect
//!    = help: AWS rejects documents with repeated keys; keep one and merge their values
//! ```
//!
//! The command line, the Python module's `str()` of a diagnostic and the playground's text export
//! all use [`render`], so the three show the same thing.

use crate::diagnostic::{Diagnostic, Severity};
use std::fmt::Write as _;

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Longest source line shown before it is cut around the caret.
    pub max_line_width: Option<usize>,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const MAGENTA: &str = "\x1b[1;35m";
const CYAN: &str = "\x1b[1;36m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => RED,
        Severity::SecurityWarning => MAGENTA,
        Severity::Warning => YELLOW,
        Severity::Suggestion => CYAN,
    }
}

/// Text from the policy (a Sid, a key, a file name) as one line a terminal shows as is: control
/// characters are written as escapes (`\n`, `\u{1b}`), so policy text cannot start a line of
/// its own (a CI system reads `::error …` at a line start as a command) or drive the terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A source line with its control characters made harmless and one column wide each (a tab
/// becomes a space), so that the carets under it stay aligned.
fn printable_line(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.chars().any(char::is_control) {
        return line.into();
    }
    line.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// Renders one diagnostic against the `source` it refers to; `origin` names the input (a file
/// path, `<stdin>`). Control characters in any of them are escaped (see [`printable`]).
pub fn render(d: &Diagnostic, source: &str, origin: &str, opts: RenderOptions) -> String {
    let origin = printable(origin);
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = paint(RESET);
    let loc = d.location();
    let start = loc.start();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}[{}]{reset}{}: {}{reset}",
        paint(severity_color(d.severity())),
        d.severity(),
        d.code(),
        paint(BOLD),
        printable(d.message())
    );
    let gutter = start.line.to_string().len();
    let pad = " ".repeat(gutter);
    let blue = paint(BLUE);
    let _ = writeln!(
        out,
        "{pad}{blue}-->{reset} {origin}:{}:{}",
        start.line, start.column
    );
    let line_start = source
        .get(..start.offset as usize)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = source
        .get(line_start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |i| line_start + i);
    let line = printable_line(
        source
            .get(line_start..line_end)
            .unwrap_or("")
            .trim_end_matches('\r'),
    );
    let line = line.as_ref();
    let path = printable(if loc.path().is_empty() {
        "/"
    } else {
        loc.path()
    });
    if !line.is_empty() || source.is_empty() {
        // Caret under the span, limited to this line; counted in characters.
        let caret_from = start.column as usize - 1;
        let span_chars = if loc.end().line == start.line {
            (loc.end().column as usize).saturating_sub(start.column as usize)
        } else {
            line.chars().count().saturating_sub(caret_from)
        }
        .max(1);
        let (shown, offset) = window(line, caret_from, opts.max_line_width.unwrap_or(160));
        let _ = writeln!(out, "{pad} {blue}|{reset}");
        let _ = writeln!(out, "{blue}{}{reset} {blue}|{reset} {shown}", start.line);
        let indent = caret_from.saturating_sub(offset);
        let carets = span_chars.min(shown.chars().count().saturating_sub(indent).max(1));
        let _ = writeln!(
            out,
            "{pad} {blue}|{reset} {}{}{}{reset} {path}",
            " ".repeat(indent),
            paint(severity_color(d.severity())),
            "^".repeat(carets),
        );
    } else {
        let _ = writeln!(out, "{pad} {blue}={reset} at: {path}");
    }
    if let Some(help) = d.help() {
        let _ = writeln!(
            out,
            "{pad} {blue}={reset} {}help{reset}: {}",
            paint(BOLD),
            printable(help)
        );
    }
    out
}

/// Cuts a long line to at most `width` characters around column `at` (0-based, in characters).
/// Returns the shown text and how many characters were cut from the left.
fn window(line: &str, at: usize, width: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= width {
        return (line.to_string(), 0);
    }
    let from = at
        .saturating_sub(width / 3)
        .min(count.saturating_sub(width));
    let shown: String = line.chars().skip(from).take(width).collect();
    (shown, from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn policy_text_cannot_add_lines_or_drive_the_terminal() {
        let src = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"x\\n::error file=a::safe\\u001b[2J\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}\n";
        let p = Policy::parse(src).unwrap();
        let all = crate::lint::check(&p, crate::PolicyType::Identity);
        let sid = all
            .iter()
            .find(|d| d.message().contains("::error"))
            .expect("a finding quotes the Sid");
        let text = render(sid, src, "a\nb.json", RenderOptions::default());
        assert!(!text.lines().any(|l| l.starts_with("::error")), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(
            text.contains("x\\n::error") && text.contains("a\\nb.json"),
            "{text}"
        );
        let tab = printable_line("\t{\u{1b}}");
        assert_eq!(tab, " {\u{fffd}}");
    }

    #[test]
    fn renders_source_line_caret_and_help() {
        let src = "{\"Statement\": {\"Effect\": \"Allow\", \"Effect\": \"Deny\"}}";
        let err = Policy::parse(src).unwrap_err();
        let text = render(
            &err.diagnostics()[0],
            src,
            "p.json",
            RenderOptions::default(),
        );
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(
            lines[0],
            "error[DUPLICATE_KEY]: duplicate key `Effect` in one object"
        );
        assert_eq!(lines[1], " --> p.json:1:35");
        assert_eq!(lines[3], format!("1 | {src}"));
        assert_eq!(
            lines[4],
            format!("  | {}^^^^^^^^ /Statement/Effect", " ".repeat(34))
        );
        assert!(lines[5].starts_with("  = help: AWS rejects"));
        assert!(!text.contains('\x1b'));
        let colored = render(
            &err.diagnostics()[0],
            src,
            "p.json",
            RenderOptions {
                color: true,
                ..Default::default()
            },
        );
        assert!(colored.contains(RED));
    }

    #[test]
    fn long_lines_are_windowed_around_the_caret() {
        let mut src = String::from("{\"Statement\": [");
        for _ in 0..100 {
            src.push_str("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},");
        }
        src.push_str("{\"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
        let err = Policy::parse(&src).unwrap_err();
        let text = render(&err.diagnostics()[0], &src, "-", RenderOptions::default());
        let shown = text.lines().nth(3).unwrap();
        assert!(shown.len() < 200, "{shown}");
        assert!(shown.contains("Permit"));
        let caret_line = text.lines().nth(4).unwrap();
        let caret_at = caret_line.find('^').unwrap();
        assert_eq!(&shown[caret_at..caret_at + 8], "\"Permit\"");
    }
}
