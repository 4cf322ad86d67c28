//! The Airclou Helpdesk surface of the reference server (docs/api/airclou.md,
//! docs/api/CONTRACT.md): `GET/POST messages`, `GET messages/{id}`, `POST attachments` (and the
//! file's download), `GET v1/tickets` and `v1/tickets/{id}`, over the same SQLite store.
//!
//! Auth: `Authorization: Bearer <session token>`; viewers read, agents also write. The ticket
//! endpoints also need `X-Workspace-Id: ws_<organisation>`. Errors are `{"error": {code,
//! message, status, details}}`. Ids are `tkt_<n>` and `msg_<n>`. Statuses map onto the store's:
//! new/open = waiting on us, pending = waiting on the customer, resolved, and closed (every
//! other closed state, and spam); `closed` is set only by automations, and a closed ticket
//! takes no messages. Beside the documented message fields, `authorName`, `authorEmail` and
//! `sendEmail` are served (our decision: the thread needs names, and tests read the switch).

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use threadline_core::email::is_valid_email;

use crate::initdesk::upload::{file_response, read_file, store_file};
use crate::AppState;

/// Where this surface is mounted (the real API lives at `/helpdesk/api`).
pub const MOUNT: &str = "/api/airclou/helpdesk/api";

/// The routes, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(list_messages).post(create_message))
        .route("/messages/{id}", get(get_message))
        // The upload limit is read_file's (the configured maximum), not axum's 2 MB default.
        .route(
            "/attachments",
            axum::routing::post(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/attachments/{token}", get(download))
        .route("/v1/tickets", get(list_tickets))
        .route("/v1/tickets/{id}", get(get_ticket))
        .fallback(|| async { Failure::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found.") })
}

/// An error in Airclou's envelope.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<Value>,
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{what} not found."),
        )
    }

    /// 422 with `details: {field: [{code, message}]}`.
    fn validation(details: Map<String, Value>) -> Self {
        let mut f = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            "The request is invalid.",
        );
        f.details = Some(Value::Object(details));
        f
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        eprintln!("threadline-server: database: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "Something went wrong.",
        )
    }
}

impl From<crate::error::HttpError> for Failure {
    fn from(e: crate::error::HttpError) -> Self {
        let status = e.status();
        let code = match status {
            StatusCode::TOO_MANY_REQUESTS => "RATE_LIMIT_EXCEEDED",
            StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
            StatusCode::BAD_REQUEST => "BAD_REQUEST",
            _ => "INTERNAL_ERROR",
        };
        let mut f = Self::new(status, code, e.message());
        f.retry_after = e.retry_after();
        f
    }
}

/// A framework refusal (body too large, wrong method) in this surface's shape.
pub(crate) fn framework_error(status: StatusCode, message: &str) -> Response {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::UNAUTHORIZED => "UNAUTHORIZED",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::BAD_GATEWAY => "BAD_GATEWAY",
        _ => "BAD_REQUEST",
    };
    Failure::new(status, code, message).into_response()
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "status": self.status.as_u16(),
        });
        if let Some(details) = self.details {
            error["details"] = details;
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[derive(Debug, Clone, Copy)]
struct Caller {
    org_id: i64,
    user_id: i64,
    can_write: bool,
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Caller, Failure> {
    let denied = || {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "A valid session token is required.",
        )
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| crate::ratelimit::well_formed(t))
        .ok_or_else(denied)?;
    state.rate_limit(token, Instant::now())?;
    let conn = state.db()?;
    conn.query_row(
        "SELECT org_id, user_id, role FROM airclou_sessions WHERE token = ?1",
        [token],
        |r| {
            Ok(Caller {
                org_id: r.get(0)?,
                user_id: r.get(1)?,
                can_write: r.get::<_, String>(2)? == "agent",
            })
        },
    )
    .optional()?
    .ok_or_else(denied)
}

/// The ticket endpoints also need the caller's workspace.
fn check_workspace(conn: &Connection, caller: Caller, headers: &HeaderMap) -> Result<(), Failure> {
    let Some(ws) = headers.get("x-workspace-id").and_then(|v| v.to_str().ok()) else {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "MISSING_WORKSPACE",
            "The X-Workspace-Id header is required.",
        ));
    };
    if ws == workspace_id(conn, caller.org_id)? {
        Ok(())
    } else {
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            "INSUFFICIENT_API_PERMISSION",
            "This token has no access to that workspace.",
        ))
    }
}

