//! The InboxOps API surface of the reference server (docs/api/inboxops.md and
//! docs/api/CONTRACT.md): `Authorization: Bearer ixk_…` keys with read or read+write scope,
//! `{data}` envelopes, RFC 7807 problem+json errors with a `code`, and only internal notes posted to a
//! ticket. It reads and writes the same SQLite store as the Initdesk surface.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::AppState;

/// Where this surface is mounted (the real API lives under `/api/v1`).
pub const MOUNT: &str = "/api/inboxops/v1";

/// The routes, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list_tickets))
        .route("/tickets/{ticket}", get(get_ticket))
        .route(
            "/tickets/{ticket}/messages",
            get(list_messages).post(add_note),
        )
        .fallback(|| async {
            Problem::new(StatusCode::NOT_FOUND, "not_found", "No such resource.")
        })
}

/// An RFC 7807 problem.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    detail: String,
    details: Vec<Value>,
    retry_after: Option<u64>,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    /// A 400 naming the fields at fault.
    fn invalid(details: Vec<(&str, &str)>) -> Self {
        let mut p = Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The request contains invalid parameters or malformed data.",
        );
        p.details = details
            .into_iter()
            .map(|(field, message)| json!({ "field": field, "message": message }))
            .collect();
        p
    }

    fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "No such ticket.")
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(e: rusqlite::Error) -> Self {
        eprintln!("threadline-server: database: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "A server error occurred.",
        )
    }
}

impl From<crate::error::HttpError> for Problem {
    fn from(e: crate::error::HttpError) -> Self {
        match e.retry_after() {
            Some(secs) => {
                let mut p = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limit_exceeded",
                    "Rate limit exceeded. Please try again later.",
                );
                p.retry_after = Some(secs);
                p
            }
            None => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "A server error occurred.",
            ),
        }
    }
}

/// A framework refusal (body too large, wrong method) in this surface's shape.
pub(crate) fn framework_error(status: StatusCode, message: &str) -> Response {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::BAD_GATEWAY => "bad_gateway",
        _ => "bad_request",
    };
    Problem::new(status, code, message).into_response()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": format!("https://docs.inboxops.app/problems/{}", self.code),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
            "code": self.code,
        });
        if !self.details.is_empty() {
            body["details"] = Value::Array(self.details);
        }
        if let Some(secs) = self.retry_after {
            body["retryAfter"] = json!(secs);
        }
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The key's workspace (organisation), its user and whether it may write.
#[derive(Debug, Clone, Copy)]
struct Caller {
    org_id: i64,
    user_id: i64,
    can_write: bool,
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Caller, Problem> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| crate::ratelimit::well_formed(k))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required. Please provide a valid API token.",
            )
        })?;
    state.rate_limit(key, Instant::now())?;
    let conn = state.db()?;
    let found: Option<(i64, i64, String)> = conn
        .query_row(
            "SELECT org_id, user_id, scope FROM api_keys WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (org_id, user_id, scope) = found.ok_or_else(|| {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid or revoked API key.",
        )
    })?;
    Ok(Caller {
        org_id,
        user_id,
        can_write: scope == "read_write",
    })
}

