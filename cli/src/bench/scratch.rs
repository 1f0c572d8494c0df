//! Where the benchmark runs: a scratch SQLite file or a scratch PostgreSQL
//! schema, never a configured registry; and the raw baseline writers (phase g)
//! that show what the database itself does.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use modelreg_core::{Error, Result, Store};
use modelreg_postgres::scratch::ScratchSchema;
use modelreg_sqlite::{Location, SqliteOptions};

use super::figures::{PhaseFigures, Span, figures, timed};
use crate::connect::{self, Backend};

/// A scratch database, removed by [`Scratch::cleanup`].
pub enum Scratch {
    Sqlite {
        path: PathBuf,
        dir: Option<tempfile::TempDir>,
    },
    Postgres {
        url: String,
        schema: ScratchSchema,
    },
}

impl Scratch {
    /// A temporary SQLite file without `url`; otherwise a scratch database on its backend.
    pub async fn create(url: Option<&str>) -> Result<Scratch> {
        let Some(url) = url else {
            let dir = tempfile::tempdir().map_err(|e| Error::storage(format!("no temporary directory: {e}")))?;
            return Ok(Scratch::Sqlite {
                path: dir.path().join("bench.db"),
                dir: Some(dir),
            });
        };
        match Backend::of(url)? {
            // Never the named file itself: a fresh file beside it, removed afterwards.
            Backend::Sqlite(Location::File(path)) => Ok(Scratch::Sqlite {
                path: path.with_file_name(format!("modelreg-bench-{}.db", uuid::Uuid::new_v4().simple())),
                dir: None,
            }),
            Backend::Sqlite(Location::Memory) => Err(Error::invalid(
                "database_url",
                "bench needs a file; omit --database-url for a temporary one",
            )),
            Backend::Postgres(url) => Ok(Scratch::Postgres {
                schema: ScratchSchema::create(&url).await?,
                url,
            }),
            Backend::Server(url) => Err(connect::not_a_database(&url)),
        }
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self {
            Scratch::Sqlite { .. } => "sqlite",
            Scratch::Postgres { .. } => "postgres",
        }
    }

    /// Opens the scratch registry's store, with up to `pool` connections on PostgreSQL.
    pub async fn open(&self, pool: u32) -> Result<Arc<dyn Store>> {
        let (backend, pg_schema) = match self {
            Scratch::Sqlite { path, .. } => (Backend::Sqlite(Location::File(path.clone())), None),
            Scratch::Postgres { url, schema } => (Backend::Postgres(url.clone()), Some(schema.name().to_owned())),
        };
        let options = connect::Options {
            migrate: true,
            create: true,
            pool_size: pool,
            acquire_timeout: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(30),
            pg_schema,
        };
        connect::open_backend(&backend, &options).await
    }

    /// The raw INSERT + COMMIT rate of `writers` connections, together
    /// making at least `span.ops` inserts over at least `span.time`.
    pub async fn baseline(&self, writers: usize, span: Span) -> Result<PhaseFigures> {
        let payload = "x".repeat(300);
        let per_writer = Span::new(span.ops.div_ceil(writers.max(1)), span.time);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..writers.max(1) {
            let payload = payload.clone();
            let raw = RawWriter::open(self).await?;
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_writer.ops);
                while !per_writer.done(latencies.len(), start) {
                    timed(&mut latencies, raw.insert(payload.clone())).await?;
                }
                Ok::<_, Error>(latencies)
            }));
        }
        let mut all = Vec::with_capacity(span.ops);
        for task in tasks {
            all.extend(
                task.await
                    .map_err(|e| Error::internal(format!("a baseline writer failed: {e}")))??,
            );
        }
        Ok(figures(&mut all, start.elapsed()))
    }

    /// Keeps the scratch SQLite file (answering its path), or removes the scratch database.
    pub async fn finish(self, keep: bool) -> Result<Option<PathBuf>> {
        match self {
            Scratch::Sqlite { path, dir } if keep => {
                // The temporary directory is kept too, or the file goes with it.
                let _ = dir.map(tempfile::TempDir::keep);
                Ok(Some(path))
            }
            Scratch::Sqlite { path, dir: _dir } => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
                Ok(None)
            }
            Scratch::Postgres { schema, .. } => schema.drop_all().await.map(|()| None),
        }
    }
}

/// One connection inserting rows into a scratch table, outside the registry.
enum RawWriter {
    Sqlite(modelreg_sqlite::baseline::RawWriter),
    Postgres(modelreg_postgres::baseline::RawWriter),
}

impl RawWriter {
    async fn open(scratch: &Scratch) -> Result<RawWriter> {
        Ok(match scratch {
            Scratch::Sqlite { path, .. } => RawWriter::Sqlite(
                modelreg_sqlite::baseline::RawWriter::open(&Location::File(path.clone()), &SqliteOptions::default())
                    .await?,
            ),
            Scratch::Postgres { url, schema } => {
                RawWriter::Postgres(modelreg_postgres::baseline::RawWriter::connect(url, Some(schema.name())).await?)
            }
        })
    }

    async fn insert(&self, payload: String) -> Result<()> {
        match self {
            RawWriter::Sqlite(w) => w.insert(payload).await,
            RawWriter::Postgres(w) => w.insert(payload).await,
        }
    }
}
