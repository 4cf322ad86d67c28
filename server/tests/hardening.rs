//! Hostile input on every route, enumerated from the router with each surface's valid
//! credentials: malformed JSON, wrong types, bodies that are not JSON at all, huge page numbers.
//! Nothing may answer a 5xx, and every 400/422 is JSON (each surface's documented shape).
//! Downloads are inert attachments however the file was named or typed; uploads are limited
//! by the configured size, not by a framework default.

#![cfg(feature = "fault-switch")] // the portal link for the test comes from the test routes
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use threadline_server::{Options, Server};

mod common;

const PUBLIC: [&str; 3] = ["/", "/{*__private__axum_fallback}", "/config.json"];

/// Bodies no route may answer with a 5xx.
fn hostile_bodies() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        "{",
        "[]",
        "\"text\"",
        "null",
        "{\"content\": 5, \"is_visible_to_customer\": \"yes\", \"next_action\": [1]}",
        "{\"content\": \"x\", \"is_visible_to_customer\": true, \"attachment_ids\": [\"../../etc/passwd\", -1, 1e308]}",
        "{\"ticketId\": {\"$gt\": \"\"}, \"content\": null, \"ccs\": \"a@b\"}",
        "{\"TicketId\": 99999999999999999999, \"Message\": true}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    bodies.push(vec![0xff, 0xfe, 0x00, b'{']);
    bodies.push("[".repeat(5_000).into_bytes());
    bodies
}

/// The credentials of the surface a path belongs to.
fn credentials(path: &str) -> Vec<(&'static str, &'static str)> {
    if path.starts_with("/api/initdesk/") || path.starts_with("/threadline-api/") {
        vec![("X-Initdesk-Token", "demo-token-acme")]
    } else if path.starts_with("/api/airclou/") {
        vec![
            ("Authorization", "Bearer acs_demo_acme"),
            ("X-Workspace-Id", "ws_acme"),
        ]
    } else if path.starts_with("/api/inboxops/") {
        vec![("Authorization", "Bearer ixk_demo_acme")]
    } else if path.starts_with("/api/requestor/") {
        vec![("X-Requestor-Key", "rqk_demo_acme")]
    } else {
        Vec::new()
    }
}

fn concrete(pattern: &str, link: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{link}" => link.to_owned(),
            s if s.starts_with("{*") => "x".to_owned(),
            s if s.starts_with('{') => "1".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok()
}

