//! Parse benchmark: iam-core against serde_json on the AWS managed-policy corpus.
//!
//! Run with `cargo run --release -p iam-bench --bin parse-bench [-- --rounds N]`.
//!
//! In one process and on the same in-memory files it measures, round after round, alternating:
//! * **iam-core**: `Policy::parse` (JSON with spans, duplicate-key check, grammar) followed by
//!   `Policy::validate(PolicyType::Identity)`;
//! * **serde_json**: `serde_json::from_str` into borrowed typed structs shaped like a policy
//!   (single-or-list fields decoded by hand-written visitors, so the baseline is not slowed by
//!   `#[serde(untagged)]` buffering).
//!
//! It prints the median throughput of each, their ratio, and the heap held (and peak) while the
//! whole parsed corpus is in memory, as a multiple of the corpus size on disk.

// A measuring tool, not library code: it stops loudly on broken inputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iam_bench::alloc::{self, Counting};
use iam_bench::table;
use iam_core::{Policy, PolicyType};
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: Counting = Counting;

mod baseline {
    //! The serde_json baseline: borrowed typed structs for a policy document.
    // The fields are built to be measured, not read.
    #![allow(dead_code)]
    use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;
    use std::borrow::Cow;
    use std::fmt;

    #[derive(Deserialize)]
    pub struct Doc<'a> {
        #[serde(rename = "Version", borrow)]
        pub version: Option<Cow<'a, str>>,
        #[serde(rename = "Id", borrow)]
        pub id: Option<Cow<'a, str>>,
        #[serde(rename = "Statement", borrow)]
        pub statement: Statements<'a>,
    }

    #[derive(Deserialize)]
    pub struct Stmt<'a> {
        #[serde(rename = "Sid", borrow)]
        pub sid: Option<Cow<'a, str>>,
        #[serde(rename = "Effect", borrow)]
        pub effect: Cow<'a, str>,
        #[serde(rename = "Principal", borrow)]
        pub principal: Option<Principal<'a>>,
        #[serde(rename = "NotPrincipal", borrow)]
        pub not_principal: Option<Principal<'a>>,
        #[serde(rename = "Action", borrow)]
        pub action: Option<Strs<'a>>,
        #[serde(rename = "NotAction", borrow)]
        pub not_action: Option<Strs<'a>>,
        #[serde(rename = "Resource", borrow)]
        pub resource: Option<Strs<'a>>,
        #[serde(rename = "NotResource", borrow)]
        pub not_resource: Option<Strs<'a>>,
        #[serde(rename = "Condition", borrow)]
        pub condition: Option<Pairs<'a, Pairs<'a, Values<'a>>>>,
    }

    pub struct Statements<'a>(pub Vec<Stmt<'a>>);
    pub struct Strs<'a>(pub Vec<Cow<'a, str>>);
    pub struct Values<'a>(pub Vec<Cow<'a, str>>);
    pub struct Pairs<'a, V>(pub Vec<(Cow<'a, str>, V)>);
    pub enum Principal<'a> {
        Star,
        Map(Pairs<'a, Strs<'a>>),
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Statements<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Statements<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a statement or a list of statements")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    let s = Stmt::deserialize(de::value::MapAccessDeserializer::new(map))?;
                    Ok(Statements(vec![s]))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                    while let Some(s) = seq.next_element()? {
                        v.push(s);
                    }
                    Ok(Statements(v))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Strs<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Strs<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a string or a list of strings")
                }
                fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                    Ok(Strs(vec![Cow::Borrowed(s)]))
                }
                fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                    Ok(Strs(vec![Cow::Owned(s.to_owned())]))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                    while let Some(s) = seq.next_element::<Cow<'de, str>>()? {
                        v.push(s);
                    }
                    Ok(Strs(v))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Values<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Values<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a scalar or a list of scalars")
                }
                fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Borrowed(s)]))
                }
                fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Owned(s.to_owned())]))
                }
                fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Borrowed(if b {
                        "true"
                    } else {
                        "false"
                    })]))
                }
                fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Owned(n.to_string())]))
                }
                fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Owned(n.to_string())]))
                }
                fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
                    Ok(Values(vec![Cow::Owned(n.to_string())]))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                    while let Some(Values(mut one)) = seq.next_element::<Values<'de>>()? {
                        v.append(&mut one);
                    }
                    Ok(Values(v))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Pairs<'a, T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Pairs<'de, T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut v = Vec::new();
                    while let Some((k, val)) = map.next_entry::<Cow<'de, str>, T>()? {
                        v.push((k, val));
                    }
                    Ok(Pairs(v))
                }
            }
            d.deserialize_map(V(std::marker::PhantomData))
        }
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Principal<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Principal<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("\"*\" or a principal object")
                }
                fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                    Ok(Principal::Star)
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    Ok(Principal::Map(Pairs::deserialize(
                        de::value::MapAccessDeserializer::new(map),
                    )?))
                }
            }
            d.deserialize_any(V)
        }
    }
}

