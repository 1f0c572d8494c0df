//! What a command works on, opened before it runs and closed after it, on
//! success and failure alike (closing checkpoints SQLite's WAL into the file).
//!
//! Registry commands see the registry only as [`RegistryApi`], a trait
//! object: where it lives is decided once, in [`open_registry`] (in this
//! process, or a `modelreg serve` behind an `http(s)://` URL), and no
//! command knows which. Commands about the database itself (`db …`, `init`,
//! `import`, `copy`) keep the store or the local [`Registry`] and refuse a
//! server's URL.

use std::sync::Arc;

use modelreg_core::{Actor, Error, Registry, RegistryApi, Result, Store};

use crate::config::Loaded;
use crate::connect::{self, Backend};
use crate::output::Out;

/// What every registry command works with.
pub struct Ctx {
    /// The registry, wherever it lives.
    pub reg: Arc<dyn RegistryApi>,
    /// How results are printed.
    pub out: Out,
}

/// Whether a command may create the registry it names (`init`, `seed`,
/// `import`; the default registry is created by any command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creates {
    /// The registry must exist.
    No,
    /// A missing registry is created.
    Yes,
}

/// The registry the configuration names, migrated, with the configured actor.
async fn open_local(loaded: &Loaded, creates: Creates) -> Result<Registry> {
    let actor = Actor::new(loaded.config.actor.clone())?;
    let store = connect::open(&loaded.config, loaded.access(true, creates == Creates::Yes)).await?;
    Ok(Registry::new(store, actor))
}

/// The registry the configuration names, as the trait every registry
/// command uses: a server's through the client for `http(s)://…` (with the
/// configured token; the server records changes as the token's name), or
/// this process's own.
pub async fn open_registry(loaded: &Loaded, creates: Creates) -> Result<Arc<dyn RegistryApi>> {
    let config = &loaded.config;
    if let Backend::Server(url) = Backend::of(&config.database_url)? {
        return open_server(&url, (!config.token.is_empty()).then_some(config.token.as_str())).await;
    }
    Ok(Arc::new(open_local(loaded, creates).await?))
}

/// The registry behind the server at `url`, through the client, with `token`.
pub async fn open_server(url: &str, token: Option<&str>) -> Result<Arc<dyn RegistryApi>> {
    let mut options = modelreg_client::Options::default();
    if let Some(token) = token {
        options = options.token(token);
    }
    modelreg_client::open(url, options).await
}

/// Opens the configured registry, runs `command` on it and closes it.
pub async fn with_registry<T, E: From<Error>>(
    loaded: &Loaded,
    creates: Creates,
    command: impl AsyncFnOnce(&Ctx) -> Result<T, E>,
) -> Result<T, E> {
    let ctx = Ctx {
        reg: open_registry(loaded, creates).await?,
        out: loaded.out(),
    };
    let result = command(&ctx).await;
    finish(result, ctx.reg.close().await)
}

/// Opens the configured registry in this process (for what only a local
/// registry does: `import`), runs `command` on it and closes it.
pub async fn with_local_registry<T, E: From<Error>>(
    loaded: &Loaded,
    creates: Creates,
    command: impl AsyncFnOnce(&Registry, Out) -> Result<T, E>,
) -> Result<T, E> {
    let reg = open_local(loaded, creates).await?;
    let result = command(&reg, loaded.out()).await;
    finish(result, reg.close().await)
}

/// Opens the configured database without migrating it, runs `command` on
/// its store (schema administration) and closes it.
pub async fn with_store<T, E: From<Error>>(
    loaded: &Loaded,
    creates: Creates,
    command: impl AsyncFnOnce(&Arc<dyn Store>) -> Result<T, E>,
) -> Result<T, E> {
    let store = connect::open(&loaded.config, loaded.access(false, creates == Creates::Yes)).await?;
    let result = command(&store).await;
    finish(result, store.close().await)
}

/// The command's result; a failure to close only counts when the command succeeded.
pub fn finish<T, E: From<Error>>(result: Result<T, E>, closed: Result<()>) -> Result<T, E> {
    let value = result?;
    closed?;
    Ok(value)
}
