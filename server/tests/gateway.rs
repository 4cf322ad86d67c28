//! Gateway mode end to end over real HTTP: a second reference server is the upstream; the
//! gateway admits agents by key or trusted header only, adds the organisation's token, points
//! links at itself, and its `config.json` holds no token.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::gateway::GatewayOptions;

const ORG_TOKEN: &str = "demo-token-acme";
const AGENT_KEY: &str = "agent-key-for-tests";

async fn pair() -> (TestServer, TestServer) {
    let upstream = start_with(|o| o.rate_limit_per_minute = 0).await;
    let root = format!("{}/api/initdesk", upstream.root);
    let gateway = start_with(move |o| {
        o.gateway = Some(GatewayOptions {
            upstream: root,
            upstream_token: ORG_TOKEN.into(),
            organization_id: "1".into(),
            agent_key: Some(AGENT_KEY.into()),
            trusted_header: Some("x-portal-user".into()),
            ..GatewayOptions::default()
        });
    })
    .await;
    (upstream, gateway)
}

fn gw(s: &TestServer, path: &str) -> String {
    format!("{}/gateway/initdesk/{path}", s.root)
}

#[tokio::test]
async fn only_admitted_agents_get_through_and_the_token_is_added_on_the_way() {
    let (up, g) = pair().await;
    let before = common::stored_thread(&up, 2).await.len();
    // No key, a wrong key, the organisation's own token: refused before anything goes upstream.
    for (name, value) in [
        ("x-nothing", "1"),
        ("authorization", "Bearer wrong"),
        ("x-initdesk-token", ORG_TOKEN),
    ] {
        let resp = g
            .client
            .post(gw(&g, "organizations/1/tickets/2/messages/"))
            .header(name, value)
            .json(&json!({"content": "sneaky", "is_visible_to_customer": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    assert_eq!(common::stored_thread(&up, 2).await.len(), before);
    // With the agent key: the reply is stored upstream, once for one idempotency key.
    for _ in 0..2 {
        let resp = g
            .client
            .post(gw(&g, "organizations/1/tickets/2/messages/"))
            .bearer_auth(AGENT_KEY)
            .header("Idempotency-Key", "gw-1")
            .json(&json!({"content": "Through the gateway ✓", "is_visible_to_customer": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let after = common::stored_thread(&up, 2).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap()["content"], "Through the gateway ✓");
    // The portal's proxy header admits too.
    let resp = g
        .client
        .get(gw(&g, "organizations/1/tickets/2/"))
        .header("x-portal-user", "alice@acme.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn links_point_at_the_gateway_and_files_come_through_it() {
    let (_up, g) = pair().await;
    let resp = g
        .client
        .get(gw(&g, "organizations/1/tickets/2/messages/?page_size=1"))
        .bearer_auth(AGENT_KEY)
        .send()
        .await
        .unwrap();
    let page: Value = resp.json().await.unwrap();
    let next = page["next"].as_str().unwrap();
    assert!(
        next.starts_with("/gateway/initdesk/organizations/1/"),
        "{next}"
    );
    // Upload through the gateway, then download by the link it answered with.
    let part = reqwest::multipart::Part::bytes(b"gateway file".to_vec()).file_name("g.txt");
    let uploaded: Value = g
        .client
        .post(gw(&g, "organizations/1/attachments/"))
        .bearer_auth(AGENT_KEY)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = uploaded["download_url"].as_str().unwrap();
    assert!(url.starts_with("/gateway/initdesk/"), "{url}");
    let file = g
        .client
        .get(format!("{}{url}", g.root))
        .bearer_auth(AGENT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    // Still an inert attachment after the trip through the gateway.
    let headers = file.headers();
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"gateway file");
    // A file past axum's 2 MB default goes through (the upstream's limit is the one that counts).
    let part = reqwest::multipart::Part::bytes(vec![b'g'; 2_500_000]).file_name("big.txt");
    let big = g
        .client
        .post(gw(&g, "organizations/1/attachments/"))
        .bearer_auth(AGENT_KEY)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_gateway_serves_no_token_and_none_of_its_own_store() {
    let (_up, g) = pair().await;
    let config: Value = g
        .client
        .get(format!("{}/config.json", g.root))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["api_base"], "/gateway/initdesk");
    assert!(config.get("token").is_none(), "{config}");
    assert!(!config.to_string().contains(ORG_TOKEN));
    for path in [
        "/api/initdesk/organizations/1/tickets/",
        "/api/airclou/helpdesk/api/messages?ticket_id=tkt_2",
    ] {
        let resp = g
            .client
            .get(format!("{}{path}", g.root))
            .header("X-Initdesk-Token", ORG_TOKEN)
            .bearer_auth("acs_demo_acme")
            .send()
            .await
            .unwrap();
        assert_ne!(resp.status(), StatusCode::OK, "{path}");
    }
}
