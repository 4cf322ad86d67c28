//! The customer's view through the gateway, for every upstream dialect: the ticket and one
//! page of its messages read upstream with the organisation's credential, and only what the
//! customer may see passed on (customer-visible, not system events; an agent by name only; no
//! next action, assignee or note). What each vendor calls these things is in one file per
//! dialect ([`CustomerView`]); this module does the reading, paging, files and replies for all.
//!
//! Where the upstream pages the thread, its pages are read always [`PAGE`] messages wide
//! whatever size the client asks for, and `count` is rounded up to whole pages: what leaves the
//! server about hidden messages is at most how many of a page's places they took, never their
//! text, author or time. Files are served only through tags the gateway gave out with visible
//! messages. The customer's reply goes upstream in the customer's name, where the vendor takes
//! one (docs/api/CONTRACT.md, "Messages in the customer's name"); where it takes none
//! (InboxOps), the view is read-only and its config says so.

mod airclou;
mod inboxops;
mod initdesk;
mod ledger;
mod requestor;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::link::{file_tag, file_tag_matches, upstream_key};
use super::{admit, config_for, page_document, read_body, read_reply, Grant, Paging, Refusal};
use crate::gateway::routes::Refused;
use crate::gateway::Upstream;
use crate::AppState;

pub use airclou::VIEW as AIRCLOU;
pub use inboxops::VIEW as INBOXOPS;
pub use initdesk::VIEW as INITDESK;
pub use requestor::VIEW as REQUESTOR;

/// The width of every page read upstream. Fixed, because a client choosing a page of one
/// message could otherwise tell from each empty page where a note sits.
pub const PAGE: u64 = 50;

/// The ids a link names, as the upstream's paths need them.
pub struct Ids<'a> {
    pub org: &'a str,
    pub ticket: &'a str,
}

/// One upstream request: a path below the API root, and its query.
pub struct Call {
    path: String,
    query: Option<String>,
}

impl Call {
    pub fn to(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            query: None,
        }
    }

    pub fn query(self, query: impl Into<String>) -> Self {
        Self {
            query: Some(query.into()),
            ..self
        }
    }
}

/// How the thread is read upstream.
pub enum Thread {
    /// Pages of [`PAGE`] messages: the request for page `n`, and the messages and total of an
    /// answer.
    Paged {
        page: fn(&Ids, u64) -> Call,
        items: fn(&Value) -> (&[Value], Option<u64>),
    },
    /// The ticket's own answer carries the whole thread; the gateway pages what is visible.
    InTicket(fn(&Value) -> &[Value]),
}

/// What the upstream answers to a customer's reply.
pub enum Stored {
    /// The stored message.
    Message(Value),
    /// Only its id: the gateway reads the ticket again to find it.
    Id(String),
    Unreadable,
}

/// How a customer's reply is posted to a vendor that takes one.
pub struct ReplyRules {
    /// The request and its JSON body, for the ticket (as its read answered).
    pub post: fn(&Ids, &Value, &super::Reply) -> (Call, Value),
    /// Whether the vendor takes an `Idempotency-Key` on it, which makes posting again after
    /// an unknown outcome safe (without it, the gateway's ledger holds the key until the
    /// outcome is known or the claim runs out).
    pub idempotency_header: bool,
    pub stored: fn(&Value) -> Stored,
}

/// What one vendor calls the parts of the customer's view.
pub struct CustomerView {
    /// The read of the ticket.
    pub ticket: fn(&Ids) -> Call,
    /// The ticket as the customer sees it, from that read's answer.
    pub visible_ticket: fn(&Value) -> Value,
    pub thread: Thread,
    /// One message of the ticket (as its read answered) as the customer may see it, or
    /// `None`; its attachments carry the upstream's file `id` (the gateway adds the download
    /// links).
    pub visible_message: fn(&Value, &Value) -> Option<Value>,
    /// `None`: the vendor takes no message from the customer, and the view is read-only.
    pub reply: Option<ReplyRules>,
    /// The read of a file by its upstream id, where the vendor serves files.
    pub download: Option<fn(&Ids, &str) -> Call>,
}

