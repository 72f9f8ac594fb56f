//! Evaluation benchmark: iam-core against @cloud-copilot/iam-simulate on the same requests.
//!
//! Run with `cargo run --release -p iam-bench --bin eval-bench [-- --seconds S]`.
//!
//! For each workload in `bench/workloads/` ((a) a 3-statement policy with conditions, (b) a
//! 10-statement policy) it measures `PolicySet::decide` on a compiled set, counts heap allocations
//! during the timed loop, then runs the same requests through iam-simulate's raw engine in a
//! separate Node process (`bench/js/iam-simulate-bench.mjs`; AGPL, never linked) and prints the
//! ratio. Both engines' decisions are compared request by request. When iam-wasm is built
//! (`iam-wasm/build.sh`), the same requests also run through its Node build
//! (`bench/js/wasm-bench.mjs`), printed against native as a ratio. With `--features cedar`, the
//! 3-statement workload also runs through native cedar-policy (`three-statements.cedar`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_bench::alloc::{self, Counting};
use iam_bench::table;
use iam_core::eval::simulation::Simulation;
use iam_core::eval::{Decision, Request};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[global_allocator]
static GLOBAL: Counting = Counting;

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

struct Measured {
    per_second: f64,
    ns: f64,
    allocations: usize,
    calls: usize,
}

/// Rounds per measurement. A figure is the fastest round's: load from other tenants of a shared
/// machine only ever adds time, and it comes in bursts that a mean over one long run absorbs at
/// random. The peers' scripts (`bench/js`) measure the same way.
const ROUNDS: usize = 5;

fn measure(seconds: f64, mut f: impl FnMut(usize)) -> Measured {
    for i in 0..10_000 {
        f(i);
    }
    let mut n = 0usize;
    let mut best = f64::INFINITY;
    let before = alloc::allocations();
    for _ in 0..ROUNDS {
        let (ns, calls) = round(seconds / ROUNDS as f64, n, &mut f);
        n += calls;
        best = best.min(ns);
    }
    Measured {
        per_second: 1e9 / best,
        ns: best,
        allocations: alloc::allocations() - before,
        calls: n,
    }
}

fn peer(workload: &Path, seconds: f64) -> Option<(f64, f64, Vec<String>)> {
    let js = bench_dir().join("js");
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node is not installed: skipping iam-simulate");
        return None;
    }
    if !js.join("node_modules/@cloud-copilot/iam-simulate").exists() {
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&js)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("could not install iam-simulate with npm: skipping it");
            return None;
        }
    }
    let (v, decisions) = run_node("iam-simulate-bench.mjs", workload, seconds)?;
    Some((
        v["rawPerSecond"].as_f64()?,
        v["unsafePerSecond"].as_f64()?,
        decisions,
    ))
}

