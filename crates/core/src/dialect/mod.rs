//! Helpdesk dialects: one module per API, each sans-IO. A dialect turns our model into
//! [`HttpRequest`]s and [`HttpResponse`]s back into our model or an [`ApiError`]; it never
//! performs I/O, so every dialect is tested on the host against API bodies written from the
//! vendors' documentation (docs/api/).

pub mod airclou;
pub mod inboxops;
pub mod initdesk;
pub mod portal;
pub mod requestor;

use rust_i18n::t;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use serde_json::Value;

use crate::error::ApiError;
use crate::html::MAX_BODY_BYTES;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::i18n::isolate;
use crate::model::{
    Attachment, Capabilities, DataProblem, Message, NewMessage, NextAction, Page, Ticket,
    TicketField, UploadFile, User,
};
use crate::time::parse_rfc3339_millis;

/// Where a backend honours it, a repeated post with this header stores one message.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// One helpdesk API, seen through its requests and responses.
pub trait Dialect: Send + Sync {
    /// What this backend lets the agent do.
    fn capabilities(&self) -> Capabilities;

    /// How many items a page holds (from the configuration).
    fn page_size(&self) -> u32;

    /// The first page of tickets; `None` when the API has no ticket list.
    fn list_tickets_request(&self) -> Option<HttpRequest>;
    fn parse_ticket_page(&self, response: &HttpResponse) -> Result<Page<Ticket>, ApiError>;

    /// One ticket.
    fn get_ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError>;
    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError>;

    /// The first page of a ticket's thread.
    fn list_messages_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError>;
    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError>;

    /// One numbered page of a thread, oldest first within the whole thread (page 1 holds the
    /// oldest messages). With `page_size` 1 the response's total tells how many there are.
    fn message_page_request(
        &self,
        ticket_id: &str,
        page: u64,
        page_size: u32,
    ) -> Result<HttpRequest, ApiError>;

    /// The request for a `next` link returned by a list. Refuses links that leave the API,
    /// so the credentials are never sent to another origin.
    fn next_page_request(&self, next_url: &str) -> Result<HttpRequest, ApiError>;

    /// Posts a reply or note.
    fn create_message_request(
        &self,
        ticket_id: &str,
        message: &NewMessage,
    ) -> Result<HttpRequest, ApiError>;
    /// The stored message; `sent` is what was posted, for APIs that answer with an id only.
    fn parse_created_message(
        &self,
        response: &HttpResponse,
        sent: &NewMessage,
    ) -> Result<Message, ApiError>;

    /// The next actions the composer offers, "(none)" first; only "(none)" where the
    /// backend has no next action.
    fn next_actions(&self) -> Vec<NextAction> {
        if self.capabilities().has_next_action {
            NextAction::ALL.to_vec()
        } else {
            vec![NextAction::None]
        }
    }

    /// Ticket properties a message can change beside the next action.
    fn ticket_fields(&self) -> Vec<TicketField> {
        Vec::new()
    }

    /// The mailboxes an emailed message may go out from, where the backend needs one.
    fn outbound_mailboxes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Uploads one file before it is attached to a message.
    fn upload_attachment_request(&self, file: &UploadFile) -> Result<HttpRequest, ApiError>;
    fn parse_uploaded_attachment(&self, response: &HttpResponse) -> Result<Attachment, ApiError>;

    /// The request that downloads an attachment: with credentials when its URL is under the
    /// API, without them otherwise (a signed storage URL must not receive our token).
    /// `None` when the attachment has no URL.
    fn download_request(&self, attachment: &Attachment) -> Option<HttpRequest>;

    /// The typed error for any non-2xx response (used where the body is not JSON, such as
    /// a failed download).
    fn parse_error(&self, response: &HttpResponse) -> ApiError;

    /// The credential header this dialect sends (demo mode reaches Threadline's own API,
    /// [`crate::own_api`], with it); `None` for a customer's link.
    fn credential(&self) -> Option<(String, String)>;

    /// The agents a ticket can be assigned to; `None` when the backend has no such list.
    fn list_users_request(&self) -> Option<HttpRequest> {
        None
    }
    /// `Ok(None)` when the backend has no users endpoint (the app then falls back to the
    /// people seen on the ticket).
    fn parse_users(&self, _response: &HttpResponse) -> Result<Option<Vec<User>>, ApiError> {
        Ok(None)
    }
}

/// Which dialect to speak and how to reach it, as written in the app's `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "dialect", rename_all = "lowercase")]
pub enum DialectConfig {
    Airclou(airclou::AirclouConfig),
    Initdesk(initdesk::InitdeskConfig),
    #[serde(rename = "inboxops")]
    InboxOps(inboxops::InboxOpsConfig),
    Requestor(requestor::RequestorConfig),
    /// The customer's view through a signed link (the reference server's `/portal-api`).
    Portal(portal::PortalConfig),
}

