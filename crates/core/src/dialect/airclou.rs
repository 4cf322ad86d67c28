//! The Airclou Helpdesk dialect: messages under `/helpdesk/api/messages` (session bearer
//! token; camelCase objects, snake_case bodies) and tickets under `/helpdesk/api/v1/tickets`
//! (with `X-Workspace-Id`). A message is a `request` (the customer's), a `response` (an agent's
//! reply, emailed unless `send_email` is false) or a `note`. Statuses are new, open, pending,
//! resolved and closed; `closed` is set only by automations, so no next action leads there.
//!
//! Decided where the documentation is silent (docs/api/CONTRACT.md): the message list is
//! `{messages, meta: {page, limit, total, hasMore}}`; uploads go to `POST /helpdesk/api/attachments`
//! (multipart `file`) and answer `{token, name, size}`; errors are `{"error": {code, message,
//! status, details}}`. A message's attachment is `{token, name, size, contentType?, url?}`.
//! There is no users list, so the assignee is not offered.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    body_excerpt, checked_json, message_or_placeholder, path_segment, problems,
    retry_after_seconds, value_text, Api, Dialect,
};
use crate::error::{ApiError, FieldErrors};
use crate::html::SafeHtml;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::i18n::isolate;
use crate::model::{
    field, Attachment, Capabilities, Message, NewMessage, NextAction, Page, Person, Role, Ticket,
    TicketField, TicketStatus, UploadFile, Visibility,
};
use crate::recipients::parse_recipients;

/// How to reach an Airclou Helpdesk workspace (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AirclouConfig {
    /// The API root ending in `/helpdesk/api`, absolute or relative to the page.
    pub api_base: String,
    /// The session token, sent as `Authorization: Bearer …`; absent when a gateway adds it.
    #[serde(default)]
    pub token: Option<String>,
    /// The `ws_…` workspace the ticket endpoints need.
    #[serde(default)]
    pub workspace_id: Option<String>,
    #[serde(default = "super::default_page_size")]
    pub page_size: u32,
}

/// The Airclou Helpdesk dialect for one workspace.
#[derive(Debug, Clone)]
pub struct Airclou {
    api: Api,
    workspace: Option<String>,
    page_size: u32,
}

impl Airclou {
    /// A dialect for `config`, with a relative `api_base` resolved against `page_url`.
    pub fn new(config: AirclouConfig, page_url: &str) -> Result<Self, ApiError> {
        let credential = config
            .token
            .filter(|t| !t.is_empty())
            .map(|t| ("Authorization".to_owned(), format!("Bearer {t}")));
        Ok(Self {
            api: Api::new(&config.api_base, page_url, credential)?,
            workspace: config.workspace_id.filter(|w| !w.is_empty()),
            // The documented range of `limit`.
            page_size: config.page_size.clamp(1, 100),
        })
    }

    /// A ticket endpoint's request, which carries the workspace.
    fn ticket_get(&self, path: &str) -> HttpRequest {
        let mut request = self.api.get(self.api.url(path));
        if let Some(ws) = &self.workspace {
            request
                .headers
                .push(("X-Workspace-Id".to_owned(), ws.clone()));
        }
        request
    }

    fn messages_url(&self, ticket_id: &str, page: u64, limit: u32) -> Result<String, ApiError> {
        Ok(self.api.url(&format!(
            "messages?ticket_id={}&page={page}&limit={}&sort_order=asc",
            path_segment(ticket_id)?,
            limit.clamp(1, 100)
        )))
    }
}

/// The documented priorities: (wire value, its label in the current locale).
fn priorities() -> [(&'static str, String); 4] {
    [
        ("low", t!("airclou.priority.low").into_owned()),
        ("normal", t!("airclou.priority.normal").into_owned()),
        ("high", t!("airclou.priority.high").into_owned()),
        ("urgent", t!("airclou.priority.urgent").into_owned()),
    ]
}

/// The documented ticket types: (wire value, its label in the current locale).
fn types() -> [(&'static str, String); 4] {
    [
        ("question", t!("airclou.type.question").into_owned()),
        ("incident", t!("airclou.type.incident").into_owned()),
        ("problem", t!("airclou.type.problem").into_owned()),
        ("task", t!("airclou.type.task").into_owned()),
    ]
}

/// The documented ticket properties a message can change.
fn fields() -> Vec<TicketField> {
    vec![
        TicketField {
            key: "priority",
            label: t!("airclou.field.priority").into_owned(),
            options: Vec::from(priorities()),
        },
        TicketField {
            key: "type",
            label: t!("airclou.field.type").into_owned(),
            options: Vec::from(types()),
        },
    ]
}

/// The label of `value` among `options`.
fn label_of(options: &[(&str, String)], value: &str) -> Option<String> {
    options
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| l.clone())
}

/// The status a next action sets; `None` for actions Airclou cannot take.
fn status_for(action: NextAction) -> Option<&'static str> {
    match action {
        NextAction::CloseAndMarkResolved => Some("resolved"),
        NextAction::ReopenWaitingCustomer => Some("pending"),
        NextAction::ReopenWaitingAssociate => Some("open"),
        _ => None,
    }
}

