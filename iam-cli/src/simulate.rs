//! `iam simulate FILE` and `iam eval`: evaluate requests against policies.

use crate::{ColorChoice, PlainFormat as Format, EXIT_USAGE};
use iam_core::eval::simulation::Simulation;
use iam_core::eval::{ContextValue, Decision, EvaluationResult, PolicySet, Request, Scalar};
use iam_core::report::{printable, render, RenderOptions};
use iam_core::Policy;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `iam simulate`.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// A simulation file (policies by type and a list of requests; see the README), or `-`.
    file: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    format: Format,
    /// Include every statement's evaluation (action, resource, principal, each condition).
    #[arg(long)]
    trace: bool,
    /// Colour the human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

/// Arguments of `iam eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// An identity-based policy of the caller (repeat for several).
    #[arg(long = "identity", value_name = "FILE")]
    identity: Vec<String>,
    /// The resource-based policy (bucket, key, queue or role trust policy).
    #[arg(long = "resource-policy", value_name = "FILE")]
    resource_policy: Option<String>,
    /// The caller's permissions boundary.
    #[arg(long = "permissions-boundary", value_name = "FILE")]
    permissions_boundary: Option<String>,
    /// The session policy of the caller's session.
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policy: Option<String>,
    /// One SCP level: comma-separated files (repeat for each level, root first).
    #[arg(long = "scp", value_name = "FILE[,FILE…]")]
    scp: Vec<String>,
    /// One RCP level: comma-separated files (repeat for each level).
    #[arg(long = "rcp", value_name = "FILE[,FILE…]")]
    rcp: Vec<String>,
    /// Who makes the request: an IAM ARN, an account id, a service principal, or `anonymous`.
    #[arg(long, default_value = "anonymous")]
    principal: String,
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    action: String,
    /// A resource ARN (repeat for several; none means `*`).
    #[arg(long = "resource")]
    resources: Vec<String>,
    /// A context value `key=value`; the value may be JSON (`true`, `42`, `["a","b"]`).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Override the resource's account.
    #[arg(long)]
    resource_account: Option<String>,
    /// The action is authorised only against `Resource: "*"` (by default the action catalog
    /// decides).
    #[arg(long)]
    wildcard_only_action: bool,
    /// Explain: list every statement's evaluation.
    #[arg(long)]
    explain: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    format: Format,
    /// Colour the human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    principal: String,
    action: &'a str,
    resources: Vec<&'a str>,
    result: &'a EvaluationResult,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn read_input(path: &str) -> Result<(String, String), String> {
    let (name, bytes) = if path == "-" {
        let bytes = crate::inputs::read_bounded(std::io::stdin(), "<stdin>")
            .map_err(|e| format!("cannot read standard input: {}", e.message))?;
        ("<stdin>".to_string(), bytes)
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
        let bytes = crate::inputs::read_bounded(file, path)
            .map_err(|e| format!("cannot read `{path}`: {}", e.message))?;
        (path.to_string(), bytes)
    };
    String::from_utf8(bytes)
        .map(|s| (name, s))
        .map_err(|_| format!("cannot read `{path}`: it is not UTF-8 text"))
}

