//! Creating many records at once: each with the audit event a single create
//! writes, every record checked, all or nothing.

use modelreg_core::deployments::{Deployment, DeploymentStatus};
use modelreg_core::environments::{Environment, EnvironmentKind};
use modelreg_core::metrics::{Metric, MetricFilter, Split};
use modelreg_core::models::{Model, ModelTag, RiskLevel, Tag};
use modelreg_core::runs::{RunStatus, TrainingRun};
use modelreg_core::teams::Team;
use modelreg_core::validate::JsonObject;
use modelreg_core::versions::{Framework, ModelVersion, VersionStatus};
use modelreg_core::{AuditAction, AuditEvent, EntityKind, Error, Page, Record, Registry};
use serde_json::json;
use uuid::Uuid;

use crate::fixtures::*;

/// One new record of every kind bulk creation takes, parents first.
fn family(prefix: &str) -> Vec<Record> {
    let now = modelreg_core::time::now();
    let (team, model, version, env) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    vec![
        Record::Team(Team {
            id: team,
            name: format!("{prefix}-team"),
            department: Some("R&D".into()),
            cost_center: None,
            active: true,
            created_at: now,
        }),
        Record::Tag(Tag {
            id: Uuid::now_v7(),
            name: format!("{prefix}-tag"),
            description: Some("bulk".into()),
            created_at: now,
        }),
        Record::Model(Model {
            id: model,
            name: format!("{prefix}-model"),
            description: None,
            use_case: Some("bulk loading".into()),
            team_id: Some(team),
            risk_level: RiskLevel::High,
            compliance_required: true,
            is_active: true,
            created_at: now,
            updated_at: now,
        }),
        Record::ModelVersion(ModelVersion {
            id: version,
            model_id: model,
            semver: "1.0.0-rc.1".into(),
            artifact_uri: "s3://bulk/model.bin".into(),
            framework: Framework::Onnx,
            framework_version: None,
            python_version: Some("3.12".into()),
            status: VersionStatus::Validated,
            size_bytes: Some(5_000_000_000),
            checksum_sha256: Some("ab".repeat(32)),
            metadata: object(json!({"auc": 0.9})),
            created_at: now,
            description: None,
        }),
        Record::TrainingRun(TrainingRun {
            id: Uuid::now_v7(),
            version_id: version,
            run_name: "bulk-run".into(),
            status: RunStatus::Succeeded,
            started_at: now,
            completed_at: Some(now),
            duration_seconds: Some(0),
            gpu_hours: 1.5,
            cost_usd: Some(2.5),
            dataset_name: None,
            dataset_version: None,
            hyperparameters: object(json!({"lr": 0.1})),
            environment: JsonObject::new(),
            created_by: Some("loader".into()),
        }),
        Record::Metric(Metric {
            id: Uuid::now_v7(),
            version_id: version,
            name: "auc".into(),
            value: 0.9,
            split: Split::Test,
            recorded_at: now,
        }),
        Record::Environment(Environment {
            id: env,
            name: format!("{prefix}-env"),
            kind: EnvironmentKind::Staging,
            region: None,
            kubernetes_namespace: Some("bulk".into()),
            config: JsonObject::new(),
            is_active: true,
            created_at: now,
        }),
        Record::Deployment(Deployment {
            id: Uuid::now_v7(),
            version_id: version,
            environment_id: env,
            name: "bulk-deployment".into(),
            status: DeploymentStatus::Healthy,
            endpoint_url: None,
            replicas: 2,
            cpu_request: None,
            memory_request: None,
            gpu_count: 0,
            deployed_at: now,
            deployed_by: Some("loader".into()),
            terminated_at: None,
        }),
    ]
}

fn object(value: serde_json::Value) -> JsonObject {
    value.as_object().cloned().expect("an object")
}

/// The fields of a record, as its create event lists them.
fn fields(record: &Record) -> serde_json::Value {
    serde_json::to_value(record).unwrap()["record"].clone()
}

