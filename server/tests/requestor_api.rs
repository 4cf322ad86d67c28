//! The reference server's Requestor surface over real HTTP with a real SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "rqk_demo_acme";

impl TestServer {
    fn rq(&self, path: &str) -> String {
        format!("{}/api/requestor/api/{path}", self.root)
    }

    async fn rq_ticket(&self, id: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(self.rq(&format!("Tickets/GetTicket/{id}")))
            .header("X-Requestor-Key", KEY)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    async fn rq_post(&self, body: Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(self.rq("Tickets/NewMessage"))
            .header("X-Requestor-Key", KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }
}

async fn start() -> TestServer {
    start_with(|o| o.rate_limit_per_minute = 0).await
}

#[tokio::test]
async fn a_ticket_carries_its_messages_by_id_or_reference() {
    let s = start().await;
    let (status, by_id) = s.rq_ticket("1").await;
    assert_eq!(status, StatusCode::OK);
    let reference = by_id["TicketREF"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("REQ-"));
    let (_, by_ref) = s.rq_ticket(&reference).await;
    assert_eq!(by_ref["TicketId"], by_id["TicketId"]);
    let messages = by_id["Messages"].as_array().unwrap();
    assert!(!messages.is_empty());
    assert!(messages.iter().all(|m| m["TicketMessageId"].is_i64()));
    assert!(!by_id["CreatedUTC"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn an_emailed_reply_a_comment_and_a_private_message_are_stored_as_sent() {
    let s = start().await;
    let (status, created) = s
        .rq_post(json!({"TicketId": 1, "Message": "<p>On it</p>", "Html": true,
            "SendViaOutboundEmail": true, "SendViaOutboundEmailFrom": "support@acme.example",
            "SendViaOutboundEmailCc": ["jane@x.example"], "SendViaOutboundEmailBcc": ["audit@acme.example"]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["TicketMessageId"].as_i64().unwrap();
    let (_, comment) = s.rq_post(json!({"TicketId": 1, "Message": "Logged"})).await;
    let (_, private) = s
        .rq_post(json!({"TicketId": 1, "Message": "Operators only", "IsPrivate": true}))
        .await;
    let (_, ticket) = s.rq_ticket("1").await;
    let find = |id: &Value| {
        ticket["Messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["TicketMessageId"] == *id)
            .unwrap()
            .clone()
    };
    let emailed = find(&json!(id));
    assert_eq!(
        (emailed["Html"].clone(), emailed["IsEmail"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(emailed["EmailFrom"], "support@acme.example");
    assert_eq!(emailed["EmailCc"], json!(["jane@x.example"]));
    assert_eq!(emailed["EmailBcc"], json!(["audit@acme.example"]));
    let comment = find(&comment["TicketMessageId"]);
    assert_eq!(
        (comment["IsEmail"].clone(), comment["IsPrivate"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(find(&private["TicketMessageId"])["IsPrivate"], true);
}

#[tokio::test]
async fn bad_posts_and_keys_get_asp_net_messages() {
    let s = start().await;
    for (body, words) in [
        (
            json!({"Message": "x"}),
            "TicketREF or TicketId is required.",
        ),
        (json!({"TicketId": 1}), "The Message field is required."),
        (
            json!({"TicketId": 1, "Message": "x", "SendViaOutboundEmail": true}),
            "SendViaOutboundEmailFrom is required",
        ),
        (
            json!({"TicketId": 1, "Message": "x", "SendViaOutboundEmail": true, "SendViaOutboundEmailFrom": "nobody@acme.example"}),
            "not an existing mailbox",
        ),
        (
            json!({"TicketId": 1, "Message": "x", "SendViaOutboundEmail": true, "SendViaOutboundEmailFrom": "support@acme.example", "SendViaOutboundEmailCc": ["not-an-address"]}),
            "invalid email address",
        ),
    ] {
        let (status, error) = s.rq_post(body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            error["Message"].as_str().unwrap().contains(words),
            "{error}"
        );
    }
    let (status, error) = s.rq_post(json!({"TicketId": 999, "Message": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    let resp = s
        .client
        .get(s.rq("Tickets/GetTicket/1"))
        .header("X-Requestor-Key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Another organisation's key does not see Acme's ticket 1.
    let resp = s
        .client
        .get(s.rq("Tickets/GetTicket/1"))
        .header("X-Requestor-Key", "rqk_demo_globex")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
