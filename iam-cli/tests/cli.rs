//! End-to-end tests of the `iam` binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn iam(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iam"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command that stops early (a usage error) may close its input before reading it.
        match input.write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn managed_corpus_is_clean_as_identity_policies() {
    let o = iam(
        &["validate", "--type", "identity", "corpus/managed/policies"],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout(&o).contains("checked 1594 files: 0 errors"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_are_rendered_with_snippet_and_exit_1() {
    let o = iam(
        &["validate", "corpus/malformed/duplicate-effect.json"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("error[DUPLICATE_KEY]: duplicate key `Effect` in one object"),
        "{out}"
    );
    assert!(
        out.contains("--> corpus/malformed/duplicate-effect.json:4:25"),
        "{out}"
    );
    assert!(out.contains("^^^^^^^^ /Statement/0/Effect"), "{out}");
    assert!(out.contains("= help:"), "{out}");
}

#[test]
fn stdin_json_output_and_fail_on() {
    let policy = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    // A missing Version is a warning: clean by default, failing with --fail-on warning.
    let o = iam(&["validate", "-"], Some(policy));
    assert_eq!(o.status.code(), Some(0));
    let o = iam(
        &["validate", "--fail-on", "warning", "--format", "json", "-"],
        Some(policy),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let file = &v["files"][0];
    assert_eq!(file["file"], "<stdin>");
    assert_eq!(file["policyType"], "identity");
    assert_eq!(file["policyTypeInferred"], true);
    let d = &file["diagnostics"][0];
    assert_eq!(d["code"], "MISSING_VERSION");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["location"]["start"]["line"], 1);
    assert_eq!(d["location"]["start"]["columnUtf16"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
}

#[test]
fn policy_type_changes_the_verdict() {
    let path = "corpus/examples/policies/deny-unencrypted-uploads-bucket-policy.json";
    assert_eq!(iam(&["validate", path], None).status.code(), Some(0));
    let o = iam(&["validate", "-t", "identity", path], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("UNSUPPORTED_PRINCIPAL"));
}

#[test]
fn globs_directories_and_unreadable_inputs() {
    let o = iam(&["validate", "corpus/examples/policies/*-s3-*.json"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("checked 1 file:"), "{}", stdout(&o));
    let o = iam(&["validate", "corpus/examples/policies"], None);
    assert!(stdout(&o).contains("checked 4 files:"), "{}", stdout(&o));
    let o = iam(&["validate", "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file"));
    let o = iam(&["validate", "nothing/*.json"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(iam(&["validate"], None).status.code(), Some(2));
    assert_eq!(
        iam(&["validate", "--type", "bucket", "-"], Some("{}"))
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        iam(&["validate", "--fail-on", "fatal", "-"], Some("{}"))
            .status
            .code(),
        Some(2)
    );
    assert_eq!(iam(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(iam(&["--version"], None).status.code(), Some(0));
}

#[test]
fn simulate_prints_one_result_per_request() {
    let o = iam(
        &[
            "simulate",
            "--format",
            "json",
            "corpus/simulations/bucket-access.json",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let decisions: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"]["decision"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(decisions, ["allow", "explicitDeny", "implicitDeny"]);
    let denied = &v[1]["result"]["decisive"][0];
    assert_eq!(denied["sid"], "DenyInsecureTransport");
    assert_eq!(denied["layer"], "resource");
    // Inline policies keep their positions in the simulation file.
    assert_eq!(denied["location"]["start"]["line"], 26);
    assert_eq!(v[0]["name"], "from the office over TLS");

    let o = iam(
        &[
            "simulate",
            "--trace",
            "corpus/simulations/bucket-access.json",
        ],
        None,
    );
    let out = stdout(&o);
    assert!(
        out.contains("request 2 (from the office over plain HTTP)"),
        "{out}"
    );
    assert!(
        out.contains("Bool aws:SecureTransport [\"false\"] vs [\"false\"]: true"),
        "{out}"
    );
}

#[test]
fn simulate_reports_file_errors_with_locations() {
    let bad = r#"{"policies": {"identity": [{"Statement": {"Effect": "Alow", "Action": "*", "Resource": "*"}}]},
 "requests": [{"principal": "bob", "action": "s3:GetObject"}]}"#;
    let o = iam(&["simulate", "-"], Some(bad));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("error[INVALID_EFFECT]"), "{err}");
    assert!(
        err.contains("/policies/identity/0/Statement/Effect"),
        "{err}"
    );
    assert!(err.contains("/requests/0/principal"), "{err}");
}

#[test]
fn eval_one_request_from_flags() {
    let args = [
        "eval",
        "--identity",
        "corpus/examples/policies/s3-ip-and-mfa-conditions.json",
        "--principal",
        "arn:aws:sts::111122223333:assumed-role/Dev/s1",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::example-data/report.csv",
        "--context",
        "aws:SourceIp=203.0.113.9",
        "--context",
        "aws:MultiFactorAuthPresent=true",
        "--format",
        "json",
        "--explain",
    ];
    let o = iam(&args, None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["result"]["decision"], "allow");
    assert_eq!(v[0]["result"]["trace"][0]["conditions"][1]["result"], true);

    let mut no_mfa = args.to_vec();
    no_mfa[12] = "aws:MultiFactorAuthPresent=false";
    let v: serde_json::Value = serde_json::from_str(&stdout(&iam(&no_mfa, None))).unwrap();
    assert_eq!(v[0]["result"]["decision"], "implicitDeny");

    let o = iam(
        &["eval", "--principal", "bob", "--action", "s3:GetObject"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = iam(
        &[
            "eval",
            "--identity",
            "corpus/malformed/bad-effect.json",
            "--action",
            "s3:GetObject",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("INVALID_EFFECT"));
}

#[test]
fn lint_reports_the_guide_examples_as_documented() {
    let o = iam(
        &["lint", "--format", "json", "corpus/examples/policies"],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "the admin policy has an error");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let by_file = |name: &str| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(by_file("admin-allow-all.json"), ["FULL_ADMIN"]);
    assert!(by_file("least-privilege-s3-dynamodb.json").is_empty());
    assert_eq!(
        by_file("s3-ip-and-mfa-conditions.json"),
        ["SERVICE_WILDCARD"]
    );
    assert!(by_file("deny-unencrypted-uploads-bucket-policy.json").is_empty());
    let admin = &v["files"][0]["diagnostics"][0];
    assert_eq!(admin["docs"], "docs/checks.md#full_admin");
    assert_eq!(admin["severity"], "error");
}

#[test]
fn lint_sarif_is_valid_enough_for_code_scanning() {
    let o = iam(
        &[
            "lint",
            "--format",
            "sarif",
            "corpus/examples/policies/admin-allow-all.json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "iam-core");
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "FULL_ADMIN");
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "FULL_ADMIN");
    assert_eq!(r["level"], "error");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 7);
    assert_eq!(region["startColumn"], 17);
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "corpus/examples/policies/admin-allow-all.json"
    );
}

#[test]
fn lint_as_principal_finds_escalation_across_policies() {
    let dir = std::env::temp_dir().join(format!("iam-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::write(&a, r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}}"#).unwrap();
    std::fs::write(&b, r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:111122223333:instance/*"}}"#).unwrap();
    let (a, b) = (
        a.to_string_lossy().to_string(),
        b.to_string_lossy().to_string(),
    );
    let alone = stdout(&iam(&["lint", &a, &b], None));
    assert!(!alone.contains("PRIVILEGE_ESCALATION"), "{alone}");
    let together = stdout(&iam(&["lint", "--as-principal", &a, &b], None));
    assert!(together.contains("PRIVILEGE_ESCALATION"), "{together}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn expand_lists_actions_with_access_levels() {
    let o = iam(&["expand", "iam:*AccessKey*"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("iam:CreateAccessKey"), "{out}");
    assert!(out.contains("Write"));
    assert!(out.contains("5 action(s)"), "{out}");
    let o = iam(&["expand", "--format", "json", "s3:GetObject"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["actions"][0]["accessLevel"], "Read");
    assert_eq!(iam(&["expand", "nonsense"], None).status.code(), Some(2));
}

#[test]
fn policy_text_cannot_start_lines_of_its_own() {
    // A Sid with a newline and a CI workflow command, and a terminal escape.
    let sid = r#"x\n::error file=README.md::all safe\u001b[2J"#;
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{sid}", "Effect": "Allow", "Action": "*", "Resource": "*"}}]}}"#
    );
    let lint = iam(&["lint", "-"], Some(&policy));
    let sim = format!(
        r#"{{"policies": {{"identity": [{policy}]}}, "requests": [{{"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject"}}]}}"#
    );
    let simulate = iam(&["simulate", "--trace", "-"], Some(&sim));
    for o in [&lint, &simulate] {
        let text = format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr));
        assert!(text.contains("::error"), "{text}");
        assert!(!text.lines().any(|l| l.starts_with("::error")), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}

#[test]
fn sarif_only_where_it_exists_and_symlink_loops_read_once() {
    for args in [
        &["expand", "--format", "sarif", "s3:Get*"][..],
        &["eval", "--format", "sarif", "--action", "s3:GetObject"][..],
    ] {
        assert_eq!(iam(args, None).status.code(), Some(2), "{args:?}");
    }
    let dir = std::env::temp_dir().join(format!("iam-cli-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("a.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", dir.join("sub/back")).unwrap();
    let o = iam(
        &["validate", "--format", "json", dir.to_str().unwrap()],
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["summary"]["files"], 1, "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_asks_the_catalog_which_actions_are_wildcard_only() {
    let dir = std::env::temp_dir().join(format!("iam-cli-wildcard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("s3-arns.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}]}"#,
    )
    .unwrap();
    let decide = |action: &str, resource: &str| {
        let o = iam(
            &[
                "eval",
                "--identity",
                policy.to_str().unwrap(),
                "--principal",
                "arn:aws:iam::111122223333:user/alice",
                "--action",
                action,
                "--resource",
                resource,
                "--format",
                "json",
            ],
            None,
        );
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v[0]["result"]["decision"].as_str().unwrap().to_string()
    };
    // ListAllMyBuckets has no resource-level permissions: it is decided on `*`, which
    // `arn:aws:s3:::*` does not match, whatever resource the command line names.
    assert_eq!(
        decide("s3:ListAllMyBuckets", "arn:aws:s3:::b"),
        "implicitDeny"
    );
    assert_eq!(decide("s3:GetObject", "arn:aws:s3:::b/k"), "allow");
    std::fs::remove_dir_all(&dir).unwrap();
}
