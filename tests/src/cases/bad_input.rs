//! The bad-input table ([`crate::bad_input`]) through the library and
//! through `import`: every bad value refused with the field it breaks, and
//! nothing changed.

use modelreg_core::deployments::{DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentKind, EnvironmentUpdate, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel, RiskLevel, TagUpdate};
use modelreg_core::runs::{NewRun, RunFinish, RunStatus};
use modelreg_core::store::RecordKind;
use modelreg_core::teams::{NewTeam, TeamUpdate};
use modelreg_core::validate;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus, VersionUpdate};
use modelreg_core::{Actor, Error, Ref, Registry, Result, TransferError, VersionRef};
use serde_json::Value;

use crate::bad_input::*;
use crate::fixtures::{export, import};
use crate::{AnyRegistry, AsApi, LocalBackend};

/// What an operation answered when it did not fail: whether it changed anything.
type Changed = bool;

/// Reads a request body as the library's request type `$ty`.
macro_rules! request {
    ($ty:ty, $body:expr) => {
        serde_json::from_str::<$ty>(&$body)
            .map_err(|e| format!("the library's request type does not hold the row's body: {e}"))
    };
}

/// Parses `text` as the closed set the row's field holds, as the library's `FromStr` does.
fn parse_enum(row: &Row, text: &str) -> Result<()> {
    match (row.op, row.field) {
        (_, "risk_level") => text.parse::<RiskLevel>().map(drop),
        (_, "framework") => text.parse::<Framework>().map(drop),
        (_, "split") => text.parse::<Split>().map(drop),
        (_, "kind") => text.parse::<EnvironmentKind>().map(drop),
        (Op::VersionStatus, _) => text.parse::<VersionStatus>().map(drop),
        (Op::RunFinish, _) => text.parse::<RunStatus>().map(drop),
        (Op::DeploymentCreate | Op::DeploymentStatus, _) => text.parse::<DeploymentStatus>().map(drop),
        (op, field) => panic!("no closed set for {op} {field}"),
    }
}

/// Whether a JSON row's text is an object the library's types hold (else
/// the library's JSON text parser, `validate::parse_json_object`, reads it).
fn typed_json(row: &Row, text: &str) -> bool {
    validate::json_text(row.field, text).is_ok() && serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object())
}

