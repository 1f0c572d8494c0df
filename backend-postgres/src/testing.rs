//! A test fixture: a fresh, migrated PostgreSQL database for each test,
//! dropped afterwards even when the test panics.
//!
//! The server is found once per test binary, in this order:
//! 1. `MODELREG_TEST_POSTGRES_URL`, when set;
//! 2. otherwise one testcontainers PostgreSQL (image tag [`IMAGE_TAG`]),
//!    shared by the whole binary (this needs Docker);
//! 3. otherwise the tests that need PostgreSQL are skipped with one printed
//!    line, unless `MODELREG_TEST_REQUIRE_POSTGRES=1`, which makes them fail.
//!
//! Each test's database is `CREATE DATABASE … TEMPLATE` of a database
//! migrated once. Only the URL is cached in a static, never a pool: a pool
//! belongs to the tokio runtime of the test that made it.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use modelreg_core::error::redact_passwords;
// Database names here are generated (a hash or a UUID), never user data.
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use tokio::sync::OnceCell;

use crate::{MIGRATIONS, PostgresOptions, PostgresStore};

/// The environment variable naming the server to test against.
pub const URL_VAR: &str = "MODELREG_TEST_POSTGRES_URL";
/// Set to 1 to fail, rather than skip, when no server can be found.
pub const REQUIRE_VAR: &str = "MODELREG_TEST_REQUIRE_POSTGRES";
/// The pinned PostgreSQL image testcontainers starts.
pub const IMAGE_TAG: &str = "16.4-alpine";

static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static SKIP_NOTED: AtomicBool = AtomicBool::new(false);

fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// The server's URL, found once per process.
fn server() -> Result<&'static str, &'static str> {
    SERVER
        .get_or_init(|| match std::env::var(URL_VAR) {
            Ok(url) if !url.is_empty() => Ok(url),
            _ => start_container(),
        })
        .as_deref()
        .map_err(String::as_str)
}

/// Starts the shared container on a thread of its own, which keeps it (and
/// the runtime its client lives on) for the life of the test binary.
fn start_container() -> Result<String, String> {
    let (found, answer) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("modelreg-test-postgres".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = found.send(Err(format!("cannot start a runtime for testcontainers: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                use testcontainers_modules::postgres::Postgres;
                use testcontainers_modules::testcontainers::ImageExt;
                use testcontainers_modules::testcontainers::runners::AsyncRunner;
                let container = match Postgres::default().with_tag(IMAGE_TAG).start().await {
                    Ok(container) => container,
                    Err(e) => {
                        let _ = found.send(Err(format!(
                            "no {URL_VAR} is set and testcontainers could not start postgres:{IMAGE_TAG} \
                             (is Docker running?): {e}"
                        )));
                        return;
                    }
                };
                let address = async {
                    let host = container.get_host().await?;
                    let port = container.get_host_port_ipv4(5432).await?;
                    Ok::<_, testcontainers_modules::testcontainers::TestcontainersError>(format!(
                        "postgres://postgres:postgres@{host}:{port}/postgres"
                    ))
                }
                .await;
                let _ = found.send(address.map_err(|e| format!("the PostgreSQL container has no address: {e}")));
                std::future::pending::<()>().await;
            });
        });
    if let Err(e) = spawned {
        return Err(format!("cannot start the testcontainers thread: {e}"));
    }
    answer
        .recv()
        .unwrap_or_else(|_| Err("the testcontainers thread stopped before PostgreSQL was ready".into()))
}

