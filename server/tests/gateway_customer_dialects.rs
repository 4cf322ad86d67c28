//! The customer's view through a gateway in front of Airclou, InboxOps and Requestor, over
//! real HTTP with a reference server as the upstream: the link reads only what the customer
//! may see (checked against what is stored), files only through the gateway's tags, and a
//! reply is stored upstream once in the customer's name where the vendor takes one; InboxOps,
//! which takes none, is read-only and says so. An upstream that stores the reply as someone
//! else's is caught, and no further reply goes out through it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use threadline_server::gateway::GatewayOptions;
use threadline_server::portal::link;

const SECRET: &[u8] = b"a shared link secret of 32+ chars, for tests";

struct Case {
    name: &'static str,
    surface: &'static str,
    credential: &'static str,
    /// Ticket 2 of the demo (notes, system events, agent replies), by this vendor's id.
    ticket: &'static str,
    can_reply: bool,
}

const CASES: [Case; 3] = [
    Case {
        name: "airclou",
        surface: "/api/airclou/helpdesk/api",
        credential: "acs_demo_acme",
        ticket: "tkt_2",
        can_reply: true,
    },
    Case {
        name: "inboxops",
        surface: "/api/inboxops/v1",
        credential: "ixk_demo_acme",
        ticket: "2",
        can_reply: false,
    },
    Case {
        name: "requestor",
        surface: "/api/requestor/api",
        credential: "rqk_demo_acme",
        ticket: "2",
        can_reply: true,
    },
];

fn workspace_of(up: &TestServer) -> String {
    let conn = threadline_server::db::open(&up.db, false).unwrap();
    threadline_server::airclou::workspace_id(&conn, 1).unwrap()
}

async fn gateway(case: &Case, upstream: String, workspace: Option<String>) -> TestServer {
    let (name, credential) = (case.name, case.credential);
    start_with(move |o| {
        o.link_secret = Some(SECRET.to_vec());
        o.gateway = Some(GatewayOptions {
            upstream_dialect: Some(name.into()),
            upstream,
            upstream_token: credential.into(),
            workspace_id: workspace,
            organization_id: "1".into(),
            agent_key: Some("agent-key".into()),
            ..GatewayOptions::default()
        });
    })
    .await
}

fn customer_link(ticket: &str) -> String {
    link::issue_with(
        SECRET,
        1,
        ticket,
        threadline_server::clock::now_secs() + 600,
    )
    .unwrap()
}

