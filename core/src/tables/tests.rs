use std::collections::HashMap;

use super::*;

/// A row held in memory, as a backend would hand it over.
struct MapRow(HashMap<String, Value>);

impl Row for MapRow {
    fn value(&self, column: &str, _ty: ColumnType) -> Result<Value> {
        self.0
            .get(column)
            .cloned()
            .ok_or_else(|| undecodable(column, "no such column"))
    }
}

fn matches(value: &Value, column: &Column) -> bool {
    match (value, column.ty) {
        (Value::Null, _) => column.nullable,
        (Value::Uuid(_), ColumnType::Uuid)
        | (Value::Text(_), ColumnType::Text)
        | (Value::Int(_), ColumnType::Int | ColumnType::Int32)
        | (Value::Float(_), ColumnType::Float)
        | (Value::Bool(_), ColumnType::Bool)
        | (Value::Time(_), ColumnType::Time)
        | (Value::Json(_), ColumnType::Json) => true,
        _ => false,
    }
}

#[test]
fn every_record_writes_one_typed_value_per_column_and_reads_back_from_them() {
    for record in crate::record::tests::one_record_of_each_kind() {
        let table = record.table();
        let values = record.values().unwrap();
        assert_eq!(values.len(), table.columns.len(), "{}", table.name);
        for (value, column) in values.iter().zip(table.columns) {
            assert!(matches(value, column), "{}.{} = {value:?}", table.name, column.name);
        }
        let row = MapRow(
            table
                .columns
                .iter()
                .zip(values)
                .map(|(c, v)| (format!("p_{}", c.name), v))
                .collect(),
        );
        assert_eq!(Record::read(record.record_kind(), &row, "p_").unwrap(), record);
    }
}

#[test]
fn every_kind_has_one_table_whose_key_columns_exist() {
    for kind in RecordKind::ALL {
        let table = Table::of(*kind);
        assert_eq!(TABLES.iter().filter(|t| t.kind == *kind).count(), 1);
        for key in table.key {
            assert!(table.column(key).is_some(), "{}.{key}", table.name);
        }
    }
}

#[test]
fn write_statements_bind_every_column_in_declaration_order() {
    let tags = Table::of(RecordKind::Tag);
    let dollar = |n: usize| format!("${n}");
    assert_eq!(
        tags.write_sql(Write::Insert, dollar, 3),
        "INSERT INTO tags (id, name, description, created_at) VALUES ($3, $4, $5, $6)"
    );
    assert_eq!(
        tags.write_sql(Write::InsertOrSkip, |n| format!("?{n}"), 1),
        "INSERT INTO tags (id, name, description, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING"
    );
    assert_eq!(
        tags.write_sql(Write::Update, dollar, 1),
        "UPDATE tags SET name = $2, description = $3, created_at = $4 WHERE id = $1"
    );
    let links = Table::of(RecordKind::ModelTag);
    assert_eq!(
        links.write_sql(Write::Update, dollar, 1),
        "UPDATE model_tags SET assigned_at = $3 WHERE model_id = $1 AND tag_id = $2"
    );
    assert_eq!(
        links.delete_sql(dollar),
        "DELETE FROM model_tags WHERE model_id = $1 AND tag_id = $2"
    );
    assert_eq!(
        links.page_sql(dollar, true),
        "SELECT model_id, tag_id, assigned_at FROM model_tags WHERE (model_id, tag_id) > ($1, $2) \
         ORDER BY model_id, tag_id LIMIT $3"
    );
    assert_eq!(
        tags.page_sql(dollar, false),
        "SELECT id, name, description, created_at FROM tags ORDER BY id LIMIT $1"
    );
}

/// The row a backend answers for `records` read under `prefix`.
fn row_of(records: &[(&Record, &str)]) -> MapRow {
    let mut row = HashMap::new();
    for (record, prefix) in records {
        let values = record.values().unwrap();
        for (column, value) in record.table().columns.iter().zip(values) {
            row.insert(format!("{prefix}{}", column.name), value);
        }
    }
    MapRow(row)
}

#[test]
fn joined_rows_read_each_entity_under_its_prefix() {
    use crate::deployments::ActiveDeployment;
    use crate::versions::VersionWithModel;
    let records = crate::record::tests::one_record_of_each_kind();
    let of = |kind| records.iter().find(|r| r.record_kind() == kind).unwrap();
    let (deployment, version, model, environment) = (
        of(RecordKind::Deployment),
        of(RecordKind::ModelVersion),
        of(RecordKind::Model),
        of(RecordKind::Environment),
    );
    let row = row_of(&[(deployment, ""), (version, "v_"), (model, "m_"), (environment, "e_")]);
    let active = ActiveDeployment::from_row(&row, "").unwrap();
    assert_eq!(Record::Deployment(active.deployment), *deployment);
    assert_eq!(Record::Environment(active.environment), *environment);
    let row = row_of(&[(version, ""), (model, "m_")]);
    let pair = VersionWithModel::from_row(&row, "").unwrap();
    assert_eq!(
        (Record::ModelVersion(pair.version), Record::Model(pair.model)),
        (version.clone(), model.clone())
    );
    assert!(ActiveDeployment::select_list().contains("e.name AS e_name"));
    assert!(VersionWithModel::select_list().starts_with("v.id, v.model_id"));
}

#[test]
fn counts_are_read_by_table_name() {
    let row = MapRow(
        TABLES
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.to_owned(), Value::Int(i as i64)))
            .collect(),
    );
    let counts = record_counts(&row).unwrap();
    assert_eq!(counts[&RecordKind::ModelTag], 3);
    let stats = crate::analytics::Stats::from_row(&row, "").unwrap();
    assert_eq!((stats.teams, stats.models, stats.audit_events), (0, 2, 12));
    assert!(table_counts().starts_with("(SELECT count(*) FROM teams) AS teams, "));
    let negative = MapRow(TABLES.iter().map(|t| (t.name.to_owned(), Value::Int(-1))).collect());
    assert!(record_counts(&negative).is_err());
}

#[test]
fn select_lists_name_the_read_columns() {
    let teams = Table::of(RecordKind::Team);
    assert_eq!(
        teams.select_list("", ""),
        "id, name, department, cost_center, active, created_at"
    );
    assert!(
        teams
            .select_list("t", "t_")
            .starts_with("t.id AS t_id, t.name AS t_name")
    );
    let models = Table::of(RecordKind::Model);
    assert!(!models.select_list("", "").contains("name_folded"));
}