/// `ws_<organisation's public id>`.
pub fn workspace_id(conn: &Connection, org_id: i64) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT public_id FROM organizations WHERE id = ?1",
        [org_id],
        |r| Ok(format!("ws_{}", r.get::<_, String>(0)?)),
    )
}

fn ticket_id(raw: &str) -> Option<i64> {
    raw.strip_prefix("tkt_")?.parse().ok()
}

/// A ticket of the caller's organisation, by `tkt_<n>`.
fn find_ticket(conn: &Connection, caller: Caller, raw: &str) -> Result<i64, Failure> {
    ticket_id(raw)
        .map(|id| {
            conn.query_row(
                "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
                params![id, caller.org_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
        })
        .transpose()?
        .flatten()
        .ok_or_else(|| Failure::not_found("Ticket"))
}

/// Airclou's status for a stored one.
fn status_of(stored: &str) -> &'static str {
    match stored {
        "waiting_associate" => "open",
        "waiting_customer" => "pending",
        "closed_resolved" => "resolved",
        _ => "closed",
    }
}

fn ticket_json(conn: &Connection, id: i64) -> Result<Value, Failure> {
    Ok(conn.query_row(
        "SELECT t.id, t.subject, t.status, t.assignee_id, c.email, c.name, t.tags, t.created_at,
                t.updated_at, COALESCE(f.priority, 'normal'), COALESCE(f.type, 'question')
           FROM tickets t JOIN customers c ON c.id = t.customer_id
           LEFT JOIN airclou_ticket_fields f ON f.ticket_id = t.id WHERE t.id = ?1",
        [id],
        |r| {
            Ok(json!({
                "id": format!("tkt_{}", r.get::<_, i64>(0)?),
                "subject": r.get::<_, String>(1)?,
                "status": status_of(&r.get::<_, String>(2)?),
                "assigneeId": r.get::<_, Option<i64>>(3)?.map(|u| format!("usr_{u}")),
                "requesterEmail": r.get::<_, String>(4)?,
                "requesterName": r.get::<_, String>(5)?,
                "tags": serde_json::from_str::<Value>(&r.get::<_, String>(6)?).unwrap_or_else(|_| json!([])),
                "customFields": [],
                "createdAt": r.get::<_, String>(7)?,
                "updatedAt": r.get::<_, String>(8)?,
                "priority": r.get::<_, String>(9)?,
                "type": r.get::<_, String>(10)?,
            }))
        },
    )?)
}

async fn list_tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, Failure> {
    let caller = authorize(&state, &headers)?;
    let conn = state.db()?;
    check_workspace(&conn, caller, &headers)?;
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM tickets WHERE org_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT 100",
        )?
        .query_map([caller.org_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let tickets = ids
        .into_iter()
        .map(|id| ticket_json(&conn, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({
        "tickets": tickets,
        "meta": {"pageSize": 100, "hasMore": false},
        "links": {"next": null},
    })))
}

async fn get_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Failure> {
    let caller = authorize(&state, &headers)?;
    let conn = state.db()?;
    check_workspace(&conn, caller, &headers)?;
    let ticket = find_ticket(&conn, caller, &id)?;
    Ok(Json(json!({ "ticket": ticket_json(&conn, ticket)? })))
}

/// The documented message object (plus `authorName`, `authorEmail`, `sendEmail`).
fn message_json(conn: &Connection, id: i64) -> Result<Value, Failure> {
    let mut m = conn.query_row(
        "SELECT m.id, m.ticket_id, m.role, m.is_visible_to_customer, m.content, m.content_html,
                m.author_id, m.sender_name, m.sender_email, m.external_recipient_emails, m.created_at,
                m.updated_at, a.ccs, a.send_email
           FROM messages m LEFT JOIN airclou_messages a ON a.message_id = m.id WHERE m.id = ?1",
        [id],
        |r| {
            let role: String = r.get(2)?;
            let kind = match (role.as_str(), r.get::<_, bool>(3)?) {
                ("customer" | "cc", _) => "request",
                (_, true) => "response",
                (_, false) => "note",
            };
            let (text, html): (String, String) = (r.get(4)?, r.get(5)?);
            let content = if html.trim().is_empty() {
                threadline_core::html::SafeHtml::from_plain_text(&text)
                    .as_str()
                    .to_owned()
            } else {
                html
            };
            // Named CCs as posted here; else the addresses any surface stored.
            let ccs = match r.get::<_, Option<String>>(12)? {
                Some(named) => serde_json::from_str(&named).unwrap_or_else(|_| json!([])),
                None => {
                    let list: Vec<String> =
                        serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default();
                    Value::Array(list.into_iter().map(|e| json!({ "email": e })).collect())
                }
            };
            Ok(json!({
                "id": format!("msg_{}", r.get::<_, i64>(0)?),
                "ticketId": format!("tkt_{}", r.get::<_, i64>(1)?),
                "type": kind,
                "content": content,
                "textContent": text,
                "authorId": r.get::<_, Option<i64>>(6)?.map(|u| format!("usr_{u}")),
                "authorName": r.get::<_, Option<String>>(7)?,
                "authorEmail": r.get::<_, Option<String>>(8)?,
                "ccs": ccs,
                "createdAt": r.get::<_, String>(10)?,
                "updatedAt": r.get::<_, String>(11)?,
                "sendEmail": r.get::<_, Option<bool>>(13)?,
            }))
        },
    )?;
    let attachments: Vec<Value> = conn
        .prepare("SELECT id, name, size, content_type FROM attachments WHERE message_id = ?1 ORDER BY created_at, id")?
        .query_map([id], |r| {
            let token: String = r.get(0)?;
            Ok(json!({
                "token": token,
                "name": r.get::<_, String>(1)?,
                "size": r.get::<_, i64>(2)?,
                "contentType": r.get::<_, String>(3)?,
                "url": format!("{MOUNT}/attachments/{token}"),
            }))
        })?
        .collect::<Result<_, _>>()?;
    m["attachments"] = Value::Array(attachments);
    Ok(m)
}

fn field_error(details: &mut Map<String, Value>, field: &str, code: &str, message: &str) {
    if let Value::Array(list) = details.entry(field.to_owned()).or_insert_with(|| json!([])) {
        list.push(json!({ "code": code, "message": message }));
    }
}

async fn list_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Failure> {
    let caller = authorize(&state, &headers)?;
    let mut details = Map::new();
    let number = |key: &str, default: i64| match q.get(key) {
        None => Some(default),
        Some(v) => v.parse::<i64>().ok(),
    };
    let page = number("page", 1).filter(|p| (1..=crate::MAX_PAGE as i64).contains(p));
    let limit = number("limit", 50).filter(|l| (1..=100).contains(l));
    if page.is_none() {
        field_error(
            &mut details,
            "page",
            "invalid",
            "page must be a positive integer.",
        );
    }
    if limit.is_none() {
        field_error(
            &mut details,
            "limit",
            "out_of_range",
            "limit must be between 1 and 100.",
        );
    }
    let desc = match q.get("sort_order").map(String::as_str) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            field_error(
                &mut details,
                "sort_order",
                "invalid",
                "sort_order must be asc or desc.",
            );
            false
        }
    };
    let Some(ticket_raw) = q.get("ticket_id") else {
        field_error(
            &mut details,
            "ticket_id",
            "required",
            "ticket_id is required.",
        );
        return Err(Failure::validation(details));
    };
    let (Some(page), Some(limit)) = (page, limit) else {
        return Err(Failure::validation(details));
    };
    if !details.is_empty() {
        return Err(Failure::validation(details));
    }
    let conn = state.db()?;
    let ticket = find_ticket(&conn, caller, ticket_raw)?;
    let total: i64 = conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE ticket_id = ?1 AND role != 'system'",
        [ticket],
        |r| r.get(0),
    )?;
    let order = if desc { "DESC" } else { "ASC" };
    let ids: Vec<i64> = conn
        .prepare(&format!(
            "SELECT id FROM messages WHERE ticket_id = ?1 AND role != 'system'
              ORDER BY created_at {order}, id {order} LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![ticket, limit, (page - 1) * limit], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let messages = ids
        .into_iter()
        .map(|id| message_json(&conn, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({
        "messages": messages,
        "meta": {"page": page, "limit": limit, "total": total, "hasMore": page * limit < total},
    })))
}

async fn get_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Failure> {
    let caller = authorize(&state, &headers)?;
    let conn = state.db()?;
    let found: Option<i64> = match id.strip_prefix("msg_").and_then(|n| n.parse::<i64>().ok()) {
        Some(n) => conn
            .query_row(
                "SELECT m.id FROM messages m JOIN tickets t ON t.id = m.ticket_id
                  WHERE m.id = ?1 AND t.org_id = ?2 AND m.role != 'system'",
                params![n, caller.org_id],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    let id = found.ok_or_else(|| Failure::not_found("Message"))?;
    Ok(Json(message_json(&conn, id)?))
}

/// A message to store, checked.
struct Post {
    ticket: String,
    kind: String,
    content: String,
    text: String,
    ccs: Vec<(String, Option<String>)>,
    attachments: Vec<String>,
    send_email: Option<bool>,
    status: Option<&'static str>,
    priority: Option<String>,
    ticket_type: Option<String>,
}

fn read_post(conn: &Connection, caller: Caller, body: &[u8]) -> Result<Post, Failure> {
    let Ok(Value::Object(f)) = serde_json::from_slice::<Value>(body) else {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "The body must be a JSON object.",
        ));
    };
    let mut details = Map::new();
    let text = |k: &str| {
        f.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let ticket = text("ticket_id");
    if ticket.is_empty() {
        field_error(
            &mut details,
            "ticket_id",
            "required",
            "ticket_id is required.",
        );
    }
    let kind = text("type");
    if !matches!(kind.as_str(), "request" | "response" | "note") {
        field_error(
            &mut details,
            "type",
            "invalid",
            "type must be request, response or note.",
        );
    }
    let content = text("content");
    if content.trim().is_empty() {
        field_error(&mut details, "content", "required", "content is required.");
    }
    let mut ccs = Vec::new();
    match f.get("ccs") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let email = item.get("email").and_then(Value::as_str).map(str::trim);
                match email {
                    Some(e) if is_valid_email(e) => ccs.push((
                        e.to_owned(),
                        item.get("name")
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .map(str::to_owned),
                    )),
                    _ => field_error(
                        &mut details,
                        &format!("ccs[{i}].email"),
                        "invalid_email",
                        "Must be a valid email address.",
                    ),
                }
            }
        }
        Some(_) => field_error(&mut details, "ccs", "invalid", "ccs must be a list."),
    }
    let mut attachments = Vec::new();
    for (i, item) in f
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let token = item
            .get("token")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let unused: Option<Option<i64>> = conn
            .query_row(
                "SELECT message_id FROM attachments WHERE id = ?1 AND org_id = ?2",
                params![token, caller.org_id],
                |r| r.get(0),
            )
            .optional()?;
        match unused {
            Some(None) if !attachments.iter().any(|a| a == token) => {
                attachments.push(token.to_owned());
            }
            Some(None) => {}
            Some(Some(_)) => field_error(
                &mut details,
                &format!("attachments[{i}].token"),
                "already_used",
                "This attachment is already on a message.",
            ),
            None => field_error(
                &mut details,
                &format!("attachments[{i}].token"),
                "not_found",
                "No uploaded attachment has this token.",
            ),
        }
    }
    let send_email = match f.get("send_email") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            field_error(
                &mut details,
                "send_email",
                "invalid",
                "send_email must be a boolean.",
            );
            None
        }
    };
    let update = f.get("ticket_update").and_then(Value::as_object);
    let pick = |k: &str| update.and_then(|u| u.get(k)).and_then(Value::as_str);
    let status = match pick("status") {
        None => None,
        Some("closed") => {
            return Err(Failure::new(
                StatusCode::FORBIDDEN,
                "CLOSED_STATUS_SYSTEM_ONLY",
                "The closed status can only be set by automations.",
            ))
        }
        Some("new" | "open") => Some("waiting_associate"),
        Some("pending") => Some("waiting_customer"),
        Some("resolved") => Some("closed_resolved"),
        Some(_) => {
            field_error(
                &mut details,
                "ticket_update.status",
                "invalid",
                "Unknown status.",
            );
            None
        }
    };
    let priority = pick("priority").map(str::to_owned);
    if priority
        .as_deref()
        .is_some_and(|p| !matches!(p, "low" | "normal" | "high" | "urgent"))
    {
        field_error(
            &mut details,
            "ticket_update.priority",
            "invalid",
            "Unknown priority.",
        );
    }
    let ticket_type = pick("type").map(str::to_owned);
    if ticket_type
        .as_deref()
        .is_some_and(|t| !matches!(t, "question" | "incident" | "problem" | "task"))
    {
        field_error(
            &mut details,
            "ticket_update.type",
            "invalid",
            "Unknown type.",
        );
    }
    if !details.is_empty() {
        return Err(Failure::validation(details));
    }
    Ok(Post {
        ticket,
        text: text("text_content"),
        // A note is never emailed and copies no one.
        ccs: if kind == "note" { Vec::new() } else { ccs },
        send_email: if kind == "response" {
            Some(send_email.unwrap_or(true))
        } else {
            None
        },
        kind,
        content,
        attachments,
        status,
        priority,
        ticket_type,
    })
}

