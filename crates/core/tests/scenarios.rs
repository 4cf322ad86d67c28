//! One scenario table every dialect passes: a thread of mixed messages, a reply, a note, CC,
//! attachments, each documented error, pagination and unicode. A dialect joins by adding a
//! [`Case`]: its constructor, the same thread in its wire shape, and its documented errors.
//! What a backend cannot do (InboxOps replies, Requestor uploads) must be refused before any
//! request, never sent half-way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use serde_json::{json, Value};
use threadline_core::dialect::{airclou, inboxops, initdesk, requestor, Dialect};
use threadline_core::error::ApiError;
use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::model::{Attachment, NewMessage, Role, Visibility};

const PAGE: &str = "https://desk.example/tickets/7";
/// The customer's words, in several scripts.
const UNICODE: &str = "Grüße aus Köln — 你好 — مرحبا 👋";

/// An error response, and whether the agent is told the right thing.
type Expectation = (HttpResponse, fn(&ApiError) -> bool);

struct Case {
    name: &'static str,
    dialect: Box<dyn Dialect>,
    ticket: &'static str,
    /// The customer's message (`UNICODE`), an agent's reply and an internal note, in order.
    thread: Value,
    /// Whether older pages are asked for by number (else the thread comes whole).
    paged: bool,
    /// Each documented error, and what the agent must be told.
    errors: Vec<Expectation>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "initdesk",
            dialect: Box::new(
                initdesk::Initdesk::new(
                    initdesk::InitdeskConfig {
                        api_base: "/api/initdesk".into(),
                        organization_id: "1".into(),
                        token: Some("t".into()),
                        page_size: 50,
                    },
                    PAGE,
                )
                .unwrap(),
            ),
            ticket: "7",
            thread: json!({"count": 3, "next": null, "previous": null, "results": [
                {"id": 1, "role": "customer", "sender": {"email": "ann@x.example", "name": "Ann Lee"},
                 "created_at": "2026-01-05T10:00:00Z", "content": UNICODE, "content_html": "",
                 "is_visible_to_customer": true, "external_recipient_emails": []},
                {"id": 2, "role": "associate", "author": {"id": 2, "email": "sam@acme.example", "name": "Sam"},
                 "created_at": "2026-01-05T11:00:00Z", "content": "Thanks, Ann", "content_html": "",
                 "is_visible_to_customer": true, "external_recipient_emails": []},
                {"id": 3, "role": "associate", "author": {"id": 2, "email": "sam@acme.example", "name": "Sam"},
                 "created_at": "2026-01-05T12:00:00Z", "content": "VIP customer", "content_html": "",
                 "is_visible_to_customer": false, "external_recipient_emails": []}
            ]}),
            paged: true,
            errors: vec![(
                HttpResponse::new(
                    400,
                    r#"{"external_recipient_emails": {"0": ["Enter a valid email address."]}}"#,
                ),
                |e| matches!(e, ApiError::Validation(f) if !f.is_empty()),
            )],
        },
        Case {
            name: "airclou",
            dialect: Box::new(
                airclou::Airclou::new(
                    airclou::AirclouConfig {
                        api_base: "/helpdesk/api".into(),
                        token: Some("t".into()),
                        workspace_id: Some("ws_1".into()),
                        page_size: 50,
                    },
                    PAGE,
                )
                .unwrap(),
            ),
            ticket: "tkt_7",
            thread: json!({"messages": [
                {"id": "msg_1", "type": "request", "content": UNICODE, "createdAt": "2026-01-05T10:00:00Z"},
                {"id": "msg_2", "type": "response", "content": "<p>Thanks, Ann</p>", "createdAt": "2026-01-05T11:00:00Z"},
                {"id": "msg_3", "type": "note", "content": "<p>VIP customer</p>", "createdAt": "2026-01-05T12:00:00Z"}
            ], "meta": {"page": 1, "limit": 50, "total": 3, "hasMore": false}}),
            paged: true,
            errors: vec![
                (
                    airclou_error(403, "TICKET_CLOSED"),
                    |e| matches!(e, ApiError::Forbidden(m) if m.contains("closed")),
                ),
                (
                    airclou_error(403, "CLOSED_STATUS_SYSTEM_ONLY"),
                    |e| matches!(e, ApiError::Forbidden(m) if m.contains("automations")),
                ),
                (airclou_error(422, "VALIDATION_ERROR"), |e| {
                    matches!(e, ApiError::Validation(_))
                }),
                (airclou_error(429, "RATE_LIMIT_EXCEEDED"), |e| {
                    matches!(e, ApiError::RateLimited { .. })
                }),
            ],
        },
        Case {
            name: "inboxops",
            dialect: Box::new(
                inboxops::InboxOps::new(
                    inboxops::InboxOpsConfig {
                        api_base: "/api/v1".into(),
                        token: Some("ixk_t".into()),
                        page_size: 50,
                    },
                    PAGE,
                )
                .unwrap(),
            ),
            ticket: "7",
            thread: json!({"data": [
                {"id": "m1", "direction": "inbound", "type": "email", "from_address": "ann@x.example",
                 "from_name": "Ann Lee", "body_text": UNICODE, "created_at": "2026-01-05T10:00:00Z"},
                {"id": "m2", "direction": "outbound", "type": "email", "from_address": "sam@acme.example",
                 "body_text": "Thanks, Ann", "created_at": "2026-01-05T11:00:00Z"},
                {"id": "m3", "type": "internal_note", "body_text": "VIP customer", "created_at": "2026-01-05T12:00:00Z"}
            ], "meta": {"page": 1, "per_page": 50, "total": 3}}),
            paged: true,
            errors: vec![(
                HttpResponse::new(
                    403,
                    json!({"type": "about:blank", "title": "Forbidden", "status": 403,
                           "detail": "read-only key", "code": "insufficient_scope"})
                    .to_string(),
                ),
                |e| matches!(e, ApiError::Forbidden(m) if m.contains("read-only")),
            )],
        },
        Case {
            name: "requestor",
            dialect: Box::new(
                requestor::Requestor::new(
                    requestor::RequestorConfig {
                        api_base: "/api".into(),
                        auth_header: "X-Key".into(),
                        token: Some("k".into()),
                        outbound_mailboxes: vec!["support@acme.example".into()],
                    },
                    PAGE,
                )
                .unwrap(),
            ),
            ticket: "7",
            thread: json!({"TicketId": 7, "SubmitterFullName": "Ann Lee", "Messages": [
                {"TicketMessageId": 1, "Message": UNICODE, "Html": false, "IsPrivate": false,
                 "CreatedUTC": "2026-01-05T10:00:00", "AuthorName": "Ann Lee"},
                {"TicketMessageId": 2, "Message": "<p>Thanks, Ann</p>", "Html": true, "IsPrivate": false,
                 "CreatedUTC": "2026-01-05T11:00:00", "AuthorName": "Sam Rivera"},
                {"TicketMessageId": 3, "Message": "VIP customer", "Html": false, "IsPrivate": true,
                 "CreatedUTC": "2026-01-05T12:00:00", "AuthorName": "Sam Rivera"}
            ]}),
            paged: false,
            errors: vec![(
                HttpResponse::new(400, r#"{"Message": "The ticket is closed."}"#),
                |e| matches!(e, ApiError::Validation(f) if f.general.iter().any(|m| m.contains("closed"))),
            )],
        },
    ]
}

