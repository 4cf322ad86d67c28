//! The JSON shapes of Initdesk objects (documented fields, plus the decided `status`),
//! read from the store.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::error::HttpError;

/// A `UserRef` (`{id, email, name}`) or `null`.
pub fn user_ref(conn: &Connection, id: Option<i64>) -> rusqlite::Result<Value> {
    let Some(id) = id else { return Ok(Value::Null) };
    Ok(conn
        .query_row("SELECT id, email, name FROM users WHERE id = ?1", [id], |r| {
            Ok(json!({ "id": r.get::<_, i64>(0)?, "email": r.get::<_, String>(1)?, "name": r.get::<_, String>(2)? }))
        })
        .optional()?
        .unwrap_or(Value::Null))
}

/// A JSON list column, tolerating bad data as an empty list.
fn json_list(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_array)
        .unwrap_or_else(|| json!([]))
}

fn attachment_json(root: &str, org_id: i64, r: &Row<'_>) -> rusqlite::Result<Value> {
    let id: String = r.get(0)?;
    Ok(json!({
        "id": id,
        "name": r.get::<_, String>(1)?,
        "download_url": format!("{root}/organizations/{org_id}/attachments/{id}/download/"),
        "size": r.get::<_, i64>(2)?,
        "content_type": r.get::<_, String>(3)?,
    }))
}

fn attachments_where(
    conn: &Connection,
    root: &str,
    clause: &str,
    id: i64,
) -> rusqlite::Result<Vec<Value>> {
    let sql = format!(
        "SELECT a.id, a.name, a.size, a.content_type, a.org_id FROM attachments a {clause} ORDER BY a.created_at, a.rowid"
    );
    conn.prepare(&sql)?
        .query_map([id], |r| attachment_json(root, r.get(4)?, r))?
        .collect()
}

/// The Organization object.
pub fn organization(conn: &Connection, org_id: i64) -> Result<Value, HttpError> {
    conn.query_row(
        "SELECT id, public_id, name, support_email, enable_cc_email_routing, created_at FROM organizations WHERE id = ?1",
        [org_id],
        |r| {
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "public_id": r.get::<_, String>(1)?,
                "name": r.get::<_, String>(2)?,
                "support_email": r.get::<_, String>(3)?,
                "enable_cc_email_routing": r.get::<_, bool>(4)?,
                "created_at": r.get::<_, String>(5)?,
                "updated_at": r.get::<_, String>(5)?,
                "created_by": null,
                "description": "",
                "site_url": "",
                "email_from_name": r.get::<_, String>(2)?,
                "email_subject_prefix": "",
                "enable_csat": false,
                "enable_auto_tagging": false,
            }))
        },
    )
    .optional()?
    .ok_or_else(HttpError::not_found)
}

/// The Ticket object.
pub fn ticket(conn: &Connection, root: &str, id: i64) -> Result<Value, HttpError> {
    let mut t = conn
        .query_row(
            "SELECT t.id, t.public_id, t.subject, t.description, t.description_html, t.status, t.is_spam, t.tags,
                    t.external_recipient_emails, t.language, t.created_at, t.updated_at,
                    i.id, i.name, i.email_prefix, c.id, c.name, c.email, c.is_spam, t.assignee_id,
                    (SELECT COUNT(*) FROM messages m
                      WHERE m.ticket_id = t.id AND m.role = 'associate' AND m.is_visible_to_customer = 1)
               FROM tickets t
               JOIN customers c ON c.id = t.customer_id
               LEFT JOIN inboxes i ON i.id = t.inbox_id
              WHERE t.id = ?1",
            [id],
            |r| {
                let inbox = match r.get::<_, Option<i64>>(12)? {
                    Some(iid) => json!({ "id": iid, "name": r.get::<_, String>(13)?, "email_prefix": r.get::<_, String>(14)? }),
                    None => Value::Null,
                };
                Ok((
                    json!({
                        "id": r.get::<_, i64>(0)?,
                        "public_id": r.get::<_, i64>(1)?,
                        "subject": r.get::<_, String>(2)?,
                        "summary": "",
                        "description": r.get::<_, String>(3)?,
                        "description_html": r.get::<_, String>(4)?,
                        "status": r.get::<_, String>(5)?,
                        "is_spam": r.get::<_, bool>(6)?,
                        "tags": json_list(&r.get::<_, String>(7)?),
                        "external_recipient_emails": json_list(&r.get::<_, String>(8)?),
                        "language": r.get::<_, String>(9)?,
                        "created_at": r.get::<_, String>(10)?,
                        "updated_at": r.get::<_, String>(11)?,
                        "inbox": inbox,
                        "customer": {
                            "id": r.get::<_, i64>(15)?,
                            "name": r.get::<_, String>(16)?,
                            "email": r.get::<_, String>(17)?,
                            "is_spam": r.get::<_, bool>(18)?,
                        },
                        "customer_visible_reply_count": r.get::<_, i64>(20)?,
                        "csat_response": null,
                        "created_by": { "role": "customer", "user": null },
                    }),
                    r.get::<_, Option<i64>>(19)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(HttpError::not_found)
        .map(|(mut t, assignee)| {
            t["assignee"] = user_ref(conn, assignee).unwrap_or(Value::Null);
            t
        })?;
    let attachments = attachments_where(
        conn,
        root,
        "JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ?1",
        id,
    )?;
    t["has_attachments"] = json!(!attachments.is_empty());
    t["attachments"] = Value::Array(attachments);
    Ok(t)
}

/// The Message object.
pub fn message(conn: &Connection, root: &str, id: i64) -> Result<Value, HttpError> {
    let (mut m, author_id, next_assignee_id) = conn
        .query_row(
            "SELECT id, role, author_id, sender_email, sender_name, content, content_html, is_visible_to_customer,
                    external_recipient_emails, next_action, next_assignee_id, created_at, updated_at
               FROM messages WHERE id = ?1",
            [id],
            |r| {
                let author_id: Option<i64> = r.get(2)?;
                let sender = match r.get::<_, Option<String>>(3)? {
                    Some(email) => json!({ "email": email, "name": r.get::<_, Option<String>>(4)?.unwrap_or_default(), "user_id": author_id }),
                    None => Value::Null,
                };
                Ok((
                    json!({
                        "id": r.get::<_, i64>(0)?,
                        "role": r.get::<_, String>(1)?,
                        "sender": sender,
                        "content": r.get::<_, String>(5)?,
                        "content_html": r.get::<_, String>(6)?,
                        "is_visible_to_customer": r.get::<_, bool>(7)?,
                        "external_recipient_emails": json_list(&r.get::<_, String>(8)?),
                        "next_action": r.get::<_, String>(9)?,
                        "created_at": r.get::<_, String>(11)?,
                        "updated_at": r.get::<_, String>(12)?,
                    }),
                    author_id,
                    r.get::<_, Option<i64>>(10)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(HttpError::not_found)?;
    m["author"] = user_ref(conn, author_id)?;
    m["next_assignee"] = user_ref(conn, next_assignee_id)?;
    m["attachments"] = Value::Array(attachments_where(
        conn,
        root,
        "WHERE a.message_id = ?1",
        id,
    )?);
    Ok(m)
}

/// Whether a user of this organisation exists.
pub fn user_in_org(conn: &Connection, org_id: i64, user_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM users WHERE id = ?1 AND org_id = ?2",
        params![user_id, org_id],
        |_| Ok(()),
    )
    .optional()
    .map(|o| o.is_some())
}
