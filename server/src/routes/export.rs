//! The whole registry as one export: `GET /v1/export` streams the JSON
//! Lines that `modelreg export` writes (one snapshot, audit trail included),
//! so a server's registry can be backed up without access to its database.
//! An export is everything, so read-only tokens may not take one.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_core::Stream;
use modelreg_core::transfer::Header;
use modelreg_core::{Error, Registry, Result};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{Acting, ReadOnly};
use crate::state::AppState;

/// The media type of an export.
const NDJSON: &str = "application/x-ndjson";

/// What the export has written and the body has not sent yet.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Vec<u8> {
        let mut bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *bytes)
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Export = Pin<Box<dyn Future<Output = Result<Header>> + Send>>;

/// The body of an export: it runs the export only as fast as the body is
/// read, so a slow reader holds back the export instead of filling memory.
/// A failure after the first bytes ends the body early (the client sees a
/// cut-short export, which import refuses).
struct ExportBody {
    export: Option<Export>,
    pending: Pending,
}

impl ExportBody {
    fn new(registry: Registry) -> ExportBody {
        let pending = Pending::default();
        let mut out = pending.clone();
        let export = Box::pin(async move {
            let mut progress = |_: u64, _: u64| {};
            registry.export(&mut out, &mut progress).await
        });
        ExportBody {
            export: Some(export),
            pending,
        }
    }

    /// The next bytes written, `None` at the end.
    fn next_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let ready = |bytes: Vec<u8>| Poll::Ready(Some(Ok(Bytes::from(bytes))));
        let written = self.pending.take();
        if !written.is_empty() {
            return ready(written);
        }
        let Some(export) = self.export.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = export.as_mut().poll(cx);
        if polled.is_ready() {
            self.export = None;
        }
        let written = self.pending.take();
        match polled {
            Poll::Ready(Err(e)) => {
                tracing::error!("an export failed: {e}");
                Poll::Ready(Some(Err(e)))
            }
            _ if !written.is_empty() => ready(written),
            Poll::Ready(Ok(_)) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Stream for ExportBody {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.next_chunk(cx)
    }
}

/// The body's first chunk, then the rest.
struct Started {
    first: Option<Bytes>,
    rest: ExportBody,
}

impl Stream for Started {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.first.take() {
            Some(first) => Poll::Ready(Some(Ok(first))),
            None => self.rest.next_chunk(cx),
        }
    }
}

/// The whole registry as JSON Lines: a header line, then every record (one
/// snapshot, audit trail and history included), as `modelreg export`
/// writes it and `modelreg import` reads it. Read-write tokens only.
#[utoipa::path(get, path = "/v1/export", tag = "export",
    responses((status = 200, description = "The export, streamed as JSON Lines", content_type = "application/x-ndjson", body = String),
        (status = 403, description = "A read-only token: an export is the whole registry and its audit trail", body = ErrorBody)))]
async fn export(Acting(reg): Acting, ReadOnly(read_only): ReadOnly) -> ApiResult<Response> {
    if read_only {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "an export is the whole registry and its audit trail: it takes a read-write token",
            None,
        ));
    }
    let mut body = ExportBody::new(reg);
    // The export starts before the answer does, so that a failure to begin
    // (the database unavailable) is an error answer, not a cut-short body.
    let first = std::future::poll_fn(|cx| body.next_chunk(cx)).await;
    let first = match first {
        Some(Ok(bytes)) => Some(bytes),
        Some(Err(e)) => return Err(e.into()),
        None => {
            return Err(Error::internal("the export wrote nothing, not even its header").into());
        }
    };
    let stream = Started { first, rest: body };
    Ok(([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(stream)).into_response())
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(export))
}
