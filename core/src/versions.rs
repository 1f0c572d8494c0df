//! Model versions: SemVer-named artifacts with a lifecycle status.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::validate::{self, JsonObject};

crate::string_enum!(
    /// The library a version was trained with.
    Framework, field = "framework" {
        Pytorch => "pytorch",
        Tensorflow => "tensorflow",
        Sklearn => "sklearn",
        Xgboost => "xgboost",
        Jax => "jax",
        Onnx => "onnx",
        Huggingface => "huggingface",
    }
);

crate::string_enum!(
    /// Where a version is in its lifecycle.
    VersionStatus, field = "status" {
        Registered => "registered",
        Validated => "validated",
        Production => "production",
        Archived => "archived",
        Deprecated => "deprecated",
    }
);

/// One registered artifact of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelVersion {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The model this is a version of; never changes (deleting the model deletes it).
    pub model_id: Uuid,
    /// A SemVer 2.0 version (`1.2.3-rc.1+build.5`), unique within its model; never changes.
    pub semver: String,
    /// Where the artifact is kept, 1..=500 characters; never changes.
    pub artifact_uri: String,
    /// The library the version was trained with; never changes.
    pub framework: Framework,
    /// The version of that library, at most 50 characters.
    pub framework_version: Option<String>,
    /// The Python version it was built with, at most 20 characters.
    pub python_version: Option<String>,
    /// Where it is in its lifecycle; at most one version of a model is in production.
    pub status: VersionStatus,
    /// The artifact's size in bytes (0 or more); absent until known, then filled in once.
    pub size_bytes: Option<i64>,
    /// The artifact's SHA-256 as 64 lower-case hex characters; absent until known, then filled in once.
    pub checksum_sha256: Option<String>,
    /// Free-form facts about the version: a JSON object (at most 64 KiB, 32 levels deep).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    /// When the version was registered.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Free text about the version; may hold newlines (absent in exports of format 1).
    #[serde(default)]
    pub description: Option<String>,
}

/// What a caller gives to register a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// A SemVer 2.0 version of at most 50 characters, unique within the model.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 50,
            pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
        )
    )]
    pub semver: String,
    /// Where the artifact is kept, 1..=500 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 500, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub artifact_uri: String,
    /// The library the version was trained with.
    pub framework: Framework,
    /// The version of that library, at most 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub framework_version: Option<String>,
    /// The Python version it was built with, at most 20 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub python_version: Option<String>,
    /// The artifact's size in bytes (0 or more), when known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size_bytes: Option<i64>,
    /// The artifact's SHA-256 as 64 hex characters of either case (stored lower-case), when known.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 64, max_length = 64, pattern = r"^[0-9a-fA-F]{64}$")
    )]
    pub checksum_sha256: Option<String>,
    /// Free-form facts about the version: a JSON object (at most 64 KiB, 32 levels deep); `{}` if absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    /// Free text of at most 10,000 characters; may hold newlines and tabs.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub description: Option<String>,
}

impl NewVersion {
    /// A version with only the required fields.
    pub fn new(semver: impl Into<String>, artifact_uri: impl Into<String>, framework: Framework) -> Self {
        NewVersion {
            semver: semver.into(),
            artifact_uri: artifact_uri.into(),
            framework,
            framework_version: None,
            python_version: None,
            size_bytes: None,
            checksum_sha256: None,
            metadata: JsonObject::new(),
            description: None,
        }
    }
}

impl ModelVersion {
    /// Checks every field but the checksum (which must already be normalized): a SemVer,
    /// an artifact URI of 1..=500 characters, the texts' lengths, a size of 0 or more, the JSON.
    pub fn validate(&self) -> Result<()> {
        parse_semver(&self.semver)?;
        validate::required_text("artifact_uri", &self.artifact_uri, 500)?;
        validate::opt_text("framework_version", self.framework_version.as_deref(), 50)?;
        validate::opt_text("python_version", self.python_version.as_deref(), 20)?;
        if let Some(size) = self.size_bytes {
            validate::non_negative_int("size_bytes", size)?;
        }
        validate::opt_description("description", self.description.as_deref(), 10_000)?;
        validate::json_object("metadata", &self.metadata)
    }

