//! `iam validate` and `iam lint`: parse policies, check them against the rules of their type,
//! and (lint) look for over-broad and risky grants.

use crate::inputs::{self, InputError};
use crate::{ColorChoice, Format, EXIT_USAGE};
use iam_core::report::{render, RenderOptions};
use iam_core::{Diagnostic, Policy, PolicyType, Severity};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `iam validate` and `iam lint`.
#[derive(clap::Args)]
pub struct Args {
    /// Files, directories (every *.json below), glob patterns, or `-` for standard input.
    #[arg(required = true)]
    paths: Vec<String>,
    /// The policy type to check against; `auto` infers it from each document.
    #[arg(long = "type", short = 't', default_value = "auto", value_parser = parse_type)]
    policy_type: TypeChoice,
    /// Output format (`sarif` is SARIF 2.1.0, for code-scanning tools).
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    format: Format,
    /// Lint only: treat all inputs as the identity policies of one principal and also look for
    /// privilege escalation spread across them.
    #[arg(long)]
    as_principal: bool,
    /// Do not print the progress indicator (shown on a terminal for large runs).
    #[arg(long)]
    quiet: bool,
    /// Exit with 1 when a diagnostic at or above this severity is found.
    #[arg(long, default_value = "error", value_parser = parse_severity)]
    fail_on: Severity,
    /// Colour the human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

#[derive(Clone, Copy)]
enum TypeChoice {
    Auto,
    Fixed(PolicyType),
}

fn parse_type(s: &str) -> Result<TypeChoice, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(TypeChoice::Auto);
    }
    s.parse().map(TypeChoice::Fixed).map_err(|e| format!("{e}"))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::from_name(s).ok_or_else(|| {
        format!("unknown severity `{s}`; expected error, security-warning, warning or suggestion")
    })
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct FileReport {
    file: String,
    policy_type: Option<PolicyType>,
    policy_type_inferred: bool,
    parsed: bool,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Unreadable<'a> {
    file: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Report<'a> {
    files: Vec<FileReport>,
    unreadable: Vec<Unreadable<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct Summary {
    files: usize,
    unreadable: usize,
    errors: usize,
    security_warnings: usize,
    warnings: usize,
    suggestions: usize,
}

impl Summary {
    fn count(&mut self, d: &Diagnostic) {
        match d.severity() {
            Severity::Error => self.errors += 1,
            Severity::SecurityWarning => self.security_warnings += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Suggestion => self.suggestions += 1,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What the subcommand checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Grammar and policy-type rules.
    Validate,
    /// Validation plus the linter.
    Lint,
}

fn counts(d: &[Diagnostic]) -> String {
    let mut s = Summary::default();
    for x in d {
        s.count(x);
    }
    let mut parts = Vec::new();
    for (n, w) in [
        (s.errors, "error"),
        (s.security_warnings, "security warning"),
        (s.warnings, "warning"),
        (s.suggestions, "suggestion"),
    ] {
        if n > 0 {
            parts.push(plural(n, w));
        }
    }
    parts.join(", ")
}

struct Progress {
    enabled: bool,
    total: usize,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        use std::io::IsTerminal;
        Progress {
            enabled: !quiet && total >= 50 && std::io::stderr().is_terminal(),
            total,
        }
    }
    fn tick(&self, done: usize) {
        if self.enabled && (done % 25 == 0 || done == self.total) {
            eprint!("\r\x1b[2Kchecking {done}/{} …", self.total);
        }
    }
    fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Runs the subcommand and returns the exit code.
pub fn run(args: Args, mode: Mode) -> ExitCode {
    let color = args.format == Format::Human && args.color.enabled();
    let (sources, mut input_errors) = inputs::expand(&args.paths);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut summary = Summary::default();
    let mut failed = false;
    let mut reports: Vec<FileReport> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut parsed: Vec<(usize, Policy)> = Vec::new();
    let progress = Progress::new(sources.len(), args.quiet);

    for (n, source) in sources.iter().enumerate() {
        progress.tick(n + 1);
        let input = match source.read() {
            Ok(input) => input,
            Err(e) => {
                input_errors.push(e);
                continue;
            }
        };
        summary.files += 1;
        let text = String::from_utf8_lossy(&input.bytes).into_owned();
        let (policy_type, inferred, policy, diagnostics) =
            check(&input.bytes, args.policy_type, mode);
        if let Some(p) = policy {
            parsed.push((reports.len(), p));
        }
        reports.push(FileReport {
            file: input.name,
            policy_type,
            policy_type_inferred: inferred,
            parsed: parsed.last().is_some_and(|(i, _)| *i == reports.len()),
            diagnostics,
        });
        texts.push(text);
    }
    progress.finish();
    // The principal's grants come from the policies that grant; SCPs, boundaries and RCPs grant
    // nothing, but their Denies still take actions away (docs/checks.md).
    type Parsed<'a> = Vec<&'a (usize, Policy)>;
    let (granting, limits): (Parsed<'_>, Parsed<'_>) = parsed.iter().partition(|(ri, _)| {
        reports
            .get(*ri)
            .is_some_and(|r| r.policy_type.is_some_and(PolicyType::grants))
    });
    if mode == Mode::Lint && args.as_principal && granting.len() > 1 {
        let policies: Vec<&Policy> = granting.iter().map(|(_, p)| p).collect();
        let limits: Vec<&Policy> = limits.iter().map(|(_, p)| p).collect();
        for (pi, d) in iam_core::lint::lint_set_limited(&policies, &limits) {
            if let Some((ri, _)) = granting.get(pi) {
                if let Some(r) = reports.get_mut(*ri) {
                    r.diagnostics.push(d);
                }
            }
        }
    }
    for r in &reports {
        for d in &r.diagnostics {
            summary.count(d);
            failed |= d.severity() <= args.fail_on;
        }
    }
    summary.unreadable = input_errors.len();

    match args.format {
        Format::Human => {
            let opts = RenderOptions {
                color,
                max_line_width: None,
            };
            for (r, text) in reports.iter().zip(&texts) {
                for d in &r.diagnostics {
                    let _ = writeln!(out, "{}", render(d, text, &r.file, opts));
                }
                if !r.diagnostics.is_empty() && reports.len() > 1 {
                    let ty = r.policy_type.map(|t| format!(" ({t})")).unwrap_or_default();
                    let _ = writeln!(out, "{}{ty}: {}\n", r.file, counts(&r.diagnostics));
                }
            }
            for e in &input_errors {
                eprintln!("error: cannot read `{}`: {}", e.name, e.message);
            }
            let _ = writeln!(
                out,
                "checked {}: {}, {}, {}, {}{}",
                plural(summary.files, "file"),
                plural(summary.errors, "error"),
                plural(summary.security_warnings, "security warning"),
                plural(summary.warnings, "warning"),
                plural(summary.suggestions, "suggestion"),
                if input_errors.is_empty() {
                    String::new()
                } else {
                    format!("; {} unreadable", input_errors.len())
                }
            );
        }
        Format::Json => {
            let unreadable = input_errors
                .iter()
                .map(|InputError { name, message }| Unreadable {
                    file: name,
                    message,
                })
                .collect();
            let report = Report {
                files: reports,
                unreadable,
                summary: &summary,
            };
            let _ = serde_json::to_writer_pretty(&mut out, &report);
            let _ = writeln!(out);
        }
        Format::Sarif => {
            let _ = serde_json::to_writer_pretty(
                &mut out,
                &crate::sarif::log(&reports_for_sarif(&reports)),
            );
            let _ = writeln!(out);
            for e in &input_errors {
                eprintln!("error: cannot read `{}`: {}", e.name, e.message);
            }
        }
    }
    let _ = out.flush();
    if !input_errors.is_empty() {
        ExitCode::from(EXIT_USAGE)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn reports_for_sarif(reports: &[FileReport]) -> Vec<(&str, &[Diagnostic])> {
    reports
        .iter()
        .map(|r| (r.file.as_str(), r.diagnostics.as_slice()))
        .collect()
}

/// Parses, validates and (lint mode) lints one input. Returns the type used, whether it was
/// inferred, the policy if it parsed, and the diagnostics.
fn check(
    bytes: &[u8],
    choice: TypeChoice,
    mode: Mode,
) -> (Option<PolicyType>, bool, Option<Policy>, Vec<Diagnostic>) {
    match Policy::parse_bytes(bytes) {
        Ok(policy) => {
            let (ty, inferred) = match choice {
                TypeChoice::Fixed(t) => (t, false),
                TypeChoice::Auto => (PolicyType::infer(&policy), true),
            };
            let diagnostics = match mode {
                Mode::Validate => policy.validate(ty),
                Mode::Lint => iam_core::lint::check(&policy, ty),
            };
            (Some(ty), inferred, Some(policy), diagnostics)
        }
        Err(e) => {
            let ty = match choice {
                TypeChoice::Fixed(t) => Some(t),
                TypeChoice::Auto => None,
            };
            (ty, false, None, e.into_diagnostics())
        }
    }
}