pub async fn bulk_create_writes_each_record_with_its_audit_event(reg: Registry) {
    let records = family("bulk");
    assert_eq!(reg.bulk_create(records.clone()).await.unwrap(), records.len() as u64);
    let mut stamps = std::collections::BTreeSet::new();
    for record in &records {
        let events = audit_of(&reg, record.kind(), record.id()).await;
        assert_eq!(events.len(), 1, "one event for {:?}", record.kind());
        let e = &events[0];
        let action = if record.kind() == EntityKind::Deployment {
            AuditAction::Deploy
        } else {
            AuditAction::Create
        };
        assert_eq!((e.action, e.actor.as_str()), (action, "conformance"));
        assert_eq!(serde_json::Value::Object(e.changes.clone()), fields(record));
        stamps.insert(e.timestamp);
    }
    assert_eq!(stamps.len(), 1, "one change, one timestamp");
    assert_eq!(all_audit(&reg).await.len(), records.len());
    // Every record reads back as written.
    let [
        Record::Team(t),
        Record::Tag(tag),
        Record::Model(m),
        Record::ModelVersion(v),
        Record::TrainingRun(run),
        Record::Metric(metric),
        Record::Environment(env),
        Record::Deployment(d),
    ] = &records[..]
    else {
        unreachable!()
    };
    assert_eq!(&reg.team(&t.id.into()).await.unwrap(), t);
    assert_eq!(&reg.model(&m.name.as_str().into()).await.unwrap(), m);
    assert_eq!(&reg.version(&v.id.into()).await.unwrap(), v);
    assert_eq!(&reg.run(run.id).await.unwrap(), run);
    let metrics = reg
        .metrics_of_version(&v.id.into(), &MetricFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(&metrics, std::slice::from_ref(metric));
    assert_eq!(&reg.environment(&env.id.into()).await.unwrap(), env);
    assert_eq!(&reg.deployment(d.id).await.unwrap(), d);
    let tags = reg.list_tags(Page::default()).await.unwrap();
    assert_eq!((&tags[0].tag, tags[0].model_count), (tag, 0));
    // The bulk-made registry keeps its rules.
    let promoted = reg
        .set_version_status(&v.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(promoted.status, VersionStatus::Production);
}

pub async fn bulk_create_validates_every_record_and_writes_nothing_on_failure(reg: Registry) {
    team(&reg, "taken").await;
    let before = (stats(&reg).await, all_audit(&reg).await);
    type Spoil = fn(&mut Record);
    let spoilers: [(Spoil, &str); 6] = [
        (
            |r| {
                if let Record::Model(m) = r {
                    m.name = " padded".into()
                }
            },
            "name",
        ),
        (
            |r| {
                if let Record::ModelVersion(v) = r {
                    v.semver = "1.0".into()
                }
            },
            "semver",
        ),
        (
            |r| {
                if let Record::ModelVersion(v) = r {
                    v.checksum_sha256 = Some("AB".repeat(32))
                }
            },
            "checksum_sha256",
        ),
        (
            |r| {
                if let Record::Metric(m) = r {
                    m.value = f64::NAN
                }
            },
            "value",
        ),
        (
            |r| {
                if let Record::Deployment(d) = r {
                    d.replicas = -1
                }
            },
            "replicas",
        ),
        (
            |r| {
                if let Record::TrainingRun(run) = r {
                    run.gpu_hours = -1.0
                }
            },
            "gpu_hours",
        ),
    ];
    for (spoil, field) in spoilers {
        let mut records = family("spoilt");
        records.iter_mut().for_each(spoil);
        assert_invalid(reg.bulk_create(records).await, field);
    }
    // A taken name conflicts; a missing parent is not found.
    let mut records = family("clash");
    if let Record::Team(t) = &mut records[0] {
        t.name = "taken".into();
    }
    assert_conflict(reg.bulk_create(records).await, EntityKind::Team, "name", "taken");
    let orphan = family("orphan")
        .into_iter()
        .filter(|r| r.kind() != EntityKind::Model)
        .collect();
    assert_not_found(reg.bulk_create(orphan).await, EntityKind::Model);
    assert_eq!(
        (stats(&reg).await, all_audit(&reg).await),
        before,
        "nothing was written"
    );
}

pub async fn bulk_create_refuses_tag_links_and_audit_events(reg: Registry) {
    let records = family("refused");
    let (Record::Model(m), Record::Tag(tag)) = (&records[2], &records[1]) else {
        unreachable!()
    };
    let link = Record::ModelTag(ModelTag {
        model_id: m.id,
        tag_id: tag.id,
        assigned_at: modelreg_core::time::now(),
    });
    let event = Record::AuditEvent(AuditEvent::new(
        EntityKind::Model,
        m.id,
        AuditAction::Create,
        &actor(),
        JsonObject::new(),
        modelreg_core::time::now(),
    ));
    for extra in [link, event] {
        let kind = extra.record_kind();
        let mut batch = records.clone();
        batch.push(extra.clone());
        match reg.bulk_create(batch).await {
            Err(Error::Invalid { field: "kind", reason }) => {
                assert!(reason.contains(kind.as_str()), "{reason:?} names {kind}")
            }
            other => panic!("expected {kind} records to be refused, got {other:?}"),
        }
        assert_invalid(reg.bulk_create(vec![extra]).await, "kind");
    }
    assert_eq!(stats(&reg).await, Default::default());
    assert!(all_audit(&reg).await.is_empty());
}