    /// Rewrites the metadata into the one form every backend stores and reads back.
    pub fn canonicalize(&mut self) {
        validate::canonical_json(&mut self.metadata);
    }

    /// This version with `update` applied: the editable fields change; size
    /// and checksum may only be filled in while unset.
    pub fn edited(&self, update: VersionUpdate) -> Result<ModelVersion> {
        let mut version = self.clone();
        if let Some(description) = update.description {
            version.description = description;
        }
        if let Some(metadata) = update.metadata {
            version.metadata = metadata;
        }
        for (key, value) in update.set_metadata {
            version.metadata.insert(key, value);
        }
        for key in &update.unset_metadata {
            version.metadata.remove(key);
        }
        if let Some(framework_version) = update.framework_version {
            version.framework_version = framework_version;
        }
        if let Some(python_version) = update.python_version {
            version.python_version = python_version;
        }
        if let Some(size) = update.size_bytes {
            match self.size_bytes {
                Some(old) if old != size => {
                    return Err(Error::invalid(
                        "size_bytes",
                        format!("is filled in once and is already {old}; register a new version for a new artifact"),
                    ));
                }
                _ => version.size_bytes = Some(size),
            }
        }
        if let Some(checksum) = update.checksum_sha256 {
            let checksum = validate::checksum_sha256(&checksum)?;
            match &self.checksum_sha256 {
                Some(old) if *old != checksum => {
                    return Err(Error::invalid(
                        "checksum_sha256",
                        format!("is filled in once and is already {old}; register a new version for a new artifact"),
                    ));
                }
                _ => version.checksum_sha256 = Some(checksum),
            }
        }
        version.validate()?;
        Ok(version)
    }

    /// The identity fields in which a registration differs from this version:
    /// an empty list means registering `new` again is a safe retry.
    pub fn differences(&self, new: &NewVersion) -> Result<Vec<&'static str>> {
        let mut differs = Vec::new();
        if self.artifact_uri != new.artifact_uri {
            differs.push("artifact_uri");
        }
        if self.framework != new.framework {
            differs.push("framework");
        }
        let checksum = new
            .checksum_sha256
            .as_deref()
            .map(validate::checksum_sha256)
            .transpose()?;
        if self.checksum_sha256 != checksum {
            differs.push("checksum_sha256");
        }
        Ok(differs)
    }

    /// The key under which "latest" sorts: see [`precedence_key`]. A stored
    /// semver that does not parse is an error, never an empty key.
    pub fn precedence_key(&self) -> Result<String> {
        precedence_key(&self.semver)
    }
}

/// Changes to a version's editable fields. Its identity (model, semver,
/// artifact URI, framework) never changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VersionUpdate {
    /// The new description; `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub description: Option<Option<String>>,
    /// Replaces the whole metadata object.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// Keys to set in the metadata (after any replacement).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub set_metadata: JsonObject,
    /// Keys to remove from the metadata (after setting).
    #[serde(default)]
    pub unset_metadata: Vec<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub framework_version: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::validate::present")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub python_version: Option<Option<String>>,
    /// Fills in the artifact's size, while it is unset.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size_bytes: Option<i64>,
    /// Fills in the artifact's SHA-256, while it is unset.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 64, max_length = 64, pattern = r"^[0-9a-fA-F]{64}$")
    )]
    pub checksum_sha256: Option<String>,
}

/// Parses a SemVer 2.0 string of at most 50 characters.
pub fn parse_semver(text: &str) -> Result<semver::Version> {
    validate::name("semver", text, 50)?;
    semver::Version::parse(text).map_err(|e| {
        Error::invalid(
            "semver",
            format!("{text:?} is not a SemVer 2.0 version such as 1.2.3, 1.2.3-rc.1 or 1.2.3+build.5 ({e})"),
        )
    })
}

/// How "latest" orders a model's versions, as SQL over the versions
/// table under `alias` (none: `""`): the highest [`precedence_key`] first,
/// ties by the newest, then by id. Every backend's "latest" reads this.
pub fn latest_first(alias: &str) -> String {
    let at = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    format!("{at}precedence DESC, {at}created_at DESC, {at}id DESC")
}