/// Writes the row's bad value through the library: `Err(why)` when the row
/// cannot be expressed (a fault of the table), else what the library answered.
async fn write(
    reg: &(impl AsApi + ?Sized),
    fx: &Fixture,
    row: &Row,
    unique: &str,
) -> std::result::Result<Result<Changed>, String> {
    let reg = reg.api();
    let version = VersionRef::Id(fx.version);
    let parent = Ref::name(PARENT_MODEL);
    if let (Kind::Enum, Bad::Text(text)) = (row.kind, &row.value)
        && let Err(e) = parse_enum(row, text)
    {
        return Ok(Err(e));
    }
    if let (Kind::Json, Bad::Json(text)) = (row.kind, &row.value)
        && !typed_json(row, text)
    {
        return Ok(validate::parse_json_object(row.field, text).map(|_| true));
    }
    let value_text = || match &row.value {
        Bad::Text(text) => Ok(text.clone()),
        other => Err(format!("{other:?} is not text")),
    };
    // A float goes in typed (JSON has no NaN): the body holds a placeholder.
    let float = match row.value {
        Bad::Float(f) => Some(f),
        _ => None,
    };
    let body = || {
        let body = match float {
            Some(_) => row.body_with(unique, "0"),
            None => row.body(unique),
        };
        body.ok_or_else(|| format!("{} takes no body", row.op))
    };
    let answer = match row.op {
        Op::Actor => Actor::new(value_text()?).map(|_| true),
        Op::TagAdd => reg.add_tag(&parent, &value_text()?).await,
        Op::TagUpdate => {
            let update = request!(TagUpdate, body()?)?;
            reg.update_tag(TAKEN, update).await.map(|_| true)
        }
        Op::AliasSet => reg.set_alias(&version, &value_text()?).await.map(|_| true),
        Op::VersionStatus => {
            let status = value_text()?.parse().map_err(|e: Error| e.to_string())?;
            reg.set_version_status(&version, status).await.map(|_| true)
        }
        Op::DeploymentStatus => {
            let status = value_text()?.parse().map_err(|e: Error| e.to_string())?;
            reg.set_deployment_status(fx.deployment, status).await.map(|_| true)
        }
        Op::DeploymentScale => match row.value {
            Bad::Int(n) => {
                let replicas = i32::try_from(n).map_err(|e| e.to_string())?;
                reg.scale_deployment(fx.deployment, replicas).await.map(|_| true)
            }
            ref other => return Err(format!("{other:?} is not an integer")),
        },
        Op::TeamCreate => reg.create_team(request!(NewTeam, body()?)?).await.map(|_| true),
        Op::TeamUpdate => {
            let update = request!(TeamUpdate, body()?)?;
            reg.update_team(&Ref::name(PARENT_TEAM), update).await.map(|_| true)
        }
        Op::ModelCreate => reg.create_model(request!(NewModel, body()?)?).await.map(|_| true),
        Op::ModelUpdate => {
            let update = request!(ModelUpdate, body()?)?;
            reg.update_model(&parent, update).await.map(|_| true)
        }
        Op::VersionRegister => {
            let new = request!(NewVersion, body()?)?;
            reg.register_version(&parent, new).await.map(|_| true)
        }
        Op::VersionUpdate => {
            let update = request!(VersionUpdate, body()?)?;
            reg.update_version(&version, update).await.map(|_| true)
        }
        Op::RunStart => {
            let mut new = request!(NewRun, body()?)?;
            match (row.field, float) {
                ("gpu_hours", Some(f)) => new.gpu_hours = f,
                ("cost_usd", Some(f)) => new.cost_usd = Some(f),
                _ => {}
            }
            reg.start_run(&version, new).await.map(|_| true)
        }
        Op::RunFinish => {
            let mut finish = request!(RunFinish, body()?)?;
            match (row.field, float) {
                ("gpu_hours", Some(f)) => finish.gpu_hours = Some(f),
                ("cost_usd", Some(f)) => finish.cost_usd = Some(f),
                _ => {}
            }
            reg.finish_run(fx.run, finish).await.map(|_| true)
        }
        Op::MetricRecord => {
            let mut new = request!(NewMetric, body()?)?;
            if let Some(f) = float {
                new.value = f;
            }
            reg.record_metric(&version, new).await.map(|_| true)
        }
        Op::EnvironmentCreate => {
            let new = request!(NewEnvironment, body()?)?;
            reg.create_environment(new).await.map(|_| true)
        }
        Op::EnvironmentUpdate => {
            let update = request!(EnvironmentUpdate, body()?)?;
            reg.update_environment(&Ref::name(PARENT_ENV), update)
                .await
                .map(|_| true)
        }
        Op::DeploymentCreate => {
            let new = request!(NewDeployment, body()?)?;
            reg.deploy(&version, &Ref::name(PARENT_ENV), new).await.map(|_| true)
        }
    };
    Ok(answer)
}

/// Whether the library's answer is what the row expects: `Err(why)` when not.
fn judge(row: &Row, answer: Result<Changed>) -> std::result::Result<(), String> {
    match (row.expect, answer) {
        (Expect::Invalid(field), Err(Error::Invalid { field: got, .. })) if got == field => Ok(()),
        (Expect::Conflict(field), Err(Error::Conflict { field: got, .. })) if got == field => Ok(()),
        (Expect::Same(_), Ok(false)) => Ok(()),
        (expect, answer) => Err(format!("expected {expect:?}, got {answer:?}")),
    }
}