fn ticket_in_workspace(conn: &Connection, caller: Caller, ticket: &str) -> Result<i64, Problem> {
    let id: i64 = ticket.parse().map_err(|_| Problem::not_found())?;
    conn.query_row(
        "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
        params![id, caller.org_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(Problem::not_found)
}

/// Our statuses in InboxOps' words.
fn status(ours: &str) -> (&'static str, &'static str) {
    match ours {
        "waiting_customer" => ("waiting", "Waiting"),
        "closed_resolved" => ("resolved", "Resolved"),
        s if s.starts_with("closed_") || s == "spam" => ("closed", "Closed"),
        _ => ("open", "Open"),
    }
}

fn ticket(conn: &Connection, id: i64) -> Result<Value, Problem> {
    Ok(conn.query_row(
        "SELECT id, public_id, subject, status, inbox_id, assignee_id, customer_id, created_at, updated_at
           FROM tickets WHERE id = ?1",
        [id],
        |r| {
            let (code, name) = status(&r.get::<_, String>(3)?);
            Ok(json!({
                "id": r.get::<_, i64>(0)?.to_string(),
                "ticket_number": r.get::<_, i64>(1)?,
                "subject": r.get::<_, String>(2)?,
                "status": code,
                "status_name": name,
                "inbox_id": r.get::<_, Option<i64>>(4)?,
                "assignee_id": r.get::<_, Option<i64>>(5)?,
                "contact_id": r.get::<_, i64>(6)?,
                "priority": Value::Null,
                "custom_fields": {},
                "created_at": r.get::<_, String>(7)?,
                "updated_at": r.get::<_, String>(8)?,
            }))
        },
    )?)
}

fn message(conn: &Connection, id: i64) -> Result<Value, Problem> {
    Ok(conn.query_row(
        "SELECT id, role, sender_email, sender_name, content, content_html, is_visible_to_customer,
                external_recipient_emails, created_at
           FROM messages WHERE id = ?1",
        [id],
        |r| {
            let role: String = r.get(1)?;
            let visible: bool = r.get(6)?;
            let cc: Vec<String> =
                serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default();
            Ok(json!({
                "id": r.get::<_, i64>(0)?.to_string(),
                "direction": if role == "customer" || role == "cc" { "inbound" } else { "outbound" },
                "type": if visible { "email" } else { "internal_note" },
                "from_address": r.get::<_, Option<String>>(2)?,
                "from_name": r.get::<_, Option<String>>(3)?,
                "to_addresses": [],
                "cc_addresses": cc,
                "body_text": r.get::<_, String>(4)?,
                "body_html": r.get::<_, String>(5)?,
                "created_at": r.get::<_, String>(8)?,
            }))
        },
    )?)
}

async fn list_tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let caller = authorize(&state, &headers)?;
    let (page, per_page) = paging(&q, 25)?;
    let conn = state.db()?;
    let total: u64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE org_id = ?1",
        [caller.org_id],
        |r| r.get(0),
    )?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM tickets WHERE org_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2 OFFSET ?3")?
        .query_map(params![caller.org_id, per_page, (page - 1) * per_page], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let data = ids
        .into_iter()
        .map(|id| ticket(&conn, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(
        json!({ "data": data, "meta": { "page": page, "per_page": per_page, "total": total } }),
    ))
}

/// `page` (from 1) and `per_page` (at most 100), as the tickets list documents them.
fn paging(q: &HashMap<String, String>, default_per_page: u64) -> Result<(u64, u64), Problem> {
    let number = |name: &str, default: u64| match q.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=crate::MAX_PAGE).contains(n))
            .ok_or_else(|| Problem::invalid(vec![(name, "Must be a positive integer.")])),
    };
    Ok((
        number("page", 1)?,
        number("per_page", default_per_page)?.min(100),
    ))
}

async fn get_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let caller = authorize(&state, &headers)?;
    let conn = state.db()?;
    let id = ticket_in_workspace(&conn, caller, &ticket_id)?;
    let mut data = ticket(&conn, id)?;
    // The documented `include=contact` (the other inclusions are not served).
    if q.get("include")
        .is_some_and(|list| list.split(',').any(|i| i.trim() == "contact"))
    {
        data["contact"] = conn.query_row(
            "SELECT c.id, c.name, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id
              WHERE t.id = ?1",
            [id],
            |r| {
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "name": r.get::<_, String>(1)?,
                    "email": r.get::<_, String>(2)?,
                }))
            },
        )?;
    }
    Ok(Json(json!({ "data": data })))
}

