//! References: how callers address entities. Teams, models, tags and
//! environments by name or id; versions as `MODEL@SEMVER`, `MODEL@latest`,
//! `MODEL@production`, or by id. The registry resolves a reference inside
//! the transaction of the operation that uses it.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::error::{Error, Result};

/// An entity addressed by id or by its unique name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ref {
    /// By id.
    Id(Uuid),
    /// By unique name.
    Name(String),
}

/// The prefix that makes the rest of a path segment a name, whatever the
/// rest reads as: an id, a route such as `search`, `.`, or nothing at all.
pub const NAME_PREFIX: &str = "name:";

impl Ref {
    /// The reference a path segment of the HTTP API means: `name:NAME` is
    /// the name NAME; any other text is read as [`Ref::parse`] reads it.
    pub fn from_segment(text: &str) -> Ref {
        match text.strip_prefix(NAME_PREFIX) {
            Some(name) => Ref::Name(name.to_owned()),
            None => Ref::parse(text),
        }
    }

    /// This reference as a path segment writes it: an id as it is, a name
    /// always as `name:NAME`, so that no name is mistaken for an id or a route.
    pub fn to_segment(&self) -> String {
        match self {
            Ref::Id(id) => id.to_string(),
            Ref::Name(name) => format!("{NAME_PREFIX}{name}"),
        }
    }

    /// A reference by name.
    pub fn name(name: impl Into<String>) -> Ref {
        Ref::Name(name.into())
    }

    /// Reads `text` as an id when it is a UUID (hyphenated), else as a name.
    /// A UUID-shaped name is still found: the registry falls back to the name
    /// when no entity has that id.
    pub fn parse(text: &str) -> Ref {
        match Uuid::try_parse(text) {
            Ok(id) if text.len() == 36 => Ref::Id(id),
            _ => Ref::Name(text.to_owned()),
        }
    }
}

impl From<Uuid> for Ref {
    fn from(id: Uuid) -> Ref {
        Ref::Id(id)
    }
}

impl From<&str> for Ref {
    fn from(text: &str) -> Ref {
        Ref::parse(text)
    }
}

impl From<String> for Ref {
    fn from(text: String) -> Ref {
        Ref::parse(&text)
    }
}

impl From<&String> for Ref {
    fn from(text: &String) -> Ref {
        Ref::parse(text)
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ref::Id(id) => write!(f, "{id}"),
            Ref::Name(name) => f.write_str(name),
        }
    }
}

/// Which version of a model a reference means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Selector {
    /// The version with this SemVer.
    Semver(String),
    /// The version of highest SemVer precedence.
    Latest,
    /// The version in production.
    Production,
    /// The version an alias of the model points to.
    Alias(String),
}

impl Selector {
    /// `latest`, `production`, a SemVer, or an alias.
    pub fn parse(text: &str) -> Result<Selector> {
        match text {
            "latest" => Ok(Selector::Latest),
            "production" => Ok(Selector::Production),
            text if text.starts_with(|c: char| c.is_ascii_digit()) => {
                crate::versions::parse_semver(text)?;
                Ok(Selector::Semver(text.to_owned()))
            }
            alias => {
                crate::aliases::check_name(alias).map_err(|_| {
                    Error::invalid(
                        "version",
                        format!(
                            "{alias:?} is neither a SemVer (such as 1.2.0), latest, production nor an alias (lower-case letters, digits, - and _)"
                        ),
                    )
                })?;
                Ok(Selector::Alias(alias.to_owned()))
            }
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Semver(s) => f.write_str(s),
            Selector::Latest => f.write_str("latest"),
            Selector::Production => f.write_str("production"),
            Selector::Alias(a) => f.write_str(a),
        }
    }
}

/// A model version addressed by id, or as a selector within a model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VersionRef {
    /// The version with this id.
    Id(Uuid),
    /// `MODEL@SELECTOR`: one of a model's versions.
    Of {
        /// The model, by name or id.
        model: Ref,
        /// Which of its versions.
        selector: Selector,
    },
}

