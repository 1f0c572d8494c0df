//! The query language: hand-written cases for what users ask, and a property
//! test proving that the backend answers exactly what core's reference
//! evaluator answers, row for row and in order, on generated registries.

use std::io::BufRead;

use modelreg_core::Record;
use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::query::eval::Dataset;
use modelreg_core::query::{Entity, Expr, FieldType, Query, Source};
use modelreg_core::runs::NewRun;
use modelreg_core::versions::{Framework, VersionStatus};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRng, TestRunner};
use serde_json::json;

use crate::fixtures::*;
use crate::{ActingAs, AnyRegistry, AsApi};

/// The records of a registry, read back through an export.
async fn dataset(reg: &(impl AsApi + ?Sized)) -> Dataset {
    let reg = reg.api();
    let mut bytes = Vec::new();
    reg.export(&mut bytes, &mut |_, _| {}).await.expect("export");
    let records = bytes
        .lines()
        .skip(1)
        .map(|line| serde_json::from_str::<Record>(&line.expect("line")).expect("record"));
    Dataset::new(records)
}

fn semvers(listing: &modelreg_core::query::Listing<modelreg_core::versions::ModelVersion>) -> Vec<String> {
    listing.items.iter().map(|v| v.semver.clone()).collect()
}

pub async fn queries_answer_what_users_ask_of_versions(reg: AnyRegistry) {
    let team = team(&reg, "fraud").await;
    let mut new = modelreg_core::models::NewModel::named("detector");
    new.team = Some(team.id.into());
    let m = reg.create_model(new).await.unwrap();
    let other = model(&reg, "recommender").await;
    for (semver, framework, auc, status) in [
        ("1.0.0", Framework::Xgboost, json!(0.95), VersionStatus::Validated),
        ("1.1.0", Framework::Xgboost, json!(0.85), VersionStatus::Production),
        ("1.2.0", Framework::Xgboost, json!("0.99"), VersionStatus::Validated),
        ("2.0.0-rc.1", Framework::Pytorch, json!(0.97), VersionStatus::Registered),
    ] {
        let mut new = new_version(semver);
        new.framework = framework;
        new.metadata = json!({ "accuracy": auc }).as_object().cloned().unwrap();
        let v = reg.register_version(&m.id.into(), new).await.unwrap();
        reg.set_version_status(&v.id.into(), status).await.unwrap();
    }
    version(&reg, &other, "1.0.0").await;
    let asked =
        Query::filter("framework = 'xgboost' and status in ('production', 'validated') and metadata.accuracy >= 0.9");
    assert_eq!(semvers(&reg.find_versions(None, &asked).await.unwrap()), ["1.0.0"]);
    let by_team = Query::filter("model.team = 'fraud' and not semver < '1.1.0'").sorted("semver desc");
    assert_eq!(
        semvers(&reg.find_versions(None, &by_team).await.unwrap()),
        ["1.2.0", "1.1.0"],
        "semver order is latest's order: 2.0.0-rc.1 ranks below every release"
    );
    let of_model = Query::filter("metadata.accuracy is null");
    assert!(
        reg.find_versions(Some(&m.id.into()), &of_model)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let named = Query::filter("model.name contains 'RECOMM'");
    assert_eq!(semvers(&reg.find_versions(None, &named).await.unwrap()), ["1.0.0"]);
    let production = modelreg_core::VersionRef::semver(m.id, "1.1.0");
    reg.set_alias(&production, "champion").await.unwrap();
    reg.set_alias(&production, "stable").await.unwrap();
    let aliased = Query::filter("alias = 'champion'");
    assert_eq!(semvers(&reg.find_versions(None, &aliased).await.unwrap()), ["1.1.0"]);
    let either = Query::filter("alias in ('stable', 'canary') and model.name = 'detector'");
    assert_eq!(semvers(&reg.find_versions(None, &either).await.unwrap()), ["1.1.0"]);
    let unaliased = Query::filter("alias is null").sorted("semver desc");
    assert_eq!(
        semvers(&reg.find_versions(Some(&m.id.into()), &unaliased).await.unwrap()),
        ["1.2.0", "1.0.0", "2.0.0-rc.1"]
    );
    let by_accuracy = Query::default().sorted("metadata.accuracy desc");
    assert_eq!(
        semvers(&reg.find_versions(Some(&m.id.into()), &by_accuracy).await.unwrap()),
        ["1.2.0", "2.0.0-rc.1", "1.0.0", "1.1.0"],
        "strings sort after numbers; numbers by value"
    );
    reg.set_alias(&modelreg_core::VersionRef::semver(m.id, "1.0.0"), "dev")
        .await
        .unwrap();
    for (sort, expected) in [("alias asc", ["1.1.0", "1.0.0"]), ("alias desc", ["1.1.0", "1.0.0"])] {
        let query = Query::filter("alias is not null").sorted(sort);
        assert_eq!(
            semvers(&reg.find_versions(Some(&m.id.into()), &query).await.unwrap()),
            expected,
            "{sort}: by the least alias (champion < dev) ascending, the greatest (stable > dev) descending"
        );
    }
    reg.add_tag(&other.id.into(), "zz").await.unwrap();
    reg.add_tag(&m.id.into(), "aa").await.unwrap();
    let models: Vec<String> = reg
        .find_models(&Query::default().sorted("tag desc, name"))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(models, ["recommender", "detector"]);
}

pub async fn queries_answer_what_users_ask_of_runs_deployments_and_the_audit_trail(
    reg: AnyRegistry,
    acting_as: ActingAs,
) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    for (name, cost) in [("cheap", 5.0), ("dear", 250.0), ("dearest", 900.0)] {
        let mut run = NewRun::named(name);
        run.cost_usd = Some(cost);
        reg.start_run(&v.id.into(), run).await.unwrap();
    }
    let query = Query::filter("cost_usd > 100 and started_at > 2000-01-01").sorted("cost_usd desc");
    let runs: Vec<String> = reg
        .find_runs(None, None, &query)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.run_name)
        .collect();
    assert_eq!(runs, ["dearest", "dear"]);
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let d = deploy(&reg, &v, &env, "serving").await;
    reg.set_deployment_status(d.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    let deployments = reg
        .find_deployments(
            None,
            None,
            &Query::filter("environment.kind = 'production' and status = 'healthy'"),
        )
        .await
        .unwrap();
    assert_eq!(deployments.items.len(), 1);
    let alice = acting_as("alice");
    alice.update_model(&m.id.into(), Default::default()).await.unwrap();
    alice.add_tag(&m.id.into(), "nlp").await.unwrap();
    let changed = reg
        .find_audit(&Query::filter("actor = 'alice' and timestamp >= 2000-01-01").sorted("timestamp desc"))
        .await
        .unwrap();
    assert!(!changed.items.is_empty() && changed.items.iter().all(|e| e.actor == "alice"));
}

