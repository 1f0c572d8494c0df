use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel, RiskLevel};
use modelreg_core::runs::NewRun;
use modelreg_core::{AuditAction, EntityKind, Page};

use crate::AnyRegistry;
use crate::fixtures::*;

fn names(models: Vec<Model>) -> Vec<String> {
    models.into_iter().map(|m| m.name).collect()
}

pub async fn create_model_returns_defaults(reg: AnyRegistry) {
    let m = model(&reg, "fraud-detector").await;
    assert_eq!(m.risk_level, RiskLevel::Medium);
    assert!(m.is_active);
    assert!(!m.compliance_required);
    assert_eq!(m.team_id, None);
    assert_eq!(m.created_at, m.updated_at);
    assert_eq!(reg.model(&m.id.into()).await.unwrap(), m);
    assert_eq!(reg.model(&"fraud-detector".into()).await.unwrap(), m);
}

pub async fn model_names_are_unique(reg: AnyRegistry) {
    model(&reg, "dup").await;
    assert_conflict(
        reg.create_model(NewModel::named("dup")).await,
        EntityKind::Model,
        "name",
        "dup",
    );
}

pub async fn model_of_unknown_team_is_not_found(reg: AnyRegistry) {
    let new = NewModel {
        team: Some(uuid::Uuid::new_v4().into()),
        ..NewModel::named("lost")
    };
    assert_not_found(reg.create_model(new).await, EntityKind::Team);
    assert_eq!(stats(&reg).await.models, 0);
}

pub async fn models_list_with_active_team_and_risk_filters(reg: AnyRegistry) {
    let (t1, t2) = (team(&reg, "t1").await, team(&reg, "t2").await);
    for (name, team_id, risk, active) in [
        ("a", t1.id, RiskLevel::High, true),
        ("b", t1.id, RiskLevel::Low, true),
        ("c", t2.id, RiskLevel::High, true),
        ("d", t1.id, RiskLevel::High, false),
    ] {
        let new = NewModel {
            team: Some(team_id.into()),
            risk_level: risk,
            ..NewModel::named(name)
        };
        let m = reg.create_model(new).await.unwrap();
        if !active {
            let update = ModelUpdate {
                is_active: Some(false),
                ..ModelUpdate::default()
            };
            reg.update_model(&m.id.into(), update).await.unwrap();
        }
    }
    let list = |filter| reg.list_models(filter, Page::default());
    assert_eq!(names(list(ModelFilter::default()).await.unwrap()), ["a", "b", "c", "d"]);
    let active = ModelFilter {
        active_only: true,
        ..ModelFilter::default()
    };
    assert_eq!(names(list(active).await.unwrap()), ["a", "b", "c"]);
    let of_t1 = ModelFilter {
        team: Some(t1.id.into()),
        ..ModelFilter::default()
    };
    assert_eq!(names(list(of_t1).await.unwrap()), ["a", "b", "d"]);
    let high_active_t1 = ModelFilter {
        active_only: true,
        team: Some(t1.id.into()),
        risk_level: Some(RiskLevel::High),
    };
    assert_eq!(names(list(high_active_t1).await.unwrap()), ["a"]);
}

pub async fn models_list_by_name_with_offset_and_limit(reg: AnyRegistry) {
    for i in (0..7).rev() {
        model(&reg, &format!("m{i}")).await;
    }
    let page = reg
        .list_models(ModelFilter::default(), Page::new(2, 3).unwrap())
        .await
        .unwrap();
    assert_eq!(names(page), ["m2", "m3", "m4"]);
}

pub async fn search_is_a_case_insensitive_substring_match(reg: AnyRegistry) {
    for name in ["BERT-Classifier", "bert-tiny", "ResNet", "roberta"] {
        model(&reg, name).await;
    }
    let found = reg.search_models("BeRt", Page::default()).await.unwrap();
    assert_eq!(names(found), ["BERT-Classifier", "bert-tiny", "roberta"]);
    assert!(reg.search_models("gpt", Page::default()).await.unwrap().is_empty());
    let limited = reg.search_models("bert", Page::first(1).unwrap()).await.unwrap();
    assert_eq!(names(limited), ["BERT-Classifier"]);
}