async fn get_json(s: &TestServer, path: &str) -> (StatusCode, Value) {
    let resp = s
        .client
        .get(format!("{}{path}", s.root))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn reply(s: &TestServer, link: &str, key: &str, text: &str) -> (StatusCode, Value) {
    let resp = s
        .client
        .post(format!("{}/portal-api/{link}/messages", s.root))
        .header("Idempotency-Key", key)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Stored messages of demo ticket 2 whose text contains `needle`, as `(role, visible)`.
async fn stored_with(up: &TestServer, needle: &str) -> Vec<(String, bool)> {
    common::stored_thread(up, 2)
        .await
        .iter()
        .filter(|m| m["content"].as_str().unwrap_or_default().contains(needle))
        .map(|m| {
            (
                m["role"].as_str().unwrap_or_default().to_owned(),
                m["is_visible_to_customer"] == true,
            )
        })
        .collect()
}

/// The start of every stored message of ticket 2 the customer may not see.
async fn hidden_texts(up: &TestServer) -> Vec<String> {
    common::stored_thread(up, 2)
        .await
        .iter()
        .filter(|m| m["is_visible_to_customer"] == false || m["role"] == "system")
        .filter_map(|m| m["content"].as_str())
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.chars().take(40).collect())
        .collect()
}

#[tokio::test]
async fn each_dialect_s_customer_link_reads_only_what_they_may_see_and_replies_once_where_allowed()
{
    for case in CASES {
        let up = start_with(|o| o.rate_limit_per_minute = 0).await;
        let workspace = workspace_of(&up);
        let g = gateway(
            &case,
            format!("{}{}", up.root, case.surface),
            (case.name == "airclou").then(|| workspace.clone()),
        )
        .await;
        let link = customer_link(case.ticket);
        let name = case.name;

        let (status, config) = get_json(&g, &format!("/portal-api/{link}/config.json")).await;
        assert_eq!(status, StatusCode::OK, "{name}: {config}");
        assert_eq!(config["dialect"], "portal", "{name}");
        assert_eq!(config["can_reply"], case.can_reply, "{name}");
        assert!(!config.to_string().contains(case.credential), "{name}");

        if case.name == "airclou" {
            airclou_files(&up, &workspace).await;
        }
        let hidden = hidden_texts(&up).await;
        assert!(!hidden.is_empty(), "{name}: ticket 2 has notes");
        let (status, page) = get_json(&g, &format!("/portal-api/{link}?page=1&page_size=50")).await;
        assert_eq!(status, StatusCode::OK, "{name}: {page}");
        let text = page.to_string();
        for h in &hidden {
            assert!(
                !text.contains(h.as_str()),
                "{name}: {h:?} reached the customer"
            );
        }
        assert!(
            !text.contains(case.credential) && !text.contains(&workspace),
            "{name}"
        );
        let messages = page["messages"].as_array().unwrap();
        assert!(messages.len() >= 2, "{name}: {page}");
        assert!(messages.iter().any(|m| m["role"] == "customer"), "{name}");
        assert!(messages.iter().any(|m| m["role"] == "agent"), "{name}");
        for m in messages {
            if m["role"] == "agent" {
                assert_eq!(m["author"]["email"], "", "{name}: an agent by name only");
            }
            assert!(!m["author"]["name"].as_str().unwrap().is_empty(), "{name}");
        }
        assert!(
            !page["ticket"]["subject"].as_str().unwrap().is_empty(),
            "{name}"
        );
        assert_eq!(
            page["ticket"]["requester"]["name"], "Kenji Tanaka",
            "{name}"
        );

        // Files only through the gateway's tags.
        let files: Vec<&Value> = messages
            .iter()
            .flat_map(|m| m["attachments"].as_array().unwrap())
            .collect();
        if case.name == "airclou" {
            let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert_eq!(
                names,
                ["for-the-customer.txt"],
                "{name}: not the note's file"
            );
        }
        for file in files {
            let url = file["download_url"].as_str().unwrap();
            let resp = g
                .client
                .get(format!("{}{url}", g.root))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{name} {url}");
            let disposition = resp.headers()["content-disposition"].to_str().unwrap();
            assert!(disposition.starts_with("attachment"), "{name}");
            let forged = format!("{}{}x", g.root, url.trim_end_matches(|c| c != '.'));
            let resp = g.client.get(forged).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{name}");
        }

        let text = format!("Thanks, through the {name} gateway");
        let (status, answer) = reply(&g, &link, "reply-1", &text).await;
        if case.can_reply {
            assert_eq!(status, StatusCode::CREATED, "{name}: {answer}");
            assert_eq!(answer["role"], "customer", "{name}: {answer}");
            // The same key again (an answer lost on the way): the same message, not a second.
            let (again, repeat) = reply(&g, &link, "reply-1", &text).await;
            assert_eq!(again, StatusCode::CREATED, "{name}");
            assert_eq!(repeat["id"], answer["id"], "{name}");
            assert_eq!(
                stored_with(&up, &text).await,
                [("customer".to_owned(), true)],
                "{name}: stored once, as the customer's"
            );
            let (_, page) = get_json(&g, &format!("/portal-api/{link}?page=1&page_size=50")).await;
            assert!(page.to_string().contains(&text), "{name}");
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {answer}");
            assert!(
                answer["detail"].as_str().unwrap().contains("email"),
                "{name}"
            );
            assert!(stored_with(&up, &text).await.is_empty(), "{name}");
        }

        // Another organisation's link, or a ticket this vendor has no such id for.
        let other = link::issue_with(SECRET, 2, case.ticket, i64::MAX - 1).unwrap();
        assert_eq!(
            get_json(&g, &format!("/portal-api/{other}")).await.0,
            StatusCode::FORBIDDEN,
            "{name}"
        );
        let missing = customer_link("tkt_999");
        assert_eq!(
            get_json(&g, &format!("/portal-api/{missing}")).await.0,
            StatusCode::NOT_FOUND,
            "{name}"
        );
    }
}

/// An Airclou reply with a file, and a note with another, on ticket 2.
async fn airclou_files(up: &TestServer, workspace: &str) {
    let api = format!("{}/api/airclou/helpdesk/api", up.root);
    for (name, kind) in [
        ("for-the-customer.txt", "response"),
        ("agents-only.txt", "note"),
    ] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"file body".to_vec()).file_name(name),
        );
        let uploaded: Value = up
            .client
            .post(format!("{api}/attachments"))
            .bearer_auth("acs_demo_acme")
            .header("X-Workspace-Id", workspace)
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let posted = up
            .client
            .post(format!("{api}/messages"))
            .bearer_auth("acs_demo_acme")
            .json(&json!({
                "ticket_id": "tkt_2", "type": kind, "content": format!("<p>{kind} with a file</p>"),
                "attachments": [{"token": uploaded["token"], "name": name}],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), StatusCode::CREATED);
    }
}

/// How a Requestor in front of the reference server misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    /// It ignores `AsSubmitter`, as one that does not know our field would.
    ForgetsWhose,
    /// It stores the first post, and the answer is lost on the way back.
    LosesFirstAnswer,
    /// The first read after the first post fails.
    FailsReadAfterPost,
}

