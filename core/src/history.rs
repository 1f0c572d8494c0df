//! History: every status change and alias move, as typed rows written in the
//! same transaction as the change, in commit order; what "as of" reads.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::time::Timestamp;
use crate::versions::VersionStatus;

/// A version's status changed (or was first set, when `from` is none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The model of the version.
    pub model_id: Uuid,
    /// The version whose status changed.
    pub version_id: Uuid,
    /// The status before; absent for the status a version is registered with.
    pub from_status: Option<VersionStatus>,
    /// The status after.
    pub to_status: VersionStatus,
    /// Who made the change, 1..=100 characters.
    pub actor: String,
    /// When the change took effect, in commit order.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub changed_at: Timestamp,
}

/// An alias was set, moved or removed (`from`/`to` none: it did not exist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AliasChange {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The model whose alias changed.
    pub model_id: Uuid,
    /// The alias's name.
    pub alias: String,
    /// The version it pointed to before; absent when the alias was set for the first time.
    pub from_version_id: Option<Uuid>,
    /// The version it points to after; absent when the alias was removed.
    pub to_version_id: Option<Uuid>,
    /// Who made the change, 1..=100 characters.
    pub actor: String,
    /// When the change took effect, in commit order.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub changed_at: Timestamp,
}

/// One entry of a model's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    /// A version's status changed.
    Status(StatusChange),
    /// An alias was set, moved or removed.
    Alias(AliasChange),
}

impl HistoryEntry {
    /// When the change took effect.
    pub fn changed_at(&self) -> Timestamp {
        match self {
            HistoryEntry::Status(c) => c.changed_at,
            HistoryEntry::Alias(c) => c.changed_at,
        }
    }

    fn order_key(&self) -> (Timestamp, Uuid) {
        match self {
            HistoryEntry::Status(c) => (c.changed_at, c.id),
            HistoryEntry::Alias(c) => (c.changed_at, c.id),
        }
    }
}

/// Merges two newest-first lists into one newest-first timeline.
pub fn merge(statuses: Vec<StatusChange>, aliases: Vec<AliasChange>) -> Vec<HistoryEntry> {
    let mut all: Vec<HistoryEntry> = statuses
        .into_iter()
        .map(HistoryEntry::Status)
        .chain(aliases.into_iter().map(HistoryEntry::Alias))
        .collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.order_key()));
    all
}