/// The text of a JSON string or number, else empty.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// A list in an answer, or nothing.
pub fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// The portal's file from a vendor's attachment, whose fields it names (`[id, size, type]`);
/// `None` without an id.
pub fn file(attachment: &Value, [id, size, content_type]: [&str; 3]) -> Option<Value> {
    let mut file = json!({ "id": attachment[id].as_str()?, "name": text(&attachment["name"]) });
    for (theirs, ours) in [(size, "size"), (content_type, "content_type")] {
        if !attachment[theirs].is_null() {
            file[ours] = attachment[theirs].clone();
        }
    }
    Some(file)
}

/// The portal's message, from the parts every vendor has.
pub struct Visible {
    pub id: String,
    /// `customer`, `agent` or `cc`.
    pub role: &'static str,
    pub name: String,
    pub email: String,
    pub text: String,
    pub html: String,
    pub cc: Vec<Value>,
    pub created_at: String,
    /// `{id, name, size?, content_type?}`
    pub attachments: Vec<Value>,
}

impl Visible {
    pub fn into_json(self) -> Value {
        json!({
            "id": self.id,
            "role": self.role,
            "author": {
                "name": self.name,
                // An agent is shown by name only.
                "email": if self.role == "agent" { String::new() } else { self.email },
            },
            "text": self.text,
            "html": self.html,
            "cc": self.cc,
            "created_at": self.created_at,
            "attachments": self.attachments,
        })
    }
}

/// The customer's side of one gateway.
#[derive(Clone)]
struct Side {
    upstream: Upstream,
    view: &'static CustomerView,
    /// Set when the upstream stored a customer's reply as someone else's: replies stop, so
    /// no more go out in another's name.
    misattributed: Arc<AtomicBool>,
}

impl Side {
    fn can_reply(&self) -> bool {
        self.view.reply.is_some() && !self.misattributed.load(Ordering::Relaxed)
    }
}

/// The routes, relative to [`super::MOUNT`], reading from `upstream`; `None` when its dialect
/// has no customer's view.
pub fn routes(upstream: Upstream) -> Option<Router<AppState>> {
    let view = upstream.dialect().customer?;
    Some(
        Router::new()
            .route("/", get(conversation))
            .route("/config.json", get(config_json))
            .route("/messages", post(reply))
            .route("/attachments/{file}", get(download))
            .fallback(|| async { Refusal::new(StatusCode::NOT_FOUND, "Not found.") })
            .layer(Extension(Side {
                upstream,
                view,
                misattributed: Arc::default(),
            })),
    )
}

/// A valid link of the organisation this gateway serves.
fn grant(state: &AppState, side: &Side, link: &str) -> Result<Grant, Refusal> {
    let grant = admit(state, link)?;
    if grant.org.to_string() != side.upstream.organization_id() {
        return Err(Refusal::invalid());
    }
    Ok(grant)
}

