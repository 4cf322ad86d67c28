//! The fault switch (cargo feature `fault-switch`, test builds only): `/__test/faults` arms
//! faults, and a middleware applies them to the next matching requests under `/api/` — an
//! injected error status, a delay, or a connection dropped after the request was handled.
//! It owns the armed faults (a FIFO queue), their JSON API and the middleware; nothing else in
//! the server knows about it, and without the feature none of it is compiled.
//!
//! `POST /__test/faults` with
//! `{"count": N, "kind": "status" | "delay" | "drop_before_store" | "drop_after_store" |
//! "truncate", "status": 500, "retry_after": 3, "html": "<h1>502 Bad Gateway</h1>",
//! "delay_ms": 1500, "method": "POST", "path_contains": "/messages/"}`
//! (`count` defaults to 1; `status`, and optionally `retry_after` and a JSON `body` or an
//! `html` page (as a proxy in front of the helpdesk answers), only with `"status"`;
//! `delay_ms` only with `"delay"`; `method` and `path_contains`, matched against the path and
//! query, are optional filters) arms one fault and answers 201 with it. `GET` lists the armed
//! faults with their `remaining` counts, in order; `DELETE` clears them (204).
//!
//! `GET /__test/requests` counts the requests under `/api/` so far (`{"api_requests": N}`).
//!
//! Each request under `/api/` consumes at most one fault: the first armed one, in arming
//! order, whose filters match it. The fault routes themselves and everything outside `/api/`
//! (the app, `config.json`) are never affected.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Where the fault API is mounted.
pub const PATH: &str = "/__test/faults";
/// Only requests whose path starts with this are ever faulted.
const API_PREFIX: &str = "/api/";
/// The longest delay one may arm (a typo should not hang a test run).
const MAX_DELAY_MS: u64 = 600_000;

/// What happens to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    /// Answer `status` with `body` (default `{"detail": "Injected fault (…)"}`); the handler
    /// does not run.
    Status,
    /// Wait `delay_ms`, then handle the request normally.
    Delay,
    /// Drop the connection unanswered without handling the request (nothing is stored).
    DropBeforeStore,
    /// Handle the request normally (so it is stored), then drop the connection unanswered.
    DropAfterStore,
    /// Handle the request normally, send its status, headers and the first half of its body,
    /// then break the connection.
    Truncate,
}

/// A fault as armed by `POST /__test/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Arm {
    #[serde(default = "one")]
    count: u32,
    kind: Kind,
    status: Option<u16>,
    retry_after: Option<u64>,
    /// The JSON answered with a status fault (e.g. a 400's field errors).
    body: Option<Value>,
    /// An HTML page answered with a status fault instead of JSON.
    html: Option<String>,
    delay_ms: Option<u64>,
    method: Option<String>,
    path_contains: Option<String>,
}

fn one() -> u32 {
    1
}

/// An armed fault, as `GET /__test/faults` lists it.
#[derive(Debug, Clone, Serialize)]
struct Fault {
    kind: Kind,
    remaining: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    method: Option<String>,
    path_contains: Option<String>,
}

impl Fault {
    fn from_arm(a: Arm) -> Result<Fault, String> {
        if a.count == 0 {
            return Err("count must be at least 1".into());
        }
        match a.kind {
            Kind::Status => match a.status {
                None => return Err("kind \"status\" needs \"status\"".into()),
                Some(s) if !(400..=599).contains(&s) => {
                    return Err(format!("status must be 400..=599, not {s}"))
                }
                Some(_) => {}
            },
            _ if a.status.is_some()
                || a.retry_after.is_some()
                || a.body.is_some()
                || a.html.is_some() =>
            {
                return Err(
                    "\"status\", \"retry_after\", \"body\" and \"html\" go with kind \"status\" only"
                        .into(),
                )
            }
            _ => {}
        }
        match (a.kind, a.delay_ms) {
            (Kind::Delay, None) => return Err("kind \"delay\" needs \"delay_ms\"".into()),
            (Kind::Delay, Some(ms)) if ms > MAX_DELAY_MS => {
                return Err(format!("delay_ms must be at most {MAX_DELAY_MS}"))
            }
            (Kind::Delay, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err("\"delay_ms\" goes with kind \"delay\" only".into()),
        }
        if a.body.is_some() && a.html.is_some() {
            return Err("a fault answers \"body\" or \"html\", not both".into());
        }
        Ok(Fault {
            kind: a.kind,
            remaining: a.count,
            status: a.status,
            retry_after: a.retry_after,
            body: a.body,
            html: a.html,
            delay_ms: a.delay_ms,
            method: a.method.map(|m| m.to_ascii_uppercase()),
            path_contains: a.path_contains,
        })
    }

    fn matches(&self, method: &str, path_and_query: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path_and_query.contains(p))
    }
}

