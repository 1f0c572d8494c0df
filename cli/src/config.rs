//! Configuration, lowest to highest: built-in defaults < config files
//! (`$XDG_CONFIG_HOME/modelreg/config.toml`, then `./modelreg.toml`, then
//! `--config PATH`) < `MODELREG_*` environment variables < command-line flags.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::{Figment, Metadata, Provider, Source};
use modelreg_core::error::redact_passwords;
use modelreg_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::connect::Access;
use crate::output::{Out, OutputFormat};

/// Options every command takes (they override the config file and environment).
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Registry to use: sqlite://PATH, sqlite::memory:, postgres://USER@HOST/DB, or
    /// http(s)://HOST:PORT (a `modelreg serve`, with MODELREG_TOKEN)
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Read configuration from this TOML file (on top of the usual ones)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Who is making changes, as recorded in the audit trail (default: your user name)
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// How to print results
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<OutputFormat>,
}

/// Every configuration key, in the order `info` prints them.
pub const KEYS: &[&str] = &[
    "database_url",
    "actor",
    "output",
    "pg_pool_size",
    "pg_acquire_timeout_secs",
    "sqlite_busy_timeout_secs",
    "listen",
    "api_tokens",
    "request_log",
    "token",
];

/// The effective configuration.
#[derive(Clone, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://PATH`, `sqlite::memory:` or `postgres://…`.
    pub database_url: String,
    /// Who changes are attributed to in the audit trail.
    pub actor: String,
    /// How results are printed.
    pub output: OutputFormat,
    /// The most PostgreSQL connections the pool opens.
    pub pg_pool_size: u32,
    /// How long to wait for a free PostgreSQL connection, in seconds.
    pub pg_acquire_timeout_secs: u64,
    /// How long an SQLite writer waits for another process's lock, in seconds.
    pub sqlite_busy_timeout_secs: u64,
    /// Where `modelreg serve` listens.
    pub listen: String,
    /// API tokens of `modelreg serve`: `NAME:SECRET[:ro]`, comma-separated.
    pub api_tokens: String,
    /// How `modelreg serve` logs each request: `off`, `compact` or `json`.
    pub request_log: String,
    /// The API token sent to a server (`database_url` `http(s)://…`).
    pub token: String,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_passwords(&self.database_url))
            .field("actor", &self.actor)
            .field("output", &self.output)
            .field("pg_pool_size", &self.pg_pool_size)
            .field("pg_acquire_timeout_secs", &self.pg_acquire_timeout_secs)
            .field("sqlite_busy_timeout_secs", &self.sqlite_busy_timeout_secs)
            .field("listen", &self.listen)
            .field("api_tokens", &mask_tokens(&self.api_tokens))
            .field("request_log", &self.request_log)
            .field("token", &mask_secret(&self.token))
            .finish()
    }
}

/// The values given on the command line (absent ones are left out).
#[derive(Serialize)]
struct Flags<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<OutputFormat>,
}

/// The configuration when nothing says otherwise: the embedded registry of
/// this user, changes made by the OS user.
fn defaults() -> Config {
    Config {
        database_url: modelreg_client::defaults::database_url(),
        actor: modelreg_client::defaults::actor(),
        output: OutputFormat::Table,
        pg_pool_size: 10,
        pg_acquire_timeout_secs: 30,
        sqlite_busy_timeout_secs: 30,
        listen: "127.0.0.1:8080".to_owned(),
        api_tokens: String::new(),
        request_log: "compact".to_owned(),
        token: String::new(),
    }
}

/// A secret blanked: `****` when set, empty when not.
pub fn mask_secret(secret: &str) -> &'static str {
    if secret.is_empty() { "" } else { "****" }
}

