//! The Initdesk dialect against API bodies written from its documentation
//! (docs/api/initdesk.md): requests it builds and responses it parses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use serde_json::{json, Value};
use threadline_core::dialect::initdesk::{Initdesk, InitdeskConfig, TOKEN_HEADER};
use threadline_core::dialect::{sort_thread, Dialect, DialectConfig};
use threadline_core::http::{Body, HttpResponse, Method};
use threadline_core::model::{
    AssigneeChange, Attachment, NewMessage, NextAction, Role, TicketStatus, UploadFile, Visibility,
};
use threadline_core::ApiError;

const PAGE: &str = "http://127.0.0.1:8080/tickets/7";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/initdesk/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn dialect() -> Initdesk {
    Initdesk::new(
        InitdeskConfig {
            api_base: "/api/initdesk".into(),
            organization_id: "1".into(),
            token: Some("tok-123".into()),
            page_size: 2,
        },
        PAGE,
    )
    .unwrap()
}

fn ok(name: &str) -> HttpResponse {
    HttpResponse::new(200, fixture(name))
}

fn body_json(req: &threadline_core::http::HttpRequest) -> Value {
    match &req.body {
        Body::Json(s) => serde_json::from_str(s).unwrap(),
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

#[test]
fn config_json_selects_the_initdesk_dialect_with_a_relative_base() {
    let config: DialectConfig = serde_json::from_value(json!({
        "dialect": "initdesk", "api_base": "/api/initdesk", "organization_id": 1, "token": "t"
    }))
    .unwrap();
    let d = config.build(PAGE).unwrap();
    assert_eq!(
        d.get_ticket_request("7").unwrap().url,
        "http://127.0.0.1:8080/api/initdesk/organizations/1/tickets/7/"
    );
}

#[test]
fn every_request_carries_the_token_and_paths_end_with_a_slash() {
    let d = dialect();
    let reqs = [
        d.list_tickets_request().unwrap(),
        d.get_ticket_request("7").unwrap(),
        d.list_messages_request("7").unwrap(),
        d.list_users_request().unwrap(),
        d.upload_attachment_request(&UploadFile {
            name: "a.png".into(),
            size: 3,
            content_type: "image/png".into(),
        })
        .unwrap(),
        d.create_message_request(
            "7",
            &NewMessage {
                text: "hi".into(),
                ..NewMessage::default()
            },
        )
        .unwrap(),
    ];
    for r in &reqs {
        assert_eq!(r.header(TOKEN_HEADER), Some("tok-123"), "{}", r.url);
        let path = r.url.split('?').next().unwrap();
        assert!(path.ends_with('/'), "{}", r.url);
    }
    assert_eq!(
        reqs[0].url,
        "http://127.0.0.1:8080/api/initdesk/organizations/1/tickets/?page=1&page_size=2"
    );
    assert_eq!(
        reqs[2].url,
        "http://127.0.0.1:8080/api/initdesk/organizations/1/tickets/7/messages/?page=1&page_size=2"
    );
    assert_eq!(
        reqs[3].url,
        "http://127.0.0.1:8080/api/initdesk/organizations/1/users/"
    );
    assert_eq!(reqs[4].method, Method::Post);
    assert_eq!(
        reqs[4].body,
        Body::File {
            field: "file".into()
        }
    );
    assert_eq!(
        reqs[4].url,
        "http://127.0.0.1:8080/api/initdesk/organizations/1/attachments/"
    );
}

#[test]
fn ids_that_could_change_the_path_are_refused() {
    let d = dialect();
    for bad in ["", "../1", "7/messages", "7?x=1", "a b"] {
        assert!(
            matches!(d.get_ticket_request(bad), Err(ApiError::InvalidRequest(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn a_reply_sends_every_documented_field() {
    let msg = NewMessage {
        visibility: Visibility::Reply,
        text: "Refund issued.".into(),
        html: Some("<p>Refund issued.</p>".into()),
        cc: Some(vec!["boss@northwind.example".into()]),
        attachments: vec![Attachment {
            id: "3c90c3cc-0d44-4b50-8888-8dd25736052a".into(),
            name: "invoice.pdf".into(),
            size: Some(1024),
            content_type: None,
            download_url: None,
        }],
        next_action: NextAction::CloseAndMarkResolved,
        assignee: AssigneeChange::Set("2".into()),
        idempotency_key: Some("out-42".into()),
        send_email: None,
        from_mailbox: None,
        bcc: vec![],
        ticket_fields: Default::default(),
    };
    let req = dialect().create_message_request("7", &msg).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("idempotency-key"), Some("out-42"));
    assert_eq!(
        body_json(&req),
        json!({
            "content": "Refund issued.",
            "content_html": "<p>Refund issued.</p>",
            "is_visible_to_customer": true,
            "external_recipient_emails": ["boss@northwind.example"],
            "attachment_ids": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
            "next_action": "close_and_mark_resolved",
            "next_assignee_id": 2
        })
    );
}

#[test]
fn an_unchanged_cc_list_and_assignee_are_omitted_so_the_server_rule_applies() {
    let msg = NewMessage {
        text: "hi".into(),
        ..NewMessage::default()
    };
    let body = body_json(&dialect().create_message_request("7", &msg).unwrap());
    assert_eq!(
        body,
        json!({"content": "hi", "is_visible_to_customer": true})
    );
}

#[test]
fn an_emptied_cc_list_is_sent_as_an_empty_list() {
    let msg = NewMessage {
        text: "hi".into(),
        cc: Some(vec![]),
        ..NewMessage::default()
    };
    let body = body_json(&dialect().create_message_request("7", &msg).unwrap());
    assert_eq!(body["external_recipient_emails"], json!([]));
}

#[test]
fn a_note_never_sends_cc_recipients() {
    let msg = NewMessage {
        visibility: Visibility::Note,
        text: "internal".into(),
        cc: Some(vec!["x@y.z".into()]),
        ..NewMessage::default()
    };
    let body = body_json(&dialect().create_message_request("7", &msg).unwrap());
    assert_eq!(body["is_visible_to_customer"], json!(false));
    assert!(body.get("external_recipient_emails").is_none(), "{body}");
}

#[test]
fn unassigning_sends_null() {
    let msg = NewMessage {
        text: "x".into(),
        assignee: AssigneeChange::Unassign,
        ..NewMessage::default()
    };
    let body = body_json(&dialect().create_message_request("7", &msg).unwrap());
    assert_eq!(body.get("next_assignee_id"), Some(&Value::Null));
}

#[test]
fn all_nine_next_actions_round_trip_with_their_labels() {
    assert_eq!(NextAction::ALL.len(), 9);
    for a in NextAction::ALL {
        assert_eq!(NextAction::from_wire(a.as_wire()), Some(a));
        assert!(!a.label(None).is_empty());
    }
    assert_eq!(NextAction::from_wire("close"), None);
    assert_eq!(
        NextAction::CloseAndMarkCustomerInactivity.resulting_status(),
        Some(TicketStatus::ClosedCustomerInactivity)
    );
    assert_eq!(
        NextAction::RemoveFromSpam.resulting_status(),
        Some(TicketStatus::WaitingAssociate)
    );
}

#[test]
fn the_documented_message_example_parses() {
    let m = dialect()
        .parse_created_message(
            &HttpResponse::new(201, fixture("created_message_documented.json")),
            &NewMessage::default(),
        )
        .unwrap();
    assert_eq!(m.id, "123");
    assert_eq!(m.author_user_id.as_deref(), Some("123"));
    assert_eq!(m.author.unwrap().email, "jsmith@example.com");
    // No `role` in the documented example: an agent sender means an associate.
    assert_eq!(m.role, Role::Associate);
    assert!(!m.is_internal);
    assert_eq!(m.cc, vec!["jsmith@example.com"]);
    assert_eq!(m.attachments[0].id, "3c90c3cc-0d44-4b50-8888-8dd25736052a");
}

#[test]
fn a_drf_page_parses_with_its_next_link_and_roles() {
    let page = dialect()
        .parse_message_page(&ok("messages_page1.json"))
        .unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.items.len(), 2);
    let (customer, note) = (&page.items[0], &page.items[1]);
    assert_eq!(customer.role, Role::Customer);
    assert_eq!(customer.author.as_ref().unwrap().name, "Maria Lopez");
    assert_eq!(customer.cc, vec!["boss@northwind.example"]);
    assert_eq!(customer.attachments[0].size, Some(1234));
    assert_eq!(
        customer.attachments[0].content_type.as_deref(),
        Some("application/pdf")
    );
    assert!(note.is_internal);
    assert_eq!(note.html, None, "an empty HTML body counts as none");
    let next = page.next.unwrap();
    let req = dialect().next_page_request(&next).unwrap();
    assert_eq!(req.url, next);
    assert_eq!(req.header(TOKEN_HEADER), Some("tok-123"));
}

#[test]
fn a_bare_array_page_parses_with_nulls_as_empty() {
    let page = dialect()
        .parse_message_page(&ok("messages_page2_bare.json"))
        .unwrap();
    assert_eq!(page.next, None);
    let m = &page.items[0];
    assert_eq!(m.role, Role::System);
    assert_eq!(m.author, None);
    assert!(m.attachments.is_empty() && m.cc.is_empty());
}

#[test]
fn a_next_link_to_another_origin_is_not_followed() {
    let d = dialect();
    for evil in [
        "https://evil.example/api/initdesk/organizations/1/tickets/7/messages/?page=2",
        "http://127.0.0.1:9999/api/initdesk/organizations/1/tickets/7/messages/?page=2",
        "http://127.0.0.1:8080/other/?page=2",
        "//evil.example/x",
    ] {
        assert!(
            matches!(d.next_page_request(evil), Err(ApiError::InvalidResponse(_))),
            "{evil}"
        );
    }
}

#[test]
fn pages_combine_into_a_thread_ordered_by_time() {
    let d = dialect();
    let mut all = d
        .parse_message_page(&ok("messages_page2_bare.json"))
        .unwrap()
        .items;
    all.extend(
        d.parse_message_page(&ok("messages_page1.json"))
            .unwrap()
            .items,
    );
    sort_thread(&mut all);
    let ids: Vec<_> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["11", "12", "13"]);
}

#[test]
fn a_ticket_parses_with_status_requester_and_cc() {
    let t = dialect().parse_ticket(&ok("ticket.json")).unwrap();
    assert_eq!(t.id, "7");
    assert_eq!(t.number.as_deref(), Some("1042"));
    assert_eq!(t.subject, "Invoice #4411 charged twice");
    assert_eq!(t.requester.unwrap().email, "maria@northwind.example");
    assert_eq!(t.status, Some(TicketStatus::WaitingAssociate));
    assert_eq!(t.assignee.unwrap().name, "Sam Rivera");
    assert_eq!(t.inbox.as_deref(), Some("Support"));
    assert_eq!(t.tags, vec!["billing", "vip"]);
    assert_eq!(t.cc, vec!["boss@northwind.example"]);
}

#[test]
fn a_ticket_without_status_or_assignee_still_parses() {
    let t = dialect()
        .parse_ticket(&HttpResponse::new(
            200,
            r#"{"id": 9, "subject": "s", "assignee": null, "external_recipient_emails": "weird"}"#,
        ))
        .unwrap();
    assert_eq!(t.status, None);
    assert_eq!(t.assignee, None);
    assert!(t.cc.is_empty());
}

#[test]
fn field_errors_are_flattened_per_field() {
    let err = dialect()
        .parse_created_message(
            &HttpResponse::new(400, fixture("error_400_fields.json")),
            &NewMessage::default(),
        )
        .unwrap_err();
    let ApiError::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(fields.for_field("cc[1]"), ["Enter a valid email address."]);
    assert_eq!(
        fields.for_field("next_action"),
        ["\"close\" is not a valid choice."]
    );
    assert_eq!(fields.general, ["A message needs content or content_html."]);
    let text = err.user_message();
    assert!(text.contains("Enter a valid email address."), "{text}");
}

#[test]
fn field_errors_use_the_composer_names_whatever_the_wire_names() {
    let body = r#"{"content_html": ["Too long."], "next_assignee_id": ["Invalid pk \"9\" - object does not exist."],
        "attachment_ids": ["Must be a valid UUID."], "mystery": ["Kept as sent."]}"#;
    let err = dialect()
        .parse_created_message(&HttpResponse::new(400, body), &NewMessage::default())
        .unwrap_err();
    let ApiError::Validation(fields) = &err else {
        panic!("{err:?}")
    };
    let names: Vec<&str> = fields.fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["assignee", "attachments", "mystery", "text"]);
    assert_eq!(fields.for_field("text"), ["Too long."]);
}

#[test]
fn auth_and_missing_ticket_errors_are_typed() {
    let d = dialect();
    assert_eq!(
        d.parse_ticket(&HttpResponse::new(401, fixture("error_401.json"))),
        Err(ApiError::Unauthorized("Invalid token.".into()))
    );
    assert!(matches!(
        d.parse_ticket(&HttpResponse::new(403, fixture("error_403.json"))),
        Err(ApiError::Forbidden(_))
    ));
    assert!(matches!(
        d.parse_ticket(&HttpResponse::new(404, fixture("error_404.json"))),
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        d.parse_uploaded_attachment(&HttpResponse::new(413, r#"{"detail": "File too large"}"#)),
        Err(ApiError::PayloadTooLarge(_))
    ));
}

#[test]
fn rate_limits_carry_retry_after_when_given() {
    let d = dialect();
    let with = HttpResponse::new(429, fixture("error_429.json")).with_header("Retry-After", "17");
    assert_eq!(
        d.parse_ticket_page(&with),
        Err(ApiError::RateLimited {
            retry_after: Some(17)
        })
    );
    let without = HttpResponse::new(429, fixture("error_429.json"));
    assert_eq!(
        d.parse_ticket_page(&without),
        Err(ApiError::RateLimited { retry_after: None })
    );
}

#[test]
fn a_proxy_error_page_is_a_server_error_without_html_in_it() {
    let err = dialect()
        .parse_message_page(&HttpResponse::new(502, fixture("proxy_502.html")))
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::Server {
            status: 502,
            detail: String::new()
        }
    );
    assert!(err.is_retryable());
}

#[test]
fn a_truncated_or_html_success_body_is_unreadable_not_a_panic() {
    let d = dialect();
    let full = fixture("messages_page1.json");
    let truncated = HttpResponse::new(200, &full[..full.len() / 2]);
    assert!(matches!(
        d.parse_message_page(&truncated),
        Err(ApiError::InvalidResponse(_))
    ));
    let html = HttpResponse::new(200, fixture("proxy_502.html"));
    let err = d.parse_ticket(&html).unwrap_err();
    assert!(
        matches!(&err, ApiError::InvalidResponse(m) if m.contains("HTML")),
        "{err:?}"
    );
}

#[test]
fn users_parse_and_a_missing_endpoint_means_fallback() {
    let d = dialect();
    let users = d.parse_users(&ok("users.json")).unwrap().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1].id, "2");
    assert_eq!(
        d.parse_users(&HttpResponse::new(404, r#"{"detail": "Not found."}"#)),
        Ok(None)
    );
}

#[test]
fn an_upload_response_parses() {
    let a = dialect()
        .parse_uploaded_attachment(&HttpResponse::new(201, fixture("uploaded.json")))
        .unwrap();
    assert_eq!(a.name, "screenshot.png");
    assert_eq!(a.size, Some(48213));
    assert!(a.download_url.unwrap().ends_with("/download/"));
}

#[test]
fn a_ticket_list_page_parses() {
    let body = format!(
        r#"{{"count": 1, "next": null, "previous": null, "results": [{}]}}"#,
        fixture("ticket.json")
    );
    let page = dialect()
        .parse_ticket_page(&HttpResponse::new(200, body))
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next, None);
}

fn attachment(url: &str) -> threadline_core::model::Attachment {
    threadline_core::model::Attachment {
        id: "a".into(),
        name: "shot.png".into(),
        size: Some(3),
        content_type: Some("image/png".into()),
        download_url: Some(url.into()),
    }
}

#[test]
fn downloads_under_the_api_carry_the_token_and_others_do_not() {
    let d = dialect();
    let ours = d
        .download_request(&attachment(
            "http://127.0.0.1:8080/api/initdesk/organizations/1/attachments/a/download/",
        ))
        .unwrap();
    assert_eq!(ours.header(TOKEN_HEADER), Some("tok-123"));
    let signed = d
        .download_request(&attachment("https://files.example/a.png?sig=x"))
        .unwrap();
    assert_eq!(signed.header(TOKEN_HEADER), None);
    assert!(d
        .download_request(&attachment("javascript:alert(1)"))
        .is_none());
}

#[test]
fn any_failed_response_has_a_typed_error() {
    let d = dialect();
    assert!(matches!(
        d.parse_error(&HttpResponse::new(401, "")),
        ApiError::Unauthorized(_)
    ));
    assert!(matches!(
        d.parse_error(&HttpResponse::new(503, "")),
        ApiError::Server { status: 503, .. }
    ));
}

#[test]
fn only_raster_images_are_previewed() {
    let mut a = attachment("x");
    assert!(a.is_previewable_image());
    assert_eq!(a.type_label(), "PNG image");
    a.content_type = Some("image/svg+xml".into());
    a.name = "logo.svg".into();
    assert!(!a.is_previewable_image());
    a.content_type = Some("application/pdf".into());
    a.name = "invoice.pdf".into();
    assert_eq!(a.type_label(), "PDF");
}

#[test]
fn a_broken_item_is_kept_as_a_marked_placeholder_and_the_rest_is_unaffected() {
    use threadline_core::model::DataProblem;
    let body = r#"{"count": 3, "next": null, "results": [
        {"id": 1, "role": "customer", "content": "fine", "created_at": "2024-05-01T09:00:00Z"},
        {"id": 2, "role": "customer", "content": 42, "created_at": "2024-05-01T09:01:00Z"},
        {"id": 3, "role": "associate", "content": "no date", "created_at": "yesterday-ish"}
    ]}"#;
    let page = dialect()
        .parse_message_page(&HttpResponse::new(200, body))
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(page.items[0].problems.is_empty());
    assert_eq!(page.items[1].id, "2");
    assert!(matches!(
        page.items[1].problems[..],
        [DataProblem::Unreadable(_)]
    ));
    assert!(page.items[1].problems[0]
        .describe()
        .starts_with("This message could not be read"));
    assert_eq!(page.items[2].text.as_deref(), Some("no date"));
    assert_eq!(page.items[2].problems, vec![DataProblem::BadDate]);
}

#[test]
fn a_five_megabyte_body_is_marked_too_large() {
    use threadline_core::model::DataProblem;
    let big = "x".repeat(5_000_000);
    let body = serde_json::json!([{"id": 9, "role": "customer", "content_html": big, "created_at": "2024-05-01T09:00:00Z"}]);
    let page = dialect()
        .parse_message_page(&HttpResponse::new(200, body.to_string()))
        .unwrap();
    assert_eq!(
        page.items[0].problems,
        vec![DataProblem::TooLarge { bytes: 5_000_000 }]
    );
}

#[test]
fn a_numbered_message_page_can_be_asked_for() {
    let req = dialect().message_page_request("7", 200, 50).unwrap();
    assert_eq!(req.url, "http://127.0.0.1:8080/api/initdesk/organizations/1/tickets/7/messages/?page=200&page_size=50");
    assert!(dialect()
        .message_page_request("7", 1, 1000)
        .unwrap()
        .url
        .ends_with("page_size=100"));
}
