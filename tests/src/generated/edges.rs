//! The records at every limit that every generated registry holds: lengths
//! at their maximum in multi-byte and astral-plane characters, descriptions
//! with newlines, JSON 32 levels deep and of exactly 64 KiB, the 64-bit
//! integers' and floats' extremes, subnormals and -0.0, the numeric bounds,
//! timestamps in the years 1 and 9999 and just before the epoch, sizes
//! above 4 GiB.

use modelreg_core::Record;
use modelreg_core::aliases::Alias;
use modelreg_core::deployments::{Deployment, DeploymentStatus};
use modelreg_core::environments::{Environment, EnvironmentKind};
use modelreg_core::metrics::{Metric, Split};
use modelreg_core::models::{Model, RiskLevel, Tag};
use modelreg_core::runs::{MAX_COST_USD, MAX_DURATION_SECONDS, MAX_GPU_HOURS, RunStatus, TrainingRun};
use modelreg_core::teams::Team;
use modelreg_core::validate::{JsonObject, MAX_JSON_BYTES, MAX_JSON_DEPTH};
use modelreg_core::versions::{Framework, ModelVersion, VersionStatus};
use serde_json::json;
use uuid::Uuid;

use super::values::{EDGE_FLOATS, EDGE_INTS, FIRST_MICROS, LAST_MICROS, at};

/// JSON text parsed as an object.
fn object(text: &str) -> JsonObject {
    serde_json::from_str(text).expect("a JSON object")
}

/// An object of the extreme numbers JSON fields must keep exactly.
pub fn edge_numbers() -> JsonObject {
    let mut numbers = JsonObject::new();
    for (i, n) in EDGE_INTS.iter().enumerate() {
        numbers.insert(format!("int{i}"), json!(n));
    }
    numbers.insert("u64_max".into(), json!(u64::MAX));
    for (i, f) in EDGE_FLOATS.iter().enumerate() {
        numbers.insert(format!("float{i}"), json!(f));
    }
    numbers
}

/// `{"a": {"a": … {"leaf": "🚀"}}}`, exactly [`MAX_JSON_DEPTH`] levels deep.
pub fn deepest_object() -> JsonObject {
    let mut value = json!({"leaf": "🚀"});
    for _ in 1..MAX_JSON_DEPTH {
        value = json!({ "a": value });
    }
    value.as_object().cloned().expect("an object")
}

/// An object of two-byte characters, exactly [`MAX_JSON_BYTES`] long as JSON.
pub fn largest_object() -> JsonObject {
    let text = format!("{{\"a\":\"{}\"}}", "é".repeat((MAX_JSON_BYTES - 8) / 2));
    assert_eq!(text.len(), MAX_JSON_BYTES);
    object(&text)
}

