//! The bad values of each kind of field, each with the rule it breaks.

use modelreg_core::validate::{MAX_JSON_BYTES, MAX_JSON_DEPTH};

use super::fixture::LOOK_ALIKE;
use super::row::{Bad, Kind, Rule};

/// The control characters one-line texts refuse.
const LINE_CONTROLS: &[char] = &['\u{1b}', '\n', '\t', '\u{85}'];

/// The control characters descriptions refuse (they may hold newlines and tabs).
const DESCRIPTION_CONTROLS: &[char] = &['\u{7}', '\u{1b}', '\u{85}'];

/// What every text refuses after its control characters: invisible format
/// characters, the line and paragraph separators, and NUL.
const INVISIBLE: &[Rule] = &[
    Rule::Format('\u{202E}'),
    Rule::Format('\u{200B}'),
    Rule::Format('\u{FEFF}'),
    Rule::Separator('\u{2028}'),
    Rule::Separator('\u{2029}'),
    Rule::Nul,
];

pub(super) fn text(s: impl Into<String>) -> Bad {
    Bad::Text(s.into())
}

pub(super) fn raw(s: impl Into<String>) -> Bad {
    Bad::Json(s.into())
}

/// `prefix` with the rule's character inside it.
fn with_char(rule: Rule, prefix: &str) -> Bad {
    let c = match rule {
        Rule::Control(c) | Rule::Format(c) | Rule::Separator(c) => c,
        Rule::Nul => '\0',
        other => unreachable!("{other:?} is not a character rule"),
    };
    text(format!("{prefix}{c}x"))
}

/// `{"a": {"a": … {}}}`, nested `levels` deep (the outer object is level 1).
pub fn nested_object(levels: usize) -> String {
    let mut text = "{}".to_owned();
    for _ in 1..levels {
        text = format!("{{\"a\":{text}}}");
    }
    text
}

/// `{"a": [[…[1]…]]}`: an object holding arrays, `levels` deep in all.
pub fn nested_arrays(levels: usize) -> String {
    let mut text = "1".to_owned();
    for _ in 1..levels {
        text = format!("[{text}]");
    }
    format!("{{\"a\":{text}}}")
}

/// `{"a":"xxx…"}` of exactly `bytes` bytes.
pub fn object_of_bytes(bytes: usize) -> String {
    format!("{{\"a\":\"{}\"}}", "x".repeat(bytes - 8))
}

/// The bad values of a field of `kind`.
pub(super) fn values(kind: Kind) -> Vec<(Rule, Bad)> {
    let mut out = Vec::new();
    // `prefix` with each of `controls` in it, then with each character of [`INVISIBLE`].
    let chars = |out: &mut Vec<(Rule, Bad)>, controls: &[char], prefix: &str| {
        let rules = controls
            .iter()
            .map(|&c| Rule::Control(c))
            .chain(INVISIBLE.iter().copied());
        for rule in rules {
            out.push((rule, with_char(rule, prefix)));
        }
    };
    match kind {
        Kind::Name { max, unique } => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text("n".repeat(max + 1))));
            out.push((Rule::LeadingWhitespace, text(" leading")));
            out.push((Rule::TrailingWhitespace, text("trailing ")));
            chars(&mut out, LINE_CONTROLS, "a");
            if unique {
                out.push((Rule::NotNfc, text(LOOK_ALIKE)));
            }
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Text { max } | Kind::Required { max } => {
            if matches!(kind, Kind::Required { .. }) {
                out.push((Rule::Empty, text("")));
            }
            out.push((Rule::TooLong, text("t".repeat(max + 1))));
            chars(&mut out, LINE_CONTROLS, "a");
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Description { max } => {
            out.push((Rule::TooLong, text("d".repeat(max + 1))));
            chars(&mut out, DESCRIPTION_CONTROLS, "line one\nline two ");
            out.push((Rule::WrongType, raw("[\"line\"]")));
        }
        Kind::Semver => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text(format!("1.0.0-{}", "a".repeat(45)))));
            out.push((Rule::NotSemver, text("1.x")));
            out.push((Rule::LeadingWhitespace, text(" 1.0.1")));
            out.push((Rule::TrailingWhitespace, text("1.0.1 ")));
            chars(&mut out, LINE_CONTROLS, "1.0.1-a");
            out.push((Rule::WrongType, raw("100")));
        }
        Kind::Alias => {
            out.push((Rule::Empty, text("")));
            out.push((Rule::TooLong, text("a".repeat(51))));
            out.push((Rule::UpperCase, text("Shadow")));
            out.push((Rule::Reserved, text("latest")));
            out.push((Rule::SemverLike, text("1.2.0")));
            out.push((Rule::LeadingWhitespace, text(" shadow")));
            for rule in [Rule::Control('\n'), Rule::Format('\u{202E}'), Rule::Nul] {
                out.push((rule, with_char(rule, "shadow")));
            }
        }
        Kind::Checksum => {
            out.push((Rule::WrongLength, text("abc123")));
            out.push((Rule::WrongLength, text("a".repeat(65))));
            out.push((Rule::NotHex, text("g".repeat(64))));
            out.push((Rule::WrongType, raw("42")));
        }
        Kind::Enum => {
            out.push((Rule::UnknownValue, text("bogus")));
            out.push((Rule::WrongType, raw("7")));
        }
        Kind::Bool => out.push((Rule::WrongType, raw("\"yes\""))),
        Kind::Json => {
            out.push((Rule::NotObject, raw("[1,2]")));
            out.push((Rule::NotObject, raw("\"text\"")));
            out.push((Rule::NotObject, raw("42")));
            out.push((Rule::TooDeep, raw(nested_object(MAX_JSON_DEPTH + 1))));
            out.push((Rule::TooDeep, raw(nested_arrays(MAX_JSON_DEPTH + 1))));
            out.push((Rule::TooLarge, raw(object_of_bytes(MAX_JSON_BYTES + 1))));
            out.push((Rule::NulInString, raw(r#"{"a":"x\u0000y"}"#)));
            out.push((Rule::NulInKey, raw(r#"{"a\u0000":1}"#)));
            out.push((Rule::BigInteger, raw(r#"{"a":18446744073709551616}"#)));
            out.push((Rule::BigInteger, raw(r#"{"a":[-9223372036854775809]}"#)));
        }
        Kind::Float { max } => {
            if let Some(max) = max {
                out.push((Rule::Negative, Bad::Float(-1.0)));
                out.push((Rule::BeyondBound, Bad::Float(max * 1.5)));
            }
            out.push((Rule::NaN, Bad::Float(f64::NAN)));
            out.push((Rule::Infinity, Bad::Float(f64::INFINITY)));
            out.push((Rule::NegativeInfinity, Bad::Float(f64::NEG_INFINITY)));
            out.push((Rule::BeyondFloat, raw("1e999")));
            out.push((Rule::WrongType, raw("\"1.5\"")));
        }
        Kind::Int { bits, max } => {
            out.push((Rule::Negative, Bad::Int(-1)));
            if let Some(max) = max {
                out.push((Rule::BeyondBound, Bad::Int(max + 1)));
            }
            let beyond = if bits == 32 {
                "2147483648"
            } else {
                "9223372036854775808"
            };
            out.push((Rule::BeyondType, raw(beyond)));
            out.push((Rule::Fraction, raw("1.5")));
            out.push((Rule::WrongType, raw("\"3\"")));
        }
        Kind::Time => {
            out.push((Rule::NotATime, raw("\"yesterday\"")));
            out.push((Rule::WrongType, raw("12")));
        }
        Kind::Reference => out.push((Rule::WrongType, raw("42"))),
    }
    out
}