impl DialectConfig {
    /// Builds the dialect, with relative API URLs resolved against `page_url`.
    pub fn build(&self, page_url: &str) -> Result<Box<dyn Dialect>, ApiError> {
        match self {
            DialectConfig::Airclou(c) => Ok(Box::new(airclou::Airclou::new(c.clone(), page_url)?)),
            DialectConfig::Initdesk(c) => {
                Ok(Box::new(initdesk::Initdesk::new(c.clone(), page_url)?))
            }
            DialectConfig::InboxOps(c) => {
                Ok(Box::new(inboxops::InboxOps::new(c.clone(), page_url)?))
            }
            DialectConfig::Portal(c) => Ok(Box::new(portal::Portal::new(c.clone(), page_url)?)),
            DialectConfig::Requestor(c) => {
                Ok(Box::new(requestor::Requestor::new(c.clone(), page_url)?))
            }
        }
    }
}

/// Items per list page when the configuration does not say.
pub(crate) fn default_page_size() -> u32 {
    50
}

/// An API root and the credential header, which goes only to URLs under that root.
#[derive(Debug, Clone)]
pub(crate) struct Api {
    base: url::Url,
    credential: Option<(String, String)>,
}

impl Api {
    /// `base` absolute or relative to `page_url`; `credential` as (header, value).
    pub(crate) fn new(
        base: &str,
        page_url: &str,
        credential: Option<(String, String)>,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            base: resolve_base(base, page_url)?,
            credential,
        })
    }

    /// The credential header sent to URLs under the root.
    pub(crate) fn credential(&self) -> Option<(String, String)> {
        self.credential.clone()
    }

    /// The root itself, without a trailing slash.
    pub(crate) fn root(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// The URL of `path` under the root.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base.as_str().trim_end_matches('/'))
    }

    /// A request with the credential and JSON headers.
    pub(crate) fn request(&self, method: Method, url: String, body: Body) -> HttpRequest {
        let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
        if let Some((name, value)) = &self.credential {
            headers.push((name.clone(), value.clone()));
        }
        if matches!(body, Body::Json(_)) {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        HttpRequest {
            method,
            url,
            headers,
            body,
        }
    }

    /// A JSON POST of `body`, with `Idempotency-Key` when the message has one.
    pub(crate) fn post_json(
        &self,
        url: String,
        body: &impl serde::Serialize,
        idempotency_key: Option<&str>,
    ) -> Result<HttpRequest, ApiError> {
        let json = serde_json::to_string(body).map_err(|e| {
            ApiError::InvalidRequest(t!("dialect.encode_failed", error = e).into_owned())
        })?;
        let mut request = self.request(Method::Post, url, Body::Json(json));
        if let Some(key) = idempotency_key {
            request
                .headers
                .push((IDEMPOTENCY_HEADER.to_owned(), key.to_owned()));
        }
        Ok(request)
    }

    pub(crate) fn get(&self, url: String) -> HttpRequest {
        self.request(Method::Get, url, Body::Empty)
    }

    /// The request for a list's `next` link (relative ones resolved against the root);
    /// refused when it leaves the API, so the credential never goes elsewhere.
    pub(crate) fn next_page(&self, next_url: &str) -> Result<HttpRequest, ApiError> {
        let absolute = self
            .base
            .join(next_url)
            .map_err(|e| ApiError::InvalidResponse(format!("bad next link {next_url:?}: {e}")))?;
        if !is_under_base(&self.base, absolute.as_str()) {
            return Err(ApiError::InvalidResponse(format!(
                "the next-page link {next_url:?} leaves the API; not following it"
            )));
        }
        Ok(self.get(absolute.into()))
    }

    /// An attachment's download: with the credential under the root, without it elsewhere
    /// (a signed storage URL must not receive our token); `None` without an http(s) URL.
    pub(crate) fn download(&self, attachment: &Attachment) -> Option<HttpRequest> {
        let url = self.base.join(attachment.download_url.as_deref()?).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        Some(if is_under_base(&self.base, url.as_str()) {
            self.get(url.into())
        } else {
            HttpRequest {
                method: Method::Get,
                url: url.into(),
                headers: Vec::new(),
                body: Body::Empty,
            }
        })
    }
}

/// Which pages to read so the newest messages come first: the last page of `total` messages in
/// pages of `page_size`, and the one before it when the last is less than half full (so the
/// first screen is never nearly empty). Returned newest page first.
pub fn newest_pages(total: u64, page_size: u32) -> Vec<u64> {
    let size = u64::from(page_size.max(1));
    let last = total.div_ceil(size).max(1);
    let last_count = total - (last - 1) * size;
    if last > 1 && last_count * 2 < size {
        vec![last, last - 1]
    } else {
        vec![last]
    }
}

/// Sorts a thread oldest first by timestamp, keeping the server's order for ties and for
/// timestamps that cannot be read.
pub fn sort_thread(messages: &mut [Message]) {
    messages.sort_by_key(|m| crate::time::parse_rfc3339_millis(&m.created_at).unwrap_or(i64::MIN));
}

