//! Moving records in and out of a registry whole: export, import, copy,
//! and loading many new records at once.

use std::io::{BufRead, Write};

use super::Registry;
use super::change::Change;
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
        let mut load = BulkLoad {
            change: self.change().await?,
            indexes_aside: false,
            created: 0,
        };
        load.add(records).await?;
        load.finish().await
    }

    /// Begins loading many new entities in batches, all in one transaction,
    /// with the rules of [`Registry::bulk_create`]. Into a registry that
    /// holds nothing yet, the backend may use its bulk path (secondary
    /// indexes built once at the end). Nothing is visible before
    /// [`BulkLoad::finish`]; dropping the load unfinished writes nothing.
    pub async fn bulk_load(&self) -> Result<BulkLoad<'_>> {
        let held: u64 = self.store.record_counts().await?.values().sum();
        let mut change = self.change().await?;
        let indexes_aside = held == 0;
        if indexes_aside {
            change.tx.bulk_load(true).await?;
        }
        Ok(BulkLoad {
            change,
            indexes_aside,
            created: 0,
        })
    }
}

/// A load of many new entities in one transaction (see [`Registry::bulk_load`]).
pub struct BulkLoad<'a> {
    change: Change<'a>,
    indexes_aside: bool,
    created: u64,
}

impl BulkLoad<'_> {
    /// Validates and writes one batch, parents before children (their
    /// parents may be in an earlier batch), each entity with its audit event.
    pub async fn add(&mut self, records: Vec<Record>) -> Result<()> {
        let now = self.change.now();
        let actor = self.change.actor();
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
            let Some(serde_json::Value::Object(changes)) = audit::snapshot(&record)?.remove("record") else {
                return Err(Error::internal("a record serializes as {kind, record}"));
            };
            events.push(Record::AuditEvent(AuditEvent::new(
                record.kind(),
                record.id(),
                action,
                actor,
                changes,
                now,
            )));
            rows.push(record);
        }
        self.created += rows.len() as u64;
        rows.extend(events);
        self.change.tx.insert_many(rows, Existing::Fail).await?;
        Ok(())
    }

    /// Builds what was set aside and commits; answers how many entities were created.
    pub async fn finish(mut self) -> Result<u64> {
        if self.indexes_aside {
            self.change.tx.bulk_load(false).await?;
        }
        self.change.commit().await?;
        Ok(self.created)
    }
}