#[tokio::test]
async fn hostile_bodies_and_pages_never_get_a_5xx_and_every_refusal_is_json() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        db: dir.path().join("hardening.sqlite3"),
        port: 0,
        rate_limit_per_minute: 0,
        fault_switch: true,
        ..Options::default()
    };
    let server = Server::bind(&options).await.unwrap();
    let paths = server.route_paths();
    let root = format!("http://{}", server.local_addr().unwrap());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let link: Value = client
        .get(format!("{root}/__test/portal-link/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = link["link"].as_str().unwrap().to_owned();
    assert!(paths.iter().any(|p| p.contains("{link}")), "{paths:?}");

    let mut checked = 0;
    let mut parsed_and_refused = 0;
    for pattern in paths
        .iter()
        .filter(|p| !PUBLIC.contains(&p.as_str()) && !p.starts_with("/__test/"))
    {
        let url = format!("{root}{}", concrete(pattern, &link));
        let with_credentials = |method: Method, url: &str| {
            let mut r = client.request(method, url);
            for (name, value) in credentials(pattern) {
                r = r.header(name, value);
            }
            r
        };
        for method in [Method::POST, Method::PUT, Method::PATCH] {
            for body in hostile_bodies() {
                let response = with_credentials(method.clone(), &url)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", format!("hardening-{checked}"))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let bytes = response.bytes().await.unwrap();
                let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
                assert!(
                    !status.is_server_error(),
                    "{method} {pattern} with {shown:?} answered {status}: {}",
                    String::from_utf8_lossy(&bytes)
                );
                if matches!(status.as_u16(), 400 | 422) {
                    assert!(
                        is_json(&bytes),
                        "{method} {pattern} {status} is not JSON: {bytes:?}"
                    );
                    parsed_and_refused += 1;
                }
                checked += 1;
            }
        }
        for query in [
            "page=99999999999999999999",
            "page=9223372036854775807&page_size=100",
            "page=1000001&limit=100&per_page=100",
            "page=-1&limit=-5",
            "page=0",
        ] {
            let response = with_credentials(Method::GET, &format!("{url}?{query}"))
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert!(
                !status.is_server_error(),
                "GET {pattern}?{query} answered {status}: {}",
                response.text().await.unwrap_or_default()
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
    // The message routes of all five surfaces read the bodies and refused them in their shape.
    assert!(parsed_and_refused > 40, "{parsed_and_refused}");
}

/// Uploads `bytes` as the multipart part `file`; answers the JSON reply.
async fn upload(
    s: &common::TestServer,
    url: &str,
    auth: (&str, &str),
    (bytes, name, mime): (&[u8], &str, &str),
) -> Value {
    let part = Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap();
    let response = s
        .client
        .post(url)
        .header(auth.0, auth.1)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{url}");
    response.json().await.unwrap()
}

/// Downloads `url` and checks it is an inert attachment; answers its headers.
async fn download(s: &common::TestServer, url: &str, auth: (&str, &str)) -> HeaderMap {
    let response = s
        .client
        .get(common::absolute(&s.root, url))
        .header(auth.0, auth.1)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    let headers = response.headers().clone();
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment"),
        "{url}: {disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{url}: {csp}"
    );
    headers
}

#[tokio::test]
async fn an_html_or_svg_upload_downloads_as_an_inert_attachment_on_every_surface() {
    let s = common::start_with(|o| o.rate_limit_per_minute = 0).await;
    let initdesk = ("X-Initdesk-Token", "demo-token-acme");
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let evil = "..\\../inv\u{202E}lmth.\"x\".svg";
    let url = format!("{}/api/initdesk/organizations/1/attachments/", s.root);
    let uploaded = upload(&s, &url, initdesk, (svg, evil, "image/svg+xml")).await;
    let name = uploaded["name"].as_str().unwrap();
    assert!(!name.contains(['/', '\\', '"', '\u{202E}']), "{name}");
    let headers = download(&s, uploaded["download_url"].as_str().unwrap(), initdesk).await;
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert_eq!(disposition.matches('"').count(), 2, "{disposition}");

    let airclou = ("Authorization", "Bearer acs_demo_acme");
    let api = format!("{}/api/airclou/helpdesk/api", s.root);
    let page = b"<html><script>alert(1)</script></html>";
    let uploaded = upload(
        &s,
        &format!("{api}/attachments"),
        airclou,
        (page, "page.html", "text/html"),
    )
    .await;
    let token = uploaded["token"].as_str().unwrap();
    download(&s, &format!("{api}/attachments/{token}"), airclou).await;
}

#[tokio::test]
async fn uploads_are_limited_by_the_configured_size_on_every_surface_and_say_so() {
    let s = common::start_with(|o| {
        o.rate_limit_per_minute = 0;
        o.max_upload_bytes = 3_000_000;
    })
    .await;
    let post = |url: String, auth: (&'static str, &'static str), size: usize| {
        let form = Form::new().part("file", Part::bytes(vec![b'x'; size]).file_name("big.bin"));
        s.client
            .post(url)
            .header(auth.0, auth.1)
            .multipart(form)
            .send()
    };
    let initdesk = format!("{}/api/initdesk/organizations/1/attachments/", s.root);
    let airclou = format!("{}/api/airclou/helpdesk/api/attachments", s.root);
    let initdesk_auth = ("X-Initdesk-Token", "demo-token-acme");
    let airclou_auth = ("Authorization", "Bearer acs_demo_acme");
    // Past axum's 2 MB default, within ours.
    for (url, auth) in [(&initdesk, initdesk_auth), (&airclou, airclou_auth)] {
        let r = post(url.clone(), auth, 2_500_000).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{url}");
        // Over ours: a 413 that says so, as JSON.
        let r = post(url.clone(), auth, 3_200_000).await.unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{url}");
        let body: Value = r.json().await.unwrap();
        assert!(body.to_string().contains("too large"), "{body}");
    }
    // Not multipart at all: a 400 in the surface's shape, not a framework's text.
    let r = s
        .client
        .post(&initdesk)
        .header(initdesk_auth.0, initdesk_auth.1)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["file"][0]
            .as_str()
            .unwrap()
            .contains("multipart/form-data"),
        "{body}"
    );
}
