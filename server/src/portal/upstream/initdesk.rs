//! The customer's view of an Initdesk ticket: `role` and `is_visible_to_customer` say what
//! the customer may see; the reply is posted with `role: customer` (docs/api/CONTRACT.md).

use serde_json::{json, Value};

use super::{file, list, text, Call, CustomerView, Ids, ReplyRules, Stored, Thread, Visible, PAGE};
use crate::portal::Reply;

fn ticket_path(ids: &Ids) -> String {
    format!("organizations/{}/tickets/{}/", ids.org, ids.ticket)
}

fn visible_ticket(t: &Value) -> Value {
    json!({
        "number": text(&t["public_id"]),
        "subject": text(&t["subject"]),
        "status": crate::portal::customer_status(t["status"].as_str().unwrap_or_default()),
        "created_at": text(&t["created_at"]),
        "requester": {"name": text(&t["customer"]["name"]), "email": text(&t["customer"]["email"])},
    })
}

fn visible_message(m: &Value, _ticket: &Value) -> Option<Value> {
    if m["is_visible_to_customer"] != Value::Bool(true) {
        return None;
    }
    let role = match m["role"].as_str()? {
        "associate" => "agent",
        "customer" => "customer",
        "cc" => "cc",
        _ => return None,
    };
    let sender = if m["sender"].is_object() {
        &m["sender"]
    } else {
        &m["author"]
    };
    let attachments = list(&m["attachments"])
        .iter()
        .filter_map(|a| file(a, ["id", "size", "content_type"]))
        .collect();
    Some(
        Visible {
            id: text(&m["id"]),
            role,
            name: text(&sender["name"]),
            email: text(&sender["email"]),
            text: text(&m["content"]),
            html: text(&m["content_html"]),
            cc: list(&m["external_recipient_emails"]).to_vec(),
            created_at: text(&m["created_at"]),
            attachments,
        }
        .into_json(),
    )
}

fn post(ids: &Ids, _ticket: &Value, reply: &Reply) -> (Call, Value) {
    (
        Call::to(format!("{}messages/", ticket_path(ids))),
        json!({
            "role": "customer",
            "content": reply.text,
            "content_html": reply.html,
            "is_visible_to_customer": true,
        }),
    )
}

pub const VIEW: CustomerView = CustomerView {
    ticket: |ids| Call::to(ticket_path(ids)),
    visible_ticket,
    thread: Thread::Paged {
        page: |ids, n| {
            Call::to(format!("{}messages/", ticket_path(ids)))
                .query(format!("page={n}&page_size={PAGE}"))
        },
        // DRF's envelope, or a bare list (docs/api/initdesk.md).
        items: |a| {
            let items = a["results"].as_array().or_else(|| a.as_array());
            (
                items.map(Vec::as_slice).unwrap_or_default(),
                a["count"].as_u64(),
            )
        },
    },
    visible_message,
    reply: Some(ReplyRules {
        post,
        idempotency_header: true,
        stored: |a| Stored::Message(a.clone()),
    }),
    download: Some(|ids, file| {
        Call::to(format!(
            "organizations/{}/attachments/{file}/download/",
            ids.org
        ))
    }),
};
