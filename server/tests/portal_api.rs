//! The customer's view over real HTTP with a real SQLite file: a signed link reads only its
//! ticket, no internal note (or agent address, or token) is in any response, the customer can
//! reply but set nothing else, and tampered or expired links are refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::db;

const TOKEN: &str = "demo-token-acme";

async fn start() -> TestServer {
    start_with(|o| o.rate_limit_per_minute = 0).await
}

impl TestServer {
    fn link(&self, ticket: i64, valid_for: i64) -> String {
        common::portal_link(&self.db, ticket, valid_for)
    }

    /// The raw body and status of a portal request.
    async fn portal(&self, link: &str, path: &str) -> (StatusCode, String) {
        let resp = self
            .client
            .get(format!("{}/portal-api/{link}{path}", self.root))
            .send()
            .await
            .unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    async fn portal_post(&self, link: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(format!("{}/portal-api/{link}/messages", self.root))
            .json(&body)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    /// Every message of a ticket as the agent's API has it.
    async fn agent_thread(&self, ticket: i64) -> Vec<Value> {
        common::stored_thread(self, ticket).await
    }
}

/// Ticket 2 of the demo has internal notes and agent replies.
const TICKET: i64 = 2;

#[tokio::test]
async fn a_link_shows_its_ticket_without_a_trace_of_notes_agents_or_tokens() {
    let s = start().await;
    let all = s.agent_thread(TICKET).await;
    let notes: Vec<String> = all
        .iter()
        .filter(|m| m["is_visible_to_customer"] == false)
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .filter(|c| !c.trim().is_empty())
        .collect();
    assert!(!notes.is_empty(), "the demo ticket has notes to hide");
    let link = s.link(TICKET, 3600);
    let (status, body) = s.portal(&link, "").await;
    assert_eq!(status, StatusCode::OK);
    for note in &notes {
        // A note's first words are enough to find it anywhere in the body.
        let head: String = note.chars().take(40).collect();
        assert!(!body.contains(&head), "note text leaked: {head}");
    }
    for secret in [
        TOKEN,
        "@acme.example",
        "is_visible_to_customer",
        "next_action",
        "assignee",
    ] {
        assert!(!body.contains(secret), "{secret} leaked");
    }
    let parsed: Value = serde_json::from_str(&body).unwrap();
    let visible = all
        .iter()
        .filter(|m| m["is_visible_to_customer"] == true && m["role"] != "system")
        .count();
    assert_eq!(parsed["messages"].as_array().unwrap().len(), visible);
    // The app's configuration for the link carries no token either.
    let (status, config) = s.portal(&link, "/config.json").await;
    assert_eq!(status, StatusCode::OK);
    let config: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["dialect"], "portal");
    assert_eq!(config["mode"], "customer");
    assert!(config.get("token").is_none());
}

#[tokio::test]
async fn the_customer_replies_and_can_set_nothing_else() {
    let s = start().await;
    let link = s.link(TICKET, 3600);
    let before = s.agent_thread(TICKET).await.len();
    for forbidden in [
        json!({"text": "psst", "is_visible_to_customer": false}),
        json!({"text": "close it", "next_action": "close_and_mark_resolved"}),
        json!({"text": "mine", "next_assignee_id": 2}),
        json!({"text": "cc", "external_recipient_emails": ["x@y.example"]}),
        json!({"text": "  "}),
    ] {
        let (status, body) = s.portal_post(&link, forbidden.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{forbidden}: {body}");
        assert!(body["detail"].is_string());
    }
    assert_eq!(
        s.agent_thread(TICKET).await.len(),
        before,
        "nothing was stored"
    );
    let (status, created) = s
        .portal_post(&link, json!({"text": "Thanks — it works now ✓"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "customer");
    let after = s.agent_thread(TICKET).await;
    let stored = after.last().unwrap();
    assert_eq!(stored["content"], "Thanks — it works now ✓");
    assert_eq!(stored["role"], "customer");
    assert_eq!(stored["is_visible_to_customer"], true);
}

#[tokio::test]
async fn tampered_expired_and_foreign_requests_are_refused() {
    let s = start().await;
    let link = s.link(TICKET, 3600);
    // Another ticket's number in a signed link.
    let parts: Vec<&str> = link.split('.').collect();
    let forged = format!("{}.{}.3.{}.{}", parts[0], parts[1], parts[3], parts[4]);
    let (status, body) = s.portal(&forged, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("not valid"));
    // A later expiry, or a changed signature.
    let extended = format!(
        "{}.{}.{}.{}.{}",
        parts[0],
        parts[1],
        parts[2],
        parts[3].parse::<i64>().unwrap() + 86_400,
        parts[4]
    );
    assert_eq!(s.portal(&extended, "").await.0, StatusCode::FORBIDDEN);
    let mut bad_sig = link.clone();
    let last = bad_sig.pop().unwrap();
    bad_sig.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(s.portal(&bad_sig, "").await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.portal("garbage", "").await.0, StatusCode::FORBIDDEN);
    // Expired.
    let expired = s.link(TICKET, -1);
    let (status, body) = s.portal(&expired, "").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("expired"));
    let (status, _) = s.portal_post(&expired, json!({"text": "hello?"})).await;
    assert_eq!(status, StatusCode::GONE);
    // A file of another ticket is not reachable through this link.
    let conn = db::open(&s.db, false).unwrap();
    let foreign: Option<String> = conn
        .query_row(
            "SELECT a.id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id != ?1 LIMIT 1",
            [TICKET],
            |r| r.get(0),
        )
        .ok();
    let foreign = foreign.expect("the demo has attachments on other tickets");
    let (status, _) = s.portal(&link, &format!("/attachments/{foreign}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
