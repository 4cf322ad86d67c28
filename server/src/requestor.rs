//! The Requestor API surface of the reference server (docs/api/requestor.md, docs/api/CONTRACT.md):
//! `GET Tickets/GetTicket/{id}` with the ticket's `Messages`, and `POST Tickets/NewMessage`
//! for comments, private messages and emailed replies (From an existing mailbox, CC, BCC).
//! ASP.NET's error shape, `{"Message": "…"}`. Auth: `X-Requestor-Key` (the documentation
//! names none; the client's header is configurable). Same SQLite store as the other surfaces.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use threadline_core::email::is_valid_email;

use crate::AppState;

/// Where this surface is mounted (the real API lives under `/api`).
pub const MOUNT: &str = "/api/requestor/api";
/// The header carrying the key.
pub const KEY_HEADER: &str = "x-requestor-key";

/// The routes, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/Tickets/GetTicket/{id}", get(get_ticket))
        .route("/Tickets/NewMessage", post(new_message))
        .fallback(|| async {
            Failure::new(
                StatusCode::NOT_FOUND,
                "No HTTP resource was found that matches the request URI.",
            )
        })
}

/// An error in ASP.NET Web API's shape.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        eprintln!("threadline-server: database: {e}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "An error has occurred.")
    }
}

impl From<crate::error::HttpError> for Failure {
    fn from(e: crate::error::HttpError) -> Self {
        let mut f = match e.retry_after() {
            Some(_) => Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests."),
            None => Self::new(StatusCode::INTERNAL_SERVER_ERROR, "An error has occurred."),
        };
        f.retry_after = e.retry_after();
        f
    }
}

/// A framework refusal (body too large, wrong method) in this surface's shape.
pub(crate) fn framework_error(status: StatusCode, message: &str) -> Response {
    Failure::new(status, message).into_response()
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "Message": self.message }))).into_response();
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
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Caller, Failure> {
    let denied = || {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request.",
        )
    };
    let key = headers
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| crate::ratelimit::well_formed(k))
        .ok_or_else(denied)?;
    state.rate_limit(key, Instant::now())?;
    let conn = state.db()?;
    conn.query_row(
        "SELECT org_id, user_id FROM requestor_keys WHERE key = ?1",
        [key],
        |r| {
            Ok(Caller {
                org_id: r.get(0)?,
                user_id: r.get(1)?,
            })
        },
    )
    .optional()?
    .ok_or_else(denied)
}

/// `REQ-000012` for the ticket numbered 12.
fn ticket_ref(public_id: i64) -> String {
    format!("REQ-{public_id:06}")
}

/// A ticket by its id (`12`) or reference (`REQ-000012`), in the caller's organisation.
fn find_ticket(conn: &Connection, caller: Caller, id: &str) -> Result<i64, Failure> {
    let missing = || Failure::new(StatusCode::NOT_FOUND, format!("Ticket {id} was not found."));
    let found = if let Ok(n) = id.parse::<i64>() {
        conn.query_row(
            "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
            params![n, caller.org_id],
            |r| r.get(0),
        )
        .optional()?
    } else {
        match id.strip_prefix("REQ-").and_then(|n| n.parse::<i64>().ok()) {
            Some(public_id) => conn
                .query_row(
                    "SELECT id FROM tickets WHERE public_id = ?1 AND org_id = ?2",
                    params![public_id, caller.org_id],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        }
    };
    found.ok_or_else(missing)
}

/// The mailboxes replies may be emailed from: each inbox at the organisation's domain.
pub fn mailboxes(conn: &Connection, org_id: i64) -> rusqlite::Result<Vec<String>> {
    let domain: String = conn.query_row(
        "SELECT support_email FROM organizations WHERE id = ?1",
        [org_id],
        |r| r.get(0),
    )?;
    let domain = domain
        .split_once('@')
        .map_or(domain.clone(), |(_, d)| d.to_owned());
    conn.prepare("SELECT email_prefix FROM inboxes WHERE org_id = ?1 ORDER BY id")?
        .query_map([org_id], |r| {
            Ok(format!("{}@{domain}", r.get::<_, String>(0)?))
        })?
        .collect()
}

fn json_list(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!([]))
}

