//! Models and the tags attached to them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::RegistryApi;
use crate::error::Result;
use crate::query::Query;
use crate::refs::Ref;
use crate::time::Timestamp;
use crate::validate;

crate::string_enum!(
    /// How much harm a wrong prediction of the model can do.
    RiskLevel, field = "risk_level" {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
);

// Written by hand: the enum comes from `string_enum!`, which cannot place `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for RiskLevel {
    fn default() -> Self {
        RiskLevel::Medium
    }
}

/// A machine-learning model: the unit that has versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Model {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// Unique among models: 1..=200 characters in NFC, no surrounding whitespace.
    pub name: String,
    /// Free text of at most 10,000 characters; may hold newlines and tabs.
    pub description: Option<String>,
    /// What the model is used for, at most 200 characters.
    pub use_case: Option<String>,
    /// The owning team; none when it has no team (deleting a team leaves its models with none).
    pub team_id: Option<Uuid>,
    /// How much harm a wrong prediction can do; medium unless given.
    pub risk_level: RiskLevel,
    /// Whether the model is subject to compliance review; false unless given.
    pub compliance_required: bool,
    /// False for a model no longer in use: active-only listings and reports leave it out.
    pub is_active: bool,
    /// When the model was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// When the model last changed; every update sets it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// What a caller gives to create a model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewModel {
    /// Unique among models: 1..=200 characters, no surrounding whitespace (stored in NFC).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    /// Free text of at most 10,000 characters; may hold newlines and tabs.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub description: Option<String>,
    /// What the model is used for, at most 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub use_case: Option<String>,
    /// The owning team, by name or id (`team_id` is accepted too).
    #[serde(default, alias = "team_id")]
    pub team: Option<Ref>,
    /// How much harm a wrong prediction can do; medium when absent.
    #[serde(default)]
    pub risk_level: RiskLevel,
    /// Whether the model is subject to compliance review; false when absent.
    #[serde(default)]
    pub compliance_required: bool,
}

impl NewModel {
    /// A model with only a name (risk medium, no team).
    pub fn named(name: impl Into<String>) -> Self {
        NewModel {
            name: name.into(),
            ..NewModel::default()
        }
    }
}

/// Changes to a model; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelUpdate {
    /// A new unique name, 1..=200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: Option<String>,
    /// Free text of at most 10,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub description: Option<Option<String>>,
    /// What the model is used for, at most 200 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub use_case: Option<Option<String>>,
    /// The owning team, by name or id; `null` removes it (`team_id` is accepted too).
    #[serde(default, alias = "team_id", deserialize_with = "crate::validate::present")]
    pub team: Option<Option<Ref>>,
    /// A new risk level.
    pub risk_level: Option<RiskLevel>,
    /// Whether the model is subject to compliance review.
    pub compliance_required: Option<bool>,
    /// `false` marks the model as no longer in use, `true` as in use again.
    pub is_active: Option<bool>,
}

impl Model {
    /// Checks every field: a name of 1..=200 characters, a description of at most
    /// 10,000 and a use case of at most 200.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 200)?;
        validate::opt_description("description", self.description.as_deref(), 10_000)?;
        validate::opt_text("use_case", self.use_case.as_deref(), 200)
    }

    /// The folded name that search matches against: a case-insensitive
    /// substring search is a literal substring match of folded texts.
    pub fn search_key(&self) -> String {
        fold(&self.name)
    }

    /// This model with `update` applied (its team resolved to `team_id`) and `updated_at` set to `now`.
    pub fn apply(&self, update: ModelUpdate, team_id: Option<Option<Uuid>>, now: Timestamp) -> Model {
        let mut model = self.clone();
        if let Some(name) = update.name {
            model.name = validate::nfc(&name);
        }
        if let Some(description) = update.description {
            model.description = description;
        }
        if let Some(use_case) = update.use_case {
            model.use_case = use_case;
        }
        if let Some(team_id) = team_id {
            model.team_id = team_id;
        }
        if let Some(risk_level) = update.risk_level {
            model.risk_level = risk_level;
        }
        if let Some(compliance_required) = update.compliance_required {
            model.compliance_required = compliance_required;
        }
        if let Some(is_active) = update.is_active {
            model.is_active = is_active;
        }
        model.updated_at = now;
        model
    }
}

/// Which models a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelFilter {
    /// Leave out inactive models.
    pub active_only: bool,
    /// Only the models of this team.
    pub team: Option<Ref>,
    /// Only the models of this risk level.
    pub risk_level: Option<RiskLevel>,
}

impl ModelFilter {
    /// `query` narrowed by this filter, its parts added with `and` as
    /// conditions of the query language (the team by its name, so an
    /// unknown team is "not found"): how a front end combines its fixed
    /// filters (`--team`, `?risk_level=`) with a query.
    pub async fn narrow(&self, reg: &dyn RegistryApi, query: Query) -> Result<Query> {
        let team = match &self.team {
            Some(team) => Some(reg.team(team).await?.name),
            None => None,
        };
        let query = query
            .and_equals("team", team.as_deref())
            .and_equals("risk_level", self.risk_level.map(RiskLevel::as_str));
        Ok(if self.active_only {
            query.and("is_active = true")
        } else {
            query
        })
    }

    /// The filter a store applies, with the team resolved to its id.
    pub fn stored(&self, team_id: Option<Uuid>) -> StoredModelFilter {
        StoredModelFilter {
            active_only: self.active_only,
            team_id,
            risk_level: self.risk_level,
        }
    }
}

/// [`ModelFilter`] as a store applies it: the team by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredModelFilter {
    /// Leave out inactive models.
    pub active_only: bool,
    /// Only the models of the team with this id.
    pub team_id: Option<Uuid>,
    /// Only the models of this risk level.
    pub risk_level: Option<RiskLevel>,
}

/// A label attached to any number of models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// Unique among tags: 1..=50 characters in NFC, no surrounding whitespace.
    pub name: String,
    /// Free text of at most 10,000 characters; may hold newlines and tabs.
    pub description: Option<String>,
    /// When the tag was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

impl Tag {
    /// Checks the name (1..=50 characters) and the description (at most 10,000).
    pub fn validate(&self) -> Result<()> {
        validate::name("tag", &self.name, 50)?;
        validate::opt_description("description", self.description.as_deref(), 10_000)
    }
}

/// Changes to a tag; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagUpdate {
    /// Free text of at most 10,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub description: Option<Option<String>>,
}

/// The link between a model and one of its tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelTag {
    /// The model that carries the tag.
    pub model_id: Uuid,
    /// The tag it carries.
    pub tag_id: Uuid,
    /// When the tag was added to the model.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assigned_at: Timestamp,
}

/// A tag with the number of models carrying it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagUsage {
    /// The tag counted.
    pub tag: Tag,
    /// How many models carry it.
    pub model_count: u64,
}

/// Case folding for search, the same on every backend.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}
