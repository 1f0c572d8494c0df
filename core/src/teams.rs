//! Teams own models.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::time::Timestamp;
use crate::validate;

/// A team that owns models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// Unique among teams: 1..=100 characters in NFC, no surrounding whitespace.
    pub name: String,
    /// The department the team belongs to, at most 100 characters; absent when not given.
    pub department: Option<String>,
    /// Where the team's spending is booked, at most 50 characters; absent when not given.
    pub cost_center: Option<String>,
    /// False once the team is deactivated (a soft delete that keeps its models).
    pub active: bool,
    /// When the team was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// What a caller gives to create a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    /// Unique among teams: 1..=100 characters, no surrounding whitespace (stored in NFC).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    /// The department the team belongs to, at most 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub department: Option<String>,
    /// Where the team's spending is booked, at most 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub cost_center: Option<String>,
}

impl NewTeam {
    /// A team with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        NewTeam {
            name: name.into(),
            department: None,
            cost_center: None,
        }
    }
}

/// Changes to a team; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamUpdate {
    /// A new unique name, 1..=100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: Option<String>,
    /// The department, at most 100 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub department: Option<Option<String>>,
    /// The cost center, at most 50 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub cost_center: Option<Option<String>>,
    /// `false` deactivates the team, `true` reactivates it.
    pub active: Option<bool>,
}

impl Team {
    /// Checks every field: a name of 1..=100 characters, a department of at most 100
    /// and a cost center of at most 50, none holding control or format characters.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 100)?;
        validate::opt_text("department", self.department.as_deref(), 100)?;
        validate::opt_text("cost_center", self.cost_center.as_deref(), 50)
    }

    /// This team with `update` applied.
    pub fn apply(&self, update: TeamUpdate) -> Team {
        let mut team = self.clone();
        if let Some(name) = update.name {
            team.name = validate::nfc(&name);
        }
        if let Some(department) = update.department {
            team.department = department;
        }
        if let Some(cost_center) = update.cost_center {
            team.cost_center = cost_center;
        }
        if let Some(active) = update.active {
            team.active = active;
        }
        team
    }
}

/// Which teams a listing returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TeamFilter {
    /// Leave out deactivated teams.
    pub active_only: bool,
}
