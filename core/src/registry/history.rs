//! History and what it answers: a model's timeline, a reference "as of" an
//! instant, versions by content, and where deployments drift from the
//! designated production version.

use super::{Registry, required};
use crate::deployments::Drift;
use crate::error::{EntityKind, Error, Result};
use crate::history::{self, HistoryEntry};
use crate::refs::{Selector, VersionRef};
use crate::store::{MAX_LIMIT, Page};
use crate::time::Timestamp;
use crate::validate;
use crate::versions::{ModelVersion, VersionStatus, VersionWithModel};

impl Registry {
    /// A model's timeline, newest first: every status change of its versions
    /// and every alias move (who, when, from, to).
    pub async fn version_history(&self, model: &crate::refs::Ref, page: Page) -> Result<Vec<HistoryEntry>> {
        let found = self.model(model).await?;
        // Both lists up to the end of the page, merged, then the page taken.
        let end = page.offset.saturating_add(page.limit.into());
        if end > u64::from(MAX_LIMIT) {
            return Err(Error::invalid(
                "offset",
                format!(
                    "a page of the history must end within its newest {MAX_LIMIT} entries (offset + limit = {end})"
                ),
            ));
        }
        let upto = Page::first(end as u32)?;
        let statuses = self.store.status_changes(found.id, upto).await?;
        let aliases = self.store.alias_changes(found.id, upto).await?;
        Ok(history::merge(statuses, aliases)
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize)
            .collect())
    }

    /// The version a reference meant at the instant `at`: `MODEL@production`
    /// and `MODEL@ALIAS` from the history; a semver or id if the version
    /// existed then. `MODEL@latest` is not kept in history and is refused.
    pub async fn version_at(&self, version: &VersionRef, at: Timestamp) -> Result<ModelVersion> {
        let (model_ref, selector) = match version {
            VersionRef::Of { model, selector } => (model, selector),
            VersionRef::Id(_) => return self.existing_at(self.version(version).await?, at),
        };
        let model = self.model(model_ref).await?;
        let target = match selector {
            Selector::Semver(_) => return self.existing_at(self.version(version).await?, at),
            Selector::Latest => {
                return Err(Error::invalid(
                    "at",
                    "MODEL@latest is not kept in history; ask for MODEL@production, an alias, or a semver at a time",
                ));
            }
            Selector::Production => {
                let promoted = self
                    .store
                    .last_change_to(model.id, VersionStatus::Production, at)
                    .await?;
                match promoted {
                    // Still in production at `at` unless its status changed again since.
                    Some(p) => match self.store.last_change_of(p.version_id, at).await? {
                        Some(last) if last.to_status == VersionStatus::Production => Some(p.version_id),
                        _ => None,
                    },
                    None => None,
                }
            }
            Selector::Alias(alias) => self
                .store
                .last_alias_change(model.id, alias, at)
                .await?
                .and_then(|c| c.to_version_id),
        };
        let at_text = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let Some(id) = target else {
            return Err(Error::not_found(
                EntityKind::ModelVersion,
                format_args!("{}@{selector} at {at_text} (nothing was {selector} then)", model.name),
            ));
        };
        required(
            self.store.version(id).await?,
            EntityKind::ModelVersion,
            format_args!("{}@{selector} at {at_text} (version {id}, since deleted)", model.name),
        )
    }

    fn existing_at(&self, version: ModelVersion, at: Timestamp) -> Result<ModelVersion> {
        if version.created_at > at {
            return Err(Error::not_found(
                EntityKind::ModelVersion,
                format_args!(
                    "{} at {} (registered only at {})",
                    version.semver,
                    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    version.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                ),
            ));
        }
        Ok(version)
    }

    /// Every version whose artifact has this SHA-256, across models, newest first.
    pub async fn versions_by_checksum(&self, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>> {
        let checksum = validate::checksum_sha256(checksum)?;
        self.store.versions_by_checksum(&checksum, page).await
    }

    /// Healthy and degraded deployments whose version is not their model's
    /// production version (of one model, or of every model).
    pub async fn drift(&self, model: Option<&crate::refs::Ref>, page: Page) -> Result<Vec<Drift>> {
        let model_id = match model {
            Some(model) => Some(self.model(model).await?.id),
            None => None,
        };
        self.store.drift(model_id, page).await
    }
}