/// The token names with their secrets blanked: `ci:****,dash:****:ro`. An
/// entry that is not `NAME:SECRET[:ro]` may be a bare secret: it is blanked whole.
pub fn mask_tokens(tokens: &str) -> String {
    tokens
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match t.split(':').collect::<Vec<_>>().as_slice() {
            [name, _, role @ ("ro" | "rw")] => format!("{name}:****:{role}"),
            [name, _, ..] => format!("{name}:****"),
            _ => "****".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The configuration files read, lowest priority first.
fn files(explicit: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = dirs::config_dir()
        .map(|dir| dir.join("modelreg").join("config.toml"))
        .into_iter()
        .chain(Some(PathBuf::from("modelreg.toml")))
        .filter(|p| p.is_file())
        .collect();
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(Error::invalid(
                "config",
                format!("{} does not exist or is not a file", path.display()),
            ));
        }
        found.push(path.to_owned());
    }
    Ok(found)
}

/// The loaded configuration with the figment it came from (for sources).
pub struct Loaded {
    pub config: Config,
    figment: Figment,
    /// The keys given as command-line flags.
    flags: Vec<&'static str>,
}

/// Refuses a key of `file` that modelreg does not know (a typo would
/// otherwise be ignored silently), naming the key and the file.
fn check_keys(file: &Path) -> Result<()> {
    let data = Figment::from(Toml::file_exact(file))
        .data()
        .map_err(|e| Error::invalid("config", format!("cannot read {}: {}", file.display(), e.kind)))?;
    for key in data.values().flat_map(|dict| dict.keys()) {
        if !KEYS.contains(&key.as_str()) {
            return Err(Error::invalid(
                "config",
                format!(
                    "unknown key {key:?} in {}; the keys are {}",
                    file.display(),
                    KEYS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Loads the configuration from every layer.
pub fn load(global: &GlobalArgs) -> Result<Loaded> {
    let mut figment = Figment::from(Serialized::defaults(defaults()));
    for file in files(global.config.as_deref())? {
        check_keys(&file)?;
        figment = figment.merge(Toml::file_exact(file));
    }
    figment = figment
        .merge(Env::prefixed("MODELREG_").only(KEYS))
        .merge(Serialized::globals(Flags {
            database_url: global.database_url.as_deref(),
            actor: global.actor.as_deref(),
            output: global.output,
        }));
    let flags = [
        ("database_url", global.database_url.is_some()),
        ("actor", global.actor.is_some()),
        ("output", global.output.is_some()),
    ]
    .into_iter()
    .filter_map(|(key, given)| given.then_some(key))
    .collect();
    let config: Config = figment.extract().map_err(|e| {
        let key = e.path.join(".");
        Error::invalid("config", redact_passwords(&format!("{} ({key})", e.kind)))
    })?;
    Ok(Loaded { config, figment, flags })
}

impl Loaded {
    /// Whether the registry is the default one (no database_url configured),
    /// which any command creates on first use.
    pub fn database_is_default(&self) -> bool {
        self.source_of("database_url") == "default"
    }

    /// How a command opens the configured database: migrating it or not, and
    /// creating a missing SQLite file when the command `creates` registries
    /// or the registry is the default one.
    pub fn access(&self, migrate: bool, creates: bool) -> Access {
        Access {
            migrate,
            create: creates || self.database_is_default(),
            concurrent: false,
        }
    }

    /// How the configuration says to print results.
    pub fn out(&self) -> Out {
        Out {
            format: self.config.output,
        }
    }

    /// Where the effective value of `key` came from, in words.
    pub fn source_of(&self, key: &str) -> String {
        if self.flags.contains(&key) {
            return format!("--{} flag", key.replace('_', "-"));
        }
        match self.figment.find_metadata(key) {
            Some(metadata) => describe(metadata, key),
            None => "default".to_owned(),
        }
    }
}

fn describe(metadata: &Metadata, key: &str) -> String {
    match &metadata.source {
        Some(Source::File(path)) => format!("config file {}", path.display()),
        _ if metadata.name.contains("environment") => format!("environment MODELREG_{}", key.to_uppercase()),
        _ => "default".to_owned(),
    }
}
