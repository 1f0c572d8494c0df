//! The table: every field every operation writes against every rule of its
//! kind, with why a row does not apply to an entry point where it does not.

use std::collections::BTreeMap;

use modelreg_core::runs::{MAX_COST_USD, MAX_DURATION_SECONDS, MAX_GPU_HOURS};

use super::row::{Bad, EntryPoint, Expect, Kind, Op, Row, Rule};
use super::values::{raw, text, values};

/// The fields every operation writes, with what they hold.
const FIELDS: &[(Op, &str, Kind)] = &[
    (Op::TeamCreate, "name", Kind::unique_name(100)),
    (Op::TeamCreate, "department", Kind::Text { max: 100 }),
    (Op::TeamCreate, "cost_center", Kind::Text { max: 50 }),
    (Op::TeamUpdate, "name", Kind::unique_name(100)),
    (Op::TeamUpdate, "department", Kind::Text { max: 100 }),
    (Op::TeamUpdate, "cost_center", Kind::Text { max: 50 }),
    (Op::TeamUpdate, "active", Kind::Bool),
    (Op::ModelCreate, "name", Kind::unique_name(200)),
    (Op::ModelCreate, "description", Kind::Description { max: 10_000 }),
    (Op::ModelCreate, "use_case", Kind::Text { max: 200 }),
    (Op::ModelCreate, "team", Kind::Reference),
    (Op::ModelCreate, "risk_level", Kind::Enum),
    (Op::ModelCreate, "compliance_required", Kind::Bool),
    (Op::ModelUpdate, "name", Kind::unique_name(200)),
    (Op::ModelUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::ModelUpdate, "use_case", Kind::Text { max: 200 }),
    (Op::ModelUpdate, "team", Kind::Reference),
    (Op::ModelUpdate, "risk_level", Kind::Enum),
    (Op::ModelUpdate, "compliance_required", Kind::Bool),
    (Op::ModelUpdate, "is_active", Kind::Bool),
    (Op::TagAdd, "tag", Kind::unique_name(50)),
    (Op::TagUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::VersionRegister, "semver", Kind::Semver),
    (Op::VersionRegister, "artifact_uri", Kind::Required { max: 500 }),
    (Op::VersionRegister, "framework", Kind::Enum),
    (Op::VersionRegister, "framework_version", Kind::Text { max: 50 }),
    (Op::VersionRegister, "python_version", Kind::Text { max: 20 }),
    (Op::VersionRegister, "size_bytes", Kind::Int { bits: 64, max: None }),
    (Op::VersionRegister, "checksum_sha256", Kind::Checksum),
    (Op::VersionRegister, "metadata", Kind::Json),
    (Op::VersionRegister, "description", Kind::Description { max: 10_000 }),
    (Op::VersionUpdate, "description", Kind::Description { max: 10_000 }),
    (Op::VersionUpdate, "metadata", Kind::Json),
    (Op::VersionUpdate, "framework_version", Kind::Text { max: 50 }),
    (Op::VersionUpdate, "python_version", Kind::Text { max: 20 }),
    (Op::VersionUpdate, "size_bytes", Kind::Int { bits: 64, max: None }),
    (Op::VersionUpdate, "checksum_sha256", Kind::Checksum),
    (Op::VersionStatus, "status", Kind::Enum),
    (Op::AliasSet, "alias", Kind::Alias),
    (Op::RunStart, "run_name", Kind::shared_name(200)),
    (Op::RunStart, "started_at", Kind::Time),
    (Op::RunStart, "gpu_hours", Kind::float_up_to(MAX_GPU_HOURS)),
    (Op::RunStart, "cost_usd", Kind::float_up_to(MAX_COST_USD)),
    (Op::RunStart, "dataset_name", Kind::Text { max: 200 }),
    (Op::RunStart, "dataset_version", Kind::Text { max: 50 }),
    (Op::RunStart, "hyperparameters", Kind::Json),
    (Op::RunStart, "environment", Kind::Json),
    (Op::RunStart, "created_by", Kind::Text { max: 100 }),
    (Op::RunFinish, "status", Kind::Enum),
    (Op::RunFinish, "completed_at", Kind::Time),
    (Op::RunFinish, "duration_seconds", Kind::int_up_to(MAX_DURATION_SECONDS)),
    (Op::RunFinish, "gpu_hours", Kind::float_up_to(MAX_GPU_HOURS)),
    (Op::RunFinish, "cost_usd", Kind::float_up_to(MAX_COST_USD)),
    (Op::MetricRecord, "name", Kind::shared_name(100)),
    (Op::MetricRecord, "value", Kind::Float { max: None }),
    (Op::MetricRecord, "split", Kind::Enum),
    (Op::MetricRecord, "recorded_at", Kind::Time),
    (Op::EnvironmentCreate, "name", Kind::unique_name(50)),
    (Op::EnvironmentCreate, "kind", Kind::Enum),
    (Op::EnvironmentCreate, "region", Kind::Text { max: 50 }),
    (Op::EnvironmentCreate, "kubernetes_namespace", Kind::Text { max: 100 }),
    (Op::EnvironmentCreate, "config", Kind::Json),
    (Op::EnvironmentUpdate, "name", Kind::unique_name(50)),
    (Op::EnvironmentUpdate, "kind", Kind::Enum),
    (Op::EnvironmentUpdate, "region", Kind::Text { max: 50 }),
    (Op::EnvironmentUpdate, "kubernetes_namespace", Kind::Text { max: 100 }),
    (Op::EnvironmentUpdate, "config", Kind::Json),
    (Op::EnvironmentUpdate, "is_active", Kind::Bool),
    (Op::DeploymentCreate, "name", Kind::shared_name(200)),
    (Op::DeploymentCreate, "status", Kind::Enum),
    (Op::DeploymentCreate, "endpoint_url", Kind::Text { max: 500 }),
    (Op::DeploymentCreate, "replicas", Kind::Int { bits: 32, max: None }),
    (Op::DeploymentCreate, "cpu_request", Kind::Text { max: 20 }),
    (Op::DeploymentCreate, "memory_request", Kind::Text { max: 20 }),
    (Op::DeploymentCreate, "gpu_count", Kind::Int { bits: 32, max: None }),
    (Op::DeploymentStatus, "status", Kind::Enum),
    (Op::DeploymentScale, "replicas", Kind::Int { bits: 32, max: None }),
    (Op::Actor, "actor", Kind::shared_name(100)),
];

