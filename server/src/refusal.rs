//! Refusals in the JSON shape of the surface that gives them (so the app parses them as it
//! parses every other error), and the request checks that lead to them.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A refusal in the `{"detail": …}` shape every surface parses.
pub fn refuse(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
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

/// The largest body a message post may have on any surface.
pub const MAX_POST: usize = 2 * 1024 * 1024;

/// A request body read once its sender is admitted, up to [`MAX_POST`]; 413 past it.
pub async fn body_after_admission(body: axum::body::Body) -> Result<axum::body::Bytes, StatusCode> {
    axum::body::to_bytes(body, MAX_POST)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
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
