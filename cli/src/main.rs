//! modelreg: a minimal first command line. It registers a model version in
//! the default SQLite registry and lists what the registry holds.

use std::path::PathBuf;
use std::process::ExitCode;

use modelreg_core::models::NewModel;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, Error, Page};
use modelreg_sqlite::SqliteStore;

const USAGE: &str = "usage:
  modelreg register MODEL SEMVER ARTIFACT_URI [FRAMEWORK]   register a version (the model is created if new)
  modelreg versions MODEL                                  list a model's versions, newest first

The registry is the SQLite file $MODELREG_DB, or $XDG_DATA_HOME/modelreg/registry.db
(~/.local/share/modelreg/registry.db when XDG_DATA_HOME is unset).";

fn default_path() -> Result<PathBuf, Error> {
    if let Some(path) = std::env::var_os("MODELREG_DB") {
        return Ok(PathBuf::from(path));
    }
    let data = match std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME")
                .ok_or_else(|| Error::invalid("HOME", "is not set; set MODELREG_DB to the registry file"))?;
            PathBuf::from(home).join(".local/share")
        }
    };
    Ok(data.join("modelreg").join("registry.db"))
}

async fn run(args: &[String]) -> Result<(), Error> {
    let reg = SqliteStore::open_path(default_path()?).await?.into_registry();
    let actor = Actor::new(std::env::var("USER").unwrap_or_else(|_| "modelreg".into()))?;
    match args {
        [cmd, model, semver, uri, rest @ ..] if cmd == "register" && rest.len() <= 1 => {
            let framework: Framework = rest.first().map_or(Ok(Framework::Pytorch), |f| f.parse())?;
            let model = match reg.model_by_name(model).await {
                Ok(m) => m,
                Err(Error::NotFound { .. }) => reg.create_model(NewModel::named(model.as_str()), &actor).await?,
                Err(e) => return Err(e),
            };
            let version = reg
                .register_version(
                    model.id,
                    NewVersion::new(semver.as_str(), uri.as_str(), framework),
                    &actor,
                )
                .await?;
            let json = serde_json::to_string_pretty(&version).map_err(Error::backend)?;
            println!("{json}");
            Ok(())
        }
        [cmd, model] if cmd == "versions" => {
            let model = reg.model_by_name(model).await?;
            for v in reg.list_versions(model.id, Default::default(), Page::default()).await? {
                println!("{}\t{}\t{}\t{}", v.semver, v.status, v.framework, v.artifact_uri);
            }
            Ok(())
        }
        _ => Err(Error::invalid("command", USAGE)),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("modelreg: {e}");
            ExitCode::from(match e {
                Error::Invalid { .. } => 2,
                Error::NotFound { .. } => 3,
                Error::Conflict { .. } => 4,
                _ => 1,
            })
        }
    }
}
