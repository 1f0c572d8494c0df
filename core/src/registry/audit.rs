//! Reading the audit trail.

use uuid::Uuid;

use super::Registry;
use crate::audit::AuditEvent;
use crate::error::{EntityKind, Result};
use crate::store::Page;

impl Registry {
    /// The audit trail of one entity, newest first.
    pub async fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.audit_of_entity(kind, id, page).await
    }

    /// Everything an actor changed, newest first.
    pub async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.audit_by_actor(&crate::validate::nfc(actor), page).await
    }

    /// The most recent changes.
    pub async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.recent_audit(page).await
    }
}
