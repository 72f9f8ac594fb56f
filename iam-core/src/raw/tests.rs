// Unit tests of the parent module, compiled only for `cargo test` (`#[cfg(test)] mod tests;`).
#[cfg(test)]
use super::*;
use crate::Code;

fn err(text: &str) -> crate::Diagnostic {
    Document::parse(text).unwrap_err().diagnostics()[0].clone()
}

#[test]
fn keeps_order_shapes_and_number_text() {
    let text = r#"{"b": [1, 2.50, -3e2], "a": "x", "c": {"z": true, "y": null}}"#;
    let doc = Document::parse(text).unwrap();
    let keys: Vec<_> = doc
        .root()
        .entries()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["b", "a", "c"]);
    let nums: Vec<_> = doc
        .root()
        .get("b")
        .unwrap()
        .items()
        .map(|v| v.as_number_text().unwrap())
        .collect();
    assert_eq!(nums, ["1", "2.50", "-3e2"]);
    assert_eq!(
        doc.to_json(),
        r#"{"b":[1,2.50,-3e2],"a":"x","c":{"z":true,"y":null}}"#
    );
    let again = Document::parse(&doc.to_json_pretty()).unwrap();
    assert_eq!(again.to_json(), doc.to_json());
}

#[test]
fn decodes_escapes_and_surrogates() {
    let doc = Document::parse(r#"["a\"b\\c\/d\n\u00e9\ud83d\ude00"]"#).unwrap();
    let s = doc.root().items().next().unwrap().as_str().unwrap();
    assert_eq!(s, "a\"b\\c/d\né😀");
    let round = Document::parse(&doc.to_json()).unwrap();
    assert_eq!(round.root().items().next().unwrap().as_str().unwrap(), s);
}

#[test]
fn rejects_duplicate_keys_even_when_escaped_differently() {
    let d = err(r#"{"a": 1, "\u0061": 2}"#);
    assert_eq!(d.code(), Code::DuplicateKey);
    assert_eq!(d.location().span(), Span::new(9, 17));
    // Many keys switch to the hashed check; it must still catch a late duplicate.
    let mut big = String::from("{");
    for i in 0..40 {
        big.push_str(&format!("\"k{i}\": {i}, "));
    }
    big.push_str("\"k3\": 0}");
    let d = err(&big);
    assert_eq!(d.code(), Code::DuplicateKey);
    assert_eq!(d.location().path(), "/k3");
}

#[test]
fn syntax_errors_are_located() {
    let d = err("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}");
    assert_eq!(d.code(), Code::JsonSyntaxError);
    assert_eq!(d.location().line(), 3);
    assert!(d.message().contains("trailing comma"), "{}", d.message());
    assert_eq!(
        d.location().path(),
        "/Statement/0",
        "the object with the trailing comma"
    );

    for (text, needle) in [
        ("", "end of input"),
        ("{", "end of input"),
        ("[1 2]", "expected `,` or `]`"),
        ("{\"a\" 1}", "`:`"),
        ("{\"a\": tru}", "JSON value"),
        ("\"abc", "unterminated"),
        ("\"a\\x\"", "escape"),
        ("\"\\ud800\"", "unicode"),
        ("01", "after the end"),
        ("-", "digit"),
        ("1.", "decimal point"),
        ("1e", "exponent"),
        ("{} {}", "after the end"),
        ("\"a\tb\"", "control character"),
        ("NaN", "JSON value"),
    ] {
        let d = err(text);
        assert!(d.message().contains(needle), "{text:?}: {}", d.message());
    }
}

#[test]
fn limits_are_enforced_with_locations() {
    let deep = "[".repeat(40) + &"]".repeat(40);
    assert_eq!(err(&deep).code(), Code::LimitExceeded);
    let limits = Limits::default().max_bytes(10);
    let e = Document::parse_with_limits("[1,2,3,4,5,6]".into(), &limits).unwrap_err();
    assert_eq!(e.diagnostics()[0].code(), Code::LimitExceeded);
    let limits = Limits::default().max_array_items(2);
    let e = Document::parse_with_limits("{\"a\": [1,2,3]}".into(), &limits).unwrap_err();
    assert_eq!(e.diagnostics()[0].location().path(), "/a");
    let limits = Limits::default().max_string_bytes(3);
    let e = Document::parse_with_limits("[\"abcd\"]".into(), &limits).unwrap_err();
    assert_eq!(e.diagnostics()[0].code(), Code::LimitExceeded);
    let limits = Limits::default().max_object_keys(1);
    let e = Document::parse_with_limits("{\"a\":1,\"b\":2}".into(), &limits).unwrap_err();
    assert_eq!(e.diagnostics()[0].code(), Code::LimitExceeded);
}

/// The path of an error names the element being read when it failed, not the one before it.
#[test]
fn error_paths_name_the_element_being_read() {
    for (text, path) in [
        // The second array item, the first one, an item after a whole object.
        (r#"{"Action": ["s3:GetObject", s3:PutObject]}"#, "/Action/1"),
        (r#"{"Action": [s3:PutObject]}"#, "/Action/0"),
        (
            r#"{"Statement": [{"Effect": "Allow"}, 'oops']}"#,
            "/Statement/1",
        ),
        // A key that cannot be read: the object, since the key has no name yet.
        (
            r#"{"Statement": [{"Action": "x", "Res\qource": "*"}]}"#,
            "/Statement/0",
        ),
        // A value that cannot be read: its key.
        (
            r#"{"Statement": [{"Effect": Allow}]}"#,
            "/Statement/0/Effect",
        ),
        // Trailing commas: the container that has one.
        (r#"{"Action": ["a", "b",]}"#, "/Action"),
        (r#"{"S": {"a": 1,}}"#, "/S"),
        // The input stops where an item or key should be: the container left open.
        ("[", ""),
        (r#"{"Statement": [{"Effect": "Allow"}, "#, "/Statement"),
        ("{", ""),
        // It stops inside a value: that value.
        (r#"{"Action": ["a", "b"#, "/Action/1"),
        (r#"{"Effect": "#, "/Effect"),
    ] {
        assert_eq!(err(text).location().path(), path, "{text}");
    }
    let limits = Limits::default().max_string_bytes(3);
    let e = Document::parse_with_limits(r#"{"a": ["ab", "abcd"]}"#.into(), &limits).unwrap_err();
    assert_eq!(e.diagnostics()[0].location().path(), "/a/1");
}

#[test]
fn byte_order_mark_is_an_encoding_error() {
    assert_eq!(err("\u{feff}{}").code(), Code::InvalidEncoding);
}

#[test]
fn paths_of_nested_values() {
    let doc = Document::parse(r#"{"S": [{"a/b": ["x", {"k": 1}]}]}"#).unwrap();
    let inner = doc
        .root()
        .get("S")
        .unwrap()
        .items()
        .next()
        .unwrap()
        .get("a/b")
        .unwrap()
        .items()
        .nth(1)
        .unwrap()
        .get("k")
        .unwrap();
    assert_eq!(doc.path_of(inner.id()), "/S/0/a~1b/1/k");
    assert_eq!(doc.path_of(doc.root().id()), "");
}
