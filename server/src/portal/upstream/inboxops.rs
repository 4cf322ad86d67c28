//! The customer's view of an InboxOps ticket, read-only: its public API adds internal notes
//! only, so a customer's reply cannot be posted (docs/api/inboxops.md). `email` messages are
//! shown (inbound the customer's, outbound an agent's), `internal_note`s never.

use serde_json::{json, Value};

use super::{list, text, Call, CustomerView, Thread, Visible, PAGE};

fn customer_status(status: &str) -> &'static str {
    match status {
        "open" | "in_progress" => "open",
        "waiting" => "awaiting_your_reply",
        _ => "closed",
    }
}

/// `{data: {...}}`, with the documented `include=contact`.
fn visible_ticket(a: &Value) -> Value {
    let t = &a["data"];
    json!({
        "number": text(&t["ticket_number"]),
        "subject": text(&t["subject"]),
        "status": customer_status(t["status"].as_str().unwrap_or_default()),
        "created_at": text(&t["created_at"]),
        "requester": {"name": text(&t["contact"]["name"]), "email": text(&t["contact"]["email"])},
    })
}

fn visible_message(m: &Value, _ticket: &Value) -> Option<Value> {
    if m["type"] != "email" {
        return None;
    }
    let role = match m["direction"].as_str()? {
        "inbound" => "customer",
        "outbound" => "agent",
        _ => return None,
    };
    Some(
        Visible {
            id: text(&m["id"]),
            role,
            name: text(&m["from_name"]),
            email: text(&m["from_address"]),
            text: text(&m["body_text"]),
            html: text(&m["body_html"]),
            cc: list(&m["cc_addresses"]).to_vec(),
            created_at: text(&m["created_at"]),
            attachments: Vec::new(),
        }
        .into_json(),
    )
}

pub const VIEW: CustomerView = CustomerView {
    ticket: |ids| Call::to(format!("tickets/{}", ids.ticket)).query("include=contact"),
    visible_ticket,
    thread: Thread::Paged {
        page: |ids, n| {
            Call::to(format!("tickets/{}/messages", ids.ticket))
                .query(format!("page={n}&per_page={PAGE}"))
        },
        items: |a| (list(&a["data"]), a["meta"]["total"].as_u64()),
    },
    visible_message,
    reply: None,
    download: None,
};
