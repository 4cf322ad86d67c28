//! The Initdesk API surface of the reference server, exactly as docs/api/CONTRACT.md
//! describes it: token auth, organisation scoping, DRF pagination and errors, the message
//! endpoint's next-action, assignee and CC rules, attachments, users and rate limiting.

pub(crate) mod create;
mod repr;
pub(crate) mod upload;

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::error::HttpError;
use crate::AppState;

/// Where this surface is mounted; also the root of the links in its answers (`next`,
/// `download_url`), relative to this server and never built from the request's `Host` or
/// `X-Forwarded-Proto`, which a client chooses.
pub const MOUNT: &str = "/api/initdesk";
/// The token header.
pub const TOKEN_HEADER: &str = "x-initdesk-token";

/// The routes, relative to [`MOUNT`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations/{org}/", get(organization))
        .route("/organizations/{org}/tickets/", get(list_tickets))
        .route("/organizations/{org}/tickets/{ticket}/", get(get_ticket))
        .route(
            "/organizations/{org}/tickets/{ticket}/unassign/",
            post(unassign),
        )
        .route(
            "/organizations/{org}/tickets/{ticket}/messages/",
            get(list_messages).post(create::create_message),
        )
        .route(
            "/organizations/{org}/attachments/",
            // The size limit is ours to enforce with a clear message, not the framework's.
            post(upload::upload).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/organizations/{org}/attachments/{attachment}/download/",
            get(upload::download),
        )
        .route("/organizations/{org}/users/", get(users))
        .fallback(|| async { HttpError::not_found() })
}

/// Who is calling: the token's organisation and user.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub org_id: i64,
    pub user_id: i64,
}

/// Rate-limits by token, then checks the token and that it belongs to the path's organisation.
pub fn authorize(state: &AppState, headers: &HeaderMap, org: &str) -> Result<Caller, HttpError> {
    let Some(token) = headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
    else {
        return Err(HttpError::unauthorized(
            "Authentication credentials were not provided.",
        ));
    };
    // Junk is refused before it is counted: only what could be a token takes a place in
    // the rate limiter's table.
    if !crate::ratelimit::well_formed(token) {
        return Err(HttpError::unauthorized("Invalid token."));
    }
    state.rate_limit(token, Instant::now())?;
    let conn = state.db()?;
    let found: Option<(i64, i64, bool)> = conn
        .query_row(
            "SELECT org_id, user_id, is_active FROM tokens WHERE token = ?1",
            [token],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((org_id, user_id, true)) = found else {
        return Err(HttpError::unauthorized("Invalid token."));
    };
    if org.parse::<i64>().ok() != Some(org_id) {
        return Err(HttpError::forbidden());
    }
    Ok(Caller { org_id, user_id })
}

/// The ticket's id if it exists in the caller's organisation, else 404.
pub fn ticket_in_org(conn: &Connection, caller: Caller, ticket: &str) -> Result<i64, HttpError> {
    let id: i64 = ticket.parse().map_err(|_| HttpError::not_found())?;
    conn.query_row(
        "SELECT id FROM tickets WHERE id = ?1 AND org_id = ?2",
        params![id, caller.org_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(HttpError::not_found)
}

/// Authorises the caller and finds the path's ticket in their organisation.
fn open_ticket<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    org: &str,
    ticket: &str,
) -> Result<(Caller, std::sync::MutexGuard<'a, Connection>, i64), HttpError> {
    let caller = authorize(state, headers, org)?;
    let conn = state.db()?;
    let id = ticket_in_org(&conn, caller, ticket)?;
    Ok((caller, conn, id))
}

/// DRF page-number pagination parameters.
struct Paging {
    page: u64,
    size: u64,
}

impl Paging {
    fn from_query(q: &HashMap<String, String>, default_size: u64) -> Result<Self, HttpError> {
        let page = match q.get("page") {
            None => 1,
            Some(p) => p
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=crate::MAX_PAGE).contains(p))
                .ok_or_else(HttpError::invalid_page)?,
        };
        // DRF ignores a bad page_size and caps a large one.
        let size = q
            .get("page_size")
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s >= 1)
            .unwrap_or(default_size);
        Ok(Self {
            page,
            size: size.min(100),
        })
    }

    fn offset(&self) -> u64 {
        (self.page - 1) * self.size
    }

    /// The page envelope; a page past the end (other than the first) is a 404, as in DRF.
    fn envelope(&self, count: u64, results: Vec<Value>, url: &str) -> Result<Value, HttpError> {
        if self.page > 1 && self.offset() >= count {
            return Err(HttpError::invalid_page());
        }
        let link = |p: u64| json!(format!("{url}?page={p}&page_size={}", self.size));
        let next = if self.offset() + self.size < count {
            link(self.page + 1)
        } else {
            Value::Null
        };
        let previous = if self.page > 1 {
            link(self.page - 1)
        } else {
            Value::Null
        };
        Ok(json!({ "count": count, "next": next, "previous": previous, "results": results }))
    }
}

