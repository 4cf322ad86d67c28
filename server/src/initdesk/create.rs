//! `POST …/tickets/{id}/messages/`: validation in DRF's style, then the message, its
//! attachments and the ticket's changes (next action, assignee) in one transaction.
//!
//! CC rules (docs/api/CONTRACT.md): a customer-visible message with a list (even empty) stores that
//! list as its snapshot and leaves the ticket alone; with the field omitted or `null` it copies
//! the last customer-visible message's snapshot, else the ticket's creation-time list. The
//! requester is always the reply's primary recipient, so their own address is never stored as
//! a CC. An internal note stores no CC and its field is ignored, whatever it holds.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use threadline_core::email::is_valid_email;
use threadline_core::model::NextAction;

use super::{authorize, repr, ticket_in_org, Caller, MOUNT};
use crate::error::{FieldErrors, HttpError};
use crate::AppState;

/// A validated create request.
struct NewMessage {
    content: String,
    content_html: String,
    is_visible: bool,
    /// `None`: apply the copy rule.
    cc: Option<Vec<String>>,
    attachment_ids: Vec<String>,
    next_action: NextAction,
    /// Outer `None`: keep; `Some(None)`: unassign.
    next_assignee: Option<Option<i64>>,
}

pub async fn create_message(
    State(state): State<AppState>,
    Path((org, ticket)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    // Admitted on its headers before a byte of the body is read.
    let caller = authorize(&state, &headers, &org)?;
    if !crate::refusal::content_type_is(&headers, "application/json") {
        return Err(HttpError::unsupported_media_type(&headers));
    }
    let body = crate::refusal::body_after_admission(body)
        .await
        .map_err(|_| HttpError::too_large("The request body is too large.".into()))?;
    let mut conn = state.db()?;
    let ticket_id = ticket_in_org(&conn, caller, &ticket)?;
    let key = crate::db::idempotency_key(&headers)?
        .map(|k| crate::db::scoped_key("initdesk", ticket_id, &k));
    // The same send again (a browser repeating a POST whose connection broke, or a client
    // retry): answer with the message it stored, store nothing.
    if let Some(key) = &key {
        if let Some(id) = crate::db::message_for_key(&conn, caller.org_id, key)? {
            return Ok((StatusCode::CREATED, Json(repr::message(&conn, MOUNT, id)?)));
        }
    }
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| HttpError::parse_error(e.to_string()))?;
    let Value::Object(fields) = value else {
        let mut errors = FieldErrors::default();
        errors.add("non_field_errors", "Invalid data. Expected a dictionary.");
        return Err(HttpError::validation(errors));
    };
    let tx = conn.transaction()?;
    let id = match fields.get("role").and_then(Value::as_str) {
        // Our contract (docs/api/CONTRACT.md): a message in the ticket customer's name, as
        // the gateway posts a reply from the customer's view.
        Some("customer") => {
            let (content, content_html) = validate_customer(&fields)?;
            store_customer_message(&tx, ticket_id, &content, &content_html)?
        }
        None | Some("associate") => {
            let new = validate(&tx, caller, &fields)?;
            store(&tx, caller, ticket_id, &new)?
        }
        Some(other) => {
            let mut errors = FieldErrors::default();
            errors.add("role", format!("\"{other}\" is not a valid choice."));
            return Err(HttpError::validation(errors));
        }
    };
    if let Some(key) = &key {
        crate::db::remember_key(&tx, caller.org_id, key, id)?;
    }
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(repr::message(&conn, MOUNT, id)?)))
}

/// The fields a message in the customer's name may have: its text, visible to the customer,
/// and nothing an agent decides (CC, next action, assignee, files).
fn validate_customer(f: &Map<String, Value>) -> Result<(String, String), HttpError> {
    let mut errors = FieldErrors::default();
    for (name, _) in f.iter().filter(|(name, value)| {
        !matches!(
            name.as_str(),
            "role" | "content" | "content_html" | "is_visible_to_customer"
        ) && !value.is_null()
    }) {
        errors.add(name, "A customer's message cannot set this.");
    }
    if f.get("is_visible_to_customer") != Some(&Value::Bool(true)) {
        errors.add(
            "is_visible_to_customer",
            "A customer's message is visible to the customer.",
        );
    }
    let content = string_field(f, "content", &mut errors);
    let content_html = string_field(f, "content_html", &mut errors);
    if content.trim().is_empty() && html_is_blank(&content_html) {
        errors.add("non_field_errors", "The message is empty.");
    }
    errors.into_result()?;
    Ok((content, content_html))
}

