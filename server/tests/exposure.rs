//! The reference server as an attacker meets it over HTTP: demo mode stays on loopback unless
//! asked, every answer carries the safe headers, refusals come in each surface's JSON shape
//! (with `Retry-After` on a 429), idempotency keys cannot cross from one surface or ticket to
//! another, links are never built from `Host` or `X-Forwarded-Proto`, and a client that never
//! finishes its headers does not keep its connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::time::Duration;

use common::{portal_link, raw, start_with};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::{Options, Server};

const TOKEN: &str = "demo-token-acme";

#[tokio::test]
async fn demo_mode_binds_only_loopback_unless_made_public_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let options = |host: &str, public: bool| Options {
        db: dir.path().join("demo.sqlite3"),
        host: host.into(),
        port: 0,
        demo_public: public,
        ..Options::default()
    };
    for host in ["0.0.0.0", "::"] {
        let refused = Server::bind(&options(host, false)).await.err().unwrap();
        assert!(refused.contains("--demo-public"), "{refused}");
        assert!(refused.contains("token"), "{refused}");
    }
    for host in ["127.0.0.1", "localhost"] {
        assert!(Server::bind(&options(host, false)).await.is_ok(), "{host}");
    }
    assert!(Server::bind(&options("0.0.0.0", true)).await.is_ok());
}