/// The records at every limit that every generated registry holds.
pub fn edge_records() -> Vec<Record> {
    let team = Uuid::now_v7();
    let (model, v1, v2, v3, env) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let astral = |n: usize| format!("edge{}", "𝔘".repeat(n - 4));
    let multiline = "🚀 line\n\ttab\r\n".chars().cycle().take(10_000).collect::<String>();
    let version = |id, semver: &str, metadata, size, created_at| ModelVersion {
        id,
        model_id: model,
        semver: semver.into(),
        artifact_uri: format!("s3://{}", "é".repeat(495)),
        framework: Framework::Huggingface,
        framework_version: Some("日".repeat(50)),
        python_version: Some("3".repeat(20)),
        status: VersionStatus::Validated,
        size_bytes: size,
        checksum_sha256: Some("0123456789abcdef".repeat(4)),
        metadata,
        created_at,
        description: Some(multiline.clone()),
    };
    let mut records = vec![
        Record::Team(Team {
            id: team,
            name: astral(100),
            department: Some("😀".repeat(100)),
            cost_center: Some("ع".repeat(50)),
            active: false,
            created_at: at(FIRST_MICROS),
        }),
        Record::Tag(Tag {
            id: Uuid::now_v7(),
            name: astral(50),
            description: Some(multiline.clone()),
            created_at: at(LAST_MICROS),
        }),
        Record::Model(Model {
            id: model,
            name: astral(200),
            description: Some(multiline.clone()),
            use_case: Some("中".repeat(200)),
            team_id: Some(team),
            risk_level: RiskLevel::Critical,
            compliance_required: true,
            is_active: true,
            created_at: at(FIRST_MICROS),
            updated_at: at(LAST_MICROS),
        }),
        Record::ModelVersion(version(
            v1,
            "18446744073709551615.0.0",
            edge_numbers(),
            Some(i64::MAX),
            at(-1),
        )),
        Record::ModelVersion(version(
            v2,
            &format!("1.2.3-{}", "a".repeat(44)),
            deepest_object(),
            Some((4 << 30) + 1),
            at(FIRST_MICROS),
        )),
        Record::ModelVersion(version(v3, "0.0.0", largest_object(), Some(0), at(LAST_MICROS))),
        Record::ModelAlias(Alias {
            id: Uuid::now_v7(),
            model_id: model,
            name: "a".repeat(50),
            version_id: v1,
            assigned_at: at(LAST_MICROS),
        }),
        Record::TrainingRun(TrainingRun {
            id: Uuid::now_v7(),
            version_id: v1,
            run_name: astral(200),
            status: RunStatus::Succeeded,
            started_at: at(FIRST_MICROS),
            completed_at: Some(at(LAST_MICROS)),
            duration_seconds: Some(MAX_DURATION_SECONDS),
            gpu_hours: MAX_GPU_HOURS,
            cost_usd: Some(MAX_COST_USD),
            dataset_name: Some("ß".repeat(200)),
            dataset_version: Some("Ω".repeat(50)),
            hyperparameters: edge_numbers(),
            environment: deepest_object(),
            created_by: Some("Ж".repeat(100)),
        }),
        Record::TrainingRun(TrainingRun {
            id: Uuid::now_v7(),
            version_id: v2,
            run_name: "subnormal".into(),
            status: RunStatus::Running,
            started_at: at(LAST_MICROS),
            completed_at: None,
            duration_seconds: Some(0),
            gpu_hours: 5e-324,
            cost_usd: Some(-0.0),
            dataset_name: None,
            dataset_version: None,
            hyperparameters: largest_object(),
            environment: JsonObject::new(),
            created_by: None,
        }),
        Record::Environment(Environment {
            id: env,
            name: astral(50),
            kind: EnvironmentKind::Production,
            region: Some("é".repeat(50)),
            kubernetes_namespace: Some("n".repeat(100)),
            config: edge_numbers(),
            is_active: true,
            created_at: at(LAST_MICROS),
        }),
        Record::Deployment(Deployment {
            id: Uuid::now_v7(),
            version_id: v1,
            environment_id: env,
            name: astral(200),
            status: DeploymentStatus::Terminated,
            endpoint_url: Some(format!("https://{}", "🚀".repeat(492))),
            replicas: i32::MAX,
            cpu_request: Some("c".repeat(20)),
            memory_request: Some("m".repeat(20)),
            gpu_count: i32::MAX,
            deployed_at: at(FIRST_MICROS),
            deployed_by: Some("d".repeat(100)),
            terminated_at: Some(at(LAST_MICROS)),
        }),
    ];
    for (i, value) in [f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, -0.0, 1e18]
        .into_iter()
        .enumerate()
    {
        records.push(Record::Metric(Metric {
            id: Uuid::now_v7(),
            version_id: v3,
            name: format!("{}{i}", "m".repeat(99)),
            value,
            split: Split::ALL[i % Split::ALL.len()],
            recorded_at: at(if i % 2 == 0 { FIRST_MICROS } else { LAST_MICROS }),
        }));
    }
    records
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn the_edge_records_are_valid_and_at_their_limits() {
        for record in edge_records() {
            record
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", record.record_kind()));
        }
        assert_eq!(serde_json::to_string(&largest_object()).unwrap().len(), MAX_JSON_BYTES);
        assert!(modelreg_core::validate::json_object("metadata", &deepest_object()).is_ok());
        let mut deeper = JsonObject::new();
        deeper.insert("x".into(), Value::Object(deepest_object()));
        assert!(modelreg_core::validate::json_object("metadata", &deeper).is_err());
    }
}
