//! The Initdesk dialect (the primary API): DRF-style JSON under `/organizations/{org}/`,
//! authenticated with `X-Initdesk-Token`. Wire types are private and mapped into the model.
//! See docs/api/CONTRACT.md for what the reference server and this client agree on.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    body_excerpt, json_body, path_segment, problems, retry_after_seconds, value_text, Api, Dialect,
};
use crate::error::{ApiError, FieldErrors};
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::i18n::isolate;
use crate::model::{
    field, AssigneeChange, Attachment, Capabilities, Message, NewMessage, NextAction, Page, Person,
    Role, Ticket, TicketStatus, UploadFile, User, Visibility,
};
use crate::recipients::addresses;

/// The header carrying the organisation token.
pub const TOKEN_HEADER: &str = "X-Initdesk-Token";

/// How to reach an Initdesk organisation (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InitdeskConfig {
    /// The API root, absolute or relative to the page (`https://api.initdesk.com`, `/api/initdesk`).
    pub api_base: String,
    /// The numeric organisation id used in paths.
    #[serde(deserialize_with = "de_id")]
    pub organization_id: String,
    /// The token; absent when a gateway adds it on the server.
    #[serde(default)]
    pub token: Option<String>,
    /// Page size for lists.
    #[serde(default = "super::default_page_size")]
    pub page_size: u32,
}

/// The Initdesk dialect for one organisation.
#[derive(Debug, Clone)]
pub struct Initdesk {
    api: Api,
    org: String,
    page_size: u32,
}

impl Initdesk {
    /// A dialect for `config`, with a relative `api_base` resolved against `page_url`.
    pub fn new(config: InitdeskConfig, page_url: &str) -> Result<Self, ApiError> {
        let org = path_segment(&config.organization_id)?.to_owned();
        let credential = config
            .token
            .filter(|t| !t.is_empty())
            .map(|t| (TOKEN_HEADER.to_owned(), t));
        Ok(Self {
            api: Api::new(&config.api_base, page_url, credential)?,
            org,
            page_size: config.page_size.clamp(1, 100),
        })
    }

    fn url(&self, path: &str) -> String {
        self.api.url(&format!("organizations/{}/{path}", self.org))
    }

    fn request(&self, method: Method, url: String, body: Body) -> HttpRequest {
        self.api.request(method, url, body)
    }

    fn get(&self, url: String) -> HttpRequest {
        self.api.get(url)
    }
}

