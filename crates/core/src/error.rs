//! The typed error of every API call, whichever dialect produced it, with the words the agent
//! reads ([`ApiError::user_message`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, refused, CORS, aborted).
    #[error("network error: {0}")]
    Transport(String),
    /// 400/422: the server rejected fields of the request.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// 401: the credentials are missing, wrong or inactive.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// 403: authenticated, but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404: the ticket (or endpoint) does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// 413: an upload is over the server's size limit.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// 429: rate limited; `retry_after` is the server's `Retry-After` in seconds, if given.
    #[error("rate limited")]
    RateLimited { retry_after: Option<u64> },
    /// Any other non-success status.
    #[error("server error {status}: {detail}")]
    Server { status: u16, detail: String },
    /// A success status with a body we cannot read (truncated JSON, an HTML proxy page).
    #[error("unreadable response: {0}")]
    InvalidResponse(String),
    /// The request could not be built from what we were given (a bad id, an unsafe URL).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// Field-level validation messages, as DRF and similar frameworks return them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    /// Messages per field name, in the server's words.
    pub fields: BTreeMap<String, Vec<String>>,
    /// Messages not tied to a field.
    pub general: Vec<String>,
}

impl FieldErrors {
    /// Whether there are no messages at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// The messages for one field (empty when none).
    pub fn for_field(&self, field: &str) -> &[String] {
        self.fields.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl ApiError {
    /// What the agent reads: plain words, what happened and what to do.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Transport(_) => {
                "The helpdesk could not be reached. Check your connection and try again.".into()
            }
            ApiError::Validation(errors) => validation_message(errors),
            ApiError::Unauthorized(_) => {
                "The helpdesk did not accept the API credentials. Ask an administrator to check the token.".into()
            }
            ApiError::Forbidden(detail) => {
                format!("You do not have permission to do this. ({})", non_empty(detail, "forbidden"))
            }
            ApiError::NotFound(_) => "This ticket could not be found. It may have been deleted or moved.".into(),
            ApiError::PayloadTooLarge(detail) => {
                format!("The file is too large for the helpdesk. {}", detail).trim_end().to_owned()
            }
            ApiError::RateLimited { retry_after: Some(s) } => {
                format!("The helpdesk is busy (too many requests). Try again in {s} s.")
            }
            ApiError::RateLimited { retry_after: None } => {
                "The helpdesk is busy (too many requests). Try again in a moment.".into()
            }
            ApiError::Server { status, .. } => {
                format!("The helpdesk had a problem (HTTP {status}). Try again in a moment.")
            }
            ApiError::InvalidResponse(_) => {
                "The helpdesk sent a response that could not be read. Try again in a moment.".into()
            }
            ApiError::InvalidRequest(detail) => format!("This request cannot be sent: {detail}"),
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Transport(_)
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::InvalidResponse(_)
        )
    }
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.trim().is_empty() {
        fallback
    } else {
        s
    }
}

fn validation_message(errors: &FieldErrors) -> String {
    let mut out = String::from("The helpdesk rejected the message:");
    for msg in &errors.general {
        let _ = write!(out, " {msg}");
    }
    for (field, msgs) in &errors.fields {
        for msg in msgs {
            let _ = write!(out, " {}: {msg}", humanize_field(field));
        }
    }
    if errors.is_empty() {
        out.push_str(" (no reason given)");
    }
    out
}

/// `external_recipient_emails` → `external recipient emails`, for a readable message.
fn humanize_field(field: &str) -> String {
    field.replace('_', " ")
}
