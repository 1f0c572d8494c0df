//! The parser: tokens to the lowered, type-checked form, with errors that
//! point at the position and say what was expected.

use super::fields::{Entity, Field, FieldType, Relation, Source};
use super::lexer::{Pos, Token, tokens};
use super::{CmpOp, Cond, Direction, Expr, JsonPart, Operand, Scalar, SortKey, Term, Test, syntax_error};
use crate::error::Result;

struct Parser {
    what: &'static str,
    entity: Entity,
    tokens: Vec<(Token, Pos)>,
    at: usize,
}

pub(super) fn filter(entity: Entity, text: &str) -> Result<Expr> {
    let mut p = Parser {
        what: "filter",
        entity,
        tokens: tokens("filter", text)?,
        at: 0,
    };
    let expr = p.or()?;
    p.expect_end("`and`, `or` or the end of the filter")?;
    Ok(expr)
}

pub(super) fn sort(entity: Entity, text: &str) -> Result<Vec<SortKey>> {
    let mut p = Parser {
        what: "sort",
        entity,
        tokens: tokens("sort", text)?,
        at: 0,
    };
    let mut keys = Vec::new();
    loop {
        let FieldAt(field, path) = p.field_with_path()?;
        let direction = match p.peek() {
            Token::Asc => {
                p.at += 1;
                Direction::Asc
            }
            Token::Desc => {
                p.at += 1;
                Direction::Desc
            }
            _ => Direction::Asc,
        };
        let sort_key = |term| SortKey { term, direction };
        match field.source {
            Source::Column(relation, column) => keys.push(sort_key(Term::column(relation, column_of(&field, column)))),
            Source::Json(column) => keys.extend([JsonPart::Rank, JsonPart::Number, JsonPart::Text].map(|part| {
                sort_key(Term::JsonPart {
                    column,
                    path: path.clone(),
                    part,
                })
            })),
            Source::Any(multi) => keys.push(sort_key(Term::Extreme {
                multi,
                greatest: direction == Direction::Desc,
            })),
        }
        match p.peek() {
            Token::Comma => p.at += 1,
            _ => {
                p.expect_end("`asc`, `desc`, `,` or the end of the sort")?;
                break;
            }
        }
    }
    // Ties are broken by the id, in the last key's direction, which is the
    // order the indexes keep (`created_at DESC, id DESC`).
    let id = Term::column(Relation::Own, "id");
    if !keys.iter().any(|k| k.term == id) {
        let direction = keys.last().map_or(Direction::Asc, |k| k.direction);
        keys.push(SortKey { term: id, direction });
    }
    Ok(keys)
}

