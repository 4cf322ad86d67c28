//! The gateway in front of each of the other three dialects, over real HTTP, with a reference
//! server as the upstream (and a recorder, for what must never reach it): no credential in the
//! app's configuration or in any answer, 401 in the dialect's own error shape before anything
//! goes upstream, admitted reads and posts stored upstream with the vendor's credential, and
//! the traversal table refused on every mount.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{raw, recorder, start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::gateway::GatewayOptions;

const AGENT_KEY: &str = "agent-key-for-dialect-tests";

/// A post: its path below the mount, and its body.
type Post = (&'static str, fn() -> Value);

/// One dialect's facts for the test: its surface on the reference server, its demo
/// credential, a read, a post, and how to count the stored thread.
struct Case {
    name: &'static str,
    surface: &'static str,
    credential: &'static str,
    read: &'static str,
    /// The ticket itself (Airclou's ticket endpoints need the workspace header).
    ticket: &'static str,
    post: Post,
    /// A post in someone else's name, which the gateway refuses (if the dialect has one).
    impersonation: Option<Post>,
    /// The field of an error body the app's dialect reads.
    error_field: &'static str,
    /// The credential headers the upstream receives (with workspace `ws_test`).
    expected_headers: &'static [&'static str],
}

fn cases() -> [Case; 3] {
    [
        Case {
            name: "airclou",
            surface: "/api/airclou/helpdesk/api",
            credential: "acs_demo_acme",
            read: "messages?ticket_id=tkt_2&page=1&limit=50&sort_order=asc",
            ticket: "v1/tickets/tkt_2",
            post: (
                "messages",
                || json!({"ticket_id": "tkt_2", "type": "note", "content": "Through the Airclou gateway ✓"}),
            ),
            impersonation: Some((
                "messages",
                || json!({"ticket_id": "tkt_2", "type": "request", "content": "As the customer"}),
            )),
            error_field: "error",
            expected_headers: &[
                "authorization: Bearer acs_demo_acme",
                "x-workspace-id: ws_test",
            ],
        },
        Case {
            name: "inboxops",
            surface: "/api/inboxops/v1",
            credential: "ixk_demo_acme",
            read: "tickets/2/messages?page=1&per_page=50",
            ticket: "tickets/2?include=contact,tags,inbox",
            post: (
                "tickets/2/messages",
                || json!({"type": "internal_note", "body_text": "Through the InboxOps gateway ✓"}),
            ),
            impersonation: None,
            error_field: "detail",
            expected_headers: &["authorization: Bearer ixk_demo_acme"],
        },
        Case {
            name: "requestor",
            surface: "/api/requestor/api",
            credential: "rqk_demo_acme",
            read: "Tickets/GetTicket/2?plainTextOnly=false",
            ticket: "Tickets/GetTicket/2",
            post: (
                "Tickets/NewMessage",
                || json!({"TicketId": 2, "Message": "Through the Requestor gateway ✓", "IsPrivate": true}),
            ),
            impersonation: Some((
                "Tickets/NewMessage",
                || json!({"TicketId": 2, "Message": "As the customer", "asSubmitter": true}),
            )),
            error_field: "Message",
            expected_headers: &["x-requestor-key: rqk_demo_acme"],
        },
    ]
}

async fn gateway(case: &Case, upstream: String, workspace: Option<String>) -> TestServer {
    let (name, credential) = (case.name, case.credential);
    start_with(move |o| {
        o.gateway = Some(GatewayOptions {
            upstream_dialect: Some(name.into()),
            upstream,
            upstream_token: credential.into(),
            workspace_id: workspace,
            organization_id: "1".into(),
            agent_key: Some(AGENT_KEY.into()),
            ..GatewayOptions::default()
        });
    })
    .await
}

fn workspace_of(up: &TestServer) -> String {
    let conn = threadline_server::db::open(&up.db, false).unwrap();
    threadline_server::airclou::workspace_id(&conn, 1).unwrap()
}