/// The timeline, oldest first, a page at a time (the list's paging, whose documentation is
/// silent for messages: docs/api/CONTRACT.md); system events are not messages in InboxOps.
async fn list_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let caller = authorize(&state, &headers)?;
    let types: Vec<String> = q
        .get("types")
        .map(|t| t.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_else(|| vec!["email".into(), "internal_note".into()]);
    if types.iter().any(|t| t != "email" && t != "internal_note") {
        return Err(Problem::invalid(vec![(
            "types",
            "Allowed values are email and internal_note.",
        )]));
    }
    let (page, per_page) = paging(&q, 50)?;
    let conn = state.db()?;
    let id = ticket_in_workspace(&conn, caller, &ticket_id)?;
    // Which kinds: emails are the customer-visible messages, notes the others.
    let kinds = match (
        types.iter().any(|t| t == "email"),
        types.iter().any(|t| t == "internal_note"),
    ) {
        (true, true) => "",
        (true, false) => " AND is_visible_to_customer = 1",
        _ => " AND is_visible_to_customer = 0",
    };
    let filter = format!("ticket_id = ?1 AND role != 'system'{kinds}");
    let total: u64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM messages WHERE {filter}"),
        [id],
        |r| r.get(0),
    )?;
    let ids: Vec<i64> = conn
        .prepare(&format!(
            "SELECT id FROM messages WHERE {filter} ORDER BY created_at, id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![id, per_page, (page - 1) * per_page], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let data = ids
        .into_iter()
        .map(|m| message(&conn, m))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({
        "data": data,
        "meta": { "page": page, "per_page": per_page, "total": total },
    })))
}

/// Adds an internal note: the only message type the public API accepts.
async fn add_note(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let caller = authorize(&state, &headers)?;
    let body = request.into_body();
    // Admitted on its headers; only then is the body read (bounded).
    let body = crate::refusal::body_after_admission(body)
        .await
        .map_err(|status| Problem::new(status, "payload_too_large", "The request is too large."))?;

    if !caller.can_write {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "This API key is read-only.",
        ));
    }
    let mut conn = state.db()?;
    let ticket = ticket_in_workspace(&conn, caller, &ticket_id)?;
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::trim).unwrap_or_default().to_owned());
    if key
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > 255)
    {
        return Err(Problem::invalid(vec![(
            "Idempotency-Key",
            "Must be 1 to 255 visible characters.",
        )]));
    }
    let key = key.map(|k| crate::db::scoped_key("inboxops", ticket, &k));
    if let Some(key) = &key {
        if let Some(id) = crate::db::message_for_key(&conn, caller.org_id, key)? {
            return Ok((
                StatusCode::CREATED,
                Json(json!({ "data": message(&conn, id)? })),
            ));
        }
    }
    let (text, html) = note_fields(&body)?;
    let now = crate::clock::now();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, created_at, updated_at)
         SELECT ?1, 'associate', u.id, u.email, u.name, ?3, ?4, 0, ?5, ?5 FROM users u WHERE u.id = ?2",
        params![ticket, caller.user_id, text, html, now],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![ticket, now],
    )?;
    if let Some(key) = &key {
        crate::db::remember_key(&tx, caller.org_id, key, id)?;
    }
    tx.commit()?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "data": message(&conn, id)? })),
    ))
}

/// `{type: "internal_note", body_html, body_text}`, with at least one body.
fn note_fields(body: &[u8]) -> Result<(String, String), Problem> {
    let Ok(Value::Object(f)) = serde_json::from_slice::<Value>(body) else {
        return Err(Problem::invalid(vec![("body", "Expected a JSON object.")]));
    };
    let mut details = Vec::new();
    match f.get("type").and_then(Value::as_str) {
        Some("internal_note") => {}
        _ => details.push((
            "type",
            "Must use type: internal_note only. Outbound replies are not supported via the API.",
        )),
    }
    let text = |name: &'static str, details: &mut Vec<(&str, &str)>| match f.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            details.push((name, "Must be a string."));
            String::new()
        }
    };
    let body_text = text("body_text", &mut details);
    let body_html = text("body_html", &mut details);
    if body_text.trim().is_empty() && body_html.trim().is_empty() {
        details.push(("body_text", "A note needs body_text or body_html."));
    }
    if details.is_empty() {
        Ok((body_text, body_html))
    } else {
        Err(Problem::invalid(details))
    }
}
