//! One SQLite connection owned by one thread: async callers send it jobs and
//! await the answer, so the tokio runtime never blocks on SQLite.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use modelreg_core::{Error, Result};
use rusqlite::Connection;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A connection thread. Dropping it lets the thread finish its jobs and
/// close the connection; [`Worker::close`] also waits until it has.
pub(crate) struct Worker {
    /// Where jobs go; `None` once closed.
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    /// Answers once the thread has closed its connection.
    closed: Mutex<Option<oneshot::Receiver<()>>>,
    /// Calls sent and not yet answered.
    in_flight: AtomicUsize,
}

/// How long an idle connection thread polls for the next job before it
/// sleeps: a registry operation sends its jobs a few microseconds apart, and
/// waking a sleeping thread costs more than that.
const SPIN: Duration = Duration::from_micros(50);

fn next_job(queue: &mpsc::Receiver<Job>) -> Option<Job> {
    let start = Instant::now();
    for spins in 0u32.. {
        match queue.try_recv() {
            Ok(job) => return Some(job),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            // Reading the clock costs more than a poll: look at it now and then.
            Err(mpsc::TryRecvError::Empty) if spins % 64 != 0 || start.elapsed() < SPIN => std::hint::spin_loop(),
            Err(mpsc::TryRecvError::Empty) => break,
        }
    }
    queue.recv().ok()
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn closed() -> Error {
    Error::unavailable("the SQLite database is closed")
}

impl Worker {
    /// A thread for `conn`, which waits up to `busy_timeout` for a lock.
    pub(crate) fn spawn(mut conn: Connection, name: &str, busy_timeout: Duration) -> Result<Worker> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (done, closed) = oneshot::channel();
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                crate::schema::set_busy_timeout(busy_timeout);
                while let Some(job) = next_job(&queue) {
                    job(&mut conn);
                }
                // Closing the last connection of a file checkpoints its WAL.
                drop(conn);
                let _ = done.send(());
            })
            .map_err(|e| Error::unavailable("cannot start an SQLite connection thread").with_source(e))?;
        Ok(Worker {
            jobs: Mutex::new(Some(jobs)),
            closed: Mutex::new(Some(closed)),
            in_flight: AtomicUsize::new(0),
        })
    }

    /// Runs `job` on the connection and returns its result.
    pub(crate) async fn run<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        let result = self.call(job).await;
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        result
    }

    /// Calls sent to this connection and not yet answered.
    pub(crate) fn load(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    async fn call<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        let (answer, mut reply) = oneshot::channel();
        self.send(move |conn| {
            let _ = answer.send(job(conn));
        })?;
        // Most answers come back within microseconds: poll for a moment,
        // yielding to other tasks in between (the runtime is never blocked),
        // before sleeping until the answer wakes this task.
        let start = Instant::now();
        while start.elapsed() < SPIN {
            match reply.try_recv() {
                Ok(answer) => return answer,
                Err(oneshot::error::TryRecvError::Empty) => tokio::task::yield_now().await,
                Err(oneshot::error::TryRecvError::Closed) => break,
            }
        }
        reply
            .await
            .map_err(|_| Error::internal("the SQLite connection thread stopped during a query"))?
    }

    /// Queues `job` without waiting for it (jobs run in the order sent).
    pub(crate) fn send(&self, job: impl FnOnce(&mut Connection) + Send + 'static) -> Result<()> {
        match locked(&self.jobs).as_ref() {
            Some(jobs) => jobs
                .send(Box::new(job))
                .map_err(|_| Error::internal("the SQLite connection thread has stopped")),
            None => Err(closed()),
        }
    }

    /// Lets the thread finish its queued jobs and close the connection, and
    /// waits until it has; later calls fail with [`Error::Unavailable`].
    pub(crate) async fn close(&self) {
        drop(locked(&self.jobs).take());
        let done = locked(&self.closed).take();
        if let Some(done) = done {
            let _ = done.await;
        }
    }
}