#[tokio::test]
async fn demo_mode_answers_only_to_loopback_names() {
    let s = start_with(|_| {}).await;
    // A page on another site whose name now points at 127.0.0.1 (DNS rebinding).
    let (status, answer) = raw(
        &s.root,
        "GET /config.json HTTP/1.1\r\nHost: rebind.evil.example:8080\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 421, "{answer}");
    assert!(!answer.contains(TOKEN));
    for host in ["localhost:8080", "127.0.0.1", "[::1]:8080"] {
        let (status, _) = raw(
            &s.root,
            &format!("GET /config.json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status, 200, "{host}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_safe_headers_and_private_ones_are_never_stored() {
    let s = start_with(|_| {}).await;
    let link = portal_link(&s.db, 1, 600);
    for (path, private) in [
        ("/".to_owned(), false),
        ("/config.json".to_owned(), true),
        ("/api/initdesk/organizations/1/tickets/".to_owned(), true),
        ("/api/initdesk/organizations/1/nothing/".to_owned(), true),
        (format!("/portal-api/{link}"), true),
        ("/portal-api/not-a-link".to_owned(), true),
    ] {
        let resp = s
            .client
            .get(format!("{}{path}", s.root))
            .header("X-Initdesk-Token", TOKEN)
            .send()
            .await
            .unwrap();
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        if private {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn framework_refusals_come_in_each_surface_s_json_shape() {
    let s = start_with(|_| {}).await;
    let big = vec![b' '; 3_000_000];
    for (path, header, field) in [
        (
            "/api/initdesk/organizations/1/tickets/1/messages/",
            ("X-Initdesk-Token", TOKEN),
            "detail",
        ),
        (
            "/api/inboxops/v1/tickets/1/messages",
            ("Authorization", "Bearer ixk_demo_acme"),
            "detail",
        ),
        (
            "/api/requestor/api/Tickets/NewMessage",
            ("X-Requestor-Key", "rqk_demo_acme"),
            "Message",
        ),
        (
            "/api/airclou/helpdesk/api/messages",
            ("Authorization", "Bearer acs_demo_acme"),
            "error",
        ),
    ] {
        let resp = s
            .client
            .post(format!("{}{path}", s.root))
            .header(header.0, header.1)
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: Value = resp.json().await.unwrap();
        assert!(!body[field].is_null(), "{path}: {body}");
    }
    // An unknown path below a customer's link is a JSON 404, not the app's page.
    let link = portal_link(&s.db, 1, 600);
    let resp = s
        .client
        .get(format!("{}/portal-api/{link}/admin/users", s.root))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["detail"], "Not found.");
}

#[tokio::test]
async fn the_customer_s_429_says_when_to_retry() {
    let s = start_with(|o| o.rate_limit_per_minute = 3).await;
    let link = portal_link(&s.db, 1, 600);
    let mut last = None;
    for _ in 0..4 {
        last = Some(
            s.client
                .get(format!("{}/portal-api/{link}", s.root))
                .send()
                .await
                .unwrap(),
        );
    }
    let resp = last.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
}

#[tokio::test]
async fn an_agent_s_idempotency_key_never_answers_a_customer() {
    let s = start_with(|o| o.rate_limit_per_minute = 0).await;
    // The agent picks the key the portal would store for the customer's key "k2" on ticket 1,
    // and posts an internal note with it.
    let note = s
        .client
        .post(format!(
            "{}/api/initdesk/organizations/1/tickets/1/messages/",
            s.root
        ))
        .header("X-Initdesk-Token", TOKEN)
        .header("Idempotency-Key", "portal:1:k2")
        .json(&json!({"content": "Internal: refund approved up to 50", "is_visible_to_customer": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), StatusCode::CREATED);
    let link = portal_link(&s.db, 1, 600);
    let reply = s
        .client
        .post(format!("{}/portal-api/{link}/messages", s.root))
        .header("Idempotency-Key", "k2")
        .json(&json!({"text": "Thanks, any news?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::CREATED);
    let body = reply.text().await.unwrap();
    assert!(!body.contains("refund approved"), "{body}");
    assert!(body.contains("Thanks, any news?"), "{body}");
    // And the same key on two tickets makes two messages.
    for ticket in [1, 2] {
        let resp = s
            .client
            .post(format!(
                "{}/api/initdesk/organizations/1/tickets/{ticket}/messages/",
                s.root
            ))
            .header("X-Initdesk-Token", TOKEN)
            .header("Idempotency-Key", "same-key")
            .json(&json!({"content": format!("for ticket {ticket}"), "is_visible_to_customer": false}))
            .send()
            .await
            .unwrap();
        let m: Value = resp.json().await.unwrap();
        assert_eq!(m["content"], format!("for ticket {ticket}"));
    }
}

#[tokio::test]
async fn links_in_answers_ignore_the_client_s_host_and_scheme() {
    let s = start_with(|_| {}).await;
    let resp = s
        .client
        .get(format!(
            "{}/api/initdesk/organizations/1/tickets/2/messages/?page_size=1",
            s.root
        ))
        .header("X-Initdesk-Token", TOKEN)
        .header("Host", "localhost")
        .header("X-Forwarded-Proto", "javascript:alert(1)//")
        .send()
        .await
        .unwrap();
    let page: Value = resp.json().await.unwrap();
    let next = page["next"].as_str().unwrap();
    assert!(next.starts_with("/api/initdesk/organizations/1/"), "{next}");
    assert!(!page.to_string().contains("localhost"));
    assert!(!page.to_string().contains("javascript:"));
}

#[tokio::test]
async fn junk_credentials_are_refused_without_being_counted() {
    let s = start_with(|o| o.rate_limit_per_minute = 2).await;
    // The same junk more often than the limit allows: each is a plain 401, never a 429
    // (it was never counted), and the real token's budget is untouched by it.
    for _ in 0..5 {
        let junk = format!("{} tail", "x".repeat(600));
        let resp = s
            .client
            .get(format!("{}/api/initdesk/organizations/1/tickets/", s.root))
            .header("X-Initdesk-Token", junk)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // A forged customer link, again and again: refused for what it is, never counted.
    let forged = "v1.1.2.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for _ in 0..5 {
        let resp = s
            .client
            .get(format!("{}/portal-api/{forged}", s.root))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    }
    let ok = s
        .client
        .get(format!("{}/api/initdesk/organizations/1/tickets/", s.root))
        .header("X-Initdesk-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_loses_its_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start_with(|_| {}).await;
    let mut stream = tokio::net::TcpStream::connect(s.root.trim_start_matches("http://"))
        .await
        .unwrap();
    stream
        .write_all(b"GET /config.json HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buf = Vec::new();
    // Closed by the server (a timeout here would mean the connection is held forever). The
    // bound is generous; the server's own limit is 10 s.
    let closed = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the half-sent request kept its connection");
    // A well-behaved client on another connection was served meanwhile.
    let (status, _) = raw(
        &s.root,
        "GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
}
