//! `modelreg info`: the effective configuration (and where each value came
//! from), the backend and the schema.

use modelreg_core::error::redact_passwords;
use modelreg_core::migrations;
use modelreg_core::{Error, Result};
use serde_json::{Value, json};

use crate::config::{KEYS, Loaded, mask_secret, mask_tokens};
use crate::connect::{self, Backend};
use crate::output::{OutputFormat, line};
use crate::session::{Creates, finish, open_registry};

pub async fn run(loaded: &Loaded) -> Result<()> {
    let config = serde_json::to_value(&loaded.config).map_err(|e| Error::internal(e.to_string()))?;
    let mut settings = serde_json::Map::new();
    for key in KEYS {
        // Secrets are blanked: the password of a URL, the secret of each API token.
        let value = match *key {
            "database_url" => json!(redact_passwords(&loaded.config.database_url)),
            "api_tokens" => json!(mask_tokens(&loaded.config.api_tokens)),
            "token" => json!(mask_secret(&loaded.config.token)),
            _ => config[key].clone(),
        };
        settings.insert(
            key.to_string(),
            json!({"value": value, "source": loaded.source_of(key)}),
        );
    }
    if let Backend::Server(url) = Backend::of(&loaded.config.database_url)? {
        return server(loaded, &url, settings).await;
    }
    // A database that cannot be opened is shown too, before `info` fails with its error.
    let opened = connect::open(&loaded.config, loaded.access(false, false)).await;
    let database = match &opened {
        Ok(store) => describe(store.as_ref()).await,
        Err(e) => Ok(json!({"error": e.to_string()})),
    };
    let printed = database.and_then(|database| print(loaded, &settings, &database));
    match opened {
        Ok(store) => finish(printed, store.close().await),
        Err(e) => printed.and(Err(e)),
    }
}

/// Prints the settings and what was found where they point.
fn print(loaded: &Loaded, settings: &serde_json::Map<String, Value>, database: &Value) -> Result<()> {
    let out = loaded.out();
    match out.format {
        OutputFormat::Json => out
            .record(&json!({"modelreg_version": env!("CARGO_PKG_VERSION"), "config": settings, "database": database})),
        OutputFormat::Table => {
            line(&format!("modelreg {}", env!("CARGO_PKG_VERSION")))?;
            let rows: Vec<_> = settings
                .iter()
                .map(|(key, v)| json!({"key": key, "value": v["value"], "source": v["source"]}))
                .collect();
            out.list(&rows, &["key", "value", "source"])?;
            out.record(database)
        }
    }
}

/// `info` on a server's URL: the server's database schema, as its readiness check tells it.
async fn server(loaded: &Loaded, url: &str, settings: serde_json::Map<String, Value>) -> Result<()> {
    let reg = open_registry(loaded, Creates::No).await?;
    let ready = reg.check_ready().await;
    let database = match &ready {
        Ok(schema) => json!({"backend": "server", "location": redact_passwords(url), "schema_version": schema}),
        Err(e) => json!({"backend": "server", "location": redact_passwords(url), "error": e.to_string()}),
    };
    let printed = print(loaded, &settings, &database);
    finish(printed.and(ready.map(|_| ())), reg.close().await)
}

/// The backend, location and schema of an opened store.
async fn describe(store: &dyn modelreg_core::Store) -> Result<Value> {
    let current = store.schema_version().await?;
    let known = store.known_migrations();
    let latest = migrations::latest(known);
    Ok(json!({
        "backend": store.backend(),
        "location": store.location(),
        "schema_version": current,
        "latest_schema_version": latest,
        "pending_migrations": migrations::to_apply(current, latest, known).len(),
    }))
}
