//! The customer's view over the reference server's own store (demo mode): the ticket and its
//! customer-visible messages read with SQL, one page at a time, and the customer's reply
//! stored as the ticket customer's message.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::{admit, config_for, customer_status, page_document, read_reply, Paging, Refusal};
use crate::AppState;

/// The routes, relative to [`super::MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(conversation))
        .route("/config.json", get(config_json))
        .route("/messages", post(reply))
        .route("/attachments/{id}", get(download))
        .fallback(|| async { Refusal::new(StatusCode::NOT_FOUND, "Not found.") })
}

/// What a link grants in this store, whose tickets are numbered.
#[derive(Debug, Clone, Copy)]
struct Local {
    org: i64,
    ticket: i64,
}

/// A valid link to a ticket that is still in this store.
fn grant(state: &AppState, link: &str) -> Result<Local, Refusal> {
    let grant = admit(state, link)?;
    let ticket = grant.ticket.parse::<i64>().map_err(|_| Refusal::gone())?;
    let conn = state.db()?;
    let exists: Option<i64> = conn
        .query_row(
            "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
            params![ticket, grant.org],
            |r| r.get(0),
        )
        .optional()?;
    exists
        .map(|_| Local {
            org: grant.org,
            ticket,
        })
        .ok_or_else(Refusal::gone)
}

async fn config_json(
    State(state): State<AppState>,
    Path(link): Path<String>,
) -> Result<Json<Value>, Refusal> {
    grant(&state, &link)?;
    Ok(Json(config_for(&state, &link, true)))
}

/// The ticket, one page of its customer-visible messages (oldest first) and their count;
/// the lock is held for one page's queries, whatever the thread's length.
fn conversation_json(conn: &Connection, grant: Local, paging: Paging) -> Result<Value, Refusal> {
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
    let visible = "ticket_id = ?1 AND is_visible_to_customer = 1 AND role != 'system'";
    let count: u64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM messages WHERE {visible}"),
        [grant.ticket],
        |r| r.get(0),
    )?;
    if paging.page > 1 && paging.offset() >= count {
        return Err(Refusal::new(StatusCode::NOT_FOUND, "Invalid page."));
    }
    let ids: Vec<i64> = conn
        .prepare(&format!(
            "SELECT id FROM messages WHERE {visible} ORDER BY created_at, id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(
            params![grant.ticket, paging.size as i64, paging.offset() as i64],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let messages = ids
        .into_iter()
        .map(|id| message_json(conn, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_document(ticket, messages, count))
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
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &link)?;
    let paging = Paging::from_query(&q)?;
    let mut body = {
        let conn = state.db()?;
        conversation_json(&conn, grant, paging)?
    };
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

/// The customer's reply, stored as the ticket customer's message (once per idempotency key).
async fn reply(
    State(state): State<AppState>,
    Path(link): Path<String>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let grant = grant(&state, &link)?;
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let super::Reply { text, html } = read_reply(&headers, &super::read_body(body).await?)?;
    let mut conn = state.db()?;
    let key = crate::db::idempotency_key(&headers)?
        .map(|k| crate::db::scoped_key("portal", grant.ticket, &k));
    if let Some(key) = &key {
        if let Some(id) = crate::db::message_for_key(&conn, grant.org, key)? {
            return Ok((StatusCode::CREATED, Json(message_json(&conn, id)?)));
        }
    }
    let tx = conn.transaction()?;
    let id = crate::initdesk::create::store_customer_message(&tx, grant.ticket, &text, &html)?;
    if let Some(key) = &key {
        crate::db::remember_key(&tx, grant.org, key, id)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(message_json(&conn, id)?)))
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

/// `GET /__test/portal-link/{ticket}?ttl=SECONDS[&org=ID]`: a link for the end-to-end tests
/// (test builds only, with the fault switch), which cannot run the `link` command on their
/// server. A gateway's tickets live upstream: `org` names their organisation.
#[cfg(feature = "fault-switch")]
pub fn test_routes() -> Router<AppState> {
    async fn issue_for_test(
        State(state): State<AppState>,
        Path(ticket): Path<String>,
        axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, i64>>,
    ) -> Result<Json<Value>, Refusal> {
        // This store's tickets are numbered; a gateway's may be any id (`tkt_2`).
        let local: Option<i64> = match ticket.parse::<i64>() {
            Ok(number) => state
                .db()?
                .query_row("SELECT org_id FROM tickets WHERE id = ?1", [number], |r| {
                    r.get(0)
                })
                .optional()?,
            Err(_) => None,
        };
        let org = local
            .or_else(|| q.get("org").copied())
            .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "no such ticket"))?;
        let ttl = q.get("ttl").copied().unwrap_or(3_600);
        let link = super::link::issue_with(
            state.link_key(),
            org,
            &ticket,
            crate::clock::now_secs().saturating_add(ttl),
        )
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e))?;
        Ok(Json(
            json!({ "link": link, "url": format!("/portal/{link}") }),
        ))
    }
    Router::new().route("/__test/portal-link/{ticket}", get(issue_for_test))
}
