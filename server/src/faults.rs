//! The fault switch (cargo feature `fault-switch`, test builds only): `/__test/faults` arms
//! faults, and a middleware applies them to the next matching requests under `/api/` — an
//! injected error status, a delay, or a connection dropped after the request was handled.
//! It owns the armed faults (a FIFO queue), their JSON API and the middleware; nothing else in
//! the server knows about it, and without the feature none of it is compiled.
//!
//! `POST /__test/faults` with
//! `{"count": N, "kind": "status" | "delay" | "drop_after_store", "status": 500,
//! "retry_after": 3, "delay_ms": 1500, "method": "POST", "path_contains": "/messages/"}`
//! (`count` defaults to 1; `status`, and optionally `retry_after`, only with `"status"`;
//! `delay_ms` only with `"delay"`; `method` and `path_contains`, matched against the path and
//! query, are optional filters) arms one fault and answers 201 with it. `GET` lists the armed
//! faults with their `remaining` counts, in order; `DELETE` clears them (204).
//!
//! Each request under `/api/` consumes at most one fault: the first armed one, in arming
//! order, whose filters match it. The fault routes themselves and everything outside `/api/`
//! (the app, `config.json`) are never affected.

use std::collections::VecDeque;
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
    /// Handle the request normally (so it is stored), then drop the connection unanswered.
    DropAfterStore,
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
            _ if a.status.is_some() || a.retry_after.is_some() || a.body.is_some() => {
                return Err(
                    "\"status\", \"retry_after\" and \"body\" go with kind \"status\" only".into(),
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
        Ok(Fault {
            kind: a.kind,
            remaining: a.count,
            status: a.status,
            retry_after: a.retry_after,
            body: a.body,
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

/// The armed faults, in arming order.
#[derive(Clone, Default)]
pub struct Faults(Arc<Mutex<VecDeque<Fault>>>);

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
        .with_state(faults)
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
        Kind::DropAfterStore => {
            // The handler runs to the end (its transaction is committed); its answer is
            // discarded. A body that fails on its first poll makes hyper abort the connection
            // before the buffered status line is flushed, so the client gets no response at
            // all: a closed connection, as when the network goes away after sending.
            let _handled = next.run(req).await;
            Response::new(Body::new(FailingBody))
        }
    }
}

fn status_response(fault: &Fault) -> Response {
    let code = fault.status.unwrap_or(500);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = fault
        .body
        .clone()
        .unwrap_or_else(|| json!({ "detail": format!("Injected fault ({code})") }));
    let mut response = (status, Json(body)).into_response();
    if let Some(secs) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A response body that fails at once.
struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped after the request was handled",
        ))))
    }
}