impl VersionRef {
    /// `MODEL@SELECTOR` of the given parts.
    pub fn of(model: impl Into<Ref>, selector: Selector) -> VersionRef {
        VersionRef::Of {
            model: model.into(),
            selector,
        }
    }

    /// `MODEL@SEMVER`.
    pub fn semver(model: impl Into<Ref>, semver: impl Into<String>) -> VersionRef {
        VersionRef::of(model, Selector::Semver(semver.into()))
    }

    /// Parses `MODEL@SEMVER`, `MODEL@latest`, `MODEL@production` or a version id.
    /// The model part may itself be a name or an id; the last `@` splits.
    pub fn parse(text: &str) -> Result<VersionRef> {
        VersionRef::parse_with(text, Ref::parse)
    }

    /// Parses as [`VersionRef::parse`] does, the model part read by `model`
    /// (the HTTP API reads it with [`Ref::from_segment`]).
    pub fn parse_with(text: &str, model: impl FnOnce(&str) -> Ref) -> Result<VersionRef> {
        if let Some((model_part, selector)) = text.rsplit_once('@')
            && !model_part.is_empty()
        {
            return Ok(VersionRef::of(model(model_part), Selector::parse(selector)?));
        }
        match Uuid::try_parse(text) {
            Ok(id) => Ok(VersionRef::Id(id)),
            Err(_) => Err(Error::invalid(
                "version",
                format!(
                    "{text:?} names no version; write MODEL@SEMVER (e.g. fraud-detector@1.2.0), MODEL@latest, MODEL@production or a version id"
                ),
            )),
        }
    }
}

impl From<Uuid> for VersionRef {
    fn from(id: Uuid) -> VersionRef {
        VersionRef::Id(id)
    }
}

impl FromStr for VersionRef {
    type Err = Error;

    fn from_str(text: &str) -> Result<VersionRef> {
        VersionRef::parse(text)
    }
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRef::Id(id) => write!(f, "{id}"),
            VersionRef::Of { model, selector } => write!(f, "{model}@{selector}"),
        }
    }
}

macro_rules! serde_as_text {
    ($ty:ty, $parse:expr, $example:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                let parse: fn(&str) -> Result<$ty> = $parse;
                parse(&text).map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}
    };
}

serde_as_text!(Ref, |text| Ok(Ref::parse(text)), "research");
serde_as_text!(VersionRef, VersionRef::parse, "fraud-detector@1.2.0");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_references_parse_every_form() {
        let id = Uuid::now_v7();
        assert_eq!(VersionRef::parse(&id.to_string()).unwrap(), VersionRef::Id(id));
        assert_eq!(
            VersionRef::parse("fraud@1.2.0").unwrap(),
            VersionRef::semver("fraud", "1.2.0")
        );
        assert_eq!(
            VersionRef::parse("fraud@latest").unwrap(),
            VersionRef::of("fraud", Selector::Latest)
        );
        assert_eq!(
            VersionRef::parse("a@b@production").unwrap(),
            VersionRef::of("a@b", Selector::Production)
        );
        assert_eq!(
            VersionRef::parse(&format!("{id}@1.0.0")).unwrap(),
            VersionRef::of(Ref::Id(id), Selector::Semver("1.0.0".into()))
        );
        assert_eq!(
            VersionRef::parse("fraud@champion").unwrap(),
            VersionRef::of("fraud", Selector::Alias("champion".into()))
        );
        assert!(VersionRef::parse("fraud").is_err());
        assert!(VersionRef::parse("@1.0.0").is_err());
        assert!(VersionRef::parse("fraud@Banana").is_err());
        assert!(VersionRef::parse("fraud@1.x").is_err());
    }

    #[test]
    fn references_print_as_they_parse() {
        for text in ["fraud@1.2.0-rc.1", "fraud@latest", "fraud@production", "fraud@champion"] {
            assert_eq!(VersionRef::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn only_hyphenated_uuids_are_ids() {
        let id = Uuid::now_v7();
        assert_eq!(Ref::parse(&id.to_string()), Ref::Id(id));
        assert_eq!(Ref::parse(&id.simple().to_string()), Ref::Name(id.simple().to_string()));
        assert_eq!(Ref::parse("research"), Ref::name("research"));
    }
}
