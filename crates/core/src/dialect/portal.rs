//! The customer's view: the reference server's `/portal-api/{link}`, where the signed link
//! in the path is the only credential and names one ticket. `GET {link}?page=N&page_size=S`
//! is the ticket and one page of its customer-visible messages, oldest first, with their
//! `count` (so the newest pages are read first, as for Initdesk); `POST {link}/messages`
//! takes `{text, html}` as the
//! customer's reply; errors are `{"detail": …}` (403 an invalid link, 410 an expired one).
//! The customer can reply, nothing else: no notes, CC, next action, assignee or uploads.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    body_excerpt, checked_json, message_or_placeholder, problems, retry_after_seconds, value_text,
    Api, Dialect,
};
use crate::error::{ApiError, FieldErrors};
use crate::http::{HttpRequest, HttpResponse};
use crate::model::{
    Attachment, Capabilities, Message, NewMessage, Page, Person, Role, Ticket, TicketStatus,
    UploadFile, Visibility,
};

/// Where the customer's conversation is (from the link's own `config.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PortalConfig {
    /// `/portal-api/{link}`, absolute or relative to the page.
    pub api_base: String,
    /// Whether the customer can reply here (not where the helpdesk takes no message from
    /// them: the view is then read-only and says so).
    #[serde(default = "yes")]
    pub can_reply: bool,
}

fn yes() -> bool {
    true
}

/// The customer's view of one ticket.
#[derive(Debug, Clone)]
pub struct Portal {
    api: Api,
    can_reply: bool,
}

impl Portal {
    /// A dialect for `config`, with a relative `api_base` resolved against `page_url`.
    pub fn new(config: PortalConfig, page_url: &str) -> Result<Self, ApiError> {
        Ok(Self {
            api: Api::new(&config.api_base, page_url, None)?,
            can_reply: config.can_reply,
        })
    }

    /// One page of the conversation document (the link names the ticket, so ids are not
    /// needed).
    fn conversation(&self, page: u64, page_size: u32) -> HttpRequest {
        self.api.get(format!(
            "{}?page={}&page_size={}",
            self.api.root(),
            page.max(1),
            page_size.clamp(1, 100)
        ))
    }
}

impl Dialect for Portal {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: self.can_reply,
            can_note: false,
            has_next_action: false,
            has_assignee: false,
            has_cc: false,
            has_attachments: false,
            has_ticket_list: false,
            has_email_switch: false,
            has_bcc: false,
            author_is_credential: false,
        }
    }

    fn page_size(&self) -> u32 {
        super::default_page_size()
    }

    fn list_tickets_request(&self) -> Option<HttpRequest> {
        None
    }

    fn parse_ticket_page(&self, response: &HttpResponse) -> Result<Page<Ticket>, ApiError> {
        Err(error_of(response))
    }

    /// The ticket comes with every page: the smallest one will do.
    fn get_ticket_request(&self, _ticket_id: &str) -> Result<HttpRequest, ApiError> {
        Ok(self.conversation(1, 1))
    }

    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError> {
        let doc: WireConversation = checked_json(response, error_of)?;
        Ok(doc.ticket.into_model())
    }

    fn list_messages_request(&self, _ticket_id: &str) -> Result<HttpRequest, ApiError> {
        Ok(self.conversation(1, self.page_size()))
    }

    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError> {
        let doc: WireConversation = checked_json(response, error_of)?;
        Ok(Page {
            items: doc
                .messages
                .into_iter()
                .map(|v| message_or_placeholder(v, "id", "created_at", WireMessage::into_model))
                .collect(),
            next: None,
            total: doc.count,
        })
    }

    fn message_page_request(
        &self,
        _ticket_id: &str,
        page: u64,
        page_size: u32,
    ) -> Result<HttpRequest, ApiError> {
        Ok(self.conversation(page, page_size))
    }

    fn next_page_request(&self, next_url: &str) -> Result<HttpRequest, ApiError> {
        self.api.next_page(next_url)
    }

    fn create_message_request(
        &self,
        _ticket_id: &str,
        message: &NewMessage,
    ) -> Result<HttpRequest, ApiError> {
        if message.visibility == Visibility::Note {
            return Err(ApiError::InvalidRequest(t!("portal.no_notes").into_owned()));
        }
        if !self.can_reply {
            return Err(ApiError::InvalidRequest(
                t!("portal.read_only").into_owned(),
            ));
        }
        if !message.attachments.is_empty() {
            return Err(ApiError::InvalidRequest(t!("portal.no_files").into_owned()));
        }
        let wire = WireReply {
            text: &message.text,
            html: message.html.as_deref().filter(|h| !h.trim().is_empty()),
        };
        self.api.post_json(
            self.api.url("messages"),
            &wire,
            message.idempotency_key.as_deref(),
        )
    }

    fn parse_created_message(
        &self,
        response: &HttpResponse,
        _sent: &NewMessage,
    ) -> Result<Message, ApiError> {
        let m: WireMessage = checked_json(response, error_of)?;
        Ok(m.into_model())
    }

    fn upload_attachment_request(&self, _file: &UploadFile) -> Result<HttpRequest, ApiError> {
        Err(ApiError::InvalidRequest(t!("portal.no_files").into_owned()))
    }

    fn parse_uploaded_attachment(&self, response: &HttpResponse) -> Result<Attachment, ApiError> {
        Err(error_of(response))
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

/// `{"detail": …}` in the portal's own words (an expired link is a refusal the customer
/// can act on, so 410 reads like 403).
fn error_of(response: &HttpResponse) -> ApiError {
    let detail = serde_json::from_str::<Value>(&response.body)
        .ok()
        .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body_excerpt(&response.body));
    match response.status {
        400 | 422 => ApiError::Validation(FieldErrors {
            general: vec![detail],
            ..FieldErrors::default()
        }),
        401 => ApiError::Unauthorized(detail),
        403 | 410 => ApiError::Forbidden(detail),
        404 => ApiError::NotFound(detail),
        429 => ApiError::RateLimited {
            retry_after: retry_after_seconds(response),
        },
        status => ApiError::Server { status, detail },
    }
}

