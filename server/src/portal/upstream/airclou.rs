//! The customer's view of an Airclou ticket: `request` messages are the customer's,
//! `response` ones an agent's, `note`s are never shown; the reply is posted as a `request`
//! (docs/api/airclou.md).

use serde_json::{json, Value};

use super::{file, list, text, Call, CustomerView, Ids, ReplyRules, Stored, Thread, Visible, PAGE};
use crate::portal::Reply;

fn customer_status(status: &str) -> &'static str {
    match status {
        "new" | "open" => "open",
        "pending" => "awaiting_your_reply",
        _ => "closed",
    }
}

/// `{ticket: {...}}`, as the v1 API answers.
fn visible_ticket(a: &Value) -> Value {
    let t = &a["ticket"];
    json!({
        "number": text(&t["id"]),
        "subject": text(&t["subject"]),
        "status": customer_status(t["status"].as_str().unwrap_or_default()),
        "created_at": text(&t["createdAt"]),
        "requester": {"name": text(&t["requesterName"]), "email": text(&t["requesterEmail"])},
    })
}

/// A `request` is the requester's unless it names another author (someone copied in); a
/// message of another ticket is never shown, whatever the list holds.
fn visible_message(m: &Value, ticket: &Value) -> Option<Value> {
    let ticket = &ticket["ticket"];
    if m["ticketId"].is_string() && m["ticketId"] != ticket["id"] {
        return None;
    }
    let author = text(&m["authorEmail"]);
    let requester = text(&ticket["requesterEmail"]);
    let role = match m["type"].as_str()? {
        "request" if author.is_empty() || author.eq_ignore_ascii_case(&requester) => "customer",
        "request" => "cc",
        "response" => "agent",
        _ => return None,
    };
    let attachments = list(&m["attachments"])
        .iter()
        .filter_map(|a| file(a, ["token", "size", "contentType"]))
        .collect();
    Some(
        Visible {
            id: text(&m["id"]),
            role,
            name: match text(&m["authorName"]) {
                name if name.is_empty() && role == "customer" => text(&ticket["requesterName"]),
                name => name,
            },
            email: author,
            text: text(&m["textContent"]),
            html: text(&m["content"]),
            cc: list(&m["ccs"])
                .iter()
                .filter_map(|c| c["email"].as_str().map(Value::from))
                .collect(),
            created_at: text(&m["createdAt"]),
            attachments,
        }
        .into_json(),
    )
}

/// A `request` on the ticket: Airclou's inbound message, the customer's own.
fn post(ids: &Ids, _ticket: &Value, reply: &Reply) -> (Call, Value) {
    // `content` is HTML and required: plain text is escaped into it.
    let html = if reply.html.trim().is_empty() {
        threadline_core::html::SafeHtml::from_plain_text(&reply.text)
            .as_str()
            .to_owned()
    } else {
        reply.html.clone()
    };
    (
        Call::to("messages"),
        json!({
            "ticket_id": ids.ticket,
            "type": "request",
            "content": html,
            "text_content": reply.text,
        }),
    )
}

pub const VIEW: CustomerView = CustomerView {
    ticket: |ids| Call::to(format!("v1/tickets/{}", ids.ticket)),
    visible_ticket,
    thread: Thread::Paged {
        page: |ids, n| {
            Call::to("messages").query(format!(
                "ticket_id={}&page={n}&limit={PAGE}&sort_order=asc",
                ids.ticket
            ))
        },
        items: |a| (list(&a["messages"]), a["meta"]["total"].as_u64()),
    },
    visible_message,
    reply: Some(ReplyRules {
        post,
        idempotency_header: true,
        // The message itself, or wrapped as `{message: ...}`.
        stored: |a| {
            let m = if a["message"].is_object() {
                &a["message"]
            } else {
                a
            };
            Stored::Message(m.clone())
        },
    }),
    download: Some(|_, file| Call::to(format!("attachments/{file}"))),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_the_customer_s_only_when_it_is_the_requester_s_and_this_ticket_s() {
        let ticket = json!({"ticket": {"id": "tkt_2", "requesterEmail": "kenji@fabrikam.example",
                                       "requesterName": "Kenji Tanaka"}});
        let message = |fields: Value| {
            let mut m = json!({"id": "msg_1", "ticketId": "tkt_2", "type": "request",
                               "content": "<p>Hi</p>", "textContent": "Hi"});
            if let (Value::Object(m), Value::Object(f)) = (&mut m, fields) {
                m.extend(f);
            }
            visible_message(&m, &ticket)
        };
        let role = |m: Option<Value>| m.map(|m| m["role"].clone());
        assert_eq!(
            role(message(json!({"authorEmail": "Kenji@Fabrikam.example"}))),
            Some(json!("customer"))
        );
        assert_eq!(
            message(json!({})).unwrap()["author"]["name"],
            "Kenji Tanaka",
            "named as the requester"
        );
        // Stored under someone else's address (an agent's session): never passed off as theirs.
        assert_eq!(
            role(message(json!({"authorEmail": "priya@acme.example"}))),
            Some(json!("cc"))
        );
        assert_eq!(
            message(json!({"ticketId": "tkt_3"})),
            None,
            "another ticket's"
        );
        assert_eq!(message(json!({"type": "note"})), None);
        assert_eq!(
            role(message(
                json!({"type": "response", "authorEmail": "priya@acme.example"})
            )),
            Some(json!("agent"))
        );
        assert_eq!(
            message(json!({"type": "response", "authorEmail": "priya@acme.example"})).unwrap()
                ["author"]["email"],
            ""
        );
    }
}
