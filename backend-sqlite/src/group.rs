//! Group commit: changes that reach the writer together commit together.
//!
//! Registry transactions still take turns on the one writer connection, and
//! each runs in its own SAVEPOINT of one SQL transaction (`BEGIN IMMEDIATE`
//! once, for the group). When a change is done and other changes are
//! already waiting for the writer, it releases its savepoint and hands the
//! writer on without committing; the SQL `COMMIT` comes with the last change
//! of the group (or a flush that follows the waiting changes), and only then
//! is every change of the group acknowledged. A change that fails rolls back
//! to its own savepoint alone and gets its own error at once; if the shared
//! `COMMIT` fails, every change of the group gets that error. So nobody is
//! acknowledged before the commit that holds their change is durable, and
//! no acknowledged change is lost.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use modelreg_core::{Error, Result};
use rusqlite::Connection;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::error::db;
use crate::worker::Worker;

/// The most changes one commit holds, so a group never grows without end.
const MAX_GROUP: usize = 256;
/// The longest a group stays open, so other processes are not kept out long.
const MAX_AGE: Duration = Duration::from_millis(20);

/// The writer connection and the group of changes it has not committed yet.
pub(crate) struct Writer {
    worker: Worker,
    /// When the group's SQL transaction began (none: no transaction is open).
    began: Option<Instant>,
    /// The acknowledgements owed when the group commits.
    pending: Vec<oneshot::Sender<Result<()>>>,
    /// Changes and commits so far, for reports of how well changes group.
    counts: Counts,
}

/// How many changes a store made and in how many commits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Changes acknowledged (one per committed registry operation).
    pub changes: u64,
    /// SQL commits that made them durable.
    pub commits: u64,
}

impl Deref for Writer {
    type Target = Worker;

    fn deref(&self) -> &Worker {
        &self.worker
    }
}

impl DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut Worker {
        &mut self.worker
    }
}

/// The shared writer: the lock transactions take turns on, and how many wait for it.
#[derive(Clone)]
pub(crate) struct Shared {
    writer: Arc<Mutex<Writer>>,
    waiting: Arc<AtomicUsize>,
}

/// Counts a caller as waiting for the writer while it waits (also if it gives up).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn begin(conn: &mut Connection) -> Result<()> {
    // Whatever an abandoned call left open is not part of any group.
    if !conn.is_autocommit() {
        conn.execute_batch("ROLLBACK").map_err(db)?;
    }
    conn.execute_batch("BEGIN IMMEDIATE").map_err(db)
}

fn commit(conn: &mut Connection) -> Result<()> {
    let result = conn.execute_batch("COMMIT").map_err(db);
    if result.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

impl Shared {
    pub(crate) fn new(worker: Worker) -> Shared {
        Shared {
            writer: Arc::new(Mutex::new(Writer {
                worker,
                began: None,
                pending: Vec::new(),
                counts: Counts::default(),
            })),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The writer, for a change: its turn, with the group's SQL transaction open.
    pub(crate) async fn for_change(&self) -> Result<OwnedMutexGuard<Writer>> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let waiting = Waiting(&self.waiting);
        let mut writer = Arc::clone(&self.writer).lock_owned().await;
        drop(waiting);
        if writer.began.is_none() {
            writer.worker.run(begin).await?;
            writer.began = Some(Instant::now());
        }
        Ok(writer)
    }

    /// The writer with no group open (the group committed first): for work
    /// outside registry transactions, which must not see or hold uncommitted changes.
    pub(crate) async fn settled(&self) -> Result<OwnedMutexGuard<Writer>> {
        let mut writer = Arc::clone(&self.writer).lock_owned().await;
        writer.commit_group(false).await?;
        Ok(writer)
    }

    /// Whether a change that is done should leave the commit to the changes
    /// waiting behind it.
    fn defer(&self, writer: &Writer) -> bool {
        self.waiting.load(Ordering::SeqCst) > 0
            && writer.pending.len() + 1 < MAX_GROUP
            && writer.began.is_some_and(|t| t.elapsed() < MAX_AGE)
    }

    /// Changes and commits so far (after the writer's current turn).
    pub(crate) async fn counts(&self) -> Counts {
        self.writer.lock().await.counts()
    }

    /// Ends a change whose savepoint was released: commits the group with
    /// it, or hands the writer on and waits for the group's commit.
    pub(crate) async fn done(&self, mut writer: OwnedMutexGuard<Writer>) -> Result<()> {
        if !self.defer(&writer) {
            return writer.commit_group(true).await;
        }
        let (ack, acked) = oneshot::channel();
        writer.pending.push(ack);
        drop(writer);
        // Commits after the changes that were waiting, if none of them does.
        let flush = self.clone();
        tokio::spawn(async move {
            let _ = flush.settled().await;
        });
        acked
            .await
            .map_err(|_| Error::internal("the group commit ended without an answer"))?
    }
}

impl Writer {
    /// Commits the open group, if any, and answers every change in it;
    /// `committer` is the change that commits it, when a change does.
    pub(crate) async fn commit_group(&mut self, committer: bool) -> Result<()> {
        if self.began.take().is_none() {
            return Ok(());
        }
        let result = self.worker.run(commit).await;
        if result.is_ok() {
            self.counts.commits += 1;
            self.counts.changes += u64::from(committer) + self.pending.len() as u64;
        }
        for ack in self.pending.drain(..) {
            let _ = ack.send(result.clone());
        }
        result
    }

    /// Changes and commits so far.
    pub(crate) fn counts(&self) -> Counts {
        self.counts
    }

    /// Rolls back what an abandoned change left, keeping the group's earlier
    /// changes; with none, the group's transaction ends. Whether earlier
    /// changes are left to commit.
    pub(crate) fn abandon(&mut self, savepoint_open: bool) -> bool {
        let whole = self.pending.is_empty();
        if whole {
            self.began = None;
        }
        let _ = self.worker.send(move |conn| {
            if conn.is_autocommit() {
                return;
            }
            if whole {
                let _ = conn.execute_batch("ROLLBACK");
            } else if savepoint_open {
                let _ = conn.execute_batch("ROLLBACK TO change; RELEASE change");
            }
        });
        !whole
    }
}
