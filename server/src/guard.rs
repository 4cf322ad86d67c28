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
use axum::response::Response;

use crate::refusal::refuse;

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

    /// Whether `origin` (trimmed of a final `/`, lower case) is one of them.
    pub(crate) fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o == origin)
    }
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

/// Middleware for demo mode on loopback: only requests addressed to a loopback name. A page
/// on another site that points its own host name at 127.0.0.1 (DNS rebinding) would otherwise
/// read the demo's `config.json`, token included, as if it were this origin.
pub async fn loopback_host_only(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // `[::1]:8080`, `127.0.0.1:8080`, `localhost`: the name without its port.
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "This demo server answers only to 127.0.0.1 or localhost.",
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
}