/// Resolves an API base URL (absolute, or relative to the page) and checks it is http(s).
pub(crate) fn resolve_base(base: &str, page_url: &str) -> Result<url::Url, ApiError> {
    let quoted = isolate(&format!("{base:?}"));
    let invalid = |e: url::ParseError| {
        ApiError::InvalidRequest(
            t!("dialect.base_url_invalid", url = quoted, error = e).into_owned(),
        )
    };
    let page = url::Url::parse(page_url).ok();
    let parsed = match (url::Url::parse(base), page) {
        (Ok(u), _) => u,
        (Err(url::ParseError::RelativeUrlWithoutBase), Some(page)) => {
            page.join(base).map_err(invalid)?
        }
        (Err(e), _) => return Err(invalid(e)),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ApiError::InvalidRequest(
            t!("dialect.base_url_not_http", url = quoted).into_owned(),
        ));
    }
    Ok(parsed)
}

/// Whether `candidate` is under `base` (same origin, path below the base path).
pub(crate) fn is_under_base(base: &url::Url, candidate: &str) -> bool {
    let Ok(c) = url::Url::parse(candidate) else {
        return false;
    };
    let base_path = base.path().trim_end_matches('/');
    c.origin() == base.origin()
        && (c.path() == base_path || c.path().starts_with(&format!("{base_path}/")))
}

/// Checks an id is safe to place in a URL path segment.
pub(crate) fn path_segment(id: &str) -> Result<&str, ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id)
    } else {
        Err(ApiError::InvalidRequest(
            t!("dialect.bad_id", id = isolate(&format!("{id:?}"))).into_owned(),
        ))
    }
}

/// A 2xx body as JSON, else the dialect's typed error for the response.
pub(crate) fn checked_json<T: DeserializeOwned>(
    response: &HttpResponse,
    error_of: fn(&HttpResponse) -> ApiError,
) -> Result<T, ApiError> {
    if !(200..300).contains(&response.status) {
        return Err(error_of(response));
    }
    json_body(response)
}

/// A list item read into a message, or, when it cannot be read, a marked placeholder that
/// keeps its id and time (`id_key`, `at_key`) so the rest of the thread is unaffected.
pub(crate) fn message_or_placeholder<W: DeserializeOwned>(
    item: Value,
    id_key: &str,
    at_key: &str,
    into_model: impl FnOnce(W) -> Message,
) -> Message {
    let id = item.get(id_key).map(value_text);
    let at = item.get(at_key).and_then(Value::as_str).map(str::to_owned);
    serde_json::from_value::<W>(item)
        .map(into_model)
        .unwrap_or_else(|e| Message::unreadable(id, at, e.to_string()))
}

/// Parses a 2xx JSON body, reporting unreadable bodies as [`ApiError::InvalidResponse`].
pub(crate) fn json_body<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ApiError> {
    serde_json::from_str(&response.body).map_err(|e| {
        let kind = if looks_like_html(&response.body) {
            "an HTML page instead of JSON".to_owned()
        } else {
            format!("invalid JSON ({e})")
        };
        ApiError::InvalidResponse(format!("HTTP {} with {kind}", response.status))
    })
}

/// Whether a body is an HTML page (a proxy's error page, say).
pub(crate) fn looks_like_html(body: &str) -> bool {
    let head = body
        .trim_start()
        .get(..15)
        .unwrap_or(body.trim_start())
        .to_ascii_lowercase();
    head.starts_with("<!doctype")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<body")
}

/// Reads `Retry-After` given in seconds. An HTTP-date cannot be resolved without a clock, so
/// it counts as absent and the caller backs off on its own schedule.
pub(crate) fn retry_after_seconds(response: &HttpResponse) -> Option<u64> {
    response
        .header("retry-after")
        .and_then(|v| v.trim().parse().ok())
}

/// A short, safe excerpt of a non-JSON error body, for logs and error details.
pub(crate) fn body_excerpt(body: &str) -> String {
    if looks_like_html(body) {
        return String::new();
    }
    body.chars().take(200).collect::<String>().trim().to_owned()
}

/// What is wrong with a message as received (dates and sizes; unreadable items are handled
/// by the page parser).
pub(crate) fn problems(created_at: Option<&str>, body: Option<&str>) -> Vec<DataProblem> {
    let mut problems = Vec::new();
    if created_at.and_then(parse_rfc3339_millis).is_none() {
        problems.push(DataProblem::BadDate);
    }
    if let Some(bytes) = body.map(str::len).filter(|b| *b > MAX_BODY_BYTES) {
        problems.push(DataProblem::TooLarge { bytes });
    }
    problems
}

/// A JSON id as text.
pub(crate) fn value_text(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::newest_pages;

    #[test]
    fn the_newest_pages_come_first_and_a_thin_last_page_brings_its_neighbour() {
        assert_eq!(newest_pages(0, 50), vec![1]);
        assert_eq!(newest_pages(30, 50), vec![1]);
        assert_eq!(newest_pages(100, 50), vec![2]);
        assert_eq!(newest_pages(10_000, 50), vec![200]);
        assert_eq!(newest_pages(10_010, 50), vec![201, 200]);
        assert_eq!(newest_pages(10_030, 50), vec![201]);
    }
}
