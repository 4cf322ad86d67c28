//! The InboxOps dialect: the public API under `/api/v1`, authenticated with
//! `Authorization: Bearer ixk_…`. Only internal notes can be posted (documented); the thread
//! is `GET /tickets/{id}/messages` returning `{data: [...]}`, oldest first, unpaged; errors are
//! RFC 7807 problem+json, and the message page also shows `{error, message, code, details,
//! retryAfter}`, so both are read.
//!
//! Decided where the documentation is cut off (see docs/api/inboxops.md): a
//! message carries `body_html`, `body_text`, `from_name` and `created_at` beside the documented
//! `id`, `direction`, `type`, `from_address`, `to_addresses` and `cc_addresses`; a created note
//! answers `{data: Message}` or the bare message; the ticket list is `{data: [...], meta:
//! {total}}`. The public API has no users or attachment endpoints, so this dialect offers
//! neither.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    body_excerpt, checked_json, message_or_placeholder, path_segment, problems,
    retry_after_seconds, value_text, Api, Dialect,
};
use crate::error::{ApiError, FieldErrors};
use crate::http::{HttpRequest, HttpResponse};
use crate::model::{
    field, Attachment, Capabilities, Message, NewMessage, Page, Person, Role, Ticket, UploadFile,
    Visibility,
};

/// How to reach an InboxOps workspace (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InboxOpsConfig {
    /// The API root including `/api/v1`, absolute or relative to the page.
    pub api_base: String,
    /// The `ixk_…` key; absent when a gateway adds it on the server.
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default = "super::default_page_size")]
    pub page_size: u32,
}

/// The InboxOps dialect for one workspace.
#[derive(Debug, Clone)]
pub struct InboxOps {
    api: Api,
    page_size: u32,
}

impl InboxOps {
    /// A dialect for `config`, with a relative `api_base` resolved against `page_url`.
    pub fn new(config: InboxOpsConfig, page_url: &str) -> Result<Self, ApiError> {
        let credential = config
            .token
            .filter(|t| !t.is_empty())
            .map(|t| ("Authorization".to_owned(), format!("Bearer {t}")));
        Ok(Self {
            api: Api::new(&config.api_base, page_url, credential)?,
            page_size: config.page_size.clamp(1, 100),
        })
    }

    fn url(&self, path: &str) -> String {
        self.api.url(path)
    }

    fn get(&self, url: String) -> HttpRequest {
        self.api.get(url)
    }
}

impl Dialect for InboxOps {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: false,
            can_note: true,
            has_next_action: false,
            has_assignee: false,
            has_cc: false,
            has_attachments: false,
            has_ticket_list: true,
            has_email_switch: false,
            has_bcc: false,
            author_is_credential: false,
        }
    }

    fn page_size(&self) -> u32 {
        self.page_size
    }

    fn list_tickets_request(&self) -> Option<HttpRequest> {
        Some(self.get(self.url(&format!(
            "tickets?page=1&per_page={}&sort=updated_at&order=desc",
            self.page_size
        ))))
    }

    fn parse_ticket_page(&self, response: &HttpResponse) -> Result<Page<Ticket>, ApiError> {
        let mut envelope: Envelope<Vec<Value>> = checked_json(response, error_of)?;
        let total = envelope.meta.take().and_then(|m| m.total);
        let items = envelope
            .data
            .into_iter()
            .filter_map(|v| serde_json::from_value::<WireTicket>(v).ok())
            .map(WireTicket::into_model)
            .collect();
        Ok(Page {
            items,
            next: None,
            total,
        })
    }

    fn get_ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        let path = format!(
            "tickets/{}?include=contact,tags,inbox",
            path_segment(ticket_id)?
        );
        Ok(self.get(self.url(&path)))
    }

    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError> {
        let envelope: Envelope<WireTicket> = checked_json(response, error_of)?;
        Ok(envelope.data.into_model())
    }

    fn list_messages_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        self.message_page_request(ticket_id, 1, self.page_size)
    }

    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError> {
        let mut envelope: Envelope<Vec<Value>> = checked_json(response, error_of)?;
        let total = envelope.meta.take().and_then(|m| m.total);
        let items = envelope
            .data
            .into_iter()
            .map(|v| message_or_placeholder(v, "id", "created_at", WireMessage::into_model))
            .collect();
        // With a count, paged as the tickets list is; without one (a server that ignores the
        // paging), the list is the whole thread.
        Ok(Page {
            items,
            next: None,
            total,
        })
    }

    /// Paged with the list's `page` and `per_page` (docs/api/CONTRACT.md).
    fn message_page_request(
        &self,
        ticket_id: &str,
        page: u64,
        page_size: u32,
    ) -> Result<HttpRequest, ApiError> {
        let path = format!(
            "tickets/{}/messages?page={}&per_page={}",
            path_segment(ticket_id)?,
            page.max(1),
            page_size.clamp(1, 100)
        );
        Ok(self.get(self.url(&path)))
    }

    fn next_page_request(&self, next_url: &str) -> Result<HttpRequest, ApiError> {
        self.api.next_page(next_url)
    }

    fn create_message_request(
        &self,
        ticket_id: &str,
        message: &NewMessage,
    ) -> Result<HttpRequest, ApiError> {
        if message.visibility != Visibility::Note {
            return Err(ApiError::InvalidRequest(
                t!("inboxops.notes_only").into_owned(),
            ));
        }
        if !message.attachments.is_empty() {
            return Err(ApiError::InvalidRequest(
                t!("inboxops.no_note_attachments").into_owned(),
            ));
        }
        let body = WireNote {
            kind: "internal_note",
            body_html: message.html.as_deref(),
            body_text: &message.text,
        };
        let path = format!("tickets/{}/messages", path_segment(ticket_id)?);
        self.api
            .post_json(self.url(&path), &body, message.idempotency_key.as_deref())
    }

    fn parse_created_message(
        &self,
        response: &HttpResponse,
        _sent: &NewMessage,
    ) -> Result<Message, ApiError> {
        let value: Value = checked_json(response, error_of)?;
        let item = match value {
            Value::Object(mut map) if map.contains_key("data") => {
                map.remove("data").unwrap_or(Value::Null)
            }
            other => other,
        };
        serde_json::from_value::<WireMessage>(item)
            .map(WireMessage::into_model)
            .map_err(|e| {
                ApiError::InvalidResponse(format!("the created note could not be read: {e}"))
            })
    }

    fn upload_attachment_request(&self, _file: &UploadFile) -> Result<HttpRequest, ApiError> {
        Err(ApiError::InvalidRequest(
            t!("inboxops.no_upload").into_owned(),
        ))
    }

    fn parse_uploaded_attachment(&self, response: &HttpResponse) -> Result<Attachment, ApiError> {
        Err(self.parse_error(response))
    }

    fn download_request(&self, attachment: &Attachment) -> Option<HttpRequest> {
        self.api.download(attachment)
    }

    fn credential(&self) -> Option<(String, String)> {
        self.api.credential()
    }

    fn parse_error(&self, response: &HttpResponse) -> ApiError {
        error_of(response)
    }
}