impl Dialect for Airclou {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_note: true,
            has_next_action: true,
            has_assignee: false,
            has_cc: true,
            has_attachments: true,
            has_ticket_list: true,
            has_email_switch: true,
            has_bcc: false,
            author_is_credential: true,
        }
    }

    fn next_actions(&self) -> Vec<NextAction> {
        NextAction::ALL
            .into_iter()
            .filter(|a| *a == NextAction::None || status_for(*a).is_some())
            .collect()
    }

    fn ticket_fields(&self) -> Vec<TicketField> {
        fields()
    }

    fn page_size(&self) -> u32 {
        self.page_size
    }

    fn list_tickets_request(&self) -> Option<HttpRequest> {
        Some(self.ticket_get(&format!(
            "v1/tickets?page_size={}&sort_by=updated_at&sort_order=desc",
            self.page_size
        )))
    }

    fn parse_ticket_page(&self, response: &HttpResponse) -> Result<Page<Ticket>, ApiError> {
        let list: WireTicketList = checked_json(response, error_of)?;
        let items = list
            .tickets
            .into_iter()
            .filter_map(|v| serde_json::from_value::<WireTicket>(v).ok())
            .map(WireTicket::into_model)
            .collect();
        Ok(Page {
            items,
            next: None,
            total: None,
        })
    }

    fn get_ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        Ok(self.ticket_get(&format!("v1/tickets/{}", path_segment(ticket_id)?)))
    }

    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError> {
        let wrapped: WireTicketEnvelope = checked_json(response, error_of)?;
        Ok(wrapped.ticket.into_model())
    }

    fn list_messages_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        self.message_page_request(ticket_id, 1, self.page_size)
    }

    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError> {
        let list: WireMessageList = checked_json(response, error_of)?;
        // Pages are asked for by number (the total comes with every page), so no link is
        // followed.
        Ok(Page {
            items: list
                .messages
                .into_iter()
                .map(|v| message_or_placeholder(v, "id", "createdAt", WireMessage::into_model))
                .collect(),
            next: None,
            total: list.meta.map(|m| m.total),
        })
    }

    fn message_page_request(
        &self,
        ticket_id: &str,
        page: u64,
        page_size: u32,
    ) -> Result<HttpRequest, ApiError> {
        Ok(self
            .api
            .get(self.messages_url(ticket_id, page.max(1), page_size)?))
    }

    fn next_page_request(&self, next_url: &str) -> Result<HttpRequest, ApiError> {
        self.api.next_page(next_url)
    }

    fn create_message_request(
        &self,
        ticket_id: &str,
        message: &NewMessage,
    ) -> Result<HttpRequest, ApiError> {
        let note = message.visibility == Visibility::Note;
        let status = match message.next_action {
            NextAction::None => None,
            action => Some(status_for(action).ok_or_else(|| {
                let label = action.label(None);
                ApiError::InvalidRequest(
                    t!(
                        "airclou.cannot_do",
                        action = label,
                        action_lowercase = label.to_lowercase()
                    )
                    .into_owned(),
                )
            })?),
        };
        let content = match &message.html {
            Some(html) if !html.trim().is_empty() => html.clone(),
            _ => SafeHtml::from_plain_text(&message.text).as_str().to_owned(),
        };
        let ccs = if note {
            None
        } else {
            message.cc.as_ref().map(|list| named_ccs(list))
        };
        let wire = WireNewMessage {
            ticket_id: path_segment(ticket_id)?,
            kind: if note { "note" } else { "response" },
            content,
            text_content: Some(message.text.as_str()).filter(|t| !t.trim().is_empty()),
            ccs,
            attachments: message
                .attachments
                .iter()
                .map(|a| WireAttachmentRef {
                    token: &a.id,
                    name: &a.name,
                    size: a.size.unwrap_or(0),
                })
                .collect(),
            send_email: if note { None } else { message.send_email },
            ticket_update: ticket_update(status, message)?,
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
        let value: Value = checked_json(response, error_of)?;
        // `{message: {…}}` like the ticket endpoints, or the bare message.
        let inner = value.get("message").cloned().unwrap_or(value);
        serde_json::from_value::<WireMessage>(inner)
            .map(WireMessage::into_model)
            .map_err(|e| ApiError::InvalidResponse(format!("the created message: {e}")))
    }

    fn upload_attachment_request(&self, _file: &UploadFile) -> Result<HttpRequest, ApiError> {
        Ok(self.api.request(
            Method::Post,
            self.api.url("attachments"),
            Body::File {
                field: "file".to_owned(),
            },
        ))
    }

    fn parse_uploaded_attachment(&self, response: &HttpResponse) -> Result<Attachment, ApiError> {
        let a: WireAttachment = checked_json(response, error_of)?;
        Ok(a.into_model())
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

/// CC addresses as Airclou's `{email, name}`; a name given as `Ann <ann@x.com>` is kept.
fn named_ccs(list: &[String]) -> Vec<WireCc> {
    list.iter()
        .flat_map(|entry| parse_recipients(entry))
        .map(|r| WireCc {
            name: r.name.clone().filter(|n| !n.is_empty()),
            email: r.address,
        })
        .collect()
}

/// `{"error": {code, message, status, details}}`, in plain words for the documented codes.
fn error_of(response: &HttpResponse) -> ApiError {
    let json: Option<Value> = serde_json::from_str(&response.body).ok();
    let error = json.as_ref().and_then(|v| v.get("error"));
    let text = |key: &str| {
        error
            .and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let code = text("code").unwrap_or_default();
    let message = text("message").unwrap_or_else(|| body_excerpt(&response.body));
    match (response.status, code.as_str()) {
        (_, "TICKET_CLOSED") => ApiError::Forbidden(t!("airclou.ticket_closed").into_owned()),
        (_, "CLOSED_STATUS_SYSTEM_ONLY") => {
            ApiError::Forbidden(t!("airclou.close_automation_only").into_owned())
        }
        (_, "RATE_LIMIT_EXCEEDED") | (429, _) => ApiError::RateLimited {
            retry_after: retry_after_seconds(response),
        },
        (400 | 422, _) => ApiError::Validation(validation(error, message)),
        (401, _) => ApiError::Unauthorized(message),
        (403, _) => ApiError::Forbidden(message),
        (404, _) => ApiError::NotFound(message),
        (413, _) => ApiError::PayloadTooLarge(message),
        (status, _) => ApiError::Server {
            status,
            detail: message,
        },
    }
}

/// `details: {field: [{code, message}]}` by the composer's field names.
fn validation(error: Option<&Value>, message: String) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let details = error
        .and_then(|e| e.get("details"))
        .and_then(Value::as_object);
    for (name, problems) in details.into_iter().flatten() {
        let ours = match name.as_str() {
            "content" | "text_content" => field::TEXT.to_owned(),
            // `ccs[1].email` is about the second chip: `cc[1]`, as the composer marks them.
            n if n.starts_with("ccs[") => n
                .strip_prefix("ccs[")
                .and_then(|rest| rest.split_once(']'))
                .map_or(field::CC.to_owned(), |(i, _)| format!("{}[{i}]", field::CC)),
            n if n.starts_with("ccs") => field::CC.to_owned(),
            n if n.starts_with("attachments") => field::ATTACHMENTS.to_owned(),
            "ticket_update" | "ticket_update.status" => field::NEXT_ACTION.to_owned(),
            other => other.to_owned(),
        };
        let list = problems.as_array().cloned().unwrap_or_default();
        for p in list {
            let text = p
                .get("message")
                .and_then(Value::as_str)
                .or_else(|| p.as_str())
                .map_or_else(|| t!("dialect.invalid_value").into_owned(), str::to_owned);
            errors.fields.entry(ours.to_owned()).or_default().push(text);
        }
    }
    if errors.is_empty() {
        errors.general.push(if message.is_empty() {
            t!("dialect.not_accepted").into_owned()
        } else {
            message
        });
    }
    errors
}

#[derive(Serialize)]
struct WireNewMessage<'a> {
    ticket_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ccs: Option<Vec<WireCc>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<WireAttachmentRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_email: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_update: Option<WireTicketUpdate<'a>>,
}

#[derive(Serialize, Deserialize)]
struct WireCc {
    email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize)]
