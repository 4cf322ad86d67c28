//! The customer's own view of one ticket, reached by a signed, expiring link. The link is the
//! whole credential: `v1.<org>.<ticket>.<expires>.<HMAC-SHA256>` under a secret kept in the
//! database, so it names exactly one ticket and cannot be altered or extended. Everything the
//! customer's browser receives is built here from customer-visible messages only: internal
//! notes, system events, next actions, assignees, agent addresses and other tickets never leave
//! the server on this path. Mounted at `/portal-api/{link}`; the page is `/portal/{link}`.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::AppState;

/// Where the customer's API is mounted.
pub const MOUNT: &str = "/portal-api/{link}";
const VERSION: &str = "v1";

type Signer = Hmac<Sha256>;

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

/// The signing secret, made on first use and kept in the database (so links survive restarts
/// and `threadline-server link` signs what the running server accepts).
fn secret(conn: &Connection) -> rusqlite::Result<Vec<u8>> {
    let read = || {
        conn.query_row(
            "SELECT value FROM settings WHERE key = 'portal_link_secret'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()
    };
    // Written once; every later link check only reads it.
    if let Some(value) = read()? {
        return Ok(value.into_bytes());
    }
    let fresh = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES ('portal_link_secret', ?1)",
        [fresh],
    )?;
    // Another writer may have won the race: what is stored is the secret.
    Ok(read()?.unwrap_or_default().into_bytes())
}

/// The HMAC of `payload`; HMAC takes a key of any length, so this fails only on an empty
/// secret, which [`secret`] never makes.
fn signature(secret: &[u8], payload: &str) -> Option<Signer> {
    let mut mac = Signer::new_from_slice(secret).ok()?;
    mac.update(payload.as_bytes());
    Some(mac)
}

/// A link for ticket `ticket` (our id) of organisation `org`, valid until `expires` (seconds
/// since the epoch).
pub fn issue(conn: &Connection, org: i64, ticket: i64, expires: i64) -> Result<String, String> {
    let payload = format!("{VERSION}.{org}.{ticket}.{expires}");
    let key = secret(conn).map_err(|e| format!("cannot read the link secret: {e}"))?;
    let tag = signature(&key, &payload)
        .ok_or("the link secret is empty")?
        .finalize()
        .into_bytes();
    Ok(format!(
        "{payload}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// `threadline-server link TICKET [--ttl 7d] [--db PATH] [--base-url URL]`: prints the
/// customer's link to one ticket (our ticket id), valid for the TTL (`30m`, `12h`, `7d`, or
/// seconds; default 7 days).
pub fn link_command(args: &[String]) -> Result<String, String> {
    const USAGE: &str =
        "usage: threadline-server link TICKET [--ttl 7d] [--db PATH] [--base-url URL]";
    let mut ticket = None;
    let mut ttl = 7 * 86_400;
    let mut db = std::path::PathBuf::from("threadline.sqlite3");
    let mut base = "http://127.0.0.1:8080".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| USAGE.to_owned());
        match arg.as_str() {
            "--ttl" => ttl = parse_ttl(&value()?)?,
            "--db" => db = value()?.into(),
            "--base-url" => base = value()?,
            t if ticket.is_none() && !t.starts_with('-') => {
                ticket = Some(
                    t.parse::<i64>()
                        .map_err(|_| format!("{t:?} is not a ticket id\n{USAGE}"))?,
                )
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let ticket = ticket.ok_or(USAGE)?;
    let conn = crate::db::open(&db, false)
        .map_err(|e| format!("cannot open database {}: {e}", db.display()))?;
    let org: i64 = conn
        .query_row("SELECT org_id FROM tickets WHERE id = ?1", [ticket], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no ticket {ticket} in {}", db.display()))?;
    let link = issue(&conn, org, ticket, crate::clock::now_secs() + ttl)?;
    Ok(format!("{}/portal/{link}", base.trim_end_matches('/')))
}

/// The longest a link may live.
const MAX_TTL: i64 = 366 * 86_400;

/// `30m`, `12h`, `7d` or plain seconds.
fn parse_ttl(text: &str) -> Result<i64, String> {
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: i64 = number
        .parse()
        .map_err(|_| format!("--ttl {text:?}: use 30m, 12h, 7d or seconds"))?;
    let unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(format!("--ttl {text:?}: use 30m, 12h, 7d or seconds")),
    };
    match n.checked_mul(unit) {
        Some(secs) if (1..=MAX_TTL).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "--ttl {text:?}: from 1 second to 366 days (a link is a password: give it an end)"
        )),
    }
}

/// What a valid link grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub org: i64,
    pub ticket: i64,
}

/// Checks a link: its signature (in constant time), then its expiry. A link that does not
/// verify says nothing about why beyond "not valid".
pub fn verify(conn: &Connection, link: &str, now: i64) -> Result<Grant, Refusal> {
    let (payload, tag) = link.rsplit_once('.').ok_or_else(Refusal::invalid)?;
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| Refusal::invalid())?;
    signature(&secret(conn)?, payload)
        .ok_or_else(Refusal::invalid)?
        .verify_slice(&tag)
        .map_err(|_| Refusal::invalid())?;
    let parts: Vec<&str> = payload.split('.').collect();
    let [VERSION, org, ticket, expires] = parts.as_slice() else {
        return Err(Refusal::invalid());
    };
    let number = |s: &str| s.parse::<i64>().map_err(|_| Refusal::invalid());
    let (org, ticket, expires) = (number(org)?, number(ticket)?, number(expires)?);
    if now >= expires {
        return Err(Refusal::new(
            StatusCode::GONE,
            "This link has expired. Reply to our latest email, or ask us for a new link.",
        ));
    }
    let exists: Option<i64> = conn
        .query_row(
            "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
            params![ticket, org],
            |r| r.get(0),
        )
        .optional()?;
    exists
        .map(|_| Grant { org, ticket })
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "This ticket no longer exists."))
}

