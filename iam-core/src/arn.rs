//! Amazon Resource Names: `arn:partition:service:region:account-id:resource`.
//!
//! The sixth field is "everything after the fifth colon" and may itself contain `:` and `/`.

use std::num::NonZeroU32;

/// The partitions AWS operates. A pattern may also use wildcards in this field.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// An ARN (or ARN pattern) split into its fields, borrowing from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnParts<'a> {
    /// The partition (`aws`, `aws-cn`, …).
    pub partition: &'a str,
    /// The service namespace (`s3`, `iam`, …).
    pub service: &'a str,
    /// The region; empty for global services.
    pub region: &'a str,
    /// The account id; empty for some services (S3 buckets).
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> ArnParts<'a> {
    /// Splits a complete ARN (six fields). Returns `None` if it does not start with `arn:` or has
    /// fewer than six fields.
    pub fn parse(text: &'a str) -> Option<ArnParts<'a>> {
        let rest = text.strip_prefix("arn:")?;
        // One pass over the bytes for the first four colons (evaluation calls this per request).
        let mut cuts = [0usize; 4];
        let mut n = 0;
        for (i, b) in rest.bytes().enumerate() {
            if b == b':' {
                if let Some(slot) = cuts.get_mut(n) {
                    *slot = i;
                }
                n += 1;
                if n == 4 {
                    break;
                }
            }
        }
        if n < 4 {
            return None;
        }
        ArnParts::at(rest, cuts)
    }

    /// The parts of `rest` (an ARN without `arn:`) cut at the four colons `cuts`.
    fn at(rest: &'a str, [a, b, c, d]: [usize; 4]) -> Option<ArnParts<'a>> {
        Some(ArnParts {
            partition: rest.get(..a)?,
            service: rest.get(a + 1..b)?,
            region: rest.get(b + 1..c)?,
            account: rest.get(c + 1..d)?,
            resource: rest.get(d + 1..)?,
        })
    }
}

/// The colons that end an ARN pattern's first five fields (at most five of them), not counting
/// colons inside `${…}` policy variables, whose keys have one (`${aws:PrincipalAccount}`).
pub(crate) fn field_colons(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            if bytes.get(i..i + 2) == Some(b"${") {
                depth += 1;
                i += 2;
                continue;
            }
            i += 1;
            match bytes.get(at) {
                Some(b'}') if depth > 0 => depth -= 1,
                Some(b':') if depth == 0 => return Some(at),
                _ => {}
            }
        }
        None
    })
    .take(5)
}

/// Where [`ArnParts::parse`] cut an ARN (the first four colons after `arn:`), kept by a request so
/// that deciding it again does not search for them again.
///
/// The last cut is never 0 (it follows three colons), and is kept as a `NonZeroU32` so that an
/// `Option<ArnCuts>` is 16 bytes with no separate tag: in WebAssembly a tagged 20-byte option
/// was copied through memory in pieces that defeated store-to-load forwarding on every decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnCuts {
    head: [u32; 3],
    account_end: NonZeroU32,
}

impl ArnCuts {
    /// The cuts of `text`, if it is a complete ARN (and shorter than 4 GiB).
    pub(crate) fn of(text: &str) -> Option<ArnCuts> {
        let p = ArnParts::parse(text)?;
        let a = p.partition.len();
        let b = a + 1 + p.service.len();
        let c = b + 1 + p.region.len();
        let d = c + 1 + p.account.len();
        let n = |x: usize| u32::try_from(x).ok();
        Some(ArnCuts {
            head: [n(a)?, n(b)?, n(c)?],
            account_end: NonZeroU32::new(n(d)?)?,
        })
    }

    /// The parts of `text`, which must be the text these cuts were made from.
    pub(crate) fn parts(self, text: &str) -> Option<ArnParts<'_>> {
        let [a, b, c] = self.head.map(|x| x as usize);
        ArnParts::at(text.get(4..)?, [a, b, c, self.account_end.get() as usize])
    }

    /// The account field of `text` alone (what [`parts`](Self::parts) would answer as
    /// `account`), without cutting the other fields.
    pub(crate) fn account(self, text: &str) -> Option<&str> {
        let c = self.head[2] as usize;
        text.get(4..)?.get(c + 1..self.account_end.get() as usize)
    }
}

/// Why a resource string is not an acceptable ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnProblem {
    NotArn,
    NoService,
    UnknownPartition(String),
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Checks a `Resource`/`NotResource` entry the way IAM does when it stores a policy: `*` (or only
/// stars), or `arn:` followed by a known partition (or a wildcard) and a non-empty service. Short
/// ARNs such as `arn:aws:s3` are accepted, as IAM accepts them; the linter flags them.
pub(crate) fn check_resource(text: &str) -> Result<(), ArnProblem> {
    if !text.is_empty() && text.bytes().all(|b| b == b'*') {
        return Ok(());
    }
    let Some(rest) = text.strip_prefix("arn:") else {
        return Err(ArnProblem::NotArn);
    };
    let mut fields = rest.splitn(3, ':');
    let partition = fields.next().unwrap_or("");
    let service = fields.next().unwrap_or("");
    if service.is_empty() {
        return Err(ArnProblem::NoService);
    }
    if !PARTITIONS.contains(&partition) && !has_wildcard(partition) {
        return Err(ArnProblem::UnknownPartition(partition.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_cuts_give_the_parsed_parts() {
        for text in [
            "arn:aws:s3:::bucket/key",
            "arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-1",
            "arn:aws:iam::111122223333:user/ünï/cödé:x",
            "arn:aws:s3:::",
            "arn::::",
            "arn:aws:s3::",
            "not-an-arn",
            "*",
        ] {
            let kept = ArnCuts::of(text).and_then(|c| c.parts(text));
            assert_eq!(kept, ArnParts::parse(text), "{text}");
        }
    }

    #[test]
    fn splits_six_fields_keeping_colons_in_the_resource() {
        let p = ArnParts::parse("arn:aws:logs:us-east-1:123456789012:log-group:/a/b:*").unwrap();
        assert_eq!(p.partition, "aws");
        assert_eq!(p.service, "logs");
        assert_eq!(p.region, "us-east-1");
        assert_eq!(p.account, "123456789012");
        assert_eq!(p.resource, "log-group:/a/b:*");
        assert_eq!(ArnParts::parse("arn:aws:s3"), None);
        assert_eq!(ArnParts::parse("urn:aws:s3:::b"), None);
    }

    #[test]
    fn resource_checks_follow_iam() {
        assert!(check_resource("*").is_ok());
        assert!(check_resource("**").is_ok());
        assert!(check_resource("arn:aws:s3:::bucket/*").is_ok());
        assert!(check_resource("arn:aws:fdsasf").is_ok());
        assert!(check_resource("arn:*:s3:::b").is_ok());
        assert!(check_resource("arn:aws-us-gov:iam::1:role/x").is_ok());
        assert_eq!(check_resource("bucket"), Err(ArnProblem::NotArn));
        assert_eq!(check_resource(""), Err(ArnProblem::NotArn));
        assert_eq!(check_resource("arn:aws"), Err(ArnProblem::NoService));
        assert_eq!(check_resource("arn:aws::x"), Err(ArnProblem::NoService));
        assert_eq!(
            check_resource("arn:amazon:s3:::b"),
            Err(ArnProblem::UnknownPartition("amazon".into()))
        );
    }
}
