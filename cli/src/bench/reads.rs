//! The phases both modes share, over a registry that holds models named
//! `model-0…` with versions `1.0.0…`: c (a version by name@semver), d (a
//! model's versions; a search by name), e (promotion; resolving
//! production), "as of" resolution, and q (the query language on indexed
//! fields and on metadata).

use std::collections::BTreeMap;

use chrono::SecondsFormat;
use modelreg_core::query::Query;
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::{VersionFilter, VersionStatus};
use modelreg_core::{Page, Ref, RegistryApi, Result, Selector, VersionRef};
use serde_json::{Value, json};
use uuid::Uuid;

use super::figures::{PhaseFigures, Rng, Span, run_for};
use super::phases::{model_name, semver};

/// The alias the query phase looks for.
const ALIAS: &str = "champion";
/// How many models get the alias (the first ones).
const ALIASED_MODELS: usize = 100;

/// What the registry holds: the models `ids` (named `PREFIXmodel-0…`),
/// each with at least `per_model` versions, created between `first` and `last`.
pub struct Loaded<'a> {
    pub prefix: &'a str,
    pub ids: &'a [Uuid],
    pub per_model: usize,
    pub first: Timestamp,
    pub last: Timestamp,
}

impl Loaded<'_> {
    /// The `i`th model, by name.
    pub fn model(&self, i: usize) -> Ref {
        Ref::name(model_name(self.prefix, i))
    }
}

/// Runs phases c, d, e, as-of and q; answers their figures as the report has them.
pub async fn read_phases(
    reg: &dyn RegistryApi,
    loaded: &Loaded<'_>,
    span: Span,
    searches: usize,
    rng: &mut Rng,
) -> Result<Vec<(&'static str, Value)>> {
    let (ids, n, m) = (loaded.ids, loaded.ids.len(), loaded.per_model);
    let name = |i: usize| loaded.model(i);
    let term = model_name(loaded.prefix, 1);

    let c = run_for(span, |_| {
        let version = VersionRef::semver(name(rng.below(n)), semver(rng.below(m)));
        async move { reg.version(&version).await }
    })
    .await?;

    let d_list = run_for(span, |_| {
        let model = Ref::Id(ids[rng.below(n)]);
        async move {
            reg.list_versions(&model, VersionFilter::default(), Page::default())
                .await
        }
    })
    .await?;
    let d_search = run_for(Span::new(searches, span.time), |_| {
        reg.search_models(&term, Page::default())
    })
    .await?;

    // e: each round promotes one version of each model in turn (its latest
    // first, then older ones), so that every promotion changes something.
    let e_promote = run_for(span, |k| {
        let round = k / n;
        let version = VersionRef::semver(Ref::Id(ids[k % n]), semver(m - 1 - round % m));
        async move { reg.set_version_status(&version, VersionStatus::Production).await }
    })
    .await?;
    let promoted = n.min(e_promote.ops as usize);
    let e_resolve = run_for(span, |_| {
        let production = VersionRef::of(name(rng.below(promoted)), Selector::Production);
        async move { reg.version(&production).await }
    })
    .await?;

    // As of: which version was in production at an instant after the promotions.
    let promoted_at = time::now();
    let as_of = run_for(span, |_| {
        let production = VersionRef::of(name(rng.below(promoted)), Selector::Production);
        async move { reg.version_at(&production, promoted_at).await }
    })
    .await?;

    let query = query_phase(reg, loaded, promoted, span, rng).await?;
    Ok(vec![
        ("c", json!(c)),
        ("d", json!({"list_versions": d_list, "search": d_search})),
        ("e", json!({"promote": e_promote, "resolve_production": e_resolve})),
        ("as_of", json!({"production": as_of})),
        ("q", json!(query)),
    ])
}

/// Phase q: queries on the indexed fields (a model, a status, a creation
/// window, an alias), registry-wide where the field allows, and a metadata
/// filter and a metadata sort over one model's versions.
async fn query_phase(
    reg: &dyn RegistryApi,
    loaded: &Loaded<'_>,
    promoted: usize,
    span: Span,
    rng: &mut Rng,
) -> Result<BTreeMap<&'static str, PhaseFigures>> {
    let n = loaded.ids.len();
    for i in 0..promoted.min(ALIASED_MODELS) {
        let production = VersionRef::of(loaded.model(i), Selector::Production);
        reg.set_alias(&production, ALIAS).await?;
    }
    let mut figures = BTreeMap::new();
    // A random model's versions: all of them, by a metadata filter, by a metadata sort.
    for (name, query) in [
        ("model", Query::default()),
        ("metadata", Query::filter("metadata.epochs >= 5")),
        ("metadata_sort", Query::default().sorted("metadata.epochs desc")),
    ] {
        let of_one_model = run_for(span, |_| {
            let model = loaded.model(rng.below(n));
            let query = &query;
            async move { reg.find_versions(Some(&model), query).await }
        })
        .await?;
        figures.insert(name, of_one_model);
    }
    let production = Query::filter("status = 'production'");
    figures.insert("status", run_for(span, |_| reg.find_versions(None, &production)).await?);
    // Windows of a thousandth of the creation time, anywhere in it.
    let (first, whole) = (
        loaded.first,
        (loaded.last - loaded.first).num_microseconds().unwrap_or(0),
    );
    let window = (whole / 1000).max(1);
    let created = run_for(span, |_| {
        let from = first + chrono::Duration::microseconds(rng.below(whole.max(1) as usize) as i64);
        let to = from + chrono::Duration::microseconds(window);
        let query = Query::filter(format!(
            "created_at >= '{}' and created_at < '{}'",
            from.to_rfc3339_opts(SecondsFormat::Micros, true),
            to.to_rfc3339_opts(SecondsFormat::Micros, true)
        ));
        async move { reg.find_versions(None, &query).await }
    })
    .await?;
    figures.insert("created_at", created);
    let aliased = Query::filter(format!("alias = '{ALIAS}'"));
    figures.insert("alias", run_for(span, |_| reg.find_versions(None, &aliased)).await?);
    Ok(figures)
}
