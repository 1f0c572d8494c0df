//! What every backend's SQL for a query shares: the rows a listing reads
//! (its FROM clause, the same SQL on every dialect) and the alias and table
//! of each related row. [`super::statement`] writes the SELECT of a
//! [`super::Compiled`] from them for every dialect.

use super::{Entity, Relation};
use crate::record::RecordKind;
use crate::tables::{Column, ColumnType, Table};

/// The alias the listed row has in [`from_clause`].
pub const OWN: &str = "o";

/// The FROM clause of a listing of `entity`: the listed row as [`OWN`],
/// joined with every row its fields may read.
pub fn from_clause(entity: Entity) -> &'static str {
    match entity {
        Entity::Models => "models o LEFT JOIN teams t ON t.id = o.team_id",
        Entity::Versions => "model_versions o JOIN models m ON m.id = o.model_id LEFT JOIN teams t ON t.id = m.team_id",
        Entity::Runs => {
            "training_runs o JOIN model_versions v ON v.id = o.version_id JOIN models m ON m.id = v.model_id \
             LEFT JOIN teams t ON t.id = m.team_id"
        }
        Entity::Deployments => {
            "deployments o JOIN model_versions v ON v.id = o.version_id JOIN models m ON m.id = v.model_id \
             LEFT JOIN teams t ON t.id = m.team_id JOIN environments e ON e.id = o.environment_id"
        }
        Entity::AuditEvents => "audit_events o",
    }
}

/// The kind of record `entity` lists.
pub fn listed(entity: Entity) -> RecordKind {
    match entity {
        Entity::Models => RecordKind::Model,
        Entity::Versions => RecordKind::ModelVersion,
        Entity::Runs => RecordKind::TrainingRun,
        Entity::Deployments => RecordKind::Deployment,
        Entity::AuditEvents => RecordKind::AuditEvent,
    }
}

/// The alias (in [`from_clause`]) and kind of the row `relation` names for `entity`.
pub fn related(entity: Entity, relation: Relation) -> (&'static str, RecordKind) {
    match (entity, relation) {
        (_, Relation::Own) | (Entity::Models, Relation::Model) | (Entity::Versions, Relation::Version) => {
            (OWN, listed(entity))
        }
        (_, Relation::Model) => ("m", RecordKind::Model),
        (_, Relation::Team) => ("t", RecordKind::Team),
        (_, Relation::Version) => ("v", RecordKind::ModelVersion),
        (_, Relation::Environment) => ("e", RecordKind::Environment),
    }
}

/// `alias.column` and the column's declaration, for a column of a related row.
pub fn column(entity: Entity, relation: Relation, name: &str) -> (String, Column) {
    let (alias, kind) = related(entity, relation);
    let declared = Table::of(kind).column(name).copied().unwrap_or(Column {
        name: "",
        ty: ColumnType::Text,
        nullable: true,
        derived: false,
    });
    (format!("{alias}.{name}"), declared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::fields::Source;

    /// Every column a field or a sort may read is declared in the table its alias joins.
    #[test]
    fn every_field_reads_a_declared_column_of_a_joined_row() {
        for entity in Entity::ALL {
            for field in entity.fields() {
                if let Source::Column(relation, name) = field.source {
                    let (expr, declared) = column(entity, relation, name);
                    assert_eq!(declared.name, name, "{}.{}", entity.as_str(), field.name);
                    let alias = expr.split('.').next().unwrap_or_default();
                    assert!(
                        alias == OWN || from_clause(entity).contains(&format!(" {alias} ON")),
                        "{} joins {alias}",
                        entity.as_str()
                    );
                }
            }
        }
    }
}
