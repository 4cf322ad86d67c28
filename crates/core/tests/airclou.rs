//! The Airclou Helpdesk dialect against bodies shaped as its documentation shows them (and
//! docs/api/CONTRACT.md where it is silent).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use serde_json::{json, Value};
use threadline_core::dialect::airclou::{Airclou, AirclouConfig};
use threadline_core::dialect::{Dialect, DialectConfig};
use threadline_core::error::ApiError;
use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::model::{
    field, Attachment, NewMessage, NextAction, Role, TicketStatus, UploadFile, Visibility,
};

fn dialect() -> Airclou {
    Airclou::new(
        AirclouConfig {
            api_base: "/helpdesk/api".into(),
            token: Some("sess-abc".into()),
            workspace_id: Some("ws_acme".into()),
            page_size: 500,
        },
        "https://desk.acme.example/tickets/tkt_1",
    )
    .unwrap()
}

fn sent(req: &HttpRequest) -> Value {
    let Body::Json(json) = &req.body else {
        panic!("a JSON body")
    };
    serde_json::from_str(json).unwrap()
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.header(name)
}

#[test]
fn config_json_selects_airclou() {
    let config: DialectConfig = serde_json::from_value(json!({
        "dialect": "airclou", "api_base": "/helpdesk/api", "token": "t", "workspace_id": "ws_1"
    }))
    .unwrap();
    let d = config.build("https://x.example/").unwrap();
    assert!(d.capabilities().has_email_switch);
}

#[test]
fn a_response_carries_named_ccs_attachments_email_switch_and_status() {
    let d = dialect();
    let caps = d.capabilities();
    assert!(caps.can_reply && caps.can_note && caps.has_cc && caps.has_attachments);
    assert!(caps.has_next_action && caps.has_email_switch && !caps.has_assignee && !caps.has_bcc);
    let msg = NewMessage {
        visibility: Visibility::Reply,
        text: "Refund issued.".into(),
        html: Some("<p>Refund issued.</p>".into()),
        cc: Some(vec![
            "Ann Lee <ann@x.example>".into(),
            "bob@y.example".into(),
        ]),
        attachments: vec![Attachment {
            id: "att_tok_1".into(),
            name: "invoice.pdf".into(),
            size: Some(2048),
            content_type: Some("application/pdf".into()),
            download_url: None,
        }],
        next_action: NextAction::CloseAndMarkResolved,
        ticket_fields: [("priority".to_owned(), "high".to_owned())].into(),
        send_email: Some(false),
        idempotency_key: Some("out-7".into()),
        ..NewMessage::default()
    };
    let req = d.create_message_request("tkt_1", &msg).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://desk.acme.example/helpdesk/api/messages");
    assert_eq!(header(&req, "authorization"), Some("Bearer sess-abc"));
    assert_eq!(header(&req, "idempotency-key"), Some("out-7"));
    assert_eq!(
        sent(&req),
        json!({
            "ticket_id": "tkt_1",
            "type": "response",
            "content": "<p>Refund issued.</p>",
            "text_content": "Refund issued.",
            "ccs": [{"email": "ann@x.example", "name": "Ann Lee"}, {"email": "bob@y.example"}],
            "attachments": [{"token": "att_tok_1", "name": "invoice.pdf", "size": 2048}],
            "send_email": false,
            "ticket_update": {"status": "resolved", "priority": "high"}
        })
    );
}

#[test]
fn a_note_never_carries_ccs_or_the_email_switch_and_plain_text_becomes_html() {
    let msg = NewMessage {
        visibility: Visibility::Note,
        text: "Checked <the> logs\nall fine".into(),
        cc: Some(vec!["ann@x.example".into()]),
        send_email: Some(true),
        ..NewMessage::default()
    };
    let body = sent(&dialect().create_message_request("tkt_1", &msg).unwrap());
    assert_eq!(body["type"], "note");
    assert_eq!(body["content"], "Checked &lt;the&gt; logs<br>all fine");
    assert!(body.get("ccs").is_none() && body.get("send_email").is_none());
    assert!(body.get("ticket_update").is_none() && body.get("attachments").is_none());
}

#[test]
fn only_the_statuses_an_agent_may_set_are_offered() {
    let d = dialect();
    assert_eq!(
        d.next_actions(),
        [
            NextAction::None,
            NextAction::CloseAndMarkResolved,
            NextAction::ReopenWaitingCustomer,
            NextAction::ReopenWaitingAssociate,
        ]
    );
    let pending = NewMessage {
        text: "x".into(),
        next_action: NextAction::ReopenWaitingCustomer,
        ..NewMessage::default()
    };
    let body = sent(&d.create_message_request("tkt_1", &pending).unwrap());
    assert_eq!(body["ticket_update"], json!({"status": "pending"}));
    // Closing is for automations: refused before any request.
    let close = NewMessage {
        next_action: NextAction::CloseAndMarkOther,
        ..pending
    };
    assert!(matches!(
        d.create_message_request("tkt_1", &close),
        Err(ApiError::InvalidRequest(_))
    ));
    assert!(d
        .create_message_request("../x", &NewMessage::default())
        .is_err());
}

