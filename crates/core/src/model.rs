//! Threadline's own model of a helpdesk conversation. Every dialect maps its wire types into
//! these; the app renders only these.

use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::i18n::isolate;

/// Who wrote a message, as the conversation shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The ticket's requester.
    Customer,
    /// Someone copied on the conversation who wrote in.
    Cc,
    /// An agent (Initdesk calls agents "associates").
    Associate,
    /// An automatic event (assignment, status change).
    System,
}

impl Role {
    /// Parses a wire value; unknown values are `None`.
    pub fn from_wire(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "cc" => Some(Role::Cc),
            "associate" => Some(Role::Associate),
            "system" => Some(Role::System),
            _ => None,
        }
    }

    /// The label shown beside an author, in the current locale.
    pub fn label(self) -> String {
        match self {
            Role::Customer => t!("model.role.customer"),
            Role::Cc => t!("model.role.cc"),
            Role::Associate => t!("model.role.agent"),
            Role::System => t!("model.role.system"),
        }
        .into_owned()
    }
}

/// A person: requester, CC, agent or author.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl Person {
    /// The name, or the email when there is no name.
    pub fn display_name(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.email
        } else {
            &self.name
        }
    }
}

/// An agent who can be assigned tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The backend's id, as text whatever its wire type.
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A ticket's state, where the backend reports one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    WaitingAssociate,
    WaitingCustomer,
    ClosedResolved,
    ClosedInvalid,
    ClosedCustomerInactivity,
    ClosedOther,
    Spam,
}

impl TicketStatus {
    /// Every status, in display order.
    pub const ALL: [TicketStatus; 7] = [
        TicketStatus::WaitingAssociate,
        TicketStatus::WaitingCustomer,
        TicketStatus::ClosedResolved,
        TicketStatus::ClosedInvalid,
        TicketStatus::ClosedCustomerInactivity,
        TicketStatus::ClosedOther,
        TicketStatus::Spam,
    ];

    /// The wire value.
    pub fn as_wire(self) -> &'static str {
        match self {
            TicketStatus::WaitingAssociate => "waiting_associate",
            TicketStatus::WaitingCustomer => "waiting_customer",
            TicketStatus::ClosedResolved => "closed_resolved",
            TicketStatus::ClosedInvalid => "closed_invalid",
            TicketStatus::ClosedCustomerInactivity => "closed_customer_inactivity",
            TicketStatus::ClosedOther => "closed_other",
            TicketStatus::Spam => "spam",
        }
    }

    /// Parses a wire value; unknown values are `None`.
    pub fn from_wire(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|st| st.as_wire() == s)
    }

    /// The label shown to agents, in the current locale.
    pub fn label(self) -> String {
        match self {
            TicketStatus::WaitingAssociate => t!("model.status.waiting_agent"),
            TicketStatus::WaitingCustomer => t!("model.status.waiting_customer"),
            TicketStatus::ClosedResolved => t!("model.status.closed_resolved"),
            TicketStatus::ClosedInvalid => t!("model.status.closed_invalid"),
            TicketStatus::ClosedCustomerInactivity => t!("model.status.closed_inactive"),
            TicketStatus::ClosedOther => t!("model.status.closed_other"),
            TicketStatus::Spam => t!("model.status.spam"),
        }
        .into_owned()
    }

    /// Whether the ticket is closed (any reason).
    /// Waiting on someone: neither closed nor spam.
    pub fn is_open(self) -> bool {
        !self.is_closed() && self != TicketStatus::Spam
    }

    pub fn is_closed(self) -> bool {
        matches!(
            self,
            TicketStatus::ClosedResolved
                | TicketStatus::ClosedInvalid
                | TicketStatus::ClosedCustomerInactivity
                | TicketStatus::ClosedOther
        )
    }
}

/// What sending a message also does to the ticket (Initdesk's `next_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// Leave the ticket's status as it is.
    #[default]
    None,
    CloseAndMarkResolved,
    CloseAndMarkInvalid,
    CloseAndMarkCustomerInactivity,
    ReopenWaitingCustomer,
    ReopenWaitingAssociate,
    CloseAndMarkOther,
    ReportSpam,
    RemoveFromSpam,
}

impl NextAction {
    /// Every value, in the documented order.
    pub const ALL: [NextAction; 9] = [
        NextAction::None,
        NextAction::CloseAndMarkResolved,
        NextAction::CloseAndMarkInvalid,
        NextAction::CloseAndMarkCustomerInactivity,
        NextAction::ReopenWaitingCustomer,
        NextAction::ReopenWaitingAssociate,
        NextAction::CloseAndMarkOther,
        NextAction::ReportSpam,
        NextAction::RemoveFromSpam,
    ];

