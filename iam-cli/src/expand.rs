//! `iam expand PATTERN`: the actions an action pattern matches.

use crate::{PlainFormat as Format, EXIT_USAGE};
use iam_core::catalog::catalog;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `iam expand`.
#[derive(clap::Args)]
pub struct Args {
    /// Action patterns such as `s3:Get*`, `iam:*AccessKey*` or `*`.
    #[arg(required = true)]
    patterns: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    format: Format,
}

/// Runs `iam expand`.
pub fn run(args: Args) -> ExitCode {
    let c = catalog();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut json = Vec::new();
    for p in &args.patterns {
        let actions = c.expand(p);
        if args.format == Format::Json {
            json.push(serde_json::json!({
                "pattern": p,
                "actions": actions.iter().map(|a| serde_json::json!({
                    "action": a.to_string(),
                    "accessLevel": a.access_level(),
                    "wildcardOnly": a.is_wildcard_only(),
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        if args.patterns.len() > 1 {
            let _ = writeln!(out, "{p}:");
        }
        for a in &actions {
            let _ = writeln!(out, "{:<60} {}", a.to_string(), a.access_level());
        }
        let g = c.count(&c.action_set([p.as_str()], false));
        let levels: Vec<String> = iam_core::catalog::AccessLevel::ALL
            .iter()
            .filter(|l| g.level(**l) > 0)
            .map(|l| format!("{} {l}", g.level(*l)))
            .collect();
        let _ = writeln!(
            out,
            "{} action(s){} — catalog {}",
            actions.len(),
            if levels.is_empty() {
                String::new()
            } else {
                format!(": {}", levels.join(", "))
            },
            c.date()
        );
        if actions.is_empty() && !p.contains(':') && !p.chars().all(|ch| ch == '*') {
            eprintln!("error: `{p}` is not an action pattern (`service:Action`)");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    if args.format == Format::Json {
        let _ = serde_json::to_writer_pretty(&mut out, &json);
        let _ = writeln!(out);
    }
    ExitCode::SUCCESS
}
