//! The Requestor dialect (servicedesk.net, ASP.NET Web API): `POST Tickets/NewMessage` and the
//! thread inside `GET Tickets/GetTicket/{id}`, JSON only, with a configurable auth header.
//! A message is a comment, private (`IsPrivate`, operators only) or public; a public one may
//! also go out as an email (`SendViaOutboundEmail`), which needs an existing mailbox in
//! `SendViaOutboundEmailFrom` and may carry CC and BCC.
//!
//! Decided where the documentation is silent (docs/api/CONTRACT.md; docs/api/requestor.md): a
//! message in `Messages` is `{TicketMessageId, Message, Html, IsPrivate, CreatedUTC,
//! AuthorName}`; `CreatedUTC` without an offset is UTC; errors are ASP.NET's `{"Message": …}`.
//! There is no ticket list, users list, attachment upload or next action in the API.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    body_excerpt, checked_json, message_or_placeholder, problems, retry_after_seconds, value_text,
    Api, Dialect,
};
use crate::error::{ApiError, FieldErrors};
use crate::http::{HttpRequest, HttpResponse};
use crate::i18n::isolate;
use crate::model::{
    Attachment, Capabilities, Message, NewMessage, Page, Person, Role, Ticket, TicketStatus,
    UploadFile, User, Visibility,
};
use crate::recipients::addresses;

/// How to reach a Requestor instance (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RequestorConfig {
    /// The API root, ending in `/api` (absolute or relative to the page).
    pub api_base: String,
    /// The header that carries the credential (the documentation does not name one).
    #[serde(default = "default_auth_header")]
    pub auth_header: String,
    /// The credential, sent as the header's value; absent when a gateway adds it.
    #[serde(default)]
    pub token: Option<String>,
    /// The mailboxes an emailed reply may go out from (the API must be given an existing one).
    #[serde(default)]
    pub outbound_mailboxes: Vec<String>,
}

fn default_auth_header() -> String {
    "Authorization".to_owned()
}

/// The Requestor dialect for one instance.
#[derive(Debug, Clone)]
pub struct Requestor {
    api: Api,
    mailboxes: Vec<String>,
}

impl Requestor {
    /// A dialect for `config`, with a relative `api_base` resolved against `page_url`.
    pub fn new(config: RequestorConfig, page_url: &str) -> Result<Self, ApiError> {
        let credential = config
            .token
            .filter(|t| !t.is_empty())
            .map(|t| (config.auth_header.clone(), t));
        Ok(Self {
            api: Api::new(&config.api_base, page_url, credential)?,
            mailboxes: config.outbound_mailboxes,
        })
    }

    fn ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        Ok(self.api.get(self.api.url(&format!(
            "Tickets/GetTicket/{}?plainTextOnly=false",
            ticket_ref(ticket_id)?
        ))))
    }
}

/// A ticket is named by its id (`47`) or its reference (`INC-000047`).
fn ticket_ref(id: &str) -> Result<&str, ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id)
    } else {
        Err(ApiError::InvalidRequest(
            t!("requestor.bad_ticket_ref", id = isolate(&format!("{id:?}"))).into_owned(),
        ))
    }
}

impl Dialect for Requestor {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_note: true,
            has_next_action: false,
            has_assignee: false,
            has_cc: true,
            has_attachments: false,
            has_ticket_list: false,
            has_email_switch: true,
            has_bcc: true,
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

