//! The InboxOps dialect against bodies shaped as its documentation shows them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use threadline_core::dialect::inboxops::{InboxOps, InboxOpsConfig};
use threadline_core::dialect::Dialect;
use threadline_core::error::ApiError;
use threadline_core::http::{Body, HttpResponse, Method};
use threadline_core::model::{NewMessage, Role, Visibility};

fn dialect() -> InboxOps {
    InboxOps::new(
        InboxOpsConfig {
            api_base: "/api/v1".into(),
            token: Some("ixk_test".into()),
            page_size: 50,
        },
        "https://app.inboxops.example/tickets/7",
    )
    .unwrap()
}

fn note(text: &str) -> NewMessage {
    NewMessage {
        visibility: Visibility::Note,
        text: text.into(),
        html: Some(format!("<p>{text}</p>")),
        idempotency_key: Some("out-1".into()),
        ..NewMessage::default()
    }
}

#[test]
fn only_notes_are_offered_and_posted_as_documented() {
    let d = dialect();
    let caps = d.capabilities();
    assert!(caps.can_note && !caps.can_reply && !caps.has_cc && !caps.has_attachments);
    assert!(d.list_users_request().is_none());
    let req = d
        .create_message_request("T-1", &note("Checked the logs"))
        .unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "https://app.inboxops.example/api/v1/tickets/T-1/messages"
    );
    assert!(req
        .headers
        .contains(&("Authorization".into(), "Bearer ixk_test".into())));
    assert!(req
        .headers
        .contains(&("Idempotency-Key".into(), "out-1".into())));
    let Body::Json(json) = &req.body else {
        panic!("a JSON body")
    };
    let sent: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"type": "internal_note", "body_html": "<p>Checked the logs</p>",
                           "body_text": "Checked the logs"})
    );
    // A reply is refused before any request, in words for the agent.
    let reply = NewMessage {
        visibility: Visibility::Reply,
        ..note("Hi")
    };
    let err = d.create_message_request("T-1", &reply).unwrap_err();
    assert!(
        err.user_message().contains("does not send replies"),
        "{err:?}"
    );
}

#[test]
fn the_thread_maps_directions_and_types_and_keeps_unreadable_items() {
    let body = r#"{"data": [
        {"id": "m1", "direction": "inbound", "type": "email", "from_address": "ann@x.example",
         "from_name": "Ann Lee", "to_addresses": ["help@acme.example"], "cc_addresses": ["bob@y.example"],
         "body_html": "<p>Hello</p>", "body_text": "Hello", "created_at": "2026-01-05T10:00:00Z"},
        {"id": "m2", "direction": "outbound", "type": "email", "from_address": "sam@acme.example",
         "body_text": "Hi Ann, ünïcödé 👋", "created_at": "2026-01-05T11:00:00Z"},
        {"id": "m3", "type": "internal_note", "body_text": "VIP", "created_at": "not a date"},
        {"id": "m4", "type": 42}
    ]}"#;
    let page = dialect()
        .parse_message_page(&HttpResponse::new(200, body))
        .unwrap();
    assert_eq!(
        (page.total, page.next),
        (None, None),
        "the whole thread, unpaged"
    );
    let m = &page.items;
    assert_eq!((m[0].role, m[0].is_internal), (Role::Customer, false));
    assert_eq!(m[0].author.as_ref().unwrap().name, "Ann Lee");
    assert_eq!(m[0].cc, ["bob@y.example"]);
    assert_eq!(m[1].role, Role::Associate);
    assert_eq!(m[1].text.as_deref(), Some("Hi Ann, ünïcödé 👋"));
    assert!(m[2].is_internal);
    assert!(!m[2].problems.is_empty(), "a bad date is marked");
    assert_eq!(m[3].id, "m4");
    assert!(
        !m[3].problems.is_empty(),
        "an unreadable item stays, marked"
    );
}

