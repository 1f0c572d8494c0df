use modelreg_core::teams::{NewTeam, TeamFilter, TeamUpdate};
use modelreg_core::{AuditAction, EntityKind, Page};
use serde_json::json;

use crate::AnyRegistry;
use crate::fixtures::*;

pub async fn create_team_returns_defaults(reg: AnyRegistry) {
    let new = NewTeam {
        name: "ml-platform".into(),
        department: Some("Engineering".into()),
        cost_center: Some("CC-1234".into()),
    };
    let team = reg.create_team(new).await.unwrap();
    assert!(team.active);
    assert_eq!(team.department.as_deref(), Some("Engineering"));
    assert_eq!(reg.team(&team.id.into()).await.unwrap(), team);
}

pub async fn team_names_are_unique(reg: AnyRegistry) {
    team(&reg, "vision").await;
    let again = reg.create_team(NewTeam::named("vision")).await;
    assert_conflict(again, EntityKind::Team, "name", "vision");
    assert_eq!(stats(&reg).await.teams, 1);
}

pub async fn team_is_found_by_id_and_name(reg: AnyRegistry) {
    let t = team(&reg, "search").await;
    assert_eq!(reg.team(&"search".into()).await.unwrap().id, t.id);
    assert_eq!(reg.team(&t.id.into()).await.unwrap().name, "search");
}

pub async fn missing_team_is_not_found(reg: AnyRegistry) {
    assert_not_found(reg.team(&"nobody".into()).await, EntityKind::Team);
    assert_not_found(reg.team(&uuid::Uuid::new_v4().into()).await, EntityKind::Team);
}

pub async fn teams_list_by_name_with_offset_and_limit(reg: AnyRegistry) {
    for name in ["delta", "alpha", "charlie", "bravo", "echo"] {
        team(&reg, name).await;
    }
    let names = |teams: Vec<modelreg_core::teams::Team>| teams.into_iter().map(|t| t.name).collect::<Vec<_>>();
    let all = reg.list_teams(TeamFilter::default(), Page::default()).await.unwrap();
    assert_eq!(names(all), ["alpha", "bravo", "charlie", "delta", "echo"]);
    let page = reg
        .list_teams(TeamFilter::default(), Page::new(1, 2).unwrap())
        .await
        .unwrap();
    assert_eq!(names(page), ["bravo", "charlie"]);
    let past_end = reg
        .list_teams(TeamFilter::default(), Page::new(10, 2).unwrap())
        .await
        .unwrap();
    assert!(past_end.is_empty());
}

pub async fn teams_list_active_only(reg: AnyRegistry) {
    let a = team(&reg, "a").await;
    team(&reg, "b").await;
    reg.deactivate_team(&a.id.into()).await.unwrap();
    let active = reg
        .list_teams(TeamFilter { active_only: true }, Page::default())
        .await
        .unwrap();
    assert_eq!(active.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["b"]);
    let all = reg.list_teams(TeamFilter::default(), Page::default()).await.unwrap();
    assert_eq!(all.len(), 2);
}

pub async fn updating_a_team_audits_old_and_new_values(reg: AnyRegistry) {
    let t = team(&reg, "nlp").await;
    let update = TeamUpdate {
        department: Some(Some("Research".into())),
        cost_center: Some(Some("CC-9".into())),
        ..TeamUpdate::default()
    };
    let updated = reg.update_team(&t.id.into(), update).await.unwrap();
    assert_eq!(updated.department.as_deref(), Some("Research"));
    assert_eq!(reg.team(&t.id.into()).await.unwrap(), updated);
    let events = audit_of(&reg, EntityKind::Team, t.id).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].action, AuditAction::Update);
    assert_eq!(
        serde_json::Value::Object(events[0].changes.clone()),
        json!({
            "department": {"old": null, "new": "Research"},
            "cost_center": {"old": null, "new": "CC-9"},
        })
    );
}

pub async fn renaming_a_team_to_a_taken_name_conflicts(reg: AnyRegistry) {
    team(&reg, "taken").await;
    let t = team(&reg, "free").await;
    let update = TeamUpdate {
        name: Some("taken".into()),
        ..TeamUpdate::default()
    };
    assert_conflict(
        reg.update_team(&t.id.into(), update).await,
        EntityKind::Team,
        "name",
        "taken",
    );
    assert_eq!(reg.team(&t.id.into()).await.unwrap().name, "free");
    assert_eq!(audit_of(&reg, EntityKind::Team, t.id).await.len(), 1);
}

pub async fn deactivating_a_team_is_a_soft_delete(reg: AnyRegistry) {
    let t = team(&reg, "legacy").await;
    let deactivated = reg.deactivate_team(&t.id.into()).await.unwrap();
    assert!(!deactivated.active);
    assert!(!reg.team(&t.id.into()).await.unwrap().active, "still there, inactive");
}

pub async fn deleting_a_team_leaves_its_models_without_team(reg: AnyRegistry) {
    let t = team(&reg, "gone").await;
    let new = modelreg_core::models::NewModel {
        team: Some(t.id.into()),
        ..modelreg_core::models::NewModel::named("orphan")
    };
    let m = reg.create_model(new).await.unwrap();
    reg.delete_team(&t.id.into()).await.unwrap();
    assert_not_found(reg.team(&t.id.into()).await, EntityKind::Team);
    assert_eq!(reg.model(&m.id.into()).await.unwrap().team_id, None);
    assert_not_found(reg.delete_team(&t.id.into()).await, EntityKind::Team);
}