/// Every row of the table that applies to the library, on this backend:
/// refused naming the field (or, for a look-alike of a taken name, the same
/// name), with the registry unchanged after each.
pub async fn every_bad_input_is_refused_naming_its_field_and_changes_nothing(reg: AnyRegistry) {
    let rows = table();
    eprintln!("{}", report(&rows, EntryPoint::Library));
    let fx = prepare(&reg).await;
    let mut before = footprint(&reg).await;
    let (mut failures, mut run) = (Vec::new(), 0);
    for (i, row) in rows.iter().enumerate() {
        if row.applies(EntryPoint::Library).is_err() {
            continue;
        }
        run += 1;
        let unique = format!("row-{i}");
        match write(&reg, &fx, row, &unique).await {
            Err(why) => failures.push(format!("row {i} ({}): cannot be written: {why}", row.label())),
            Ok(answer) => {
                if let Err(why) = judge(row, answer) {
                    failures.push(format!("row {i} ({}): {why}", row.label()));
                }
            }
        }
        let after = footprint(&reg).await;
        if after != before {
            failures.push(format!(
                "row {i} ({}): the registry changed: {before:?} became {after:?}",
                row.label()
            ));
            before = after;
        }
    }
    assert_no_failures("library", run, &failures);
}

/// `line` (a record of an export) with `key` of its record replaced by the raw JSON `value`.
fn corrupt(line: &str, key: &str, value: &str) -> String {
    const MARK: &str = "__modelreg_bad_import__";
    let mut record: Value = serde_json::from_str(line).expect("a record line");
    record["record"][key] = Value::String(MARK.into());
    serde_json::to_string(&record)
        .expect("a record serializes")
        .replacen(&format!("\"{MARK}\""), value, 1)
}

/// Every row of the table that applies to `import`: a valid export with the
/// row's field of one record corrupted is refused with that line's number
/// and the field, and the target stays empty.
pub async fn every_corrupted_import_line_is_refused_with_its_number_and_field<B: LocalBackend>(source: Registry) {
    let rows = table();
    eprintln!("{}", report(&rows, EntryPoint::Import));
    prepare(&source).await;
    let good = export(&source).await;
    let first_line_of = |kind: RecordKind| {
        good.iter().skip(1).position(|line| {
            let record: Value = serde_json::from_str(line).expect("a record line");
            record["kind"] == kind.as_str()
        })
    };
    let Some((mut target, mut guard)) = B::fresh_local().await else {
        return;
    };
    let empty = footprint(&target).await;
    let (mut failures, mut run) = (Vec::new(), 0);
    for (i, row) in rows.iter().enumerate() {
        if row.applies(EntryPoint::Import).is_err() {
            continue;
        }
        run += 1;
        let (kind, key, field) = row.import_target();
        let Some(index) = first_line_of(kind).map(|p| p + 1) else {
            failures.push(format!("row {i} ({}): the export holds no {kind} record", row.label()));
            continue;
        };
        let value = row.value.json_text().expect("an applicable row has a JSON form");
        let mut lines = good.clone();
        lines[index] = corrupt(&good[index], key, &value);
        let number = index as u64 + 1;
        match import(&target, &lines, false).await {
            Err(TransferError {
                line: Some(line),
                error: Error::Invalid { field: got, .. },
            }) if line == number && got == field => {}
            other => failures.push(format!(
                "row {i} ({}): expected line {number} invalid {field:?}, got {}",
                row.label(),
                match other {
                    Ok(summary) => format!("an import of {} records", summary.total),
                    Err(e) => format!("{e:?}"),
                }
            )),
        }
        if footprint(&target).await != empty {
            failures.push(format!("row {i} ({}): the target is no longer empty", row.label()));
            let Some(fresh) = B::fresh_local().await else { return };
            (target, guard) = fresh;
        }
    }
    drop(guard);
    assert_no_failures(&format!("import on {}", source.backend()), run, &failures);
}
