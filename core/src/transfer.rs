//! Moving a registry: export to JSON Lines, import from them, and copy
//! between two stores (any backends), exactly, with ids and timestamps.
//!
//! The file is a header line, then one record per line in dependency order:
//! `{"kind": "model", "record": {…}}`. Export and copy read one snapshot of
//! the source, page by page, so their memory stays flat and what they write
//! is one moment of a registry that others keep writing to; import and copy
//! write the target in one transaction, so a bad line (or a file cut short)
//! leaves the target untouched.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{Existing, Record, RecordKey, RecordKind, Snapshot, Store, Tx};
use crate::validate;

/// What the header line calls the format.
pub const FORMAT: &str = "modelreg-export";
/// The version of the format this modelreg writes; it reads every version up
/// to it (version 1 files have no aliases, history or version descriptions).
pub const FORMAT_VERSION: u32 = 2;

/// Records read from the source per page.
const PAGE: u32 = 5000;
/// Records written to the target per batch.
const BATCH: usize = 10_000;

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`]: a file that says otherwise is not an export.
    pub format: String,
    /// The version of the format the file is written in, 1..=[`FORMAT_VERSION`].
    pub format_version: u32,
    /// The version of the modelreg that wrote the file.
    pub modelreg_version: String,
    /// The schema version of the database it was exported from.
    pub schema_version: i64,
    /// Records per kind, as the export began.
    pub counts: BTreeMap<RecordKind, u64>,
}

/// What an import or copy wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Records read, per kind.
    pub records: BTreeMap<RecordKind, u64>,
    /// Records read in all.
    pub total: u64,
    /// Records written to the target.
    pub written: u64,
    /// Records skipped because the target had them already (`--merge`).
    pub skipped: u64,
    /// History rows rebuilt from the audit trail of a format-1 file (which
    /// has none), as schema 2's migration rebuilds them for a database.
    #[serde(default)]
    pub derived: u64,
}

/// An error of an import or copy, with the line of the file (for a copy,
/// the position in the source) of the record it is about, when there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct TransferError {
    /// The line of the record it is about (for a copy, its position in the source), if any.
    pub line: Option<u64>,
    /// What went wrong.
    #[source]
    pub error: Error,
}

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl From<Error> for TransferError {
    fn from(error: Error) -> Self {
        TransferError { line: None, error }
    }
}

/// How far an export, import or copy is: records done, and the total expected.
pub type Progress<'a> = &'a mut (dyn FnMut(u64, u64) + Send);

/// Every record of a snapshot, kind by kind in dependency order, a page at a time.
pub struct RecordStream<'a> {
    store: &'a dyn Snapshot,
    kinds: std::slice::Iter<'static, RecordKind>,
    kind: Option<RecordKind>,
    after: Option<RecordKey>,
    page: std::vec::IntoIter<Record>,
}

impl<'a> RecordStream<'a> {
    /// A stream over `store`.
    pub fn new(store: &'a dyn Snapshot) -> Self {
        let mut kinds = RecordKind::ALL.iter();
        let kind = kinds.next().copied();
        RecordStream {
            store,
            kinds,
            kind,
            after: None,
            page: Vec::new().into_iter(),
        }
    }

    /// The next record, or `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Record>> {
        loop {
            if let Some(record) = self.page.next() {
                self.after = Some(record.key());
                return Ok(Some(record));
            }
            let Some(kind) = self.kind else { return Ok(None) };
            let page = self.store.records(kind, self.after, PAGE).await?;
            if page.is_empty() {
                self.kind = self.kinds.next().copied();
                self.after = None;
            } else {
                self.page = page.into_iter();
            }
        }
    }
}

/// The header an export of the snapshot `store` starts with.
pub async fn header(store: &dyn Snapshot) -> Result<Header> {
    Ok(Header {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        modelreg_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: store.schema_version().await?,
        counts: store.record_counts().await?,
    })
}

impl Header {
    /// Records of every kind.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
}

fn io_error(e: std::io::Error) -> Error {
    Error::invalid("out", format!("cannot write the export: {e}"))
}

