//! The bad-input table (`modelreg_conformance::bad_input`) through the HTTP
//! API on SQLite: every bad value answered 422 (or 400 where serde decides)
//! naming its field, a look-alike of a taken name 409 (or, for a tag added
//! again, 200 with nothing added), and the registry unchanged after each.

mod common;

use modelreg_conformance::bad_input::{
    Bad, EntryPoint, Expect, Fixture, Op, PARENT_ENV, PARENT_MODEL, PARENT_SEMVER, PARENT_TEAM, Row, TAKEN,
    assert_no_failures, footprint, prepare, report, table,
};
use serde_json::Value;

use common::Api;

/// `text` as one path segment: every byte but the unreserved ones percent-encoded.
fn segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The request that writes the row's bad value: method, path and body.
fn request(row: &Row, fx: &Fixture, unique: &str) -> Result<(&'static str, String, Option<String>), String> {
    let version = format!("/v1/models/{PARENT_MODEL}/versions/{PARENT_SEMVER}");
    let body = || {
        row.body(unique)
            .ok_or_else(|| format!("{} has no JSON body", row.label()))
    };
    Ok(match row.op {
        Op::TeamCreate => ("POST", "/v1/teams".into(), Some(body()?)),
        Op::TeamUpdate => ("PATCH", format!("/v1/teams/{PARENT_TEAM}"), Some(body()?)),
        Op::ModelCreate => ("POST", "/v1/models".into(), Some(body()?)),
        Op::ModelUpdate => ("PATCH", format!("/v1/models/{PARENT_MODEL}"), Some(body()?)),
        Op::TagAdd => {
            let Bad::Text(tag) = &row.value else {
                return Err(format!("{} is not text", row.label()));
            };
            ("PUT", format!("/v1/models/{PARENT_MODEL}/tags/{}", segment(tag)), None)
        }
        Op::VersionRegister => ("POST", format!("/v1/models/{PARENT_MODEL}/versions"), Some(body()?)),
        Op::VersionUpdate => (
            "PATCH",
            format!("/v1/versions/{PARENT_MODEL}@{PARENT_SEMVER}"),
            Some(body()?),
        ),
        Op::VersionStatus => ("PUT", format!("{version}/status"), Some(body()?)),
        Op::AliasSet => {
            let Bad::Text(alias) = &row.value else {
                return Err(format!("{} is not text", row.label()));
            };
            // `name:` reads the rest as the alias itself, even when empty.
            let path = format!(
                "/v1/versions/{PARENT_MODEL}@{PARENT_SEMVER}/aliases/name:{}",
                segment(alias)
            );
            ("PUT", path, None)
        }
        Op::RunStart => ("POST", format!("{version}/runs"), Some(body()?)),
        Op::RunFinish => ("POST", format!("/v1/runs/{}/finish", fx.run), Some(body()?)),
        Op::MetricRecord => ("POST", format!("{version}/metrics"), Some(body()?)),
        Op::EnvironmentCreate => ("POST", "/v1/environments".into(), Some(body()?)),
        Op::EnvironmentUpdate => ("PATCH", format!("/v1/environments/{PARENT_ENV}"), Some(body()?)),
        Op::DeploymentCreate => {
            let deployment = body()?;
            let body = format!(
                r#"{{"model":"{PARENT_MODEL}","semver":"{PARENT_SEMVER}","environment":"{PARENT_ENV}","deployment":{deployment}}}"#
            );
            ("POST", "/v1/deployments".into(), Some(body))
        }
        Op::DeploymentStatus => (
            "PUT",
            format!("/v1/deployments/{}/status", fx.deployment),
            Some(body()?),
        ),
        Op::DeploymentScale => (
            "PUT",
            format!("/v1/deployments/{}/replicas", fx.deployment),
            Some(body()?),
        ),
        Op::TagUpdate => ("PATCH", format!("/v1/tags/{}", segment(TAKEN)), Some(body()?)),
        Op::Actor => return Err(format!("{} has no request", row.label())),
    })
}

/// Whether `got` names `field`: the field itself, or a path ending in it (`deployment.status`).
fn names(got: &Value, field: &str) -> bool {
    got.as_str()
        .is_some_and(|got| got == field || got.ends_with(&format!(".{field}")))
}

/// Whether the answer is what the row expects: `Err(why)` when not.
fn judge(row: &Row, status: u16, body: &Value) -> Result<(), String> {
    let error = &body["error"];
    let ok = match row.expect {
        Expect::Invalid(field) => {
            let statuses: &[u16] = if row.rule.serde_may_decide() {
                &[400, 422]
            } else {
                &[422]
            };
            statuses.contains(&status) && error["code"] == "invalid" && names(&error["field"], field)
        }
        Expect::Conflict(field) => status == 409 && error["code"] == "conflict" && names(&error["field"], field),
        Expect::Same(_) => status == 200 && body["added"] == false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {:?}, got {status} {body}", row.expect))
    }
}

/// Every row of the table that applies to the HTTP API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_is_answered_naming_its_field_and_changes_nothing() {
    let rows = table();
    eprintln!("{}", report(&rows, EntryPoint::Http));
    let api = Api::sqlite().await;
    let fx = prepare(api.registry()).await;
    let mut before = footprint(api.registry()).await;
    let (mut failures, mut run) = (Vec::new(), 0);
    for (i, row) in rows.iter().enumerate() {
        if row.applies(EntryPoint::Http).is_err() {
            continue;
        }
        run += 1;
        let unique = format!("row-{i}");
        match request(row, &fx, &unique) {
            Err(why) => failures.push(format!("row {i} ({}): {why}", row.label())),
            Ok((method, path, body)) => {
                let json = body.is_some();
                let (status, answer) = api
                    .send_bytes(method, &path, body.unwrap_or_default().into_bytes(), json)
                    .await;
                if let Err(why) = judge(row, status, &answer) {
                    failures.push(format!("row {i} ({}): {method} {path}: {why}", row.label()));
                }
            }
        }
        let after = footprint(api.registry()).await;
        if after != before {
            failures.push(format!(
                "row {i} ({}): the registry changed: {before:?} became {after:?}",
                row.label()
            ));
            before = after;
        }
    }
    assert_no_failures("HTTP on SQLite", run, &failures);
}
