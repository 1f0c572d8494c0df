//! Aliases: a model's names for one of its versions (`champion`, `shadow`),
//! set on a version (`/v1/versions/{version}/aliases/{alias}`), listed and
//! removed on the model (`/v1/models/{name}/aliases`).

use axum::Json;
use modelreg_core::Ref;
use modelreg_core::aliases::{Alias, AliasWithVersion};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, VERSION_PARAM, name_segment, parse_version};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Path, Query};
use crate::state::AppState;

/// Whether removing an alias changed anything.
#[derive(Serialize, ToSchema)]
struct AliasRemoved {
    /// False when the model had no such alias.
    removed: bool,
}

/// Point an alias at a version: set it, or move it from the version it
/// pointed to (never to a deprecated version).
#[utoipa::path(put, path = "/v1/versions/{version}/aliases/{alias}", tag = "aliases",
    params(("version" = String, Path, description = VERSION_PARAM),
        ("alias" = String, Path, description = "A lower-case letter, then letters, digits, `-` and `_` (at most 50); never a SemVer, `latest` or `production`")),
    responses((status = 200, body = Alias), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_alias(Acting(reg): Acting, Path((version, alias)): Path<(String, String)>) -> ApiResult<Json<Alias>> {
    Ok(Json(
        reg.set_alias(&parse_version(&version)?, name_segment(&alias)).await?,
    ))
}

/// A model's aliases with the semver each points to, by name.
#[utoipa::path(get, path = "/v1/models/{name}/aliases", tag = "aliases",
    params(("name" = String, Path, description = "The model's name or id"), Paging),
    responses((status = 200, body = Vec<AliasWithVersion>), (status = 404, body = ErrorBody)))]
async fn model_aliases(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<AliasWithVersion>>> {
    Ok(Json(reg.aliases_of_model(&Ref::from_segment(&name), p.page()?).await?))
}

/// Remove a model's alias.
#[utoipa::path(delete, path = "/v1/models/{name}/aliases/{alias}", tag = "aliases",
    params(("name" = String, Path, description = "The model's name or id"), ("alias" = String, Path)),
    responses((status = 200, body = AliasRemoved), (status = 404, body = ErrorBody)))]
async fn remove_alias(
    Acting(reg): Acting,
    Path((name, alias)): Path<(String, String)>,
) -> ApiResult<Json<AliasRemoved>> {
    let removed = reg
        .remove_alias(&Ref::from_segment(&name), name_segment(&alias))
        .await?;
    Ok(Json(AliasRemoved { removed }))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(set_alias))
        .routes(routes!(model_aliases))
        .routes(routes!(remove_alias))
}
