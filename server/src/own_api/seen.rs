//! `/seen/{ticket}`: the newest message the calling agent has seen on a ticket, so that "New
//! since your last visit" follows the agent from browser to browser. `GET` is
//! `{"mark": {"id": "…", "at": "…"}}` (`{"mark": null}` before any); `PUT {"id", "at"}` moves
//! the mark forward — never back: a mark older than the one kept (another browser saw further)
//! leaves it — and answers as `GET` does. An agent keeps the marks of their latest
//! [`MAX_PER_AGENT`] tickets.

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use threadline_core::time::parse_rfc3339_millis;

use super::admission::Refused;
use super::OwnApi;
use crate::error::{FieldErrors, HttpError};

/// The most tickets whose marks one agent keeps; the longest unvisited go first.
const MAX_PER_AGENT: i64 = 5_000;
/// The longest ticket or message id taken.
const MAX_ID: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Mark {
    id: String,
    at: String,
}

#[derive(Serialize)]
struct Answer {
    mark: Option<Mark>,
}

pub(super) async fn read(
    State(api): State<OwnApi>,
    Path(ticket): Path<String>,
    request: Request,
) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    check_ticket(&ticket)?;
    let (org, agent) = (caller.org, caller.agent);
    let mark = api
        .app
        .read(move |conn| -> Result<_, Refused> { Ok(stored(conn, &org, &agent, &ticket)?) })
        .await?;
    Ok(Json(Answer { mark }).into_response())
}

pub(super) async fn write(
    State(api): State<OwnApi>,
    Path(ticket): Path<String>,
    request: Request,
) -> Result<Response, Refused> {
    let (parts, body) = request.into_parts();
    let caller = api.admit(&parts.headers)?;
    check_ticket(&ticket)?;
    let mark: Mark = super::json_after_admission(&parts.headers, body).await?;
    let mut errors = FieldErrors::default();
    if mark.id.trim().is_empty() || mark.id.len() > MAX_ID {
        errors.add("id", format!("A message id of 1 to {MAX_ID} characters."));
    }
    let Some(at) = parse_rfc3339_millis(&mark.at) else {
        errors.add("at", "This is not an RFC 3339 time.");
        return Err(HttpError::validation(errors).into());
    };
    errors.into_result()?;
    let conn = api.app.db()?;
    let kept = stored(&conn, &caller.org, &caller.agent, &ticket)?;
    let newer = kept
        .as_ref()
        .and_then(|k| parse_rfc3339_millis(&k.at))
        .is_none_or(|kept_at| at >= kept_at);
    if newer {
        conn.execute(
            "INSERT INTO seen_marks (org, agent, ticket, message_id, at, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (org, agent, ticket) DO UPDATE SET
               message_id = excluded.message_id, at = excluded.at, updated = excluded.updated",
            params![
                caller.org,
                caller.agent,
                ticket,
                mark.id,
                mark.at,
                crate::clock::now_secs()
            ],
        )?;
        conn.execute(
            "DELETE FROM seen_marks WHERE org = ?1 AND agent = ?2 AND ticket NOT IN (
               SELECT ticket FROM seen_marks WHERE org = ?1 AND agent = ?2
               ORDER BY updated DESC, rowid DESC LIMIT ?3)",
            params![caller.org, caller.agent, MAX_PER_AGENT],
        )?;
    }
    let mark = stored(&conn, &caller.org, &caller.agent, &ticket)?;
    Ok(Json(Answer { mark }).into_response())
}

fn check_ticket(ticket: &str) -> Result<(), HttpError> {
    if ticket.is_empty() || ticket.len() > MAX_ID {
        return Err(HttpError::not_found());
    }
    Ok(())
}

fn stored(
    conn: &Connection,
    org: &str,
    agent: &str,
    ticket: &str,
) -> Result<Option<Mark>, HttpError> {
    Ok(conn
        .query_row(
            "SELECT message_id, at FROM seen_marks WHERE org = ?1 AND agent = ?2 AND ticket = ?3",
            params![org, agent, ticket],
            |r| {
                Ok(Mark {
                    id: r.get(0)?,
                    at: r.get(1)?,
                })
            },
        )
        .optional()?)
}