struct WireAttachmentRef<'a> {
    token: &'a str,
    name: &'a str,
    size: u64,
}

#[derive(Serialize)]
struct WireTicketUpdate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
}

/// `ticket_update` from the next action's status and the changed fields; `None` when nothing
/// changes. An unknown field or value is refused before any request.
fn ticket_update<'a>(
    status: Option<&'static str>,
    message: &'a NewMessage,
) -> Result<Option<WireTicketUpdate<'a>>, ApiError> {
    let mut update = WireTicketUpdate {
        status,
        priority: None,
        kind: None,
    };
    for (key, value) in &message.ticket_fields {
        let (slot, options, label) = match key.as_str() {
            "priority" => (
                &mut update.priority,
                priorities(),
                t!("airclou.field.priority"),
            ),
            "type" => (&mut update.kind, types(), t!("airclou.field.type")),
            other => {
                return Err(ApiError::InvalidRequest(
                    t!("airclou.no_field", field = isolate(&format!("{other:?}"))).into_owned(),
                ))
            }
        };
        if label_of(&options, value).is_none() {
            return Err(ApiError::InvalidRequest(
                t!(
                    "airclou.bad_field_value",
                    value = isolate(&format!("{value:?}")),
                    key = key,
                    label = label
                )
                .into_owned(),
            ));
        }
        *slot = Some(value.as_str());
    }
    let empty = update.status.is_none() && update.priority.is_none() && update.kind.is_none();
    Ok((!empty).then_some(update))
}

