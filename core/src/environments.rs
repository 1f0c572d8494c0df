//! Environments that versions are deployed into.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::time::Timestamp;
use crate::validate::{self, JsonObject};

crate::string_enum!(
    /// What an environment is for.
    EnvironmentKind, field = "kind" {
        Development => "development",
        Staging => "staging",
        Production => "production",
        Sandbox => "sandbox",
    }
);

/// A place deployments run in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Environment {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// Unique among environments: 1..=50 characters in NFC, no surrounding whitespace.
    pub name: String,
    /// What the environment is for.
    pub kind: EnvironmentKind,
    /// The cloud region it is in, at most 50 characters.
    pub region: Option<String>,
    /// The Kubernetes namespace its deployments run in, at most 100 characters.
    pub kubernetes_namespace: Option<String>,
    /// Settings of the environment: a JSON object (at most 64 KiB, 32 levels deep).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: JsonObject,
    /// False once the environment is deactivated; active-only listings leave it out.
    pub is_active: bool,
    /// When the environment was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// What a caller gives to create an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEnvironment {
    /// Unique among environments: 1..=50 characters, no surrounding whitespace (stored in NFC).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 50,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    /// What the environment is for.
    pub kind: EnvironmentKind,
    /// The cloud region it is in, at most 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub region: Option<String>,
    /// The Kubernetes namespace its deployments run in, at most 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub kubernetes_namespace: Option<String>,
    /// Settings of the environment: a JSON object (at most 64 KiB, 32 levels deep); `{}` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: JsonObject,
}

impl NewEnvironment {
    /// An environment with only a name and kind.
    pub fn new(name: impl Into<String>, kind: EnvironmentKind) -> Self {
        NewEnvironment {
            name: name.into(),
            kind,
            region: None,
            kubernetes_namespace: None,
            config: JsonObject::new(),
        }
    }
}

/// Changes to an environment; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnvironmentUpdate {
    /// A new unique name, 1..=50 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 50,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<EnvironmentKind>,
    /// The cloud region, at most 50 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub region: Option<Option<String>>,
    /// The Kubernetes namespace, at most 100 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub kubernetes_namespace: Option<Option<String>>,
    /// Replaces the whole settings object.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub config: Option<JsonObject>,
    /// `false` deactivates the environment, `true` reactivates it.
    pub is_active: Option<bool>,
}

impl Environment {
    /// Checks every field: a name of 1..=50 characters, a region of at most 50, a
    /// namespace of at most 100, and a config object within the JSON bounds.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 50)?;
        validate::opt_text("region", self.region.as_deref(), 50)?;
        validate::opt_text("kubernetes_namespace", self.kubernetes_namespace.as_deref(), 100)?;
        validate::json_object("config", &self.config)
    }

    /// This environment with `update` applied.
    pub fn apply(&self, update: EnvironmentUpdate) -> Environment {
        let mut env = self.clone();
        if let Some(name) = update.name {
            env.name = validate::nfc(&name);
        }
        if let Some(kind) = update.kind {
            env.kind = kind;
        }
        if let Some(region) = update.region {
            env.region = region;
        }
        if let Some(ns) = update.kubernetes_namespace {
            env.kubernetes_namespace = ns;
        }
        if let Some(config) = update.config {
            env.config = config;
        }
        if let Some(is_active) = update.is_active {
            env.is_active = is_active;
        }
        env
    }
}

/// Which environments a listing returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvironmentFilter {
    /// Only the environments of this kind.
    pub kind: Option<EnvironmentKind>,
    /// Leave out deactivated environments.
    pub active_only: bool,
}