fn airclou_error(status: u16, code: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        json!({"error": {"code": code, "message": "m", "status": status, "details": {"content": [{"code": "x", "message": "y"}]}}})
            .to_string(),
    )
}

/// Every string anywhere in a JSON request body.
fn strings(req: &HttpRequest) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(map) => map.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let Body::Json(json) = &req.body else {
        panic!("a JSON body")
    };
    let mut out = Vec::new();
    walk(&serde_json::from_str(json).unwrap(), &mut out);
    out
}

fn message(visibility: Visibility) -> NewMessage {
    NewMessage {
        visibility,
        text: format!("Re: {UNICODE}"),
        cc: Some(vec!["Bob Stone <bob@y.example>".into()]),
        from_mailbox: Some("support@acme.example".into()),
        ..NewMessage::default()
    }
}

#[test]
fn a_thread_of_mixed_messages_reads_the_same_everywhere() {
    for case in cases() {
        let page = case
            .dialect
            .parse_message_page(&HttpResponse::new(200, case.thread.to_string()))
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        let shape: Vec<(Role, bool)> = page.items.iter().map(|m| (m.role, m.is_internal)).collect();
        assert_eq!(
            shape,
            [
                (Role::Customer, false),
                (Role::Associate, false),
                (Role::Associate, true)
            ],
            "{}",
            case.name
        );
        let first = &page.items[0];
        let body = first
            .text
            .clone()
            .or(first.html.clone())
            .unwrap_or_default();
        assert!(body.contains(UNICODE), "{}: {body:?}", case.name);
        assert!(
            page.items.iter().all(|m| m.problems.is_empty()),
            "{}",
            case.name
        );
    }
}

