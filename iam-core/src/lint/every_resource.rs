//! Resource entries that reach every resource an action can act on without being `*`:
//! `arn:aws:s3:::*` for `s3:DeleteBucket`, `arn:aws:secretsmanager:*:*:secret:*` for
//! `secretsmanager:GetSecretValue`, `arn:*:*:*:*:*` for any action with resource types. The
//! checks about "every resource" (RESOURCE_STAR, CREDENTIALS_EXPOSURE, DATA_EXFILTRATION, …)
//! treat such entries as `*` for those actions, so a policy cannot step around them by spelling
//! `*` as an ARN of wildcards (parliament issue #106 describes that gap).
//!
//! An entry *covers* a resource type when it matches every ARN of the type's format: the
//! format's `${…}` placeholders stand for any text, which only a `*` of the entry can match
//! (not a literal, not a `?`). If the entry matches the format with each placeholder replaced by
//! one character that no literal equals, each placeholder fell inside some `*`, and the same
//! `*` takes any text in its place: so covering is decided by one match of the entry against
//! the format. A policy variable in an entry is one value, so it is compared as its text.
//!
//! Choices (docs/checks.md, "Every resource"):
//! - `${Partition}` takes the entry's own partition when it names one (`arn:aws:…`): a policy
//!   only ever applies within its partition, so `arn:aws:s3:::*` reaches every bucket.
//! - A `*` written in a format (a recovery point's account) is any text, like a placeholder.
//! - An action needs each of its required resource types covered; when the catalog marks none
//!   required, the types are alternatives and one covered is enough (`arn:aws:s3:::*/*` reaches
//!   every resource of `s3:GetObject`, whose access-point form AWS also checks against the
//!   object; `arn:aws:ec2:*:*:instance/*` every instance `ec2:CreateTags` can tag).
//!   Wildcard-only actions are reached only by an entry that matches `*`.
//! - A type with one resource per account or region (`sts::${Account}:self`, a Glue catalog: no
//!   placeholder and no `*` after the account field) is never covered: an entry for it has
//!   nothing narrower to name.
//! - Letters compare exactly, as AWS compares resource ARNs.

use crate::arn::PARTITIONS;
use crate::catalog::{ActionSet, Catalog, ResourceType};
use rustc_hash::FxHashMap;

/// Entries longer than this are not looked at (no real ARN pattern comes near it).
const MAX_ENTRY: usize = 1024;

/// One unit of an entry or a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    /// A placeholder of a format: any text, matched only by a `*` of the entry.
    Opaque,
    /// `?` of an entry.
    One,
    /// `*` of an entry.
    Any,
}

fn entry_tokens(entry: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(entry.len());
    for b in entry.bytes() {
        match b {
            b'*' if out.last() == Some(&Tok::Any) => {}
            b'*' => out.push(Tok::Any),
            b'?' => out.push(Tok::One),
            _ => out.push(Tok::Lit(b)),
        }
    }
    out
}

/// The format's tokens, `${Partition}` spelled as `partition` when given. A `*` written in a
/// format (`arn:${Partition}:backup:${Region}:*:${ResourceType}`) stands for any text, as a
/// placeholder does.
fn format_tokens(format: &str, partition: Option<&str>) -> Vec<Tok> {
    let text = |out: &mut Vec<Tok>, s: &str| {
        out.extend(
            s.bytes()
                .map(|b| if b == b'*' { Tok::Opaque } else { Tok::Lit(b) }),
        )
    };
    let mut out = Vec::with_capacity(format.len());
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        let (head, tail) = rest.split_at(start);
        text(&mut out, head);
        let Some(close) = tail.find('}') else {
            // An unclosed `${` is text.
            rest = tail;
            break;
        };
        let name = tail.get(2..close).unwrap_or("");
        match partition {
            Some(p) if name == "Partition" => out.extend(p.bytes().map(Tok::Lit)),
            _ => out.push(Tok::Opaque),
        }
        rest = tail.get(close + 1..).unwrap_or("");
    }
    text(&mut out, rest);
    out
}