pub async fn search_treats_percent_and_underscore_literally(reg: AnyRegistry) {
    for name in ["100%-recall", "100x-recall", "a_b", "axb", "back\\slash"] {
        model(&reg, name).await;
    }
    assert_eq!(
        names(reg.search_models("%", Page::default()).await.unwrap()),
        ["100%-recall"]
    );
    assert_eq!(
        names(reg.search_models("0%-", Page::default()).await.unwrap()),
        ["100%-recall"]
    );
    assert_eq!(names(reg.search_models("_", Page::default()).await.unwrap()), ["a_b"]);
    assert_eq!(
        names(reg.search_models("\\", Page::default()).await.unwrap()),
        ["back\\slash"]
    );
}

pub async fn updating_a_model_moves_updated_at(reg: AnyRegistry) {
    let m = model(&reg, "evolving").await;
    let update = ModelUpdate {
        description: Some(Some("now documented".into())),
        risk_level: Some(RiskLevel::Critical),
        compliance_required: Some(true),
        ..ModelUpdate::default()
    };
    let updated = reg.update_model(&m.id.into(), update).await.unwrap();
    assert!(updated.updated_at > m.updated_at);
    assert_eq!(updated.created_at, m.created_at);
    assert_eq!(updated.risk_level, RiskLevel::Critical);
    assert_eq!(reg.model(&m.id.into()).await.unwrap(), updated);
    let events = audit_of(&reg, EntityKind::Model, m.id).await;
    assert_eq!(events[0].action, AuditAction::Update);
    let changed: Vec<&str> = events[0].changes.keys().map(String::as_str).collect();
    assert_eq!(changed, ["compliance_required", "description", "risk_level"]);
}

pub async fn an_update_that_changes_nothing_writes_nothing(reg: AnyRegistry) {
    let m = model(&reg, "stable").await;
    let same = ModelUpdate {
        name: Some("stable".into()),
        ..ModelUpdate::default()
    };
    let after = reg.update_model(&m.id.into(), same).await.unwrap();
    assert_eq!(after, m);
    assert_eq!(audit_of(&reg, EntityKind::Model, m.id).await.len(), 1);
}

pub async fn add_tag_creates_the_tag_and_twice_is_a_no_op(reg: AnyRegistry) {
    let m = model(&reg, "tagged").await;
    assert!(reg.add_tag(&m.id.into(), "nlp").await.unwrap());
    assert!(!reg.add_tag(&m.id.into(), "nlp").await.unwrap());
    let tags = reg.tags_of_model(&m.id.into(), Page::default()).await.unwrap();
    assert_eq!(tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["nlp"]);
    assert_eq!(stats(&reg).await.tags, 1);
    let events = audit_of(&reg, EntityKind::Model, m.id).await;
    assert_eq!(events.len(), 2, "create + one tag event, none for the no-op");
    assert_not_found(
        reg.add_tag(&uuid::Uuid::new_v4().into(), "nlp").await,
        EntityKind::Model,
    );
}