fn ids<'a>(side: &'a Side, grant: &'a Grant) -> Ids<'a> {
    Ids {
        org: side.upstream.organization_id(),
        ticket: &grant.ticket,
    }
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

/// The request for `call`; an id the dialect's routes cannot hold names no ticket there.
fn request(
    upstream: &Upstream,
    method: &Method,
    call: &Call,
) -> Result<reqwest::RequestBuilder, Refusal> {
    upstream
        .request(method, &call.path, call.query.as_deref())
        .map(|(builder, _)| builder)
        .map_err(|refused| match refused {
            Refused::NotFound | Refused::Query => Refusal::gone(),
            _ => Refusal::unavailable(),
        })
}

/// Sends `request` and reads its JSON answer.
async fn answer_json(request: reqwest::RequestBuilder) -> Result<Value, Refusal> {
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

async fn read_json(upstream: &Upstream, call: Call) -> Result<Value, Refusal> {
    answer_json(request(upstream, &Method::GET, &call)?).await
}

/// The upstream's count as whole pages: what paging needs.
fn whole_pages(count: u64) -> u64 {
    count.div_ceil(PAGE).saturating_mul(PAGE)
}

/// Whether an upstream's file id can go into a download link as it is.
fn file_id_ok(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The message's files as links through this gateway, each with its tag; files of a vendor
/// the gateway cannot download from are left out.
fn with_downloads(mut message: Value, side: &Side, key: &[u8], link: &str, ticket: &str) -> Value {
    let files: Vec<Value> = list(&message["attachments"])
        .iter()
        .filter(|_| side.view.download.is_some())
        .filter_map(|a| {
            let id = a["id"].as_str().filter(|id| file_id_ok(id))?;
            let tag = file_tag(key, ticket, id)?;
            let mut file = a.clone();
            file["download_url"] = json!(format!("/portal-api/{link}/attachments/{id}.{tag}"));
            Some(file)
        })
        .collect();
    message["attachments"] = Value::Array(files);
    message
}

async fn config_json(
    State(state): State<AppState>,
    Extension(side): Extension<Side>,
    Path(link): Path<String>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &side, &link)?;
    read_json(&side.upstream, (side.view.ticket)(&ids(&side, &grant))).await?;
    Ok(Json(config_for(&state, &link, side.can_reply())))
}

async fn conversation(
    State(state): State<AppState>,
    Extension(side): Extension<Side>,
    Path(link): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Refusal> {
    let grant = grant(&state, &side, &link)?;
    let ids = ids(&side, &grant);
    let asked = Paging::from_query(&q)?;
    let view = side.view;
    let ticket = read_json(&side.upstream, (view.ticket)(&ids)).await?;
    let visible = |m: &Value| (view.visible_message)(m, &ticket);
    let invalid_page = || Refusal::new(StatusCode::NOT_FOUND, "Invalid page.");
    let (messages, count) = match view.thread {
        Thread::Paged { page, items } => {
            let answer = read_json(&side.upstream, page(&ids, asked.page))
                .await
                .map_err(|r| {
                    if r.status == StatusCode::NOT_FOUND && asked.page > 1 {
                        invalid_page()
                    } else {
                        r
                    }
                })?;
            let (list, total) = items(&answer);
            let messages: Vec<Value> = list.iter().filter_map(visible).collect();
            let count = total.map_or(messages.len() as u64, whole_pages);
            (messages, count)
        }
        // The whole thread is here: filtered first, then paged as the client asks.
        Thread::InTicket(items) => {
            let all: Vec<Value> = items(&ticket).iter().filter_map(visible).collect();
            let count = all.len() as u64;
            if asked.page > 1 && asked.offset() >= count {
                return Err(invalid_page());
            }
            let page = all
                .into_iter()
                .skip(usize::try_from(asked.offset()).unwrap_or(usize::MAX))
                .take(usize::try_from(asked.size).unwrap_or(usize::MAX))
                .collect();
            (page, count)
        }
    };
    let key = state.link_key();
    let messages = messages
        .into_iter()
        .map(|m| with_downloads(m, &side, key, &link, &grant.ticket))
        .collect();
    Ok(Json(page_document(
        (view.visible_ticket)(&ticket),
        messages,
        count,
    )))
}

fn read_only() -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        "Replies cannot be sent from this page. To answer, reply to our latest email.",
    )
}

/// The customer's reply, posted upstream in the customer's name once per idempotency key; an
/// upstream that stores it under any other name is reported, not passed off as the
/// customer's, and no further reply goes out through it. The attempt runs to its end even if
/// the customer's connection drops, so what it learnt is recorded.
async fn reply(
    State(state): State<AppState>,
    Extension(side): Extension<Side>,
    Path(link): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let grant = grant(&state, &side, &link)?;
    if !side.can_reply() {
        return Err(read_only());
    }
    let (parts, body) = request.into_parts();
    let reply = read_reply(&parts.headers, &read_body(body).await?)?;
    let key = crate::db::idempotency_key(&parts.headers)?
        .and_then(|k| upstream_key(state.link_key(), &grant.ticket, &k));
    let attempt = tokio::spawn({
        let (state, side, grant) = (state.clone(), side.clone(), grant.clone());
        async move { deliver(&state, &side, &grant, &reply, key).await }
    });
    let message = attempt.await.map_err(|_| Refusal::unavailable())??;
    let message = with_downloads(message, &side, state.link_key(), &link, &grant.ticket);
    Ok((StatusCode::CREATED, Json(message)))
}

/// How an attempt that did not store the customer's reply ended.
enum Failed {
    /// Nothing was stored upstream.
    Surely(Refusal),
    /// The upstream may have stored it (no answer, a server error).
    Perhaps(Refusal),
}

/// One attempt, under the ledger's claim when the customer gave a key.
async fn deliver(
    state: &AppState,
    side: &Side,
    grant: &Grant,
    reply: &super::Reply,
    key: Option<String>,
) -> Result<Value, Refusal> {
    let Some(rules) = side.view.reply.as_ref() else {
        return Err(read_only());
    };
    let Some(key) = key else {
        return post_reply(side, rules, grant, reply, None, Earlier::None, |_| Ok(()))
            .await
            .map_err(|(Failed::Surely(r) | Failed::Perhaps(r))| r);
    };
    let claim = match ledger::claim(state, &key)? {
        ledger::Outcome::Done(message) => return Ok(message),
        ledger::Outcome::Busy => return Err(ledger::busy()),
        ledger::Outcome::Mine(claim) => claim,
    };
    let earlier = match (&claim.posted, claim.retaken) {
        (Some(id), _) => Earlier::Posted(id.clone()),
        (None, true) => Earlier::Unknown,
        (None, false) => Earlier::None,
    };
    let note = |id: &str| ledger::note_posted(state, &key, &claim, id);
    match post_reply(side, rules, grant, reply, Some(&key), earlier, note).await {
        Ok(message) => {
            ledger::settle(state, &key, &claim, &message)?;
            Ok(message)
        }
        Err(Failed::Surely(refusal)) => {
            ledger::release(state, &key, &claim)?;
            Err(refusal)
        }
        // The vendor's own key makes a second post safe; otherwise the claim stands until it
        // runs out (or, with the posted id noted, the next attempt checks that id).
        Err(Failed::Perhaps(refusal)) => {
            if rules.idempotency_header {
                ledger::release(state, &key, &claim)?;
            } else {
                ledger::pause(state, &key, &claim)?;
            }
            Err(refusal)
        }
    }
}

/// What the upstream's refusal of a reply means to the customer.
fn refused_reply(status: reqwest::StatusCode, retry_after: Option<&HeaderValue>) -> Refusal {
    eprintln!("threadline-server: portal: the helpdesk refused a customer's reply: {status}");
    match status.as_u16() {
        400 | 422 => Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Your reply could not be accepted as it is. Please check it and send it again.",
        ),
        403 => Refusal::new(
            StatusCode::FORBIDDEN,
            "This conversation no longer takes replies here. To answer, reply to our latest email.",
        ),
        _ => refusal_of(status, retry_after),
    }
}