/// The routes, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(conversation))
        .route("/config.json", get(config_json))
        .route("/messages", post(reply))
        .route("/attachments/{id}", get(download))
        .fallback(|| async { Refusal::new(StatusCode::NOT_FOUND, "Not found.") })
}

/// `GET /__test/portal-link/{ticket}?ttl=SECONDS`: a link for the end-to-end tests (test
/// builds only, with the fault switch), which cannot run the `link` command on their server.
#[cfg(feature = "fault-switch")]
pub fn test_routes() -> Router<AppState> {
    async fn issue_for_test(
        State(state): State<AppState>,
        Path(ticket): Path<i64>,
        axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, i64>>,
    ) -> Result<Json<Value>, Refusal> {
        let conn = state.db()?;
        let org: i64 = conn
            .query_row("SELECT org_id FROM tickets WHERE id = ?1", [ticket], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "no such ticket"))?;
        let ttl = q.get("ttl").copied().unwrap_or(3_600);
        let link = issue(
            &conn,
            org,
            ticket,
            crate::clock::now_secs().saturating_add(ttl),
        )
        .map_err(|e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
        Ok(Json(
            json!({ "link": link, "url": format!("/portal/{link}") }),
        ))
    }
    Router::new().route("/__test/portal-link/{ticket}", get(issue_for_test))
}

/// Whether `link` has the shape [`issue`] gives links (so junk is refused before it is
/// counted or checked).
fn well_formed(link: &str) -> bool {
    (1..=200).contains(&link.len())
        && link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn grant(state: &AppState, link: &str) -> Result<Grant, Refusal> {
    if !well_formed(link) {
        return Err(Refusal::invalid());
    }
    // One budget per link, like a token.
    state.rate_limit(link, Instant::now())?;
    let conn = state.db()?;
    verify(&conn, link, crate::clock::now_secs())
}

/// The app's configuration for this link: the portal dialect, customer mode, no token.
async fn config_json(
    State(state): State<AppState>,
    Path(link): Path<String>,
) -> Result<Json<Value>, Refusal> {
    grant(&state, &link)?;
    Ok(Json(json!({
        "dialect": "portal",
        "api_base": format!("/portal-api/{link}"),
        "mode": "customer",
        "poll_seconds": state.poll_seconds(),
        "undo_seconds": state.undo_seconds(),
        "max_upload_mb": state.max_upload_bytes() / 1_000_000,
    })))
}

/// The customer-visible part of the status.
fn customer_status(stored: &str) -> &'static str {
    match stored {
        "waiting_associate" => "open",
        "waiting_customer" => "awaiting_your_reply",
        _ => "closed",
    }
}

/// The ticket and its customer-visible messages, oldest first.
fn conversation_json(conn: &Connection, grant: Grant) -> Result<Value, Refusal> {
    let ticket = conn.query_row(
        "SELECT t.id, t.public_id, t.subject, t.status, t.created_at, c.name, c.email
           FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
        [grant.ticket],
        |r| {
            Ok(json!({
                "number": r.get::<_, i64>(1)?.to_string(),
                "subject": r.get::<_, String>(2)?,
                "status": customer_status(&r.get::<_, String>(3)?),
                "created_at": r.get::<_, String>(4)?,
                "requester": {"name": r.get::<_, String>(5)?, "email": r.get::<_, String>(6)?},
            }))
        },
    )?;
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM messages WHERE ticket_id = ?1 AND is_visible_to_customer = 1
                AND role != 'system' ORDER BY created_at, id",
        )?
        .query_map([grant.ticket], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let messages = ids
        .into_iter()
        .map(|id| message_json(conn, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "ticket": ticket, "messages": messages }))
}