impl Dialect for Initdesk {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_note: true,
            has_next_action: true,
            has_assignee: true,
            has_cc: true,
            has_attachments: true,
            has_ticket_list: true,
            has_email_switch: false,
            has_bcc: false,
            author_is_credential: true,
        }
    }

    fn page_size(&self) -> u32 {
        self.page_size
    }

    fn list_tickets_request(&self) -> Option<HttpRequest> {
        Some(self.get(self.url(&format!("tickets/?page=1&page_size={}", self.page_size))))
    }

    fn parse_ticket_page(&self, response: &HttpResponse) -> Result<Page<Ticket>, ApiError> {
        parse_page(response, |v| {
            serde_json::from_value::<WireTicket>(v).map(WireTicket::into_model)
        })
    }

    fn get_ticket_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        Ok(self.get(self.url(&format!("tickets/{}/", path_segment(ticket_id)?))))
    }

    fn parse_ticket(&self, response: &HttpResponse) -> Result<Ticket, ApiError> {
        check_status(response)?;
        json_body::<WireTicket>(response).map(WireTicket::into_model)
    }

    fn list_messages_request(&self, ticket_id: &str) -> Result<HttpRequest, ApiError> {
        let path = format!(
            "tickets/{}/messages/?page=1&page_size={}",
            path_segment(ticket_id)?,
            self.page_size
        );
        Ok(self.get(self.url(&path)))
    }

    fn parse_message_page(&self, response: &HttpResponse) -> Result<Page<Message>, ApiError> {
        // An item that does not parse stays in the thread as a marked placeholder.
        parse_page(response, |v| {
            let (id, at) = (
                v.get("id").map(value_text),
                v.get("created_at")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            );
            Ok(serde_json::from_value::<WireMessage>(v)
                .map(WireMessage::into_model)
                .unwrap_or_else(|e| Message::unreadable(id, at, e.to_string())))
        })
    }

    fn message_page_request(
        &self,
        ticket_id: &str,
        page: u64,
        page_size: u32,
    ) -> Result<HttpRequest, ApiError> {
        let path = format!(
            "tickets/{}/messages/?page={}&page_size={}",
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
        let url = self.url(&format!("tickets/{}/messages/", path_segment(ticket_id)?));
        let body = WireCreateMessage::from_model(message)?;
        self.api
            .post_json(url, &body, message.idempotency_key.as_deref())
    }

    fn parse_created_message(
        &self,
        response: &HttpResponse,
        _sent: &NewMessage,
    ) -> Result<Message, ApiError> {
        check_status(response)?;
        json_body::<WireMessage>(response).map(WireMessage::into_model)
    }

    fn upload_attachment_request(&self, file: &UploadFile) -> Result<HttpRequest, ApiError> {
        if file.name.trim().is_empty() {
            return Err(ApiError::InvalidRequest(
                t!("initdesk.file_without_name").into_owned(),
            ));
        }
        Ok(self.request(
            Method::Post,
            self.url("attachments/"),
            Body::File {
                field: "file".into(),
            },
        ))
    }

    fn parse_uploaded_attachment(&self, response: &HttpResponse) -> Result<Attachment, ApiError> {
        check_status(response)?;
        json_body::<WireAttachment>(response).map(WireAttachment::into_model)
    }

    fn download_request(&self, attachment: &Attachment) -> Option<HttpRequest> {
        self.api.download(attachment)
    }

    fn credential(&self) -> Option<(String, String)> {
        self.api.credential()
    }

    fn parse_error(&self, response: &HttpResponse) -> ApiError {
        check_status(response)
            .err()
            .unwrap_or_else(|| ApiError::Server {
                status: response.status,
                detail: "unexpected response".into(),
            })
    }

    fn list_users_request(&self) -> Option<HttpRequest> {
        Some(self.get(self.url("users/")))
    }

    fn parse_users(&self, response: &HttpResponse) -> Result<Option<Vec<User>>, ApiError> {
        if response.status == 404 {
            return Ok(None);
        }
        let page = parse_page(response, |v| {
            serde_json::from_value::<WireUserRef>(v).map(|u| Some(u.into_user()))
        })?;
        Ok(Some(page.items.into_iter().flatten().collect()))
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// Maps a non-2xx response to its typed error (DRF's shapes).
pub(crate) fn check_status(response: &HttpResponse) -> Result<(), ApiError> {
    if response.is_success() {
        return Ok(());
    }
    let json: Option<Value> = serde_json::from_str(&response.body).ok();
    let detail = json
        .as_ref()
        .and_then(|v| v.get("detail"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body_excerpt(&response.body));
    Err(match response.status {
        400 | 422 => ApiError::Validation(match json {
            Some(Value::Object(map)) => field_errors(&map),
            _ => FieldErrors {
                general: vec![if detail.is_empty() {
                    t!("dialect.bad_request").into_owned()
                } else {
                    detail
                }],
                ..FieldErrors::default()
            },
        }),
        401 => ApiError::Unauthorized(detail),
        403 => ApiError::Forbidden(detail),
        404 => ApiError::NotFound(detail),
        413 => ApiError::PayloadTooLarge(detail),
        429 => ApiError::RateLimited {
            retry_after: retry_after_seconds(response),
        },
        status => ApiError::Server { status, detail },
    })
}

/// Flattens DRF validation errors: `{"field": ["msg"]}`, nested objects for list items
/// (`{"field": {"1": ["msg"]}}` → `field[1]`), `non_field_errors` and `detail` as general.
fn field_errors(map: &Map<String, Value>) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (key, value) in map {
        let mut messages = Vec::new();
        collect_messages(key, value, &mut messages);
        for (field, msg) in messages {
            if field == "non_field_errors" || field == "detail" {
                out.general.push(msg);
            } else {
                out.fields
                    .entry(logical_field(&field))
                    .or_default()
                    .push(msg);
            }
        }
    }
    out
}

/// The composer's name ([`field`]) for a wire field path such as `external_recipient_emails[1]`.
fn logical_field(path: &str) -> String {
    let (name, rest) = path.split_at(path.find('[').unwrap_or(path.len()));
    let logical = match name {
        "content" | "content_html" => field::TEXT,
        "external_recipient_emails" => field::CC,
        "attachment_ids" => field::ATTACHMENTS,
        "next_action" => field::NEXT_ACTION,
        "next_assignee_id" => field::ASSIGNEE,
        other => other,
    };
    format!("{logical}{rest}")
}

fn collect_messages(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => out.push((path.to_owned(), s.clone())),
                    other => collect_messages(&format!("{path}[{i}]"), other, out),
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let sub = if k.chars().all(|c| c.is_ascii_digit()) {
                    format!("{path}[{k}]")
                } else {
                    format!("{path}.{k}")
                };
                collect_messages(&sub, v, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {
            out.push((path.to_owned(), value.to_string()))
        }
    }
}

/// A list response: a DRF page object `{count, next, previous, results}` or a bare array.
/// Items that do not parse are skipped rather than losing the whole page; if none of a
/// non-empty page parses, the response is reported as unreadable.
fn parse_page<T>(
    response: &HttpResponse,
    item: impl Fn(Value) -> Result<T, serde_json::Error>,
) -> Result<Page<T>, ApiError> {
    check_status(response)?;
    let value: Value = json_body(response)?;
    let (items, next, total) = match value {
        Value::Array(items) => (items, None, None),
        Value::Object(mut map) => {
            let Some(Value::Array(items)) = map.remove("results") else {
                return Err(ApiError::InvalidResponse(
                    "a list response without `results`".into(),
                ));
            };
            let next = map
                .get("next")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let total = map.get("count").and_then(Value::as_u64);
            (items, next, total)
        }
        _ => {
            return Err(ApiError::InvalidResponse(
                "a list response that is not a list".into(),
            ))
        }
    };
    let count = items.len();
    let mut first_error = None;
    let parsed: Vec<T> = items
        .into_iter()
        .filter_map(|v| {
            item(v)
                .map_err(|e| first_error.get_or_insert(e.to_string()).clone())
                .ok()
        })
        .collect();
    if count > 0 && parsed.is_empty() {
        return Err(ApiError::InvalidResponse(format!(
            "no item of the list could be read: {}",
            first_error.unwrap_or_default()
        )));
    }
    Ok(Page {
        items: parsed,
        next,
        total,
    })
}

/// Ids arrive as numbers or strings; we keep them as text.
fn de_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}

fn de_opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}

