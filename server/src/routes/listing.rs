//! Listings through the query language: the `filter`, `sort` and
//! `page_token` parameters of the list routes, and their answer (a JSON
//! array, with the next page's token in the `X-Next-Page-Token` header).
//!
//! A list route that had fixed filters before the query language keeps
//! answering them as it did while none of `filter`, `sort` and `page_token`
//! is given; with any of them (an empty `filter` too) it answers through the
//! query language, its fixed filters becoming conditions of the query.

use axum::Json;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use modelreg_core::query::{Listing, Query};
use serde::Serialize;

use crate::error::ApiResult;

/// The response header that carries the token of the next page.
pub(crate) const NEXT_PAGE_HEADER: &str = "x-next-page-token";

/// What a list route answers: a plain page, or a page of a query with the
/// token of the next one.
pub(crate) enum Found<T> {
    Rows(Vec<T>),
    Page(Listing<T>),
}

impl<T: Serialize> IntoResponse for Found<T> {
    fn into_response(self) -> Response {
        match self {
            Found::Rows(rows) => Json(rows).into_response(),
            Found::Page(Listing { items, next }) => {
                let mut response = Json(items).into_response();
                // A token is URL-safe text made by core; one that is not a
                // header value is left out rather than failing the answer.
                if let Some(value) = next.and_then(|token| HeaderValue::from_str(&token).ok()) {
                    response
                        .headers_mut()
                        .insert(HeaderName::from_static(NEXT_PAGE_HEADER), value);
                }
                response
            }
        }
    }
}

/// The [`QueryParams`] of a request's query struct, whose fields have the same names.
macro_rules! query_params {
    ($q:ident) => {
        $crate::routes::listing::QueryParams {
            filter: $q.filter,
            sort: $q.sort,
            page_token: $q.page_token,
            skip: $q.skip,
            limit: $q.limit,
        }
    };
}
pub(crate) use query_params;

/// The query-language parameters of a request, and its paging.
pub(crate) struct QueryParams {
    pub(crate) filter: Option<String>,
    pub(crate) sort: Option<String>,
    pub(crate) page_token: Option<String>,
    pub(crate) skip: Option<u64>,
    pub(crate) limit: Option<u32>,
}

impl QueryParams {
    /// Whether the request asks for the query language.
    pub(crate) fn given(&self) -> bool {
        self.filter.is_some() || self.sort.is_some() || self.page_token.is_some()
    }

    /// The query the parameters make, as the library takes it (a page token
    /// with a `skip` is refused by the library, naming `offset`).
    pub(crate) fn query(self) -> ApiResult<Query> {
        let offset = super::checked_skip(self.skip)?;
        Ok(Query {
            filter: self.filter,
            sort: self.sort,
            page_token: self.page_token,
            offset,
            limit: self.limit,
        })
    }
}
