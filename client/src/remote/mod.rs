//! The registry of a `modelreg serve`, over HTTP: one pooled client (its
//! connections kept and reused), a bearer token, timeouts, and retries of
//! reads only. Each operation is one request (see `api`); a failure comes
//! back as the typed error the server answered (see `errors`).

mod api;
mod bodies;
mod errors;
mod export;
mod texts;

use std::fmt;
use std::time::Duration;

use modelreg_core::error::redact_passwords;
use modelreg_core::query::Listing;
use modelreg_core::{Error, Page, Result};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::open::Options;

/// The first pause before a retry; each further one doubles it.
const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// The header of a listing's next page token.
const NEXT_PAGE_HEADER: &str = "x-next-page-token";

/// A registry behind `modelreg serve`, reached over HTTP. Cheap to clone
/// (clones share the connection pool).
#[derive(Clone)]
pub struct RemoteRegistry {
    /// `scheme://host[:port][/prefix]`, without a trailing slash.
    base: String,
    /// The base with any password masked, for messages.
    shown: String,
    http: reqwest::Client,
    token: Option<String>,
    request_timeout: Duration,
    retries: u32,
}

impl fmt::Debug for RemoteRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteRegistry")
            .field("url", &self.shown)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .finish()
    }
}

/// Query parameters of a request.
pub(crate) type Params = Vec<(&'static str, String)>;

/// `skip` and `limit` of `page`.
pub(crate) fn paging(page: Page) -> Params {
    vec![("skip", page.offset.to_string()), ("limit", page.limit.to_string())]
}

/// The JSON of a request body.
pub(crate) fn json(body: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| Error::internal(format!("a request body does not serialize: {e}")))
}

impl RemoteRegistry {
    /// The registry of the server at `url` (`http://…` or `https://…`,
    /// perhaps with a path prefix). Nothing is sent until the first call.
    pub fn connect(url: &str, options: &Options) -> Result<RemoteRegistry> {
        let shown = redact_passwords(url);
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::invalid("database_url", format!("{shown:?} is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::invalid(
                "database_url",
                format!("{shown:?} is not an http:// or https:// URL of a server"),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.request_timeout)
            .user_agent(concat!("modelreg-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::internal(format!("cannot set up an HTTP client: {e}")))?;
        Ok(RemoteRegistry {
            base: url.trim_end_matches('/').to_owned(),
            shown: shown.trim_end_matches('/').to_owned(),
            http,
            token: options.token.clone(),
            request_timeout: options.request_timeout,
            retries: options.retries,
        })
    }

    /// The URL of `segments` below the base, each percent-encoded as one segment.
    fn url(&self, segments: &[&str]) -> String {
        let mut url = self.base.clone();
        for segment in segments {
            url.push('/');
            encode_segment(segment, &mut url);
        }
        url
    }

    /// `METHOD /a/b` with the base masked, for messages.
    fn describe(&self, method: &Method, segments: &[&str]) -> String {
        format!("{method} {}/{}", self.shown, segments.join("/"))
    }

    fn request(&self, method: Method, segments: &[&str], params: &Params, body: Option<&[u8]>) -> RequestBuilder {
        let mut request = self.http.request(method, self.url(segments)).query(params);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        request
    }

    /// Sends one request: its answer when it succeeded, else the typed error
    /// it carries. A GET is retried after a connection failure or a 503;
    /// nothing else is. `timeout` bounds the whole request (none: a stream).
    async fn send(
        &self,
        method: Method,
        segments: &[&str],
        params: &Params,
        body: Option<&[u8]>,
        timeout: Option<Duration>,
    ) -> Result<Response> {
        let retries = if method == Method::GET { self.retries } else { 0 };
        let mut pause = FIRST_PAUSE;
        let mut attempt = 0;
        loop {
            let mut request = self.request(method.clone(), segments, params, body);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let retry = match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) if response.status() == StatusCode::SERVICE_UNAVAILABLE && attempt < retries => true,
                Ok(response) => {
                    let status = response.status();
                    let bytes = response.bytes().await.unwrap_or_default();
                    return Err(errors::from_answer(status, &bytes, &self.describe(&method, segments)));
                }
                Err(e) if e.is_connect() && attempt < retries => true,
                Err(e) => return Err(errors::from_transport(e, &self.describe(&method, segments))),
            };
            debug_assert!(retry);
            attempt += 1;
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }

    /// Sends a request and reads its JSON answer.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        params: &Params,
        body: Option<&[u8]>,
    ) -> Result<T> {
        let response = self
            .send(method.clone(), segments, params, body, Some(self.request_timeout))
            .await?;
        read_json(response, || self.describe(&method, segments)).await
    }

    /// `GET` with query parameters.
    pub(crate) async fn get<T: DeserializeOwned>(&self, segments: &[&str], params: Params) -> Result<T> {
        self.call(Method::GET, segments, &params, None).await
    }

    /// `method` with a JSON body.
    pub(crate) async fn with_body<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: &impl Serialize,
    ) -> Result<T> {
        self.call(method, segments, &Params::new(), Some(&json(body)?)).await
    }