#[test]
fn a_thread_page_maps_types_ccs_attachments_and_keeps_unreadable_items() {
    let d = dialect();
    let req = d.message_page_request("tkt_1", 3, 20).unwrap();
    assert_eq!(
        req.url,
        "https://desk.acme.example/helpdesk/api/messages?ticket_id=tkt_1&page=3&limit=20&sort_order=asc"
    );
    // The first page uses the configured size, held to the documented 1-100.
    assert!(d
        .list_messages_request("tkt_1")
        .unwrap()
        .url
        .contains("page=1&limit=100&"));
    let body = json!({
        "messages": [
            {"id": "msg_1", "ticketId": "tkt_1", "type": "request", "content": "<p>Hi — ünïcode ✓</p>",
             "authorId": "cus_9", "createdAt": "2026-11-02T10:00:00Z", "updatedAt": "2026-11-02T10:00:00Z",
             "ccs": [{"email": "ann@x.example", "name": "Ann Lee"}, {"email": "bob@y.example"}]},
            {"id": "msg_2", "ticketId": "tkt_1", "type": "response", "content": "<p>Hello</p>",
             "authorId": "agt_1", "createdAt": "2026-11-02T11:00:00Z",
             "attachments": [{"token": "att_1", "name": "a.png", "size": 10, "contentType": "image/png",
                              "url": "/helpdesk/api/attachments/att_1"}]},
            {"id": "msg_3", "ticketId": "tkt_1", "type": "note", "content": "", "textContent": "internal",
             "authorId": "agt_1", "createdAt": "not a date"},
            {"id": "msg_4", "content": "no type"}
        ],
        "meta": {"page": 1, "limit": 50, "total": 4, "hasMore": false}
    });
    let page = d
        .parse_message_page(&HttpResponse::new(200, body.to_string()))
        .unwrap();
    assert_eq!(page.total, Some(4));
    let [request, response, note, broken] = page.items.as_slice() else {
        panic!("four items")
    };
    assert_eq!(request.role, Role::Customer);
    assert!(!request.is_internal);
    assert_eq!(request.cc, ["Ann Lee <ann@x.example>", "bob@y.example"]);
    assert_eq!(request.html.as_deref(), Some("<p>Hi — ünïcode ✓</p>"));
    assert_eq!(response.role, Role::Associate);
    assert_eq!(response.author_user_id.as_deref(), Some("agt_1"));
    assert_eq!(response.attachments[0].id, "att_1");
    // The download goes to the API with the token.
    let download = d.download_request(&response.attachments[0]).unwrap();
    assert_eq!(header(&download, "authorization"), Some("Bearer sess-abc"));
    assert!(note.is_internal);
    assert_eq!(note.text.as_deref(), Some("internal"));
    assert!(!note.problems.is_empty(), "a bad date is marked");
    assert_eq!(broken.id, "msg_4");
    assert!(
        !broken.problems.is_empty(),
        "an unreadable item is kept and marked"
    );
}

#[test]
fn tickets_come_with_the_workspace_header_and_map_statuses() {
    let d = dialect();
    let req = d.get_ticket_request("tkt_1").unwrap();
    assert_eq!(
        req.url,
        "https://desk.acme.example/helpdesk/api/v1/tickets/tkt_1"
    );
    assert_eq!(header(&req, "x-workspace-id"), Some("ws_acme"));
    let ticket = d
        .parse_ticket(&HttpResponse::new(
            200,
            json!({"ticket": {"id": "tkt_1", "subject": "Refund", "status": "pending",
                   "priority": "high", "type": "question", "assigneeId": "agt_1",
                   "requesterEmail": "c@x.example", "requesterName": "Cara", "tags": ["vip"],
                   "createdAt": "2026-11-01T09:00:00Z"}})
            .to_string(),
        ))
        .unwrap();
    assert_eq!(ticket.subject, "Refund");
    assert_eq!(ticket.status, Some(TicketStatus::WaitingCustomer));
    assert_eq!(ticket.requester.unwrap().email, "c@x.example");
    assert_eq!(ticket.tags, ["vip"]);
    assert_eq!(
        ticket.fields,
        [
            ("Priority".to_owned(), "High".to_owned()),
            ("Type".to_owned(), "Question".to_owned())
        ]
    );
    let keys: Vec<&str> = d.ticket_fields().iter().map(|f| f.key).collect();
    assert_eq!(keys, ["priority", "type"]);
    // A field alone is an update; an unknown value is refused before any request.
    let typed = NewMessage {
        text: "x".into(),
        ticket_fields: [("type".to_owned(), "incident".to_owned())].into(),
        ..NewMessage::default()
    };
    let body = sent(&d.create_message_request("tkt_1", &typed).unwrap());
    assert_eq!(body["ticket_update"], json!({"type": "incident"}));
    let wrong = NewMessage {
        ticket_fields: [("type".to_owned(), "rant".to_owned())].into(),
        ..typed
    };
    assert!(d.create_message_request("tkt_1", &wrong).is_err());
    let list = d.list_tickets_request().unwrap();
    assert_eq!(header(&list, "x-workspace-id"), Some("ws_acme"));
    let page = d
        .parse_ticket_page(&HttpResponse::new(
            200,
            json!({"tickets": [{"id": "tkt_1", "subject": "A", "status": "new"}],
                   "meta": {"pageSize": 25, "hasMore": false}, "links": {"next": null}})
            .to_string(),
        ))
        .unwrap();
    assert_eq!(page.items[0].status, Some(TicketStatus::WaitingAssociate));
}