/// Runs a script of `bench/js` on a workload; answers its JSON output and its `decisions`.
fn run_node(
    script: &str,
    workload: &Path,
    seconds: f64,
) -> Option<(serde_json::Value, Vec<String>)> {
    let out = Command::new("node")
        .arg(bench_dir().join("js").join(script))
        .arg(workload)
        .args(["--seconds", &seconds.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{script} failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let decisions = v["decisions"]
        .as_array()?
        .iter()
        .map(|d| d.as_str().unwrap_or("").to_string())
        .collect();
    Some((v, decisions))
}

/// What [`wasm`] measures.
struct WasmRun {
    /// ns per `decidePrepared`.
    prepared: f64,
    /// ns per `noopPrepared`: the same call, deciding nothing.
    call: f64,
    /// ns per `decide` on a plain request object.
    objects: f64,
    decisions: Vec<String>,
    /// The Cedar row, if any.
    cedar: serde_json::Value,
}

/// The same workload through the Node build of iam-wasm (`bench/js/wasm-bench.mjs`).
fn wasm(workload: &Path, seconds: f64) -> Option<WasmRun> {
    if !bench_dir()
        .join("../iam-wasm/pkg/node/iam_wasm.js")
        .exists()
    {
        eprintln!("iam-wasm is not built (iam-wasm/build.sh): skipping the WebAssembly row");
        return None;
    }
    let (v, decisions) = run_node("wasm-bench.mjs", workload, seconds)?;
    Some(WasmRun {
        prepared: v["preparedNs"].as_f64()?,
        call: v["callNs"].as_f64()?,
        objects: v["objectNs"].as_f64()?,
        decisions,
        cedar: v["cedar"].clone(),
    })
}

/// Times of native `decide` and of WebAssembly's `decidePrepared` on the same requests, taken in
/// turns: one Node process (`wasm-bench.mjs --turns`) and this one time a short round each,
/// alternately, [`TURNS`] times. Answers `(native ns, WebAssembly ns, the lowest and highest
/// ratio of one turn)`, each side's figure the fastest of its rounds, as every figure here is.
/// Turns a few hundredths of a second long put both sides in the same stretches of the machine's
/// load: a native figure timed once, seconds before Node ran, made the ratio swing from 1.0x to
/// 2.2x between runs of the same code.
fn wasm_turns(
    workload: &Path,
    seconds: f64,
    mut native_round: impl FnMut(f64) -> f64,
) -> Option<(f64, f64, Vec<f64>)> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = Command::new("node")
        .arg(bench_dir().join("js/wasm-bench.mjs"))
        .arg(workload)
        .args(["--seconds", "0.5", "--turns"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let (Some(mut to_node), Some(from_node)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    let mut from_node = BufReader::new(from_node);
    let mut line = String::new();
    // One round in Node: when it answers, Node has started and warmed up, and the first turn's
    // native round does not overlap its start.
    let mut node_round = move |s: f64| -> Option<f64> {
        writeln!(to_node, "{s}").ok()?;
        line.clear();
        from_node.read_line(&mut line).ok()?;
        line.trim().parse().ok()
    };
    let each = seconds / TURNS as f64;
    let mut turns = || -> Option<(f64, f64, Vec<f64>)> {
        node_round(each)?;
        let (mut native, mut wasm) = (f64::INFINITY, f64::INFINITY);
        let mut ratios = Vec::with_capacity(TURNS);
        for _ in 0..TURNS {
            let n = native_round(each);
            let w = node_round(each)?;
            native = native.min(n);
            wasm = wasm.min(w);
            ratios.push(w / n);
        }
        ratios.sort_by(f64::total_cmp);
        Some((native, wasm, ratios))
    };
    let answer = turns();
    // Dropping the closure closes Node's input (the closure owns it), which ends Node's loop;
    // kill it too if something went wrong mid-turn.
    drop(node_round);
    if answer.is_none() {
        let _ = child.kill();
    }
    let _ = child.wait();
    answer
}

/// Turns of [`wasm_turns`].
const TURNS: usize = 40;

/// One timed round of `f` for `seconds`, calls numbered from `from`: `(ns per call, calls)`
/// (as `round` in `bench/js/wasm-bench.mjs`).
fn round(seconds: f64, from: usize, mut f: impl FnMut(usize)) -> (f64, usize) {
    let (start, mut n) = (Instant::now(), from);
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..1000 {
            f(n);
            n += 1;
        }
    }
    (
        start.elapsed().as_secs_f64() * 1e9 / (n - from) as f64,
        n - from,
    )
}

/// The same 3-statement workload in native Cedar (`bench/workloads/three-statements.cedar`):
/// nanoseconds per `Authorizer::is_authorized` on requests built beforehand, as iam-core's row
/// decides prepared requests; and whether each decision agrees (allow or not) with ours.
#[cfg(feature = "cedar")]
fn cedar_native(workload: &str, ours: &[Decision], seconds: f64) -> Option<(f64, usize)> {
    use cedar_policy::{Authorizer, Context, Entities, EntityId, EntityTypeName, EntityUid};
    use std::str::FromStr;
    let text =
        std::fs::read_to_string(bench_dir().join("workloads/three-statements.cedar")).ok()?;
    let policies = cedar_policy::PolicySet::from_str(&text).ok()?;
    let uid = |ty: &str, id: &str| -> Option<EntityUid> {
        Some(EntityUid::from_type_name_and_id(
            EntityTypeName::from_str(ty).ok()?,
            EntityId::new(id),
        ))
    };
    let v: serde_json::Value = serde_json::from_str(workload).ok()?;
    let mut requests = Vec::new();
    for r in v["requests"].as_array()? {
        let c = &r["context"];
        let text = |k: &str| {
            c[k].as_str()
                .map(str::to_string)
                .or(c[k].as_bool().map(|b| b.to_string()))
        };
        let resource = r["resource"].as_str().unwrap_or("*");
        let mut ctx = serde_json::json!({
            "resource": resource,
            "sourceIp": {"__extn": {"fn": "ip", "arg": text("aws:SourceIp").unwrap_or("0.0.0.0".into())}},
            "secureTransport": text("aws:SecureTransport").as_deref() == Some("true"),
        });
        if let Some(team) = text("aws:PrincipalTag/team") {
            ctx["team"] = team.into();
        }
        if let Some(mfa) = text("aws:MultiFactorAuthPresent") {
            ctx["mfa"] = (mfa == "true").into();
        }
        requests.push(
            cedar_policy::Request::new(
                uid("User", r["principal"].as_str()?)?,
                uid("Action", r["action"].as_str()?)?,
                uid("Resource", resource)?,
                Context::from_json_value(ctx, None).ok()?,
                None,
            )
            .ok()?,
        );
    }
    let authorizer = Authorizer::new();
    let entities = Entities::empty();
    let allow = |r: &cedar_policy::Request| {
        authorizer.is_authorized(r, &policies, &entities).decision()
            == cedar_policy::Decision::Allow
    };
    let agree = requests
        .iter()
        .zip(ours)
        .filter(|(r, d)| allow(r) == (**d == Decision::Allow))
        .count();
    let mut sink = 0usize;
    let m = measure(seconds, |i| {
        sink += allow(&requests[i % requests.len()]) as usize
    });
    std::hint::black_box(sink);
    Some((m.ns, agree))
}

#[cfg(not(feature = "cedar"))]
fn cedar_native(_workload: &str, _ours: &[Decision], _seconds: f64) -> Option<(f64, usize)> {
    None
}

/// Each request of a workload file as its own JSON text.
fn request_texts(workload: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(workload).unwrap();
    v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect()
}

fn their_name(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "Allowed",
        Decision::ExplicitDeny => "ExplicitlyDenied",
        Decision::ImplicitDeny => "ImplicitlyDenied",
    }
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip_while(|a| a != "--seconds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2.0);
    println!(
        "{:<40} {:>14} {:>10} {:>8} {:>16} {:>10} {:>9}",
        "workload", "iam-core eval/s", "ns/eval", "allocs", "iam-simulate e/s", "ratio", "agree"
    );
    for name in ["three-statements.json", "ten-statements.json"] {
        let path = bench_dir().join("workloads").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let sim = Simulation::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let set = sim.policy_set();
        let requests: Vec<Request> = sim.requests().to_vec();
        let ours: Vec<Decision> = requests.iter().map(|r| set.decide(r).decision()).collect();
        let mut sink = 0usize;
        let m = measure(seconds, |i| {
            let r = &requests[i % requests.len()];
            sink += set.decide(r).decision() as usize;
        });
        let explained = measure(seconds / 4.0, |i| {
            let r = &requests[i % requests.len()];
            sink += set.evaluate(r, false).decisive().len();
        });
        // What a caller holding JSON text pays per call natively: read the request, then decide
        // (the counterpart of the WebAssembly per-call rows below).
        let texts = request_texts(&text);
        let per_call = measure(seconds / 4.0, |i| {
            let r = Request::from_json(&texts[i % texts.len()]).unwrap();
            sink += set.decide(&r).decision() as usize;
        });
        std::hint::black_box(sink);
        let label = name.trim_end_matches(".json");
        let (theirs, ratio, agree) = match peer(&path, seconds) {
            Some((raw, _unsafe, decisions)) => {
                table::row(
                    &format!("evaluate ({label}, {} requests)", requests.len()),
                    &format!("{:.0} ns, {} allocations", m.ns, m.allocations),
                    &format!("iam-simulate raw engine: {raw:.0} /s"),
                    &format!("{:.0}x", m.per_second / raw),
                );
                let same = ours
                    .iter()
                    .zip(&decisions)
                    .filter(|(a, b)| their_name(**a) == b.as_str())
                    .count();
                (
                    format!("{raw:.0}"),
                    format!("{:.0}x", m.per_second / raw),
                    format!("{same}/{}", ours.len()),
                )
            }
            None => ("n/a".into(), "n/a".into(), "n/a".into()),
        };
        println!(
            "{:<40} {:>14.0} {:>10.1} {:>8} {:>16} {:>10} {:>9}",
            format!("{} ({} requests)", label, requests.len()),
            m.per_second,
            m.ns,
            m.allocations,
            theirs,
            ratio,
            agree
        );
        println!(
            "{:<40} {:>14.0} {:>10.1} {:>8}",
            "  with explanations (evaluate)",
            explained.per_second,
            explained.ns,
            explained.allocations
        );
        println!(
            "{:<40} {:>14.0} {:>10.1} {:>8}",
            "  request read from JSON text per call",
            per_call.per_second,
            per_call.ns,
            format!("{}/call", per_call.allocations / per_call.calls.max(1))
        );
        if name == "three-statements.json" {
            match cedar_native(&text, &ours, seconds / 2.0) {
                Some((ns, agree)) => {
                    println!(
                        "{:<40} {:>14.0} {:>10.1} {:>8} {:>16} {:>10} {:>9}",
                        "  cedar-policy 4.13.0 (native, same run)",
                        1e9 / ns,
                        ns,
                        "",
                        "",
                        format!("{:.0}x slower", ns / m.ns),
                        format!("{agree}/{}", ours.len())
                    );
                    table::row(
                        &format!("evaluate ({label}) vs native Cedar"),
                        &format!("{:.0} ns", m.ns),
                        &format!("cedar-policy 4.13.0 `is_authorized`: {:.1} µs", ns / 1e3),
                        &format!("{:.0}x", ns / m.ns),
                    );
                }
                None if cfg!(feature = "cedar") => eprintln!("cedar-policy row failed"),
                None => {}
            }
        }
        if let Some(WasmRun {
            prepared,
            call,
            objects,
            decisions,
            cedar,
        }) = wasm(&path, seconds / 2.0)
        {
            let same = ours
                .iter()
                .zip(&decisions)
                .filter(|(a, b)| a.as_str() == b.as_str())
                .count();
            let paired = wasm_turns(&path, seconds, |s| {
                round(s, 0, |i| {
                    let r = &requests[i % requests.len()];
                    sink += set.decide(r).decision() as usize;
                })
                .0
            });
            // The ratio is the median of the turns' ratios (each turn's two rounds ran back to
            // back); the times are each side's fastest round, the first runs' included.
            let (native_ns, prepared, ratio, spread) = match paired {
                Some((n, w, r)) => (
                    n.min(m.ns),
                    w.min(prepared),
                    r[r.len() / 2],
                    format!(
                        "median of {TURNS} turns (quartiles {:.2}x, {:.2}x)",
                        r[r.len() / 4],
                        r[3 * r.len() / 4]
                    ),
                ),
                None => (
                    m.ns,
                    prepared,
                    prepared / m.ns,
                    "fastest rounds".to_string(),
                ),
            };
            println!(
                "{:<40} {:>14.0} {:>10.1} {:>8} {:>16} {:>10} {:>9}",
                "  WebAssembly in Node, prepared requests",
                1e9 / prepared,
                prepared,
                "",
                "",
                format!("{ratio:.2}x nat"),
                format!("{same}/{}", ours.len())
            );
            println!("    (native timed in turns with it: {native_ns:.1} ns; ratio: {spread})");
            // What the call from JS costs by itself, and so what is left for the engine.
            let engine = prepared - call;
            println!(
                "    (the same call deciding nothing, `noopPrepared`: {call:.1} ns; the rest, the engine in WebAssembly: {engine:.1} ns, {:.2}x native)",
                engine / native_ns
            );
            println!(
                "{:<40} {:>14.0} {:>10.1}",
                "  WebAssembly in Node, request objects",
                1e9 / objects,
                objects
            );
            table::row(
                &format!("WebAssembly (Node) decide, prepared requests ({label})"),
                &format!("{prepared:.0} ns"),
                &format!(
                    "native, timed in turns with it: {native_ns:.0} ns (the call from JS alone: {call:.0} ns; the engine: {:.2}x native)",
                    engine / native_ns
                ),
                &format!("{ratio:.2}x native ({spread})"),
            );
            if let Some(ns) = cedar["ns"].as_f64() {
                println!(
                    "{:<40} {:>14.0} {:>10.1} {:>8} {:>16} {:>10} {:>9}",
                    format!(
                        "  cedar-wasm {} (same process)",
                        cedar["version"].as_str().unwrap_or("?")
                    ),
                    1e9 / ns,
                    ns,
                    "",
                    "",
                    format!("{:.0}x slower", ns / objects),
                    format!("{}/{}", cedar["agree"], cedar["of"])
                );
                table::row(
                    &format!("WebAssembly (Node) decide from a JS object ({label})"),
                    &format!("{:.1} µs", objects / 1e3),
                    &format!(
                        "cedar-wasm {} `statefulIsAuthorized`: {:.0} µs",
                        cedar["version"].as_str().unwrap_or("?"),
                        ns / 1e3
                    ),
                    &format!("{:.0}x", ns / objects),
                );
            }
        }
    }
    println!("\ntargets: >= 500x iam-simulate's raw engine, < 1000 ns per evaluation, 0 allocations in decide(); WebAssembly <= 1.5x native; iam-wasm per call >= 50x faster than cedar-wasm");
}
