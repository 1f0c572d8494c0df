//! One write of the registry: a transaction that records an audit event
//! with each change, stamped once the change's locks are held.
//!
//! Lock order. Where a backend locks rows (PostgreSQL), every operation
//! locks what it reads in this order, so that no two operations wait on
//! each other in a circle: a team, then a model, then that model's versions
//! (its production version after the one being changed), then an
//! environment, then deployments. Deleting a model locks the model first and
//! its versions through the cascade, the same order as a promotion, so
//! promoting a version while its model is deleted cannot deadlock.

use uuid::Uuid;

use super::Registry;
use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::error::{EntityKind, Result};
use crate::history::{AliasChange, StatusChange};
use crate::store::{Record, RecordKind, Tx};
use crate::time::{self, Timestamp};
use crate::validate;
use crate::versions::{ModelVersion, VersionStatus};

/// A write transaction that records an audit event with each change.
pub(super) struct Change<'a> {
    pub(super) tx: Box<dyn Tx + 'a>,
    actor: &'a Actor,
    now: Option<Timestamp>,
}

impl Registry {
    /// Begins a change. On every backend, `begin` returns with the
    /// transaction holding the lock that serializes writers as a whole (if
    /// any); row locks come with the reads made through `tx`.
    pub(super) async fn change(&self) -> Result<Change<'_>> {
        Ok(Change {
            tx: self.store.begin().await?,
            actor: &self.actor,
            now: None,
        })
    }
}

impl<'a> Change<'a> {
    /// Who makes this change.
    pub(super) fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// The time of this change, read once, on first use. Operations read
    /// (and so lock) everything they decide on before they ask for it, so
    /// the audit trail of any one entity is in commit order.
    pub(super) fn now(&mut self) -> Timestamp {
        *self.now.get_or_insert_with(time::now)
    }

    pub(super) async fn audit(
        &mut self,
        kind: EntityKind,
        id: Uuid,
        action: AuditAction,
        changes: validate::JsonObject,
    ) -> Result<()> {
        let now = self.now();
        let event = AuditEvent::new(kind, id, action, self.actor, changes, now);
        self.tx.insert(Record::AuditEvent(event)).await
    }

    /// Inserts `record` with an audit event of `action` listing its fields.
    pub(super) async fn create<T: serde::Serialize>(
        &mut self,
        entity: &T,
        record: Record,
        action: AuditAction,
    ) -> Result<()> {
        let (kind, id) = (record.kind(), record.id());
        let changes = audit::snapshot(entity)?;
        self.tx.insert(record).await?;
        self.audit(kind, id, action, changes).await
    }

    /// Replaces `old` by `new` with an `update` event of what differs.
    pub(super) async fn update<T: serde::Serialize>(&mut self, old: &T, new: &T, record: Record) -> Result<()> {
        let (kind, id) = (record.kind(), record.id());
        let changes = audit::diff(old, new)?;
        self.tx.update(record).await?;
        self.audit(kind, id, AuditAction::Update, changes).await
    }

    /// Deletes an entity with a `delete` event holding its last fields.
    pub(super) async fn delete<T: serde::Serialize>(&mut self, kind: EntityKind, id: Uuid, last: &T) -> Result<()> {
        let changes = audit::snapshot(last)?;
        self.tx.delete(RecordKind::of(kind), id).await?;
        self.audit(kind, id, AuditAction::Delete, changes).await
    }

    /// Records in the history that `version` now has its status (`from` before; none when new).
    pub(super) async fn status_changed(&mut self, version: &ModelVersion, from: Option<VersionStatus>) -> Result<()> {
        let change = StatusChange {
            id: Uuid::now_v7(),
            model_id: version.model_id,
            version_id: version.id,
            from_status: from,
            to_status: version.status,
            actor: self.actor.as_str().to_owned(),
            changed_at: self.now(),
        };
        self.tx.insert(Record::StatusChange(change)).await
    }

    /// Records in the history and the audit trail that a model's alias moved
    /// from one version to another (none: it did not exist, or no longer does).
    pub(super) async fn alias_moved(
        &mut self,
        model_id: Uuid,
        alias: &str,
        from: Option<&ModelVersion>,
        to: Option<&ModelVersion>,
    ) -> Result<()> {
        let change = AliasChange {
            id: Uuid::now_v7(),
            model_id,
            alias: alias.to_owned(),
            from_version_id: from.map(|v| v.id),
            to_version_id: to.map(|v| v.id),
            actor: self.actor.as_str().to_owned(),
            changed_at: self.now(),
        };
        self.tx.insert(Record::AliasChange(change)).await?;
        let semver = |v: Option<&ModelVersion>| v.map(|v| v.semver.clone());
        let changes = audit::snapshot(&serde_json::json!({
            "aliases": { alias: { "old": semver(from), "new": semver(to) } }
        }))?;
        self.audit(EntityKind::Model, model_id, AuditAction::Update, changes)
            .await
    }

    pub(super) async fn commit(self) -> Result<()> {
        self.tx.commit().await
    }
}
