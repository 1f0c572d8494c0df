//! Names for the ids that records hold, for tables: a person reads
//! `fraud@1.2.0` and `prod`, where JSON keeps `version_id` and
//! `environment_id`. Each id is read once per command.

use std::collections::HashMap;

use modelreg_core::{Error, Ref, RegistryApi, Result, VersionRef};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::output::{Out, OutputFormat, value};

/// What an id names.
#[derive(Debug, Clone, Copy)]
pub enum Label {
    /// A model: its name.
    Model,
    /// A version: `MODEL@SEMVER`.
    Version,
    /// An environment: its name.
    Environment,
}

/// A column a table adds: the label of the id at `key`, under `into`.
pub type Labelled = (&'static str, &'static str, Label);

/// The names of ids, each read once.
pub struct Names<'a> {
    reg: &'a dyn RegistryApi,
    models: HashMap<Uuid, String>,
    versions: HashMap<Uuid, (String, String)>,
    environments: HashMap<Uuid, String>,
}

/// An entity deleted since (its id stays in history and the audit trail) is shown by its id.
fn or_id(found: Result<String>, id: Uuid) -> Result<String> {
    match found {
        Err(Error::NotFound { .. }) => Ok(id.to_string()),
        other => other,
    }
}

impl<'a> Names<'a> {
    /// Names read from `reg`.
    pub fn new(reg: &'a dyn RegistryApi) -> Names<'a> {
        Names {
            reg,
            models: HashMap::new(),
            versions: HashMap::new(),
            environments: HashMap::new(),
        }
    }

    /// The model's name.
    pub async fn model(&mut self, id: Uuid) -> Result<String> {
        if let Some(name) = self.models.get(&id) {
            return Ok(name.clone());
        }
        let name = or_id(self.reg.model(&Ref::Id(id)).await.map(|m| m.name), id)?;
        self.models.insert(id, name.clone());
        Ok(name)
    }

    /// The version's model name and semver.
    async fn version_parts(&mut self, id: Uuid) -> Result<(String, String)> {
        if let Some(parts) = self.versions.get(&id) {
            return Ok(parts.clone());
        }
        let parts = match self.reg.version(&VersionRef::Id(id)).await {
            Ok(version) => (self.model(version.model_id).await?, version.semver),
            Err(Error::NotFound { .. }) => (String::new(), id.to_string()),
            Err(e) => return Err(e),
        };
        self.versions.insert(id, parts.clone());
        Ok(parts)
    }

    /// The version as `MODEL@SEMVER` (its id once deleted).
    pub async fn version(&mut self, id: Uuid) -> Result<String> {
        Ok(match self.version_parts(id).await? {
            (model, semver) if !model.is_empty() => format!("{model}@{semver}"),
            (_, id) => id,
        })
    }

    /// The version's semver (its id once deleted).
    pub async fn semver(&mut self, id: Uuid) -> Result<String> {
        Ok(self.version_parts(id).await?.1)
    }

    /// The environment's name.
    pub async fn environment(&mut self, id: Uuid) -> Result<String> {
        if let Some(name) = self.environments.get(&id) {
            return Ok(name.clone());
        }
        let name = or_id(self.reg.environment(&Ref::Id(id)).await.map(|e| e.name), id)?;
        self.environments.insert(id, name.clone());
        Ok(name)
    }

    /// The label of `id` as `label` says.
    pub async fn of(&mut self, label: Label, id: Uuid) -> Result<String> {
        match label {
            Label::Model => self.model(id).await,
            Label::Version => self.version(id).await,
            Label::Environment => self.environment(id).await,
        }
    }

    /// `items` as JSON rows, each with the labelled columns added.
    pub async fn rows<T: Serialize>(&mut self, items: &[T], labelled: &[Labelled]) -> Result<Vec<Value>> {
        let mut rows = Vec::with_capacity(items.len());
        for item in items {
            let mut row = value(item)?;
            for &(key, into, label) in labelled {
                let id = row[key].as_str().and_then(|text| Uuid::parse_str(text).ok());
                if let Some(id) = id {
                    row[into] = json!(self.of(label, id).await?);
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// Prints a page of records (see [`Out::page`]): JSON as they are, a table
/// with the `labelled` columns added.
pub async fn print_page<T: Serialize>(
    reg: &dyn RegistryApi,
    out: Out,
    items: &[T],
    next: Option<&str>,
    envelope: bool,
    labelled: &[Labelled],
    columns: &[&str],
) -> Result<()> {
    match out.format {
        OutputFormat::Json => out.page(items, next, envelope, columns),
        OutputFormat::Table => {
            let rows = Names::new(reg).rows(items, labelled).await?;
            out.page(&rows, next, envelope, columns)
        }
    }
}