/// Rows the field kinds alone do not give: values of a set an operation refuses.
fn special_rows() -> Vec<(Op, &'static str, Kind, Rule, Bad)> {
    vec![
        (Op::RunFinish, "status", Kind::Enum, Rule::RefusedValue, text("running")),
        (
            Op::RunFinish,
            "completed_at",
            Kind::Time,
            Rule::BeforeStart,
            raw("\"2000-01-01T00:00:00Z\""),
        ),
        (
            Op::DeploymentCreate,
            "status",
            Kind::Enum,
            Rule::RefusedValue,
            text("terminated"),
        ),
    ]
}

const RUST_TYPE: &str =
    "the field's Rust type cannot hold it: serde refuses it before any operation of the library runs";
const NO_JSON_NUMBER: &str = "JSON has no NaN or infinity (the 1e999 row covers a number too large for a float)";
const STORED_MAY_HOLD: &str = "a stored record may hold it: the rule belongs to the operation, not to the record";
const TOKEN_ACTOR: &str = "the actor is the name of the caller's API token, fixed when the server starts";
const EMPTY_SEGMENT: &str = "an empty path segment names no route";
const PATH_TEXT: &str = "the tag is a path segment, which is always text";
const FLAG_TYPE: &str = "a flag's value is text: the flag parser fixes its type";
const NO_TIME_FLAG: &str = "no flag sets a timestamp";
const NUL_ARGUMENT: &str = "a process argument cannot hold NUL";
const COVERED: &str = "the same record field is corrupted with the same value by an earlier row";

/// Why `row` does not apply to `entry`, when it does not.
fn reason(row: &Row, entry: EntryPoint) -> Option<&'static str> {
    let rule = row.rule;
    match entry {
        EntryPoint::Library => matches!(
            rule,
            Rule::WrongType | Rule::BeyondType | Rule::Fraction | Rule::BeyondFloat | Rule::NotATime
        )
        .then_some(RUST_TYPE),
        EntryPoint::Import => match rule {
            Rule::NaN | Rule::Infinity | Rule::NegativeInfinity => Some(NO_JSON_NUMBER),
            Rule::RefusedValue | Rule::BeforeStart => Some(STORED_MAY_HOLD),
            _ => None,
        },
        EntryPoint::Http => match (row.op, rule) {
            (Op::Actor, _) => Some(TOKEN_ACTOR),
            (_, Rule::NaN | Rule::Infinity | Rule::NegativeInfinity) => Some(NO_JSON_NUMBER),
            (Op::TagAdd, Rule::Empty) => Some(EMPTY_SEGMENT),
            (Op::TagAdd, Rule::WrongType) => Some(PATH_TEXT),
            _ => None,
        },
        EntryPoint::Cli => match (row.op, row.kind, rule) {
            (_, Kind::Time, _) => Some(NO_TIME_FLAG),
            (_, _, Rule::WrongType) => Some(FLAG_TYPE),
            (_, _, Rule::Nul) => Some(NUL_ARGUMENT),
            _ => None,
        },
    }
}

