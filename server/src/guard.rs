//! Rules every response and every write obeys, whatever route serves it: the headers that keep
//! a browser from sniffing, leaking or caching what it should not, and the refusal of writes
//! a foreign page makes a browser send (cross-site request forgery): an unsafe method whose
//! `Origin` is not this server's own (or an allowed one), or that the browser marks as
//! `Sec-Fetch-Site: cross-site`, is refused before any handler reads its body. Clients that
//! send neither header (servers, scripts) are not browsers and pass.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Origins besides this server's own whose pages may send writes (embedding portals).
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(Arc<Vec<String>>);

impl AllowedOrigins {
    pub fn new(origins: &[String]) -> Self {
        Self(Arc::new(
            origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        ))
    }

    fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o == origin)
    }
}

/// A refusal in the `{"detail": …}` shape every surface parses.
pub fn refuse(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

/// Whether a write with these headers comes from this server's own pages (or an allowed
/// origin), as far as the browser says.
pub fn same_origin_write(headers: &HeaderMap, allowed: &AllowedOrigins) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = text("origin").map(|o| o.trim_end_matches('/').to_ascii_lowercase());
    if let Some(origin) = origin {
        let host = text("host").unwrap_or_default().to_ascii_lowercase();
        let own = ["http://", "https://"]
            .iter()
            .any(|scheme| origin == format!("{scheme}{host}"));
        return own || allowed.contains(&origin);
    }
    // No Origin: a browser sends one on every cross-origin write, so only its Fetch Metadata
    // can still say this came from another site.
    !matches!(text("sec-fetch-site"), Some("cross-site" | "same-site"))
}

/// Middleware: refuses a foreign write before the route sees it.
pub async fn refuse_foreign_writes(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_origin_write(request.headers(), &allowed) {
        return refuse(
            StatusCode::FORBIDDEN,
            "This request came from another site and was not accepted.",
        );
    }
    next.run(request).await
}

/// Paths whose answers are private and current: never stored by a browser or a proxy.
fn is_private(path: &str) -> bool {
    path == "/config.json"
        || ["/api/", "/gateway/", "/portal-api/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// Middleware: the headers every response carries.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let private = is_private(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A surface's error shape: builds its refusal for a status and a message.
pub type Shape = fn(StatusCode, &str) -> Response;

/// The `{"detail": …}` shape (Initdesk, the portal, the gateway).
pub fn detail_shape(status: StatusCode, message: &str) -> Response {
    refuse(status, message)
}

/// Middleware for one surface: the framework's own refusals (a body over the limit, a method
/// the route does not take), which come as plain text or empty, made JSON in the surface's
/// shape, so the app parses them as it parses every other error.
pub async fn shaped_refusals(State(shape): State<Shape>, response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    if !status.is_client_error() || is_json {
        return response;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "The request is too large.",
        StatusCode::METHOD_NOT_ALLOWED => "This method is not allowed here.",
        StatusCode::NOT_FOUND => "Not found.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "This content type is not accepted here.",
        _ => "The request could not be read.",
    };
    let mut shaped = shape(status, message);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        shaped.headers_mut().insert(header::ALLOW, allow.clone());
    }
    shaped
}

/// Whether the request's `Content-Type` is `essence` (parameters such as `charset` aside).
pub fn content_type_is(headers: &HeaderMap, essence: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(essence))
}

/// A 415 for a body that is not of the type the route takes.
pub fn unsupported_media_type(expected: &str) -> Response {
    refuse(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &format!("Send this request as {expected}."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn writes_from_other_sites_are_told_apart() {
        let none = AllowedOrigins::default();
        let own = headers(&[
            ("host", "app.example:8080"),
            ("origin", "https://app.example:8080"),
        ]);
        assert!(same_origin_write(&own, &none));
        let foreign = headers(&[("host", "app.example"), ("origin", "https://evil.example")]);
        assert!(!same_origin_write(&foreign, &none));
        assert!(same_origin_write(
            &foreign,
            &AllowedOrigins::new(&["https://EVIL.example/".to_owned()])
        ));
        assert!(!same_origin_write(
            &headers(&[("host", "app.example"), ("origin", "null")]),
            &none
        ));
        assert!(!same_origin_write(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &none
        ));
        assert!(same_origin_write(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &none
        ));
        assert!(same_origin_write(&HeaderMap::new(), &none));
    }

    #[test]
    fn content_types_are_read_by_their_essence() {
        let h = headers(&[("content-type", "Application/JSON; charset=utf-8")]);
        assert!(content_type_is(&h, "application/json"));
        let plain = headers(&[("content-type", "text/plain;application/json")]);
        assert!(!content_type_is(&plain, "application/json"));
        assert!(!content_type_is(&HeaderMap::new(), "application/json"));
    }
}
