//! Signed agent sessions at the gateway, over real HTTP, with a recorder as the upstream so
//! each test says exactly what reached it: a valid session passes with the organisation's
//! token added (never the session); a forged, expired, other-organisation or junk session is
//! refused with 401 before anything goes upstream, and an expired one says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{recorder, start_with, Recorder, TestServer};
use reqwest::StatusCode;
use threadline_server::clock::now_secs;
use threadline_server::gateway::session::{issue, Agent};
use threadline_server::gateway::GatewayOptions;

const ORG_TOKEN: &str = "upstream-org-token-77a";
const SECRET: &[u8] = b"embed-secret-for-tests-0123456789abcdef";

async fn gateway() -> (Recorder, TestServer) {
    let up = recorder(0).await;
    let upstream = format!("{}/api", up.root);
    let g = start_with(move |o| {
        o.gateway = Some(GatewayOptions {
            upstream,
            upstream_token: ORG_TOKEN.into(),
            organization_id: "1".into(),
            embed_secret: Some(SECRET.to_vec()),
            ..GatewayOptions::default()
        });
    })
    .await;
    (up, g)
}

fn priya() -> Agent {
    Agent {
        email: "priya@acme.example".into(),
        name: "Priya Shah".into(),
    }
}

async fn post(g: &TestServer, bearer: &str) -> reqwest::Response {
    g.client
        .post(format!(
            "{}/gateway/initdesk/organizations/1/tickets/2/messages/",
            g.root
        ))
        .bearer_auth(bearer)
        .json(&serde_json::json!({"content": "hello", "is_visible_to_customer": false}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bad_session_is_refused_before_anything_goes_upstream() {
    let (up, g) = gateway().await;
    let now = now_secs();
    let good = issue(SECRET, "1", &priya(), now + 600).unwrap();
    let (claims, tag) = good.split_once('.').unwrap();
    let other_key = issue(
        b"a different secret, just as long as ours",
        "1",
        &priya(),
        now + 600,
    );
    let flipped = if tag.starts_with('A') { 'B' } else { 'A' };
    let cases = [
        ("forged", format!("{claims}.{flipped}{}", &tag[1..])),
        ("other key", other_key.unwrap()),
        ("expired", issue(SECRET, "1", &priya(), now - 1).unwrap()),
        (
            "other organisation",
            issue(SECRET, "2", &priya(), now + 600).unwrap(),
        ),
        (
            "a day long",
            issue(SECRET, "1", &priya(), now + 86_400).unwrap(),
        ),
        ("junk", "not-a-session".to_owned()),
        ("the upstream's token", ORG_TOKEN.to_owned()),
    ];
    for (what, token) in &cases {
        let resp = post(&g, token).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{what}");
        let challenge = resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            challenge.contains("expired"),
            *what == "expired",
            "{what}: {challenge}"
        );
        let body = resp.text().await.unwrap();
        assert!(!body.contains(ORG_TOKEN), "{what}: {body}");
    }
    assert!(
        up.seen.lock().unwrap().is_empty(),
        "{:?}",
        up.seen.lock().unwrap()
    );
    // A valid one passes, with the organisation's token and never the session upstream.
    let resp = post(&g, &good).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    let seen = up.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let sent = up.credentials.lock().unwrap()[0].join("\n");
    assert!(sent.contains(ORG_TOKEN), "{sent}");
    assert!(!sent.contains(claims), "{sent}");
}

/// A helpdesk that refuses the organisation's own token is not the agent's session running
/// out: the page must not be sent to sign in again (and again).
#[tokio::test]
async fn the_helpdesks_refusal_of_the_organisations_token_is_not_a_session_expiry() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let upstream = format!("{}/api/initdesk", up.root);
    let g = start_with(move |o| {
        o.gateway = Some(GatewayOptions {
            upstream,
            upstream_token: "a-revoked-organisation-token".into(),
            organization_id: "1".into(),
            embed_secret: Some(SECRET.to_vec()),
            ..GatewayOptions::default()
        });
    })
    .await;
    let session = issue(SECRET, "1", &priya(), now_secs() + 600).unwrap();
    let resp = post(&g, &session).await;
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert!(resp.headers().get("www-authenticate").is_none());
    assert!(resp.text().await.unwrap().contains("credential"));
}