/// The column a field of a row reads: a SemVer compares and sorts by its precedence key.
fn column_of(field: &Field, column: &'static str) -> &'static str {
    if field.ty == FieldType::Semver {
        "precedence"
    } else {
        column
    }
}

/// The edit distance of two short names (for "did you mean").
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = here;
        }
    }
    row[b.len()]
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at].0
    }

    fn pos(&self) -> Pos {
        self.tokens[self.at].1
    }

    fn next(&mut self) -> (Token, Pos) {
        let token = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    fn error<T>(&self, pos: Pos, reason: impl std::fmt::Display) -> Result<T> {
        Err(syntax_error(self.what, pos, reason))
    }

    fn expect_end(&self, expected: &str) -> Result<()> {
        match self.peek() {
            Token::End => Ok(()),
            other => self.error(self.pos(), format!("expected {expected}, found {other}")),
        }
    }

    fn or(&mut self) -> Result<Expr> {
        let mut parts = vec![self.and()?];
        while *self.peek() == Token::Or {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr> {
        let mut parts = vec![self.unary()?];
        while *self.peek() == Token::And {
            self.at += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr> {
        match self.peek() {
            Token::Not => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Token::LParen => {
                self.at += 1;
                let inner = self.or()?;
                match self.next() {
                    (Token::RParen, _) => Ok(inner),
                    (other, pos) => self.error(pos, format!("expected `)`, `and` or `or`, found {other}")),
                }
            }
            _ => self.condition(),
        }
    }

    /// A field name, resolved against the entity's fields (JSON fields take a path).
    fn field_with_path(&mut self) -> Result<FieldAt> {
        let (token, pos) = self.next();
        let Token::Ident(parts) = token else {
            return self.error(
                pos,
                format!("expected a field of {}, found {token}", self.entity.as_str()),
            );
        };
        let fields = self.entity.fields();
        let name = parts.join(".");
        if let Some(field) = fields.iter().find(|f| f.name == name && f.ty != FieldType::Json) {
            return Ok(FieldAt(*field, Vec::new()));
        }
        if let Some(field) = fields.iter().find(|f| f.ty == FieldType::Json && f.name == parts[0]) {
            if parts.len() == 1 {
                return self.error(
                    pos,
                    format!("`{name}` is a JSON object: give a path into it, such as `{name}.accuracy`"),
                );
            }
            let path = parts[1..].to_vec();
            if let Some(bad) = path.iter().find(|p| p.is_empty() || p.contains('"')) {
                return self.error(
                    pos,
                    format!("the JSON path segment {bad:?} is empty or holds a double quote"),
                );
            }
            return Ok(FieldAt(*field, path));
        }
        let best = fields
            .iter()
            .map(|f| (distance(&name, f.name), f.name))
            .min()
            .filter(|(d, candidate)| *d <= 2.max(candidate.len() / 3));
        let hint = match best {
            Some((_, candidate)) => format!("; did you mean `{candidate}`?"),
            None => format!(
                "; the fields are {}",
                fields
                    .iter()
                    .map(|f| if f.ty == FieldType::Json {
                        format!("{}.PATH", f.name)
                    } else {
                        f.name.to_owned()
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.error(
            pos,
            format!("unknown field `{name}` for {}{hint}", self.entity.as_str()),
        )
    }

    fn condition(&mut self) -> Result<Expr> {
        let FieldAt(field, path) = self.field_with_path()?;
        let operand = match field.source {
            Source::Column(relation, column) => Operand::Term(Term::column(relation, column_of(&field, column))),
            Source::Json(column) => Operand::Json { column, path },
            Source::Any(multi) => Operand::Any(multi),
        };
        let cond = |test| {
            Expr::Cond(Cond {
                operand: operand.clone(),
                test,
            })
        };
        let (token, pos) = self.next();
        match token {
            Token::Op(op) => {
                let value = self.literal(&field)?;
                let ordering = !matches!(op, "=" | "!=");
                if ordering && matches!(field.ty, FieldType::Bool | FieldType::Uuid) {
                    return self.error(pos, format!("`{}` can only be compared with = and !=", field.name));
                }
                if ordering && matches!(value, Scalar::Bool(_)) {
                    return self.error(pos, "true and false can only be compared with = and !=");
                }
                let cmp = match op {
                    "=" | "!=" => CmpOp::Eq,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                let expr = cond(Test::Cmp(cmp, value));
                Ok(if op == "!=" { Expr::Not(Box::new(expr)) } else { expr })
            }
            Token::In => self.list(&field, cond),
            Token::Not => match self.next() {
                (Token::In, _) => Ok(Expr::Not(Box::new(self.list(&field, cond)?))),
                (other, pos) => self.error(pos, format!("expected `in` after `not`, found {other}")),
            },
            Token::Contains => {
                if !matches!(field.ty, FieldType::Text | FieldType::Enum(_) | FieldType::Json) {
                    return self.error(pos, format!("`contains` applies to text, not to `{}`", field.name));
                }
                match self.next() {
                    (Token::Str(s), _) => Ok(cond(Test::Contains(s.to_ascii_lowercase()))),
                    (other, pos) => self.error(pos, format!("expected a quoted string after `contains`, found {other}")),
                }
            }
            Token::Is => {
                let negated = if *self.peek() == Token::Not {
                    self.at += 1;
                    true
                } else {
                    false
                };
                match self.next() {
                    (Token::Null, _) => {
                        let expr = cond(Test::IsNull);
                        Ok(if negated { Expr::Not(Box::new(expr)) } else { expr })
                    }
                    (other, pos) => self.error(pos, format!("expected `null` after `is`, found {other}")),
                }
            }
            other => self.error(
                pos,
                format!(
                    "expected an operator after `{}` (=, !=, <, <=, >, >=, in, not in, contains, is null), found {other}",
                    field.name
                ),
            ),
        }
    }

    /// `( literal, … )` as an `or` of equalities.
    fn list(&mut self, field: &Field, cond: impl Fn(Test) -> Expr) -> Result<Expr> {
        match self.next() {
            (Token::LParen, _) => {}
            (other, pos) => return self.error(pos, format!("expected `(` after `in`, found {other}")),
        }
        let mut options = Vec::new();
        loop {
            options.push(cond(Test::Cmp(CmpOp::Eq, self.literal(field)?)));
            match self.next() {
                (Token::Comma, _) => continue,
                (Token::RParen, _) => return Ok(Expr::Or(options)),
                (other, pos) => return self.error(pos, format!("expected `,` or `)` in the list, found {other}")),
            }
        }
    }

    /// A literal, checked against (and converted for) the field's type.
    fn literal(&mut self, field: &Field) -> Result<Scalar> {
        let (token, pos) = self.next();
        let name = field.name;
        let mismatch = |expected: &str| {
            Err(syntax_error(
                self.what,
                pos,
                format!("`{name}` takes {expected}, not {token}"),
            ))
        };
        match (field.ty, &token) {
            (FieldType::Text, Token::Str(s)) => Ok(Scalar::Text(s.clone())),
            (FieldType::Text, _) => mismatch("a quoted string"),
            (FieldType::Enum(values), Token::Str(s)) => {
                if values.contains(&s.as_str()) {
                    Ok(Scalar::Text(s.clone()))
                } else {
                    self.error(
                        pos,
                        format!(
                            "unknown value {s:?} for `{name}`; expected one of {}",
                            values.join(", ")
                        ),
                    )
                }
            }
            (FieldType::Enum(values), _) => mismatch(&format!("one of {} (quoted)", values.join(", "))),
            (FieldType::Int, Token::Int(n)) => Ok(Scalar::Int(*n)),
            (FieldType::Int | FieldType::Float, Token::Float(n)) => Ok(Scalar::Float(*n)),
            (FieldType::Float, Token::Int(n)) => Ok(Scalar::Float(*n as f64)),
            (FieldType::Int | FieldType::Float, _) => mismatch("a number"),
            (FieldType::Bool, Token::True) => Ok(Scalar::Bool(true)),
            (FieldType::Bool, Token::False) => Ok(Scalar::Bool(false)),
            (FieldType::Bool, _) => mismatch("true or false"),
            (FieldType::Time, Token::Time(t)) => Ok(Scalar::Time(*t)),
            (FieldType::Time, Token::Str(s)) => super::parse_time(s).map(Scalar::Time).or_else(|e| self.error(pos, e)),
            (FieldType::Time, _) => mismatch("a time such as 2026-05-01T12:00:00Z"),
            (FieldType::Uuid, Token::Str(s)) => match uuid::Uuid::try_parse(s) {
                Ok(id) => Ok(Scalar::Uuid(id)),
                Err(_) => self.error(pos, format!("{s:?} is not a UUID")),
            },
            (FieldType::Uuid, _) => mismatch("a quoted UUID"),
            (FieldType::Semver, Token::Str(s)) => match crate::versions::precedence_key(s) {
                Ok(key) => Ok(Scalar::Text(key)),
                Err(_) => self.error(pos, format!("{s:?} is not a SemVer such as 1.2.0")),
            },
            (FieldType::Semver, _) => mismatch("a quoted SemVer such as '1.2.0'"),
            (FieldType::Json, Token::Str(s)) => Ok(Scalar::Text(s.clone())),
            (FieldType::Json, Token::Int(n)) => Ok(Scalar::Float(*n as f64)),
            (FieldType::Json, Token::Float(n)) => Ok(Scalar::Float(*n)),
            (FieldType::Json, Token::True) => Ok(Scalar::Bool(true)),
            (FieldType::Json, Token::False) => Ok(Scalar::Bool(false)),
            (FieldType::Json, _) => mismatch("a string, a number, true or false"),
        }
    }
}

/// A field with its JSON path (empty for other fields).
struct FieldAt(Field, Vec<String>);
