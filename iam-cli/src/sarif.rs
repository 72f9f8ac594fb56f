//! SARIF 2.1.0 output, as GitHub code scanning and other tools read it.

use iam_core::{Code, Diagnostic, Severity};
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// GitHub ranks security findings by a 0–10 `security-severity`.
fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Error => Some("9.0"),
        Severity::SecurityWarning => Some("7.0"),
        _ => None,
    }
}

/// Builds a SARIF log for `(file, diagnostics)` pairs.
pub fn log(files: &[(&str, &[Diagnostic])]) -> Value {
    let mut codes: Vec<(Code, Severity)> = Vec::new();
    for (_, ds) in files {
        for d in ds.iter() {
            if !codes.iter().any(|(c, _)| *c == d.code()) {
                codes.push((d.code(), d.severity()));
            }
        }
    }
    codes.sort();
    let rules: Vec<Value> = codes
        .iter()
        .map(|(code, sev)| {
            let props = match security_severity(*sev) {
                Some(s) => json!({"tags": ["iam", "aws", "security"], "security-severity": s}),
                None => json!({"tags": ["iam", "aws"]}),
            };
            json!({
                "id": code.as_str(),
                "name": code.as_str(),
                "shortDescription": {"text": code.summary()},
                "fullDescription": {"text": code.summary()},
                "help": {"text": format!("{} See {}.", code.summary(), code.docs())},
                "defaultConfiguration": {"level": level(*sev)},
                "properties": props,
            })
        })
        .collect();
    let codes = &codes;
    let results: Vec<Value> = files
        .iter()
        .flat_map(|(file, ds)| {
            ds.iter().map(move |d| {
                let loc = d.location();
                let (start, end) = (loc.start(), loc.end());
                let mut message = d.message().to_string();
                if let Some(h) = d.help() {
                    message = format!("{message}. Help: {h}");
                }
                json!({
                    "ruleId": d.code().as_str(),
                    "ruleIndex": codes.iter().position(|(c, _)| *c == d.code()).unwrap_or(0),
                    "level": level(d.severity()),
                    "message": {"text": message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact_location(file),
                            "region": {
                                "startLine": start.line,
                                "startColumn": start.column_utf16,
                                "endLine": end.line,
                                "endColumn": end.column_utf16.max(1),
                                "byteOffset": start.offset,
                                "byteLength": end.offset.saturating_sub(start.offset),
                            }
                        },
                        "logicalLocations": [{"fullyQualifiedName": if loc.path().is_empty() { "/" } else { loc.path() }, "kind": "element"}]
                    }],
                    "partialFingerprints": {"iamCorePath/v1": format!("{}:{}:{}", file, d.code().as_str(), loc.path())},
                })
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iam-core",
                "version": iam_core::VERSION,
                "semanticVersion": iam_core::VERSION,
                "informationUri": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies.html",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

/// Where a file is, as SARIF wants it: a URI reference with the path percent-encoded (a space,
/// `#` or `%` in a file name would otherwise change its meaning); standard input has no URI.
fn artifact_location(file: &str) -> serde_json::Value {
    if file == "<stdin>" {
        return json!({"description": {"text": "standard input"}});
    }
    let mut uri = String::new();
    for b in file.trim_start_matches("./").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    json!({ "uri": uri })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn file_names_are_percent_encoded_uris() {
        assert_eq!(
            artifact_location("./my policy#1.json")["uri"],
            "my%20policy%231.json"
        );
        assert_eq!(artifact_location("/tmp/é.json")["uri"], "/tmp/%C3%A9.json");
        assert!(artifact_location("<stdin>").get("uri").is_none());
    }
}
