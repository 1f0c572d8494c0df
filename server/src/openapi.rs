//! The OpenAPI document: the paths and schemas the routes declare (each route
//! once, with utoipa-axum), the error responses every operation can give, and
//! bearer security when tokens are configured. Served at `/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi as _;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Components, OpenApi, Ref, RefOr, ResponseBuilder, content::ContentBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ErrorBody;
use crate::state::AppState;

/// The document as a server with (or without) tokens serves it.
pub fn openapi(tokens_configured: bool) -> OpenApi {
    let (public, guarded) = crate::routes::api();
    document(public.into_openapi(), guarded.into_openapi(), tokens_configured)
}

/// What the routes do not say themselves.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "modelreg",
        description = "An ML model registry: models, versions, runs, metrics, environments, deployments and their audit trail. Every answer that is not a success is an `ErrorBody`, with a code for programs: an unknown path too (404, `not_found`), and a method a path does not take (405, `method_not_allowed`, with an `Allow` header). Every list takes `skip` and `limit`; the lists of models, versions, runs, deployments and audit events also take the query language (`filter`, `sort`, `page_token`; the next page's token comes in the `X-Next-Page-Token` header). A team, model or environment in a path or a parameter is its name or its id; `name:NAME` is always the name NAME (for a name that reads as an id, or is also a route such as `search`). A `{version}` is MODEL@SEMVER, MODEL@ALIAS, MODEL@latest, MODEL@production or a version id."
    ),
    components(schemas(ErrorBody))
)]
struct Base;

/// The statuses any operation may answer besides its own, in the error shape.
const COMMON_ERRORS: &[(&str, &str)] = &[
    (
        "400",
        "Malformed JSON (field `body`), a body sent without `Content-Type: application/json`, or a bad query or path parameter (named in `field`)",
    ),
    ("408", "The request took too long"),
    ("413", "The body is over 1 MiB"),
    (
        "422",
        "A value breaks a rule of the registry or does not fit its type; `field` names it by its path in the body (`deployment.status`), or is `body` when the body is not a JSON object",
    ),
    ("500", "A fault of modelreg or its database (code `internal`)"),
    (
        "503",
        "The database is unavailable for now (code `unavailable`); retrying later may succeed",
    ),
    (
        "507",
        "The disk under the database is full or read-only (code `storage_full`)",
    ),
];

/// What only a server with tokens answers.
const AUTH_ERRORS: &[(&str, &str)] = &[
    ("401", "A missing or unknown token"),
    ("403", "A read-only token tried to change something"),
];

/// The served document: `public` (health checks, never behind a token) and
/// `guarded` (everything else) as their routes declare them, plus the common
/// error responses and, with tokens, bearer security.
pub(crate) fn document(public: OpenApi, guarded: OpenApi, tokens_configured: bool) -> OpenApi {
    let mut doc = Base::openapi();
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let mut add_errors = |mut part: OpenApi, errors: &[&[(&str, &str)]]| {
        for item in part.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in errors.iter().copied().flatten() {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description));
                }
            }
        }
        doc.merge(part);
    };
    add_errors(public, &[COMMON_ERRORS]);
    if tokens_configured {
        add_errors(guarded, &[COMMON_ERRORS, AUTH_ERRORS]);
        doc.components.get_or_insert_with(Components::new).add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    } else {
        add_errors(guarded, &[COMMON_ERRORS]);
    }
    doc
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/openapi.json", tag = "health", operation_id = "openapi", responses(
    (status = 200, description = "This OpenAPI 3 document", content_type = "application/json")))]
async fn serve_openapi(State(state): State<AppState>) -> Response {
    Json(state.openapi.as_ref()).into_response()
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(serve_openapi))
}
