//! HTTP errors in Django REST framework's shapes: `{"detail": …}` for 401/403/404/413/429,
//! `{"<field>": […], "non_field_errors": […]}` for 400.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// An error response.
#[derive(Debug)]
pub struct HttpError {
    status: StatusCode,
    body: Value,
    retry_after: Option<u64>,
}

impl HttpError {
    fn detail(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "detail": detail.into() }),
            retry_after: None,
        }
    }

    pub fn unauthorized(detail: &str) -> Self {
        Self::detail(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn forbidden() -> Self {
        Self::detail(
            StatusCode::FORBIDDEN,
            "You do not have permission to perform this action.",
        )
    }

    pub fn not_found() -> Self {
        Self::detail(StatusCode::NOT_FOUND, "Not found.")
    }

    pub fn invalid_page() -> Self {
        Self::detail(StatusCode::NOT_FOUND, "Invalid page.")
    }

    pub fn too_large(detail: String) -> Self {
        Self::detail(StatusCode::PAYLOAD_TOO_LARGE, detail)
    }

    /// DRF's 415 for a body that is not JSON.
    pub fn unsupported_media_type(headers: &axum::http::HeaderMap) -> Self {
        let given = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Self::detail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported media type \"{given}\" in request."),
        )
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::detail(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Request was throttled. Expected available in {retry_after} seconds."),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// 503 with a `Retry-After`: the server is at a limit of its own for now.
    pub fn unavailable(detail: &str, retry_after: u64) -> Self {
        let mut e = Self::detail(StatusCode::SERVICE_UNAVAILABLE, detail);
        e.retry_after = Some(retry_after);
        e
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error in words: the detail, else the first field message (for other surfaces'
    /// error shapes).
    pub fn message(&self) -> String {
        if let Some(detail) = self.body.get("detail").and_then(Value::as_str) {
            return detail.to_owned();
        }
        self.body
            .as_object()
            .and_then(|fields| fields.values().next())
            .and_then(|v| v.get(0).or(Some(v)))
            .and_then(Value::as_str)
            .unwrap_or("The request was not accepted.")
            .to_owned()
    }

    /// The seconds a 429 asks the client to wait.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// A 400 with a JSON body that could not be parsed.
    pub fn parse_error(detail: String) -> Self {
        Self::detail(
            StatusCode::BAD_REQUEST,
            format!("JSON parse error - {detail}"),
        )
    }

    /// A 400 with field errors.
    pub fn validation(errors: FieldErrors) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: Value::Object(errors.0),
            retry_after: None,
        }
    }

    /// A 500 that says nothing about internals.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        eprintln!("threadline-server: {context}: {err}");
        Self::detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "A server error occurred.",
        )
    }
}

impl From<rusqlite::Error> for HttpError {
    fn from(e: rusqlite::Error) -> Self {
        HttpError::internal("database", e)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Collected field errors (DRF reports every invalid field at once).
#[derive(Debug, Default)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    /// Adds a message for `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let entry = self
            .0
            .entry(field)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(Value::String(message.into()));
        }
    }

    /// Adds a message for item `index` of list `field`, as DRF's ListField does:
    /// `{"field": {"1": ["message"]}}`.
    pub fn add_item(&mut self, field: &str, index: usize, message: impl Into<String>) {
        let entry = self
            .0
            .entry(field)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(items) = entry {
            let list = items
                .entry(index.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                list.push(Value::String(message.into()));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, else the 400.
    pub fn into_result(self) -> Result<(), HttpError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(HttpError::validation(self))
        }
    }
}
