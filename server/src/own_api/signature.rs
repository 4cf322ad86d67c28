//! `/signature`: the calling agent's signature (Markdown with placeholders, added below their
//! replies by the app). `GET` is `{"signature": "…"}` (empty when none is set); `PUT` with the
//! same shape replaces it, and an empty one removes it. Both answer with `agent_name` as well,
//! the caller's name where the credential says it.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::admission::Refused;
use super::OwnApi;
use crate::error::{FieldErrors, HttpError};

/// The largest signature, in bytes of UTF-8.
const MAX_BYTES: usize = 10 * 1024;

#[derive(Serialize, Deserialize)]
struct Signature {
    signature: String,
    /// Who it belongs to, where known (the app fills `{{agent.name}}` with it).
    #[serde(default, skip_deserializing)]
    agent_name: Option<String>,
}

pub(super) async fn read(State(api): State<OwnApi>, request: Request) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    let (org, agent) = (caller.org.clone(), caller.agent.clone());
    let signature = api
        .app
        .read(move |conn| -> Result<String, Refused> {
            Ok(conn
                .query_row(
                    "SELECT body FROM signatures WHERE org = ?1 AND agent = ?2",
                    params![org, agent],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default())
        })
        .await?;
    Ok(Json(Signature {
        signature,
        agent_name: caller.name,
    })
    .into_response())
}

pub(super) async fn write(
    State(api): State<OwnApi>,
    request: Request,
) -> Result<Response, Refused> {
    let (parts, body) = request.into_parts();
    let caller = api.admit(&parts.headers)?;
    let Signature { signature, .. } = super::json_after_admission(&parts.headers, body).await?;
    let signature = signature.trim_end().to_owned();
    if signature.len() > MAX_BYTES {
        let mut errors = FieldErrors::default();
        errors.add(
            "signature",
            format!("A signature can be at most {} KB long.", MAX_BYTES / 1024),
        );
        return Err(HttpError::validation(errors).into());
    }
    let conn = api.app.db()?;
    if signature.trim().is_empty() {
        conn.execute(
            "DELETE FROM signatures WHERE org = ?1 AND agent = ?2",
            params![caller.org, caller.agent],
        )?;
    } else {
        conn.execute(
            "INSERT INTO signatures (org, agent, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (org, agent) DO UPDATE SET body = excluded.body",
            params![caller.org, caller.agent, signature],
        )?;
    }
    Ok(Json(Signature {
        signature,
        agent_name: caller.name,
    })
    .into_response())
}
