//! Any response body, status and headers given to every dialect's parsers: never a panic, and
//! each message's HTML, shown as the thread shows it, passes the independent check.
#![no_main]

#[allow(dead_code)] // its canonical form is for the sanitizer targets
#[path = "../../crates/core/tests/support/script_free.rs"]
mod script_free;

use libfuzzer_sys::fuzz_target;
use threadline_core::dialect::{Dialect, DialectConfig};
use threadline_core::html::{sanitize_email, EmailOptions};
use threadline_core::http::HttpResponse;
use threadline_core::model::NewMessage;

const PAGE: &str = "https://app.example/tickets/7";

fn dialects() -> Vec<Box<dyn Dialect>> {
    [
        r#"{"dialect":"initdesk","api_base":"/api/initdesk","organization_id":"1","token":"t"}"#,
        r#"{"dialect":"airclou","api_base":"/helpdesk/api","token":"t","workspace_id":"ws_1"}"#,
        r#"{"dialect":"inboxops","api_base":"/api/v1","token":"ixk_t"}"#,
        r#"{"dialect":"requestor","api_base":"/api","auth_header":"X-Key","token":"k"}"#,
        r#"{"dialect":"portal","api_base":"/portal-api/v1.x"}"#,
    ]
    .iter()
    .filter_map(|c| serde_json::from_str::<DialectConfig>(c).ok())
    .filter_map(|c| c.build(PAGE).ok())
    .collect()
}

fuzz_target!(|data: &[u8]| {
    // Two bytes choose the status (100..=599) and whether Retry-After is sent; the rest is the body.
    let (status, retry_after, body) = match data {
        [a, b, rest @ ..] => (
            100 + u16::from_le_bytes([*a, *b & 0x01]) % 500,
            b & 0x02 != 0,
            rest,
        ),
        _ => (200, false, data),
    };
    let mut response = HttpResponse::new(status, String::from_utf8_lossy(body).into_owned());
    if retry_after {
        response = response.with_header("Retry-After", "7");
    }
    let dialects = dialects();
    assert_eq!(
        dialects.len(),
        5,
        "a dialect's test configuration no longer builds"
    );
    for d in &dialects {
        if let Ok(page) = d.parse_message_page(&response) {
            for m in &page.items {
                // As the thread shows it: through the email sanitizer.
                if let Some(html) = m.html.as_deref() {
                    let shown = sanitize_email(html, &EmailOptions::default());
                    let found = script_free::findings(shown.html.as_str());
                    assert!(found.is_empty(), "script-capable message HTML {found:?}");
                }
            }
        }
        let _ = d.parse_created_message(&response, &NewMessage::default());
        let _ = d.parse_ticket_page(&response);
        let _ = d.parse_ticket(&response);
        let _ = d.parse_uploaded_attachment(&response);
        let _ = d.parse_users(&response);
        let _ = d.parse_error(&response);
        if let Ok(page) = d.parse_message_page(&response) {
            let _ = page.next.as_deref().map(|n| d.next_page_request(n));
        }
    }
});
