//! The customer's view served by a gateway over real HTTP: a reference server is the upstream
//! Initdesk; the gateway reads it with the organisation's token and passes on only what the
//! customer may see, pages it, serves only the files of visible messages, and posts the
//! customer's reply upstream in the customer's name, once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::gateway::GatewayOptions;
use threadline_server::portal::link;

const ORG_TOKEN: &str = "demo-token-acme";
const SECRET: &[u8] = b"a shared link secret of 32+ chars, for tests";
/// Ticket 2 of the demo has internal notes, system events and agent replies.
const TICKET: i64 = 2;

async fn gateway(upstream: &TestServer, secret: &[u8]) -> TestServer {
    let root = format!("{}/api/initdesk", upstream.root);
    let secret = secret.to_vec();
    start_with(move |o| {
        o.link_secret = Some(secret);
        o.gateway = Some(GatewayOptions {
            upstream: root,
            upstream_token: ORG_TOKEN.into(),
            organization_id: "1".into(),
            agent_key: Some("agent-key".into()),
            trusted_header: None,
            ..GatewayOptions::default()
        });
    })
    .await
}

fn customer_link(ticket: i64, valid_for: i64) -> String {
    link::issue_with(
        SECRET,
        1,
        ticket,
        threadline_server::clock::now_secs() + valid_for,
    )
    .unwrap()
}

