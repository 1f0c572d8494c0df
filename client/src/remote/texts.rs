//! What a request says besides its route: references, queries and
//! instants as the API reads them, and the small answers some routes give.

use modelreg_core::query::Query;
use modelreg_core::refs::NAME_PREFIX;
use modelreg_core::versions::ModelVersion;
use modelreg_core::{EntityKind, Error, Result, Timestamp, VersionRef};
use serde::Deserialize;

use super::Params;

#[derive(Deserialize)]
pub(super) struct Added {
    pub(super) added: bool,
}

#[derive(Deserialize)]
pub(super) struct Removed {
    pub(super) removed: bool,
}

#[derive(Deserialize)]
pub(super) struct SchemaVersion {
    pub(super) schema_version: i64,
}

/// `params` with `name=value` when there is a value.
pub(super) fn with(mut params: Params, name: &'static str, value: Option<impl ToString>) -> Params {
    if let Some(value) = value {
        params.push((name, value.to_string()));
    }
    params
}

/// The parameters of a query: `filter` always (even empty: it asks the
/// route for the query language), then what else the query gives.
pub(super) fn query_params(query: &Query) -> Params {
    let mut params = vec![("filter", query.filter.clone().unwrap_or_default())];
    params = with(params, "sort", query.sort.clone());
    params = with(params, "page_token", query.page_token.clone());
    params = with(params, "skip", (query.offset != 0).then_some(query.offset));
    with(params, "limit", query.limit)
}

/// `None` for the one not-found an optional version is answered with.
pub(super) fn optional(found: Result<ModelVersion>) -> Result<Option<ModelVersion>> {
    match found {
        Ok(version) => Ok(Some(version)),
        Err(Error::NotFound {
            entity: EntityKind::ModelVersion,
            ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A name (of a model, team, environment or tag) as a path writes it: `name:NAME`.
pub(super) fn name_text(name: &str) -> String {
    format!("{NAME_PREFIX}{name}")
}

/// A version reference as the API reads it (its model as [`Ref::to_segment`] writes it).
pub(super) fn version_text(version: &VersionRef) -> String {
    match version {
        VersionRef::Of { model, selector } => format!("{}@{selector}", model.to_segment()),
        id => id.to_string(),
    }
}

/// An instant as the API takes it (RFC 3339, to the nanosecond it holds).
pub(super) fn instant(at: Timestamp) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use modelreg_core::Ref;

    use super::*;

    #[test]
    fn a_name_is_always_marked_as_a_name() {
        let id = "0190a5c8-1111-7000-8000-000000000001";
        assert_eq!(Ref::to_segment(&Ref::parse(id)), id);
        assert_eq!(Ref::to_segment(&Ref::name(id)), format!("name:{id}"));
        assert_eq!(Ref::to_segment(&Ref::name("name:x")), "name:name:x");
        assert_eq!(Ref::to_segment(&Ref::name("search")), "name:search");
        let version = VersionRef::semver(Ref::name(id), "1.0.0");
        assert_eq!(version_text(&version), format!("name:{id}@1.0.0"));
        assert_eq!(Ref::to_segment(&Ref::name("")), "name:");
    }

    #[test]
    fn a_query_always_asks_for_the_query_language() {
        let params = query_params(&Query::default());
        assert_eq!(params, [("filter", String::new())]);
        let params = query_params(&Query::filter("a = 1").sorted("b").limit(5));
        assert_eq!(
            params,
            [
                ("filter", "a = 1".to_owned()),
                ("sort", "b".to_owned()),
                ("limit", "5".to_owned())
            ]
        );
    }
}
