//! The reference server's Airclou Helpdesk surface over real HTTP with a real SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const AGENT: &str = "acs_demo_acme";
const VIEWER: &str = "acs_demo_acme_viewer";
const GLOBEX: &str = "acs_demo_globex";

impl TestServer {
    fn ac(&self, path: &str) -> String {
        format!("{}/api/airclou/helpdesk/api/{path}", self.root)
    }

    async fn ac_get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(self.ac(path))
            .bearer_auth(token)
            .header("X-Workspace-Id", "ws_acme")
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    async fn ac_post(&self, token: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(self.ac("messages"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    async fn ac_upload(&self, name: &str, bytes: &[u8]) -> Value {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
        let resp = self
            .client
            .post(self.ac("attachments"))
            .bearer_auth(AGENT)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json().await.unwrap()
    }
}

async fn start() -> TestServer {
    start_with(|o| o.rate_limit_per_minute = 0).await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn sessions_decide_who_reads_and_who_writes() {
    let s = start().await;
    let resp = s
        .client
        .get(s.ac("messages?ticket_id=tkt_2"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["status"], 401);
    let (status, _) = s.ac_get(VIEWER, "messages?ticket_id=tkt_2").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = s
        .ac_post(
            VIEWER,
            json!({"ticket_id": "tkt_2", "type": "note", "content": "<p>x</p>"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "INSUFFICIENT_API_PERMISSION");
    // Another organisation's ticket does not exist for Globex.
    let (status, body) = s.ac_get(GLOBEX, "messages?ticket_id=tkt_2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn the_thread_pages_by_number_with_a_total() {
    let s = start().await;
    let (status, all) = s.ac_get(AGENT, "messages?ticket_id=tkt_2&limit=100").await;
    assert_eq!(status, StatusCode::OK);
    let total = all["meta"]["total"].as_u64().unwrap();
    assert!(total >= 3, "{all}");
    let messages = all["messages"].as_array().unwrap();
    assert_eq!(messages.len() as u64, total);
    assert!(messages
        .iter()
        .all(|m| ["request", "response", "note"].contains(&m["type"].as_str().unwrap())));
    let (_, page2) = s
        .ac_get(AGENT, "messages?ticket_id=tkt_2&limit=1&page=2")
        .await;
    assert_eq!(page2["messages"][0]["id"], messages[1]["id"]);
    assert_eq!(page2["meta"]["hasMore"], json!(total > 2));
    let (_, desc) = s
        .ac_get(AGENT, "messages?ticket_id=tkt_2&limit=1&sort_order=desc")
        .await;
    assert_eq!(
        desc["messages"][0]["id"],
        messages[messages.len() - 1]["id"]
    );
    for bad in ["limit=0", "limit=101", "page=0", "sort_order=up"] {
        let (status, body) = s
            .ac_get(AGENT, &format!("messages?ticket_id=tkt_2&{bad}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(code(&body), "VALIDATION_ERROR");
        assert!(
            body["error"]["details"].as_object().unwrap().len() == 1,
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_response_stores_named_ccs_attachments_the_email_switch_and_the_ticket_update() {
    let s = start().await;
    let upload = s.ac_upload("invoice.pdf", b"%PDF-1.4 test").await;
    let token = upload["token"].as_str().unwrap().to_owned();
    assert_eq!(upload["size"], 13);
    let (status, created) = s
        .ac_post(
            AGENT,
            json!({
                "ticket_id": "tkt_2", "type": "response", "content": "<p>Refund issued ✓</p>",
                "text_content": "Refund issued ✓",
                "ccs": [{"email": "ann@x.example", "name": "Ann Lee"}, {"email": "bob@y.example"}],
                "attachments": [{"token": token, "name": "invoice.pdf", "size": 13}],
                "send_email": false,
                "ticket_update": {"status": "resolved", "priority": "high", "type": "incident"}
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (_, stored) = s.ac_get(AGENT, &format!("messages/{id}")).await;
    assert_eq!(stored["type"], "response");
    assert_eq!(stored["content"], "<p>Refund issued ✓</p>");
    assert_eq!(
        stored["ccs"],
        json!([{"email": "ann@x.example", "name": "Ann Lee"}, {"email": "bob@y.example"}])
    );
    assert_eq!(stored["sendEmail"], false);
    assert_eq!(stored["attachments"][0]["token"], token.as_str());
    let (_, ticket) = s.ac_get(AGENT, "v1/tickets/tkt_2").await;
    assert_eq!(ticket["ticket"]["status"], "resolved");
    assert_eq!(ticket["ticket"]["priority"], "high");
    assert_eq!(ticket["ticket"]["type"], "incident");
    // The file downloads with the session, and is used once.
    let file = s
        .client
        .get(s.ac(&format!("attachments/{token}")))
        .bearer_auth(AGENT)
        .send()
        .await
        .unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 test");
    let (status, body) = s
        .ac_post(
            AGENT,
            json!({"ticket_id": "tkt_2", "type": "note", "content": "again",
                   "attachments": [{"token": token, "name": "invoice.pdf", "size": 13}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["details"]["attachments[0].token"].is_array(),
        "{body}"
    );
}

#[tokio::test]
async fn a_note_copies_no_one_and_is_not_emailed() {
    let s = start().await;
    let (status, created) = s
        .ac_post(
            AGENT,
            json!({"ticket_id": "tkt_3", "type": "note", "content": "<p>internal</p>",
                   "ccs": [{"email": "ann@x.example"}], "send_email": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["type"], "note");
    assert_eq!(created["ccs"], json!([]));
    assert_eq!(created["sendEmail"], Value::Null);
}

#[tokio::test]
async fn documented_errors_have_their_codes() {
    let s = start().await;
    // Ticket 5 is closed in the demo data.
    let (status, body) = s
        .ac_post(
            AGENT,
            json!({"ticket_id": "tkt_5", "type": "response", "content": "<p>hi</p>"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "TICKET_CLOSED");
    let (status, body) = s
        .ac_post(
            AGENT,
            json!({"ticket_id": "tkt_2", "type": "response", "content": "<p>hi</p>",
                   "ticket_update": {"status": "closed"}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "CLOSED_STATUS_SYSTEM_ONLY");
    let (status, body) = s
        .ac_post(
            AGENT,
            json!({"ticket_id": "tkt_2", "type": "chat", "content": " ",
                   "ccs": [{"email": "not an address"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let details = body["error"]["details"].as_object().unwrap();
    for field in ["type", "content", "ccs[0].email"] {
        assert!(details[field][0]["message"].is_string(), "{field}: {body}");
    }
    // Nothing of the refused posts was stored.
    let (_, after) = s.ac_get(AGENT, "messages?ticket_id=tkt_2&limit=100").await;
    let (_, fresh) = start()
        .await
        .ac_get(AGENT, "messages?ticket_id=tkt_2&limit=100")
        .await;
    assert_eq!(after["meta"]["total"], fresh["meta"]["total"]);
}

#[tokio::test]
async fn ticket_endpoints_need_the_workspace() {
    let s = start().await;
    let resp = s
        .client
        .get(s.ac("v1/tickets/tkt_2"))
        .bearer_auth(AGENT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(&resp.json().await.unwrap()), "MISSING_WORKSPACE");
    let resp = s
        .client
        .get(s.ac("v1/tickets"))
        .bearer_auth(AGENT)
        .header("X-Workspace-Id", "ws_globex")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (status, list) = s.ac_get(AGENT, "v1/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["id"].as_str().unwrap().starts_with("tkt_")));
}

#[tokio::test]
async fn a_repeated_post_with_one_idempotency_key_stores_one_message() {
    let s = start().await;
    let body = json!({"ticket_id": "tkt_2", "type": "note", "content": "<p>once</p>"});
    let mut ids = Vec::new();
    for _ in 0..2 {
        let resp = s
            .client
            .post(s.ac("messages"))
            .bearer_auth(AGENT)
            .header("Idempotency-Key", "k-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
        let m: Value = resp.json().await.unwrap();
        ids.push(m["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
}

#[tokio::test]
async fn too_many_requests_say_when_to_come_back() {
    let s = start_with(|o| o.rate_limit_per_minute = 2).await;
    for _ in 0..2 {
        assert_eq!(
            s.ac_get(AGENT, "messages?ticket_id=tkt_2").await.0,
            StatusCode::OK
        );
    }
    let resp = s
        .client
        .get(s.ac("messages?ticket_id=tkt_2"))
        .bearer_auth(AGENT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_some());
    assert_eq!(code(&resp.json().await.unwrap()), "RATE_LIMIT_EXCEEDED");
}
