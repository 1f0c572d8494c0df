//! What the two backends' migration tests share: what the schema-1 fixture
//! holds (the SQLite file and the PostgreSQL dump hold the same registry),
//! the migrations a database at the newest schema records, the tables
//! schema 2 adds, and the checks that read a migrated registry through the
//! registry alone.

use modelreg_core::Registry;
use modelreg_core::query::Query;
use uuid::Uuid;

use crate::cases::upgrades::FIXTURE_FRAUD_PRODUCTION;
use crate::schema_one;

/// What the fixture holds, per its README: table and rows.
pub const FIXTURE_ROWS: [(&str, usize); 11] = [
    ("audit_events", 206),
    ("deployments", 13),
    ("environments", 4),
    ("metrics", 54),
    ("model_tags", 12),
    ("model_versions", 18),
    ("models", 7),
    ("schema_migrations", 1),
    ("tags", 9),
    ("teams", 3),
    ("training_runs", 18),
];

/// The latest schema, which opening with migrations reaches.
pub const LATEST: i64 = 3;

/// The migrations a database at [`LATEST`] records.
pub fn applied() -> Vec<(i64, String)> {
    [(1, "init"), (2, "versions_history"), (3, "query_indexes")]
        .map(|(n, name)| (n, name.to_owned()))
        .to_vec()
}

/// The tables schema 2 adds.
pub const SCHEMA_TWO_TABLES: [&str; 3] = ["alias_history", "model_aliases", "status_history"];

/// "As of" on the upgraded fixture answers what its audit trail tells, for
/// every model whose production version changed.
pub async fn assert_the_past_resolves_as_of_instants_between_its_changes(reg: &Registry) {
    let production = schema_one::assert_production_as_of_follows_the_audit_trail(reg, "fraud-detector").await;
    assert_eq!(production, FIXTURE_FRAUD_PRODUCTION.map(|s| s.map(str::to_owned)));
    // churn-predictor's last production version, 9.9.9, was deleted since.
    let churn = schema_one::assert_production_as_of_follows_the_audit_trail(reg, "churn-predictor").await;
    assert_eq!(churn.last(), Some(&Some("9.9.9".to_owned())));
    for model in [
        "product-recommender",
        "sentiment-bert",
        "image-classifier",
        "demand-forecaster",
    ] {
        let told = schema_one::assert_production_as_of_follows_the_audit_trail(reg, model).await;
        assert!(told.len() >= 2, "{model}: {told:?}");
    }
}

/// Registry-wide version queries that schema 3's indexes serve, and one they do not.
pub const SCHEMA_THREE_QUERIES: [&str; 4] = [
    "status = 'production'",
    "created_at >= '2020-01-01' and created_at < '2100-01-01'",
    "status = 'archived' or alias = 'champion'",
    "metadata.auc >= 0.5",
];

/// What each of [`SCHEMA_THREE_QUERIES`] answers: the versions' ids, in order.
pub async fn schema_three_answers(reg: &Registry) -> Vec<Vec<Uuid>> {
    let mut all = Vec::new();
    for text in SCHEMA_THREE_QUERIES {
        let listing = reg.find_versions(None, &Query::filter(text)).await.expect(text);
        all.push(listing.items.iter().map(|v| v.id).collect());
    }
    all
}
