//! The `iam` command: check AWS IAM policies from the command line.
//!
//! Exit codes: 0 when no diagnostic reaches the `--fail-on` severity, 1 when one does, 2 when an
//! input cannot be read or the command line is wrong.
#![forbid(unsafe_code)]

mod check;
mod expand;
mod inputs;
mod sarif;
mod simulate;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iam",
    version,
    about = "Read, validate and check AWS IAM policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse policies and check them against the rules of their policy type.
    Validate(check::Args),
    /// Validate policies and look for over-broad wildcards and risky grants.
    Lint(check::Args),
    /// List the actions an action pattern matches (`s3:Get*`), with their access levels.
    Expand(expand::Args),
    /// Evaluate the requests of a simulation file against its policies.
    Simulate(simulate::SimulateArgs),
    /// Evaluate one request given on the command line.
    Eval(Box<simulate::EvalArgs>),
}

/// Output format shared by subcommands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics with source snippets.
    Human,
    /// One JSON document on standard output.
    Json,
    /// SARIF 2.1.0 (validate and lint only).
    Sarif,
}

/// Output format of the commands that have no SARIF form (expand, simulate, eval).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlainFormat {
    /// Text for people.
    Human,
    /// One JSON document on standard output.
    Json,
}

/// When to use colours.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to stdout.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Exit code for usage errors and unreadable inputs.
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Validate(args) => check::run(args, check::Mode::Validate),
        Command::Lint(args) => check::run(args, check::Mode::Lint),
        Command::Expand(args) => expand::run(args),
        Command::Simulate(args) => simulate::run_simulate(args),
        Command::Eval(args) => simulate::run_eval(*args),
    }
}
