//! The reference server's Initdesk surface over real HTTP with a real SQLite file, one test
//! per rule of docs/api/CONTRACT.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_core::model::NextAction;

mod common;

use common::{start_with, TestServer};

const TOKEN: &str = "demo-token-acme";
const OTHER_ORG_TOKEN: &str = "demo-token-globex";

async fn start() -> TestServer {
    start_with(|_| {}).await
}

impl TestServer {
    fn url(&self, path: &str) -> String {
        format!("{}/api/initdesk/organizations/{path}", self.root)
    }

    async fn get_as(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.header("X-Initdesk-Token", t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.get_as(Some(TOKEN), path).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(self.url(path))
            .header("X-Initdesk-Token", TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn reply(&self, ticket: i64, body: Value) -> (StatusCode, Value) {
        self.post(&format!("1/tickets/{ticket}/messages/"), body)
            .await
    }

    async fn ticket(&self, ticket: i64) -> Value {
        let (status, t) = self.get(&format!("1/tickets/{ticket}/")).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        t
    }

    async fn all_messages(&self, ticket: i64) -> Vec<Value> {
        let (status, page) = self
            .get(&format!("1/tickets/{ticket}/messages/?page_size=100"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["results"].as_array().unwrap().clone()
    }

    async fn upload(&self, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("image/png")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let resp = self
            .client
            .post(self.url("1/attachments/"))
            .header("X-Initdesk-Token", TOKEN)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

fn detail(v: &Value) -> &str {
    v["detail"].as_str().unwrap_or_default()
}

// --- auth and scoping ------------------------------------------------------------------------

#[tokio::test]
async fn a_missing_wrong_or_inactive_token_is_401() {
    let s = start().await;
    for token in [None, Some("nope"), Some("demo-token-acme-inactive")] {
        let (status, body) = s.get_as(token, "1/tickets/").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(!detail(&body).is_empty());
    }
}

#[tokio::test]
async fn another_organizations_urls_are_403() {
    let s = start().await;
    for path in [
        "2/",
        "2/tickets/",
        "2/tickets/100/",
        "2/tickets/100/messages/",
        "2/users/",
    ] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    let (status, _) = s.get_as(Some(OTHER_ORG_TOKEN), "2/tickets/100/").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn another_organizations_ticket_is_not_found_through_ours_and_unknown_tickets_are_404() {
    let s = start().await;
    for path in [
        "1/tickets/100/",
        "1/tickets/100/messages/",
        "1/tickets/9999/",
        "1/tickets/abc/",
    ] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(detail(&body), "Not found.");
    }
    let (status, _) = s
        .reply(100, json!({"content": "x", "is_visible_to_customer": true}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_ticket_list_never_shows_another_organizations_tickets() {
    let s = start().await;
    let (_, page) = s.get("1/tickets/?page_size=100").await;
    let ids: Vec<i64> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 6, "{ids:?}");
    assert!(!ids.contains(&100));
}

#[tokio::test]
async fn the_organization_reports_cc_email_routing() {
    let s = start().await;
    let (status, org) = s.get("1/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["id"], 1);
    assert_eq!(org["enable_cc_email_routing"], true);
}

// --- pagination ------------------------------------------------------------------------------

#[tokio::test]
async fn ticket_pages_link_to_each_other_and_cover_every_ticket_once() {
    let s = start().await;
    let (_, first) = s.get("1/tickets/?page_size=3").await;
    let count = first["count"].as_u64().unwrap();
    assert!(count >= 6);
    assert_eq!(first["previous"], Value::Null);
    let mut seen: Vec<Value> = first["results"].as_array().unwrap().clone();
    let mut next = first["next"].as_str().map(str::to_owned);
    while let Some(url) = next {
        let page: Value = s
            .client
            .get(common::absolute(&s.root, &url))
            .header("X-Initdesk-Token", TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(page["previous"].is_string());
        seen.extend(page["results"].as_array().unwrap().iter().cloned());
        next = page["next"].as_str().map(str::to_owned);
    }
    let mut ids: Vec<i64> = seen.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len() as u64, count);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as u64, count, "a ticket appeared twice");
}

#[tokio::test]
async fn a_page_past_the_end_is_404_invalid_page() {
    let s = start().await;
    for path in [
        "1/tickets/?page=999",
        "1/tickets/?page=0",
        "1/tickets/?page=x",
        "1/tickets/1/messages/?page=999",
    ] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(detail(&body), "Invalid page.");
    }
}

#[tokio::test]
async fn messages_come_oldest_first_across_pages() {
    let s = start().await;
    let (_, first) = s.get("1/tickets/2/messages/?page_size=4").await;
    assert!(
        first["count"].as_u64().unwrap() > 4,
        "ticket 2 has a long thread"
    );
    let next = first["next"].as_str().unwrap();
    let second: Value = s
        .client
        .get(common::absolute(&s.root, next))
        .header("X-Initdesk-Token", TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let times: Vec<String> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["results"].as_array().unwrap())
        .map(|m| m["created_at"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
}

// --- creating messages -----------------------------------------------------------------------

#[tokio::test]
async fn a_reply_is_stored_as_an_associate_message_by_the_tokens_user() {
    let s = start().await;
    let (status, m) = s.reply(1, json!({"content": "Refund issued.", "content_html": "<p>Refund issued.</p>", "is_visible_to_customer": true})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["role"], "associate");
    assert_eq!(m["author"]["id"], 1);
    assert_eq!(m["sender"]["user_id"], 1);
    assert_eq!(m["content_html"], "<p>Refund issued.</p>");
    let last = s.all_messages(1).await.pop().unwrap();
    assert_eq!(last["id"], m["id"]);
}

#[tokio::test]
async fn the_same_idempotency_key_stores_one_message() {
    let s = start().await;
    let before = s.all_messages(1).await.len();
    let post = |key: &'static str, content: &'static str| {
        s.client
            .post(s.url("1/tickets/1/messages/"))
            .header("X-Initdesk-Token", TOKEN)
            .header("Idempotency-Key", key)
            .json(&json!({"content": content, "is_visible_to_customer": true}))
            .send()
    };
    let first = post("out-1", "Once only.").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = post("out-1", "Once only.").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        again["id"], first["id"],
        "the stored message is answered again"
    );
    let other = post("out-2", "Once only.").await.unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    assert_eq!(s.all_messages(1).await.len(), before + 2);
    // Another organisation's identical key is its own.
    let foreign = s
        .client
        .post(format!(
            "{}/api/initdesk/organizations/2/tickets/100/messages/",
            s.root
        ))
        .header("X-Initdesk-Token", OTHER_ORG_TOKEN)
        .header("Idempotency-Key", "out-1")
        .json(&json!({"content": "Globex", "is_visible_to_customer": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::CREATED);
    let foreign: Value = foreign.json().await.unwrap();
    assert_ne!(foreign["id"], first["id"]);
    let empty_key = s
        .client
        .post(s.url("1/tickets/1/messages/"))
        .header("X-Initdesk-Token", TOKEN)
        .header("Idempotency-Key", " ")
        .json(&json!({"content": "x", "is_visible_to_customer": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty_key.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_next_action_sets_the_documented_status() {
    let s = start().await;
    for action in NextAction::ALL
        .into_iter()
        .filter(|a| *a != NextAction::None)
    {
        let (status, body) = s.reply(3, json!({"content": "x", "is_visible_to_customer": false, "next_action": action.as_wire()})).await;
        assert_eq!(status, StatusCode::CREATED, "{action:?}: {body}");
        let t = s.ticket(3).await;
        assert_eq!(
            t["status"],
            action.resulting_status().unwrap().as_wire(),
            "{action:?}"
        );
        match action {
            NextAction::ReportSpam => assert_eq!(t["is_spam"], true),
            NextAction::RemoveFromSpam => assert_eq!(t["is_spam"], false),
            _ => {}
        }
    }
}

#[tokio::test]
async fn no_next_action_leaves_the_status_alone() {
    let s = start().await;
    let before = s.ticket(1).await["status"].clone();
    for extra in [json!({}), json!({"next_action": ""})] {
        let mut body = json!({"content": "x", "is_visible_to_customer": true});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        assert_eq!(s.reply(1, body).await.0, StatusCode::CREATED);
        assert_eq!(s.ticket(1).await["status"], before);
    }
}

#[tokio::test]
async fn next_assignee_id_assigns_unassigns_or_is_left_alone() {
    let s = start().await;
    let (_, m) = s
        .reply(
            1,
            json!({"content": "x", "is_visible_to_customer": false, "next_assignee_id": 3}),
        )
        .await;
    assert_eq!(m["next_assignee"]["id"], 3);
    assert_eq!(s.ticket(1).await["assignee"]["id"], 3);
    s.reply(1, json!({"content": "x", "is_visible_to_customer": false}))
        .await;
    assert_eq!(
        s.ticket(1).await["assignee"]["id"],
        3,
        "absent keeps the assignee"
    );
    s.reply(
        1,
        json!({"content": "x", "is_visible_to_customer": false, "next_assignee_id": null}),
    )
    .await;
    assert_eq!(s.ticket(1).await["assignee"], Value::Null);
}

#[tokio::test]
async fn an_unknown_or_foreign_assignee_is_a_field_error() {
    let s = start().await;
    for id in [json!(999), json!(10), json!("2")] {
        let (status, body) = s
            .reply(
                1,
                json!({"content": "x", "is_visible_to_customer": true, "next_assignee_id": id}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}");
        assert!(body["next_assignee_id"][0].is_string(), "{body}");
    }
}

#[tokio::test]
async fn the_unassign_endpoint_clears_the_assignee() {
    let s = start().await;
    let (status, t) = s.post("1/tickets/1/unassign/", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["assignee"], Value::Null);
}

// --- CC snapshot rules -----------------------------------------------------------------------

#[tokio::test]
async fn a_sent_list_is_the_snapshot_and_the_ticket_is_unchanged() {
    let s = start().await;
    let ticket_cc = s.ticket(1).await["external_recipient_emails"].clone();
    let (status, m) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": ["ann@x.com", "ANN@x.com", "bob@y.org"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(
        m["external_recipient_emails"],
        json!(["ann@x.com", "bob@y.org"])
    );
    assert_eq!(s.ticket(1).await["external_recipient_emails"], ticket_cc);
}

#[tokio::test]
async fn an_empty_list_clears_the_snapshot_but_the_requester_is_kept() {
    let s = start().await;
    let requester = s.ticket(1).await["customer"].clone();
    let (_, m) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": []})).await;
    assert_eq!(m["external_recipient_emails"], json!([]));
    // The requester stays the ticket's customer and is never duplicated into the CC list.
    let (_, m) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": [requester["email"].as_str().unwrap().to_uppercase(), "c@z.io"]})).await;
    assert_eq!(m["external_recipient_emails"], json!(["c@z.io"]));
    assert_eq!(s.ticket(1).await["customer"], requester);
}

#[tokio::test]
async fn an_omitted_or_null_list_copies_the_last_customer_visible_snapshot() {
    let s = start().await;
    s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": ["kept@x.com"]})).await;
    // A note in between has no snapshot and must not be the one copied.
    s.reply(
        1,
        json!({"content": "note", "is_visible_to_customer": false}),
    )
    .await;
    let (_, omitted) = s
        .reply(1, json!({"content": "x", "is_visible_to_customer": true}))
        .await;
    assert_eq!(omitted["external_recipient_emails"], json!(["kept@x.com"]));
    let (_, null) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": null})).await;
    assert_eq!(null["external_recipient_emails"], json!(["kept@x.com"]));
}

#[tokio::test]
async fn without_any_customer_visible_message_the_tickets_creation_list_is_copied() {
    let s = start().await;
    {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, org_id, public_id, inbox_id, customer_id, subject, external_recipient_emails, created_at, updated_at)
             SELECT 500, 1, 5000, inbox_id, customer_id, 'Phone call', '[\"first@x.com\"]', created_at, updated_at FROM tickets WHERE id = 1;",
        )
        .unwrap();
    }
    let (status, m) = s
        .reply(500, json!({"content": "x", "is_visible_to_customer": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["external_recipient_emails"], json!(["first@x.com"]));
}

#[tokio::test]
async fn an_internal_note_stores_no_cc_and_ignores_the_field() {
    let s = start().await;
    let (status, m) = s.reply(1, json!({"content": "internal", "is_visible_to_customer": false, "external_recipient_emails": ["x@y.com", "not an email"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["is_visible_to_customer"], false);
    assert_eq!(m["external_recipient_emails"], json!([]));
}

#[tokio::test]
async fn invalid_or_empty_addresses_are_field_errors_by_index() {
    let s = start().await;
    let (status, body) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": ["ok@x.com", "nope", ""]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["external_recipient_emails"]["1"],
        json!(["Enter a valid email address."])
    );
    assert!(
        body["external_recipient_emails"]["2"][0].is_string(),
        "{body}"
    );
    let (status, _) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "external_recipient_emails": "a@b.com"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// --- other 400s --------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_next_action_is_a_field_error() {
    let s = start().await;
    let (status, body) = s
        .reply(
            1,
            json!({"content": "x", "is_visible_to_customer": true, "next_action": "close"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["next_action"],
        json!(["\"close\" is not a valid choice."])
    );
}

#[tokio::test]
async fn an_empty_message_is_refused() {
    let s = start().await;
    let before = s.all_messages(1).await.len();
    for body in [
        json!({"is_visible_to_customer": true}),
        json!({"content": "  ", "content_html": "<p><br></p>", "is_visible_to_customer": true}),
    ] {
        let (status, err) = s.reply(1, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(err["non_field_errors"][0].is_string(), "{err}");
    }
    assert_eq!(s.all_messages(1).await.len(), before, "nothing was stored");
}

#[tokio::test]
async fn malformed_json_and_missing_visibility_are_400() {
    let s = start().await;
    let resp = s
        .client
        .post(s.url("1/tickets/1/messages/"))
        .header("X-Initdesk-Token", TOKEN)
        .header("content-type", "application/json")
        .body("{\"content\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (status, body) = s.reply(1, json!({"content": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["is_visible_to_customer"].is_array());
}

// --- attachments ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_uploaded_file_attaches_once_and_downloads_with_the_token() {
    let s = start().await;
    let bytes = b"\x89PNG\r\n\x1a\nnot really".to_vec();
    let (status, a) = s.upload("../shot.png", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["name"], "shot.png");
    assert_eq!(a["size"], bytes.len());
    let id = a["id"].as_str().unwrap().to_owned();
    let (status, m) = s.reply(1, json!({"content": "see attached", "is_visible_to_customer": true, "attachment_ids": [id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["attachments"][0]["id"], id.as_str());
    let url = m["attachments"][0]["download_url"].as_str().unwrap();
    let resp = s
        .client
        .get(common::absolute(&s.root, url))
        .header("X-Initdesk-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"shot.png\""));
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
    assert_eq!(
        s.client
            .get(common::absolute(&s.root, url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // The same attachment cannot be attached to a second message.
    let (status, body) = s
        .reply(
            1,
            json!({"content": "again", "is_visible_to_customer": true, "attachment_ids": [id]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["attachment_ids"][0].is_string());
}

#[tokio::test]
async fn an_unknown_attachment_id_is_a_field_error() {
    let s = start().await;
    let (status, body) = s.reply(1, json!({"content": "x", "is_visible_to_customer": true, "attachment_ids": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["attachment_ids"][0]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{body}"
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_with_a_clear_message_and_empty_files_are_400() {
    let s = start_with(|o| o.max_upload_bytes = 1_000_000).await;
    let (status, body) = s.upload("big.bin", vec![7u8; 1_500_000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        detail(&body),
        "The file is too large (1.5 MB). The limit is 1.0 MB."
    );
    let (status, body) = s.upload("empty.txt", Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["file"], json!(["The submitted file is empty."]));
}

// --- users, rate limit, persistence ------------------------------------------------------------

#[tokio::test]
async fn users_lists_only_this_organizations_agents() {
    let s = start().await;
    let (status, users) = s.get("1/users/").await;
    assert_eq!(status, StatusCode::OK);
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"sam@acme.example"));
    assert!(!emails.iter().any(|e| e.ends_with("globex.example")));
}

#[tokio::test]
async fn the_sixty_first_request_in_a_minute_is_429_with_retry_after() {
    let s = start().await;
    for i in 0..60 {
        assert_eq!(s.get("1/").await.0, StatusCode::OK, "request {i}");
    }
    let resp = s
        .client
        .get(s.url("1/"))
        .header("X-Initdesk-Token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // The limit is per token.
    assert_eq!(
        s.get_as(Some(OTHER_ORG_TOKEN), "2/").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_reply_survives_a_restart_of_the_server() {
    let s = start().await;
    let (_, m) = s
        .reply(
            4,
            json!({"content": "persisted", "is_visible_to_customer": true}),
        )
        .await;
    let db = s.db.clone();
    let dir = s._dir;
    drop(s._stop);
    let again = start_with(|o| o.db = db).await;
    let found = again
        .all_messages(4)
        .await
        .into_iter()
        .any(|x| x["id"] == m["id"] && x["content"] == "persisted");
    assert!(found);
    drop(dir);
}

#[tokio::test]
async fn the_app_config_points_at_this_servers_initdesk_surface() {
    let s = start().await;
    let config: Value = s
        .client
        .get(format!("{}/config.json", s.root))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["dialect"], "initdesk");
    assert_eq!(config["api_base"], "/api/initdesk");
    let (status, _) = s
        .get_as(
            config["token"].as_str(),
            &format!("{}/tickets/", config["organization_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn reset_demo_restores_the_demo_data() {
    let s = start().await;
    let (_, m) = s
        .reply(
            4,
            json!({"content": "to be reset", "is_visible_to_customer": true}),
        )
        .await;
    assert_eq!(m["content"], "to be reset");
    let (db, dir) = (s.db.clone(), s._dir);
    drop(s._stop);
    let again = start_with(|o| {
        o.db = db;
        o.reset_demo = true;
    })
    .await;
    assert!(!again
        .all_messages(4)
        .await
        .iter()
        .any(|x| x["content"] == "to be reset"));
    assert!(again.all_messages(4).await.len() >= 3);
    drop(dir);
}

#[tokio::test]
async fn the_demo_data_covers_what_the_conversation_must_show() {
    let s = start().await;
    let (_, page) = s.get("1/tickets/?page_size=100").await;
    let tickets = page["results"].as_array().unwrap();
    assert!(tickets.len() >= 6);
    let mut all = Vec::new();
    for t in tickets {
        all.extend(s.all_messages(t["id"].as_i64().unwrap()).await);
    }
    let html = |needle: &str| {
        all.iter().any(|m| {
            m["content_html"]
                .as_str()
                .unwrap_or_default()
                .contains(needle)
        })
    };
    assert!(html("gmail_quote"), "Gmail quoted history");
    assert!(html("divRplyFwdMsg"), "Outlook quoted history");
    assert!(html("<table"), "a table");
    assert!(html("src=\"cid:"), "an inline cid: image");
    assert!(html("width=\"1\" height=\"1\""), "a remote tracking pixel");
    assert!(html("style="), "inline styles");
    let plain_with_quote = all
        .iter()
        .any(|m| m["content_html"] == "" && m["content"].as_str().unwrap().contains("\n> "));
    assert!(plain_with_quote, "a plain-text email with > quotes");
    for role in ["customer", "cc", "associate", "system"] {
        assert!(all.iter().any(|m| m["role"] == role), "a {role} message");
    }
    assert!(
        all.iter()
            .any(|m| m["role"] == "associate" && m["is_visible_to_customer"] == false),
        "a note"
    );
    assert!(
        all.iter()
            .any(|m| m["external_recipient_emails"].as_array().unwrap().len() >= 2),
        "several CCs"
    );
    let types: Vec<&str> = all
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap())
        .map(|a| a["content_type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"image/png") && types.contains(&"application/pdf"),
        "{types:?}"
    );
    let agents: std::collections::HashSet<i64> = all
        .iter()
        .filter_map(|m| m["author"]["id"].as_i64())
        .collect();
    assert!(agents.len() >= 3, "several agents: {agents:?}");
}