/// Stores a message in the name of the ticket's customer; the ticket then waits on the team
/// again (spam stays spam).
pub(crate) fn store_customer_message(
    conn: &Connection,
    ticket_id: i64,
    content: &str,
    content_html: &str,
) -> rusqlite::Result<i64> {
    let now = crate::clock::now();
    conn.execute(
        "INSERT INTO messages (ticket_id, role, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, external_recipient_emails, created_at, updated_at)
         SELECT t.id, 'customer', c.email, c.name, ?2, ?3, 1, '[]', ?4, ?4
           FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
        params![ticket_id, content, content_html, now],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "UPDATE tickets SET status = CASE WHEN status = 'spam' THEN status ELSE 'waiting_associate' END,
                            updated_at = ?2 WHERE id = ?1",
        params![ticket_id, now],
    )?;
    Ok(id)
}

fn validate(
    conn: &Connection,
    caller: Caller,
    f: &Map<String, Value>,
) -> Result<NewMessage, HttpError> {
    let mut errors = FieldErrors::default();
    let content = string_field(f, "content", &mut errors);
    let content_html = string_field(f, "content_html", &mut errors);
    let is_visible = match f.get("is_visible_to_customer") {
        Some(Value::Bool(b)) => *b,
        None => {
            errors.add("is_visible_to_customer", "This field is required.");
            false
        }
        Some(_) => {
            errors.add("is_visible_to_customer", "Must be a valid boolean.");
            false
        }
    };
    let cc = if is_visible {
        cc_field(f, &mut errors)
    } else {
        None
    };
    let attachment_ids = attachment_field(conn, caller, f, &mut errors)?;
    let next_action = match f.get("next_action") {
        None | Some(Value::Null) => NextAction::None,
        Some(Value::String(s)) => NextAction::from_wire(s).unwrap_or_else(|| {
            errors.add("next_action", format!("\"{s}\" is not a valid choice."));
            NextAction::None
        }),
        Some(other) => {
            errors.add("next_action", format!("\"{other}\" is not a valid choice."));
            NextAction::None
        }
    };
    let next_assignee = match f.get("next_assignee_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(uid) if repr::user_in_org(conn, caller.org_id, uid)? => Some(Some(uid)),
            _ => {
                errors.add(
                    "next_assignee_id",
                    format!("Invalid pk \"{n}\" - object does not exist."),
                );
                None
            }
        },
        Some(other) => {
            errors.add(
                "next_assignee_id",
                format!(
                    "Incorrect type. Expected pk value, received {}.",
                    type_name(other)
                ),
            );
            None
        }
    };
    if content.trim().is_empty() && html_is_blank(&content_html) && attachment_ids.is_empty() {
        errors.add(
            "non_field_errors",
            "A message needs content, content_html or an attachment.",
        );
    }
    errors.into_result()?;
    Ok(NewMessage {
        content,
        content_html,
        is_visible,
        cc,
        attachment_ids,
        next_action,
        next_assignee,
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn string_field(f: &Map<String, Value>, name: &str, errors: &mut FieldErrors) -> String {
    match f.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.add(name, "Not a valid string.");
            String::new()
        }
    }
}

/// Whether HTML has no visible text (only tags and whitespace).
fn html_is_blank(html: &str) -> bool {
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => return false,
            _ => {}
        }
    }
    true
}

