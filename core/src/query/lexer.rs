//! Tokens of the query language, each with the position it starts at.

use std::fmt;

use super::syntax_error;
use crate::error::Result;
use crate::time::Timestamp;

/// Where a token starts: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column in characters, from 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A field name, possibly dotted (`model.name`, `metadata.auc`); quoted
    /// path segments (`metadata."a b"`) arrive unquoted.
    Ident(Vec<String>),
    Str(String),
    Int(i64),
    Float(f64),
    Time(Timestamp),
    True,
    False,
    And,
    Or,
    Not,
    In,
    Contains,
    Is,
    Null,
    Asc,
    Desc,
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(parts) => write!(f, "`{}`", parts.join(".")),
            Token::Str(s) => write!(f, "the string {s:?}"),
            Token::Int(n) => write!(f, "the number {n}"),
            Token::Float(n) => write!(f, "the number {n}"),
            Token::Time(t) => write!(f, "the time {}", t.to_rfc3339()),
            Token::True => f.write_str("`true`"),
            Token::False => f.write_str("`false`"),
            Token::And => f.write_str("`and`"),
            Token::Or => f.write_str("`or`"),
            Token::Not => f.write_str("`not`"),
            Token::In => f.write_str("`in`"),
            Token::Contains => f.write_str("`contains`"),
            Token::Is => f.write_str("`is`"),
            Token::Null => f.write_str("`null`"),
            Token::Asc => f.write_str("`asc`"),
            Token::Desc => f.write_str("`desc`"),
            Token::Op(op) => write!(f, "`{op}`"),
            Token::LParen => f.write_str("`(`"),
            Token::RParen => f.write_str("`)`"),
            Token::Comma => f.write_str("`,`"),
            Token::End => f.write_str("the end of the text"),
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Splits `text` into tokens; `what` names the text in errors ("filter", "sort").
pub fn tokens(what: &'static str, text: &str) -> Result<Vec<(Token, Pos)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut column) = (0, 1u32, 1u32);
    let advance = |i: &mut usize, line: &mut u32, column: &mut u32, n: usize, chars: &[char]| {
        for c in &chars[*i..*i + n] {
            if *c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        }
        *i += n;
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, column };
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut column, 1, &chars);
            continue;
        }
        let (token, len) = match c {
            '(' => (Token::LParen, 1),
            ')' => (Token::RParen, 1),
            ',' => (Token::Comma, 1),
            '=' => (Token::Op("="), 1),
            '!' if chars.get(i + 1) == Some(&'=') => (Token::Op("!="), 2),
            '<' if chars.get(i + 1) == Some(&'=') => (Token::Op("<="), 2),
            '>' if chars.get(i + 1) == Some(&'=') => (Token::Op(">="), 2),
            '<' if chars.get(i + 1) == Some(&'>') => (Token::Op("!="), 2),
            '<' => (Token::Op("<"), 1),
            '>' => (Token::Op(">"), 1),
            '\'' | '"' => {
                let (s, len) = string(what, &chars[i..], pos)?;
                (Token::Str(s), len)
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                literal(what, &chars[i..], pos)?
            }
            c if is_ident_start(c) => {
                let (parts, len) = ident(what, &chars[i..], pos)?;
                let token = match parts.as_slice() {
                    [word] => match word.to_ascii_lowercase().as_str() {
                        "and" => Token::And,
                        "or" => Token::Or,
                        "not" => Token::Not,
                        "in" => Token::In,
                        "contains" => Token::Contains,
                        "is" => Token::Is,
                        "null" => Token::Null,
                        "true" => Token::True,
                        "false" => Token::False,
                        "asc" => Token::Asc,
                        "desc" => Token::Desc,
                        _ => Token::Ident(parts),
                    },
                    _ => Token::Ident(parts),
                };
                (token, len)
            }
            other => {
                return Err(syntax_error(
                    what,
                    pos,
                    format!("unexpected character {other:?}; expected a field, a value, an operator or a parenthesis"),
                ));
            }
        };
        out.push((token, pos));
        advance(&mut i, &mut line, &mut column, len, &chars);
    }
    out.push((Token::End, Pos { line, column }));
    Ok(out)
}

/// A quoted string (either quote; the quote doubled or backslash-escaped stands for itself).
fn string(what: &'static str, chars: &[char], pos: Pos) -> Result<(String, usize)> {
    let quote = chars[0];
    let mut out = String::new();
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            c if c == quote && chars.get(i + 1) == Some(&quote) => {
                out.push(quote);
                i += 2;
            }
            c if c == quote => return Ok((out, i + 1)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(syntax_error(
        what,
        pos,
        format!("the string starting here has no closing {quote}"),
    ))
}

/// A dotted name; a segment may be quoted (`metadata."a.b"`).
fn ident(what: &'static str, chars: &[char], pos: Pos) -> Result<(Vec<String>, usize)> {
    let mut parts = Vec::new();
    let mut i = 0;
    loop {
        match chars.get(i) {
            Some('"') | Some('\'') if !parts.is_empty() => {
                let (s, len) = string(what, &chars[i..], pos)?;
                parts.push(s);
                i += len;
            }
            Some(c) if is_ident_start(*c) || (!parts.is_empty() && c.is_ascii_digit()) => {
                let start = i;
                while chars.get(i).is_some_and(|c| is_ident(*c)) {
                    i += 1;
                }
                parts.push(chars[start..i].iter().collect());
            }
            _ => return Err(syntax_error(what, pos, "a `.` must be followed by a name")),
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
        } else {
            return Ok((parts, i));
        }
    }
}

/// A number, or an RFC 3339 time (`2026-05-01T12:00:00Z`, or a date `2026-05-01`).
fn literal(what: &'static str, chars: &[char], pos: Pos) -> Result<(Token, usize)> {
    let looks_like_date = chars.len() >= 10
        && chars[..4].iter().all(char::is_ascii_digit)
        && chars[4] == '-'
        && chars[5..7].iter().all(char::is_ascii_digit)
        && chars[7] == '-';
    if looks_like_date {
        let len = chars
            .iter()
            .position(|c| c.is_whitespace() || matches!(c, ',' | ')' | '('))
            .unwrap_or(chars.len());
        let text: String = chars[..len].iter().collect();
        return super::parse_time(&text)
            .map(|t| (Token::Time(t), len))
            .map_err(|reason| syntax_error(what, pos, reason));
    }
    let mut len = 1;
    while chars.get(len).is_some_and(|c| {
        c.is_ascii_digit()
            || matches!(c, '.' | 'e' | 'E' | '_')
            || (matches!(c, '+' | '-') && matches!(chars[len - 1], 'e' | 'E'))
    }) {
        len += 1;
    }
    let text: String = chars[..len].iter().filter(|c| **c != '_').collect();
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(n) = text.parse::<i64>() {
            return Ok((Token::Int(n), len));
        }
        // Up to u64::MAX, as JSON holds them: compared as floats, as JSON numbers are.
        if let Ok(n) = text.parse::<u64>() {
            return Ok((Token::Float(n as f64), len));
        }
        return Err(syntax_error(
            what,
            pos,
            format!("the integer {text} is outside the 64-bit range"),
        ));
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((Token::Float(n), len)),
        _ => Err(syntax_error(what, pos, format!("{text} is not a finite number"))),
    }
}