/// The upstream's answer to the read, with the real credential: what was stored.
async fn upstream_read(up: &TestServer, case: &Case, workspace: &str) -> String {
    let mut request = up
        .client
        .get(format!("{}{}/{}", up.root, case.surface, case.read))
        .header("X-Workspace-Id", workspace);
    request = match case.name {
        "requestor" => request.header("X-Requestor-Key", case.credential),
        _ => request.bearer_auth(case.credential),
    };
    request.send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn each_dialect_reads_and_posts_through_its_gateway_with_no_credential_in_the_browser() {
    for case in cases() {
        let up = start_with(|o| o.rate_limit_per_minute = 0).await;
        let workspace = workspace_of(&up);
        let g = gateway(
            &case,
            format!("{}{}", up.root, case.surface),
            (case.name == "airclou").then(|| workspace.clone()),
        )
        .await;
        let mount = format!("{}/gateway/{}", g.root, case.name);

        let config: Value = g
            .client
            .get(format!("{}/config.json", g.root))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(config["dialect"], case.name);
        assert_eq!(config["api_base"], format!("/gateway/{}", case.name));
        assert!(config.get("token").is_none(), "{config}");
        assert!(!config.to_string().contains(case.credential), "{config}");
        assert!(!config.to_string().contains(&workspace), "{config}");

        // Not admitted: 401 in the dialect's shape, nothing stored.
        let before = upstream_read(&up, &case, &workspace).await;
        let resp = g
            .client
            .post(format!("{mount}/{}", case.post.0))
            .header("authorization", format!("Bearer {}", case.credential))
            .json(&(case.post.1)())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{}", case.name);
        let body: Value = resp.json().await.unwrap();
        assert!(!body[case.error_field].is_null(), "{}: {body}", case.name);
        assert_eq!(
            upstream_read(&up, &case, &workspace).await,
            before,
            "{}",
            case.name
        );

        // Admitted: the reads come back, the post is stored upstream once.
        for path in [case.ticket, case.read] {
            let read = g
                .client
                .get(format!("{mount}/{path}"))
                .bearer_auth(AGENT_KEY)
                .send()
                .await
                .unwrap();
            let status = read.status();
            let text = read.text().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{} {path}: {text}", case.name);
            assert!(!text.contains(case.credential), "{}", case.name);
        }
        let posted = g
            .client
            .post(format!("{mount}/{}", case.post.0))
            .bearer_auth(AGENT_KEY)
            .json(&(case.post.1)())
            .send()
            .await
            .unwrap();
        assert!(
            posted.status().is_success(),
            "{}: {}",
            case.name,
            posted.status()
        );
        let answer = posted.text().await.unwrap();
        assert!(!answer.contains(case.credential), "{}", case.name);
        let after = upstream_read(&up, &case, &workspace).await;
        let marker = format!(
            "Through the {} gateway",
            match case.name {
                "airclou" => "Airclou",
                "inboxops" => "InboxOps",
                _ => "Requestor",
            }
        );
        assert_eq!(after.matches(&marker).count(), 1, "{}: {after}", case.name);

        // A body that is not one JSON object (a BOM in front, say) is not passed on unread.
        let bom = g
            .client
            .post(format!("{mount}/{}", case.post.0))
            .bearer_auth(AGENT_KEY)
            .header("content-type", "application/json")
            .body(format!("\u{feff}{}", (case.post.1)()))
            .send()
            .await
            .unwrap();
        assert_eq!(bom.status(), StatusCode::BAD_REQUEST, "{}", case.name);
        if let Some((path, body)) = case.impersonation {
            let resp = g
                .client
                .post(format!("{mount}/{path}"))
                .bearer_auth(AGENT_KEY)
                .json(&body())
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{}", case.name);
            assert!(!upstream_read(&up, &case, &workspace)
                .await
                .contains("As the customer"));
        }
    }
}

/// What any mount must refuse: ways out of the API, and routes the app never uses.
const REFUSED: &[&str] = &[
    "%252e%252e/%252e%252e/config.json",
    "..%09/..%09/config.json",
    ".%0A./.%0A./config.json",
    "..%0d/..%0d/config.json",
    "%2e%2e/%2e%2e/config.json",
    "../../config.json",
    "..%2f..%2fconfig.json",
    "..%5c..%5cconfig.json",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/config.json",
    "..;/..;/config.json",
    "tickets/%2e%2e/%2e%2e/config.json",
    "tickets/2/..%2f..%2fconfig.json",
    "messages/%2e%2e/%2e%2e/config.json",
    "Tickets/GetTicket/..%2f..%2fconfig.json",
    "Tickets/GetTicket/2%3f/../../config.json",
    "v1/tickets/%252e%252e",
    "v1/workspaces",
    "users",
    "api-keys",
    "Tickets/GetTicket/2;x=1",
    "attachments/..%252f..%252fconfig.json",
    "tickets/2/messages/%0d%0aX-Injected:%201",
    "//evil.example/config.json",
    "tickets?page=1/../../config.json",
    "messages?ticket_id=2%26x%3D1",
    "tickets/2?include=../secrets",
    "Tickets/GetTicket/2?plainTextOnly=maybe",
    "v1/tickets?sort_by=password",
    "tickets/2/messages?types=everything",
    "messages?ticket_id=..",
    "messages?page=1&limit=50",
];

#[tokio::test]
async fn the_traversal_table_is_refused_on_every_mount() {
    for case in cases() {
        let up = recorder(0).await;
        let workspace = (case.name == "airclou").then(|| "ws_test".to_owned());
        let g = gateway(&case, format!("{}/api", up.root), workspace).await;
        let host = g.root.trim_start_matches("http://").to_owned();
        for path in REFUSED {
            let request = format!(
                "GET /gateway/{}/{path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {AGENT_KEY}\r\nConnection: close\r\n\r\n",
                case.name
            );
            let (status, answer) = raw(&g.root, &request).await;
            assert!(
                [400, 404, 405].contains(&status),
                "{} {path}: {status}",
                case.name
            );
            assert!(!answer.contains(case.credential), "{} {path}", case.name);
        }
        assert!(
            up.seen.lock().unwrap().is_empty(),
            "{}: {:?}",
            case.name,
            up.seen.lock().unwrap()
        );
        // The app's read does reach the recorder, with the credential the dialect documents.
        let (status, _) = raw(
            &g.root,
            &format!(
                "GET /gateway/{}/{} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {AGENT_KEY}\r\nConnection: close\r\n\r\n",
                case.name, case.read
            ),
        )
        .await;
        assert_eq!(status, 200, "{}", case.name);
        assert_eq!(up.seen.lock().unwrap().len(), 1, "{}", case.name);
        // With the credential the dialect documents, once, and never the agent's key.
        let sent = up.credentials.lock().unwrap()[0].clone();
        assert_eq!(sent, case.expected_headers, "{}", case.name);
        assert!(!sent.iter().any(|h| h.contains(AGENT_KEY)), "{}", case.name);
    }
}

#[tokio::test]
async fn options_a_dialect_needs_or_would_ignore_are_checked_at_start() {
    let start = |dialect: &str, workspace: Option<&str>, header: Option<&str>| {
        threadline_server::gateway::Upstream::new(&GatewayOptions {
            upstream_dialect: Some(dialect.into()),
            upstream: "https://helpdesk.example/api".into(),
            upstream_token: "k".into(),
            organization_id: "1".into(),
            workspace_id: workspace.map(str::to_owned),
            auth_header: header.map(str::to_owned),
            ..GatewayOptions::default()
        })
        .err()
    };
    assert!(start("airclou", None, None)
        .unwrap()
        .contains("--upstream-workspace-id"));
    assert!(start("airclou", Some("ws_1"), None).is_none());
    assert!(start("inboxops", Some("ws_1"), None).is_some());
    assert!(start("requestor", None, Some("Idempotency-Key")).is_some());
    assert!(start("requestor", None, Some("bad header")).is_some());
    assert!(start("requestor", None, Some("X-Api-Key")).is_none());
    assert!(start("zendesk", None, None)
        .unwrap()
        .contains("initdesk, airclou"));
}

/// An upstream behind a proxy that answers its own HTML error page.
async fn html_errors() -> (String, tokio::sync::oneshot::Sender<()>) {
    let app = axum::Router::new().fallback(|| async {
        axum::response::Response::builder()
            .status(503)
            .header("content-type", "text/html")
            .header("retry-after", "7")
            .body(axum::body::Body::from(
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            ))
            .unwrap()
    });
    let (root, stop) = common::serve(app).await;
    (format!("{root}/api"), stop)
}

#[tokio::test]
async fn an_upstream_error_page_reaches_the_app_in_the_dialect_s_own_shape() {
    let (upstream, _stop) = html_errors().await;
    for case in cases() {
        let workspace = (case.name == "airclou").then(|| "ws_test".to_owned());
        let g = gateway(&case, upstream.clone(), workspace).await;
        let resp = g
            .client
            .get(format!("{}/gateway/{}/{}", g.root, case.name, case.read))
            .bearer_auth(AGENT_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            case.name
        );
        assert_eq!(resp.headers()["retry-after"], "7", "{}", case.name);
        let body: Value = resp.json().await.unwrap();
        let said = match &body[case.error_field] {
            Value::Object(error) => error["message"].to_string(),
            other => other.to_string(),
        };
        assert!(said.contains("503"), "{}: {body}", case.name);
        assert!(!body.to_string().contains("<html>"), "{}", case.name);
    }
}
