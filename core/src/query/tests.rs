use serde_json::json;

use super::eval::Dataset;
use super::*;
use crate::error::Error;
use crate::store::Record;

fn reason(result: Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Invalid { reason, .. }) => reason,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn parse_errors_point_at_the_position_and_say_what_was_expected() {
    let why = reason(parse_filter(
        Entity::Versions,
        "status = 'production' and acuracy > 0.9",
    ));
    assert!(
        why.starts_with("line 1, column 27: unknown field `acuracy` for versions"),
        "{why}"
    );
    let why = reason(parse_filter(Entity::Versions, "frameworc = 'jax'"));
    assert!(why.contains("did you mean `framework`?"), "{why}");
    let why = reason(parse_filter(Entity::Versions, "status = 'prod'"));
    assert!(
        why.contains("column 10") && why.contains("expected one of registered, validated"),
        "{why}"
    );
    let why = reason(parse_filter(
        Entity::Versions,
        "status = 'production'\n  and (size_bytes > 'big')",
    ));
    assert!(
        why.starts_with("line 2, column 21:") && why.contains("takes a number"),
        "{why}"
    );
    let why = reason(parse_filter(Entity::Runs, "cost_usd >"));
    assert!(why.contains("the end of the text"), "{why}");
    let why = reason(parse_filter(Entity::Runs, "(status = 'failed'"));
    assert!(why.contains("expected `)`"), "{why}");
    let why = reason(parse_filter(Entity::Versions, "metadata > 1"));
    assert!(why.contains("give a path"), "{why}");
    let why = reason(parse_filter(Entity::Models, "name = 'unterminated"));
    assert!(why.contains("no closing '"), "{why}");
    let why = reason(parse_filter(Entity::Models, "is_active > true"));
    assert!(why.contains("only be compared with = and !="), "{why}");
    let why = reason(parse_sort(Entity::Versions, "metadata desc"));
    assert!(why.contains("give a path"), "{why}");
    let why = reason(parse_sort(Entity::Versions, "metadata.auc up"));
    assert!(why.contains("column 14: expected `asc`, `desc`, `,`"), "{why}");
    let why = reason(parse_filter(Entity::Versions, "semver > 'one'"));
    assert!(why.contains("not a SemVer"), "{why}");
}

