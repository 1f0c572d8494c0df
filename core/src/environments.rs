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
    pub id: Uuid,
    pub name: String,
    pub kind: EnvironmentKind,
    pub region: Option<String>,
    pub kubernetes_namespace: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: JsonObject,
    pub is_active: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// What a caller gives to create an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEnvironment {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 50,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    pub kind: EnvironmentKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub region: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub kubernetes_namespace: Option<String>,
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
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 50,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: Option<String>,
    pub kind: Option<EnvironmentKind>,
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub kubernetes_namespace: Option<Option<String>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub config: Option<JsonObject>,
    pub is_active: Option<bool>,
}

impl Environment {
    /// Checks every field against the rules of DESIGN.md.
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
    pub kind: Option<EnvironmentKind>,
    pub active_only: bool,
}