    /// The wire value (`""` for none).
    pub fn as_wire(self) -> &'static str {
        match self {
            NextAction::None => "",
            NextAction::CloseAndMarkResolved => "close_and_mark_resolved",
            NextAction::CloseAndMarkInvalid => "close_and_mark_invalid",
            NextAction::CloseAndMarkCustomerInactivity => "close_and_mark_customer_inactivity",
            NextAction::ReopenWaitingCustomer => "reopen_waiting_customer",
            NextAction::ReopenWaitingAssociate => "reopen_waiting_associate",
            NextAction::CloseAndMarkOther => "close_and_mark_other",
            NextAction::ReportSpam => "report_spam",
            NextAction::RemoveFromSpam => "remove_from_spam",
        }
    }

    /// Parses a wire value; unknown values are `None` (the Option), `""` is [`NextAction::None`].
    pub fn from_wire(s: &str) -> Option<NextAction> {
        NextAction::ALL.into_iter().find(|a| a.as_wire() == s)
    }

    /// What the action does, in plain words in the current locale, for a ticket in `status`
    /// (a reopen action on a ticket that is not closed only sets whom it waits on).
    pub fn label(self, status: Option<TicketStatus>) -> String {
        let open = status.is_some_and(TicketStatus::is_open);
        match self {
            NextAction::None => t!("model.next_action.none"),
            NextAction::CloseAndMarkResolved => t!("model.next_action.close_resolved"),
            NextAction::CloseAndMarkInvalid => t!("model.next_action.close_invalid"),
            NextAction::CloseAndMarkCustomerInactivity => t!("model.next_action.close_inactive"),
            NextAction::ReopenWaitingCustomer if open => t!("model.next_action.wait_customer"),
            NextAction::ReopenWaitingCustomer => t!("model.next_action.reopen_customer"),
            NextAction::ReopenWaitingAssociate if open => t!("model.next_action.wait_agent"),
            NextAction::ReopenWaitingAssociate => t!("model.next_action.reopen_agent"),
            NextAction::CloseAndMarkOther => t!("model.next_action.close_other"),
            NextAction::ReportSpam => t!("model.next_action.report_spam"),
            NextAction::RemoveFromSpam => t!("model.next_action.remove_spam"),
        }
        .into_owned()
    }

    /// Whether the action makes sense for a ticket in `status` (`None`: not known yet): it
    /// changes something the status allows. A spam ticket can only leave spam; a closed one
    /// can be reopened (or marked as spam), not closed again; an open one can be closed, set
    /// to wait on the other side, or marked as spam.
    pub fn fits(self, status: Option<TicketStatus>) -> bool {
        let spam = status == Some(TicketStatus::Spam);
        let closed = status.is_some_and(TicketStatus::is_closed);
        match self {
            NextAction::None => true,
            NextAction::RemoveFromSpam => spam,
            _ if spam => false,
            _ if closed && self.resulting_status().is_some_and(TicketStatus::is_closed) => false,
            _ => self.resulting_status() != status,
        }
    }

    /// Of `offered` (what the backend can do), the actions that fit a ticket in `status`,
    /// in the same order.
    pub fn fitting(offered: &[NextAction], status: Option<TicketStatus>) -> Vec<NextAction> {
        offered.iter().copied().filter(|a| a.fits(status)).collect()
    }

    /// The status the ticket gets, or `None` when the status is left alone.
    pub fn resulting_status(self) -> Option<TicketStatus> {
        match self {
            NextAction::None => None,
            NextAction::CloseAndMarkResolved => Some(TicketStatus::ClosedResolved),
            NextAction::CloseAndMarkInvalid => Some(TicketStatus::ClosedInvalid),
            NextAction::CloseAndMarkCustomerInactivity => {
                Some(TicketStatus::ClosedCustomerInactivity)
            }
            NextAction::ReopenWaitingCustomer => Some(TicketStatus::WaitingCustomer),
            NextAction::ReopenWaitingAssociate => Some(TicketStatus::WaitingAssociate),
            NextAction::CloseAndMarkOther => Some(TicketStatus::ClosedOther),
            NextAction::ReportSpam => Some(TicketStatus::Spam),
            NextAction::RemoveFromSpam => Some(TicketStatus::WaitingAssociate),
        }
    }
}

/// A file attached to a message or ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub size: Option<u64>,
    pub content_type: Option<String>,
    pub download_url: Option<String>,
}

