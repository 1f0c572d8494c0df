//! What the two backends' migration tests share: what the schema-1 fixture
//! holds (the SQLite file and the PostgreSQL dump hold the same registry),
//! the migrations a database at the newest schema records, the tables
//! schema 2 adds, and the checks that read a migrated registry through the
//! registry alone.

use std::sync::LazyLock;

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
pub const LATEST: i64 = 4;

/// The migrations a database at [`LATEST`] records.
pub fn applied() -> Vec<(i64, String)> {
    [
        (1, "init"),
        (2, "versions_history"),
        (3, "query_indexes"),
        (4, "text_rules"),
    ]
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

/// The rule of modelreg-core a text column keeps, which schema 4 repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRule {
    /// A name or an actor: one line, and in NFC (the NFC check is
    /// PostgreSQL's alone; SQLite cannot normalize).
    Name,
    /// A free text on one line.
    Line,
    /// A description: may hold tabs, line feeds and carriage returns.
    Description,
}

/// Every text column schema 4 checks: table, column, the field its
/// constraints name (`ck__<table>__chars__<field>`), and its rule.
pub const TEXT_COLUMNS: [(&str, &str, &str, TextRule); 30] = {
    use TextRule::{Description, Line, Name};
    [
        ("teams", "name", "name", Name),
        ("teams", "department", "department", Line),
        ("teams", "cost_center", "cost_center", Line),
        ("tags", "name", "tag", Name),
        ("tags", "description", "description", Description),
        ("models", "name", "name", Name),
        ("models", "description", "description", Description),
        ("models", "use_case", "use_case", Line),
        ("model_versions", "semver", "semver", Name),
        ("model_versions", "artifact_uri", "artifact_uri", Line),
        ("model_versions", "framework_version", "framework_version", Line),
        ("model_versions", "python_version", "python_version", Line),
        ("model_versions", "description", "description", Description),
        ("training_runs", "run_name", "run_name", Name),
        ("training_runs", "dataset_name", "dataset_name", Line),
        ("training_runs", "dataset_version", "dataset_version", Line),
        ("training_runs", "created_by", "created_by", Line),
        ("metrics", "name", "name", Name),
        ("environments", "name", "name", Name),
        ("environments", "region", "region", Line),
        ("environments", "kubernetes_namespace", "kubernetes_namespace", Line),
        ("deployments", "name", "name", Name),
        ("deployments", "endpoint_url", "endpoint_url", Line),
        ("deployments", "cpu_request", "cpu_request", Line),
        ("deployments", "memory_request", "memory_request", Line),
        ("deployments", "deployed_by", "deployed_by", Line),
        ("status_history", "actor", "actor", Name),
        ("alias_history", "alias", "alias", Line),
        ("alias_history", "actor", "actor", Name),
        ("audit_events", "actor", "actor", Name),
    ]
};

/// Text columns whose values come from a closed set or a stricter format
/// (checked since schema 1 or 2), and derived columns: schema 4 leaves them.
pub const CLOSED_TEXT_COLUMNS: [(&str, &str); 13] = [
    ("models", "risk_level"),
    ("model_versions", "framework"),
    ("model_versions", "status"),
    ("model_versions", "checksum_sha256"),
    ("model_aliases", "name"),
    ("training_runs", "status"),
    ("metrics", "split"),
    ("environments", "kind"),
    ("deployments", "status"),
    ("status_history", "from_status"),
    ("status_history", "to_status"),
    ("audit_events", "entity_type"),
    ("audit_events", "action"),
];

/// Whether modelreg-core refuses `c` in a column of `rule`.
fn refuses(rule: TextRule, c: char) -> bool {
    let value = format!("a{c}b");
    match rule {
        TextRule::Name | TextRule::Line => modelreg_core::validate::text("field", &value, 10).is_err(),
        TextRule::Description => modelreg_core::validate::description("field", &value, 10).is_err(),
    }
}

/// Every character modelreg-core refuses in a column of `rule` but U+0000
/// (which PostgreSQL cannot store; SQLite's test tries it on its own), and
/// every character next to one of them that it accepts (in a value in NFC):
/// what schema 4 must refuse, and the edges of its ranges that it must not.
pub fn refused_and_neighbours(rule: TextRule) -> &'static (Vec<char>, Vec<char>) {
    static LINE: LazyLock<(Vec<char>, Vec<char>)> = LazyLock::new(|| scan(TextRule::Line));
    static DESCRIPTION: LazyLock<(Vec<char>, Vec<char>)> = LazyLock::new(|| scan(TextRule::Description));
    fn scan(rule: TextRule) -> (Vec<char>, Vec<char>) {
        let refused: Vec<char> = (1..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|c| refuses(rule, *c))
            .collect();
        let mut neighbours: Vec<char> = refused
            .iter()
            .flat_map(|c| [(*c as u32).checked_sub(1), Some(*c as u32 + 1)])
            .flatten()
            .filter_map(char::from_u32)
            .filter(|c| *c != '\0' && !refuses(rule, *c))
            .filter(|c| modelreg_core::validate::nfc(&holding(*c)) == holding(*c))
            .collect();
        neighbours.sort_unstable();
        neighbours.dedup();
        (refused, neighbours)
    }
    match rule {
        TextRule::Name | TextRule::Line => &LINE,
        TextRule::Description => &DESCRIPTION,
    }
}