/// One customer-visible message: an agent by name only, never their address or id.
fn message_json(conn: &Connection, id: i64) -> Result<Value, Refusal> {
    let mut m = conn.query_row(
        "SELECT id, role, sender_name, sender_email, content, content_html, external_recipient_emails,
                created_at
           FROM messages WHERE id = ?1 AND is_visible_to_customer = 1 AND role != 'system'",
        [id],
        |r| {
            let role: String = r.get(1)?;
            let agent = role == "associate";
            Ok(json!({
                "id": r.get::<_, i64>(0)?.to_string(),
                "role": if agent { "agent" } else { role.as_str() },
                "author": {
                    "name": r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    "email": if agent { String::new() } else { r.get::<_, Option<String>>(3)?.unwrap_or_default() },
                },
                "text": r.get::<_, String>(4)?,
                "html": r.get::<_, String>(5)?,
                "cc": serde_json::from_str::<Value>(&r.get::<_, String>(6)?).unwrap_or_else(|_| json!([])),
                "created_at": r.get::<_, String>(7)?,
            }))
        },
    )?;
    let attachments: Vec<Value> = conn
        .prepare("SELECT id, name, size, content_type FROM attachments WHERE message_id = ?1 ORDER BY created_at, id")?
        .query_map([id], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "name": r.get::<_, String>(1)?,
                "size": r.get::<_, i64>(2)?,
                "content_type": r.get::<_, String>(3)?,
            }))
        })?
        .collect::<Result<_, _>>()?;
    m["attachments"] = Value::Array(attachments);
    Ok(m)
}

async fn conversation(
    State(state): State<AppState>,
    Path(link): Path<String>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &link)?;
    let conn = state.db()?;
    let mut body = conversation_json(&conn, grant)?;
    // Attachments are downloaded through this link.
    if let Some(messages) = body["messages"].as_array_mut() {
        for m in messages {
            if let Some(files) = m["attachments"].as_array_mut() {
                for f in files {
                    let id = f["id"].as_str().unwrap_or_default().to_owned();
                    f["download_url"] = json!(format!("/portal-api/{link}/attachments/{id}"));
                }
            }
        }
    }
    Ok(Json(body))
}

/// Fields a customer may send; anything else (a note flag, a next action, an assignee, CC)
/// is refused rather than ignored, so a tampered client learns nothing works.
const CUSTOMER_FIELDS: [&str; 2] = ["text", "html"];

async fn reply(
    State(state): State<AppState>,
    Path(link): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let grant = grant(&state, &link)?;
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
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
    let text = string(&fields, "text");
    let html = string(&fields, "html");
    if text.trim().is_empty() && html.trim().is_empty() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Your reply is empty.",
        ));
    }
    let mut conn = state.db()?;
    let key = crate::db::idempotency_key(&headers)?
        .map(|k| crate::db::scoped_key("portal", grant.ticket, &k));
    if let Some(key) = &key {
        if let Some(id) = crate::db::message_for_key(&conn, grant.org, key)? {
            return Ok((StatusCode::CREATED, Json(message_json(&conn, id)?)));
        }
    }
    let now = crate::clock::now();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO messages (ticket_id, role, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, external_recipient_emails, created_at, updated_at)
         SELECT t.id, 'customer', c.email, c.name, ?2, ?3, 1, '[]', ?4, ?4
           FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
        params![grant.ticket, text, html, now],
    )?;
    let id = tx.last_insert_rowid();
    // The customer wrote: the ticket waits on the team again (spam stays spam).
    tx.execute(
        "UPDATE tickets SET status = CASE WHEN status = 'spam' THEN status ELSE 'waiting_associate' END,
                            updated_at = ?2 WHERE id = ?1",
        params![grant.ticket, now],
    )?;
    if let Some(key) = &key {
        crate::db::remember_key(&tx, grant.org, key, id)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(message_json(&conn, id)?)))
}

fn string(fields: &Map<String, Value>, key: &str) -> String {
    fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A file of a customer-visible message of this ticket, and nothing else.
async fn download(
    State(state): State<AppState>,
    Path((link, id)): Path<(String, String)>,
) -> Result<Response, Refusal> {
    let grant = grant(&state, &link)?;
    let conn = state.db()?;
    let visible: Option<i64> = conn
        .query_row(
            "SELECT a.message_id FROM attachments a JOIN messages m ON m.id = a.message_id
              WHERE a.id = ?1 AND m.ticket_id = ?2 AND m.is_visible_to_customer = 1",
            params![id, grant.ticket],
            |r| r.get(0),
        )
        .optional()?;
    if visible.is_none() {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "This file is not available.",
        ));
    }
    crate::initdesk::upload::file_response(&conn, grant.org, &id)?
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "This file is not available."))
}

#[cfg(test)]
mod tests {
    use super::{parse_ttl, MAX_TTL};

    #[test]
    fn ttls_read_as_people_write_them() {
        assert_eq!(parse_ttl("7d"), Ok(604_800));
        assert_eq!(parse_ttl("12h"), Ok(43_200));
        assert_eq!(parse_ttl("30m"), Ok(1_800));
        assert_eq!(parse_ttl("90"), Ok(90));
        assert!(parse_ttl("soon").is_err() && parse_ttl("3w").is_err());
        for absurd in [
            "9223372036854775807",
            "106751991167301d",
            "0",
            "-5m",
            "367d",
        ] {
            assert!(parse_ttl(absurd).is_err(), "{absurd}");
        }
        assert_eq!(parse_ttl("366d"), Ok(MAX_TTL));
    }
}
