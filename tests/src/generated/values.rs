//! The values a generated record holds: names and texts in multi-byte,
//! astral-plane and right-to-left characters, JSON objects, SemVers,
//! numbers and timestamps, each often at its edge.

use chrono::DateTime;
use modelreg_core::Timestamp;
use modelreg_core::validate::JsonObject;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};
use uuid::Uuid;

/// Characters of names and texts: ASCII, multi-byte, astral-plane and
/// right-to-left letters, each its own NFC form.
pub(super) const TEXT_CHARS: &[char] = &[
    'a', 'k', 'z', 'A', 'Q', '0', '7', '-', '_', '.', ' ', 'é', 'ü', 'ß', 'Ω', 'Ж', '日', '本', 'ع', '🚀', '𝔘', '😀',
    '𐍈', '中',
];
/// Descriptions may also hold newlines and tabs.
const DESCRIPTION_CHARS: &[char] = &[
    'a', 'Z', '9', ' ', 'é', 'Ж', '日', '🚀', '𝔘', '\n', '\t', '\r', '.', '"', '\\',
];
/// JSON strings and keys hold anything but U+0000.
const JSON_CHARS: &[char] = &[
    'a',
    'B',
    '1',
    ' ',
    'é',
    '日',
    '🚀',
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\u{1}',
    '\u{1f}',
    '\u{7f}',
    '\u{2028}',
    '\u{FEFF}',
    '\u{10FFFF}',
];
/// First characters that keep the names of one kind apart.
const DISTINCT: &[char] = &['α', 'β', 'γ', 'δ', 'ε', 'ζ', 'η', 'θ', 'ι', 'κ', 'λ', 'μ'];

pub(super) const EDGE_INTS: &[i64] = &[i64::MIN, i64::MAX, 0, -1, 9_007_199_254_740_993];
pub(super) const EDGE_FLOATS: &[f64] = &[
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    -0.0,
    1e18,
    0.30000000000000004,
    1e-310,
    2.0,
];

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, in microseconds:
/// the first and last instants the registry accepts (what RFC 3339 writes).
pub(super) const FIRST_MICROS: i64 = -62_135_596_800_000_000;
pub(super) const LAST_MICROS: i64 = 253_402_300_799_999_999;

pub(super) fn at(micros: i64) -> Timestamp {
    DateTime::from_timestamp_micros(micros).expect("a timestamp in range")
}

pub(super) fn uuid(bits: u128) -> Uuid {
    uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
}

pub(super) fn string_of(alphabet: &'static [char], len: impl Strategy<Value = usize>) -> impl Strategy<Value = String> {
    len.prop_flat_map(move |n| vec(select(alphabet), n))
        .prop_map(|chars| chars.into_iter().collect())
}

/// A length up to `max`, often exactly `max`.
pub(super) fn length(min: usize, max: usize) -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(max), 1 => Just(min), 2 => min..=max]
}

/// A name of 1..=max characters without surrounding whitespace.
pub(super) fn name(max: usize) -> impl Strategy<Value = String> {
    string_of(TEXT_CHARS, length(1, max)).prop_map(|s| {
        let mut chars: Vec<char> = s.chars().collect();
        let last = chars.len() - 1;
        for i in [0, last] {
            if chars[i] == ' ' {
                chars[i] = 'x';
            }
        }
        chars.into_iter().collect()
    })
}

/// `name` with its first character replaced by the `n`th of [`DISTINCT`].
pub(super) fn distinct(name: &str, n: usize) -> String {
    std::iter::once(DISTINCT[n % DISTINCT.len()])
        .chain(name.chars().skip(1))
        .collect()
}

pub(super) fn text(max: usize) -> impl Strategy<Value = Option<String>> {
    option::of(string_of(TEXT_CHARS, length(0, max)))
}

pub(super) fn description() -> impl Strategy<Value = Option<String>> {
    option::of(string_of(DESCRIPTION_CHARS, prop_oneof![Just(10_000), 0..=300usize]))
}

pub(super) fn timestamp() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(FIRST_MICROS),
        Just(LAST_MICROS),
        Just(-1i64),
        FIRST_MICROS..=LAST_MICROS,
    ]
    .prop_map(at)
}

pub(super) fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![select(EDGE_FLOATS), POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO]
}

/// A float in `0..=max`, often at an edge.
pub(super) fn bounded(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(-0.0), Just(max), Just(5e-324), 0.0..=max]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        select(EDGE_INTS).prop_map(|i| json!(i)),
        any::<i64>().prop_map(|i| json!(i)),
        Just(json!(u64::MAX)),
        any::<u64>().prop_map(|i| json!(i)),
        finite().prop_map(|f| json!(f)),
        string_of(JSON_CHARS, 0..=12usize).prop_map(Value::String),
    ]
}

pub(super) fn json_object() -> impl Strategy<Value = JsonObject> {
    let value = json_leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(string_of(JSON_CHARS, 0..=6usize), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    btree_map(string_of(JSON_CHARS, 0..=8usize), value, 0..5).prop_map(|m| m.into_iter().collect())
}

pub(super) fn semver() -> impl Strategy<Value = String> {
    let number = prop_oneof![Just(0u64), Just(u64::MAX), 0u64..=30];
    let identifier = "(0|[1-9][0-9]{0,2}|[a-z-][0-9a-z-]{0,6})";
    prop_oneof![
        1 => Just(format!("1.2.3-{}", "a".repeat(44))),
        4 => (
            number.clone(),
            number.clone(),
            number,
            option::of(proptest::string::string_regex(&format!("{identifier}(\\.{identifier}){{0,2}}")).unwrap()),
            option::of("[0-9a-zA-Z-]{1,8}"),
        )
            .prop_map(|(major, minor, patch, pre, build)| {
                let mut v = format!("{major}.{minor}.{patch}");
                if let Some(pre) = pre {
                    v.push('-');
                    v.push_str(&pre);
                }
                if let Some(build) = build {
                    v.push('+');
                    v.push_str(&build);
                }
                v
            })
            .prop_filter("at most 50 characters", |v| v.len() <= 50),
    ]
}

pub(super) fn size_bytes() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        Just(Some(0)),
        Just(Some(i64::MAX)),
        ((4i64 << 30) + 1..=i64::MAX).prop_map(Some),
    ]
}

pub(super) fn count() -> impl Strategy<Value = i32> {
    prop_oneof![Just(0), Just(i32::MAX), 0..=i32::MAX]
}

/// An alias name: 1..=50 characters, never reserved, never a SemVer (it starts with a letter).
pub(super) fn alias_name() -> impl Strategy<Value = String> {
    prop_oneof![Just("a".repeat(50)), "[a-z][a-z0-9_-]{0,49}"].prop_filter("not reserved", |n| {
        !modelreg_core::aliases::RESERVED.contains(&n.as_str())
    })
}