/// A string whose byte order is "latest" order, so that "latest" is an
/// indexed `ORDER BY` on every backend. Releases rank above every
/// pre-release (after 1.9.0, 1.10.0, 2.0.0-rc.1 and 1.10.1 the latest is
/// 1.10.1); within each group the order is SemVer precedence, so a
/// pre-release also ranks below its own release. Build metadata does not take
/// part: ties fall back to `created_at`.
pub fn precedence_key(text: &str) -> Result<String> {
    let v = parse_semver(text)?;
    let group = if v.pre.is_empty() { 'R' } else { 'P' };
    let mut key = format!("{group}{:020}.{:020}.{:020}", v.major, v.minor, v.patch);
    if !v.pre.is_empty() {
        key.push('-');
        for ident in v.pre.as_str().split('.') {
            if ident.bytes().all(|b| b.is_ascii_digit()) {
                // Numeric identifiers compare by value (no leading zeros in SemVer)
                // and rank below alphanumeric ones: 'a' < 'b'.
                key.push_str(&format!("a{:03}{ident}!", ident.len()));
            } else {
                // '!' ends the identifier and sorts below every identifier
                // character, so a prefix ranks first ("alpha" < "alpha-x").
                key.push('b');
                key.push_str(ident);
                key.push('!');
            }
        }
    }
    Ok(key)
}

/// Which versions a listing returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VersionFilter {
    /// Only the versions of this status.
    pub status: Option<VersionStatus>,
}

/// A version together with its model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionWithModel {
    /// The version listed.
    pub version: ModelVersion,
    /// The model it is a version of.
    pub model: crate::models::Model,
}

/// Checks that a version may move from `from` to `to`.
pub fn check_transition(from: VersionStatus, to: VersionStatus) -> Result<()> {
    if from == VersionStatus::Deprecated && to != VersionStatus::Deprecated {
        return Err(Error::invalid(
            "status",
            format!("a deprecated version cannot become {to}: deprecated is final"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut versions: Vec<&str>) -> Vec<&str> {
        versions.sort_by_key(|v| precedence_key(v).unwrap());
        versions
    }

    /// A stored semver that does not parse is an error, never an empty key
    /// (which would sort it below every version as "latest" is decided).
    #[test]
    fn a_semver_that_does_not_parse_has_no_precedence_key() {
        for text in ["", "1.2", "v1.2.3", "1.2.3.4", "01.2.3", "1.2.3-"] {
            assert!(precedence_key(text).is_err(), "{text:?}");
        }
        assert!(precedence_key("1.2.3-rc.1").is_ok());
    }

    #[test]
    fn precedence_key_orders_as_semver_does_within_releases_and_pre_releases() {
        let pre_releases = vec![
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "2.0.0-rc.1",
        ];
        let releases = vec!["1.0.0", "1.9.0", "1.10.0", "1.10.1", "2.0.0", "10.0.0"];
        for ordered in [&pre_releases, &releases] {
            let mut shuffled = ordered.clone();
            shuffled.reverse();
            shuffled.swap(0, 2);
            assert_eq!(&sorted(shuffled), ordered);
            for pair in ordered.windows(2) {
                let a = semver::Version::parse(pair[0]).unwrap();
                let b = semver::Version::parse(pair[1]).unwrap();
                assert!(a < b, "{a} < {b}");
            }
        }
    }

    #[test]
    fn releases_rank_above_every_pre_release() {
        assert_eq!(
            sorted(vec!["1.10.1", "2.0.0-rc.1", "1.9.0"]),
            ["2.0.0-rc.1", "1.9.0", "1.10.1"]
        );
        assert!(precedence_key("2.0.0-rc.1").unwrap() < precedence_key("2.0.0").unwrap());
    }

    #[test]
    fn build_metadata_does_not_change_precedence() {
        assert_eq!(
            precedence_key("1.2.3+build.5").unwrap(),
            precedence_key("1.2.3").unwrap()
        );
    }

    #[test]
    fn deprecated_is_terminal() {
        assert!(check_transition(VersionStatus::Deprecated, VersionStatus::Production).is_err());
        assert!(check_transition(VersionStatus::Archived, VersionStatus::Production).is_ok());
    }
}
