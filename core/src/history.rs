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
    pub id: Uuid,
    pub model_id: Uuid,
    pub version_id: Uuid,
    pub from_status: Option<VersionStatus>,
    pub to_status: VersionStatus,
    pub actor: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub changed_at: Timestamp,
}

/// An alias was set, moved or removed (`from`/`to` none: it did not exist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AliasChange {
    pub id: Uuid,
    pub model_id: Uuid,
    pub alias: String,
    pub from_version_id: Option<Uuid>,
    pub to_version_id: Option<Uuid>,
    pub actor: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub changed_at: Timestamp,
}

/// One entry of a model's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    Status(StatusChange),
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