#[test]
fn uploads_and_their_tokens() {
    let d = dialect();
    let file = UploadFile {
        name: "a.pdf".into(),
        size: 3,
        content_type: "application/pdf".into(),
    };
    let req = d.upload_attachment_request(&file).unwrap();
    assert_eq!(
        req.url,
        "https://desk.acme.example/helpdesk/api/attachments"
    );
    assert_eq!(
        req.body,
        Body::File {
            field: "file".into()
        }
    );
    let a = d
        .parse_uploaded_attachment(&HttpResponse::new(
            201,
            r#"{"token": "att_9", "name": "a.pdf", "size": 3}"#,
        ))
        .unwrap();
    assert_eq!((a.id.as_str(), a.size), ("att_9", Some(3)));
}

fn error(status: u16, code: &str, message: &str, details: Value) -> HttpResponse {
    HttpResponse::new(
        status,
        json!({"error": {"code": code, "message": message, "status": status, "details": details}})
            .to_string(),
    )
}

#[test]
fn each_documented_error_reaches_the_agent_in_plain_words() {
    let d = dialect();
    let closed = d.parse_error(&error(
        403,
        "TICKET_CLOSED",
        "Cannot add messages",
        json!(null),
    ));
    assert!(
        matches!(&closed, ApiError::Forbidden(m) if m.contains("This ticket is closed")),
        "{closed:?}"
    );
    let system = d.parse_error(&error(
        403,
        "CLOSED_STATUS_SYSTEM_ONLY",
        "Closed status can only be set by automations",
        json!(null),
    ));
    assert!(matches!(&system, ApiError::Forbidden(m) if m.contains("automations")));
    let invalid = d.parse_error(&error(
        422,
        "VALIDATION_ERROR",
        "Invalid",
        json!({"ccs[0].email": [{"code": "invalid_email", "message": "Not an email address"}],
               "content": [{"code": "required", "message": "Content is required"}]}),
    ));
    let ApiError::Validation(errors) = invalid else {
        panic!("field errors")
    };
    assert_eq!(errors.fields["cc[0]"], ["Not an email address"]);
    assert_eq!(errors.fields[field::TEXT], ["Content is required"]);
    let limited = d.parse_error(
        &error(429, "RATE_LIMIT_EXCEEDED", "Slow down", json!(null))
            .with_header("Retry-After", "7"),
    );
    assert_eq!(
        limited,
        ApiError::RateLimited {
            retry_after: Some(7)
        }
    );
    assert!(matches!(
        d.parse_error(&error(401, "INVALID_API_KEY", "Invalid key", json!(null))),
        ApiError::Unauthorized(_)
    ));
    assert!(matches!(
        d.parse_error(&HttpResponse::new(
            502,
            "<html><body>Bad gateway</body></html>"
        )),
        ApiError::Server { status: 502, .. }
    ));
    // A failed create goes through the same words.
    assert!(matches!(
        d.parse_created_message(
            &error(403, "TICKET_CLOSED", "closed", json!(null)),
            &NewMessage::default()
        ),
        Err(ApiError::Forbidden(_))
    ));
}

#[test]
fn a_created_message_is_read_back_wrapped_or_bare() {
    let d = dialect();
    let bare = json!({"id": "msg_9", "ticketId": "tkt_1", "type": "note", "content": "<p>x</p>",
                      "authorId": "agt_1", "createdAt": "2026-11-02T12:00:00Z"});
    for body in [bare.clone(), json!({"message": bare})] {
        let m = d
            .parse_created_message(
                &HttpResponse::new(201, body.to_string()),
                &NewMessage::default(),
            )
            .unwrap();
        assert_eq!(m.id, "msg_9");
        assert!(m.is_internal);
    }
}