async fn get_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Failure> {
    let caller = authorize(&state, &headers)?;
    let plain = q
        .get("plainTextOnly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    // The whole thread in one answer (the vendor's shape), read beside the writer.
    let t = state
        .read(move |conn| ticket_with_messages(conn, caller, &id, plain))
        .await?;
    Ok(Json(t))
}

/// The ticket with every message, as GetTicket answers.
fn ticket_with_messages(
    conn: &Connection,
    caller: Caller,
    id: &str,
    plain: bool,
) -> Result<Value, Failure> {
    let ticket = find_ticket(conn, caller, id)?;
    let mut t = conn.query_row(
        "SELECT t.id, t.public_id, t.subject, t.created_at, t.status, c.name, u.id, u.name
           FROM tickets t JOIN customers c ON c.id = t.customer_id
           LEFT JOIN users u ON u.id = t.assignee_id WHERE t.id = ?1",
        [ticket],
        |r| {
            let status: String = r.get(4)?;
            Ok(json!({
                "TicketId": r.get::<_, i64>(0)?,
                "TicketREF": ticket_ref(r.get(1)?),
                "Subject": r.get::<_, String>(2)?,
                "CreatedUTC": r.get::<_, String>(3)?.trim_end_matches('Z').to_owned(),
                "Closed": status.starts_with("closed_"),
                "SubmitterFullName": r.get::<_, String>(5)?,
                "SolverKey": r.get::<_, Option<i64>>(6)?.map(|k| k.to_string()),
                "SolverFullName": r.get::<_, Option<String>>(7)?,
                "IsPrivateMessageSupported": true,
            }))
        },
    )?;
    let messages: Vec<Value> = conn
        .prepare(
            "SELECT m.id, m.content, m.content_html, m.is_visible_to_customer, m.created_at,
                    COALESCE(m.sender_name, ''), e.from_mailbox, e.cc, e.bcc
               FROM messages m LEFT JOIN requestor_emails e ON e.message_id = m.id
              WHERE m.ticket_id = ?1 AND m.role != 'system' ORDER BY m.created_at, m.id",
        )?
        .query_map([ticket], |r| {
            let (text, html): (String, String) = (r.get(1)?, r.get(2)?);
            let is_html = !plain && !html.trim().is_empty();
            let from: Option<String> = r.get(6)?;
            Ok(json!({
                "TicketMessageId": r.get::<_, i64>(0)?,
                "Message": if is_html { html } else { text },
                "Html": is_html,
                "IsPrivate": !r.get::<_, bool>(3)?,
                "CreatedUTC": r.get::<_, String>(4)?.trim_end_matches('Z').to_owned(),
                "AuthorName": r.get::<_, String>(5)?,
                "IsEmail": from.is_some(),
                "EmailFrom": from,
                "EmailCc": json_list(&r.get::<_, Option<String>>(7)?.unwrap_or_default()),
                "EmailBcc": json_list(&r.get::<_, Option<String>>(8)?.unwrap_or_default()),
            }))
        })?
        .collect::<Result<_, _>>()?;
    t["Messages"] = Value::Array(messages);
    Ok(t)
}

/// What `NewMessage` was given, checked.
struct Post {
    ticket: String,
    message: String,
    html: bool,
    private: bool,
    email: Option<(String, Vec<String>, Vec<String>)>,
    /// Ours (docs/api/CONTRACT.md): the message is the ticket submitter's, posted for them.
    as_submitter: bool,
}

fn read_post(conn: &Connection, caller: Caller, body: &[u8]) -> Result<Post, Failure> {
    let Ok(Value::Object(f)) = serde_json::from_slice::<Value>(body) else {
        return Err(Failure::bad(
            "The request is invalid: expected a NewMessagePost object.",
        ));
    };
    let text = |k: &str| {
        f.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let flag = |k: &str| f.get(k).and_then(Value::as_bool).unwrap_or(false);
    let ticket = match (f.get("TicketId").and_then(Value::as_i64), text("TicketREF")) {
        (Some(id), _) => id.to_string(),
        (None, Some(r)) => r.to_owned(),
        (None, None) => return Err(Failure::bad("TicketREF or TicketId is required.")),
    };
    let message = text("Message").ok_or_else(|| Failure::bad("The Message field is required."))?;
    let private = flag("IsPrivate");
    let as_submitter = flag("AsSubmitter");
    if as_submitter && (private || flag("SendViaOutboundEmail")) {
        return Err(Failure::bad(
            "A message in the submitter's name is neither private nor emailed.",
        ));
    }
    let email = if flag("SendViaOutboundEmail") {
        if private {
            return Err(Failure::bad(
                "A private message cannot be sent as an email.",
            ));
        }
        let from = text("SendViaOutboundEmailFrom").ok_or_else(|| {
            Failure::bad("SendViaOutboundEmailFrom is required when SendViaOutboundEmail is true.")
        })?;
        if !mailboxes(conn, caller.org_id)?
            .iter()
            .any(|m| m.eq_ignore_ascii_case(from))
        {
            return Err(Failure::bad(format!(
                "{from} is not an existing mailbox account."
            )));
        }
        let list = |k: &str| -> Result<Vec<String>, Failure> {
            let items = match f.get(k) {
                None | Some(Value::Null) => return Ok(Vec::new()),
                Some(Value::Array(items)) => items,
                Some(_) => {
                    return Err(Failure::bad(format!(
                        "{k} must be a list of email addresses."
                    )))
                }
            };
            items
                .iter()
                .map(|v| match v.as_str().map(str::trim) {
                    Some(a) if is_valid_email(a) => Ok(a.to_owned()),
                    _ => Err(Failure::bad(format!(
                        "{k} holds an invalid email address: {v}."
                    ))),
                })
                .collect()
        };
        Some((
            from.to_owned(),
            list("SendViaOutboundEmailCc")?,
            list("SendViaOutboundEmailBcc")?,
        ))
    } else {
        None
    };
    Ok(Post {
        ticket,
        message: message.to_owned(),
        html: flag("Html"),
        private,
        email,
        as_submitter,
    })
}

async fn new_message(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Json<Value>, Failure> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let caller = authorize(&state, &headers)?;
    // Admitted on its headers; only then is the body read (bounded).
    let body = crate::refusal::body_after_admission(body)
        .await
        .map_err(|status| Failure::new(status, "The request is too large."))?;

    let mut conn = state.db()?;
    let post = read_post(&conn, caller, &body)?;
    let ticket = find_ticket(&conn, caller, &post.ticket)?;
    let (text, html) = if post.html {
        (String::new(), post.message)
    } else {
        (post.message, String::new())
    };
    let now = crate::clock::now();
    let cc = post
        .email
        .as_ref()
        .map(|(_, cc, _)| cc.clone())
        .unwrap_or_default();
    let tx = conn.transaction()?;
    let id = if post.as_submitter {
        crate::initdesk::create::store_customer_message(&tx, ticket, &text, &html)?
    } else {
        tx.execute(
            "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                                   is_visible_to_customer, external_recipient_emails, created_at, updated_at)
             SELECT ?1, 'associate', u.id, u.email, u.name, ?3, ?4, ?5, ?6, ?7, ?7 FROM users u WHERE u.id = ?2",
            params![
                ticket,
                caller.user_id,
                text,
                html,
                !post.private,
                json!(cc).to_string(),
                now
            ],
        )?;
        tx.last_insert_rowid()
    };
    if let Some((from, cc, bcc)) = &post.email {
        tx.execute(
            "INSERT INTO requestor_emails (message_id, from_mailbox, cc, bcc) VALUES (?1, ?2, ?3, ?4)",
            params![id, from, json!(cc).to_string(), json!(bcc).to_string()],
        )?;
    }
    tx.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![ticket, now],
    )?;
    tx.commit()?;
    Ok(Json(json!({ "TicketMessageId": id })))
}
