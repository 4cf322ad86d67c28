//! Every route the server has, enumerated from its router, refuses a request without a
//! credential and one with a wrong credential (for every scheme the surfaces use), with a 4xx
//! and never a 2xx or a 5xx. A route added later is covered without touching this test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use reqwest::StatusCode;
use threadline_server::{Options, Server};

/// Routes that are public on purpose: the app's files, and its configuration (token-free behind
/// a gateway and for customer links; the demo server's carries its demo token by design).
const PUBLIC: [&str; 3] = ["/", "/{*__private__axum_fallback}", "/config.json"];

/// A concrete URL path for a route pattern.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            s if s.starts_with("{*") => "x".to_owned(),
            "{org}" | "{organization_id}" => "1".to_owned(),
            s if s.starts_with('{') => "2".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_refuses_missing_and_wrong_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        db: dir.path().join("routes.sqlite3"),
        port: 0,
        rate_limit_per_minute: 0,
        ..Options::default()
    };
    let server = Server::bind(&options).await.unwrap();
    let paths = server.route_paths();
    let root = format!("http://{}", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    // The enumeration sees every surface.
    for prefix in [
        "/api/initdesk/",
        "/api/airclou/",
        "/api/inboxops/",
        "/api/requestor/",
        "/portal-api/",
        "/threadline-api/",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(prefix)),
            "{prefix} missing from {paths:?}"
        );
    }
    assert!(paths.len() > 20, "{paths:?}");
    // The live routes are among them: a stream or a beat without a credential is refused too.
    for live in [
        "/threadline-api/events",
        "/threadline-api/presence/{ticket}",
    ] {
        assert!(
            paths.iter().any(|p| p == live),
            "{live} missing from {paths:?}"
        );
    }
    let client = reqwest::Client::new();
    let mut checked = 0;
    for pattern in paths.iter().filter(|p| !PUBLIC.contains(&p.as_str())) {
        let url = format!("{root}{}", concrete(pattern));
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let bare = client.request(method.clone(), &url);
            let wrong = client
                .request(method.clone(), &url)
                .header("X-Initdesk-Token", "wrong")
                .header("Authorization", "Bearer wrong")
                .header("X-Requestor-Key", "wrong")
                .header("X-Workspace-Id", "ws_acme")
                .header("Content-Type", "application/json")
                .body(r#"{"content": "x", "is_visible_to_customer": true}"#);
            for (what, request) in [("no credential", bare), ("a wrong credential", wrong)] {
                let status = request.send().await.unwrap().status();
                assert!(
                    status.is_client_error(),
                    "{method} {pattern} with {what} answered {status}"
                );
                assert_ne!(status, StatusCode::OK);
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked}");
    let _ = stop.send(());
}
