//! The customer's view through the gateway: the ticket and one page of its messages read from
//! the upstream Initdesk with the organisation's token, and only what the customer may see
//! passed on (customer-visible, not system events; an agent by name only; no next action,
//! assignee or note). Pages are the upstream's, always [`PAGE`] messages wide whatever size the
//! client asks for, and `count` is rounded up to whole pages: what leaves the server about
//! hidden messages is at most how many of a page's 50 places they took, never their text,
//! author or time. Files are served only through tags the gateway gave
//! out with visible messages, and the customer's reply goes upstream in the customer's name
//! (docs/api/CONTRACT.md, "Messages in the customer's name").

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::link::{file_tag, file_tag_matches, upstream_key};
use super::{
    admit, config_for, customer_status, page_document, read_body, read_reply, Grant, Paging,
    Refusal,
};
use crate::gateway::Upstream;
use crate::AppState;

/// The routes, relative to [`super::MOUNT`], reading from `upstream`.
pub fn routes(upstream: Upstream) -> Router<AppState> {
    Router::new()
        .route("/", get(conversation))
        .route("/config.json", get(config_json))
        .route("/messages", post(reply))
        .route("/attachments/{file}", get(download))
        .fallback(|| async { Refusal::new(StatusCode::NOT_FOUND, "Not found.") })
        .layer(Extension(upstream))
}

/// A valid link of the organisation this gateway serves.
fn grant(state: &AppState, upstream: &Upstream, link: &str) -> Result<Grant, Refusal> {
    let grant = admit(state, link)?;
    if grant.org.to_string() != upstream.organization_id() {
        return Err(Refusal::invalid());
    }
    Ok(grant)
}

/// What an upstream failure means to the customer.
fn refusal_of(status: reqwest::StatusCode, retry_after: Option<&HeaderValue>) -> Refusal {
    match status.as_u16() {
        404 => Refusal::gone(),
        429 => Refusal {
            retry_after: retry_after
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .or(Some(30)),
            ..Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests just now. Please try again in a moment.",
            )
        },
        _ => Refusal::unavailable(),
    }
}