/// The reference server's Requestor behind a proxy with `fault`.
async fn faulty_requestor(
    up: &TestServer,
    fault: Fault,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let target = format!("{}/api/requestor/api", up.root);
    let client = reqwest::Client::new();
    // Posts seen, and reads failed.
    let posts = std::sync::Arc::new(AtomicUsize::new(0));
    let failed_reads = std::sync::Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let (target, client) = (target.clone(), client.clone());
        let (posts, failed_reads) = (posts.clone(), failed_reads.clone());
        async move {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
            let is_post = parts.method == axum::http::Method::POST;
            let unavailable = || {
                axum::response::Response::builder()
                    .status(502)
                    .body(axum::body::Body::from("lost"))
                    .unwrap()
            };
            if !is_post
                && fault == Fault::FailsReadAfterPost
                && posts.load(Ordering::SeqCst) > 0
                && failed_reads.fetch_add(1, Ordering::SeqCst) == 0
            {
                return unavailable();
            }
            let mut forwarded = client
                .request(parts.method.clone(), format!("{target}{}", parts.uri))
                .header("x-requestor-key", parts.headers["x-requestor-key"].clone());
            if is_post {
                let mut post: Value = serde_json::from_slice(&bytes).unwrap();
                if fault == Fault::ForgetsWhose {
                    post.as_object_mut().unwrap().remove("AsSubmitter");
                }
                forwarded = forwarded.json(&post);
            }
            let answer = forwarded.send().await.unwrap();
            let status = answer.status().as_u16();
            let body = answer.bytes().await.unwrap();
            if is_post
                && posts.fetch_add(1, Ordering::SeqCst) == 0
                && fault == Fault::LosesFirstAnswer
            {
                return unavailable();
            }
            axum::response::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap()
        }
    });
    common::serve(app).await
}

#[tokio::test]
async fn a_requestor_reply_whose_answer_is_lost_is_stored_once() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let (proxy, _stop) = faulty_requestor(&up, Fault::LosesFirstAnswer).await;
    let g = gateway(&CASES[2], proxy, None).await;
    let link = customer_link("2");
    let text = "Sent once although its answer was lost";
    let (status, _) = reply(&g, &link, "lost-1", text).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(
        stored_with(&up, text).await.len(),
        1,
        "the first post went through"
    );
    // Sent again at once: the first attempt's outcome is unknown, so it waits.
    let (status, _) = reply(&g, &link, "lost-1", text).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // Later (the claim aged past any attempt): found upstream, not posted again.
    let conn = threadline_server::db::open_store(&g.db).unwrap();
    conn.execute(
        "UPDATE portal_replies SET claimed_at = claimed_at - 301",
        [],
    )
    .unwrap();
    let (status, answer) = reply(&g, &link, "lost-1", text).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["role"], "customer");
    assert_eq!(
        stored_with(&up, text).await,
        [("customer".to_owned(), true)]
    );
}

#[tokio::test]
async fn a_requestor_reply_whose_check_failed_is_checked_again_not_posted_again() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let (proxy, _stop) = faulty_requestor(&up, Fault::FailsReadAfterPost).await;
    let g = gateway(&CASES[2], proxy, None).await;
    let link = customer_link("2");
    let text = "Posted, then its check failed";
    let (status, _) = reply(&g, &link, "check-1", text).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    let (status, answer) = reply(&g, &link, "check-1", text).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(
        stored_with(&up, text).await,
        [("customer".to_owned(), true)]
    );
    // And the same key once more: the stored answer, nothing new.
    let (status, again) = reply(&g, &link, "check-1", text).await;
    assert_eq!((status, &again["id"]), (StatusCode::CREATED, &answer["id"]));
    assert_eq!(stored_with(&up, text).await.len(), 1);
}

#[tokio::test]
async fn a_reply_stored_as_someone_else_s_is_reported_and_replies_stop() {
    let up = start_with(|o| o.rate_limit_per_minute = 0).await;
    let (proxy, _stop) = faulty_requestor(&up, Fault::ForgetsWhose).await;
    let g = gateway(&CASES[2], proxy, None).await;
    let link = customer_link("2");
    let text = "Sent through a Requestor that forgets whose it is";
    let (status, answer) = reply(&g, &link, "k-1", text).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{answer}");
    // It went upstream once, as the key's user's: the customer is not told it was delivered.
    assert_eq!(
        stored_with(&up, text).await,
        [("associate".to_owned(), true)]
    );
    let (_, config) = get_json(&g, &format!("/portal-api/{link}/config.json")).await;
    assert_eq!(config["can_reply"], false, "{config}");
    let (status, _) = reply(&g, &link, "k-2", "A second try").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(stored_with(&up, "A second try").await.is_empty());
}
