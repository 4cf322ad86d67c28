//! The reference server's InboxOps surface over real HTTP with a real SQLite file: keys and
//! scopes, envelopes, problem+json errors, and notes as the only thing one can post.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "ixk_demo_acme";

impl TestServer {
    fn io(&self, path: &str) -> String {
        format!("{}/api/inboxops/v1/{path}", self.root)
    }

    async fn io_get(&self, path: &str, key: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(self.io(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    async fn io_post(&self, path: &str, key: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.io(path))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

async fn start() -> TestServer {
    start_with(|o| o.rate_limit_per_minute = 0).await
}

fn note(text: &str) -> Value {
    json!({"type": "internal_note", "body_text": text, "body_html": format!("<p>{text}</p>")})
}

#[tokio::test]
async fn tickets_and_a_thread_come_in_data_envelopes() {
    let s = start().await;
    let (status, list) = s.io_get("tickets?per_page=2", KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert!(list["meta"]["total"].as_u64().unwrap() >= 2);
    let (status, one) = s.io_get("tickets/1", KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["data"]["id"], "1");
    assert!(one["data"]["status"].is_string());
    let (status, thread) = s.io_get("tickets/1/messages", KEY).await;
    assert_eq!(status, StatusCode::OK);
    let items = thread["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|m| m["type"] == "email" || m["type"] == "internal_note"));
    let (_, notes) = s
        .io_get("tickets/1/messages?types=internal_note", KEY)
        .await;
    assert!(notes["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["type"] == "internal_note"));
}

#[tokio::test]
async fn a_note_is_stored_once_per_idempotency_key_and_read_back_by_both_apis() {
    let s = start().await;
    let send = || async {
        s.client
            .post(s.io("tickets/2/messages"))
            .bearer_auth(KEY)
            .header("Idempotency-Key", "note-1")
            .json(&note("Checked with billing"))
            .send()
            .await
            .unwrap()
    };
    let first = send().await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["data"]["type"], "internal_note");
    let again: Value = send().await.json().await.unwrap();
    assert_eq!(again["data"]["id"], first["data"]["id"]);
    let (_, thread) = s.io_get("tickets/2/messages", KEY).await;
    let stored: Vec<&Value> = thread["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body_text"] == "Checked with billing")
        .collect();
    assert_eq!(stored.len(), 1);
    // The same store behind the Initdesk surface: an internal note by the key's user.
    let initdesk: Value = s
        .client
        .get(format!(
            "{}/api/initdesk/organizations/1/tickets/2/messages/?page_size=100",
            s.root
        ))
        .header("X-Initdesk-Token", "demo-token-acme")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let m = initdesk["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["content"] == "Checked with billing")
        .unwrap();
    assert_eq!(m["is_visible_to_customer"], false);
    assert_eq!(m["author"]["name"], "Sam Rivera");
}

#[tokio::test]
async fn replies_read_only_keys_and_bad_keys_are_refused_as_problems() {
    let s = start().await;
    let reply = s
        .io_post(
            "tickets/1/messages",
            KEY,
            json!({"type": "email", "body_text": "Hi"}),
        )
        .await;
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reply.headers()["content-type"], "application/problem+json");
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");
    assert_eq!(body["details"][0]["field"], "type");

    let empty = s
        .io_post("tickets/1/messages", KEY, json!({"type": "internal_note"}))
        .await;
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["details"][0]["field"], "body_text");

    let read_only = s
        .io_post("tickets/1/messages", "ixk_demo_acme_readonly", note("x"))
        .await;
    assert_eq!(read_only.status(), StatusCode::FORBIDDEN);
    let body: Value = read_only.json().await.unwrap();
    assert_eq!(body["code"], "insufficient_scope");

    let (status, body) = s.io_get("tickets/1", "ixk_nope").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    // Another workspace's ticket does not exist for this key.
    let (status, body) = s.io_get("tickets/1", "ixk_demo_globex").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn the_rate_limit_is_a_429_problem_with_retry_after() {
    let s = start_with(|o| o.rate_limit_per_minute = 2).await;
    for _ in 0..2 {
        assert_eq!(s.io_get("tickets/1", KEY).await.0, StatusCode::OK);
    }
    let resp = s
        .client
        .get(s.io("tickets/1"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "rate_limit_exceeded");
    assert!(body["retryAfter"].as_u64().is_some());
}