/// The items of list field `name`: `None` when absent or `null`, and an error when not a list.
fn list_field<'a>(
    f: &'a Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<&'a Vec<Value>> {
    match f.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(items),
        Some(other) => {
            errors.add(
                name,
                format!(
                    "Expected a list of items but got type \"{}\".",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// `Some(list)` when a list was sent (validated, trimmed, de-duplicated case-insensitively).
fn cc_field(f: &Map<String, Value>, errors: &mut FieldErrors) -> Option<Vec<String>> {
    const FIELD: &str = "external_recipient_emails";
    let items = list_field(f, FIELD, errors)?;
    let mut seen = HashSet::new();
    let mut list = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().map(str::trim) {
            Some("") => errors.add_item(FIELD, i, "This field may not be blank."),
            Some(email) if is_valid_email(email) => {
                if seen.insert(email.to_lowercase()) {
                    list.push(email.to_owned());
                }
            }
            Some(_) => errors.add_item(FIELD, i, "Enter a valid email address."),
            None => errors.add_item(FIELD, i, "Not a valid string."),
        }
    }
    Some(list)
}

/// Attachment ids must be uploaded in this organisation and not yet used by a message.
fn attachment_field(
    conn: &Connection,
    caller: Caller,
    f: &Map<String, Value>,
    errors: &mut FieldErrors,
) -> Result<Vec<String>, HttpError> {
    const FIELD: &str = "attachment_ids";
    let Some(items) = list_field(f, FIELD, errors) else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    for item in items {
        let Some(id) = item.as_str() else {
            errors.add(FIELD, "Must be a valid UUID.");
            continue;
        };
        let unused: Option<Option<i64>> = conn
            .query_row(
                "SELECT message_id FROM attachments WHERE id = ?1 AND org_id = ?2",
                params![id, caller.org_id],
                |r| r.get(0),
            )
            .optional()?;
        match unused {
            Some(None) if !ids.iter().any(|x| x == id) => ids.push(id.to_owned()),
            Some(None) => {}
            Some(Some(_)) => errors.add(
                FIELD,
                format!("Attachment \"{id}\" is already attached to a message."),
            ),
            None => errors.add(
                FIELD,
                format!("Invalid pk \"{id}\" - object does not exist."),
            ),
        }
    }
    Ok(ids)
}

fn store(
    conn: &Connection,
    caller: Caller,
    ticket_id: i64,
    m: &NewMessage,
) -> Result<i64, HttpError> {
    let now = crate::clock::now();
    let (requester, ticket_cc): (String, String) = conn.query_row(
        "SELECT c.email, t.external_recipient_emails FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
        [ticket_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let snapshot: Vec<String> = if !m.is_visible {
        Vec::new()
    } else if let Some(list) = &m.cc {
        list.iter()
            .filter(|e| !e.eq_ignore_ascii_case(&requester))
            .cloned()
            .collect()
    } else {
        let last: Option<String> = conn
            .query_row(
                "SELECT external_recipient_emails FROM messages
                  WHERE ticket_id = ?1 AND is_visible_to_customer = 1 AND role != 'system'
                  ORDER BY created_at DESC, id DESC LIMIT 1",
                [ticket_id],
                |r| r.get(0),
            )
            .optional()?;
        serde_json::from_str(&last.unwrap_or(ticket_cc)).unwrap_or_default()
    };
    let (sender_email, sender_name): (String, String) = conn.query_row(
        "SELECT email, name FROM users WHERE id = ?1",
        [caller.user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let snapshot_json =
        serde_json::to_string(&snapshot).map_err(|e| HttpError::internal("cc snapshot", e))?;
    conn.execute(
        "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, external_recipient_emails, next_action, next_assignee_id,
                               created_at, updated_at)
         VALUES (?1, 'associate', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            ticket_id,
            caller.user_id,
            sender_email,
            sender_name,
            m.content,
            m.content_html,
            m.is_visible,
            snapshot_json,
            m.next_action.as_wire(),
            m.next_assignee.flatten(),
            now,
        ],
    )?;
    let id = conn.last_insert_rowid();
    for a in &m.attachment_ids {
        conn.execute(
            "UPDATE attachments SET message_id = ?1 WHERE id = ?2",
            params![id, a],
        )?;
    }
    if let Some(status) = m.next_action.resulting_status() {
        let before: String = conn.query_row(
            "SELECT status FROM tickets WHERE id = ?1",
            [ticket_id],
            |r| r.get(0),
        )?;
        conn.execute(
            "UPDATE tickets SET status = ?2 WHERE id = ?1",
            params![ticket_id, status.as_wire()],
        )?;
        // The change goes into the thread as an event, as the helpdesk's own log does.
        if before != status.as_wire() {
            conn.execute(
                "INSERT INTO messages (ticket_id, role, content, content_html, is_visible_to_customer,
                                       external_recipient_emails, created_at, updated_at)
                 VALUES (?1, 'system', ?2, '', 0, '[]', ?3, ?3)",
                params![
                    ticket_id,
                    // The server speaks English (its default locale), as the demo's events do.
                    format!("{sender_name} changed the status to {}", status.label()),
                    now
                ],
            )?;
        }
    }
    match m.next_action {
        NextAction::ReportSpam => {
            conn.execute("UPDATE tickets SET is_spam = 1 WHERE id = ?1", [ticket_id])?
        }
        NextAction::RemoveFromSpam => {
            conn.execute("UPDATE tickets SET is_spam = 0 WHERE id = ?1", [ticket_id])?
        }
        _ => 0,
    };
    if let Some(assignee) = m.next_assignee {
        conn.execute(
            "UPDATE tickets SET assignee_id = ?2 WHERE id = ?1",
            params![ticket_id, assignee],
        )?;
    }
    conn.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![ticket_id, now],
    )?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::html_is_blank;

    #[test]
    fn markup_without_text_is_blank() {
        assert!(html_is_blank("<p> <br></p>"));
        assert!(!html_is_blank("<p>hi</p>"));
    }
}
