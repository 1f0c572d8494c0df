//! Page tokens: the sort values of the last row of a page, bound to the
//! query they came from, and the condition "after that row".

use super::{CmpOp, Cond, Direction, Expr, Operand, Scalar, SortKey, Test};
use crate::error::{Error, Result};
use crate::tables::Value;

/// The position after the last row of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The last row's value of each sort key (`None` for a missing value).
    values: Vec<Option<Scalar>>,
}

const VERSION: u64 = 1;

fn invalid_token() -> Error {
    Error::invalid(
        "page_token",
        "is not a page token of this query; pass the `next` token of the previous page with the same filter and sort",
    )
}

impl Cursor {
    /// The cursor after a row whose sort values are `values`.
    pub fn from_values(values: &[Value]) -> Result<Cursor> {
        let values = values
            .iter()
            .map(|v| match v {
                Value::Null => Ok(None),
                Value::Bool(b) => Ok(Some(Scalar::Bool(*b))),
                Value::Int(n) => Ok(Some(Scalar::Int(*n))),
                Value::Float(f) => Ok(Some(Scalar::Float(*f))),
                Value::Text(s) => Ok(Some(Scalar::Text(s.clone()))),
                Value::Uuid(u) => Ok(Some(Scalar::Uuid(*u))),
                Value::Time(t) => Ok(Some(Scalar::Time(*t))),
                Value::Json(_) => Err(Error::internal("a sort key cannot be a JSON object")),
            })
            .collect::<Result<_>>()?;
        Ok(Cursor { values })
    }

    /// The opaque token of this cursor for the query with `fingerprint`.
    pub fn encode(&self, fingerprint: u64) -> String {
        let values: Vec<serde_json::Value> = self
            .values
            .iter()
            .map(|v| match v {
                None => serde_json::Value::Null,
                Some(Scalar::Bool(b)) => serde_json::json!({ "b": b }),
                Some(Scalar::Int(n)) => serde_json::json!({ "i": n }),
                Some(Scalar::Float(f)) => serde_json::json!({ "f": f }),
                Some(Scalar::Text(s)) => serde_json::json!({ "s": s }),
                Some(Scalar::Uuid(u)) => serde_json::json!({ "u": u }),
                Some(Scalar::Time(t)) => serde_json::json!({ "t": crate::time::to_micros(t) }),
            })
            .collect();
        let body = serde_json::json!({ "v": VERSION, "q": format!("{fingerprint:016x}"), "k": values });
        base64url(body.to_string().as_bytes())
    }

    /// Reads a token, which must belong to the query with `fingerprint`.
    pub fn decode(token: &str, fingerprint: u64) -> Result<Cursor> {
        let bytes = unbase64url(token).ok_or_else(invalid_token)?;
        let body: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid_token())?;
        if body["v"] != VERSION || body["q"] != format!("{fingerprint:016x}") {
            return Err(invalid_token());
        }
        let keys = body["k"].as_array().ok_or_else(invalid_token)?;
        let values = keys
            .iter()
            .map(|k| {
                if k.is_null() {
                    return Ok(None);
                }
                let (tag, v) = k.as_object().and_then(|o| o.iter().next()).ok_or_else(invalid_token)?;
                let scalar = match tag.as_str() {
                    "b" => v.as_bool().map(Scalar::Bool),
                    "i" => v.as_i64().map(Scalar::Int),
                    "f" => v.as_f64().map(Scalar::Float),
                    "s" => v.as_str().map(|s| Scalar::Text(s.to_owned())),
                    "u" => v.as_str().and_then(|s| uuid::Uuid::try_parse(s).ok()).map(Scalar::Uuid),
                    "t" => v
                        .as_i64()
                        .and_then(|m| crate::time::from_micros(m).ok())
                        .map(Scalar::Time),
                    _ => None,
                };
                scalar.map(Some).ok_or_else(invalid_token)
            })
            .collect::<Result<_>>()?;
        Ok(Cursor { values })
    }

    /// The rows that come after this cursor in the order `sort`, where a
    /// missing value sorts before every value.
    pub fn after(&self, sort: &[SortKey]) -> Result<Expr> {
        if self.values.len() != sort.len() {
            return Err(invalid_token());
        }
        // Built from the last key outwards: after = beyond(k1) or (at(k1) and after(k2…)).
        let mut rest = Expr::Or(Vec::new());
        for (key, value) in sort.iter().zip(&self.values).rev() {
            let operand = Operand::Term(key.term.clone());
            let test = |test| {
                Expr::Cond(Cond {
                    operand: operand.clone(),
                    test,
                })
            };
            let is_null = || test(Test::IsNull);
            let not_null = || Expr::Not(Box::new(is_null()));
            let (beyond, at) = match (value, key.direction) {
                (None, Direction::Asc) => (not_null(), is_null()),
                (None, Direction::Desc) => (Expr::Or(Vec::new()), is_null()),
                (Some(v), Direction::Asc) => (
                    test(Test::Cmp(CmpOp::Gt, v.clone())),
                    test(Test::Cmp(CmpOp::Eq, v.clone())),
                ),
                (Some(v), Direction::Desc) => (
                    Expr::Or(vec![test(Test::Cmp(CmpOp::Lt, v.clone())), is_null()]),
                    test(Test::Cmp(CmpOp::Eq, v.clone())),
                ),
            };
            rest = Expr::Or(vec![beyond, Expr::And(vec![at, rest])]);
        }
        Ok(rest)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | (d << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for text in ["", "a", "ab", "abc", "abcd", "{\"k\":[1,2]}"] {
            assert_eq!(unbase64url(&base64url(text.as_bytes())).unwrap(), text.as_bytes());
        }
        assert!(unbase64url("a").is_none());
        assert!(unbase64url("a+b=").is_none());
    }

    #[test]
    fn tokens_round_trip_and_belong_to_their_query() {
        let cursor = Cursor::from_values(&[
            Value::Null,
            Value::Text("x".into()),
            Value::Int(-3),
            Value::Float(0.5),
            Value::Bool(true),
            Value::Time(crate::time::now()),
            Value::Uuid(uuid::Uuid::now_v7()),
        ])
        .unwrap();
        let token = cursor.encode(42);
        assert_eq!(Cursor::decode(&token, 42).unwrap(), cursor);
        assert!(Cursor::decode(&token, 43).is_err());
        assert!(Cursor::decode("garbage!", 42).is_err());
    }
}
