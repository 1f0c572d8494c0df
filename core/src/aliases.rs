//! Aliases: a model's names for one of its versions (`champion`, `shadow`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Names a reference reserves: `MODEL@latest` and `MODEL@production`.
pub const RESERVED: &[&str] = &["latest", "production"];

/// A model's alias and the version it points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alias {
    /// Made by the registry when the alias is first set (a UUID v7); moving it keeps it.
    pub id: Uuid,
    /// The model whose name for a version this is.
    pub model_id: Uuid,
    /// Unique within the model: see [`check_name`] for what a name may be.
    pub name: String,
    /// The version it points to; never a deprecated one.
    pub version_id: Uuid,
    /// When the alias was last set (moved).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assigned_at: Timestamp,
}

/// An alias with the semver it points to, as listings show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AliasWithVersion {
    /// The alias, unique within its model.
    pub name: String,
    /// The version it points to.
    pub version_id: Uuid,
    /// That version's semver.
    pub semver: String,
    /// When the alias was last set (moved).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assigned_at: Timestamp,
}

/// Checks an alias name: 1..=50 characters, a lower-case ASCII letter first,
/// then lower-case letters, digits, `-` and `_`; never a SemVer, never reserved.
pub fn check_name(name: &str) -> Result<()> {
    const FIELD: &str = "alias";
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !first_ok || name.chars().count() > 50 {
        return Err(Error::invalid(
            FIELD,
            format!("{name:?} must be 1 to 50 characters and start with a lower-case letter (a-z)"),
        ));
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')) {
        return Err(Error::invalid(
            FIELD,
            format!("{name:?} may hold only lower-case letters, digits, '-' and '_' (found {bad:?})"),
        ));
    }
    if RESERVED.contains(&name) {
        return Err(Error::invalid(
            FIELD,
            format!("{name:?} is reserved: MODEL@{name} always means the {name} version"),
        ));
    }
    if semver::Version::parse(name).is_ok() {
        return Err(Error::invalid(FIELD, format!("{name:?} reads as a SemVer")));
    }
    Ok(())
}

impl Alias {
    /// Checks the alias's name ([`check_name`]).
    pub fn validate(&self) -> Result<()> {
        check_name(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_follow_the_grammar() {
        for ok in ["champion", "shadow-2", "a", "canary_eu", &"a".repeat(50)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Champion",
            "1.2.0",
            "-x",
            "latest",
            "production",
            "with space",
            "é",
            &"a".repeat(51),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