fn print_results(
    requests: &[Request],
    labels: &[Option<String>],
    results: &[EvaluationResult],
    format: Format,
    color: bool,
) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            let reports: Vec<_> = requests
                .iter()
                .zip(results)
                .enumerate()
                .map(|(i, (r, result))| RequestReport {
                    name: labels.get(i).and_then(|l| l.as_deref()),
                    principal: r.caller().to_string(),
                    action: r.action(),
                    resources: if r.resources().is_empty() {
                        vec!["*"]
                    } else {
                        r.resources().iter().map(|s| &**s).collect()
                    },
                    result,
                })
                .collect();
            let _ = serde_json::to_writer_pretty(&mut out, &reports);
            let _ = writeln!(out);
        }
        Format::Human => {
            // Text from the policies and requests is printed with control characters escaped
            // (`report::printable`), so it cannot start lines of its own or drive the terminal.
            for (i, (r, result)) in requests.iter().zip(results).enumerate() {
                let label = labels
                    .get(i)
                    .and_then(|l| l.as_deref())
                    .map(|l| format!(" ({})", printable(l)))
                    .unwrap_or_default();
                let resources = if r.resources().is_empty() {
                    "*".to_string()
                } else {
                    r.resources().join(", ")
                };
                let _ = writeln!(
                    out,
                    "request {}{label}: {} {} on {}",
                    i + 1,
                    printable(&r.caller().to_string()),
                    printable(r.action()),
                    printable(&resources)
                );
                let (start, end) = match (color, result.decision()) {
                    (false, _) => ("", ""),
                    (true, Decision::Allow) => ("\x1b[1;32m", "\x1b[0m"),
                    (true, _) => ("\x1b[1;31m", "\x1b[0m"),
                };
                let _ = writeln!(out, "  {start}{}{end}", printable(&result.summary()));
                for d in result.decisive() {
                    let _ = writeln!(
                        out,
                        "    {} {} statement {}{} of `{}` at line {}",
                        d.effect(),
                        d.layer(),
                        d.statement_index(),
                        d.sid()
                            .map(|s| format!(" ({})", printable(s)))
                            .unwrap_or_default(),
                        printable(d.policy_name()),
                        d.location().line()
                    );
                }
                if result.resources().len() > 1 {
                    for rr in result.resources() {
                        let _ =
                            writeln!(out, "    {}: {}", printable(rr.resource()), rr.decision());
                    }
                }
                if !result.missing_context_keys().is_empty() {
                    let _ = writeln!(
                        out,
                        "  context keys read but not supplied: {}",
                        printable(&result.missing_context_keys().join(", "))
                    );
                }
                for u in result.unevaluable() {
                    let _ = writeln!(
                        out,
                        "  could not evaluate {} statement {} of `{}`: {}",
                        u.statement().layer(),
                        u.statement().statement_index(),
                        printable(u.statement().policy_name()),
                        printable(u.reason())
                    );
                }
                if let Some(trace) = result.trace() {
                    for t in trace {
                        let st = t.statement();
                        let verdict = match t.applies() {
                            Some(true) => "applies",
                            Some(false) => "does not apply",
                            None => "undecidable",
                        };
                        let _ = writeln!(
                            out,
                            "    {} statement {}{} of `{}` ({}) on {}: {verdict} [action {}{}{}]",
                            st.layer(),
                            st.statement_index(),
                            st.sid()
                                .map(|s| format!(" {}", printable(s)))
                                .unwrap_or_default(),
                            printable(st.policy_name()),
                            st.effect(),
                            printable(t.resource()),
                            if t.action_matched() { "✓" } else { "✗" },
                            t.resource_matched()
                                .map(|m| if m {
                                    ", resource ✓"
                                } else {
                                    ", resource ✗"
                                })
                                .unwrap_or(""),
                            t.principal_matched()
                                .map(|m| if m {
                                    ", principal ✓"
                                } else {
                                    ", principal ✗"
                                })
                                .unwrap_or(""),
                        );
                        for c in t.conditions() {
                            let ctx = match c.context() {
                                Some(v) => format!("{v:?}"),
                                None => "absent".to_string(),
                            };
                            let res = match c.result() {
                                Some(true) => "true",
                                Some(false) => "false",
                                None => "unknown",
                            };
                            let _ = writeln!(
                                out,
                                "      {} {} {:?} vs {ctx}: {res}",
                                c.operator(),
                                printable(c.key()),
                                c.values()
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Runs `iam simulate`.
pub fn run_simulate(args: SimulateArgs) -> ExitCode {
    let (name, text) = match read_input(&args.file) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let sim = match Simulation::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            let color = ColorChoice::enabled(args.color);
            for d in e.diagnostics() {
                eprint!(
                    "{}",
                    render(
                        d,
                        &text,
                        &name,
                        RenderOptions {
                            color,
                            max_line_width: None
                        }
                    )
                );
            }
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let now = now();
    let requests: Vec<Request> = sim
        .requests()
        .iter()
        .map(|r| r.clone().current_time(now))
        .collect();
    let results: Vec<_> = requests
        .iter()
        .map(|r| sim.policy_set().evaluate(r, args.trace))
        .collect();
    print_results(
        &requests,
        sim.labels(),
        &results,
        args.format,
        args.color.enabled(),
    );
    ExitCode::SUCCESS
}

fn load_policy(path: &str) -> Result<Arc<Policy>, ExitCode> {
    let (name, text) = read_input(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_USAGE)
    })?;
    Policy::parse(&text).map(Arc::new).map_err(|e| {
        for d in e.diagnostics() {
            eprint!("{}", render(d, &text, &name, RenderOptions::default()));
        }
        ExitCode::from(EXIT_USAGE)
    })
}

fn context_value(text: &str) -> ContextValue {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => ContextValue::List(
            items
                .iter()
                .map(|v| Scalar::new(v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect(),
        ),
        Ok(serde_json::Value::Bool(b)) => b.into(),
        Ok(serde_json::Value::Number(n)) => ContextValue::Single(Scalar::new(n.to_string())),
        _ => text.into(),
    }
}

/// Runs `iam eval`.
pub fn run_eval(args: EvalArgs) -> ExitCode {
    let mut set = PolicySet::builder();
    let load = |p: &str| load_policy(p);
    for p in &args.identity {
        match load(p) {
            Ok(policy) => set = set.identity(p, policy),
            Err(code) => return code,
        }
    }
    type Setter =
        fn(iam_core::eval::PolicySetBuilder, &str, Arc<Policy>) -> iam_core::eval::PolicySetBuilder;
    let singles: [(&Option<String>, Setter); 3] = [
        (&args.resource_policy, |s, n, p| s.resource(n, p)),
        (&args.permissions_boundary, |s, n, p| {
            s.permissions_boundary(n, p)
        }),
        (&args.session_policy, |s, n, p| s.session(n, p)),
    ];
    for (path, setter) in singles {
        if let Some(path) = path {
            match load(path) {
                Ok(policy) => set = setter(set, path, policy),
                Err(code) => return code,
            }
        }
    }
    for (levels, is_scp) in [(&args.scp, true), (&args.rcp, false)] {
        for level in levels {
            let mut policies = Vec::new();
            for p in level.split(',').filter(|s| !s.is_empty()) {
                match load(p) {
                    Ok(policy) => policies.push((p.to_string(), policy)),
                    Err(code) => return code,
                }
            }
            set = if is_scp {
                set.scp_level(policies)
            } else {
                set.rcp_level(policies)
            };
        }
    }
    let set = set.build();
    // `for_principal` asks the action catalog whether the action is wildcard-only.
    let mut request = match Request::for_principal(Some(&args.principal), &args.action) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {}", e.field(), e.message());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    for r in &args.resources {
        request = request.resource(r);
    }
    for kv in &args.context {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!("error: --context takes KEY=VALUE, got `{kv}`");
            return ExitCode::from(EXIT_USAGE);
        };
        request = request.context(k, context_value(v));
    }
    if let Some(a) = &args.resource_account {
        request = request.resource_account(a);
    }
    // Without the flag the action catalog decides (set when the request was built).
    if args.wildcard_only_action {
        request = request.wildcard_only_action(true);
    }
    let request = request.current_time(now());
    let result = set.evaluate(&request, args.explain);
    print_results(
        std::slice::from_ref(&request),
        &[None],
        std::slice::from_ref(&result),
        args.format,
        args.color.enabled(),
    );
    ExitCode::SUCCESS
}
