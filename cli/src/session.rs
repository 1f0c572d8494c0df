//! What a command works on, opened before it runs and closed after it, on
//! success and failure alike (closing checkpoints SQLite's WAL into the file).

use std::sync::Arc;

use modelreg_core::{Actor, Error, Registry, Result, Store};

use crate::config::Loaded;
use crate::connect;
use crate::output::Out;

/// What every registry command works with.
pub struct Ctx {
    pub reg: Registry,
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

/// Opens the configured registry (migrating it), runs `command` on it and closes it.
pub async fn with_registry<T, E: From<Error>>(
    loaded: &Loaded,
    creates: Creates,
    command: impl AsyncFnOnce(&Ctx) -> Result<T, E>,
) -> Result<T, E> {
    let actor = Actor::new(loaded.config.actor.clone())?;
    let store = connect::open(&loaded.config, loaded.access(true, creates == Creates::Yes)).await?;
    let ctx = Ctx {
        reg: Registry::new(store, actor),
        out: loaded.out(),
    };
    let result = command(&ctx).await;
    finish(result, ctx.reg.close().await)
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