async fn create_message(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Value>), Failure> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let caller = authorize(&state, &headers)?;
    // Admitted on its headers; only then is the body read (bounded).
    let body = crate::refusal::body_after_admission(body)
        .await
        .map_err(|status| Failure::new(status, "PAYLOAD_TOO_LARGE", "The request is too large."))?;

    if !caller.can_write {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "INSUFFICIENT_API_PERMISSION",
            "Viewers cannot add messages; an agent role is needed.",
        ));
    }
    let mut conn = state.db()?;
    let key = crate::db::idempotency_key(&headers)?;
    let post = read_post(&conn, caller, &body)?;
    let ticket = find_ticket(&conn, caller, &post.ticket)?;
    let key = key.map(|k| crate::db::scoped_key("airclou", ticket, &k));
    if let Some(key) = &key {
        if let Some(id) = crate::db::message_for_key(&conn, caller.org_id, key)? {
            return Ok((StatusCode::OK, Json(message_json(&conn, id)?)));
        }
    }
    let status: String =
        conn.query_row("SELECT status FROM tickets WHERE id = ?1", [ticket], |r| {
            r.get(0)
        })?;
    if status_of(&status) == "closed" {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "TICKET_CLOSED",
            "Cannot add messages to closed tickets.",
        ));
    }
    let now = crate::clock::now();
    let tx = conn.transaction()?;
    let emails: Vec<&str> = post.ccs.iter().map(|(e, _)| e.as_str()).collect();
    let named: Vec<Value> = post
        .ccs
        .iter()
        .map(|(email, name)| match name {
            Some(name) => json!({ "email": email, "name": name }),
            None => json!({ "email": email }),
        })
        .collect();
    if post.kind == "request" {
        tx.execute(
            "INSERT INTO messages (ticket_id, role, sender_email, sender_name, content, content_html,
                                   is_visible_to_customer, external_recipient_emails, created_at, updated_at)
             SELECT t.id, 'customer', c.email, c.name, ?2, ?3, 1, ?4, ?5, ?5
               FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
            params![ticket, post.text, post.content, json!(emails).to_string(), now],
        )?;
    } else {
        tx.execute(
            "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                                   is_visible_to_customer, external_recipient_emails, created_at, updated_at)
             SELECT ?1, 'associate', u.id, u.email, u.name, ?3, ?4, ?5, ?6, ?7, ?7 FROM users u WHERE u.id = ?2",
            params![
                ticket,
                caller.user_id,
                post.text,
                post.content,
                post.kind == "response",
                json!(emails).to_string(),
                now
            ],
        )?;
    }
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO airclou_messages (message_id, ccs, send_email) VALUES (?1, ?2, ?3)",
        params![id, Value::Array(named).to_string(), post.send_email],
    )?;
    for token in &post.attachments {
        tx.execute(
            "UPDATE attachments SET message_id = ?1 WHERE id = ?2",
            params![id, token],
        )?;
    }
    if let Some(status) = post.status {
        tx.execute(
            "UPDATE tickets SET status = ?2 WHERE id = ?1",
            params![ticket, status],
        )?;
    }
    if post.priority.is_some() || post.ticket_type.is_some() {
        tx.execute(
            "INSERT INTO airclou_ticket_fields (ticket_id, priority, type) VALUES (?1, COALESCE(?2, 'normal'), COALESCE(?3, 'question'))
             ON CONFLICT (ticket_id) DO UPDATE SET priority = COALESCE(?2, priority), type = COALESCE(?3, type)",
            params![ticket, post.priority, post.ticket_type],
        )?;
    }
    tx.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![ticket, now],
    )?;
    if let Some(key) = &key {
        crate::db::remember_key(&tx, caller.org_id, key, id)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(message_json(&conn, id)?)))
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), Failure> {
    let caller = authorize(&state, &headers)?;
    if !caller.can_write {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "INSUFFICIENT_API_PERMISSION",
            "Viewers cannot upload attachments.",
        ));
    }
    let file = read_file(multipart, state.max_upload_bytes()).await?;
    let conn = state.db()?;
    let token = store_file(&conn, caller.org_id, &file)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "name": file.name, "size": file.bytes.len() })),
    ))
}

async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Failure> {
    let caller = authorize(&state, &headers)?;
    let conn = state.db()?;
    file_response(&conn, caller.org_id, &token)?.ok_or_else(|| Failure::not_found("Attachment"))
}