/// Tries in one text column, through `write` (which writes a value into it
/// with plain SQL and answers the database's message if it refuses), every
/// character modelreg-core refuses there and every neighbour of theirs:
/// each refused one must be refused by `ck__<table>__chars__<field>`, each
/// neighbour taken.
pub async fn assert_the_column_keeps_its_rule(
    (table, column, field, rule): (&str, &str, &str, TextRule),
    write: &mut impl AsyncFnMut(String) -> Result<(), String>,
) {
    let (refused, neighbours) = refused_and_neighbours(rule);
    let constraint = format!("ck__{table}__chars__{field}");
    for c in refused {
        let refusal = write(holding(*c))
            .await
            .expect_err(&format!("{table}.{column} refuses U+{:04X}", *c as u32));
        assert!(
            refusal.contains(&constraint),
            "{table}.{column}, U+{:04X}: {refusal}",
            *c as u32
        );
    }
    for c in neighbours {
        write(holding(*c))
            .await
            .unwrap_or_else(|e| panic!("{table}.{column} takes U+{:04X}: {e}", *c as u32));
    }
}

/// The value a test writes into a text column to try `c` in it; it passes
/// every other check of every column schema 4 checks (a SemVer's, lengths).
pub fn holding(c: char) -> String {
    format!("1.0.0-a{c}b")
}

/// A model whose description a registry before schema 4 took with a
/// right-to-left override (the caller writes it with plain SQL, then
/// upgrades): an update of the model, and deleting its team (which clears
/// the model's team), fail naming the description until it is corrected;
/// then both work.
pub async fn assert_an_old_row_breaking_a_rule_is_named_until_corrected(reg: &Registry, model: Uuid, team: Uuid) {
    use modelreg_core::models::ModelUpdate;
    let touch = || ModelUpdate {
        use_case: Some(Some("fraud".into())),
        ..ModelUpdate::default()
    };
    let refusals = [
        reg.update_model(&model.into(), touch()).await.map(drop),
        reg.delete_team(&team.into()).await,
    ];
    for refused in refusals {
        match refused {
            Err(modelreg_core::Error::Invalid { field, .. }) => assert_eq!(field, "description"),
            other => panic!("refused naming the description: {other:?}"),
        }
    }
    let fix = ModelUpdate {
        description: Some(Some("corrected".into())),
        ..ModelUpdate::default()
    };
    reg.update_model(&model.into(), fix)
        .await
        .expect("correcting the field");
    reg.update_model(&model.into(), touch()).await.expect("then any update");
    reg.delete_team(&team.into()).await.expect("and deleting its team");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schema 4 covers every text column that is not a closed set: a text
    /// column added later fails here until its rule is in the schema.
    #[test]
    fn every_declared_text_column_is_checked_or_closed() {
        let mut declared: Vec<(&str, &str)> = modelreg_core::tables::TABLES
            .iter()
            .flat_map(|t| t.columns.iter().map(move |c| (t.name, c)))
            .filter(|(_, c)| c.ty == modelreg_core::tables::ColumnType::Text && !c.derived)
            .map(|(t, c)| (t, c.name))
            .collect();
        let mut listed: Vec<(&str, &str)> = TEXT_COLUMNS
            .iter()
            .map(|(t, c, _, _)| (*t, *c))
            .chain(CLOSED_TEXT_COLUMNS)
            .collect();
        declared.sort_unstable();
        listed.sort_unstable();
        assert_eq!(declared, listed);
    }

    #[test]
    fn descriptions_alone_take_tabs_and_line_breaks() {
        let (line, _) = refused_and_neighbours(TextRule::Line);
        let (description, neighbours) = refused_and_neighbours(TextRule::Description);
        assert_eq!(line.len(), description.len() + 3);
        for c in ['\t', '\n', '\r'] {
            assert!(line.contains(&c) && neighbours.contains(&c));
        }
        assert!(line.contains(&'\u{202E}') && line.contains(&'\u{1343F}'));
    }
}
