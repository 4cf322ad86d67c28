//! Cross-origin access for embedding portals (`--allowed-origins`): a page on one of those
//! origins may load the app's files, `config.json`, the API surfaces and the gateway from
//! here, and its preflights are answered. Any other origin gets no CORS header at all (its
//! browser then keeps the answers from it), and its preflight is refused. No credentials
//! (cookies) are allowed cross-origin: an embedding page authenticates with headers.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::guard::AllowedOrigins;
use crate::refusal::refuse;

/// Who may embed, and which header no page may send (the gateway's trusted header, which only
/// the portal's own proxy sets: a page that could send it would pass as any agent).
#[derive(Debug, Clone, Default)]
pub struct CrossOrigin {
    pub allowed: AllowedOrigins,
    pub withheld_header: Option<String>,
}

/// What a cross-origin page may send: the app's methods.
const METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE";
/// What a cross-origin page may read beyond the safelisted headers: when to try again, where
/// a created thing is, a download's name, the next page.
const EXPOSED: &str = "Retry-After, Location, Content-Disposition, Link";
/// How long a browser may keep a preflight's answer, in seconds.
const MAX_AGE: &str = "600";
/// Most header names a preflight may ask for (the app sends fewer than ten).
const MAX_REQUESTED: usize = 16;

/// Middleware: CORS headers for allowed origins, and their preflights answered here.
pub async fn cross_origin(
    State(rules): State<CrossOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let origin = allowed_origin(request.headers(), &rules.allowed);
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return match origin {
            Some(origin) => {
                answer_preflight(origin, request.headers(), rules.withheld_header.as_deref())
            }
            None => refuse(
                StatusCode::FORBIDDEN,
                "This origin may not use Threadline from its pages.",
            ),
        };
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Answers differ by origin: caches must keep them apart.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
    response
}

/// The request's `Origin`, when it is one of the allowed (this server's own needs no CORS).
fn allowed_origin(headers: &HeaderMap, allowed: &AllowedOrigins) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().ok()?;
    allowed
        .contains(&text.trim_end_matches('/').to_ascii_lowercase())
        .then(|| origin.clone())
}

/// The answer to an allowed origin's preflight: the methods, and the headers it asked for
/// when each is a plain header name (the app's: `Content-Type`, `Authorization`,
/// `Idempotency-Key`, a dialect's token header) and not the `withheld` one.
fn answer_preflight(origin: HeaderValue, headers: &HeaderMap, withheld: Option<&str>) -> Response {
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let names: Vec<&str> = requested
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let grantable =
        |n: &&str| is_header_name(n) && withheld.is_none_or(|w| !n.eq_ignore_ascii_case(w));
    if names.len() > MAX_REQUESTED || !names.iter().all(grantable) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "These request headers are not accepted.",
        );
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(METHODS),
    );
    // Plain header names (checked above) always make a header value.
    if let (false, Ok(value)) = (names.is_empty(), HeaderValue::from_str(&names.join(", "))) {
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
    out.insert(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// A header name as RFC 9110 spells a token, and not one that carries cookies.
fn is_header_name(name: &str) -> bool {
    name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && !name.eq_ignore_ascii_case("cookie")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_header_names_are_granted() {
        assert!(is_header_name("Idempotency-Key"));
        assert!(is_header_name("x-initdesk-token"));
        assert!(!is_header_name("Cookie"));
        assert!(!is_header_name("a b"));
        assert!(!is_header_name(&"x".repeat(65)));
    }

    #[test]
    fn origins_are_matched_whole() {
        let allowed = AllowedOrigins::new(&["http://localhost:19050".to_owned()]);
        let with = |o: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, HeaderValue::from_static(o));
            allowed_origin(&h, &allowed)
        };
        assert!(with("http://localhost:19050").is_some());
        assert!(with("http://LOCALHOST:19050").is_some());
        assert!(with("http://localhost:19051").is_none());
        assert!(with("http://localhost:19050.evil.example").is_none());
        assert!(with("null").is_none());
    }
}
