//! The customer's own view of one ticket, reached by a signed, expiring link (see [`link`]):
//! the page is `/portal/{link}`, its API `/portal-api/{link}`. Everything the customer's
//! browser receives is built on the server from customer-visible messages only: internal
//! notes, system events, next actions, assignees, agent addresses and other tickets never
//! leave it. The reference server answers from its own store ([`store`]); a gateway reads the
//! upstream helpdesk with its token and filters the same way ([`upstream`]).
//!
//! The API: `GET {link}?page=N&page_size=S` is the ticket and one page of its customer-visible
//! messages, oldest first, with `count`; `POST {link}/messages` takes `{text, html}` (JSON) as
//! the customer's reply; `GET {link}/attachments/{id}` a file of a visible message; errors are
//! `{"detail": …}` (403 an invalid link, 410 an expired one).

pub mod link;
mod store;
pub mod upstream;

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::AppState;

pub use link::link_command;
#[cfg(feature = "fault-switch")]
pub use store::test_routes;

/// Where the customer's API is mounted.
pub const MOUNT: &str = "/portal-api/{link}";

/// Messages per page when the app does not say.
const DEFAULT_PAGE_SIZE: u64 = 50;
/// The most messages one page holds.
const MAX_PAGE_SIZE: u64 = 100;

/// A refusal in the portal's words, which never say what another ticket holds.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    detail: String,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }

    fn invalid() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "This link is not valid. Please use the link from your most recent email.",
        )
    }

    fn expired() -> Self {
        Self::new(
            StatusCode::GONE,
            "This link has expired. Reply to our latest email, or ask us for a new link.",
        )
    }

    fn gone() -> Self {
        Self::new(StatusCode::NOT_FOUND, "This ticket no longer exists.")
    }

    fn unavailable() -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "Your conversation cannot be reached right now. Please try again in a moment.",
        )
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        eprintln!("threadline-server: database: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side.",
        )
    }
}

impl From<crate::error::HttpError> for Refusal {
    fn from(e: crate::error::HttpError) -> Self {
        Self {
            retry_after: e.retry_after(),
            ..Self::new(e.status(), e.message())
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "detail": self.detail }))).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        response
    }
}

/// What a valid link grants: one ticket, by the id the helpdesk gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub org: i64,
    pub ticket: String,
}

/// Checks a link's signature and expiry (cheap, so junk and forgeries are refused before they
/// are counted), then its budget (one per link, like a token). Whether the ticket exists is
/// for the backend to say.
fn admit(state: &AppState, link: &str) -> Result<Grant, Refusal> {
    if !link::well_formed(link) {
        return Err(Refusal::invalid());
    }
    let key = state.link_key();
    let grant = link::verify_with(key, link, crate::clock::now_secs())?;
    state.rate_limit(link, std::time::Instant::now())?;
    Ok(grant)
}

/// The routes over the reference server's own store, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    store::routes()
}

/// The app's configuration for a link: the portal dialect, customer mode, whether the
/// customer can reply here, no token.
fn config_for(state: &AppState, link: &str, can_reply: bool) -> Value {
    json!({
        "dialect": "portal",
        "api_base": format!("/portal-api/{link}"),
        "mode": "customer",
        "can_reply": can_reply,
        "poll_seconds": state.poll_seconds(),
        "undo_seconds": state.undo_seconds(),
        "max_upload_mb": state.max_upload_bytes() / 1_000_000,
    })
}

/// The customer-visible part of a status as Initdesk (and this server's store) keeps it.
pub(crate) fn customer_status(stored: &str) -> &'static str {
    match stored {
        "waiting_associate" => "open",
        "waiting_customer" => "awaiting_your_reply",
        _ => "closed",
    }
}

/// One page of a thread, as the app asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Paging {
    page: u64,
    size: u64,
}

impl Paging {
    fn from_query(q: &HashMap<String, String>) -> Result<Self, Refusal> {
        let number = |name: &str, default: u64, max: u64| match q.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| Refusal::new(StatusCode::BAD_REQUEST, format!("Bad {name}."))),
        };
        Ok(Self {
            page: number("page", 1, crate::MAX_PAGE)?,
            size: number("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?,
        })
    }

    fn offset(self) -> u64 {
        (self.page - 1) * self.size
    }
}

/// The customer's reply from a post: a JSON object (declared as JSON, so no form on another
/// site can make one) with `text` and/or `html` and nothing else; anything else (a note
/// flag, a next action, an assignee, CC) is refused rather than ignored, so a tampered client
/// learns nothing works.
pub struct Reply {
    pub text: String,
    pub html: String,
}

const CUSTOMER_FIELDS: [&str; 2] = ["text", "html"];

fn read_reply(headers: &HeaderMap, body: &[u8]) -> Result<Reply, Refusal> {
    if !crate::refusal::content_type_is(headers, "application/json") {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send your reply as JSON.",
        ));
    }
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Send your reply as a JSON object with its text.",
        ));
    };
    if let Some(other) = fields
        .keys()
        .find(|k| !CUSTOMER_FIELDS.contains(&k.as_str()))
    {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("\"{other}\" cannot be set from the customer's view."),
        ));
    }
    let string = |fields: &Map<String, Value>, key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let reply = Reply {
        text: string(&fields, "text"),
        html: string(&fields, "html"),
    };
    if reply.text.trim().is_empty() && reply.html.trim().is_empty() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Your reply is empty.",
        ));
    }
    Ok(reply)
}

/// The largest reply a customer can send (text and HTML together).
const MAX_REPLY: usize = 1024 * 1024;

/// A request body, read only once the link is admitted, and only up to [`MAX_REPLY`].
async fn read_body(body: axum::body::Body) -> Result<axum::body::Bytes, Refusal> {
    axum::body::to_bytes(body, MAX_REPLY).await.map_err(|_| {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Your reply is too long. Please shorten it and send it again.",
        )
    })
}

/// The answer to `GET {link}`: the ticket, one page, and how many there are.
fn page_document(ticket: Value, messages: Vec<Value>, count: u64) -> Value {
    json!({ "ticket": ticket, "messages": messages, "count": count })
}