/// `external_recipient_emails` is untyped on tickets: keep the strings of a list, else nothing.
fn de_email_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    })
}

/// `null` where a list is expected means empty.
fn de_null_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct WireUserRef {
    #[serde(default, deserialize_with = "de_opt_id")]
    id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl WireUserRef {
    fn into_person(self) -> Person {
        Person {
            name: self.name.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
        }
    }

    fn into_user(self) -> User {
        User {
            id: self.id.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct WireSender {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_id")]
    user_id: Option<String>,
}

#[derive(Deserialize)]
struct WireAttachment {
    #[serde(deserialize_with = "de_id")]
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    download_url: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    content_type: Option<String>,
}

impl WireAttachment {
    fn into_model(self) -> Attachment {
        Attachment {
            name: self
                .name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "attachment".to_owned()),
            id: self.id,
            size: self.size,
            content_type: self.content_type,
            download_url: self.download_url.filter(|u| !u.is_empty()),
        }
    }
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(deserialize_with = "de_id")]
    id: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    author: Option<WireUserRef>,
    #[serde(default)]
    sender: Option<WireSender>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "de_null_vec")]
    attachments: Vec<WireAttachment>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    content_html: Option<String>,
    #[serde(default)]
    is_visible_to_customer: Option<bool>,
    #[serde(default, deserialize_with = "de_email_list")]
    external_recipient_emails: Vec<String>,
}