#[test]
fn the_grammar_accepts_every_form() {
    for text in [
        "status = 'production' or status = \"validated\"",
        "framework in ('xgboost', 'sklearn') and metadata.auc >= 0.9",
        "not (model.name contains 'test') and status not in ('archived')",
        "size_bytes is null or size_bytes <= 1e9",
        "created_at >= 2026-05-01 and created_at < '2026-06-01T00:00:00+02:00'",
        "metadata.\"odd key\".x = true and metadata.n != -3",
        "semver >= '1.2.0-rc.1' AND model.risk_level = 'high'",
    ] {
        parse_filter(Entity::Versions, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    parse_filter(Entity::Runs, "cost_usd > 100 and started_at > 2026-10-01T00:00:00Z").unwrap();
    parse_filter(
        Entity::AuditEvents,
        "actor = 'alice' and changes.status.new = 'production'",
    )
    .unwrap();
    parse_filter(Entity::Deployments, "environment.kind = 'production' and replicas > 2").unwrap();
    parse_filter(Entity::Models, "tag = 'nlp' and team is not null").unwrap();
}

#[test]
fn fixed_filters_join_a_query_as_quoted_conditions() {
    let query =
        Query::filter("status = 'production' or status = 'validated'").and(&format!("model.name = {}", quote("it's")));
    assert_eq!(
        query.filter.as_deref(),
        Some("(status = 'production' or status = 'validated') and (model.name = 'it''s')")
    );
    query.compile(Entity::Versions, Expr::all()).unwrap();
    assert_eq!(
        Query::default().and("is_active = true").filter.as_deref(),
        Some("is_active = true")
    );
}

#[test]
fn sorts_end_with_the_id_and_semver_sorts_by_precedence() {
    let keys = parse_sort(Entity::Versions, "semver desc, model.name").unwrap();
    let columns: Vec<_> = keys.iter().map(|k| (k.term.clone(), k.direction)).collect();
    assert_eq!(
        columns,
        [
            (Term::column(Relation::Own, "precedence"), Direction::Desc),
            (Term::column(Relation::Model, "name"), Direction::Asc),
            (Term::column(Relation::Own, "id"), Direction::Asc),
        ]
    );
}

#[test]
fn every_field_sorts_json_paths_by_three_parts_and_many_values_by_an_extreme() {
    for entity in Entity::ALL {
        for field in entity.fields() {
            let name = match field.source {
                Source::Json(_) => format!("{}.a", field.name),
                _ => field.name.to_owned(),
            };
            for direction in ["asc", "desc"] {
                parse_sort(entity, &format!("{name} {direction}"))
                    .unwrap_or_else(|e| panic!("{} sorts by {name}: {e}", entity.as_str()));
            }
        }
    }
    let keys = parse_sort(Entity::Versions, "metadata.a.b desc, alias asc").unwrap();
    let path = vec!["a".to_owned(), "b".to_owned()];
    let terms: Vec<_> = keys.iter().map(|k| (k.term.clone(), k.direction)).collect();
    let part = |part| Term::JsonPart {
        column: "metadata",
        path: path.clone(),
        part,
    };
    assert_eq!(
        terms,
        [
            (part(JsonPart::Rank), Direction::Desc),
            (part(JsonPart::Number), Direction::Desc),
            (part(JsonPart::Text), Direction::Desc),
            (
                Term::Extreme {
                    multi: Multi::Alias,
                    greatest: false
                },
                Direction::Asc
            ),
            (Term::column(Relation::Own, "id"), Direction::Asc),
        ]
    );
    let keys = parse_sort(Entity::Models, "tag desc").unwrap();
    assert_eq!(
        keys[0].term,
        Term::Extreme {
            multi: Multi::Tag,
            greatest: true
        }
    );
}

fn sample() -> (Dataset, Vec<Record>) {
    sample_with(vec![
        json!({"auc": 0.95, "tag": "b"}),
        json!({"auc": "0.99"}),
        json!({"auc": 0.5}),
        json!({}),
    ])
}

/// JSON values of every type at `auc`, in the order `metadata.auc asc` sorts them.
fn mixed() -> Vec<(serde_json::Value, &'static str)> {
    vec![
        (json!({}), "missing"),
        (json!({"auc": null}), "null"),
        (json!({"auc": -1.5}), "-1.5"),
        (json!({"auc": 2}), "2"),
        (json!({"auc": 18446744073709551615u64}), "u64::MAX"),
        (json!({"auc": ""}), "empty string"),
        (json!({"auc": "B"}), "B"),
        (json!({"auc": "a"}), "a"),
        (json!({"auc": "é"}), "é"),
        (json!({"auc": false}), "false"),
        (json!({"auc": true}), "true"),
        (json!({"auc": [1]}), "array"),
        (json!({"auc": {"x": 1}}), "object"),
    ]
}

/// A sample whose versions `1.0.0`, `1.1.0`, … hold `metadata` in turn,
/// with ids in that order; `1.3.0` has no size.
fn sample_with(metadata: Vec<serde_json::Value>) -> (Dataset, Vec<Record>) {
    let mut records = crate::record::tests::one_record_of_each_kind();
    let model_id = records
        .iter()
        .find_map(|r| match r {
            Record::Model(m) => Some(m.id),
            _ => None,
        })
        .unwrap();
    let template = records
        .iter()
        .find_map(|r| match r {
            Record::ModelVersion(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap();
    let mut versions = Vec::new();
    for (i, meta) in metadata.into_iter().enumerate() {
        let version = crate::versions::ModelVersion {
            id: uuid::Uuid::from_u128(i as u128 + 1),
            model_id,
            semver: format!("1.{i}.0"),
            size_bytes: if i == 3 { None } else { Some(i as i64 * 10) },
            metadata: meta.as_object().cloned().unwrap(),
            created_at: crate::time::now(),
            ..template.clone()
        };
        versions.push(Record::ModelVersion(version));
    }
    records.retain(|r| !matches!(r, Record::ModelVersion(_)));
    records.extend(versions.clone());
    (Dataset::new(records), versions)
}

fn semvers(data: &Dataset, filter: &str, sort: &str) -> Vec<String> {
    let query = Query::filter(filter).sorted(sort);
    let compiled = query.compile(Entity::Versions, Expr::all()).unwrap();
    data.run(&compiled)
        .into_iter()
        .map(|(r, _)| match r {
            Record::ModelVersion(v) => v.semver,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn missing_values_never_match_a_comparison_even_negated() {
    let (data, _) = sample();
    assert_eq!(semvers(&data, "metadata.auc > 0.9", "semver"), ["1.0.0"]);
    assert_eq!(semvers(&data, "metadata.auc = '0.99'", "semver"), ["1.1.0"]);
    assert_eq!(semvers(&data, "not metadata.auc > 0.9", "semver"), ["1.2.0"]);
    assert_eq!(semvers(&data, "metadata.auc != 0.5", "semver"), ["1.0.0"]);
    assert_eq!(semvers(&data, "metadata.auc is null", "semver"), ["1.3.0"]);
    assert_eq!(semvers(&data, "size_bytes != 10", "semver"), ["1.0.0", "1.2.0"]);
    assert_eq!(semvers(&data, "size_bytes not in (0, 10)", "semver"), ["1.2.0"]);
    assert_eq!(semvers(&data, "metadata.tag contains 'B'", "semver"), ["1.0.0"]);
}

#[test]
fn sorts_put_missing_values_first_ascending_and_last_descending() {
    let (data, _) = sample();
    assert_eq!(
        semvers(&data, "", "size_bytes asc"),
        ["1.3.0", "1.0.0", "1.1.0", "1.2.0"]
    );
    assert_eq!(
        semvers(&data, "", "size_bytes desc"),
        ["1.2.0", "1.1.0", "1.0.0", "1.3.0"]
    );
}

#[test]
fn json_paths_sort_missing_then_numbers_strings_booleans_and_composites() {
    let (metadata, names): (Vec<_>, Vec<_>) = mixed().into_iter().rev().unzip();
    let (data, _) = sample_with(metadata);
    let name_of = |semver: &str| names[semver.split('.').nth(1).unwrap().parse::<usize>().unwrap()];
    let order = |sort| semvers(&data, "", sort).iter().map(|s| name_of(s)).collect::<Vec<_>>();
    // Written in reverse, so ties (missing and null; array and object) are broken by the id.
    let mut expected: Vec<_> = mixed().into_iter().map(|(_, name)| name).collect();
    expected.swap(0, 1);
    expected.swap(11, 12);
    assert_eq!(order("metadata.auc asc"), expected);
    expected.reverse();
    assert_eq!(order("metadata.auc desc"), expected);
}

#[test]
fn cursor_pages_cover_every_row_once_in_order() {
    let (data, _) = sample_with(mixed().into_iter().map(|(json, _)| json).collect());
    for sort in [
        "size_bytes asc",
        "size_bytes desc",
        "semver desc",
        "created_at",
        "metadata.auc asc",
        "metadata.auc desc, size_bytes",
        "metadata.auc.x, semver desc",
    ] {
        let all = semvers(&data, "", sort);
        let mut seen = Vec::new();
        let mut query = Query::default().sorted(sort).limit(1);
        loop {
            let compiled = query.compile(Entity::Versions, Expr::all()).unwrap();
            let page = data.run(&compiled);
            let last = page.last().map(|(_, keys)| keys.clone());
            seen.extend(page.iter().map(|(r, _)| match r {
                Record::ModelVersion(v) => v.semver.clone(),
                _ => unreachable!(),
            }));
            match query
                .next_token(Entity::Versions, page.len(), 1, last.as_deref())
                .unwrap()
            {
                Some(token) => query = query.after(token),
                None => break,
            }
        }
        assert_eq!(seen, all, "{sort}");
    }
}

#[test]
fn a_page_token_belongs_to_its_query() {
    let (data, _) = sample();
    let query = Query::default().sorted("semver").limit(1);
    let compiled = query.compile(Entity::Versions, Expr::all()).unwrap();
    let page = data.run(&compiled);
    let token = query
        .next_token(Entity::Versions, 1, 1, Some(&page[0].1))
        .unwrap()
        .unwrap();
    let other = Query::default().sorted("created_at").limit(1).after(token.clone());
    assert!(other.compile(Entity::Versions, Expr::all()).is_err());
    let with_offset = Query {
        offset: 1,
        ..query.clone().after(token)
    };
    assert!(with_offset.compile(Entity::Versions, Expr::all()).is_err());
}