    fn get_ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        self.ticket_request(ticket_id)
    }

    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError> {
        Ok(checked_json::<WireTicket>(response, error_of)?.into_ticket())
    }

    fn list_messages_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        self.ticket_request(ticket_id)
    }

    /// The whole thread, from the ticket: no count, no next page.
    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError> {
        let ticket: WireTicketMessages = checked_json(response, error_of)?;
        let submitter = ticket.submitter_full_name.unwrap_or_default();
        let items = ticket
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                message_or_placeholder(v, "TicketMessageId", "CreatedUTC", |m: WireMessage| {
                    m.into_model(&submitter)
                })
            })
            .collect();
        Ok(Page {
            items,
            next: None,
            total: None,
        })
    }

    fn message_page_request(
        &self,
        ticket_id: &str,
        _page: u64,
        _page_size: u32,
    ) -> Result<HttpRequest, ApiError> {
        self.ticket_request(ticket_id)
    }

    fn next_page_request(&self, next_url: &str) -> Result<HttpRequest, ApiError> {
        self.api.next_page(next_url)
    }

    fn create_message_request(
        &self,
        ticket_id: &str,
        message: &NewMessage,
    ) -> Result<HttpRequest, ApiError> {
        let id = ticket_ref(ticket_id)?;
        let private = message.visibility == Visibility::Note;
        let email = !private && message.send_email.unwrap_or(true);
        let from = if email {
            match message.from_mailbox.as_deref().map(str::trim) {
                Some(m) if !m.is_empty() => Some(m),
                _ => {
                    return Err(ApiError::InvalidRequest(
                        t!("requestor.choose_mailbox").into_owned(),
                    ))
                }
            }
        } else {
            None
        };
        if !message.attachments.is_empty() {
            return Err(ApiError::InvalidRequest(
                t!("requestor.no_attachments").into_owned(),
            ));
        }
        let (body, html) = match &message.html {
            Some(html) if !html.trim().is_empty() => (html.as_str(), true),
            _ => (message.text.as_str(), false),
        };
        let list = |l: &[String]| (email && !l.is_empty()).then(|| addresses(l));
        let wire = WireNewMessage {
            ticket_id: id.parse::<i64>().ok(),
            ticket_ref: id.parse::<i64>().is_err().then_some(id),
            message: body,
            html,
            is_private: private,
            send_via_outbound_email: email,
            send_via_outbound_email_from: from,
            send_via_outbound_email_cc: list(message.cc.as_deref().unwrap_or_default()),
            send_via_outbound_email_bcc: list(&message.bcc),
        };
        self.api
            .post_json(self.api.url("Tickets/NewMessage"), &wire, None)
    }

    /// The answer is `{TicketMessageId}` only: the message is what was sent, under that id
    /// (its time comes with the next read of the thread).
    fn parse_created_message(
        &self,
        response: &HttpResponse,
        sent: &NewMessage,
    ) -> Result<Message, ApiError> {
        let created: WireCreated = checked_json(response, error_of)?;
        Ok(Message {
            id: value_text(&created.ticket_message_id),
            role: Role::Associate,
            author: None,
            author_user_id: None,
            text: Some(sent.text.clone()),
            html: sent.html.clone(),
            is_internal: sent.visibility == Visibility::Note,
            cc: sent.cc.clone().unwrap_or_default(),
            attachments: Vec::new(),
            created_at: String::new(),
            problems: Vec::new(),
        })
    }

    fn upload_attachment_request(&self, _file: &UploadFile) -> Result<HttpRequest, ApiError> {
        Err(ApiError::InvalidRequest(
            t!("requestor.no_upload").into_owned(),
        ))
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

    fn outbound_mailboxes(&self) -> Vec<String> {
        self.mailboxes.clone()
    }
}

/// ASP.NET's `{"Message": "…"}` (with `ModelState` for model errors), else the body's start.
fn error_of(response: &HttpResponse) -> ApiError {
    let json: Option<Value> = serde_json::from_str(&response.body).ok();
    let message = json
        .as_ref()
        .and_then(|v| v.get("Message").or_else(|| v.get("message")))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body_excerpt(&response.body));
    match response.status {
        400 | 422 => {
            let mut errors = FieldErrors::default();
            let model_state = json
                .as_ref()
                .and_then(|v| v.get("ModelState"))
                .and_then(Value::as_object);
            for (_, messages) in model_state.into_iter().flatten() {
                for m in messages.as_array().into_iter().flatten() {
                    if let Some(m) = m.as_str() {
                        errors.general.push(m.to_owned());
                    }
                }
            }
            if errors.general.is_empty() {
                errors.general.push(if message.is_empty() {
                    t!("dialect.bad_request").into_owned()
                } else {
                    message
                });
            }
            ApiError::Validation(errors)
        }
        401 => ApiError::Unauthorized(message),
        403 => ApiError::Forbidden(message),
        404 => ApiError::NotFound(message),
        413 => ApiError::PayloadTooLarge(message),
        429 => ApiError::RateLimited {
            retry_after: retry_after_seconds(response),
        },
        status => ApiError::Server {
            status,
            detail: message,
        },
    }
}