/// `url` pointing at database `name` instead (path replaced, query kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn migrations_fingerprint() -> String {
    // FNV-1a over every migration, so a changed schema gets a new template.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for m in MIGRATIONS {
        for byte in m.up.bytes().chain(m.down.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

async fn admin(server: &str) -> Result<PgConnection, String> {
    PgConnection::connect(server)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", redact_passwords(server)))
}

/// Creates the migrated template once (across processes, under an advisory lock).
async fn template(server: &str) -> Result<String, String> {
    let name = format!("modelreg_template_{}", migrations_fingerprint());
    let mut conn = admin(server).await?;
    let fail = |e: sqlx::Error| format!("preparing the template database failed: {e}");
    conn.execute("SELECT pg_advisory_lock(72616701)").await.map_err(fail)?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut conn)
        .await
        .map_err(fail)?;
    let result = if exists {
        Ok(())
    } else {
        // Built under another name and renamed, so a half-made template never has the real name.
        let building = format!("modelreg_building_{}", uuid::Uuid::new_v4().simple());
        async {
            conn.execute(AssertSqlSafe(format!("CREATE DATABASE \"{building}\"")))
                .await
                .map_err(fail)?;
            let store = PostgresStore::connect(&with_database(server, &building), PostgresOptions::default())
                .await
                .map_err(|e| format!("migrating the template database failed: {e}"))?;
            let _ = modelreg_core::store::StoreInfo::close(&store).await;
            conn.execute(AssertSqlSafe(format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            )))
            .await
            .map_err(fail)?;
            Ok(())
        }
        .await
    };
    conn.execute("SELECT pg_advisory_unlock(72616701)")
        .await
        .map_err(fail)?;
    result.map(|()| name)
}

/// A database of this test's own; dropping it drops the database.
pub struct TestDatabase {
    server: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// A fresh, migrated, empty database; `None` (after one printed line) when
    /// no PostgreSQL can be found and `MODELREG_TEST_REQUIRE_POSTGRES` is not 1.
    pub async fn create() -> Option<TestDatabase> {
        let server = match server() {
            Ok(server) => server,
            Err(why) => {
                if required() {
                    panic!("{REQUIRE_VAR}=1 but PostgreSQL is unavailable: {why}");
                }
                if !SKIP_NOTED.swap(true, Ordering::Relaxed) {
                    // Straight to stderr: libtest captures eprintln!, and this line must be seen.
                    let _ = writeln!(
                        std::io::stderr(),
                        "modelreg: skipping the PostgreSQL tests: {why}. Set {URL_VAR}=postgres://… to run them."
                    );
                }
                return None;
            }
        };
        match TestDatabase::create_on(server).await {
            Ok(db) => Some(db),
            Err(why) => panic!(
                "PostgreSQL at {} is reachable but unusable: {why}",
                redact_passwords(server)
            ),
        }
    }

    async fn create_on(server: &str) -> Result<TestDatabase, String> {
        let template = TEMPLATE.get_or_try_init(|| template(server)).await?;
        let name = format!("modelreg_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin(server).await?;
        conn.execute(AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )))
        .await
        .map_err(|e| format!("cannot create the test database: {e}"))?;
        Ok(TestDatabase {
            server: server.to_owned(),
            url: with_database(server, &name),
            name,
        })
    }

    /// The URL of this test's database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A store on this test's database.
    pub async fn store(&self) -> PostgresStore {
        let options = PostgresOptions {
            max_connections: 5,
            ..PostgresOptions::default()
        };
        match PostgresStore::connect(&self.url, options).await {
            Ok(store) => store,
            Err(e) => panic!("cannot open the test database {}: {e}", self.name),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // A runtime of its own: Drop may run on a test's runtime thread, or while unwinding.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = admin(&server).await.ok()?;
                conn.execute(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .await
                .ok()
            })
        });
        if !matches!(dropped.join(), Ok(Some(_))) {
            eprintln!("modelreg: could not drop the test database {}", self.name);
        }
    }
}

/// How many `modelreg_scratch_*` schemas the store's database holds.
pub async fn scratch_schemas(store: &PostgresStore) -> usize {
    let found: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'modelreg\\_scratch\\_%'")
            .fetch_one(store.pool())
            .await
            .unwrap_or(-1);
    usize::try_from(found).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn urls_point_at_another_database() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
