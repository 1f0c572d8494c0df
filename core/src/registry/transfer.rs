//! Moving records in and out of a registry whole: export, import, copy,
//! and loading many new records at once.

use std::io::{BufRead, Write};

use super::Registry;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::error::{Error, Result};
use crate::store::{Existing, Record};
use crate::transfer::{self, Header, Progress, Summary, TransferError};

impl Registry {
    /// Writes one snapshot of the whole registry, audit trail included, as
    /// JSON Lines (see [`crate::transfer`]); answers the header written.
    pub async fn export(&self, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Result<Header> {
        let snapshot = self.store.snapshot().await?;
        transfer::export(snapshot.as_ref(), out, progress).await
    }

    /// Loads an export into this registry in one transaction (see [`transfer::import`]).
    pub async fn import(
        &self,
        input: &mut dyn BufRead,
        merge: bool,
        progress: Progress<'_>,
    ) -> Result<Summary, TransferError> {
        transfer::import(self.store.as_ref(), input, merge, progress).await
    }

    /// Copies one snapshot of `source` into this registry in one transaction.
    pub async fn copy_from(
        &self,
        source: &Registry,
        merge: bool,
        progress: Progress<'_>,
    ) -> Result<Summary, TransferError> {
        transfer::copy(source.store.as_ref(), self.store.as_ref(), merge, progress).await
    }

    /// Creates many new entities in one transaction, each with its audit
    /// event as a single create would write it (a deployment's is `deploy`).
    /// Records must come parents first; tag links and audit events are not
    /// accepted here. Answers how many entities were created.
    pub async fn bulk_create(&self, records: Vec<Record>) -> Result<u64> {
        let mut change = self.change().await?;
        let now = change.now();
        let mut rows = Vec::with_capacity(records.len() * 2);
        let mut events = Vec::with_capacity(records.len());
        for mut record in records {
            record.canonicalize();
            record.validate()?;
            let action = match &record {
                Record::ModelTag(_) | Record::AuditEvent(_) => {
                    return Err(Error::invalid(
                        "kind",
                        format!("{} records are not created in bulk", record.record_kind()),
                    ));
                }
                Record::Deployment(_) => AuditAction::Deploy,
                _ => AuditAction::Create,
            };
            let changes = audit::snapshot(&record)?
                .remove("record")
                .and_then(|fields| fields.as_object().cloned())
                .ok_or_else(|| Error::internal("a record serializes as {kind, record}"))?;
            events.push(Record::AuditEvent(AuditEvent::new(
                record.kind(),
                record.id(),
                action,
                self.actor(),
                changes,
                now,
            )));
            rows.push(record);
        }
        let created = rows.len() as u64;
        rows.extend(events);
        change.tx.insert_many(rows, Existing::Fail).await?;
        change.commit().await?;
        Ok(created)
    }
}