/// Whether `entry` matches the whole of `text`, an opaque unit only inside a `*`.
///
/// The usual wildcard matching that, on a mismatch, lets the last `*` take one more unit and
/// tries again: going back to the last `*` only is enough, because a later segment placed
/// further right can always be placed where an earlier try put it. No allocation; linear for
/// the short entries of policies.
fn matches(entry: &[Tok], text: &[Tok]) -> bool {
    let (mut i, mut j) = (0, 0);
    // After the last `*` seen: where the entry goes on, and the text unit it took up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&t) = text.get(j) {
        match entry.get(i) {
            Some(Tok::Any) => {
                star = Some((i + 1, j));
                i += 1;
            }
            Some(&Tok::One) if matches!(t, Tok::Lit(_)) => {
                i += 1;
                j += 1;
            }
            Some(&Tok::Lit(a)) if t == Tok::Lit(a) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    entry
        .get(i..)
        .is_some_and(|rest| rest.iter().all(|&e| e == Tok::Any))
}

/// The entry's partition field, when it names a partition AWS operates.
fn partition(entry: &str) -> Option<&str> {
    let p = entry.strip_prefix("arn:")?.split(':').next()?;
    PARTITIONS.contains(&p).then_some(p)
}

/// The service field of an ARN entry or format, when it is plain text.
fn plain_service(arn: &str) -> Option<&str> {
    let service = arn.strip_prefix("arn:")?.split(':').nth(1)?;
    (!service.contains(['*', '?', '$'])).then_some(service)
}

/// One resource entry that may cover something (it has a `*`).
struct Entry<'e> {
    /// Its position among the statement's entries.
    index: usize,
    text: &'e str,
    tokens: Vec<Tok>,
    service: Option<&'e str>,
}

/// Resource entries, read once for many actions.
pub(crate) struct Entries<'e> {
    /// Only entries with a `*`: without one, an entry matches no placeholder.
    entries: Vec<Entry<'e>>,
    /// Per resource type (by address in the catalog): which of the first 64 entries cover it,
    /// one bit each (bit `i` is `entries[i]`).
    seen: FxHashMap<*const ResourceType, u64>,
    /// The first entry (in `entries`) that matches `*` itself.
    star: Option<usize>,
}

