//! Tags: `/v1/tags`, and the tags of a model (`/v1/models/{name}/tags`).
//! A `{tag}` is the tag's name; `name:NAME` is NAME too, as for a model.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::models::{Model, Tag, TagUpdate, TagUsage};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, name_segment};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Whether tagging changed anything.
#[derive(Serialize, ToSchema)]
struct TagAdded {
    /// False when the model already carried the tag.
    added: bool,
}

/// Whether untagging changed anything.
#[derive(Serialize, ToSchema)]
struct TagRemoved {
    /// False when the model did not carry the tag.
    removed: bool,
}

/// The tags of a model.
#[utoipa::path(get, path = "/v1/models/{name}/tags", tag = "models",
    params(("name" = String, Path, description = "The model's name or id"), Paging),
    responses((status = 200, body = Vec<Tag>), (status = 404, body = ErrorBody)))]
async fn model_tags(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Tag>>> {
    Ok(Json(reg.tags_of_model(&Ref::from_segment(&name), p.page()?).await?))
}

/// Tag a model (the tag is created if new; tagging twice changes nothing).
#[utoipa::path(put, path = "/v1/models/{name}/tags/{tag}", tag = "models",
    params(("name" = String, Path, description = "The model's name or id"), ("tag" = String, Path)),
    responses((status = 200, body = TagAdded), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_tag(Acting(reg): Acting, Path((name, tag)): Path<(String, String)>) -> ApiResult<Json<TagAdded>> {
    let added = reg.add_tag(&Ref::from_segment(&name), name_segment(&tag)).await?;
    Ok(Json(TagAdded { added }))
}

/// Remove a tag from a model.
#[utoipa::path(delete, path = "/v1/models/{name}/tags/{tag}", tag = "models",
    params(("name" = String, Path, description = "The model's name or id"), ("tag" = String, Path)),
    responses((status = 200, body = TagRemoved), (status = 404, body = ErrorBody)))]
async fn remove_tag(Acting(reg): Acting, Path((name, tag)): Path<(String, String)>) -> ApiResult<Json<TagRemoved>> {
    let removed = reg.remove_tag(&Ref::from_segment(&name), name_segment(&tag)).await?;
    Ok(Json(TagRemoved { removed }))
}

/// Tags by name, with the number of models carrying each.
#[utoipa::path(get, path = "/v1/tags", tag = "models", params(Paging),
    responses((status = 200, body = Vec<TagUsage>)))]
async fn list_tags(Acting(reg): Acting, Query(p): Query<Paging>) -> ApiResult<Json<Vec<TagUsage>>> {
    Ok(Json(reg.list_tags(p.page()?).await?))
}

/// The models carrying a tag, by name.
#[utoipa::path(get, path = "/v1/tags/{tag}/models", tag = "models", params(("tag" = String, Path), Paging),
    responses((status = 200, body = Vec<Model>)))]
async fn models_by_tag(
    Acting(reg): Acting,
    Path(tag): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(reg.models_by_tag(name_segment(&tag), p.page()?).await?))
}

/// Change a tag's description (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/tags/{tag}", tag = "models", params(("tag" = String, Path)), request_body = TagUpdate,
    responses((status = 200, body = Tag), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_tag(
    Acting(reg): Acting,
    Path(tag): Path<String>,
    Body(update): Body<TagUpdate>,
) -> ApiResult<Json<Tag>> {
    Ok(Json(reg.update_tag(name_segment(&tag), update).await?))
}

/// Delete a tag: it is removed from every model carrying it, then from the registry.
#[utoipa::path(delete, path = "/v1/tags/{tag}", tag = "models", params(("tag" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_tag(Acting(reg): Acting, Path(tag): Path<String>) -> ApiResult<StatusCode> {
    reg.delete_tag(name_segment(&tag)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(model_tags))
        .routes(routes!(add_tag, remove_tag))
        .routes(routes!(list_tags))
        .routes(routes!(models_by_tag))
        .routes(routes!(update_tag, delete_tag))
}
