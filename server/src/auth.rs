//! API tokens: `Authorization: Bearer SECRET`, compared in constant time.
//! A token's name is the actor of the changes made with it; read-only tokens
//! may only read. With no tokens configured every request is served, as the
//! registry's own actor.

use std::fmt;
use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use modelreg_core::{Actor, Error, Result};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};
use crate::extract::{Acting, ReadOnly};
use crate::state::AppState;

/// The shortest secret a token may have.
const MIN_SECRET_CHARS: usize = 16;

/// One API token: its name (the actor in the audit trail), its secret, and
/// whether it may only read. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Token {
    pub name: String,
    secret: String,
    pub read_only: bool,
    actor: Actor,
}

impl Token {
    /// A token, checked: the name must be a valid actor name, the secret at
    /// least 16 characters.
    pub fn new(name: &str, secret: &str, read_only: bool) -> Result<Token> {
        let actor =
            Actor::new(name).map_err(|_| Error::invalid("api_tokens", "a token's name must be a valid actor name"))?;
        if secret.len() < MIN_SECRET_CHARS {
            return Err(Error::invalid(
                "api_tokens",
                format!("the secret of token {name} is shorter than {MIN_SECRET_CHARS} characters"),
            ));
        }
        Ok(Token {
            name: name.to_owned(),
            secret: secret.to_owned(),
            read_only,
            actor,
        })
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("name", &self.name)
            .field("secret", &"****")
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// Parses `NAME:SECRET[:ro]` (or `:rw`), separated by commas; blanks are skipped.
pub fn parse_tokens(text: &str) -> Result<Vec<Token>> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|entry| {
            let parts: Vec<&str> = entry.split(':').collect();
            match parts.as_slice() {
                [name, secret] | [name, secret, "rw"] => Token::new(name, secret, false),
                [name, secret, "ro"] => Token::new(name, secret, true),
                _ => Err(Error::invalid(
                    "api_tokens",
                    "each token is NAME:SECRET or NAME:SECRET:ro, separated by commas",
                )),
            }
        })
        .collect()
}

/// Whether only this machine can reach `addr`.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The token whose secret is `presented`. Every token is compared, in
/// constant time, whichever matches.
fn find<'a>(tokens: &'a [Token], presented: &[u8]) -> Option<&'a Token> {
    let mut found = None;
    for token in tokens {
        if bool::from(token.secret.as_bytes().ct_eq(presented)) {
            found = Some(token);
        }
    }
    found
}

/// Checks the bearer token (when tokens are configured) and hands the request
/// the registry acting as the caller.
pub(crate) async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (registry, read_only) = if state.tokens.is_empty() {
        (state.registry.clone(), false)
    } else {
        let presented = bearer(req.headers()).unwrap_or_default().as_bytes();
        let Some(token) = find(&state.tokens, presented) else {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "send a valid API token as `Authorization: Bearer TOKEN`",
                None,
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        };
        let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if token.read_only && !reads {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                format!("token {} is read-only", token.name),
                None,
            )
            .into_response();
        }
        (state.registry.with_actor(token.actor.clone()), token.read_only)
    };
    req.extensions_mut().insert(Acting(registry));
    req.extensions_mut().insert(ReadOnly(read_only));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_with_their_access() {
        let tokens = parse_tokens(" ci:0123456789abcdef , dash:0123456789abcdef:ro,ops:0123456789abcdef:rw,").unwrap();
        let summary: Vec<_> = tokens.iter().map(|t| (t.name.as_str(), t.read_only)).collect();
        assert_eq!(summary, [("ci", false), ("dash", true), ("ops", false)]);
        assert!(parse_tokens("").unwrap().is_empty());
    }

    #[test]
    fn weak_or_malformed_tokens_are_refused() {
        let short = parse_tokens("ci:short").unwrap_err().to_string();
        assert!(short.contains("16 characters"), "{short}");
        assert!(parse_tokens("ci").is_err());
        assert!(parse_tokens("ci:0123456789abcdef:admin").is_err());
        assert!(parse_tokens(" :0123456789abcdef").is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let tokens = parse_tokens("ci:0123456789abcdef").unwrap();
        let shown = format!("{:?}", tokens[0]);
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }

    #[test]
    fn the_matching_token_is_found_among_many() {
        let tokens = parse_tokens("a:aaaaaaaaaaaaaaaa,b:bbbbbbbbbbbbbbbb").unwrap();
        assert_eq!(find(&tokens, b"bbbbbbbbbbbbbbbb").map(|t| t.name.as_str()), Some("b"));
        assert!(find(&tokens, b"cccccccccccccccc").is_none());
        assert!(find(&tokens, b"").is_none());
    }

    #[test]
    fn loopback_addresses_are_told_apart() {
        assert!(is_loopback(&"127.0.0.1:80".parse().unwrap()));
        assert!(is_loopback(&"[::1]:80".parse().unwrap()));
        assert!(!is_loopback(&"0.0.0.0:80".parse().unwrap()));
    }
}
