//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the escapes
//! `${*}`, `${?}`, `${$}`.
//!
//! Variables are recognised only under `"Version": "2012-10-17"`, only in the resource part of
//! `Resource`/`NotResource` entries and in the values of String and ARN conditions. Elsewhere, and
//! when malformed, the text is literal.

/// A reference to a context key, with an optional default for when the key is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VarRef {
    /// The context key, lower-cased (keys are case-insensitive).
    pub key: Box<str>,
    /// The key as written in the policy.
    pub name: Box<str>,
    /// The value to use when the key is absent.
    pub default: Option<Box<str>>,
}

/// What a `${…}` form stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// An escape: `${*}` → `*`, `${?}` → `?`, `${$}` → `$`.
    Literal(char),
    /// A variable.
    Var(VarRef),
}

/// Reads the `${…}` form at the start of `s`. Returns the piece and its length in bytes, or
/// `None` when `s` does not start with a well-formed form (the text is then literal).
pub(crate) fn parse_at(s: &str) -> Option<(Piece, usize)> {
    let body_and_rest = s.strip_prefix("${")?;
    let close = body_and_rest.find('}')?;
    let body = body_and_rest.get(..close)?;
    let len = close + 3;
    let piece = match body {
        "*" => Piece::Literal('*'),
        "?" => Piece::Literal('?'),
        "$" => Piece::Literal('$'),
        _ => {
            let (key, default) = match body.split_once(", '") {
                Some((key, quoted)) => (key, Some(quoted.strip_suffix('\'')?)),
                None => (body, None),
            };
            let key_ok = !key.is_empty()
                && key.contains(':')
                && !key.contains(char::is_whitespace)
                && !key.contains(['$', '{', '\'']);
            if !key_ok {
                return None;
            }
            Piece::Var(VarRef {
                key: key.to_ascii_lowercase().into_boxed_str(),
                name: key.into(),
                default: default.map(Into::into),
            })
        }
    };
    Some((piece, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_at("${*}x"), Some((Piece::Literal('*'), 4)));
        assert_eq!(parse_at("${$}"), Some((Piece::Literal('$'), 4)));
        let (p, n) = parse_at("${aws:UserName}/x").unwrap();
        assert_eq!(n, 15);
        assert_eq!(
            p,
            Piece::Var(VarRef {
                key: "aws:username".into(),
                name: "aws:UserName".into(),
                default: None
            })
        );
        let (p, _) = parse_at("${aws:PrincipalTag/team, 'company wide'}").unwrap();
        assert_eq!(
            p,
            Piece::Var(VarRef {
                key: "aws:principaltag/team".into(),
                name: "aws:PrincipalTag/team".into(),
                default: Some("company wide".into())
            })
        );
        for bad in [
            "${}",
            "${aws:x",
            "$aws:x}",
            "${aws: x}",
            "${noprefix}",
            "${aws:x, default}",
        ] {
            assert_eq!(parse_at(bad), None, "{bad}");
        }
    }
}