/// The armed faults, in arming order, and how many requests under `/api/` came by (what a
/// gateway in front of this server asks of it, for the load run).
#[derive(Clone, Default)]
pub struct Faults(
    Arc<Mutex<VecDeque<Fault>>>,
    Arc<std::sync::atomic::AtomicU64>,
);

impl Faults {
    fn armed(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        // A panic elsewhere while holding the lock cannot leave the queue half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Consumes one count of the first armed fault matching the request.
    fn take(&self, method: &str, path_and_query: &str) -> Option<Fault> {
        let mut armed = self.armed();
        let i = armed
            .iter()
            .position(|f| f.matches(method, path_and_query))?;
        let fault = armed.get_mut(i)?;
        fault.remaining -= 1;
        let taken = fault.clone();
        if taken.remaining == 0 {
            armed.remove(i);
        }
        Some(taken)
    }

    fn list(&self) -> Value {
        json!({ "faults": self.armed().iter().collect::<Vec<_>>() })
    }
}

/// `GET`, `POST` and `DELETE` [`PATH`].
pub fn routes(faults: Faults) -> Router {
    Router::new()
        .route(PATH, get(list).post(arm).delete(clear))
        .route(REQUESTS, get(requests))
        .with_state(faults)
}

/// `GET` answers `{"api_requests": N}`: every request under `/api/` so far.
pub const REQUESTS: &str = "/__test/requests";

async fn requests(State(faults): State<Faults>) -> Json<Value> {
    Json(json!({ "api_requests": faults.1.load(std::sync::atomic::Ordering::Relaxed) }))
}

async fn list(State(faults): State<Faults>) -> Json<Value> {
    Json(faults.list())
}

async fn arm(State(faults): State<Faults>, body: Bytes) -> Response {
    let fault = serde_json::from_slice::<Arm>(&body)
        .map_err(|e| e.to_string())
        .and_then(Fault::from_arm);
    match fault {
        Ok(fault) => {
            faults.armed().push_back(fault.clone());
            (StatusCode::CREATED, Json(json!(fault))).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "detail": e }))).into_response(),
    }
}

async fn clear(State(faults): State<Faults>) -> StatusCode {
    faults.armed().clear();
    StatusCode::NO_CONTENT
}

/// The middleware: applies the first matching armed fault to a request under `/api/`.
pub async fn inject(State(faults): State<Faults>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with(API_PREFIX) {
        return next.run(req).await;
    }
    faults.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path(), |p| p.as_str())
        .to_owned();
    let method = req.method().as_str().to_owned();
    let Some(fault) = faults.take(&method, &target) else {
        return next.run(req).await;
    };
    eprintln!(
        "threadline-server: injected fault {:?} on {method} {target}",
        fault.kind
    );
    match fault.kind {
        Kind::Status => status_response(&fault),
        Kind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(0))).await;
            next.run(req).await
        }
        // A body that fails on its first poll makes hyper abort the connection before the
        // buffered status line is flushed, so the client gets no response at all: a closed
        // connection, as when the network goes away.
        Kind::DropBeforeStore => Response::new(Body::new(FailingBody::new(None))),
        Kind::DropAfterStore => {
            // The handler runs to the end (its transaction is committed); its answer is
            // discarded.
            let _handled = next.run(req).await;
            Response::new(Body::new(FailingBody::new(None)))
        }
        Kind::Truncate => truncated(next.run(req).await).await,
    }
}

/// `response` with only the first half of its body, then a broken connection. The declared
/// length stays, so the client knows the body is incomplete.
async fn truncated(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let mut response = Response::from_parts(parts, Body::new(FailingBody::new(Some(half))));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    response
}

fn status_response(fault: &Fault) -> Response {
    let code = fault.status.unwrap_or(500);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &fault.html {
        Some(page) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page.clone(),
        )
            .into_response(),
        None => {
            let body = fault
                .body
                .clone()
                .unwrap_or_else(|| json!({ "detail": format!("Injected fault ({code})") }));
            (status, Json(body)).into_response()
        }
    };
    if let Some(secs) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A response body that yields `first` (if any), then fails.
struct FailingBody {
    first: Option<Bytes>,
    /// After `first`: a pause, so that hyper flushes what it has before the connection breaks.
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl FailingBody {
    fn new(first: Option<Bytes>) -> Self {
        Self { first, pause: None }
    }
}

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        if let Some(data) = self.first.take() {
            self.pause = Some(Box::pin(tokio::time::sleep(Duration::from_millis(200))));
            return Poll::Ready(Some(Ok(http_body::Frame::data(data))));
        }
        if let Some(pause) = self.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped",
        ))))
    }
}