/// `{data, meta}`, InboxOps' envelope.
#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    total: Option<u64>,
}

/// A 2xx body as JSON, or the typed error.
/// Problem+json (`{type, title, status, detail, code, …}`) or the message page's
/// `{error, message, code, details: [{field, message}], retryAfter}`.
fn error_of(response: &HttpResponse) -> ApiError {
    let json: Option<Value> = serde_json::from_str(&response.body).ok();
    let text = |key: &str| {
        json.as_ref()
            .and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let code = text("code").unwrap_or_default();
    let detail = text("detail")
        .or_else(|| text("message"))
        .or_else(|| text("title"))
        .unwrap_or_else(|| body_excerpt(&response.body));
    match response.status {
        400 | 422 => ApiError::Validation(validation(json.as_ref(), detail)),
        401 => ApiError::Unauthorized(detail),
        403 if code == "insufficient_scope" => {
            ApiError::Forbidden(t!("inboxops.read_only_key").into_owned())
        }
        403 => ApiError::Forbidden(detail),
        404 => ApiError::NotFound(detail),
        413 => ApiError::PayloadTooLarge(detail),
        429 => ApiError::RateLimited {
            retry_after: retry_after_seconds(response).or_else(|| {
                json.as_ref()
                    .and_then(|v| v.get("retryAfter"))
                    .and_then(Value::as_u64)
            }),
        },
        status => ApiError::Server { status, detail },
    }
}

/// `details: [{field, message}]` by the composer's field names; the rest is general.
fn validation(json: Option<&Value>, detail: String) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let details = json
        .and_then(|v| v.get("details"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for d in details {
        let message = d
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| t!("dialect.invalid_value").into_owned(), str::to_owned);
        match d.get("field").and_then(Value::as_str) {
            Some("body_html" | "body_text") => errors
                .fields
                .entry(field::TEXT.to_owned())
                .or_default()
                .push(message),
            Some(other) => errors
                .fields
                .entry(other.to_owned())
                .or_default()
                .push(message),
            None => errors.general.push(message),
        }
    }
    if errors.is_empty() && !detail.is_empty() {
        errors.general.push(detail);
    }
    errors
}

#[derive(Serialize)]
struct WireNote<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_html: Option<&'a str>,
    body_text: &'a str,
}

#[derive(Deserialize)]
struct WireMessage {
    id: Value,
    #[serde(default)]
    direction: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    from_address: Option<String>,
    #[serde(default)]
    from_name: Option<String>,
    #[serde(default)]
    cc_addresses: Option<Vec<String>>,
    #[serde(default)]
    body_html: Option<String>,
    #[serde(default)]
    body_text: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
}

impl WireMessage {
    fn into_model(self) -> Message {
        let is_internal = self.kind == "internal_note";
        let role = match (is_internal, self.direction.as_deref()) {
            (true, _) | (false, Some("outbound")) => Role::Associate,
            _ => Role::Customer,
        };
        let author = match (self.from_name, self.from_address) {
            (None, None) => None,
            (name, email) => Some(Person {
                name: name.unwrap_or_default(),
                email: email.unwrap_or_default(),
            }),
        };
        let created_at = self.created_at.unwrap_or_default();
        Message {
            id: value_text(&self.id),
            role,
            author,
            author_user_id: None,
            problems: problems(Some(&created_at), self.body_html.as_deref()),
            text: self.body_text,
            html: self.body_html,
            is_internal,
            cc: self.cc_addresses.unwrap_or_default(),
            attachments: Vec::new(),
            created_at,
        }
    }
}

#[derive(Deserialize)]
struct WireTicket {
    id: Value,
    #[serde(default)]
    ticket_number: Option<Value>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl WireTicket {
    fn into_model(self) -> Ticket {
        Ticket {
            id: value_text(&self.id),
            number: self.ticket_number.as_ref().map(value_text),
            subject: self.subject.unwrap_or_default(),
            requester: None,
            status: None,
            assignee: None,
            inbox: None,
            tags: Vec::new(),
            cc: Vec::new(),
            is_spam: false,
            created_at: self.created_at,
            updated_at: self.updated_at,
            fields: Vec::new(),
        }
    }
}