/// Fails unless the records seen per kind are what the header announced.
fn check_counts(header: &BTreeMap<RecordKind, u64>, seen: &BTreeMap<RecordKind, u64>) -> Result<()> {
    for kind in RecordKind::ALL {
        let (expected, found) = (
            header.get(kind).copied().unwrap_or(0),
            seen.get(kind).copied().unwrap_or(0),
        );
        if expected != found {
            return Err(Error::invalid(
                "counts",
                format!(
                    "the header announces {expected} {kind} records but {found} were read: the export is incomplete or was edited; nothing was imported"
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the whole snapshot as JSON Lines; `progress` hears of every record.
/// Answers the header it wrote, whose counts are what the file holds.
pub async fn export(store: &dyn Snapshot, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Result<Header> {
    let header = header(store).await?;
    let total = header.total();
    serde_json::to_writer(&mut *out, &header).map_err(|e| Error::internal(e.to_string()))?;
    out.write_all(b"\n").map_err(io_error)?;
    let mut stream = RecordStream::new(store);
    let mut seen = BTreeMap::new();
    let mut written = 0;
    while let Some(record) = stream.next().await? {
        serde_json::to_writer(&mut *out, &record).map_err(|e| Error::internal(e.to_string()))?;
        out.write_all(b"\n").map_err(io_error)?;
        *seen.entry(record.record_kind()).or_default() += 1;
        written += 1;
        progress(written, total);
    }
    out.flush().map_err(io_error)?;
    // A snapshot never changes under the export: a difference is a fault.
    check_counts(&header.counts, &seen)
        .map_err(|e| Error::internal(format!("the snapshot changed during the export: {e}")))?;
    Ok(header)
}

/// Writes records into one transaction of the target, a batch at a time,
/// and tells which line a failing record came from.
struct Importer<'a> {
    tx: Box<dyn Tx + 'a>,
    existing: Existing,
    batch: Vec<(u64, Record)>,
    summary: Summary,
    /// Set for a format-1 file: what its history is rebuilt from.
    history: Option<FormatOneHistory>,
    /// Whether the target held nothing: then the store loads in bulk.
    bulk: bool,
}

/// The status history a format-1 file's audit trail tells: each version's
/// creation and every status change of a version whose model is in the file.
/// A history row takes the id of the audit event it comes from.
#[derive(Default)]
struct FormatOneHistory {
    models: std::collections::HashSet<uuid::Uuid>,
    model_of_version: std::collections::HashMap<uuid::Uuid, uuid::Uuid>,
}

impl FormatOneHistory {
    fn see(&mut self, record: &Record) -> Option<Record> {
        use crate::audit::AuditAction;
        let event = match record {
            Record::Model(m) => {
                self.models.insert(m.id);
                return None;
            }
            Record::ModelVersion(v) => {
                self.model_of_version.insert(v.id, v.model_id);
                return None;
            }
            Record::AuditEvent(a) if a.entity_type == crate::error::EntityKind::ModelVersion => a,
            _ => return None,
        };
        let (from, to) = match event.action {
            AuditAction::Create => {
                let model = event.changes.get("model_id")?.as_str()?.parse().ok()?;
                self.model_of_version.entry(event.entity_id).or_insert(model);
                (None, event.changes.get("status")?.as_str()?)
            }
            AuditAction::Update => {
                let status = event.changes.get("status")?;
                (status.get("old").and_then(|s| s.as_str()), status.get("new")?.as_str()?)
            }
            _ => return None,
        };
        let model_id = *self.model_of_version.get(&event.entity_id)?;
        if !self.models.contains(&model_id) {
            return None;
        }
        Some(Record::StatusChange(crate::history::StatusChange {
            id: event.id,
            model_id,
            version_id: event.entity_id,
            from_status: from.and_then(|s| s.parse().ok()),
            to_status: to.parse().ok()?,
            actor: event.actor.clone(),
            changed_at: event.timestamp,
        }))
    }
}

impl<'a> Importer<'a> {
    /// Opens the target's transaction; a target with records needs `merge`.
    async fn start(target: &'a dyn Store, merge: bool) -> Result<Importer<'a>> {
        let held: u64 = target.record_counts().await?.values().sum();
        if held > 0 && !merge {
            return Err(Error::invalid(
                "target",
                format!("holds {held} records already; import into an empty registry, or pass --merge"),
            ));
        }
        let mut tx = target.begin().await?;
        let bulk = held == 0;
        if bulk {
            tx.bulk_load(true).await?;
        }
        Ok(Importer {
            tx,
            bulk,
            existing: if merge { Existing::Skip } else { Existing::Fail },
            batch: Vec::with_capacity(BATCH),
            summary: Summary::default(),
            history: None,
        })
    }

    async fn push(&mut self, line: u64, record: Record) -> Result<(), TransferError> {
        record.validate().map_err(|e| at_line(line, e))?;
        *self.summary.records.entry(record.record_kind()).or_default() += 1;
        self.summary.total += 1;
        let derived = self.history.as_mut().and_then(|h| h.see(&record));
        self.batch.push((line, record));
        if let Some(derived) = derived {
            self.summary.derived += 1;
            self.batch.push((line, derived));
        }
        if self.batch.len() >= BATCH {
            self.write_batch().await?;
        }
        Ok(())
    }

    async fn write_batch(&mut self) -> Result<(), TransferError> {
        let batch = std::mem::take(&mut self.batch);
        let records: Vec<Record> = batch.iter().map(|(_, r)| r.clone()).collect();
        let written = self
            .tx
            .insert_many(records, self.existing)
            .await
            .map_err(|e| TransferError {
                line: culprit(&batch, &e),
                error: e,
            })?;
        self.summary.written += written;
        self.summary.skipped += batch.len() as u64 - written;
        Ok(())
    }

    /// Writes what is left and commits, once what was read matches `expected` (when known).
    async fn finish(mut self, expected: Option<&BTreeMap<RecordKind, u64>>) -> Result<Summary, TransferError> {
        self.write_batch().await?;
        if let Some(expected) = expected {
            check_counts(expected, &self.summary.records)?;
        }
        if self.bulk {
            self.tx.bulk_load(false).await?;
        }
        self.tx.commit().await?;
        Ok(self.summary)
    }
}

fn at_line(line: u64, error: Error) -> TransferError {
    TransferError {
        line: Some(line),
        error,
    }
}

/// The line of the batch whose record the store's error is about (of two
/// records with one name, the later one is the one that clashes).
fn culprit(batch: &[(u64, Record)], error: &Error) -> Option<u64> {
    batch
        .iter()
        .rev()
        .find(|(_, record)| match error {
            Error::Conflict { entity, field, .. } => {
                record.kind() == *entity
                    && record.record_kind() != RecordKind::ModelTag
                    && record.conflict(field) == *error
            }
            Error::NotFound { .. } => record.missing_parent() == *error,
            _ => false,
        })
        .map(|(line, _)| *line)
}

/// Loads an export into `target` in one transaction. Without `merge` the
/// target must be empty; with it, records whose id (or tag link) exists
/// already are kept as they are and the file's copy is skipped, while a
/// record taking another record's unique name fails the whole import.
pub async fn import(
    target: &dyn Store,
    input: &mut dyn BufRead,
    merge: bool,
    progress: Progress<'_>,
) -> Result<Summary, TransferError> {
    let mut lines = input.lines();
    let first = lines
        .next()
        .transpose()
        .map_err(|e| at_line(1, Error::invalid("file", format!("cannot read: {e}"))))?
        .ok_or_else(|| {
            at_line(
                1,
                Error::invalid("file", "is empty: an export starts with a header line"),
            )
        })?;
    let header: Header = serde_json::from_str(&first).map_err(|e| {
        at_line(
            1,
            Error::invalid("header", format!("is not a modelreg export header: {e}")),
        )
    })?;
    if header.format != FORMAT || header.format_version > FORMAT_VERSION {
        return Err(at_line(
            1,
            Error::invalid(
                "format_version",
                format!(
                    "{} version {} is not readable by this modelreg (it reads {FORMAT} up to version {FORMAT_VERSION})",
                    header.format, header.format_version
                ),
            ),
        ));
    }
    let mut importer = Importer::start(target, merge).await?;
    if header.format_version == 1 {
        importer.history = Some(FormatOneHistory::default());
    }
    for (index, line) in lines.enumerate() {
        let number = index as u64 + 2;
        let line = line.map_err(|e| at_line(number, Error::invalid("file", format!("cannot read: {e}"))))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = parse_record(&line).map_err(|e| at_line(number, e))?;
        importer.push(number, record).await?;
        progress(importer.summary.total, header.total());
    }
    importer.finish(Some(&header.counts)).await
}

/// One record line, checked as the registry checks JSON it is given: an
/// error names the field it is about (the last named step of its path).
fn parse_record(line: &str) -> Result<Record> {
    let mut de = serde_json::Deserializer::from_str(line);
    let mut record: Record = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let tag = serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| v["kind"] == "tag");
        let field = e
            .path()
            .iter()
            .filter_map(|step| match step {
                serde_path_to_error::Segment::Map { key } => Some(key.as_str()),
                _ => None,
            })
            .rfind(|key| *key != "record")
            // A tag's name is the field `tag`, as the registry names it.
            .map_or("record", |key| {
                if tag && key == "name" {
                    "tag"
                } else {
                    crate::error::field_name(key)
                }
            });
        Error::invalid(field, format!("is not a valid record: {}", e.inner()))
    })?;
    // An integer literal beyond 64 bits would have become an inexact float.
    if let Some((path, literal)) = validate::wide_integer(line) {
        let path: Vec<String> = path.iter().map(ToString::to_string).collect();
        let field = path.get(1).map_or("record", |f| crate::error::field_name(f));
        return Err(Error::invalid(
            field,
            format!(
                "at {}: the integer {literal} is outside the 64-bit range and would lose precision",
                path.get(1..).unwrap_or_default().join(".")
            ),
        ));
    }
    record.canonicalize();
    Ok(record)
}

/// Copies every record of one snapshot of `source` into `target`, as an
/// export and import would, without a file.
pub async fn copy(
    source: &dyn Store,
    target: &dyn Store,
    merge: bool,
    progress: Progress<'_>,
) -> Result<Summary, TransferError> {
    let snapshot = source.snapshot().await?;
    let expected = snapshot.record_counts().await?;
    let total = expected.values().sum();
    let mut importer = Importer::start(target, merge).await?;
    let mut stream = RecordStream::new(snapshot.as_ref());
    let mut position = 0;
    while let Some(record) = stream.next().await? {
        position += 1;
        // "Lines" of a copy are positions in the source's stream.
        importer.push(position, record).await?;
        progress(position, total);
    }
    importer.finish(Some(&expected)).await
}
