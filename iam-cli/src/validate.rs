//! `iam validate`: parse policies and check them against the rules of their type.

use crate::inputs::{self, InputError};
use crate::{ColorChoice, Format, EXIT_USAGE};
use iam_core::report::{render, RenderOptions};
use iam_core::{Diagnostic, Policy, PolicyType, Severity};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `iam validate`.
#[derive(clap::Args)]
pub struct Args {
    /// Files, directories (every *.json below), glob patterns, or `-` for standard input.
    #[arg(required = true)]
    paths: Vec<String>,
    /// The policy type to check against; `auto` infers it from each document.
    #[arg(long = "type", short = 't', default_value = "auto", value_parser = parse_type)]
    policy_type: TypeChoice,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    format: Format,
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

#[derive(Serialize)]
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

#[derive(Serialize, Default)]
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

/// Runs the subcommand and returns the exit code.
pub fn run(args: Args) -> ExitCode {
    let color = args.format == Format::Human && args.color.enabled();
    let (sources, mut input_errors) = inputs::expand(&args.paths);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut summary = Summary::default();
    let mut failed = false;
    let mut json_files: Vec<FileReport> = Vec::new();

    for source in &sources {
        let input = match source.read() {
            Ok(input) => input,
            Err(e) => {
                input_errors.push(e);
                continue;
            }
        };
        summary.files += 1;
        let (policy_type, inferred, parsed, diagnostics, text) =
            check(&input.bytes, args.policy_type);
        for d in &diagnostics {
            summary.count(d);
            failed |= d.severity() <= args.fail_on;
        }
        match args.format {
            Format::Human => {
                for d in &diagnostics {
                    let opts = RenderOptions {
                        color,
                        max_line_width: None,
                    };
                    let _ = writeln!(out, "{}", render(d, &text, &input.name, opts));
                }
            }
            Format::Json => json_files.push(FileReport {
                file: input.name,
                policy_type,
                policy_type_inferred: inferred,
                parsed,
                diagnostics,
            }),
        }
    }
    summary.unreadable = input_errors.len();

    match args.format {
        Format::Human => {
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
                files: json_files,
                unreadable,
                summary: &summary,
            };
            let _ = serde_json::to_writer_pretty(&mut out, &report);
            let _ = writeln!(out);
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

/// Parses and validates one input. Returns the type used, whether it was inferred, whether it
/// parsed, the diagnostics, and the text to render them against.
fn check(
    bytes: &[u8],
    choice: TypeChoice,
) -> (Option<PolicyType>, bool, bool, Vec<Diagnostic>, String) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    match Policy::parse_bytes(bytes) {
        Ok(policy) => {
            let (ty, inferred) = match choice {
                TypeChoice::Fixed(t) => (t, false),
                TypeChoice::Auto => (PolicyType::infer(&policy), true),
            };
            let diagnostics = policy.validate(ty);
            (Some(ty), inferred, true, diagnostics, text)
        }
        Err(e) => {
            let ty = match choice {
                TypeChoice::Fixed(t) => Some(t),
                TypeChoice::Auto => None,
            };
            (ty, false, false, e.into_diagnostics(), text)
        }
    }
}
