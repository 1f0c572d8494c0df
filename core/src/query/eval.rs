//! The reference evaluator: a compiled query run over records in memory,
//! with the semantics the module documents. Every backend's SQL must agree
//! with it, row for row and in the same order (a property test checks).

use std::cmp::Ordering;
use std::collections::HashMap;

use uuid::Uuid;

use super::{
    CmpOp, Compiled, Cond, Direction, Entity, Expr, JsonPart, JsonRank, Multi, Operand, Relation, Scalar, Term, Test,
};
use crate::store::{Record, RecordKind};
use crate::tables::{Table, Value};

/// The records of a registry, held in memory and indexed for queries.
#[derive(Debug, Default)]
pub struct Dataset {
    by_id: HashMap<(RecordKind, Uuid), Record>,
    listed: HashMap<RecordKind, Vec<Uuid>>,
    tags_of_model: HashMap<Uuid, Vec<String>>,
    aliases_of_version: HashMap<Uuid, Vec<String>>,
}

/// One listed row and the rows related to it.
struct Row<'a> {
    own: &'a Record,
    data: &'a Dataset,
}

fn column(record: &Record, name: &str) -> Option<Value> {
    let table = Table::of(record.record_kind());
    let index = table.columns.iter().position(|c| c.name == name)?;
    match record.values().ok()?.swap_remove(index) {
        Value::Null => None,
        value => Some(value),
    }
}

fn uuid_of(record: &Record, name: &str) -> Option<Uuid> {
    match column(record, name)? {
        Value::Uuid(id) => Some(id),
        _ => None,
    }
}

impl Dataset {
    /// Indexes `records` (any kinds, any order).
    pub fn new(records: impl IntoIterator<Item = Record>) -> Dataset {
        let mut data = Dataset::default();
        let mut links = Vec::new();
        for record in records {
            match &record {
                Record::ModelTag(link) => links.push((link.model_id, link.tag_id)),
                _ => {
                    if let Record::ModelAlias(alias) = &record {
                        let names = data.aliases_of_version.entry(alias.version_id).or_default();
                        names.push(alias.name.clone());
                    }
                    data.listed.entry(record.record_kind()).or_default().push(record.id());
                    data.by_id.insert((record.record_kind(), record.id()), record);
                }
            }
        }
        for (model, tag) in links {
            if let Some(Record::Tag(tag)) = data.by_id.get(&(RecordKind::Tag, tag)) {
                data.tags_of_model.entry(model).or_default().push(tag.name.clone());
            }
        }
        data
    }

    fn get(&self, kind: RecordKind, id: Option<Uuid>) -> Option<&Record> {
        self.by_id.get(&(kind, id?))
    }