    /// `method` with no body.
    pub(crate) async fn bare<T: DeserializeOwned>(&self, method: Method, segments: &[&str]) -> Result<T> {
        self.call(method, segments, &Params::new(), None).await
    }

    /// `POST` with a JSON body: the answer and whether it was 201 Created.
    pub(crate) async fn create<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        body: &impl Serialize,
    ) -> Result<(T, bool)> {
        let response = self
            .send(
                Method::POST,
                segments,
                &Params::new(),
                Some(&json(body)?),
                Some(self.request_timeout),
            )
            .await?;
        let created = response.status() == StatusCode::CREATED;
        Ok((
            read_json(response, || self.describe(&Method::POST, segments)).await?,
            created,
        ))
    }

    /// `DELETE` answered with 204.
    pub(crate) async fn delete(&self, segments: &[&str]) -> Result<()> {
        self.send(
            Method::DELETE,
            segments,
            &Params::new(),
            None,
            Some(self.request_timeout),
        )
        .await
        .map(drop)
    }

    /// `GET` of a listing through the query language: its rows and the next page's token.
    pub(crate) async fn listing<T: DeserializeOwned>(&self, segments: &[&str], params: Params) -> Result<Listing<T>> {
        let what = || self.describe(&Method::GET, segments);
        let response = self
            .send(Method::GET, segments, &params, None, Some(self.request_timeout))
            .await?;
        let next = match response.headers().get(NEXT_PAGE_HEADER) {
            Some(value) => Some(
                value
                    .to_str()
                    .map_err(|_| Error::internal(format!("{}: the next page token is not text", what())))?
                    .to_owned(),
            ),
            None => None,
        };
        let items = read_json(response, what).await?;
        Ok(Listing { items, next })
    }
}

/// The JSON of a successful answer, as a `T`; `what` describes the request
/// (only for an error, so that a success formats nothing).
async fn read_json<T: DeserializeOwned>(response: Response, what: impl Fn() -> String) -> Result<T> {
    let bytes = response.bytes().await.map_err(|e| errors::from_transport(e, &what()))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::internal(format!(
            "{}: the server's answer is not what modelreg expects: {e}",
            what()
        ))
    })
}

/// `segment` percent-encoded as one URL path segment (see [`encode_segment`]).
pub fn path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    encode_segment(segment, &mut out);
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `segment` to `out`, percent-encoded so that it stays one path
/// segment: everything but ASCII letters, digits, `-`, `_` and `~` is encoded.
fn encode_segment(segment: &str, out: &mut String) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_stays_one_segment() {
        let mut out = String::new();
        encode_segment("team/a@b c.d%", &mut out);
        assert_eq!(out, "team%2Fa%40b%20c%2Ed%25");
        let mut out = String::new();
        encode_segment("fraud-v2_x~", &mut out);
        assert_eq!(out, "fraud-v2_x~");
    }

    #[test]
    fn the_base_and_the_token_are_masked() {
        let options = Options::default().token("secret-token-0123456789");
        let remote = RemoteRegistry::connect("https://ops:hunter2@registry.example/api/", &options).unwrap();
        let shown = format!("{remote:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("secret-token"), "{shown}");
        assert_eq!(
            remote.url(&["v1", "models", "a b"]),
            "https://ops:hunter2@registry.example/api/v1/models/a%20b"
        );
        for bad in ["ftp://host/", "not a url", "http://"] {
            assert!(RemoteRegistry::connect(bad, &options).is_err(), "{bad}");
        }
    }
}