/// The table: every field of [`FIELDS`] against every rule of its kind, then the special rows.
pub fn table() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let generated = FIELDS.iter().flat_map(|&(op, field, kind)| {
        values(kind)
            .into_iter()
            .map(move |(rule, value)| (op, field, kind, rule, value))
    });
    for (op, field, kind, rule, value) in generated.chain(special_rows()) {
        let expect = match (rule, op) {
            (Rule::NotNfc, Op::TagAdd) => Expect::Same(field),
            (Rule::NotNfc, _) => Expect::Conflict(field),
            _ => Expect::Invalid(field),
        };
        let mut row = Row {
            op,
            field,
            kind,
            rule,
            value,
            expect,
            not_applicable: Default::default(),
        };
        for entry in EntryPoint::ALL {
            row.not_applicable[entry.index()] = reason(&row, entry).map(str::to_owned);
        }
        // An export holds whole records: a field an earlier row already
        // corrupts with the same rule is covered there.
        if row.not_applicable[EntryPoint::Import.index()].is_none() {
            let target = row.import_target();
            let earlier = rows.iter().find(|r| {
                r.applies(EntryPoint::Import).is_ok()
                    && r.import_target() == target
                    && r.rule == row.rule
                    && r.value == row.value
            });
            if let Some(earlier) = earlier {
                row.not_applicable[EntryPoint::Import.index()] = Some(format!("{COVERED} ({})", earlier.label()));
            }
        }
        rows.push(row);
    }
    rows
}

/// The table's size, and how much of it `entry` runs, in one line for the test output.
pub fn report(rows: &[Row], entry: EntryPoint) -> String {
    let pairs = rows.len() * EntryPoint::ALL.len();
    let applicable: usize = EntryPoint::ALL
        .iter()
        .map(|&e| rows.iter().filter(|r| r.applies(e).is_ok()).count())
        .sum();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        if let Err(why) = row.applies(entry) {
            let why = if why.starts_with(COVERED) { COVERED } else { why };
            *reasons.entry(why).or_default() += 1;
        }
    }
    let run = rows.len() - reasons.values().sum::<usize>();
    let mut line = format!(
        "bad-input table: {} rows x {} entry points = {pairs} (row, entry point) pairs, {applicable} applicable; {entry}: {run} rows run",
        rows.len(),
        EntryPoint::ALL.len()
    );
    for (why, count) in reasons {
        line.push_str(&format!("; {count} not applicable: {why}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::bad_input::{nested_arrays, nested_object, object_of_bytes};

    #[test]
    fn the_table_covers_every_field_and_marks_what_does_not_apply() {
        let rows = table();
        for &(op, field, _) in FIELDS {
            assert!(rows.iter().any(|r| r.op == op && r.field == field), "{op} {field}");
        }
        assert!(rows.len() > 400, "{} rows", rows.len());
        for row in &rows {
            let not_yet = row.not_applicable.iter().flatten().any(|why| why.contains("yet"));
            assert!(
                not_yet || EntryPoint::ALL.iter().any(|&e| row.applies(e).is_ok()),
                "{} applies nowhere",
                row.label()
            );
            if row.op.base_body("row-1").is_some() && row.value.json_text().is_some() {
                let body = row.body("row-1").unwrap();
                if !matches!(row.rule, Rule::BigInteger | Rule::BeyondFloat) {
                    serde_json::from_str::<Value>(&body).unwrap_or_else(|e| panic!("{}: {e}: {body}", row.label()));
                }
            }
        }
        assert_eq!(object_of_bytes(100).len(), 100);
        let deep: Value = serde_json::from_str(&nested_object(3)).unwrap();
        assert_eq!(deep, json!({"a": {"a": {}}}));
        assert_eq!(
            serde_json::from_str::<Value>(&nested_arrays(3)).unwrap(),
            json!({"a": [[1]]})
        );
        assert!(report(&rows, EntryPoint::Cli).contains("rows run"));
    }
}
