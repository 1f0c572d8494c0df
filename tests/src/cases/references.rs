//! References: a version by id, `MODEL@SEMVER`, `MODEL@latest` and
//! `MODEL@production`; a model by id or by name, even a name shaped like an id.

use modelreg_core::deployments::NewDeployment;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::{MetricFilter, NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel};
use modelreg_core::runs::{NewRun, RunFilter};
use modelreg_core::versions::VersionStatus;
use modelreg_core::{EntityKind, Page, Ref, Selector, VersionRef};

use crate::AnyRegistry;
use crate::fixtures::*;

pub async fn a_version_is_reached_by_id_semver_latest_and_production(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let v1 = version(&reg, &m, "1.2.0").await;
    let v2 = version(&reg, &m, "1.10.0").await;
    version(&reg, &m, "1.9.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let v1 = reg.version(&VersionRef::Id(v1.id)).await.unwrap();
    assert_eq!(v1.status, VersionStatus::Production);
    let by = |text: &str| VersionRef::parse(text).expect("a version reference");
    for (reference, expected) in [
        (by(&v1.id.to_string()), &v1),
        (by("fraud@1.2.0"), &v1),
        (VersionRef::semver("fraud", "1.2.0"), &v1),
        (by(&format!("{}@1.2.0", m.id)), &v1),
        (by("fraud@latest"), &v2),
        (VersionRef::of(m.id, Selector::Latest), &v2),
        (by("fraud@production"), &v1),
        (VersionRef::of("fraud", Selector::Production), &v1),
    ] {
        assert_eq!(&reg.version(&reference).await.unwrap(), expected, "{reference}");
    }
}

pub async fn a_model_is_reached_by_id_and_by_name(reg: AnyRegistry) {
    let m = model(&reg, "churn").await;
    model(&reg, "other").await;
    for reference in [
        Ref::Id(m.id),
        Ref::from(m.id),
        Ref::name("churn"),
        Ref::from("churn"),
        Ref::parse(&m.id.to_string()),
    ] {
        assert_eq!(reg.model(&reference).await.unwrap(), m, "{reference}");
    }
    // Every operation that names a model takes either.
    let v = reg
        .register_version(&Ref::name("churn"), new_version("1.0.0"))
        .await
        .unwrap();
    assert_eq!(v.model_id, m.id);
    let by_id = reg
        .list_versions(&m.id.into(), Default::default(), Page::default())
        .await
        .unwrap();
    let by_name = reg
        .list_versions(&"churn".into(), Default::default(), Page::default())
        .await
        .unwrap();
    assert_eq!((by_id.len(), &by_id), (1, &by_name));
}

pub async fn a_model_named_like_a_uuid_is_still_found_by_name(reg: AnyRegistry) {
    let name = uuid::Uuid::new_v4().to_string();
    let m = model(&reg, &name).await;
    assert!(matches!(Ref::parse(&name), Ref::Id(_)), "the name parses as an id");
    assert_eq!(reg.model(&Ref::parse(&name)).await.unwrap(), m);
    assert_eq!(reg.model(&Ref::name(&name)).await.unwrap(), m);
    // Inside a change too, and as the model part of a version reference.
    let v = reg
        .register_version(&Ref::parse(&name), new_version("1.0.0"))
        .await
        .unwrap();
    let reference = VersionRef::parse(&format!("{name}@1.0.0")).unwrap();
    assert_eq!(reg.version(&reference).await.unwrap(), v);
    let promoted = reg
        .set_version_status(&reference, VersionStatus::Validated)
        .await
        .unwrap();
    assert_eq!(promoted.id, v.id);
    // An id wins over a name: a model named after another model's id is reached by name only.
    let twin = model(&reg, &m.id.to_string()).await;
    assert_eq!(reg.model(&Ref::parse(&m.id.to_string())).await.unwrap(), m);
    assert_eq!(reg.model(&Ref::name(m.id.to_string())).await.unwrap(), twin);
}

pub async fn a_missing_model_is_not_found_under_its_reference(reg: AnyRegistry) {
    let m = model(&reg, "present").await;
    version(&reg, &m, "1.0.0").await;
    let ghost = uuid::Uuid::new_v4();
    assert_not_found_key(reg.model(&"ghost".into()).await, EntityKind::Model, "ghost");
    assert_not_found_key(reg.model(&ghost.into()).await, EntityKind::Model, &ghost.to_string());
    for selector in [Selector::Semver("1.0.0".into()), Selector::Latest, Selector::Production] {
        let reference = VersionRef::of("ghost", selector.clone());
        assert_not_found_key(reg.version(&reference).await, EntityKind::Model, "ghost");
        let by_id = VersionRef::of(ghost, selector);
        assert_not_found_key(reg.version(&by_id).await, EntityKind::Model, &ghost.to_string());
        let promote = reg.set_version_status(&reference, VersionStatus::Production).await;
        assert_not_found_key(promote, EntityKind::Model, "ghost");
    }
    let missing = uuid::Uuid::new_v4();
    assert_not_found_key(
        reg.version(&missing.into()).await,
        EntityKind::ModelVersion,
        &missing.to_string(),
    );
    assert_not_found_key(
        reg.register_version(&"ghost".into(), new_version("1.0.0")).await,
        EntityKind::Model,
        "ghost",
    );
}

pub async fn a_missing_version_names_the_model_and_selector(reg: AnyRegistry) {
    let m = model(&reg, "lonely").await;
    // Named by id, the key still names the model by its name.
    for model_ref in [Ref::name("lonely"), Ref::Id(m.id)] {
        let of = |selector| VersionRef::of(model_ref.clone(), selector);
        assert_not_found_key(
            reg.version(&of(Selector::Semver("1.0.0".into()))).await,
            EntityKind::ModelVersion,
            "lonely@1.0.0",
        );
        for (selector, prefix) in [
            (Selector::Latest, "lonely@latest"),
            (Selector::Production, "lonely@production"),
        ] {
            match reg.version(&of(selector)).await {
                Err(modelreg_core::Error::NotFound {
                    entity: EntityKind::ModelVersion,
                    key,
                }) => assert!(key.starts_with(prefix), "{key:?} names {prefix}"),
                other => panic!("expected {prefix} to be missing, got {other:?}"),
            }
        }
    }
    version(&reg, &m, "1.0.0").await;
    environment(&reg, "staging", EnvironmentKind::Staging).await;
    let production = VersionRef::of("lonely", Selector::Production);
    let deploy = reg
        .deploy(&production, &"staging".into(), NewDeployment::named("d"))
        .await;
    assert_not_found(deploy, EntityKind::ModelVersion);
    let run = reg
        .start_run(&VersionRef::semver("lonely", "2.0.0"), NewRun::named("r"))
        .await;
    assert_not_found_key(run, EntityKind::ModelVersion, "lonely@2.0.0");
    assert_eq!(stats(&reg).await.training_runs, 0);
}

pub async fn changes_resolve_version_references_in_their_transaction(reg: AnyRegistry) {
    let m = reg
        .create_model(NewModel {
            team: Some(team(&reg, "owners").await.name.into()),
            ..NewModel::named("served")
        })
        .await
        .unwrap();
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "2.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let latest = VersionRef::of("served", Selector::Latest);
    let production = VersionRef::of("served", Selector::Production);
    let promoted = reg
        .set_version_status(&latest, VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(promoted.id, v2.id);
    let d = reg
        .deploy(&production, &"prod".into(), NewDeployment::named("served"))
        .await
        .unwrap();
    assert_eq!((d.version_id, d.environment_id), (v2.id, env.id));
    let pinned = VersionRef::semver("served", "1.0.0");
    reg.start_run(&pinned, NewRun::named("r")).await.unwrap();
    reg.record_metric(&pinned, NewMetric::new("auc", 0.5, Split::Test))
        .await
        .unwrap();
    let runs = reg
        .runs_of_version(&v1.id.into(), RunFilter::default(), Page::default())
        .await
        .unwrap();
    let metrics = reg
        .metrics_of_version(&v1.id.into(), &MetricFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!((runs.len(), metrics.len()), (1, 1));
    // Promoting 1.0.0 moves `production` to it; the reference now means 1.0.0.
    reg.set_version_status(&pinned, VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(reg.version(&production).await.unwrap().id, v1.id);
    assert_eq!(
        reg.version(&v2.id.into()).await.unwrap().status,
        VersionStatus::Archived
    );
    reg.delete_version(&production).await.unwrap();
    assert_not_found(reg.version(&v1.id.into()).await, EntityKind::ModelVersion);
    assert_eq!(reg.model(&"served".into()).await.unwrap().team_id, m.team_id);
}

/// Names that read as words of a path (`search`, `.`, `..`, `a/b`, `%20`)
/// or as a marker (`name:x`) reach their model, its versions and a tag of
/// the same name, as any name does.
pub async fn names_that_look_like_paths_reach_their_model(reg: AnyRegistry) {
    for name in ["search", ".", "..", "a/b", "a@b", "%20", "name:x", "?q=1#f"] {
        let m = model(&reg, name).await;
        assert_eq!(reg.model(&Ref::name(name)).await.unwrap(), m, "{name}");
        let v = version(&reg, &m, "1.0.0").await;
        let reference = VersionRef::semver(Ref::name(name), "1.0.0");
        assert_eq!(reg.version(&reference).await.unwrap(), v, "{name}");
        let update = ModelUpdate {
            description: Some(Some(format!("the {name} model"))),
            ..ModelUpdate::default()
        };
        let updated = reg.update_model(&Ref::name(name), update).await.unwrap();
        assert_eq!(
            updated.description.as_deref(),
            Some(format!("the {name} model").as_str())
        );
        assert_eq!(
            reg.list_versions(&Ref::name(name), Default::default(), Page::default())
                .await
                .unwrap(),
            [v]
        );
        assert!(reg.add_tag(&Ref::name(name), name).await.unwrap(), "{name}");
        let tagged = reg.models_by_tag(name, Page::default()).await.unwrap();
        assert_eq!(tagged.iter().map(|m| m.id).collect::<Vec<_>>(), [m.id], "{name}");
        assert!(reg.remove_tag(&Ref::name(name), name).await.unwrap(), "{name}");
    }
}
