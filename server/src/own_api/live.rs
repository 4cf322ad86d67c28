//! `/events?ticket=<id>` and `/presence/{ticket}`: a ticket's event stream (Server-Sent
//! Events: hello, what changed, who is there) and the agent's heartbeat on it
//! (`POST {"tab", "activity", "leaving"}`, answered 204). Both admit the caller before anything
//! else, and see only tickets of the caller's organisation: in demo mode the ticket must be
//! one of the organisation's (whichever surface's name for it is given); behind a gateway
//! the organisation is the gateway's one, and the name must be one an upstream path can take.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::OptionalExtension;
use threadline_core::live::{Beat, MAX_FIELD};

use super::admission::{Caller, Refused};
use super::OwnApi;
use crate::error::{FieldErrors, HttpError};
use crate::live::{self, Note, Refusal};

pub(super) async fn events(
    State(api): State<OwnApi>,
    request: Request,
) -> Result<Response, Refused> {
    let caller = api.admit(request.headers())?;
    let ticket = request
        .uri()
        .query()
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(name, _)| name == "ticket")
                .map(|(_, value)| value.into_owned())
        })
        .ok_or_else(HttpError::not_found)?;
    let topic = api.topic(&caller, &ticket).await?;
    let last = request
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= MAX_FIELD);
    let subscription = api
        .app
        .live()
        .subscribe(&topic, &ticket, &caller.agent, last)
        .map_err(|refusal| match refusal {
            Refusal::Busy => {
                HttpError::unavailable("Too many live streams are open; poll for now.", 30)
            }
            Refusal::Cut => HttpError::unavailable("Live streams are cut for a test.", 1),
        })?;
    let mut response = live::events_body(subscription).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies such as nginx would otherwise hold events back in their buffers.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

pub(super) async fn presence(
    State(api): State<OwnApi>,
    Path(ticket): Path<String>,
    request: Request,
) -> Result<Response, Refused> {
    let (parts, body) = request.into_parts();
    let caller = api.admit(&parts.headers)?;
    let topic = api.topic(&caller, &ticket).await?;
    let beat: Beat = super::json_after_admission(&parts.headers, body).await?;
    if let Some(problem) = beat.problem() {
        let mut errors = FieldErrors::default();
        errors.add("tab", problem);
        return Err(HttpError::validation(errors).into());
    }
    let name = caller.name.clone().unwrap_or_else(|| caller.agent.clone());
    api.app.live().publish(Note::Beat {
        topic,
        agent: caller.agent,
        name: name.chars().take(MAX_FIELD).collect(),
        beat,
    });
    Ok(StatusCode::NO_CONTENT.into_response())
}

impl OwnApi {
    /// The topic of `ticket` for `caller`, or 404 when the caller may not see it.
    async fn topic(&self, caller: &Caller, ticket: &str) -> Result<String, HttpError> {
        if self.gateway.is_some() {
            let fits = (1..=MAX_FIELD).contains(&ticket.len())
                && ticket
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
            return if fits {
                Ok(live::watch::topic(ticket))
            } else {
                Err(HttpError::not_found())
            };
        }
        // Each demo surface names a ticket its own way: 5, tkt_5, REQ-5.
        let id: i64 = ticket
            .strip_prefix("tkt_")
            .or_else(|| ticket.strip_prefix("REQ-"))
            .unwrap_or(ticket)
            .parse()
            .map_err(|_| HttpError::not_found())?;
        let org = caller.org.clone();
        let owned = self
            .app
            .read(move |conn| -> Result<bool, HttpError> {
                let found: Option<i64> = conn
                    .query_row("SELECT org_id FROM tickets WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                Ok(found.is_some_and(|o| format!("org:{o}") == org))
            })
            .await?;
        if owned {
            Ok(live::feed::topic(id))
        } else {
            Err(HttpError::not_found())
        }
    }
}
