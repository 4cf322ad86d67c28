//! The customer's view dialect against the reference server's `/portal-api` shapes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use serde_json::json;
use threadline_core::dialect::{Dialect, DialectConfig};
use threadline_core::error::ApiError;
use threadline_core::http::{Body, HttpResponse, Method};
use threadline_core::model::{NewMessage, Role, TicketStatus, Visibility};

const LINK: &str = "v1.1.2.1999999999.c2ln";

fn dialect() -> Box<dyn Dialect> {
    let config: DialectConfig = serde_json::from_value(json!({
        "dialect": "portal", "api_base": format!("/portal-api/{LINK}")
    }))
    .unwrap();
    config
        .build(&format!("https://help.acme.example/portal/{LINK}"))
        .unwrap()
}

/// A helpdesk that takes no message from customers (InboxOps): the view is read-only.
#[test]
fn a_read_only_view_offers_no_reply_and_sends_none() {
    let config: DialectConfig = serde_json::from_value(json!({
        "dialect": "portal", "api_base": format!("/portal-api/{LINK}"), "can_reply": false
    }))
    .unwrap();
    let d = config
        .build(&format!("https://help.acme.example/portal/{LINK}"))
        .unwrap();
    let caps = d.capabilities();
    assert!(!caps.can_reply && !caps.can_note);
    let reply = NewMessage {
        text: "Thanks!".into(),
        ..NewMessage::default()
    };
    assert!(matches!(
        d.create_message_request("x", &reply),
        Err(ApiError::InvalidRequest(_))
    ));
    assert!(dialect().capabilities().can_reply, "replies unless told");
}

#[test]
fn the_customer_can_reply_and_nothing_else() {
    let d = dialect();
    let caps = d.capabilities();
    assert!(caps.can_reply);
    assert!(!caps.can_note && !caps.has_cc && !caps.has_next_action && !caps.has_assignee);
    assert!(!caps.has_attachments && !caps.has_ticket_list && !caps.has_email_switch);
    assert_eq!(d.next_actions().len(), 1, "only \"(none)\"");
    let reply = NewMessage {
        text: "Thanks!".into(),
        html: Some("<p>Thanks!</p>".into()),
        cc: Some(vec!["x@y.example".into()]),
        idempotency_key: Some("out-1".into()),
        ..NewMessage::default()
    };
    let req = d.create_message_request("ignored", &reply).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        format!("https://help.acme.example/portal-api/{LINK}/messages")
    );
    assert_eq!(req.header("idempotency-key"), Some("out-1"));
    let Body::Json(body) = &req.body else {
        panic!("JSON")
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(body).unwrap(),
        json!({"text": "Thanks!", "html": "<p>Thanks!</p>"}),
        "no CC, no note flag, nothing but the reply"
    );
    assert!(req.header("authorization").is_none() && req.headers.len() == 3);
    let note = NewMessage {
        visibility: Visibility::Note,
        ..reply
    };
    assert!(matches!(
        d.create_message_request("x", &note),
        Err(ApiError::InvalidRequest(_))
    ));
}

#[test]
fn the_conversation_document_is_the_ticket_and_its_thread() {
    let d = dialect();
    let req = d.list_messages_request("anything").unwrap();
    assert_eq!(
        req.url,
        format!("https://help.acme.example/portal-api/{LINK}?page=1&page_size=50")
    );
    assert_eq!(
        d.message_page_request("x", 3, 500).unwrap().url,
        format!("https://help.acme.example/portal-api/{LINK}?page=3&page_size=100")
    );
    assert_eq!(
        d.get_ticket_request("x").unwrap().url,
        format!("https://help.acme.example/portal-api/{LINK}?page=1&page_size=1")
    );
    let body = json!({
        "ticket": {"number": "1002", "subject": "Refund", "status": "awaiting_your_reply",
                   "requester": {"name": "Ann", "email": "ann@x.example"}, "created_at": "2026-01-01T00:00:00Z"},
        "messages": [
            {"id": "1", "role": "customer", "author": {"name": "Ann", "email": "ann@x.example"},
             "text": "Hi 👋", "html": "", "cc": [], "created_at": "2026-01-01T00:00:00Z", "attachments": []},
            {"id": "2", "role": "agent", "author": {"name": "Sam", "email": ""}, "text": "",
             "html": "<p>Hello</p>", "cc": [], "created_at": "2026-01-01T01:00:00Z",
             "attachments": [{"id": "f1", "name": "a.pdf", "size": 3, "content_type": "application/pdf",
                              "download_url": format!("/portal-api/{LINK}/attachments/f1")}]}
        ],
        "count": 120
    })
    .to_string();
    let response = HttpResponse::new(200, body);
    let ticket = d.parse_ticket(&response).unwrap();
    assert_eq!(ticket.status, Some(TicketStatus::WaitingCustomer));
    assert_eq!(ticket.number.as_deref(), Some("1002"));
    let page = d.parse_message_page(&response).unwrap();
    assert_eq!(page.total, Some(120), "paged by count, newest pages first");
    assert_eq!(page.items[0].role, Role::Customer);
    assert_eq!(page.items[0].text.as_deref(), Some("Hi 👋"));
    assert_eq!(page.items[1].role, Role::Associate);
    assert!(page.items.iter().all(|m| !m.is_internal));
    let file = d.download_request(&page.items[1].attachments[0]).unwrap();
    assert!(file.url.ends_with("/attachments/f1"));
}

#[test]
fn invalid_and_expired_links_are_explained() {
    let d = dialect();
    for status in [403, 410] {
        let e = d.parse_error(&HttpResponse::new(
            status,
            r#"{"detail": "This link has expired. Ask us for a new link."}"#,
        ));
        assert!(
            matches!(&e, ApiError::Forbidden(m) if m.contains("expired")),
            "{e:?}"
        );
    }
    let refused = d.parse_error(&HttpResponse::new(
        400,
        r#"{"detail": "Your reply is empty."}"#,
    ));
    assert!(matches!(refused, ApiError::Validation(f) if f.general == ["Your reply is empty."]));
}