#[test]
fn a_created_note_is_read_with_or_without_the_envelope() {
    let d = dialect();
    for body in [
        r#"{"data": {"id": 9, "type": "internal_note", "body_text": "x", "created_at": "2026-01-05T10:00:00Z"}}"#,
        r#"{"id": 9, "type": "internal_note", "body_text": "x", "created_at": "2026-01-05T10:00:00Z"}"#,
    ] {
        let m = d
            .parse_created_message(&HttpResponse::new(201, body), &NewMessage::default())
            .unwrap();
        assert_eq!((m.id.as_str(), m.is_internal), ("9", true));
    }
}

#[test]
fn each_documented_error_reaches_the_agent_in_plain_words() {
    let d = dialect();
    let problem = |status: u16, code: &str, detail: &str| {
        HttpResponse::new(
            status,
            format!(
                r#"{{"type": "https://docs.inboxops.app/problems/{code}", "title": "t", "status": {status}, "detail": "{detail}", "code": "{code}"}}"#
            ),
        )
    };
    assert_eq!(
        d.parse_created_message(
            &problem(401, "unauthorized", "Revoked API key."),
            &NewMessage::default()
        ),
        Err(ApiError::Unauthorized("Revoked API key.".into()))
    );
    let scope = d
        .parse_created_message(
            &problem(403, "insufficient_scope", "Read-only key."),
            &NewMessage::default(),
        )
        .unwrap_err();
    assert!(scope.user_message().contains("read-only"), "{scope:?}");
    assert!(matches!(
        d.parse_ticket(&problem(404, "not_found", "No such ticket.")),
        Err(ApiError::NotFound(_))
    ));
    // 429: the header wins; the body's retryAfter is the fallback.
    let mut limited = HttpResponse::new(
        429,
        r#"{"error": "Too Many Requests", "message": "Rate limit exceeded.", "code": 429, "retryAfter": 30}"#,
    );
    assert_eq!(
        d.parse_created_message(&limited, &NewMessage::default()),
        Err(ApiError::RateLimited {
            retry_after: Some(30)
        })
    );
    limited.headers.push(("Retry-After".into(), "5".into()));
    assert_eq!(
        d.parse_created_message(&limited, &NewMessage::default()),
        Err(ApiError::RateLimited {
            retry_after: Some(5)
        })
    );
    // 400 with the message page's `details`: the body fields are the composer's text.
    let invalid = HttpResponse::new(
        400,
        r#"{"error": "Bad Request", "message": "Invalid parameters", "code": 400,
            "details": [{"field": "body_text", "message": "Must not be empty"}, {"message": "Odd"}]}"#,
    );
    let Err(ApiError::Validation(errors)) =
        d.parse_created_message(&invalid, &NewMessage::default())
    else {
        panic!("a 400 is a validation error")
    };
    assert_eq!(errors.for_field("text"), ["Must not be empty"]);
    assert_eq!(errors.general, ["Odd"]);
    // A proxy's HTML page is not shown to the agent as text.
    let Err(ApiError::Server { status, detail }) = d.parse_created_message(
        &HttpResponse::new(502, "<html><body>Bad gateway</body></html>"),
        &NewMessage::default(),
    ) else {
        panic!("a 502 is a server error")
    };
    assert_eq!((status, detail.as_str()), (502, ""));
}

#[test]
fn tickets_and_a_single_ticket_come_in_the_data_envelope() {
    let d = dialect();
    let list = d
        .parse_ticket_page(&HttpResponse::new(
            200,
            r#"{"data": [{"id": "7f0c", "ticket_number": 1042, "subject": "Refund"}], "meta": {"total": 1}}"#,
        ))
        .unwrap();
    assert_eq!(list.total, Some(1));
    assert_eq!(list.items[0].number.as_deref(), Some("1042"));
    let one = d
        .parse_ticket(&HttpResponse::new(
            200,
            r#"{"data": {"id": "7f0c", "ticket_number": 1042, "subject": "Refund", "status": "open"}}"#,
        ))
        .unwrap();
    assert_eq!(one.subject, "Refund");
    let req = d.get_ticket_request("7f0c").unwrap();
    assert_eq!(
        req.url,
        "https://app.inboxops.example/api/v1/tickets/7f0c?include=contact,tags,inbox"
    );
}
