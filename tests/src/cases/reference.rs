//! The reference design's own tests (`tests/test_models.py` and
//! `tests/test_repositories.py`), ported.

use modelreg_core::models::{ModelFilter, ModelUpdate, NewModel, RiskLevel};
use modelreg_core::teams::NewTeam;
use modelreg_core::versions::{VersionFilter, VersionStatus};
use modelreg_core::{EntityKind, Page};

use crate::AnyRegistry;
use crate::fixtures::*;

pub async fn test_team_creation(reg: AnyRegistry) {
    let t = team(&reg, "ml-platform").await;
    assert_eq!(t.name, "ml-platform");
    assert!(t.active);
    assert!(t.created_at <= modelreg_core::time::now());
}

pub async fn test_team_unique_constraint(reg: AnyRegistry) {
    team(&reg, "duplicate-team").await;
    let again = reg.create_team(NewTeam::named("duplicate-team")).await;
    assert_conflict(again, EntityKind::Team, "name", "duplicate-team");
}

pub async fn test_model_creation(reg: AnyRegistry) {
    let t = team(&reg, "t").await;
    let new = NewModel {
        description: Some("BERT for sentiment analysis".into()),
        team: Some(t.id.into()),
        risk_level: RiskLevel::Medium,
        ..NewModel::named("bert-classifier")
    };
    let m = reg.create_model(new).await.unwrap();
    assert_eq!(m.name, "bert-classifier");
    assert_eq!(m.team_id, Some(t.id));
    assert_eq!(m.risk_level, RiskLevel::Medium);
}

pub async fn test_model_version_relationship(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "1.1.0").await;
    let versions = reg
        .list_versions(&m.id.into(), VersionFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&v1) && versions.contains(&v2));
}

pub async fn test_model_version_unique_constraint(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    version(&reg, &m, "1.0.0").await;
    let again = reg.register_version(&m.id.into(), other_artifact("1.0.0")).await;
    assert_mismatch(again, &["artifact_uri"]);
}

pub async fn test_model_cascade_delete(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.delete_model(&m.id.into()).await.unwrap();
    assert_not_found(reg.version(&v.id.into()).await, EntityKind::ModelVersion);
}

pub async fn test_team_set_null_on_delete(reg: AnyRegistry) {
    let t = team(&reg, "t").await;
    let m = reg
        .create_model(NewModel {
            team: Some(t.id.into()),
            ..NewModel::named("m")
        })
        .await
        .unwrap();
    reg.delete_team(&t.id.into()).await.unwrap();
    assert_eq!(reg.model(&m.id.into()).await.unwrap().team_id, None);
}

pub async fn test_create_team(reg: AnyRegistry) {
    let new = NewTeam {
        name: "ml-platform".into(),
        department: Some("Engineering".into()),
        cost_center: Some("CC-1234".into()),
    };
    let t = reg.create_team(new).await.unwrap();
    assert_eq!(t.name, "ml-platform");
    assert_eq!(t.department.as_deref(), Some("Engineering"));
}

pub async fn test_get_team_by_name(reg: AnyRegistry) {
    let t = team(&reg, "search-team").await;
    assert_eq!(reg.team(&"search-team".into()).await.unwrap().id, t.id);
}

pub async fn test_list_models_with_filters(reg: AnyRegistry) {
    let (t1, t2) = (team(&reg, "t1").await, team(&reg, "t2").await);
    for (name, team, active, risk) in [
        ("m1", &t1, true, RiskLevel::High),
        ("m2", &t1, false, RiskLevel::Medium),
        ("m3", &t2, true, RiskLevel::High),
    ] {
        let new = NewModel {
            team: Some(team.id.into()),
            risk_level: risk,
            ..NewModel::named(name)
        };
        let m = reg.create_model(new).await.unwrap();
        if !active {
            reg.update_model(
                &m.id.into(),
                ModelUpdate {
                    is_active: Some(false),
                    ..ModelUpdate::default()
                },
            )
            .await
            .unwrap();
        }
    }
    let filter = ModelFilter {
        active_only: true,
        risk_level: Some(RiskLevel::High),
        team: None,
    };
    let results = reg.list_models(filter, Page::first(100).unwrap()).await.unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|m| m.is_active && m.risk_level == RiskLevel::High));
}

pub async fn test_get_latest_version(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    version(&reg, &m, "1.0.0").await;
    version(&reg, &m, "1.1.0").await;
    let v3 = version(&reg, &m, "2.0.0").await;
    let latest = reg.latest_version(&m.id.into(), None).await.unwrap().unwrap();
    assert_eq!(latest.id, v3.id);
    assert_eq!(latest.semver, "2.0.0");
}

pub async fn test_get_model_summary(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "1.0.1").await;
    reg.set_version_status(&v2.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let summary = reg.model_summary(&m.id.into()).await.unwrap();
    assert_eq!(summary.version_count, 2);
    assert_eq!(summary.production_version.as_deref(), Some("1.0.1"));
}
