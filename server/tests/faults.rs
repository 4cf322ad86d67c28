//! The fault switch (`--features fault-switch`) over real HTTP with a real SQLite file:
//! injected statuses, delays and connections dropped after the message was stored.

#![cfg(feature = "fault-switch")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

use common::{start_with, TestServer};

const TOKEN: &str = "demo-token-acme";
const MESSAGES: &str = "1/tickets/1/messages/";

async fn start_faults(fault_switch: bool) -> TestServer {
    start_with(|o| {
        o.rate_limit_per_minute = 0;
        o.fault_switch = fault_switch;
    })
    .await
}

async fn start() -> TestServer {
    start_faults(true).await
}

impl TestServer {
    fn url(&self, path: &str) -> String {
        format!("{}/api/initdesk/organizations/{path}", self.root)
    }

    fn faults_url(&self) -> String {
        format!("{}/__test/faults", self.root)
    }

    async fn arm(&self, fault: Value) -> Value {
        let resp = self
            .client
            .post(self.faults_url())
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json().await.unwrap()
    }

    async fn armed(&self) -> Vec<Value> {
        let resp = self.client.get(self.faults_url()).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body: Value = resp.json().await.unwrap();
        body["faults"].as_array().unwrap().clone()
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(self.url(path))
            .header("X-Initdesk-Token", TOKEN)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    fn reply_request(&self, content: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(MESSAGES))
            .header("X-Initdesk-Token", TOKEN)
            .json(&json!({"content": content, "is_visible_to_customer": true}))
    }

