//! Argument pieces many commands share: paging, a version reference, ids,
//! JSON objects and the domain's closed sets.

use clap::Args;
use modelreg_core::validate::{self, JsonObject};
use modelreg_core::{Error, Page, Ref, Result, Selector, VersionRef};
use uuid::Uuid;

/// Paging of a listing.
#[derive(Debug, Args, Clone, Copy)]
pub struct PageArgs {
    /// At most this many results (1..=10000)
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Skip this many results first
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

impl PageArgs {
    /// The checked page.
    pub fn page(self) -> Result<Page> {
        Page::new(self.offset, self.limit)
    }
}

/// A version: MODEL@SEMVER, or MODEL and SEMVER as two arguments.
#[derive(Debug, Args, Clone)]
pub struct VersionArg {
    /// The version as MODEL@SEMVER (or the model name, followed by SEMVER)
    #[arg(value_name = "MODEL@SEMVER")]
    pub target: String,
    /// The semver, when MODEL is given on its own
    #[arg(value_name = "SEMVER")]
    pub semver: Option<String>,
}

impl VersionArg {
    /// The version this argument refers to (also `MODEL@latest`, `MODEL@production` or an id).
    pub fn reference(&self) -> Result<VersionRef> {
        match &self.semver {
            Some(selector) => Ok(VersionRef::of(Ref::parse(&self.target), Selector::parse(selector)?)),
            None => VersionRef::parse(&self.target),
        }
    }

    /// The model and the semver of a version about to be registered (which
    /// the registry then validates).
    pub fn new_version(&self) -> Result<(Ref, String)> {
        match (&self.semver, self.target.rsplit_once('@')) {
            (Some(semver), _) => Ok((Ref::parse(&self.target), semver.clone())),
            (None, Some((model, semver))) if !model.is_empty() => Ok((Ref::parse(model), semver.to_owned())),
            (None, _) => Err(Error::invalid(
                "version",
                format!(
                    "{:?} names no version; write MODEL@SEMVER, e.g. fraud-detector@1.2.0",
                    self.target
                ),
            )),
        }
    }
}

/// The id of a run or deployment.
pub fn parse_id(field: &'static str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| Error::invalid(field, format!("{text:?} is not a UUID")))
}

/// A JSON object given on the command line (empty when absent).
pub fn json_object(field: &'static str, text: Option<&str>) -> Result<JsonObject> {
    text.map_or_else(|| Ok(JsonObject::new()), |t| validate::parse_json_object(field, t))
}

/// Parses any of the domain's closed sets, with the domain's own error message.
pub fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> std::result::Result<T, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
