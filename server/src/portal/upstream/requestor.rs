//! The customer's view of a Requestor ticket: GetTicket carries the whole thread, so the
//! gateway filters it and pages what is visible itself. A message is the customer's when its
//! author is the ticket's submitter, as the app reads it; private messages are never shown.
//! The reply is a non-private, not emailed NewMessage with `AsSubmitter` (our decision:
//! Requestor documents no way to post in the submitter's name; docs/api/CONTRACT.md), and as
//! NewMessage answers only an id, the gateway reads the ticket again to check whose it is.

use serde_json::{json, Value};

use super::{list, text, Call, CustomerView, Ids, ReplyRules, Stored, Thread, Visible};
use crate::portal::Reply;

/// `CreatedUTC` has no offset and means UTC.
fn utc(v: &Value) -> String {
    let t = text(v);
    if t.is_empty() || t.ends_with('Z') || t.contains('+') {
        t
    } else {
        format!("{t}Z")
    }
}

fn visible_ticket(t: &Value) -> Value {
    json!({
        "number": text(&t["TicketREF"]),
        "subject": text(&t["Subject"]),
        // Requestor says only whether a ticket is closed.
        "status": if t["Closed"] == Value::Bool(true) { "closed" } else { "open" },
        "created_at": utc(&t["CreatedUTC"]),
        "requester": {"name": text(&t["SubmitterFullName"]), "email": ""},
    })
}

fn visible_message(m: &Value, ticket: &Value) -> Option<Value> {
    if m["IsPrivate"] != Value::Bool(false) {
        return None;
    }
    let author = text(&m["AuthorName"]);
    if author.is_empty() {
        // A system event.
        return None;
    }
    let role = if author == text(&ticket["SubmitterFullName"]) {
        "customer"
    } else {
        "agent"
    };
    let body = text(&m["Message"]);
    let (text_body, html) = if m["Html"] == Value::Bool(true) {
        (String::new(), body)
    } else {
        (body, String::new())
    };
    Some(
        Visible {
            id: text(&m["TicketMessageId"]),
            role,
            name: author,
            email: String::new(),
            text: text_body,
            html,
            cc: list(&m["EmailCc"]).to_vec(),
            created_at: utc(&m["CreatedUTC"]),
            attachments: Vec::new(),
        }
        .into_json(),
    )
}

fn post(ids: &Ids, ticket: &Value, reply: &Reply) -> (Call, Value) {
    let html = !reply.html.trim().is_empty();
    let mut body = json!({
        "Message": if html { &reply.html } else { &reply.text },
        "Html": html,
        "IsPrivate": false,
        "SendViaOutboundEmail": false,
        "AsSubmitter": true,
    });
    // The ticket as GetTicket named it, else as the link does.
    match (ticket["TicketId"].as_i64(), ids.ticket.parse::<i64>()) {
        (Some(id), _) | (None, Ok(id)) => body["TicketId"] = json!(id),
        (None, Err(_)) => body["TicketREF"] = json!(ids.ticket),
    }
    (Call::to("Tickets/NewMessage"), body)
}

pub const VIEW: CustomerView = CustomerView {
    ticket: |ids| {
        Call::to(format!("Tickets/GetTicket/{}", ids.ticket)).query("plainTextOnly=false")
    },
    visible_ticket,
    thread: Thread::InTicket(|t| list(&t["Messages"])),
    visible_message,
    reply: Some(ReplyRules {
        post,
        // Requestor has none: the gateway's ledger keeps the reply single.
        idempotency_header: false,
        stored: |a| match text(&a["TicketMessageId"]) {
            id if id.is_empty() => Stored::Unreadable,
            id => Stored::Id(id),
        },
    }),
    download: None,
};
