//! The Requestor dialect against bodies shaped as its help pages show them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use serde_json::{json, Value};
use threadline_core::dialect::requestor::{Requestor, RequestorConfig};
use threadline_core::dialect::Dialect;
use threadline_core::error::ApiError;
use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::model::{NewMessage, Role, TicketStatus, Visibility};

fn dialect() -> Requestor {
    Requestor::new(
        RequestorConfig {
            api_base: "/api".into(),
            auth_header: "X-Requestor-Key".into(),
            token: Some("k-123".into()),
            outbound_mailboxes: vec!["support@acme.example".into()],
        },
        "https://desk.acme.example/tickets/47",
    )
    .unwrap()
}

fn sent(req: &HttpRequest) -> Value {
    let Body::Json(json) = &req.body else {
        panic!("a JSON body")
    };
    serde_json::from_str(json).unwrap()
}

fn reply(text: &str) -> NewMessage {
    NewMessage {
        visibility: Visibility::Reply,
        text: text.into(),
        html: Some(format!("<p>{text}</p>")),
        from_mailbox: Some("support@acme.example".into()),
        cc: Some(vec!["jane@x.example".into()]),
        bcc: vec!["audit@acme.example".into()],
        ..NewMessage::default()
    }
}

#[test]
fn an_emailed_reply_carries_from_cc_and_bcc_by_ticket_id_or_reference() {
    let d = dialect();
    assert_eq!(d.outbound_mailboxes(), ["support@acme.example"]);
    let caps = d.capabilities();
    assert!(caps.can_reply && caps.can_note && caps.has_email_switch && caps.has_bcc);
    assert!(!caps.has_next_action && !caps.has_ticket_list && !caps.has_attachments);
    let req = d
        .create_message_request("47", &reply("Can we meet?"))
        .unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://desk.acme.example/api/Tickets/NewMessage");
    assert!(req
        .headers
        .contains(&("X-Requestor-Key".into(), "k-123".into())));
    assert_eq!(
        sent(&req),
        json!({"TicketId": 47, "Message": "<p>Can we meet?</p>", "Html": true, "IsPrivate": false,
               "SendViaOutboundEmail": true, "SendViaOutboundEmailFrom": "support@acme.example",
               "SendViaOutboundEmailCc": ["jane@x.example"], "SendViaOutboundEmailBcc": ["audit@acme.example"]})
    );
    let by_ref = d.create_message_request("INC-000047", &reply("x")).unwrap();
    assert_eq!(sent(&by_ref)["TicketREF"], "INC-000047");
    assert!(sent(&by_ref).get("TicketId").is_none());
}

#[test]
fn a_private_note_or_an_unemailed_comment_sends_no_email_fields() {
    let d = dialect();
    let note = NewMessage {
        visibility: Visibility::Note,
        html: None,
        ..reply("Operators only")
    };
    let body = sent(&d.create_message_request("47", &note).unwrap());
    assert_eq!(body["IsPrivate"], true);
    assert_eq!(body["SendViaOutboundEmail"], false);
    assert_eq!(body["Html"], false);
    assert_eq!(body["Message"], "Operators only");
    assert!(body.get("SendViaOutboundEmailFrom").is_none());
    assert!(body.get("SendViaOutboundEmailCc").is_none());
    let comment = NewMessage {
        send_email: Some(false),
        from_mailbox: None,
        ..reply("Posted, not emailed")
    };
    let body = sent(&d.create_message_request("47", &comment).unwrap());
    assert_eq!(
        (
            body["IsPrivate"].clone(),
            body["SendViaOutboundEmail"].clone()
        ),
        (json!(false), json!(false))
    );
    // Emailing needs a From mailbox: refused before any request, in words.
    let no_from = NewMessage {
        from_mailbox: None,
        ..reply("x")
    };
    let err = d.create_message_request("47", &no_from).unwrap_err();
    assert!(err.user_message().contains("mailbox"), "{err:?}");
    assert!(d.create_message_request("47/../x", &reply("x")).is_err());
}