impl Attachment {
    /// Whether the attachment is a raster image we may preview as a thumbnail. SVG is left
    /// out on purpose: opened on its own it can run script.
    pub fn is_previewable_image(&self) -> bool {
        let by_type = self.content_type.as_deref().map(|t| t.to_ascii_lowercase());
        let by_name = self
            .name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match (by_type.as_deref(), by_name.as_deref()) {
            (Some(t), _) if t.starts_with("image/") => {
                matches!(
                    t,
                    "image/png"
                        | "image/jpeg"
                        | "image/jpg"
                        | "image/gif"
                        | "image/webp"
                        | "image/bmp"
                )
            }
            (Some(_), _) => false,
            (None, Some(ext)) => matches!(ext, "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp"),
            (None, None) => false,
        }
    }

    /// A short label for the file type ("PDF", "PNG image"), in the current locale.
    pub fn type_label(&self) -> String {
        let ext = self
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_uppercase());
        match (self.content_type.as_deref(), ext) {
            (Some(t), Some(ext)) if t.starts_with("image/") => {
                t!("model.attachment.image", ext = ext).into_owned()
            }
            (_, Some(ext)) if ext.len() <= 5 => ext,
            (Some(t), _) => t.to_owned(),
            (None, _) => t!("model.attachment.file").into_owned(),
        }
    }
}

/// A human size in the current locale: `1234` → "1.2 KB".
pub fn format_size(bytes: u64) -> String {
    let one_decimal = |x: f64| format!("{x:.1}").replace('.', &t!("model.size.decimal_separator"));
    match bytes {
        b if b < 1_000 => t!("model.size.bytes", size = b),
        b if b < 1_000_000 => t!("model.size.kilobytes", size = one_decimal(b as f64 / 1e3)),
        b => t!("model.size.megabytes", size = one_decimal(b as f64 / 1e6)),
    }
    .into_owned()
}

/// A helpdesk ticket, as much of it as the backend reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ticket {
    /// The id used in API paths.
    pub id: String,
    /// The human-facing number (Initdesk's `public_id`), if different from `id`.
    pub number: Option<String>,
    pub subject: String,
    pub requester: Option<Person>,
    pub status: Option<TicketStatus>,
    pub assignee: Option<User>,
    pub inbox: Option<String>,
    pub tags: Vec<String>,
    /// The ticket's creation-time CC list.
    pub cc: Vec<String>,
    pub is_spam: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Other properties the backend reports, as (label, value) to show ("Priority", "High").
    #[serde(default)]
    pub fields: Vec<(String, String)>,
}

impl Ticket {
    /// The status as the next actions see it: a ticket flagged as spam is spam.
    pub fn effective_status(&self) -> Option<TicketStatus> {
        if self.is_spam {
            Some(TicketStatus::Spam)
        } else {
            self.status
        }
    }
}

/// A ticket property a message can change beside the next action (Airclou's priority and
/// type). The composer offers "Keep current" and the options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketField {
    /// The name in [`NewMessage::ticket_fields`].
    pub key: &'static str,
    /// In the current locale when the field was made.
    pub label: String,
    /// (value, label) pairs, the labels in the current locale when the field was made.
    pub options: Vec<(&'static str, String)>,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub role: Role,
    /// Who sent it; `None` for system events.
    pub author: Option<Person>,
    /// The agent id behind the author, when the backend gives one.
    pub author_user_id: Option<String>,
    /// The plain-text body, if any.
    pub text: Option<String>,
    /// The HTML body as received (untrusted; sanitize before display).
    pub html: Option<String>,
    /// `true` for internal notes, which the customer never sees.
    pub is_internal: bool,
    /// The CC snapshot stored with this message.
    pub cc: Vec<String>,
    pub attachments: Vec<Attachment>,
    /// RFC 3339 timestamp as received.
    pub created_at: String,
    /// What was wrong with the data, so the message can be shown as well as possible and marked.
    #[serde(default)]
    pub problems: Vec<DataProblem>,
}

/// Something wrong with a message as received. The rest of the thread is unaffected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataProblem {
    /// The item could not be read at all; the text says why.
    Unreadable(String),
    /// The timestamp is missing or not a date.
    BadDate,
    /// The body is larger than we show; only its beginning is displayed.
    TooLarge { bytes: usize },
}