/// `CreatedUTC` as RFC 3339: ASP.NET often leaves out the offset of a UTC time.
fn utc(created: Option<String>) -> String {
    match created {
        Some(t) if !t.is_empty() && !has_offset(&t) => format!("{t}Z"),
        other => other.unwrap_or_default(),
    }
}

fn has_offset(t: &str) -> bool {
    let time = t.split_once('T').map_or("", |(_, time)| time);
    time.ends_with(['Z', 'z']) || time.contains('+') || time.contains('-')
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireNewMessage<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_id: Option<i64>,
    #[serde(rename = "TicketREF", skip_serializing_if = "Option::is_none")]
    ticket_ref: Option<&'a str>,
    message: &'a str,
    html: bool,
    is_private: bool,
    send_via_outbound_email: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_via_outbound_email_from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_via_outbound_email_cc: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_via_outbound_email_bcc: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireCreated {
    ticket_message_id: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireTicketMessages {
    #[serde(default)]
    submitter_full_name: Option<String>,
    #[serde(default)]
    messages: Option<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireMessage {
    ticket_message_id: Value,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    html: bool,
    #[serde(default)]
    is_private: bool,
    #[serde(rename = "CreatedUTC", default)]
    created_utc: Option<String>,
    #[serde(default)]
    author_name: Option<String>,
}

impl WireMessage {
    fn into_model(self, submitter: &str) -> Message {
        let author = self.author_name.filter(|n| !n.trim().is_empty());
        let role = match &author {
            _ if self.is_private => Role::Associate,
            Some(name) if !submitter.is_empty() && name == submitter => Role::Customer,
            Some(_) => Role::Associate,
            None => Role::System,
        };
        let created_at = utc(self.created_utc);
        let (text, html) = if self.html {
            (None, self.message)
        } else {
            (self.message, None)
        };
        Message {
            id: value_text(&self.ticket_message_id),
            role,
            author: author.map(|name| Person {
                name,
                email: String::new(),
            }),
            author_user_id: None,
            problems: problems(Some(&created_at), html.as_deref()),
            text,
            html,
            is_internal: self.is_private,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireTicket {
    ticket_id: Value,
    #[serde(rename = "TicketREF", default)]
    ticket_ref: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(rename = "CreatedUTC", default)]
    created_utc: Option<String>,
    #[serde(default)]
    closed: bool,
    #[serde(default)]
    submitter_full_name: Option<String>,
    #[serde(default)]
    solver_key: Option<Value>,
    #[serde(default)]
    solver_full_name: Option<String>,
}

impl WireTicket {
    fn into_ticket(self) -> Ticket {
        Ticket {
            id: value_text(&self.ticket_id),
            number: self.ticket_ref,
            subject: self.subject.unwrap_or_default(),
            requester: self
                .submitter_full_name
                .filter(|n| !n.is_empty())
                .map(|name| Person {
                    name,
                    email: String::new(),
                }),
            // Requestor says only whether it is closed.
            status: self.closed.then_some(TicketStatus::ClosedOther),
            assignee: self
                .solver_full_name
                .filter(|n| !n.is_empty())
                .map(|name| User {
                    id: self.solver_key.as_ref().map(value_text).unwrap_or_default(),
                    name,
                    email: String::new(),
                }),
            inbox: None,
            tags: Vec::new(),
            cc: Vec::new(),
            is_spam: false,
            created_at: Some(utc(self.created_utc)),
            updated_at: None,
            fields: Vec::new(),
        }
    }
}
