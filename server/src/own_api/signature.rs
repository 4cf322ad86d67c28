//! `/signature`: the calling agent's signatures (Markdown with placeholders, added below their
//! replies by the app): one for every reply, and one per From mailbox where the helpdesk sends
//! replies from several (Requestor). `GET` is
//! `{"signature": "…", "by_mailbox": {"billing@…": "…"}, "agent_name": "…"}` (empty when none
//! is set; `agent_name` where the credential says it). `PUT {"signature": "…", "mailbox": "…"}`
//! replaces one (no `mailbox`: the one for every reply), and an empty one removes it; it
//! answers as `GET` does.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use threadline_core::email::is_valid_email;

use super::admission::{Caller, Refused};
use super::OwnApi;
use crate::error::{FieldErrors, HttpError};

/// The largest signature, in bytes of UTF-8.
const MAX_BYTES: usize = 10 * 1024;
/// The most signatures one agent keeps (every reply's and one per mailbox).
const MAX_PER_AGENT: i64 = 50;

#[derive(Serialize)]
struct Signatures {
    signature: String,
    by_mailbox: BTreeMap<String, String>,
    /// Who they belong to, where known (the app fills `{{agent.name}}` with it).
    agent_name: Option<String>,
}

#[derive(Deserialize)]
struct Change {
    signature: String,
    #[serde(default)]
    mailbox: Option<String>,
}

pub(super) async fn read(State(api): State<OwnApi>, request: Request) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    let (org, agent) = (caller.org.clone(), caller.agent.clone());
    let all = api
        .app
        .read(move |conn| -> Result<_, Refused> { Ok(stored(conn, &org, &agent)?) })
        .await?;
    Ok(answer(all, caller))
}

pub(super) async fn write(
    State(api): State<OwnApi>,
    request: Request,
) -> Result<Response, Refused> {
    let (parts, body) = request.into_parts();
    let caller = api.admit(&parts.headers)?;
    let change: Change = super::json_after_admission(&parts.headers, body).await?;
    let signature = change.signature.trim_end().to_owned();
    let mailbox = change
        .mailbox
        .map(|m| m.trim().to_lowercase())
        .unwrap_or_default();
    let mut errors = FieldErrors::default();
    if signature.len() > MAX_BYTES {
        errors.add(
            "signature",
            format!("A signature can be at most {} KB long.", MAX_BYTES / 1024),
        );
    }
    if !mailbox.is_empty() && !is_valid_email(&mailbox) {
        errors.add("mailbox", "This is not an email address.");
    }
    errors.into_result()?;
    let conn = api.app.db()?;
    let (count, exists): (i64, bool) = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(mailbox = ?3), 0) > 0 FROM signatures
         WHERE org = ?1 AND agent = ?2",
        params![caller.org, caller.agent, mailbox],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if count >= MAX_PER_AGENT && !exists && !signature.trim().is_empty() {
        let mut errors = FieldErrors::default();
        errors.add(
            "mailbox",
            format!("An agent keeps at most {MAX_PER_AGENT} signatures; remove one first."),
        );
        return Err(HttpError::validation(errors).into());
    }
    if signature.trim().is_empty() {
        conn.execute(
            "DELETE FROM signatures WHERE org = ?1 AND agent = ?2 AND mailbox = ?3",
            params![caller.org, caller.agent, mailbox],
        )?;
    } else {
        conn.execute(
            "INSERT INTO signatures (org, agent, mailbox, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (org, agent, mailbox) DO UPDATE SET body = excluded.body",
            params![caller.org, caller.agent, mailbox, signature],
        )?;
    }
    let all = stored(&conn, &caller.org, &caller.agent)?;
    Ok(answer(all, caller))
}

/// The agent's signatures by mailbox (`""`: every reply's).
fn stored(
    conn: &Connection,
    org: &str,
    agent: &str,
) -> Result<BTreeMap<String, String>, HttpError> {
    let mut statement = conn.prepare(
        "SELECT mailbox, body FROM signatures WHERE org = ?1 AND agent = ?2 ORDER BY mailbox",
    )?;
    let rows = statement.query_map(params![org, agent], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn answer(mut all: BTreeMap<String, String>, caller: Caller) -> Response {
    Json(Signatures {
        signature: all.remove("").unwrap_or_default(),
        by_mailbox: all,
        agent_name: caller.name,
    })
    .into_response()
}