#[derive(Deserialize)]
struct WireMessageList {
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default)]
    meta: Option<WireMeta>,
}

#[derive(Deserialize)]
struct WireMeta {
    total: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMessage {
    id: Value,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    text_content: Option<String>,
    #[serde(default)]
    author_id: Option<Value>,
    #[serde(default)]
    author_name: Option<String>,
    #[serde(default)]
    author_email: Option<String>,
    #[serde(default)]
    attachments: Option<Vec<WireAttachment>>,
    #[serde(default)]
    ccs: Option<Vec<WireCc>>,
    #[serde(default)]
    created_at: Option<String>,
}

impl WireMessage {
    fn into_model(self) -> Message {
        let (role, internal) = match self.kind.as_str() {
            "request" => (Role::Customer, false),
            "note" => (Role::Associate, true),
            "response" => (Role::Associate, false),
            _ => (Role::System, false),
        };
        let created_at = self.created_at.unwrap_or_default();
        let html = self.content.filter(|c| !c.trim().is_empty());
        let author = match (self.author_name, self.author_email) {
            (None, None) => None,
            (name, email) => Some(Person {
                name: name.unwrap_or_default(),
                email: email.unwrap_or_default(),
            }),
        };
        Message {
            id: value_text(&self.id),
            role,
            author,
            author_user_id: self.author_id.as_ref().map(value_text),
            problems: problems(Some(&created_at), html.as_deref()),
            text: if html.is_none() {
                self.text_content
            } else {
                None
            },
            html,
            is_internal: internal,
            cc: self
                .ccs
                .unwrap_or_default()
                .into_iter()
                .map(|c| match c.name {
                    Some(name) if !name.is_empty() => format!("{name} <{}>", c.email),
                    _ => c.email,
                })
                .collect(),
            attachments: self
                .attachments
                .unwrap_or_default()
                .into_iter()
                .map(WireAttachment::into_model)
                .collect(),
            created_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAttachment {
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl WireAttachment {
    fn into_model(self) -> Attachment {
        Attachment {
            id: self.token,
            name: self.name,
            size: self.size,
            content_type: self.content_type,
            download_url: self.url,
        }
    }
}

#[derive(Deserialize)]
struct WireTicketList {
    #[serde(default)]
    tickets: Vec<Value>,
}

#[derive(Deserialize)]
struct WireTicketEnvelope {
    ticket: WireTicket,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTicket {
    id: Value,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    requester_email: Option<String>,
    #[serde(default)]
    requester_name: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl WireTicket {
    fn into_model(self) -> Ticket {
        let requester = match (self.requester_name, self.requester_email) {
            (None, None) => None,
            (name, email) => Some(Person {
                name: name.unwrap_or_default(),
                email: email.unwrap_or_default(),
            }),
        };
        Ticket {
            id: value_text(&self.id),
            number: None,
            subject: self.subject.unwrap_or_default(),
            requester,
            status: self.status.as_deref().and_then(|s| match s {
                "new" | "open" => Some(TicketStatus::WaitingAssociate),
                "pending" => Some(TicketStatus::WaitingCustomer),
                "resolved" => Some(TicketStatus::ClosedResolved),
                "closed" => Some(TicketStatus::ClosedOther),
                _ => None,
            }),
            // Only the assignee's id is given, and there is no users list to name them.
            assignee: None,
            inbox: None,
            tags: self.tags,
            cc: Vec::new(),
            is_spam: false,
            created_at: self.created_at,
            updated_at: self.updated_at,
            fields: [
                (
                    t!("airclou.field.priority"),
                    self.priority.as_deref(),
                    priorities(),
                ),
                (t!("airclou.field.type"), self.kind.as_deref(), types()),
            ]
            .into_iter()
            .filter_map(|(label, value, options)| {
                Some((label.into_owned(), label_of(&options, value?)?))
            })
            .collect(),
        }
    }
}