pub async fn cursor_pages_stay_correct_while_rows_are_inserted(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    for i in 0..5 {
        version(&reg, &m, &format!("1.{i}.0")).await;
    }
    let mut query = Query::default().sorted("semver asc").limit(2);
    let mut seen = Vec::new();
    let mut inserted = false;
    loop {
        let page = reg.find_versions(Some(&m.id.into()), &query).await.unwrap();
        seen.extend(semvers(&page));
        if !inserted {
            // One row before the cursor, one after: only the later one is listed, once.
            version(&reg, &m, "0.1.0").await;
            version(&reg, &m, "9.0.0").await;
            inserted = true;
        }
        match page.next {
            Some(token) => query = query.after(token),
            None => break,
        }
    }
    assert_eq!(seen, ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "9.0.0"]);
    let bad = Query::default().sorted("created_at").after("not-a-token");
    assert_invalid(reg.find_versions(None, &bad).await, "page_token");
}

/// A literal of `ty` for a generated condition, drawn from values the generated registries use.
fn literal(ty: FieldType, rng: &mut TestRng) -> String {
    let pick = |options: &[&str], rng: &mut TestRng| options[rng.random_range(0..options.len())].to_owned();
    match ty {
        FieldType::Text => pick(
            &["'a'", "'b'", "'é'", "'Z'", "''", "'m-1'", "'nlp'", "'t-0'", "'alice'"],
            rng,
        ),
        FieldType::Json => pick(
            &[
                "'a'",
                "'É'",
                "'0.99'",
                "''",
                "0",
                "1",
                "-1.5",
                "0.95",
                "true",
                "false",
                "1e300",
                "18446744073709551615",
            ],
            rng,
        ),
        FieldType::Enum(values) => format!("'{}'", values[rng.random_range(0..values.len())]),
        FieldType::Int => pick(&["0", "1", "42", "-1", "9223372036854775807", "1.5", "5000000000"], rng),
        FieldType::Float => pick(&["0", "0.5", "1", "100", "-0.0", "1e9", "2.5"], rng),
        FieldType::Bool => pick(&["true", "false"], rng),
        FieldType::Time => pick(
            &[
                "2020-01-01",
                "2024-06-01T00:00:00Z",
                "2024-06-01T00:00:00.000001Z",
                "2030-01-01",
            ],
            rng,
        ),
        FieldType::Uuid => "'00000000-0000-0000-0000-000000000000'".to_owned(),
        FieldType::Semver => pick(&["'1.0.0'", "'1.0.0-rc.1'", "'2.0.0'", "'0.9.1'", "'1.10.0'"], rng),
    }
}