impl WireMessage {
    fn into_model(self) -> Message {
        let role = self
            .role
            .as_deref()
            .and_then(Role::from_wire)
            .unwrap_or_else(|| {
                // Older payloads without `role`: an agent author or sender user means an agent.
                let agent = self.author.is_some()
                    || self.sender.as_ref().is_some_and(|s| s.user_id.is_some());
                match (agent, &self.sender) {
                    (true, _) => Role::Associate,
                    (false, Some(_)) => Role::Customer,
                    (false, None) => Role::System,
                }
            });
        let author_user_id = self
            .sender
            .as_ref()
            .and_then(|s| s.user_id.clone())
            .or_else(|| self.author.as_ref().and_then(|a| a.id.clone()));
        // `sender` is the documented source of truth; `author` is the legacy fallback.
        let author = match (self.sender, self.author) {
            (Some(s), author) => Some(Person {
                name: s
                    .name
                    .filter(|n| !n.is_empty())
                    .or_else(|| author.as_ref().and_then(|a| a.name.clone()))
                    .unwrap_or_default(),
                email: s.email.unwrap_or_default(),
            }),
            (None, Some(a)) => Some(a.into_person()),
            (None, None) => None,
        };
        let problems = problems(
            self.created_at.as_deref(),
            self.content_html.as_deref().or(self.content.as_deref()),
        );
        Message {
            id: self.id,
            role,
            author: if role == Role::System { None } else { author },
            author_user_id,
            text: self.content.filter(|s| !s.is_empty()),
            html: self.content_html.filter(|s| !s.trim().is_empty()),
            is_internal: self.is_visible_to_customer == Some(false),
            cc: self.external_recipient_emails,
            attachments: self
                .attachments
                .into_iter()
                .map(WireAttachment::into_model)
                .collect(),
            problems,
            created_at: self.created_at.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct WireCustomer {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct WireInbox {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct WireTicket {
    #[serde(deserialize_with = "de_id")]
    id: String,
    #[serde(default, deserialize_with = "de_opt_id")]
    public_id: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    customer: Option<WireCustomer>,
    #[serde(default)]
    assignee: Option<WireUserRef>,
    #[serde(default)]
    inbox: Option<WireInbox>,
    #[serde(default, deserialize_with = "de_null_vec")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "de_email_list")]
    external_recipient_emails: Vec<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    is_spam: Option<bool>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl WireTicket {
    fn into_model(self) -> Ticket {
        Ticket {
            id: self.id,
            number: self.public_id,
            subject: self.subject.unwrap_or_default(),
            requester: self.customer.map(|c| Person {
                name: c.name.unwrap_or_default(),
                email: c.email.unwrap_or_default(),
            }),
            status: self.status.as_deref().and_then(TicketStatus::from_wire),
            assignee: self
                .assignee
                .filter(|a| a.id.is_some())
                .map(WireUserRef::into_user),
            inbox: self.inbox.and_then(|i| i.name),
            tags: self.tags,
            cc: self.external_recipient_emails,
            is_spam: self.is_spam.unwrap_or(false),
            created_at: self.created_at,
            updated_at: self.updated_at,
            fields: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

/// The documented create body. Absent fields are omitted, because omission has meaning
/// (an omitted CC list lets the server copy the previous snapshot).
#[derive(Serialize)]
struct WireCreateMessage<'a> {
    content: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    is_visible_to_customer: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_recipient_emails: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachment_ids: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_action: Option<&'static str>,
    /// Outer `None`: keep the assignee (omitted); `Some(None)`: unassign (`null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    next_assignee_id: Option<Option<u64>>,
}

impl<'a> WireCreateMessage<'a> {
    fn from_model(m: &'a NewMessage) -> Result<Self, ApiError> {
        let is_reply = m.visibility == Visibility::Reply;
        let next_assignee_id = match &m.assignee {
            AssigneeChange::Keep => None,
            AssigneeChange::Unassign => Some(None),
            AssigneeChange::Set(id) => Some(Some(id.parse::<u64>().map_err(|_| {
                let id = isolate(&format!("{id:?}"));
                ApiError::InvalidRequest(t!("initdesk.assignee_not_number", id = id).into_owned())
            })?)),
        };
        Ok(Self {
            content: &m.text,
            content_html: m.html.as_deref().filter(|h| !h.trim().is_empty()),
            is_visible_to_customer: is_reply,
            // A note never carries CC recipients, whatever the draft holds.
            external_recipient_emails: if is_reply {
                m.cc.as_deref().map(addresses)
            } else {
                None
            },
            attachment_ids: m.attachments.iter().map(|a| a.id.as_str()).collect(),
            next_action: (m.next_action != NextAction::None).then(|| m.next_action.as_wire()),
            next_assignee_id,
        })
    }
}