    /// Runs `query`: the rows it keeps, in its order, with their sort values.
    pub fn run(&self, query: &Compiled) -> Vec<(Record, Vec<Value>)> {
        let kind = match query.entity {
            Entity::Models => RecordKind::Model,
            Entity::Versions => RecordKind::ModelVersion,
            Entity::Runs => RecordKind::TrainingRun,
            Entity::Deployments => RecordKind::Deployment,
            Entity::AuditEvents => RecordKind::AuditEvent,
        };
        let mut rows: Vec<(Record, Vec<Value>)> = self
            .listed
            .get(&kind)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(&(kind, *id)))
            .map(|own| Row { own, data: self })
            .filter(|row| row.eval(&query.filter) == Some(true))
            .map(|row| {
                let keys = query
                    .sort
                    .iter()
                    .map(|k| row.term(&k.term).unwrap_or(Value::Null))
                    .collect();
                (row.own.clone(), keys)
            })
            .collect();
        rows.sort_by(|(_, a), (_, b)| {
            query
                .sort
                .iter()
                .zip(a.iter().zip(b))
                .map(|(key, (x, y))| {
                    let order = order(x, y);
                    if key.direction == Direction::Desc {
                        order.reverse()
                    } else {
                        order
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
        rows.into_iter()
            .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
            .take(query.limit as usize)
            .collect()
    }
}

/// The order of two sort values of one column: a missing value first.
fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (a, b) => compare(a, &to_scalar(b)).unwrap_or(Ordering::Equal),
    }
}

fn to_scalar(value: &Value) -> Scalar {
    match value {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Int(n) => Scalar::Int(*n),
        Value::Float(f) => Scalar::Float(*f),
        Value::Time(t) => Scalar::Time(*t),
        Value::Uuid(u) => Scalar::Uuid(*u),
        Value::Text(s) => Scalar::Text(s.clone()),
        Value::Null | Value::Json(_) => Scalar::Text(String::new()),
    }
}

/// How a stored value compares with a literal (None when their types differ).
fn compare(value: &Value, scalar: &Scalar) -> Option<Ordering> {
    match (value, scalar) {
        (Value::Text(a), Scalar::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Int(a), Scalar::Int(b)) => Some(a.cmp(b)),
        (Value::Int(a), Scalar::Float(b)) => (*a as f64).partial_cmp(b),
        (Value::Float(a), Scalar::Float(b)) => a.partial_cmp(b),
        (Value::Float(a), Scalar::Int(b)) => a.partial_cmp(&(*b as f64)),
        (Value::Bool(a), Scalar::Bool(b)) => Some(a.cmp(b)),
        (Value::Time(a), Scalar::Time(b)) => Some(a.cmp(b)),
        (Value::Uuid(a), Scalar::Uuid(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// One sort part of a JSON value (see [`JsonPart`]); JSON null has none.
fn json_part(value: &serde_json::Value, part: JsonPart) -> Option<Value> {
    use serde_json::Value as J;
    let rank = match value {
        J::Null => return None,
        J::Number(_) => JsonRank::Number,
        J::String(_) => JsonRank::String,
        J::Bool(false) => JsonRank::False,
        J::Bool(true) => JsonRank::True,
        J::Array(_) | J::Object(_) => JsonRank::Composite,
    };
    match (part, value) {
        (JsonPart::Rank, _) => Some(Value::Int(rank.value())),
        (JsonPart::Number, J::Number(n)) => n.as_f64().map(Value::Float),
        (JsonPart::Text, J::String(s)) => Some(Value::Text(s.clone())),
        (JsonPart::Number | JsonPart::Text, _) => None,
    }
}

fn holds(op: CmpOp, order: Ordering) -> bool {
    match op {
        CmpOp::Eq => order == Ordering::Equal,
        CmpOp::Lt => order == Ordering::Less,
        CmpOp::Le => order != Ordering::Greater,
        CmpOp::Gt => order == Ordering::Greater,
        CmpOp::Ge => order != Ordering::Less,
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(needle)
}

impl Row<'_> {
    fn related(&self, relation: Relation) -> Option<&Record> {
        let data = self.data;
        let version = || match self.own {
            Record::ModelVersion(_) => Some(self.own),
            _ => data.get(RecordKind::ModelVersion, uuid_of(self.own, "version_id")),
        };
        let model = || match self.own {
            Record::Model(_) => Some(self.own),
            _ => data.get(RecordKind::Model, uuid_of(version()?, "model_id")),
        };
        match relation {
            Relation::Own => Some(self.own),
            Relation::Version => version(),
            Relation::Model => model(),
            Relation::Team => data.get(RecordKind::Team, uuid_of(model()?, "team_id")),
            Relation::Environment => data.get(RecordKind::Environment, uuid_of(self.own, "environment_id")),
        }
    }

    fn column(&self, relation: Relation, name: &str) -> Option<Value> {
        column(self.related(relation)?, name)
    }

    fn any(&self, multi: Multi) -> &[String] {
        match multi {
            Multi::Tag => self.data.tags_of_model.get(&self.own.id()).map_or(&[], Vec::as_slice),
            Multi::Alias => self
                .data
                .aliases_of_version
                .get(&self.own.id())
                .map_or(&[], Vec::as_slice),
        }
    }

    /// Three-valued: `None` is unknown.
    fn eval(&self, expr: &Expr) -> Option<bool> {
        match expr {
            Expr::And(parts) => parts
                .iter()
                .try_fold(Some(true), |acc, part| match self.eval(part) {
                    Some(false) => Err(()),
                    None => Ok(None),
                    Some(true) => Ok(acc),
                })
                .unwrap_or(Some(false)),
            Expr::Or(parts) => parts
                .iter()
                .try_fold(Some(false), |acc, part| match self.eval(part) {
                    Some(true) => Err(()),
                    None => Ok(None),
                    Some(false) => Ok(acc),
                })
                .unwrap_or(Some(true)),
            Expr::Not(inner) => self.eval(inner).map(|b| !b),
            Expr::Cond(cond) => self.test(cond),
        }
    }

    /// The value at `path` in the listed row's JSON `column`, if there is one.
    fn json(&self, column: &str, path: &[String]) -> Option<serde_json::Value> {
        let Some(Value::Json(object)) = self.column(Relation::Own, column) else {
            return None;
        };
        let mut at = object.get(path.first()?);
        for key in &path[1..] {
            at = at.and_then(|v| v.get(key));
        }
        at.cloned()
    }

    fn term(&self, term: &Term) -> Option<Value> {
        match term {
            Term::Column { relation, column } => self.column(*relation, column),
            Term::JsonPart { column, path, part } => json_part(&self.json(column, path)?, *part),
            Term::Extreme { multi, greatest } => {
                let values = self.any(*multi).iter();
                let extreme = if *greatest { values.max() } else { values.min() };
                extreme.map(|v| Value::Text(v.clone()))
            }
        }
    }

    fn test(&self, cond: &Cond) -> Option<bool> {
        match &cond.operand {
            Operand::Term(term) => {
                let value = self.term(term);
                match (&cond.test, value) {
                    (Test::IsNull, value) => Some(value.is_none()),
                    (_, None) => None,
                    (Test::Cmp(op, scalar), Some(value)) => compare(&value, scalar).map(|o| holds(*op, o)),
                    (Test::Contains(needle), Some(Value::Text(s))) => Some(contains(&s, needle)),
                    (Test::Contains(_), Some(_)) => None,
                }
            }
            Operand::Json { column, path } => {
                let at = self.json(column, path);
                match (&cond.test, at.as_ref()) {
                    (Test::IsNull, at) => Some(at.is_none_or(serde_json::Value::is_null)),
                    (Test::Cmp(op, Scalar::Float(x)), Some(serde_json::Value::Number(n))) => {
                        n.as_f64()?.partial_cmp(x).map(|o| holds(*op, o))
                    }
                    (Test::Cmp(op, Scalar::Text(x)), Some(serde_json::Value::String(s))) => {
                        Some(holds(*op, s.as_bytes().cmp(x.as_bytes())))
                    }
                    (Test::Cmp(op, Scalar::Bool(x)), Some(serde_json::Value::Bool(b))) => Some(holds(*op, b.cmp(x))),
                    (Test::Contains(needle), Some(serde_json::Value::String(s))) => Some(contains(s, needle)),
                    _ => None,
                }
            }
            Operand::Any(multi) => {
                let values = self.any(*multi);
                Some(match &cond.test {
                    Test::IsNull => values.is_empty(),
                    Test::Cmp(op, Scalar::Text(x)) => values.iter().any(|v| holds(*op, v.as_bytes().cmp(x.as_bytes()))),
                    Test::Contains(needle) => values.iter().any(|v| contains(v, needle)),
                    Test::Cmp(..) => false,
                })
            }
        }
    }
}