impl DataProblem {
    /// What the agent reads beside the message, in the current locale.
    pub fn describe(&self) -> String {
        match self {
            DataProblem::Unreadable(why) => {
                t!("model.problem.unreadable", reason = isolate(why))
            }
            DataProblem::BadDate => t!("model.problem.bad_date"),
            DataProblem::TooLarge { bytes } => {
                t!("model.problem.too_large", size = format_size(*bytes as u64))
            }
        }
        .into_owned()
    }
}

impl Message {
    /// A stand-in for a list item that could not be read, so the thread shows that something
    /// is there instead of silently dropping it.
    pub fn unreadable(id: Option<String>, created_at: Option<String>, why: String) -> Message {
        Message {
            id: id.unwrap_or_else(|| {
                // Unique within the page, so a keyed list never merges two placeholders.
                static NEXT: std::sync::atomic::AtomicUsize =
                    std::sync::atomic::AtomicUsize::new(0);
                format!(
                    "unreadable-{}",
                    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                )
            }),
            role: Role::System,
            author: None,
            author_user_id: None,
            text: None,
            html: None,
            is_internal: false,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at: created_at.unwrap_or_default(),
            problems: vec![DataProblem::Unreadable(why)],
        }
    }
}

/// Whether a new message goes to the customer or stays internal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Visibility {
    #[default]
    Reply,
    Note,
}

/// What to do with the ticket's assignee when sending.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AssigneeChange {
    #[default]
    Keep,
    Unassign,
    Set(String),
}

/// The fields of a [`NewMessage`] as validation errors name them
/// ([`crate::error::FieldErrors`]): every dialect maps its wire names to these, so the composer
/// puts a server's complaint on the right control whichever helpdesk answered. An error about
/// one item of a list is keyed `name[i]`, `i` indexing the list as sent.
pub mod field {
    pub const TEXT: &str = "text";
    pub const CC: &str = "cc";
    pub const ATTACHMENTS: &str = "attachments";
    pub const NEXT_ACTION: &str = "next_action";
    pub const ASSIGNEE: &str = "assignee";
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewMessage {
    pub visibility: Visibility,
    /// Plain-text body.
    pub text: String,
    /// HTML body, if the composer produced one.
    pub html: Option<String>,
    /// `None`: leave CC to the server's rule (field omitted); `Some`: send exactly this list.
    pub cc: Option<Vec<String>>,
    /// Uploaded files to attach (their ids, and the name and size some backends repeat).
    pub attachments: Vec<Attachment>,
    pub next_action: NextAction,
    pub assignee: AssigneeChange,
    /// Sent as `Idempotency-Key` where the backend honours it, so a request repeated (by the
    /// browser or a retry) stores one message.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Whether a customer-visible message is also emailed, where the backend lets a public
    /// message go without email (`None`: the backend's rule).
    #[serde(default)]
    pub send_email: Option<bool>,
    /// The mailbox an emailed message goes out from, where the backend needs one.
    #[serde(default)]
    pub from_mailbox: Option<String>,
    /// Blind copies of an emailed message, where the backend has them.
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Ticket properties to change with the message ([`TicketField::key`] → value).
    #[serde(default)]
    pub ticket_fields: std::collections::BTreeMap<String, String>,
}

/// One page of a list, and where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The URL of the next page, if there is one.
    pub next: Option<String>,
    /// The total count, when the backend reports it.
    pub total: Option<u64>,
}

/// A file about to be uploaded (the bytes stay with the transport).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// What the app can offer for a given backend; the UI reads this, never the dialect's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub can_reply: bool,
    pub can_note: bool,
    pub has_next_action: bool,
    pub has_assignee: bool,
    pub has_cc: bool,
    pub has_attachments: bool,
    pub has_ticket_list: bool,
    /// A public message may be posted without emailing it ("Send as email").
    pub has_email_switch: bool,
    pub has_bcc: bool,
    /// What the credential posts is written by one agent, its owner (an Initdesk token, an
    /// Airclou session): the author of a message we posted says whom the agent replies as.
    pub author_is_credential: bool,
}

impl Person {
    /// Up to two initials for an avatar ("Maria Lopez" → "ML", "ann@x.com" → "A").
    pub fn initials(&self) -> String {
        initials(self.display_name())
    }
}

/// Up to two initials of a name for an avatar ("Maria Lopez" → "ML", "ann@x.com" → "A").
pub fn initials(source: &str) -> String {
    let words: Vec<&str> = source
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect();
    let pick = |w: &str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default()
    };
    match words.as_slice() {
        [] => "?".to_owned(),
        [one] => pick(one),
        [first, .., last] => format!("{}{}", pick(first), pick(last)),
    }
}