async fn organization(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let caller = authorize(&state, &headers, &org)?;
    let conn = state.db()?;
    Ok(Json(repr::organization(&conn, caller.org_id)?))
}

async fn list_tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, HttpError> {
    let caller = authorize(&state, &headers, &org)?;
    let paging = Paging::from_query(&q, 25)?;
    let root = MOUNT;
    let conn = state.db()?;
    let count: u64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE org_id = ?1",
        [caller.org_id],
        |r| r.get(0),
    )?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM tickets WHERE org_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2 OFFSET ?3")?
        .query_map(params![caller.org_id, paging.size, paging.offset()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let results = ids
        .into_iter()
        .map(|id| repr::ticket(&conn, root, id))
        .collect::<Result<Vec<_>, _>>()?;
    let url = format!("{root}/organizations/{}/tickets/", caller.org_id);
    Ok(Json(paging.envelope(count, results, &url)?))
}

async fn get_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((org, ticket)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let (_, conn, id) = open_ticket(&state, &headers, &org, &ticket)?;
    Ok(Json(repr::ticket(&conn, MOUNT, id)?))
}

async fn unassign(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((org, ticket)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let (_, conn, id) = open_ticket(&state, &headers, &org, &ticket)?;
    conn.execute(
        "UPDATE tickets SET assignee_id = NULL, updated_at = ?2 WHERE id = ?1",
        params![id, crate::clock::now()],
    )?;
    Ok(Json(repr::ticket(&conn, MOUNT, id)?))
}

async fn list_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((org, ticket)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, HttpError> {
    let paging = Paging::from_query(&q, 50)?;
    let root = MOUNT;
    let (caller, conn, id) = open_ticket(&state, &headers, &org, &ticket)?;
    let count: u64 = conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE ticket_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM messages WHERE ticket_id = ?1 ORDER BY created_at, id LIMIT ?2 OFFSET ?3")?
        .query_map(params![id, paging.size, paging.offset()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let results = ids
        .into_iter()
        .map(|m| repr::message(&conn, root, m))
        .collect::<Result<Vec<_>, _>>()?;
    let url = format!(
        "{root}/organizations/{}/tickets/{id}/messages/",
        caller.org_id
    );
    Ok(Json(paging.envelope(count, results, &url)?))
}

async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let caller = authorize(&state, &headers, &org)?;
    let conn = state.db()?;
    let users: Vec<Value> = conn
        .prepare("SELECT id, email, name FROM users WHERE org_id = ?1 ORDER BY name, id")?
        .query_map([caller.org_id], |r| {
            Ok(json!({ "id": r.get::<_, i64>(0)?, "email": r.get::<_, String>(1)?, "name": r.get::<_, String>(2)? }))
        })?
        .collect::<Result<_, _>>()?;
    Ok((StatusCode::OK, Json(Value::Array(users))))
}