#[test]
fn the_thread_comes_from_the_ticket_and_the_created_message_from_what_was_sent() {
    let d = dialect();
    let body = r#"{"TicketId": 47, "TicketREF": "INC-000047", "Subject": "Printer on fire",
        "CreatedUTC": "2026-01-05T09:00:00", "Closed": true, "SubmitterFullName": "Ann Lee",
        "SolverKey": "op-7", "SolverFullName": "Sam Rivera",
        "Messages": [
          {"TicketMessageId": 1, "Message": "It is on fire, çà 🔥", "Html": false, "IsPrivate": false,
           "CreatedUTC": "2026-01-05T09:00:00", "AuthorName": "Ann Lee"},
          {"TicketMessageId": 2, "Message": "<p>On our way</p>", "Html": true, "IsPrivate": false,
           "CreatedUTC": "2026-01-05T09:05:00.123+01:00", "AuthorName": "Sam Rivera"},
          {"TicketMessageId": 3, "Message": "Call the fire brigade", "IsPrivate": true,
           "CreatedUTC": "yesterday", "AuthorName": "Sam Rivera"},
          {"TicketMessageId": 4, "Html": "yes"}
        ]}"#;
    let ticket = d.parse_ticket(&HttpResponse::new(200, body)).unwrap();
    assert_eq!(
        (ticket.id.as_str(), ticket.number.as_deref()),
        ("47", Some("INC-000047"))
    );
    assert_eq!(ticket.status, Some(TicketStatus::ClosedOther));
    assert_eq!(ticket.assignee.unwrap().name, "Sam Rivera");
    let page = d.parse_message_page(&HttpResponse::new(200, body)).unwrap();
    assert_eq!((page.total, page.next), (None, None));
    let m = &page.items;
    assert_eq!(m.len(), 4);
    assert_eq!(
        (m[0].role, m[0].text.as_deref()),
        (Role::Customer, Some("It is on fire, çà 🔥"))
    );
    assert_eq!(
        m[0].created_at, "2026-01-05T09:00:00Z",
        "a time without offset is UTC"
    );
    assert!(m[0].problems.is_empty());
    assert_eq!(
        (m[1].role, m[1].html.as_deref()),
        (Role::Associate, Some("<p>On our way</p>"))
    );
    assert_eq!(m[1].created_at, "2026-01-05T09:05:00.123+01:00");
    assert!(
        m[2].is_internal && !m[2].problems.is_empty(),
        "a bad date is marked"
    );
    assert!(
        !m[3].problems.is_empty(),
        "an unreadable item stays, marked"
    );

    let sent = reply("Can we meet?");
    let created = d
        .parse_created_message(
            &HttpResponse::new(200, r#"{"TicketMessageId": 123}"#),
            &sent,
        )
        .unwrap();
    assert_eq!(created.id, "123");
    assert_eq!(created.text.as_deref(), Some("Can we meet?"));
    assert!(!created.is_internal);
}

#[test]
fn errors_carry_asp_net_messages_to_the_agent() {
    let d = dialect();
    let sent = reply("x");
    let bad = d
        .parse_created_message(
            &HttpResponse::new(
                400,
                r#"{"Message": "Mailbox support@x is not an outbound account."}"#,
            ),
            &sent,
        )
        .unwrap_err();
    assert!(
        bad.user_message().contains("not an outbound account"),
        "{bad:?}"
    );
    let model = d
        .parse_created_message(
            &HttpResponse::new(
                400,
                r#"{"Message": "The request is invalid.", "ModelState": {"post.Message": ["The Message field is required."]}}"#,
            ),
            &sent,
        )
        .unwrap_err();
    assert!(
        model
            .user_message()
            .contains("The Message field is required."),
        "{model:?}"
    );
    assert_eq!(
        d.parse_ticket(&HttpResponse::new(
            401,
            r#"{"Message": "Authorization has been denied for this request."}"#
        )),
        Err(ApiError::Unauthorized(
            "Authorization has been denied for this request.".into()
        ))
    );
    assert!(matches!(
        d.parse_ticket(&HttpResponse::new(404, "")),
        Err(ApiError::NotFound(_))
    ));
    assert!(d.list_tickets_request().is_none());
    assert!(d.list_users_request().is_none());
}
