//! Models and their tags.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::analytics::ModelSummary;
use crate::audit::{self, AuditAction};
use crate::error::{EntityKind, Error, Result};
use crate::models::{Model, ModelFilter, ModelTag, ModelUpdate, NewModel, Tag, TagUpdate, TagUsage};
use crate::refs::Ref;
use crate::store::{Page, Record};
use crate::validate;
use crate::versions::{ModelVersion, VersionFilter};

/// A model with a page of its versions (newest first) and how many it has.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelWithVersions {
    /// The model itself.
    pub model: Model,
    /// The requested page of the model's versions, newest first.
    pub versions: Vec<ModelVersion>,
    /// How many versions the model has in all.
    pub version_count: u64,
}

impl Registry {
    /// Creates a model.
    pub async fn create_model(&self, new: NewModel) -> Result<Model> {
        let mut change = self.change().await?;
        let team_id = match &new.team {
            Some(team) => Some(resolve::team(&mut change.tx, team).await?.id),
            None => None,
        };
        let now = change.now();
        let model = Model {
            id: Uuid::now_v7(),
            name: validate::nfc(&new.name),
            description: new.description,
            use_case: new.use_case,
            team_id,
            risk_level: new.risk_level,
            compliance_required: new.compliance_required,
            is_active: true,
            created_at: now,
            updated_at: now,
        };
        model.validate()?;
        change
            .create(&model, Record::Model(model.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(model)
    }

    /// The model with this id or name.
    pub async fn model(&self, model: &Ref) -> Result<Model> {
        resolve::model(&mut self.reads(), model).await
    }

    /// A model with one page of its versions (newest first) and their number.
    pub async fn model_with_versions(&self, model: &Ref, page: Page) -> Result<ModelWithVersions> {
        let model = self.model(model).await?;
        let versions = self
            .store
            .list_versions(model.id, VersionFilter::default(), page)
            .await?;
        let version_count = self.store.model_summary(model.id).await?.version_count;
        Ok(ModelWithVersions {
            model,
            versions,
            version_count,
        })
    }

    /// Models by name.
    pub async fn list_models(&self, filter: ModelFilter, page: Page) -> Result<Vec<Model>> {
        let team_id = match &filter.team {
            Some(team) => Some(self.team(team).await?.id),
            None => None,
        };
        self.store.list_models(filter.stored(team_id), page).await
    }

    /// Models whose name contains `term`, ignoring case; `%` and `_` match themselves.
    pub async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        validate::text("term", term, 200)?;
        self.store.search_models(&crate::models::fold(term), page).await
    }

    /// Changes a model's fields; `updated_at` moves on every real change.
    pub async fn update_model(&self, model: &Ref, update: ModelUpdate) -> Result<Model> {
        let mut change = self.change().await?;
        // The lock order: the team before the model.
        let team_id = match &update.team {
            Some(Some(team)) => Some(Some(resolve::team(&mut change.tx, team).await?.id)),
            Some(None) => Some(None),
            None => None,
        };
        let old = resolve::model(&mut change.tx, model).await?;
        let now = change.now();
        let new = old.apply(update, team_id, now);
        new.validate()?;
        if (Model {
            updated_at: old.updated_at,
            ..new.clone()
        }) == old
        {
            return Ok(old);
        }
        change.update(&old, &new, Record::Model(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Deletes a model with its versions, runs, metrics and deployments.
    pub async fn delete_model(&self, model: &Ref) -> Result<()> {
        let mut change = self.change().await?;
        let found = resolve::model(&mut change.tx, model).await?;
        change.delete(EntityKind::Model, found.id, &found).await?;
        change.commit().await
    }

    /// Tags a model, creating the tag if it is new. False when the model already had it.
    pub async fn add_tag(&self, model: &Ref, tag_name: &str) -> Result<bool> {
        let tag_name = &validate::nfc(tag_name);
        validate::name("tag", tag_name, 50)?;
        let mut change = self.change().await?;
        let model = resolve::model(&mut change.tx, model).await?;
        let now = change.now();
        let candidate = Tag {
            id: Uuid::now_v7(),
            name: tag_name.to_owned(),
            description: None,
            created_at: now,
        };
        let (tag, created) = change.tx.tag_or_insert(candidate).await?;
        if created {
            change
                .audit(EntityKind::Tag, tag.id, AuditAction::Create, audit::snapshot(&tag)?)
                .await?;
        }
        if change.tx.has_tag(model.id, tag.id).await? {
            if created {
                change.commit().await?;
            }
            return Ok(false);
        }
        let link = ModelTag {
            model_id: model.id,
            tag_id: tag.id,
            assigned_at: now,
        };
        change.tx.insert(Record::ModelTag(link)).await?;
        let changes = audit::snapshot(&serde_json::json!({"tags": {"added": tag.name}}))?;
        change
            .audit(EntityKind::Model, model.id, AuditAction::Update, changes)
            .await?;
        change.commit().await?;
        Ok(true)
    }

    /// Removes a tag from a model. False when the model did not carry it.
    pub async fn remove_tag(&self, model: &Ref, tag_name: &str) -> Result<bool> {
        let mut change = self.change().await?;
        let model = resolve::model(&mut change.tx, model).await?;
        let Some(tag) = change.tx.tag_by_name(&validate::nfc(tag_name)).await? else {
            return Ok(false);
        };
        if !change.tx.unlink_tag(model.id, tag.id).await? {
            return Ok(false);
        }
        let changes = audit::snapshot(&serde_json::json!({"tags": {"removed": tag.name}}))?;
        change
            .audit(EntityKind::Model, model.id, AuditAction::Update, changes)
            .await?;
        change.commit().await?;
        Ok(true)
    }

    /// Changes a tag's description.
    pub async fn update_tag(&self, name: &str, update: TagUpdate) -> Result<Tag> {
        let mut change = self.change().await?;
        let name = validate::nfc(name);
        let old = change
            .tx
            .tag_by_name(&name)
            .await?
            .ok_or_else(|| Error::not_found(EntityKind::Tag, &name))?;
        let mut new = old.clone();
        if let Some(description) = update.description {
            new.description = description;
        }
        new.validate()?;
        if new != old {
            change.update(&old, &new, Record::Tag(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Deletes a tag: each model carrying it loses it (with an audit event
    /// each, as an untag writes), then the tag goes (with its own event).
    pub async fn delete_tag(&self, name: &str) -> Result<()> {
        let mut change = self.change().await?;
        let name = validate::nfc(name);
        let tag = change
            .tx
            .tag_by_name(&name)
            .await?
            .ok_or_else(|| Error::not_found(EntityKind::Tag, &name))?;
        for model_id in change.tx.models_tagged(tag.id).await? {
            let changes = audit::snapshot(&serde_json::json!({"tags": {"removed": tag.name}}))?;
            change
                .audit(EntityKind::Model, model_id, AuditAction::Update, changes)
                .await?;
        }
        change.delete(EntityKind::Tag, tag.id, &tag).await?;
        change.commit().await
    }

    /// Models carrying a tag, by name.
    pub async fn models_by_tag(&self, tag_name: &str, page: Page) -> Result<Vec<Model>> {
        self.store.models_by_tag(&validate::nfc(tag_name), page).await
    }

    /// The tags of a model, by name.
    pub async fn tags_of_model(&self, model: &Ref, page: Page) -> Result<Vec<Tag>> {
        let found = self.model(model).await?;
        self.store.tags_of_model(found.id, page).await
    }

    /// Tags with the number of models carrying each, by name.
    pub async fn list_tags(&self, page: Page) -> Result<Vec<TagUsage>> {
        self.store.list_tags(page).await
    }

    /// Version, run and deployment counts, latest and production semver, GPU hours and cost of a model.
    pub async fn model_summary(&self, model: &Ref) -> Result<ModelSummary> {
        let found = self.model(model).await?;
        self.store.model_summary(found.id).await
    }
}