/// How a query names `field`: a JSON field with a random path into the generated values.
fn field_name(field: modelreg_core::query::Field, rng: &mut TestRng) -> String {
    match field.source {
        Source::Json(_) => {
            let paths = ["auc", "name", "flag", "nested", "nested.x", "missing", "lr"];
            format!("{}.{}", field.name, paths[rng.random_range(0..paths.len())])
        }
        _ => field.name.to_owned(),
    }
}

/// A random condition over one of `entity`'s fields.
fn condition(entity: Entity, rng: &mut TestRng) -> String {
    let fields = entity.fields();
    let field = fields[rng.random_range(0..fields.len())];
    let name = field_name(field, rng);
    let ordered = !matches!(field.ty, FieldType::Bool | FieldType::Uuid);
    match rng.random_range(0..10) {
        0 => format!("{name} is null"),
        1 => format!("{name} is not null"),
        2 if matches!(field.ty, FieldType::Text | FieldType::Enum(_) | FieldType::Json) => {
            let needles = ["'a'", "'E'", "'%'", "'_'", "'1'"];
            format!("{name} contains {}", needles[rng.random_range(0..needles.len())])
        }
        3 => format!("{name} in ({}, {})", literal(field.ty, rng), literal(field.ty, rng)),
        4 => format!("{name} not in ({})", literal(field.ty, rng)),
        _ => {
            let value = literal(field.ty, rng);
            let ordered = ordered && !matches!(value.as_str(), "true" | "false");
            let ops = if ordered {
                &["=", "!=", "<", "<=", ">", ">="][..]
            } else {
                &["=", "!="][..]
            };
            format!("{name} {} {value}", ops[rng.random_range(0..ops.len())])
        }
    }
}

/// A random filter: conditions joined by `and`/`or`, some negated or grouped.
fn filter(entity: Entity, rng: &mut TestRng) -> String {
    let mut text = condition(entity, rng);
    for _ in 0..rng.random_range(0..3) {
        let joiner = if rng.random_bool(0.5) { "and" } else { "or" };
        let next = condition(entity, rng);
        text = match rng.random_range(0..3) {
            0 => format!("not ({text}) {joiner} {next}"),
            1 => format!("({text}) {joiner} not {next}"),
            _ => format!("{text} {joiner} {next}"),
        };
    }
    text
}

