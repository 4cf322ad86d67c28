//! `/saved-replies`: the organisation's saved replies. `GET` lists them (by title), `POST`
//! creates one, `PUT /{id}` replaces one, `DELETE /{id}` removes one; each validated by the
//! rules the app shares ([`threadline_core::saved_replies`]) and scoped to the caller's
//! organisation (another organisation's id is simply not found).

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::json;
use threadline_core::saved_replies::{SavedReply, SavedReplyInput};

use super::admission::{Caller, Refused};
use super::OwnApi;
use crate::error::{FieldErrors, HttpError};

/// The most saved replies one organisation keeps (a bound on what one list answer holds).
const MAX_PER_ORG: i64 = 500;

pub(super) async fn list(State(api): State<OwnApi>, request: Request) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    let all = api.app.read(move |conn| all_of(conn, &caller.org)).await?;
    Ok(Json(json!({ "saved_replies": all })).into_response())
}

pub(super) async fn create(
    State(api): State<OwnApi>,
    request: Request,
) -> Result<Response, Refused> {
    let (caller, input) = admitted_input(&api, request).await?;
    let conn = api.app.db()?;
    let count: i64 = conn.query_row(
        "SELECT COUNT(*) FROM saved_replies WHERE org = ?1",
        [&caller.org],
        |r| r.get(0),
    )?;
    if count >= MAX_PER_ORG {
        let mut errors = FieldErrors::default();
        errors.add(
            "non_field_errors",
            format!("An organisation keeps at most {MAX_PER_ORG} saved replies; delete one first."),
        );
        return Err(HttpError::validation(errors).into());
    }
    conn.execute(
        "INSERT INTO saved_replies (org, title, body, next_action, cc, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            caller.org,
            input.title,
            input.body,
            input.next_action,
            cc_json(&input)?,
            crate::clock::now_secs()
        ],
    )?;
    let reply = SavedReply {
        id: conn.last_insert_rowid().to_string(),
        content: input,
    };
    Ok((StatusCode::CREATED, Json(reply)).into_response())
}

pub(super) async fn update(
    State(api): State<OwnApi>,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, Refused> {
    let (caller, input) = admitted_input(&api, request).await?;
    let id = parse_id(&id)?;
    let changed = api.app.db()?.execute(
        "UPDATE saved_replies SET title = ?1, body = ?2, next_action = ?3, cc = ?4,
         updated_at = ?5 WHERE id = ?6 AND org = ?7",
        params![
            input.title,
            input.body,
            input.next_action,
            cc_json(&input)?,
            crate::clock::now_secs(),
            id,
            caller.org
        ],
    )?;
    if changed == 0 {
        return Err(HttpError::not_found().into());
    }
    let reply = SavedReply {
        id: id.to_string(),
        content: input,
    };
    Ok(Json(reply).into_response())
}

pub(super) async fn delete(
    State(api): State<OwnApi>,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    caller.may_write()?;
    let id = parse_id(&id)?;
    let changed = api.app.db()?.execute(
        "DELETE FROM saved_replies WHERE id = ?1 AND org = ?2",
        params![id, caller.org],
    )?;
    if changed == 0 {
        return Err(HttpError::not_found().into());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Admits the caller on the headers, then reads and validates the JSON body.
async fn admitted_input(
    api: &OwnApi,
    request: Request,
) -> Result<(Caller, SavedReplyInput), Refused> {
    let (parts, body) = request.into_parts();
    let caller = api.admit(&parts.headers)?;
    caller.may_write()?;
    let input: SavedReplyInput = super::json_after_admission(&parts.headers, body).await?;
    let input = input.validate().map_err(|problems| {
        let mut errors = FieldErrors::default();
        for problem in problems {
            errors.add(problem.field, problem.message);
        }
        HttpError::validation(errors)
    })?;
    Ok((caller, input))
}

fn all_of(conn: &Connection, org: &str) -> Result<Vec<SavedReply>, HttpError> {
    let mut statement = conn.prepare(
        "SELECT id, title, body, next_action, cc FROM saved_replies WHERE org = ?1
         ORDER BY title COLLATE NOCASE, id",
    )?;
    let rows = statement.query_map([org], |r| {
        Ok(SavedReply {
            id: r.get::<_, i64>(0)?.to_string(),
            content: SavedReplyInput {
                title: r.get(1)?,
                body: r.get(2)?,
                next_action: r.get(3)?,
                cc: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn cc_json(input: &SavedReplyInput) -> Result<String, HttpError> {
    serde_json::to_string(&input.cc).map_err(|e| HttpError::internal("saved reply cc", e))
}

/// An id as this store makes them; anything else is no saved reply.
fn parse_id(id: &str) -> Result<i64, HttpError> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(HttpError::not_found)
}
