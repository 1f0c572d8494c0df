//! One SQLite connection owned by one thread: async callers send it jobs and
//! await the answer, so the tokio runtime never blocks on SQLite.

use std::sync::mpsc;
use std::thread;

use modelreg_core::{Error, Result};
use rusqlite::Connection;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A connection thread; dropping it lets the thread finish and close the connection.
pub(crate) struct Worker {
    jobs: mpsc::Sender<Job>,
    thread: thread::JoinHandle<()>,
}

impl Worker {
    pub(crate) fn spawn(mut conn: Connection, name: &str) -> Result<Worker> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                for job in queue {
                    job(&mut conn);
                }
            })
            .map_err(|e| Error::backend(format!("cannot start an SQLite connection thread: {e}")))?;
        Ok(Worker { jobs, thread })
    }

    /// Runs `job` on the connection and returns its result.
    pub(crate) async fn run<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        let (answer, reply) = oneshot::channel();
        self.send(move |conn| {
            let _ = answer.send(job(conn));
        })?;
        reply
            .await
            .map_err(|_| Error::backend("the SQLite connection thread stopped during a query"))?
    }

    /// Queues `job` without waiting for it (jobs run in the order sent).
    pub(crate) fn send(&self, job: impl FnOnce(&mut Connection) + Send + 'static) -> Result<()> {
        self.jobs
            .send(Box::new(job))
            .map_err(|_| Error::backend("the SQLite connection thread has stopped"))
    }
}

impl Worker {
    /// Lets the thread finish its queued jobs, close the connection and exit; blocks until it has.
    pub(crate) fn close(self) {
        let Worker { jobs, thread } = self;
        drop(jobs);
        let _ = thread.join();
    }
}