#[test]
fn a_reply_carries_its_text_and_cc_or_is_refused_before_any_request() {
    for case in cases() {
        let caps = case.dialect.capabilities();
        let result = case
            .dialect
            .create_message_request(case.ticket, &message(Visibility::Reply));
        if !caps.can_reply {
            assert!(
                matches!(result, Err(ApiError::InvalidRequest(_))),
                "{}",
                case.name
            );
            continue;
        }
        let req = result.unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        assert_eq!(req.method, Method::Post, "{}", case.name);
        let sent = strings(&req);
        assert!(
            sent.iter().any(|s| s.contains(UNICODE)),
            "{}: the text, unicode intact: {sent:?}",
            case.name
        );
        assert_eq!(
            caps.has_cc,
            sent.iter().any(|s| s.contains("bob@y.example")),
            "{}: CC sent exactly where the backend has CC",
            case.name
        );
    }
}

#[test]
fn a_note_is_posted_and_never_copies_anyone() {
    for case in cases() {
        assert!(case.dialect.capabilities().can_note, "{}", case.name);
        let req = case
            .dialect
            .create_message_request(case.ticket, &message(Visibility::Note))
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        let sent = strings(&req);
        assert!(sent.iter().any(|s| s.contains(UNICODE)), "{}", case.name);
        assert!(
            !sent.iter().any(|s| s.contains("bob@y.example")),
            "{}: a note carries no CC: {sent:?}",
            case.name
        );
    }
}

#[test]
fn attachments_go_where_the_backend_takes_them_and_are_refused_elsewhere() {
    for case in cases() {
        let caps = case.dialect.capabilities();
        let visibility = if caps.can_reply {
            Visibility::Reply
        } else {
            Visibility::Note
        };
        let with_file = NewMessage {
            attachments: vec![Attachment {
                id: "file-token-1".into(),
                name: "a.txt".into(),
                size: Some(3),
                content_type: None,
                download_url: None,
            }],
            ..message(visibility)
        };
        let result = case.dialect.create_message_request(case.ticket, &with_file);
        if caps.has_attachments {
            let sent = strings(&result.unwrap());
            assert!(sent.iter().any(|s| s == "file-token-1"), "{}", case.name);
        } else {
            assert!(
                matches!(result, Err(ApiError::InvalidRequest(_))),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn common_and_documented_errors_reach_the_agent_typed() {
    for case in cases() {
        let d = &case.dialect;
        let common: Vec<Expectation> = vec![
            (HttpResponse::new(401, "{}"), |e| {
                matches!(e, ApiError::Unauthorized(_))
            }),
            (HttpResponse::new(403, "{}"), |e| {
                matches!(e, ApiError::Forbidden(_))
            }),
            (HttpResponse::new(404, "{}"), |e| {
                matches!(e, ApiError::NotFound(_))
            }),
            (
                HttpResponse::new(429, "{}").with_header("Retry-After", "7"),
                |e| {
                    *e == ApiError::RateLimited {
                        retry_after: Some(7),
                    }
                },
            ),
            (HttpResponse::new(500, "{}"), |e| {
                matches!(e, ApiError::Server { status: 500, .. })
            }),
            (
                HttpResponse::new(502, "<!DOCTYPE html><html><script>x</script></html>"),
                |e| matches!(e, ApiError::Server { status: 502, detail } if !detail.contains('<')),
            ),
        ];
        for (response, expected) in common.into_iter().chain(case.errors) {
            let error = d.parse_error(&response);
            assert!(
                expected(&error),
                "{} HTTP {}: {error:?}",
                case.name,
                response.status
            );
            // The same words come out of a failed read of the thread.
            let thread = d.parse_message_page(&response).unwrap_err();
            assert_eq!(thread, error, "{}", case.name);
        }
    }
}

#[test]
fn older_pages_are_asked_for_by_number_where_the_backend_pages() {
    for case in cases() {
        let d = &case.dialect;
        let first = d.message_page_request(case.ticket, 1, 10).unwrap().url;
        let second = d.message_page_request(case.ticket, 2, 10).unwrap().url;
        if case.paged {
            assert_ne!(first, second, "{}", case.name);
            assert!(second.contains("page=2"), "{}: {second}", case.name);
            let total = d
                .parse_message_page(&HttpResponse::new(200, case.thread.to_string()))
                .unwrap()
                .total;
            assert_eq!(
                total,
                Some(3),
                "{}: the count tells how many pages",
                case.name
            );
        } else {
            assert_eq!(first, second, "{}: the whole thread at once", case.name);
            assert_eq!(
                first,
                d.list_messages_request(case.ticket).unwrap().url,
                "{}",
                case.name
            );
        }
    }
}