    async fn reply(&self, content: &str) -> (StatusCode, Value) {
        let resp = self.reply_request(content).send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn contents(&self) -> Vec<String> {
        let (status, page) = self.get(&format!("{MESSAGES}?page_size=100")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_500_on_posting_a_message_stores_nothing_and_the_next_post_succeeds() {
    let s = start().await;
    let before = s.contents().await.len();
    s.arm(json!({"count": 1, "kind": "status", "status": 500, "method": "POST", "path_contains": "/messages/"}))
        .await;
    let (status, body) = s.reply("first try").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["detail"], "Injected fault (500)");
    assert_eq!(s.contents().await.len(), before);
    let (status, body) = s.reply("second try").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let contents = s.contents().await;
    assert_eq!(contents.len(), before + 1);
    assert_eq!(contents.last().unwrap(), "second try");
}

#[tokio::test]
async fn a_429_carries_retry_after() {
    let s = start().await;
    s.arm(json!({"kind": "status", "status": 429, "retry_after": 7}))
        .await;
    let resp = s.reply_request("x").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");
    let body: Value = resp.json().await.unwrap();
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .starts_with("Injected fault"));
}

#[tokio::test]
async fn a_status_fault_can_answer_a_chosen_body() {
    let s = start().await;
    let errors = json!({"external_recipient_emails": {"1": ["Enter a valid email address."]}});
    s.arm(json!({"kind": "status", "status": 400, "body": errors}))
        .await;
    let resp = s.reply_request("x").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(resp.json::<Value>().await.unwrap(), errors);
}

#[tokio::test]
async fn count_n_fails_exactly_n_requests() {
    let s = start().await;
    s.arm(json!({"count": 3, "kind": "status", "status": 503}))
        .await;
    for _ in 0..3 {
        assert_eq!(s.get("1/tickets/").await.0, StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(s.get("1/tickets/").await.0, StatusCode::OK);
    assert!(s.armed().await.is_empty());
}

#[tokio::test]
async fn a_delay_delays_then_handles_the_request() {
    let s = start().await;
    s.arm(json!({"kind": "delay", "delay_ms": 300, "method": "POST"}))
        .await;
    let started = Instant::now();
    let (status, body) = s.reply("slow").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(s.contents().await.last().unwrap(), "slow");
}

#[tokio::test]
async fn drop_after_store_stores_the_message_and_answers_nothing() {
    let s = start().await;
    let before = s.contents().await.len();
    s.arm(json!({"kind": "drop_after_store", "method": "POST", "path_contains": "/messages/"}))
        .await;
    let outcome = s.reply_request("sent, answer lost").send().await;
    let err = outcome.expect_err("no HTTP response may reach the client");
    assert!(!err.is_status(), "{err:?}");
    let contents = s.contents().await;
    assert_eq!(contents.len(), before + 1, "stored exactly once");
    assert_eq!(contents.last().unwrap(), "sent, answer lost");
}

#[tokio::test]
async fn drop_before_store_stores_nothing_and_answers_nothing() {
    let s = start().await;
    let before = s.contents().await.len();
    s.arm(json!({"kind": "drop_before_store", "method": "POST", "path_contains": "/messages/"}))
        .await;
    let err = s
        .reply_request("never arrives")
        .send()
        .await
        .expect_err("no HTTP response may reach the client");
    assert!(!err.is_status(), "{err:?}");
    assert_eq!(s.contents().await.len(), before, "nothing stored");
}

#[tokio::test]
async fn truncate_stores_the_message_and_breaks_off_its_answer_half_way() {
    let s = start().await;
    let before = s.contents().await.len();
    s.arm(json!({"kind": "truncate", "method": "POST", "path_contains": "/messages/"}))
        .await;
    let resp = s.reply_request("stored, answer cut").send().await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "the status line arrives"
    );
    let declared = resp.content_length().unwrap();
    assert!(
        resp.bytes().await.is_err(),
        "the body of {declared} bytes breaks off"
    );
    let contents = s.contents().await;
    assert_eq!(contents.len(), before + 1);
    assert_eq!(contents.last().unwrap(), "stored, answer cut");
}

#[tokio::test]
async fn a_status_fault_can_answer_a_proxys_html_page() {
    let s = start().await;
    s.arm(
        json!({"kind": "status", "status": 502, "html": "<html><h1>502 Bad Gateway</h1></html>"}),
    )
    .await;
    let resp = s
        .client
        .get(s.url("1/tickets/"))
        .header("X-Initdesk-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn a_dropped_connection_sends_no_bytes_at_all() {
    let s = start().await;
    s.arm(json!({"kind": "drop_after_store", "method": "GET"}))
        .await;
    let addr = s.root.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET /api/initdesk/organizations/1/tickets/ HTTP/1.1\r\nHost: {addr}\r\n\
         X-Initdesk-Token: {TOKEN}\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    // EOF (or a reset) with nothing before it: not even a status line.
    let _ = socket.read_to_end(&mut received).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
}

#[tokio::test]
async fn method_and_path_filters_choose_the_requests() {
    let s = start().await;
    s.arm(
        json!({"kind": "status", "status": 403, "method": "POST", "path_contains": "/messages/"}),
    )
    .await;
    // Neither a GET of the same path nor a POST elsewhere consumes it.
    assert_eq!(s.get(MESSAGES).await.0, StatusCode::OK);
    let unassign = s
        .client
        .post(s.url("1/tickets/2/unassign/"))
        .header("X-Initdesk-Token", TOKEN)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_ne!(unassign.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.armed().await.len(), 1);
    assert_eq!(s.reply("x").await.0, StatusCode::FORBIDDEN);
    assert!(s.armed().await.is_empty());
}

#[tokio::test]
async fn faults_are_consumed_in_order_one_per_request() {
    let s = start().await;
    s.arm(json!({"kind": "status", "status": 500})).await;
    s.arm(json!({"kind": "status", "status": 401})).await;
    assert_eq!(
        s.get("1/tickets/").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(s.get("1/tickets/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(s.get("1/tickets/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn get_lists_what_is_armed_and_delete_clears_it() {
    let s = start().await;
    assert!(s.armed().await.is_empty());
    s.arm(json!({"count": 2, "kind": "status", "status": 500, "path_contains": "/tickets/"}))
        .await;
    s.arm(json!({"kind": "delay", "delay_ms": 10})).await;
    s.get("1/tickets/").await;
    let armed = s.armed().await;
    assert_eq!(armed.len(), 2);
    assert_eq!(armed[0]["kind"], "status");
    assert_eq!(armed[0]["remaining"], 1);
    assert_eq!(armed[0]["status"], 500);
    assert_eq!(armed[1]["kind"], "delay");
    assert_eq!(armed[1]["remaining"], 1);

    let resp = s.client.delete(s.faults_url()).send().await.unwrap();
    assert!(resp.status().is_success());
    assert!(s.armed().await.is_empty());
    assert_eq!(s.get("1/tickets/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_app_and_config_json_are_never_faulted() {
    let s = start().await;
    s.arm(json!({"count": 5, "kind": "status", "status": 500}))
        .await;
    let config = s
        .client
        .get(format!("{}/config.json", s.root))
        .send()
        .await
        .unwrap();
    assert_eq!(config.status(), StatusCode::OK);
    let app = s
        .client
        .get(format!("{}/tickets/1", s.root))
        .send()
        .await
        .unwrap();
    assert_ne!(app.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(s.armed().await[0]["remaining"], 5);
}

#[tokio::test]
async fn a_bad_fault_is_a_400() {
    let s = start().await;
    for bad in [
        json!({"kind": "status"}),
        json!({"kind": "status", "status": 200}),
        json!({"kind": "delay"}),
        json!({"kind": "explode"}),
        json!({"kind": "status", "status": 500, "count": 0}),
        json!({"kind": "status", "status": 500, "path": "/x"}),
        json!({"kind": "drop_after_store", "body": {"detail": "x"}}),
        json!({"kind": "truncate", "html": "<p>x</p>"}),
        json!({"kind": "status", "status": 502, "html": "<p>x</p>", "body": {"detail": "x"}}),
    ] {
        let resp = s
            .client
            .post(s.faults_url())
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(!body["detail"].as_str().unwrap().is_empty());
    }
    assert!(s.armed().await.is_empty());
}

#[tokio::test]
async fn without_the_switch_the_fault_routes_are_absent() {
    let s = start_faults(false).await;
    let resp = s.client.get(s.faults_url()).send().await.unwrap();
    assert_ne!(resp.status(), StatusCode::OK);
    let resp = s
        .client
        .post(s.faults_url())
        .json(&json!({"kind": "status", "status": 500}))
        .send()
        .await
        .unwrap();
    assert_ne!(resp.status(), StatusCode::CREATED);
    assert_eq!(s.get("1/tickets/").await.0, StatusCode::OK);
}