#[derive(Serialize)]
struct WireReply<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<&'a str>,
}

#[derive(Deserialize)]
struct WireConversation {
    ticket: WireTicket,
    #[serde(default)]
    messages: Vec<Value>,
    /// How many messages the pages hold in all (absent: this answer is the whole thread).
    #[serde(default)]
    count: Option<u64>,
}

#[derive(Deserialize)]
struct WireTicket {
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    requester: Option<Person>,
    #[serde(default)]
    created_at: Option<String>,
}

impl WireTicket {
    fn into_model(self) -> Ticket {
        Ticket {
            number: self.number,
            subject: self.subject,
            requester: self.requester,
            status: self.status.as_deref().and_then(|s| match s {
                "open" => Some(TicketStatus::WaitingAssociate),
                "awaiting_your_reply" => Some(TicketStatus::WaitingCustomer),
                "closed" => Some(TicketStatus::ClosedOther),
                _ => None,
            }),
            created_at: self.created_at,
            ..Ticket::default()
        }
    }
}

#[derive(Deserialize)]
struct WireMessage {
    id: Value,
    role: String,
    #[serde(default)]
    author: Option<Person>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    cc: Vec<String>,
    #[serde(default)]
    attachments: Vec<WireAttachment>,
    #[serde(default)]
    created_at: String,
}

impl WireMessage {
    fn into_model(self) -> Message {
        let role = match self.role.as_str() {
            "customer" => Role::Customer,
            "cc" => Role::Cc,
            _ => Role::Associate,
        };
        let html = self.html.filter(|h| !h.trim().is_empty());
        Message {
            id: value_text(&self.id),
            role,
            author: self.author,
            author_user_id: None,
            problems: problems(Some(&self.created_at), html.as_deref()),
            text: self.text.filter(|t| !t.is_empty()),
            html,
            // Notes never reach this page.
            is_internal: false,
            cc: self.cc,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    id: a.id,
                    name: a.name,
                    size: a.size,
                    content_type: a.content_type,
                    download_url: a.download_url,
                })
                .collect(),
            created_at: self.created_at,
        }
    }
}

#[derive(Deserialize)]
struct WireAttachment {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    download_url: Option<String>,
}