/// A random sort: one or two of `entity`'s fields (any of them, JSON paths
/// and many-valued fields included), each ascending or descending.
/// Half of the sorts start with a JSON path or a many-valued field where the
/// entity has one: their orders are the ones the engines write most differently.
fn sort(entity: Entity, rng: &mut TestRng) -> String {
    let fields = entity.fields();
    let special: Vec<_> = fields
        .iter()
        .filter(|f| !matches!(f.source, Source::Column(..)))
        .collect();
    (0..rng.random_range(1..3))
        .map(|i| {
            let dir = if rng.random_bool(0.5) { "asc" } else { "desc" };
            let field = if i == 0 && !special.is_empty() && rng.random_bool(0.5) {
                *special[rng.random_range(0..special.len())]
            } else {
                fields[rng.random_range(0..fields.len())]
            };
            format!("{} {dir}", field_name(field, rng))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ids a registry answers for `query`, whole and page by page.
async fn answer(
    reg: &(impl AsApi + ?Sized),
    entity: Entity,
    query: &Query,
) -> Result<Vec<uuid::Uuid>, modelreg_core::Error> {
    let reg = reg.api();
    async fn ids(
        reg: &(impl AsApi + ?Sized),
        entity: Entity,
        query: &Query,
    ) -> Result<(Vec<uuid::Uuid>, Option<String>), modelreg_core::Error> {
        let reg = reg.api();
        Ok(match entity {
            Entity::Models => {
                let l = reg.find_models(query).await?;
                (l.items.iter().map(|x| x.id).collect(), l.next)
            }
            Entity::Versions => {
                let l = reg.find_versions(None, query).await?;
                (l.items.iter().map(|x| x.id).collect(), l.next)
            }
            Entity::Runs => {
                let l = reg.find_runs(None, None, query).await?;
                (l.items.iter().map(|x| x.id).collect(), l.next)
            }
            Entity::Deployments => {
                let l = reg.find_deployments(None, None, query).await?;
                (l.items.iter().map(|x| x.id).collect(), l.next)
            }
            Entity::AuditEvents => {
                let l = reg.find_audit(query).await?;
                (l.items.iter().map(|x| x.id).collect(), l.next)
            }
        })
    }
    let whole = ids(reg, entity, &query.clone().limit(10_000)).await?.0;
    let mut paged = Vec::new();
    let mut page = query.clone().limit(3);
    loop {
        let (found, next) = ids(reg, entity, &page).await?;
        paged.extend(found);
        match next {
            Some(token) => page = page.after(token),
            None => break,
        }
    }
    assert_eq!(paged, whole, "cursor pages of {query:?} give the whole listing");
    Ok(whole)
}

fn pick<T: Clone>(options: &[T], rng: &mut TestRng) -> T {
    options[rng.random_range(0..options.len())].clone()
}

fn object(value: serde_json::Value) -> modelreg_core::validate::JsonObject {
    value.as_object().cloned().unwrap_or_default()
}

/// A registry with nulls, unicode, equal timestamps, JSON of mixed types and
/// numbers at the edges, written through the registry's own operations.
async fn generate(reg: &AnyRegistry, acting_as: &ActingAs, rng: &mut TestRng) {
    use modelreg_core::models::{ModelUpdate, NewModel, RiskLevel};
    use modelreg_core::time::Timestamp;
    let times: Vec<Option<Timestamp>> = [
        "2024-06-01T00:00:00Z",
        "2024-06-01T00:00:00.000001Z",
        "2020-01-01T00:00:00Z",
    ]
    .iter()
    .map(|t| Some(t.parse().expect("a time")))
    .chain([None])
    .collect();
    let metadata = [
        json!({"auc": 0.95}),
        json!({"auc": "0.99", "name": "a"}),
        json!({"auc": -1.5, "name": "É", "flag": false}),
        json!({"flag": true, "nested": {"x": 1}}),
        json!({"lr": 1e300, "nested": {"x": "1"}}),
        json!({}),
        json!({"auc": null, "name": "Z"}),
        json!({"auc": 18446744073709551615u64, "lr": -0.0}),
        json!({"auc": [1, "x"], "name": {"k": "a"}, "flag": 0}),
        json!({"auc": true, "name": "", "nested": [], "lr": 2}),
    ];
    for t in ["t-0", "t-1"] {
        team(reg, t).await;
    }
    for env in ["prod", "staging"] {
        environment(reg, env, EnvironmentKind::Production).await;
    }
    let actors = [reg.clone(), acting_as("alice"), acting_as("bob")];
    let risks = RiskLevel::ALL;
    for name in ["a", "B", "é", "m-1", "zeta", "Ωmega"] {
        let actor = pick(&actors, rng);
        let mut new = NewModel::named(name);
        new.team = pick(&[None, Some("t-0".into()), Some("t-1".into())], rng);
        new.risk_level = pick(risks, rng);
        new.compliance_required = rng.random_bool(0.5);
        new.description = pick(&[None, Some("a".to_owned()), Some("b\nc".to_owned())], rng);
        new.use_case = pick(&[None, Some("Fraud".to_owned()), Some("%_".to_owned())], rng);
        let m = actor.create_model(new).await.expect("model");
        if rng.random_bool(0.3) {
            let update = ModelUpdate {
                is_active: Some(false),
                ..ModelUpdate::default()
            };
            actor.update_model(&m.id.into(), update).await.expect("deactivate");
        }
        for tag in ["nlp", "cv"] {
            if rng.random_bool(0.4) {
                actor.add_tag(&m.id.into(), tag).await.expect("tag");
            }
        }
        for semver in ["1.0.0", "1.0.0-rc.1", "0.9.1", "2.0.0", "1.10.0", "1.2.3+b"] {
            if !rng.random_bool(0.5) {
                continue;
            }
            let mut new = new_version(semver);
            new.framework = pick(Framework::ALL, rng);
            new.size_bytes = pick(&[None, Some(0), Some(42), Some(i64::MAX), Some(5_000_000_000)], rng);
            new.metadata = object(pick(&metadata, rng));
            new.framework_version = pick(&[None, Some("1.0".to_owned())], rng);
            let v = actor.register_version(&m.id.into(), new).await.expect("version");
            let status = pick(VersionStatus::ALL, rng);
            if status != VersionStatus::Registered {
                actor.set_version_status(&v.id.into(), status).await.expect("status");
            }
            // Aliases named like the text literals, up to two per version;
            // setting one again moves it.
            for _ in 0..rng.random_range(0..3) {
                if status != VersionStatus::Deprecated {
                    let alias = pick(&["a", "nlp", "m-1"], rng);
                    actor.set_alias(&v.id.into(), alias).await.expect("alias");
                }
            }
            for _ in 0..rng.random_range(0..3) {
                let mut run = NewRun::named(pick(&["train", "Tune", "é"], rng));
                run.started_at = pick(&times, rng);
                run.cost_usd = pick(&[None, Some(0.0), Some(0.5), Some(100.0), Some(1e9)], rng);
                run.gpu_hours = pick(&[0.0, 2.5, 1e7], rng);
                run.dataset_name = pick(&[None, Some("imagenet".to_owned()), Some("a".to_owned())], rng);
                run.hyperparameters = object(pick(&metadata, rng));
                actor.start_run(&v.id.into(), run).await.expect("run");
            }
            if status != VersionStatus::Deprecated && rng.random_bool(0.4) {
                let env = pick(&["prod", "staging"], rng);
                let d = actor
                    .deploy(
                        &v.id.into(),
                        &env.into(),
                        modelreg_core::deployments::NewDeployment::named("d"),
                    )
                    .await
                    .expect("deploy");
                let status = pick(DeploymentStatus::ALL, rng);
                actor
                    .set_deployment_status(d.id, status)
                    .await
                    .expect("deployment status");
            }
        }
    }
}

pub async fn every_backend_answers_queries_as_the_reference_evaluator_does(reg: AnyRegistry, acting_as: ActingAs) {
    let cases: u32 = std::env::var("MODELREG_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let mut runner = TestRunner::new(Config::default());
    let rng = runner.rng();
    generate(&reg, &acting_as, rng).await;
    let data = dataset(&reg).await;
    let mut matched = 0;
    for case in 0..cases {
        let entity = Entity::ALL[case as usize % Entity::ALL.len()];
        // A quarter without a filter, so that sorts order every row.
        let filter = if case % 4 == 0 {
            String::new()
        } else {
            filter(entity, rng)
        };
        let query = Query::filter(filter).sorted(sort(entity, rng));
        let compiled = match query.compile(entity, Expr::all()) {
            Ok(compiled) => compiled,
            Err(e) => panic!("generated query {query:?} does not parse: {e}"),
        };
        let expected: Vec<uuid::Uuid> = data
            .run(&modelreg_core::query::Compiled {
                limit: 10_000,
                ..compiled
            })
            .into_iter()
            .map(|(r, _)| r.id())
            .collect();
        let got = answer(&reg, entity, &query)
            .await
            .unwrap_or_else(|e| panic!("{query:?} failed: {e}"));
        assert_eq!(got, expected, "{} for {query:?}", entity.as_str());
        matched += usize::from(!expected.is_empty());
    }
    assert!(matched > 0, "some generated query matched some rows");
}
