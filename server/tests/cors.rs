//! Cross-origin embedding over real HTTP: an allowed origin gets CORS on the app's files,
//! `config.json`, the API and the gateway, and its preflights answered; any other origin gets
//! no CORS header, a refused preflight and a refused write.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::{Method, StatusCode};
use threadline_server::gateway::GatewayOptions;

const PORTAL: &str = "http://localhost:19050";
const STRANGER: &str = "http://localhost:19051";
const AGENT_KEY: &str = "agent-key-for-tests";

/// A demo server with a small built app beside it, embeddable from [`PORTAL`].
async fn server() -> (TestServer, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("public")).unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>t</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("public/embed.js"), "export {};").unwrap();
    let path = dist.path().to_owned();
    let server = start_with(move |o| {
        o.dist = Some(path);
        o.allowed_origins = vec![PORTAL.into()];
    })
    .await;
    (server, dist)
}

fn allow_origin(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
}

async fn preflight(s: &TestServer, path: &str, origin: &str) -> reqwest::Response {
    s.client
        .request(Method::OPTIONS, format!("{}{path}", s.root))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, x-initdesk-token, idempotency-key",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_app_and_its_configuration_load_from_an_allowed_origin_only() {
    let (s, _dist) = server().await;
    for path in ["/public/embed.js", "/config.json"] {
        let allowed = s
            .client
            .get(format!("{}{path}", s.root))
            .header("origin", PORTAL)
            .send()
            .await
            .unwrap();
        assert_eq!(allowed.status(), StatusCode::OK, "{path}");
        assert_eq!(allow_origin(&allowed), Some(PORTAL), "{path}");
        let vary = allowed.headers().get_all("vary");
        assert!(vary.iter().any(|v| v.to_str().unwrap().contains("Origin")));
        assert!(allowed
            .headers()
            .get("access-control-allow-credentials")
            .is_none());
        let stranger = s
            .client
            .get(format!("{}{path}", s.root))
            .header("origin", STRANGER)
            .send()
            .await
            .unwrap();
        assert_eq!(allow_origin(&stranger), None, "{path}");
        // Every answer says it depends on the origin, so no cache hands one origin's to another.
        let plain = s
            .client
            .get(format!("{}{path}", s.root))
            .send()
            .await
            .unwrap();
        for response in [&stranger, &plain] {
            let vary = response.headers().get_all("vary");
            assert!(
                vary.iter().any(|v| v.to_str().unwrap().contains("Origin")),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn preflights_are_answered_for_the_allowed_origin_and_refused_for_others() {
    let (s, _dist) = server().await;
    let path = "/api/initdesk/organizations/1/tickets/1/messages/";
    let answered = preflight(&s, path, PORTAL).await;
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    assert_eq!(allow_origin(&answered), Some(PORTAL));
    let header = |name: &str| {
        answered
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert!(header("access-control-allow-methods").contains("post"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    for name in ["content-type", "x-initdesk-token", "idempotency-key"] {
        assert!(
            header("access-control-allow-headers").contains(name),
            "{name}"
        );
    }
    let refused = preflight(&s, path, STRANGER).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(allow_origin(&refused), None);
    // A header list that is not header names is not granted.
    let odd = s
        .client
        .request(Method::OPTIONS, format!("{}{path}", s.root))
        .header("origin", PORTAL)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "cookie")
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn writes_from_the_allowed_origin_go_through_and_say_why_when_refused() {
    let (s, _dist) = server().await;
    let url = format!(
        "{}/api/initdesk/organizations/1/tickets/1/messages/",
        s.root
    );
    let post = |origin: &'static str, token: &'static str| {
        s.client
            .post(&url)
            .header("origin", origin)
            .header("x-initdesk-token", token)
            .json(&serde_json::json!({ "content": "From the portal", "is_visible_to_customer": false }))
            .send()
    };
    let stored = post(PORTAL, "demo-token-acme").await.unwrap();
    assert_eq!(stored.status(), StatusCode::CREATED);
    assert_eq!(allow_origin(&stored), Some(PORTAL));
    // The portal's page can read an error too (here a wrong token), and when to try again.
    let unauthorised = post(PORTAL, "wrong").await.unwrap();
    assert_eq!(unauthorised.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(allow_origin(&unauthorised), Some(PORTAL));
    assert!(unauthorised
        .headers()
        .get("access-control-expose-headers")
        .is_some_and(|v| v.to_str().unwrap().contains("Retry-After")));
    let foreign = post(STRANGER, "demo-token-acme").await.unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(allow_origin(&foreign), None);
}

#[tokio::test]
async fn the_gateway_is_reachable_from_the_allowed_origin_and_frameable_by_it() {
    let upstream = start_with(|o| o.rate_limit_per_minute = 0).await;
    let root = format!("{}/api/initdesk", upstream.root);
    let (_, dist) = server().await;
    let path = dist.path().to_owned();
    let gateway = start_with(move |o| {
        o.dist = Some(path);
        o.allowed_origins = vec![PORTAL.into()];
        o.gateway = Some(GatewayOptions {
            upstream: root,
            upstream_token: "demo-token-acme".into(),
            organization_id: "1".into(),
            agent_key: Some(AGENT_KEY.into()),
            trusted_header: Some("x-portal-user".into()),
            ..GatewayOptions::default()
        });
    })
    .await;
    let path = "/gateway/initdesk/organizations/1/tickets/1/messages/";
    assert_eq!(
        preflight(&gateway, path, PORTAL).await.status(),
        StatusCode::NO_CONTENT
    );
    // The header the portal's proxy vouches with is never granted to a page.
    let vouching = gateway
        .client
        .request(Method::OPTIONS, format!("{}{path}", gateway.root))
        .header("origin", PORTAL)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "X-Portal-User")
        .send()
        .await
        .unwrap();
    assert_eq!(vouching.status(), StatusCode::BAD_REQUEST);
    assert_eq!(allow_origin(&vouching), None);
    let read = gateway
        .client
        .get(format!("{}{path}", gateway.root))
        .header("origin", PORTAL)
        .bearer_auth(AGENT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(allow_origin(&read), Some(PORTAL));
    // The app's page may be framed by the portal (the iframe mode), and by no one else.
    let page = gateway
        .client
        .get(format!("{}/", gateway.root))
        .send()
        .await
        .unwrap();
    let policy = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        policy.contains(&format!("frame-ancestors 'self' {PORTAL}")),
        "{policy}"
    );
    assert!(!policy.contains(STRANGER));
}