/// What an earlier attempt with the same key did.
enum Earlier {
    None,
    /// Posted, and the upstream answered with this id.
    Posted(String),
    /// Ended without a word: it may have posted.
    Unknown,
}

/// Where the whole thread is in the ticket's answer (no upstream key to rely on), the
/// customer's message with exactly this reply's body, if there is one: what an earlier
/// attempt that ended without a word stored.
fn already_there(view: &CustomerView, ticket: &Value, reply: &super::Reply) -> Option<String> {
    let Thread::InTicket(items) = view.thread else {
        return None;
    };
    let body = |m: &Value| {
        (m["text"].as_str() == Some(&reply.text) && !reply.text.is_empty())
            || (m["html"].as_str() == Some(&reply.html) && !reply.html.is_empty())
    };
    items(ticket)
        .iter()
        .rev()
        .filter_map(|m| (view.visible_message)(m, ticket))
        .find(|m| m["role"] == "customer" && body(m))
        .and_then(|m| m["id"].as_str().map(str::to_owned))
}

/// Posts the reply (or, when an earlier attempt did, finds what it stored) and checks that
/// the upstream stored it as the customer's.
async fn post_reply(
    side: &Side,
    rules: &ReplyRules,
    grant: &Grant,
    reply: &super::Reply,
    key: Option<&str>,
    earlier: Earlier,
    note_posted: impl Fn(&str) -> Result<(), Refusal>,
) -> Result<Value, Failed> {
    let ids = ids(side, grant);
    let view = side.view;
    let ticket = read_json(&side.upstream, (view.ticket)(&ids))
        .await
        .map_err(Failed::Surely)?;
    let found = match earlier {
        Earlier::Posted(id) => Some(id),
        Earlier::Unknown if !rules.idempotency_header => already_there(view, &ticket, reply),
        _ => None,
    };
    let stored = match found {
        Some(id) => Stored::Id(id),
        None => {
            let (call, body) = (rules.post)(&ids, &ticket, reply);
            let mut request =
                request(&side.upstream, &Method::POST, &call).map_err(Failed::Surely)?;
            if let Some(key) = key.filter(|_| rules.idempotency_header) {
                request = request.header("Idempotency-Key", key);
            }
            let answer = request.json(&body).send().await.map_err(|e| {
                eprintln!("threadline-server: portal: reply: {e}");
                Failed::Perhaps(Refusal::unavailable())
            })?;
            let status = answer.status();
            if !status.is_success() {
                let refusal = refused_reply(status, answer.headers().get(header::RETRY_AFTER));
                let surely = status.is_client_error() && status.as_u16() != 408;
                return Err(if surely {
                    Failed::Surely(refusal)
                } else {
                    Failed::Perhaps(refusal)
                });
            }
            let answer = crate::gateway::read_answer(answer, crate::gateway::MAX_BODY)
                .await
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
                .ok_or(Failed::Perhaps(Refusal::unavailable()))?;
            (rules.stored)(&answer)
        }
    };
    let visible = match stored {
        Stored::Message(m) => (view.visible_message)(&m, &ticket),
        Stored::Id(id) => {
            note_posted(&id).map_err(Failed::Perhaps)?;
            let Thread::InTicket(items) = view.thread else {
                return Err(Failed::Perhaps(Refusal::unavailable()));
            };
            let ticket = read_json(&side.upstream, (view.ticket)(&ids))
                .await
                .map_err(Failed::Perhaps)?;
            items(&ticket)
                .iter()
                .filter_map(|m| (view.visible_message)(m, &ticket))
                .find(|m| m["id"] == id.as_str())
        }
        Stored::Unreadable => return Err(Failed::Perhaps(Refusal::unavailable())),
    };
    match visible {
        Some(message) if message["role"] == "customer" => Ok(message),
        other => {
            side.misattributed.store(true, Ordering::Relaxed);
            eprintln!(
                "threadline-server: portal: the helpdesk stored a customer's reply as {:?}; it \
                 does not take messages in the customer's name (see docs/api/CONTRACT.md), so \
                 customers' replies are off until restart",
                other.as_ref().map(|m| m["role"].clone())
            );
            Err(Failed::Surely(Refusal::unavailable()))
        }
    }
}

/// A file the gateway listed with a visible message of this ticket (its tag says so),
/// streamed from upstream as an inert attachment.
async fn download(
    State(state): State<AppState>,
    Extension(side): Extension<Side>,
    Path((link, file)): Path<(String, String)>,
) -> Result<Response, Refusal> {
    let grant = grant(&state, &side, &link)?;
    let unavailable = || Refusal::new(StatusCode::NOT_FOUND, "This file is not available.");
    let (id, tag) = file.rsplit_once('.').ok_or_else(unavailable)?;
    let read = side.view.download.ok_or_else(unavailable)?;
    if !file_tag_matches(state.link_key(), &grant.ticket, id, tag) {
        return Err(unavailable());
    }
    let call = read(&ids(&side, &grant), id);
    let request = request(&side.upstream, &Method::GET, &call).map_err(|_| unavailable())?;
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