impl<'e> Entries<'e> {
    pub(crate) fn new(entries: impl IntoIterator<Item = &'e str>) -> Entries<'e> {
        let entries: Vec<Entry<'e>> = entries
            .into_iter()
            .enumerate()
            // Longer entries are left out (they cover nothing here): a bound on the work per
            // match, which is the product of the two lengths at worst.
            .filter(|(_, text)| text.contains('*') && text.len() <= MAX_ENTRY)
            .map(|(index, text)| Entry {
                index,
                text,
                tokens: entry_tokens(text),
                service: plain_service(text),
            })
            .collect();
        let star_text = [Tok::Lit(b'*')];
        let star = entries.iter().position(|e| matches(&e.tokens, &star_text));
        Entries {
            entries,
            seen: FxHashMap::default(),
            star,
        }
    }

    /// The first entry that matches every ARN (of its partition, if it names one): `arn:*:*:*:*:*`,
    /// `arn:aws:*:*:*:*`, `*:*`.
    pub(crate) fn every_arn(&self) -> Option<usize> {
        let any = "arn:${Partition}:${Service}:${Region}:${Account}:${Resource}";
        self.entries
            .iter()
            .find(|e| matches(&e.tokens, &format_tokens(any, partition(e.text))))
            .map(|e| e.index)
    }

    /// The entries that cover `rt`, one bit each.
    fn covering(&mut self, rt: &ResourceType) -> u64 {
        let key = rt as *const ResourceType;
        if let Some(v) = self.seen.get(&key) {
            return *v;
        }
        let format = rt.arn_format();
        // A type with one resource per account or region (`arn:…:sts::${Account}:self`,
        // `arn:…:glue:${Region}:${Account}:catalog`) has nothing narrower to name.
        let singleton = format
            .splitn(6, ':')
            .nth(5)
            .is_some_and(|rest| !rest.contains("${") && !rest.contains('*'));
        let service = plain_service(format);
        let mut v = 0u64;
        if !singleton {
            // The format's tokens for the partition of the entry before (most entries share one).
            let mut tokens: Option<(Option<&str>, Vec<Tok>)> = None;
            for (i, e) in self.entries.iter().enumerate().take(64) {
                // An entry naming another service cannot cover the type: skip the match.
                if e.service.is_some() && e.service != service {
                    continue;
                }
                let p = partition(e.text);
                let text = match &mut tokens {
                    Some((q, t)) if *q == p => t,
                    slot => &slot.insert((p, format_tokens(format, p))).1,
                };
                if matches(&e.tokens, text) {
                    v |= 1 << i;
                }
            }
        }
        self.seen.insert(key, v);
        v
    }

    /// The actions of `actions` that the entries reach on every resource (of a type, see the
    /// module docs), and the first entry (by position) that alone reaches every resource of one
    /// of them: `None` when only entries together do (`…:instance/*` and `…:volume/*` for
    /// `ec2:AttachVolume`, which needs both).
    pub(crate) fn every_resource(
        &mut self,
        c: &Catalog,
        actions: &ActionSet,
    ) -> (ActionSet, Option<usize>) {
        let mut out = ActionSet::new(c.len());
        let mut alone = 0u64;
        if self.entries.is_empty() {
            return (out, None);
        }
        for id in actions.iter() {
            let Some(a) = c.action_by_id(id) else {
                continue;
            };
            if a.is_wildcard_only() {
                if let Some(star) = self.star {
                    out.insert(id);
                    if star < 64 {
                        alone |= 1 << star;
                    }
                }
                continue;
            }
            // Every required type must be covered; with none required, the types are
            // alternatives (`s3:GetObject` acts on an object, or on one through an access
            // point, which AWS also checks against the object), and one covered is enough.
            let required = a.resource_types().any(|(_, req)| req);
            let (mut all, mut any, mut each) = (u64::MAX, 0u64, true);
            for (rt, req) in a.resource_types() {
                if required && !req {
                    continue;
                }
                let v = self.covering(rt);
                all &= v;
                any |= v;
                each &= v != 0;
            }
            let covered = if required { each } else { any != 0 };
            if covered {
                out.insert(id);
                alone |= if required { all } else { any };
            }
        }
        let first = (alone != 0)
            .then(|| self.entries.get(alone.trailing_zeros() as usize))
            .flatten()
            .map(|e| e.index);
        (out, first)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn covers(entry: &str, format: &str) -> bool {
        matches(
            &entry_tokens(entry),
            &format_tokens(format, partition(entry)),
        )
    }

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const SECRET: &str = "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}";

    /// Matching by dynamic programming over every pair of positions: slow and plainly right.
    fn reference(entry: &[Tok], text: &[Tok]) -> bool {
        let (n, m) = (entry.len(), text.len());
        let mut ok = vec![vec![false; m + 1]; n + 1];
        ok[n][m] = true;
        for i in (0..n).rev() {
            for j in (0..=m).rev() {
                ok[i][j] = match (entry[i], text.get(j)) {
                    (Tok::Any, Some(_)) => ok[i + 1][j] || ok[i][j + 1],
                    (Tok::Any, None) => ok[i + 1][j],
                    (Tok::One, Some(Tok::Lit(_))) => ok[i + 1][j + 1],
                    (Tok::Lit(a), Some(&Tok::Lit(b))) => a == b && ok[i + 1][j + 1],
                    _ => false,
                };
            }
        }
        ok[0][0]
    }

    proptest::proptest! {
        /// The matcher agrees with the reference on entries and formats from a small alphabet,
        /// where stars, question marks and placeholders meet often.
        #[test]
        fn matching_agrees_with_the_reference(
            entry in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(Tok::Any),
                proptest::strategy::Just(Tok::One),
                proptest::strategy::Just(Tok::Lit(b'a')),
                proptest::strategy::Just(Tok::Lit(b':')),
            ], 0..9),
            text in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(Tok::Opaque),
                proptest::strategy::Just(Tok::Lit(b'a')),
                proptest::strategy::Just(Tok::Lit(b':')),
            ], 0..9),
        ) {
            proptest::prop_assert_eq!(matches(&entry, &text), reference(&entry, &text));
        }
    }

    #[test]
    fn entries_of_wildcards_cover_every_resource_of_a_type() {
        for entry in [
            "*",
            "arn:*",
            "*:*",
            "arn:aws:*",
            "arn:*:*:*:*:*",
            "arn:aws:s3:::*",
        ] {
            assert!(covers(entry, BUCKET), "{entry}");
            assert!(covers(entry, OBJECT), "{entry}");
        }
        assert!(covers("arn:aws:s3:::*/*", OBJECT));
        assert!(covers("arn:aws-cn:secretsmanager:*:*:secret:*", SECRET));
        assert!(covers("arn:*:secretsmanager:*:*:*", SECRET));
        // A `*` the format writes is any text too.
        let recovery_point = "arn:${Partition}:backup:${Region}:*:${ResourceType}";
        assert!(covers("arn:aws:backup:*:*:*", recovery_point));
        assert!(!covers("arn:aws:*:*:?:*", recovery_point));
    }

    #[test]
    fn narrower_entries_do_not() {
        for entry in [
            "arn:aws:s3:::*/*",              // objects only
            "arn:aws:s3:::my-*",             // some buckets
            "arn:aws:s3:::?*",               // `?` is one character, a name may be longer or empty
            "arn:aws:s3:::${aws:username}*", // a variable is one value
            "arn:aws:s3:::*/private",        // one key per bucket
            "arn:aws:*:*:*:*:*",             // six colons: a bucket ARN has five
            "arn:nope:s3:::*",               // not a partition: no ARN has it
        ] {
            assert!(!covers(entry, BUCKET), "{entry}");
        }
        for entry in [
            "arn:aws:secretsmanager:us-east-1:*:secret:*", // one region
            "arn:aws:secretsmanager:*:111122223333:secret:*", // one account
            "arn:aws:secretsmanager:*:*:secret:prod-*",    // some secrets
        ] {
            assert!(!covers(entry, SECRET), "{entry}");
        }
    }

    #[test]
    fn only_a_star_reaches_wildcard_only_actions() {
        let c = crate::catalog::catalog();
        let list = c.action("s3:ListAllMyBuckets").unwrap();
        assert!(list.is_wildcard_only());
        let mut set = ActionSet::new(c.len());
        set.insert(list.id());
        let (every, _) = Entries::new(["arn:*"]).every_resource(c, &set);
        assert!(every.is_empty());
        let (every, first) = Entries::new(["arn:aws:s3:::x", "*"]).every_resource(c, &set);
        assert!(every.contains(list.id()));
        assert_eq!(first, Some(1));
    }

    #[test]
    fn entries_that_match_every_arn() {
        for every in [
            "arn:*:*:*:*:*",
            "arn:aws:*:*:*:*",
            "*:*",
            "arn:*",
            "arn:aws-cn:*",
        ] {
            assert_eq!(
                Entries::new(["arn:aws:s3:::x", every]).every_arn(),
                Some(1),
                "{every}"
            );
        }
        for not in [
            "arn:aws:s3:*:*:*",
            "arn:*:*:*:*:*:*",
            "arn:nope:*:*:*:*",
            "arn:*:*:*:1:*",
        ] {
            assert_eq!(Entries::new([not]).every_arn(), None, "{not}");
        }
    }

    #[test]
    fn long_entries_are_left_out_quickly() {
        let c = crate::catalog::catalog();
        let set = c.current_actions().clone();
        // `arn:aws:s3:::` and stars covers every bucket, up to the bound; past it the entry is
        // left out.
        let stars = |n: usize| format!("arn:aws:s3:::{}", "*".repeat(n));
        let (every, _) = Entries::new([stars(1000).as_str()]).every_resource(c, &set);
        assert!(!every.is_empty());
        let (every, _) = Entries::new([stars(2000).as_str()]).every_resource(c, &set);
        assert!(every.is_empty());
        // Just under the bound, an adversarial entry that names no service (so every type is
        // matched against it) still takes little time.
        let t = std::time::Instant::now();
        let near = format!("arn:aws:*:{}", "*a".repeat(500));
        let (every, _) = Entries::new([near.as_str()]).every_resource(c, &set);
        assert!(every.is_empty());
        assert!(t.elapsed().as_secs() < 60);
    }

    #[test]
    fn one_resource_per_account_is_not_every_resource() {
        let c = crate::catalog::catalog();
        let set_context = c.action("sts:SetContext").unwrap();
        let mut set = ActionSet::new(c.len());
        set.insert(set_context.id());
        let (every, _) = Entries::new(["arn:aws:sts::*:self"]).every_resource(c, &set);
        assert!(every.is_empty());
    }

    #[test]
    fn an_action_needs_its_required_types_covered() {
        let c = crate::catalog::catalog();
        // Both of GetObject's types are optional in the catalog (object, access-point object);
        // DeleteBucket's one type, the bucket, is required.
        let get = c.action("s3:GetObject").unwrap();
        let delete_bucket = c.action("s3:DeleteBucket").unwrap();
        let mut set = ActionSet::new(c.len());
        set.insert(get.id());
        set.insert(delete_bucket.id());
        let (every, first) =
            Entries::new(["arn:aws:s3:::reports", "arn:aws:s3:::*/*"]).every_resource(c, &set);
        assert!(every.contains(get.id()) && !every.contains(delete_bucket.id()));
        assert_eq!(first, Some(1));
    }
}