/// GETs `path` upstream and reads its JSON answer.
async fn read_json(upstream: &Upstream, path: &str, query: Option<&str>) -> Result<Value, Refusal> {
    let (request, _) = upstream
        .request(&Method::GET, path, query)
        .map_err(|_| Refusal::unavailable())?;
    let answer = request.send().await.map_err(|e| {
        eprintln!("threadline-server: portal: {e}");
        Refusal::unavailable()
    })?;
    if !answer.status().is_success() {
        return Err(refusal_of(
            answer.status(),
            answer.headers().get(header::RETRY_AFTER),
        ));
    }
    let bytes = crate::gateway::read_answer(answer, crate::gateway::MAX_BODY)
        .await
        .map_err(|_| Refusal::unavailable())?;
    serde_json::from_slice(&bytes).map_err(|e| {
        eprintln!("threadline-server: portal: unreadable answer: {e}");
        Refusal::unavailable()
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The ticket as the customer sees it.
fn visible_ticket(t: &Value) -> Value {
    json!({
        "number": text(&t["public_id"]),
        "subject": text(&t["subject"]),
        "status": customer_status(t["status"].as_str().unwrap_or_default()),
        "created_at": text(&t["created_at"]),
        "requester": {"name": text(&t["customer"]["name"]), "email": text(&t["customer"]["email"])},
    })
}

/// One upstream message as the customer may see it, or `None` when they may not.
fn visible_message(m: &Value, link: &str, key: &[u8], ticket: i64) -> Option<Value> {
    if m["is_visible_to_customer"] != Value::Bool(true) {
        return None;
    }
    let role = match m["role"].as_str()? {
        "associate" => "agent",
        "customer" => "customer",
        "cc" => "cc",
        _ => return None,
    };
    let sender = if m["sender"].is_object() {
        &m["sender"]
    } else {
        &m["author"]
    };
    let attachments: Vec<Value> = m["attachments"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            let id = a["id"].as_str()?;
            let tag = file_tag(key, ticket, id)?;
            let mut file = json!({
                "id": id,
                "name": text(&a["name"]),
                "download_url": format!("/portal-api/{link}/attachments/{id}.{tag}"),
            });
            for field in ["size", "content_type"] {
                if !a[field].is_null() {
                    file[field] = a[field].clone();
                }
            }
            Some(file)
        })
        .collect();
    Some(json!({
        "id": text(&m["id"]),
        "role": role,
        "author": {
            "name": text(&sender["name"]),
            // An agent is shown by name only.
            "email": if role == "agent" { String::new() } else { text(&sender["email"]) },
        },
        "text": text(&m["content"]),
        "html": text(&m["content_html"]),
        "cc": m["external_recipient_emails"].as_array().cloned().unwrap_or_default(),
        "created_at": text(&m["created_at"]),
        "attachments": attachments,
    }))
}

/// The width of every page read upstream. Fixed, because a client choosing a page of one
/// message could otherwise tell from each empty page where a note sits.
const PAGE: u64 = 50;

/// The upstream's count as whole pages: what paging needs.
fn whole_pages(count: u64) -> u64 {
    count.div_ceil(PAGE).saturating_mul(PAGE)
}

async fn config_json(
    State(state): State<AppState>,
    Extension(upstream): Extension<Upstream>,
    Path(link): Path<String>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &upstream, &link)?;
    read_json(&upstream, &ticket_path(&upstream, grant), None).await?;
    Ok(Json(config_for(&state, &link)))
}

fn ticket_path(upstream: &Upstream, grant: Grant) -> String {
    format!(
        "organizations/{}/tickets/{}/",
        upstream.organization_id(),
        grant.ticket
    )
}

async fn conversation(
    State(state): State<AppState>,
    Extension(upstream): Extension<Upstream>,
    Path(link): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &upstream, &link)?;
    // The client's size is checked, then replaced by the fixed one (the portal dialect asks for
    // pages of this same size; a ticket-only read asks for one message and gets a page).
    let asked = Paging::from_query(&q)?;
    let paging = Paging {
        page: asked.page,
        size: PAGE,
    };
    let ticket = read_json(&upstream, &ticket_path(&upstream, grant), None).await?;
    let query = format!("page={}&page_size={}", paging.page, paging.size);
    let page = read_json(
        &upstream,
        &format!("{}messages/", ticket_path(&upstream, grant)),
        Some(&query),
    )
    .await
    .map_err(|r| {
        if r.status == StatusCode::NOT_FOUND && paging.page > 1 {
            Refusal::new(StatusCode::NOT_FOUND, "Invalid page.")
        } else {
            r
        }
    })?;
    let key = state.link_key();
    // DRF's envelope, or a bare list (docs/api/initdesk.md).
    let items = page["results"]
        .as_array()
        .or_else(|| page.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let messages: Vec<Value> = items
        .iter()
        .filter_map(|m| visible_message(m, &link, key, grant.ticket))
        .collect();
    let count = page["count"]
        .as_u64()
        .map_or(messages.len() as u64, whole_pages);
    Ok(Json(page_document(
        visible_ticket(&ticket),
        messages,
        count,
    )))
}

/// The customer's reply, posted upstream in the customer's name; an upstream that stores it
/// under any other role is reported, not passed off as the customer's.
async fn reply(
    State(state): State<AppState>,
    Extension(upstream): Extension<Upstream>,
    Path(link): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let grant = grant(&state, &upstream, &link)?;
    let (parts, body) = request.into_parts();
    let reply = read_reply(&parts.headers, &read_body(body).await?)?;
    let key = state.link_key();
    let idempotency = crate::db::idempotency_key(&parts.headers)?;
    let (mut request, _) = upstream
        .request(
            &Method::POST,
            &format!("{}messages/", ticket_path(&upstream, grant)),
            None,
        )
        .map_err(|_| Refusal::unavailable())?;
    if let Some(k) = idempotency.and_then(|k| upstream_key(key, grant.ticket, &k)) {
        request = request.header("Idempotency-Key", k);
    }
    let answer = request
        .json(&json!({
            "role": "customer",
            "content": reply.text,
            "content_html": reply.html,
            "is_visible_to_customer": true,
        }))
        .send()
        .await
        .map_err(|e| {
            eprintln!("threadline-server: portal: reply: {e}");
            Refusal::unavailable()
        })?;
    if !answer.status().is_success() {
        return Err(refusal_of(
            answer.status(),
            answer.headers().get(header::RETRY_AFTER),
        ));
    }
    let stored: Value = crate::gateway::read_answer(answer, crate::gateway::MAX_BODY)
        .await
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(Refusal::unavailable)?;
    if stored["role"] != "customer" {
        eprintln!(
            "threadline-server: portal: the helpdesk stored a customer's reply as {:?}; it does \
             not take messages in the customer's name (see docs/api/CONTRACT.md)",
            stored["role"]
        );
        return Err(Refusal::unavailable());
    }
    let message =
        visible_message(&stored, &link, key, grant.ticket).ok_or_else(Refusal::unavailable)?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// A file the gateway listed with a visible message of this ticket (its tag says so),
/// streamed from upstream as an inert attachment.
async fn download(
    State(state): State<AppState>,
    Extension(upstream): Extension<Upstream>,
    Path((link, file)): Path<(String, String)>,
) -> Result<Response, Refusal> {
    let grant = grant(&state, &upstream, &link)?;
    let unavailable = || Refusal::new(StatusCode::NOT_FOUND, "This file is not available.");
    let (id, tag) = file.rsplit_once('.').ok_or_else(unavailable)?;
    if !file_tag_matches(state.link_key(), grant.ticket, id, tag) {
        return Err(unavailable());
    }
    let (request, _) = upstream
        .request(
            &Method::GET,
            &format!(
                "organizations/{}/attachments/{id}/download/",
                upstream.organization_id()
            ),
            None,
        )
        .map_err(|_| unavailable())?;
    let answer = request.send().await.map_err(|_| Refusal::unavailable())?;
    if !answer.status().is_success() {
        return Err(match answer.status().as_u16() {
            404 => unavailable(),
            _ => refusal_of(answer.status(), answer.headers().get(header::RETRY_AFTER)),
        });
    }
    let mut passed = axum::http::HeaderMap::new();
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_DISPOSITION,
    ] {
        if let Some(value) = answer.headers().get(name.as_str()) {
            if let Ok(v) = HeaderValue::from_bytes(value.as_bytes()) {
                passed.insert(name, v);
            }
        }
    }
    // Always a download, never rendered on the gateway's origin.
    let disposition = passed
        .get(header::CONTENT_DISPOSITION)
        .filter(|v| v.as_bytes().starts_with(b"attachment"))
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("attachment"));
    passed.insert(header::CONTENT_DISPOSITION, disposition);
    let mut response =
        crate::gateway::stream_answer(answer, crate::gateway::MAX_BODY).into_response();
    response.headers_mut().extend(passed);
    response
        .headers_mut()
        .extend(crate::initdesk::upload::download_safety());
    Ok(response)
}