pub async fn remove_tag_unlinks_only_that_model(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    reg.add_tag(&a.id.into(), "shared").await.unwrap();
    reg.add_tag(&b.id.into(), "shared").await.unwrap();
    assert!(reg.remove_tag(&a.id.into(), "shared").await.unwrap());
    assert!(!reg.remove_tag(&a.id.into(), "shared").await.unwrap());
    assert!(!reg.remove_tag(&a.id.into(), "never-existed").await.unwrap());
    assert!(
        reg.tags_of_model(&a.id.into(), Page::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(reg.tags_of_model(&b.id.into(), Page::default()).await.unwrap().len(), 1);
}

pub async fn models_are_listed_by_tag(reg: AnyRegistry) {
    for name in ["z-model", "a-model", "untagged"] {
        let m = model(&reg, name).await;
        if name != "untagged" {
            reg.add_tag(&m.id.into(), "vision").await.unwrap();
        }
    }
    let tagged = reg.models_by_tag("vision", Page::default()).await.unwrap();
    assert_eq!(names(tagged), ["a-model", "z-model"]);
    assert!(reg.models_by_tag("unknown", Page::default()).await.unwrap().is_empty());
}

pub async fn tags_list_with_model_counts(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    reg.add_tag(&a.id.into(), "prod").await.unwrap();
    reg.add_tag(&b.id.into(), "prod").await.unwrap();
    reg.add_tag(&a.id.into(), "beta").await.unwrap();
    reg.remove_tag(&a.id.into(), "beta").await.unwrap();
    let tags = reg.list_tags(Page::default()).await.unwrap();
    let counts: Vec<(&str, u64)> = tags.iter().map(|t| (t.tag.name.as_str(), t.model_count)).collect();
    assert_eq!(counts, [("beta", 0), ("prod", 2)]);
}

pub async fn deleting_a_model_cascades_to_everything_below_it(reg: AnyRegistry) {
    let m = model(&reg, "doomed").await;
    let keep = model(&reg, "kept").await;
    let v = version(&reg, &m, "1.0.0").await;
    let kept_v = version(&reg, &keep, "1.0.0").await;
    let run = reg.start_run(&v.id.into(), NewRun::named("r")).await.unwrap();
    reg.record_metric(&v.id.into(), NewMetric::new("acc", 0.9, Split::Test))
        .await
        .unwrap();
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let d = deploy(&reg, &v, &env, "doomed-prod").await;
    deploy(&reg, &kept_v, &env, "kept-prod").await;
    reg.add_tag(&m.id.into(), "t").await.unwrap();

    reg.delete_model(&m.id.into()).await.unwrap();

    assert_not_found(reg.model(&m.id.into()).await, EntityKind::Model);
    assert_not_found(reg.version(&v.id.into()).await, EntityKind::ModelVersion);
    assert_not_found(reg.run(run.id).await, EntityKind::TrainingRun);
    assert_not_found(reg.deployment(d.id).await, EntityKind::Deployment);
    let s = stats(&reg).await;
    assert_eq!(
        (s.models, s.model_versions, s.training_runs, s.metrics, s.deployments),
        (1, 1, 0, 0, 1)
    );
    assert_eq!(s.tags, 1, "the tag itself stays");
    assert_eq!(reg.list_tags(Page::default()).await.unwrap()[0].model_count, 0);
    let counts = reg.deployment_status_counts().await.unwrap();
    assert_eq!(counts[&DeploymentStatus::Deploying], 1);
}

pub async fn model_with_versions_returns_a_page_newest_first_with_the_total(reg: AnyRegistry) {
    let m = model(&reg, "versioned").await;
    for semver in ["1.0.0", "1.1.0", "0.9.0"] {
        version(&reg, &m, semver).await;
    }
    let full = reg.model_with_versions(&m.id.into(), Page::default()).await.unwrap();
    assert_eq!(full.model, m);
    let semvers: Vec<&str> = full.versions.iter().map(|v| v.semver.as_str()).collect();
    assert_eq!(semvers, ["0.9.0", "1.1.0", "1.0.0"]);
    assert_eq!(full.version_count, 3);
    let first = reg
        .model_with_versions(&m.id.into(), Page::first(2).unwrap())
        .await
        .unwrap();
    let semvers: Vec<&str> = first.versions.iter().map(|v| v.semver.as_str()).collect();
    assert_eq!(semvers, ["0.9.0", "1.1.0"], "the first page only");
    assert_eq!(first.version_count, 3, "the total, beyond the page");
}