async fn get(s: &TestServer, path: &str) -> (StatusCode, String) {
    let resp = s
        .client
        .get(format!("{}{path}", s.root))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn post(s: &TestServer, link: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let resp = s
        .client
        .post(format!("{}/portal-api/{link}/messages", s.root))
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn the_customer_reads_only_what_they_may_see_through_the_gateway() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let g = gateway(&up, SECRET).await;
    let all = common::stored_thread(&up, TICKET).await;
    let hidden: Vec<String> = all
        .iter()
        .filter(|m| m["is_visible_to_customer"] == false || m["role"] == "system")
        .filter_map(|m| m["content"].as_str())
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.chars().take(40).collect())
        .collect();
    assert!(!hidden.is_empty(), "the demo ticket has notes to hide");
    let link = customer_link(TICKET, 3600);
    let (status, body) = get(&g, &format!("/portal-api/{link}?page=1&page_size=100")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for head in &hidden {
        assert!(!body.contains(head), "hidden text leaked: {head}");
    }
    for secret in [
        ORG_TOKEN,
        "@acme.example",
        "is_visible_to_customer",
        "next_action",
        "assignee",
    ] {
        assert!(!body.contains(secret), "{secret} leaked");
    }
    let doc: Value = serde_json::from_str(&body).unwrap();
    let visible = all
        .iter()
        .filter(|m| m["is_visible_to_customer"] == true && m["role"] != "system")
        .count();
    assert_eq!(doc["messages"].as_array().unwrap().len(), visible);
    // The count says how many pages there are, not how many messages are hidden; and a page
    // is 50 wide whatever the client asks, so a page of one cannot point at a note.
    assert_eq!(doc["count"], 50);
    let (_, tiny) = get(&g, &format!("/portal-api/{link}?page=1&page_size=1")).await;
    let tiny: Value = serde_json::from_str(&tiny).unwrap();
    assert_eq!(tiny["count"], 50);
    assert_eq!(tiny["messages"], doc["messages"]);
    let (status, _) = get(&g, &format!("/portal-api/{link}?page=999&page_size=2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The app's configuration for the link: the portal, no token.
    let (status, config) = get(&g, &format!("/portal-api/{link}/config.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!config.contains(ORG_TOKEN));
    assert!(config.contains("\"customer\""));
}

#[tokio::test]
async fn files_come_only_through_the_tags_the_gateway_gave_out() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let g = gateway(&up, SECRET).await;
    // An agent attaches a file to a reply, and another to a note.
    let mut files = Vec::new();
    for (name, visible) in [("visible.txt", true), ("secret.txt", false)] {
        let part = reqwest::multipart::Part::bytes(name.as_bytes().to_vec()).file_name(name);
        let up_file: Value = up
            .client
            .post(format!(
                "{}/api/initdesk/organizations/1/attachments/",
                up.root
            ))
            .header("X-Initdesk-Token", ORG_TOKEN)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = up_file["id"].as_str().unwrap().to_owned();
        let resp = up
            .client
            .post(format!("{}/api/initdesk/organizations/1/tickets/{TICKET}/messages/", up.root))
            .header("X-Initdesk-Token", ORG_TOKEN)
            .json(&json!({"content": format!("with {name}"), "is_visible_to_customer": visible, "attachment_ids": [id]}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        files.push(id);
    }
    let link = customer_link(TICKET, 3600);
    let (_, body) = get(&g, &format!("/portal-api/{link}?page=1&page_size=100")).await;
    assert!(
        !body.contains(&files[1]),
        "the note's file is not even named"
    );
    let doc: Value = serde_json::from_str(&body).unwrap();
    let url = doc["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap().clone())
        .find(|a| a["id"] == files[0].as_str())
        .unwrap()["download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = g
        .client
        .get(format!("{}{url}", g.root))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert!(file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(file.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"visible.txt");
    // The note's file, with the visible file's tag, with no tag, or through another link.
    let tag = url.rsplit('.').next().unwrap();
    for path in [
        format!("/portal-api/{link}/attachments/{}.{tag}", files[1]),
        format!("/portal-api/{link}/attachments/{}", files[1]),
        format!(
            "/portal-api/{}/attachments/{}.{tag}",
            customer_link(1, 3600),
            files[0]
        ),
    ] {
        let (status, body) = get(&g, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains("secret.txt"));
    }
}

#[tokio::test]
async fn the_customer_s_reply_is_stored_upstream_once_in_their_name() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let g = gateway(&up, SECRET).await;
    let link = customer_link(TICKET, 3600);
    let before = common::stored_thread(&up, TICKET).await.len();
    for forbidden in [
        json!({"text": "psst", "is_visible_to_customer": false}),
        json!({"text": "close it", "next_action": "close_and_mark_resolved"}),
        json!({"text": "  "}),
    ] {
        let (status, body) = post(&g, &link, "x", forbidden.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{forbidden}: {body}");
    }
    let plain = g
        .client
        .post(format!("{}/portal-api/{link}/messages", g.root))
        .header("content-type", "text/plain")
        .body(r#"{"text": "forged"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for _ in 0..2 {
        let (status, created) = post(
            &g,
            &link,
            "reply-1",
            json!({"text": "Through the gateway, thanks ✓"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["role"], "customer");
        assert_eq!(created["text"], "Through the gateway, thanks ✓");
    }
    let after = common::stored_thread(&up, TICKET).await;
    assert_eq!(after.len(), before + 1, "stored once");
    let stored = after.last().unwrap();
    assert_eq!(stored["role"], "customer");
    assert_eq!(stored["is_visible_to_customer"], true);
    assert_eq!(stored["content"], "Through the gateway, thanks ✓");
    // An agent's key of any spelling cannot answer the customer with the agent's message.
    let resp = up
        .client
        .post(format!(
            "{}/api/initdesk/organizations/1/tickets/{TICKET}/messages/",
            up.root
        ))
        .header("X-Initdesk-Token", ORG_TOKEN)
        .header("Idempotency-Key", "reply-2")
        .json(&json!({"content": "Internal: refund approved", "is_visible_to_customer": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let (_, created) = post(&g, &link, "reply-2", json!({"text": "Any news?"})).await;
    assert_eq!(created["text"], "Any news?");
}

#[tokio::test]
async fn links_are_checked_by_the_shared_secret_and_the_organisation() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let a = gateway(&up, SECRET).await;
    let b = gateway(&up, SECRET).await;
    let other = gateway(&up, b"another secret, also over 32 chars long").await;
    let link = customer_link(TICKET, 3600);
    // Two instances with the same secret accept each other's links; another does not.
    assert_eq!(
        get(&a, &format!("/portal-api/{link}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&b, &format!("/portal-api/{link}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&other, &format!("/portal-api/{link}")).await.0,
        StatusCode::FORBIDDEN
    );
    // Another organisation's ticket, an expired link, a ticket that is not there.
    let foreign =
        link::issue_with(SECRET, 2, TICKET, threadline_server::clock::now_secs() + 60).unwrap();
    assert_eq!(
        get(&a, &format!("/portal-api/{foreign}")).await.0,
        StatusCode::FORBIDDEN
    );
    let expired = customer_link(TICKET, -1);
    assert_eq!(
        get(&a, &format!("/portal-api/{expired}")).await.0,
        StatusCode::GONE
    );
    let missing = customer_link(999_999, 60);
    let (status, body) = get(&a, &format!("/portal-api/{missing}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("no longer exists"));
    // Unknown paths below a link: JSON 404, not the app's page.
    let host = a.root.trim_start_matches("http://");
    let (status, body) = common::raw(
        &a.root,
        &format!("GET /portal-api/{link}/%2e%2e/%2e%2e/config.json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = get(&a, &format!("/portal-api/{link}/admin")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("detail"));
}

#[test]
fn the_link_command_signs_a_gateway_s_ticket_by_its_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.sqlite3");
    let secret_file = dir.path().join("link-secret");
    std::fs::write(&secret_file, SECRET).unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        [
            "77",
            "--ttl",
            "2d",
            "--db",
            db.to_str().unwrap(),
            "--base-url",
            "https://help.example/",
        ]
        .iter()
        .chain(extra)
        .map(|s| (*s).to_owned())
        .collect()
    };
    let refused = link::link_command(&args(&[])).unwrap_err();
    assert!(refused.contains("--organization-id"), "{refused}");
    let url = link::link_command(&args(&[
        "--organization-id",
        "1",
        "--link-secret-file",
        secret_file.to_str().unwrap(),
    ]))
    .unwrap();
    let signed = url.strip_prefix("https://help.example/portal/").unwrap();
    let grant = link::verify_with(SECRET, signed, threadline_server::clock::now_secs()).unwrap();
    assert_eq!((grant.org, grant.ticket.as_str()), (1, "77"));
    assert!(link::link_command(&args(&["--ttl", "9223372036854775807"])).is_err());
}
