//! The typed error of every API call, whichever dialect produced it, with the words the agent
//! reads ([`ApiError::user_message`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_i18n::t;

use crate::i18n::isolate;

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
    /// What the agent reads: plain words, what happened and what to do (in the current
    /// locale).
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Transport(_) => t!("error.transport").into_owned(),
            ApiError::Validation(errors) => validation_message(errors),
            ApiError::Unauthorized(_) => t!("error.unauthorized").into_owned(),
            ApiError::Forbidden(detail) => forbidden_message(detail),
            ApiError::NotFound(_) => t!("error.not_found").into_owned(),
            ApiError::PayloadTooLarge(detail) => t!("error.too_large", detail = isolate(detail))
                .trim_end()
                .to_owned(),
            ApiError::RateLimited {
                retry_after: Some(s),
            } => t!("error.rate_limited_for", seconds = s).into_owned(),
            ApiError::RateLimited { retry_after: None } => t!("error.rate_limited").into_owned(),
            ApiError::Server { status, .. } => t!("error.server", status = status).into_owned(),
            ApiError::InvalidResponse(_) => t!("error.invalid_response").into_owned(),
            ApiError::InvalidRequest(detail) => {
                t!("error.invalid_request", detail = isolate(detail)).into_owned()
            }
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

fn forbidden_message(detail: &str) -> String {
    let detail = if detail.trim().is_empty() {
        t!("error.forbidden_fallback").into_owned()
    } else {
        isolate(detail)
    };
    t!("error.forbidden", detail = detail).into_owned()
}

fn validation_message(errors: &FieldErrors) -> String {
    let mut out = t!("error.validation").into_owned();
    for msg in &errors.general {
        let _ = write!(out, " {}", isolate(msg));
    }
    for (field, msgs) in &errors.fields {
        for msg in msgs {
            let _ = write!(out, " {}: {}", humanize_field(field), isolate(msg));
        }
    }
    if errors.is_empty() {
        let _ = write!(out, " {}", t!("error.validation_no_reason"));
    }
    out
}

/// A field's name for a readable message: the composer's fields in words
/// (`next_action` → `next action`, keeping an item's `[i]`), any other with spaces for
/// underscores (`external_recipient_emails` → `external recipient emails`).
fn humanize_field(field: &str) -> String {
    let (name, item) = field.split_at(field.find('[').unwrap_or(field.len()));
    let known = match name {
        crate::model::field::TEXT => t!("error.field.text"),
        crate::model::field::CC => t!("error.field.cc"),
        crate::model::field::ATTACHMENTS => t!("error.field.attachments"),
        crate::model::field::NEXT_ACTION => t!("error.field.next_action"),
        crate::model::field::ASSIGNEE => t!("error.field.assignee"),
        _ => return field.replace('_', " "),
    };
    format!("{known}{}", item.replace('_', " "))
}
