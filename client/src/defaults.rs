//! What the CLI and the Python package take when nothing says otherwise:
//! the one embedded registry of this user, and who makes its changes.

use std::path::PathBuf;

/// The embedded registry's file: `$XDG_DATA_HOME/modelreg/registry.db` (on
/// Linux usually `~/.local/share/modelreg/registry.db`).
pub fn database_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("modelreg")
        .join("registry.db")
}

/// The URL of [`database_path`].
pub fn database_url() -> String {
    format!("sqlite://{}", database_path().display())
}

/// The actor of changes: the OS user's name (`USER`, `USERNAME` or
/// `LOGNAME`), or `modelreg` when none is set.
pub fn actor() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "modelreg".to_owned())
}