fn corpus_files() -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus/managed/policies");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let files = corpus_files();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} AWS managed policies, {:.2} MB on disk",
        files.len(),
        mb
    );

    // Correctness first: both sides must accept every document.
    for (p, t) in &files {
        Policy::parse(t).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        serde_json::from_str::<baseline::Doc>(t).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }

    let mut ours = Vec::with_capacity(rounds);
    let mut theirs = Vec::with_capacity(rounds);
    let mut sink = 0usize;
    for _ in 0..rounds {
        let t = Instant::now();
        for (_, text) in &files {
            if let Ok(p) = Policy::parse(text) {
                sink += p.validate(PolicyType::Identity).len() + p.statements().len();
            }
        }
        ours.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for (_, text) in &files {
            if let Ok(d) = serde_json::from_str::<baseline::Doc>(text) {
                sink += d.statement.0.len();
            }
        }
        theirs.push(t.elapsed().as_secs_f64());
    }
    let ours_s = median(&mut ours);
    let theirs_s = median(&mut theirs);
    println!();
    println!(
        "{:<58} {:>10} {:>10}",
        "parse (median of rounds)", "ms/corpus", "MB/s"
    );
    println!(
        "{:<58} {:>10.2} {:>10.1}",
        "iam-core Policy::parse + validate(identity)",
        ours_s * 1e3,
        mb / ours_s
    );
    println!(
        "{:<58} {:>10.2} {:>10.1}",
        "serde_json::from_str into borrowed typed structs",
        theirs_s * 1e3,
        mb / theirs_s
    );
    println!(
        "throughput ratio iam-core / serde_json: {:.2}x (target >= 0.70x)",
        theirs_s / ours_s
    );
    table::row(
        &format!("parse + validate {} managed policies", files.len()),
        &format!("{:.1} ms", ours_s * 1e3),
        &format!("serde_json into borrowed structs: {:.1} ms", theirs_s * 1e3),
        &format!("{:.2}x serde_json's throughput", theirs_s / ours_s),
    );

    // Memory: read, parse and keep every policy; drop each text as soon as it is parsed (the
    // policy owns a copy of its source, so positions and re-serialisation keep working).
    drop(files);
    let paths: Vec<PathBuf> = corpus_files().into_iter().map(|(p, _)| p).collect();
    let before = alloc::live();
    alloc::reset_peak();
    let mut held = Vec::with_capacity(paths.len());
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        if let Ok(policy) = Policy::from_string(text.into_boxed_str(), &iam_core::Limits::default())
        {
            held.push(policy);
        }
    }
    let live = alloc::live() - before;
    let peak = alloc::peak() - before;
    println!();
    println!(
        "memory holding all {} parsed policies: {:.2} MB live ({:.2}x disk), peak {:.2} MB ({:.2}x disk; target < 3x)",
        held.len(),
        live as f64 / 1e6,
        live as f64 / bytes as f64,
        peak as f64 / 1e6,
        peak as f64 / bytes as f64
    );
    table::row(
        &format!("heap holding all {} parsed policies", held.len()),
        &format!("{:.1} MB", live as f64 / 1e6),
        &format!("{:.1} MB on disk", bytes as f64 / 1e6),
        &format!("{:.2}x disk", live as f64 / bytes as f64),
    );
    std::hint::black_box((sink, held));
}
