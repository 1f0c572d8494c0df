//! Argument pieces many commands share: paging and queries, a version
//! reference, ids, times, JSON objects and the domain's closed sets.

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::str::FromStr;

use clap::Args;
use clap::builder::{PossibleValue, TypedValueParser};
use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::Split;
use modelreg_core::models::RiskLevel;
use modelreg_core::query::Query;
use modelreg_core::runs::RunStatus;
use modelreg_core::time::{self, Timestamp};
use modelreg_core::validate::{self, JsonObject};
use modelreg_core::versions::{Framework, VersionStatus};
use modelreg_core::{EntityKind, Error, Page, Ref, Result, Selector, VersionRef};
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

/// The query flags of a listing: a filter, a sort and a page token.
#[derive(Debug, Args, Clone, Default)]
pub struct QueryArgs {
    /// Only what matches FILTER, in the query language, e.g. "framework = 'xgboost' and metadata.auc >= 0.9" (README: Finding things)
    #[arg(long, value_name = "FILTER")]
    pub filter: Option<String>,
    /// Order by fields, each asc or desc, e.g. "created_at desc, semver"
    #[arg(long, value_name = "SORT")]
    pub sort: Option<String>,
    /// Go on after the page that printed "more: --next TOKEN" (give the same filter and sort)
    #[arg(long = "next", value_name = "TOKEN")]
    pub next: Option<String>,
}

impl QueryArgs {
    /// Whether a query flag was given (JSON output is then `{"items", "next"}`).
    pub fn used(&self) -> bool {
        self.filter.is_some() || self.sort.is_some() || self.next.is_some()
    }

    /// The query these flags and `page` ask for.
    pub fn query(&self, page: PageArgs) -> Query {
        Query {
            filter: self.filter.clone(),
            sort: self.sort.clone(),
            page_token: self.next.clone(),
            offset: page.offset,
            limit: Some(page.limit),
        }
    }
}

/// A version: MODEL@SEMVER, or MODEL and SEMVER as two arguments.
#[derive(Debug, Args, Clone)]
pub struct VersionArg {
    /// The version: MODEL@SEMVER, MODEL@ALIAS, MODEL@latest, MODEL@production or its id (or MODEL, then SEMVER)
    #[arg(value_name = "MODEL@SEMVER")]
    pub target: String,
    /// The semver (or alias), when MODEL is given on its own
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

/// An instant given as RFC 3339 (`2026-05-01T12:00:00Z`, any offset), to the microsecond.
pub fn parse_time(field: &'static str, text: &str) -> Result<Timestamp> {
    time::parse_rfc3339(text.trim()).map_err(|e| {
        Error::invalid(
            field,
            format!("{text:?} is not an RFC 3339 time such as 2026-05-01T12:00:00Z ({e})"),
        )
    })
}

/// The id of a run or deployment.
pub fn parse_id(field: &'static str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| Error::invalid(field, format!("{text:?} is not a UUID")))
}

/// A JSON object given on the command line (empty when absent).
pub fn json_object(field: &'static str, text: Option<&str>) -> Result<JsonObject> {
    text.map_or_else(|| Ok(JsonObject::new()), |t| validate::parse_json_object(field, t))
}

/// One of the domain's closed sets (statuses, kinds, levels), as a value of the command line.
pub trait ClosedSet: FromStr<Err = Error> + Clone + Send + Sync + 'static {
    /// Every value as it is written, in the domain's order.
    fn texts() -> Vec<&'static str>;
}

/// Each set lists its values from core's own `ALL`, so that a value added
/// there is offered here.
macro_rules! closed_sets {
    ($($set:ty),+ $(,)?) => {$(
        impl ClosedSet for $set {
            fn texts() -> Vec<&'static str> {
                <$set>::ALL.iter().map(|value| value.as_str()).collect()
            }
        }
    )+};
}

closed_sets!(
    RiskLevel,
    Framework,
    VersionStatus,
    RunStatus,
    DeploymentStatus,
    EnvironmentKind,
    Split,
    EntityKind,
);

/// The value parser of every closed set: its values listed in `--help` and
/// offered by completions, a bad value refused with the domain's message
/// (which names the field).
#[derive(Debug)]
pub struct OneOf<T>(PhantomData<fn() -> T>);

impl<T> Clone for OneOf<T> {
    fn clone(&self) -> Self {
        OneOf(PhantomData)
    }
}

/// The parser of the closed set `T`.
pub fn one_of<T: ClosedSet>() -> OneOf<T> {
    OneOf(PhantomData)
}

impl<T: ClosedSet> TypedValueParser for OneOf<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> std::result::Result<T, clap::Error> {
        // The domain's own error, which names the field, becomes the usage error's source.
        let domain: fn(&str) -> Result<T> = T::from_str;
        domain.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::texts().into_iter().map(PossibleValue::new)))
    }
}
