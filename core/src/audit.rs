//! The audit trail: one event per change, written with the change.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::{EntityKind, Error, Result};
use crate::time::Timestamp;
use crate::validate::{self, JsonObject};

crate::string_enum!(
    /// What a change did.
    AuditAction, field = "action" {
        Create => "create",
        Update => "update",
        Delete => "delete",
        Deploy => "deploy",
        Rollback => "rollback",
    }
);

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The kind of entity that changed.
    pub entity_type: EntityKind,
    /// The id of the entity that changed (which may since have been deleted).
    pub entity_id: Uuid,
    /// What the change did.
    pub action: AuditAction,
    /// Who made the change, 1..=100 characters.
    pub actor: String,
    /// What changed: `{"field": {"old": …, "new": …}}` for an update; the entity's fields
    /// for a create, deploy, rollback (with what it rolled back) or delete.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub changes: JsonObject,
    /// When the change was made; events are stamped in commit order.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub timestamp: Timestamp,
}

/// Who makes a change: 1..=100 characters, recorded on every audit event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor(String);

impl Actor {
    /// Checks the name and makes an actor of it.
    pub fn new(name: impl Into<String>) -> Result<Actor> {
        let name = validate::nfc(&name.into());
        validate::name("actor", &name, 100)?;
        Ok(Actor(name))
    }

    /// The actor's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AuditEvent {
    /// An event for `entity` with the given changes.
    pub fn new(
        entity_type: EntityKind,
        entity_id: Uuid,
        action: AuditAction,
        actor: &Actor,
        mut changes: JsonObject,
        timestamp: Timestamp,
    ) -> AuditEvent {
        validate::canonical_json(&mut changes);
        AuditEvent {
            id: Uuid::now_v7(),
            entity_type,
            entity_id,
            action,
            actor: actor.0.clone(),
            changes,
            timestamp,
        }
    }
}

/// The fields of `entity` as a JSON object: the `changes` of a create (or delete).
pub fn snapshot<T: Serialize>(entity: &T) -> Result<JsonObject> {
    match serde_json::to_value(entity) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::internal(format!(
            "an audit snapshot must be a JSON object, not {other}"
        ))),
        Err(e) => Err(Error::internal(format!(
            "cannot record the change in the audit trail: {e}"
        ))),
    }
}

/// `{"field": {"old": …, "new": …}}` for every field that differs: the `changes` of an update.
pub fn diff<T: Serialize>(old: &T, new: &T) -> Result<JsonObject> {
    let (old, new) = (snapshot(old)?, snapshot(new)?);
    Ok(new
        .into_iter()
        .filter(|(field, value)| field != "updated_at" && old.get(field) != Some(value))
        .map(|(field, value)| {
            let before = old.get(&field).cloned().unwrap_or(Value::Null);
            (field, json!({"old": before, "new": value}))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// What cannot be recorded is an error, never an empty `{}` in the trail.
    #[test]
    fn a_snapshot_that_cannot_be_made_is_an_error_not_an_empty_object() {
        let not_an_object = snapshot(&"text").unwrap_err();
        assert!(matches!(not_an_object, Error::Internal { .. }), "{not_an_object:?}");
        let keys_json_cannot_hold: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
        let unserializable = snapshot(&keys_json_cannot_hold).unwrap_err();
        assert!(matches!(unserializable, Error::Internal { .. }), "{unserializable:?}");
        let fine = snapshot(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(fine.get("a"), Some(&serde_json::json!(1)));
    }
}
