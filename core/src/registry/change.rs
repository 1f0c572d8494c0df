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
use crate::store::{Record, Tx};
use crate::time::{self, Timestamp};
use crate::validate;

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

impl Change<'_> {
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
        self.tx.delete(kind, id).await?;
        self.audit(kind, id, AuditAction::Delete, changes).await
    }

    pub(super) async fn commit(self) -> Result<()> {
        self.tx.commit().await
    }
}
