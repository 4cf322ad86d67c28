//! Threadline's own API (`/threadline-api`: saved replies and signatures) over real HTTP with a
//! real SQLite store: each demo surface's credential admits its organisation and nothing else;
//! one organisation never sees, changes or deletes another's; every validation problem is a
//! 400 naming its field; signatures are per agent; behind a gateway the gateway's admission
//! applies (a signed session is its agent; an expired one is refused).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{start_with, TestServer};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{json, Value};
use threadline_server::clock::now_secs;
use threadline_server::gateway::session::{issue, Agent};
use threadline_server::gateway::GatewayOptions;

const ACME: (&str, &str) = ("X-Initdesk-Token", "demo-token-acme");
const GLOBEX: (&str, &str) = ("X-Initdesk-Token", "demo-token-globex");

fn call(s: &TestServer, method: &str, path: &str, auth: (&str, &str)) -> RequestBuilder {
    s.client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}/threadline-api/{path}", s.root),
        )
        .header(auth.0, auth.1)
}

async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn status_of(request: RequestBuilder) -> StatusCode {
    request.send().await.unwrap().status()
}

async fn titles(s: &TestServer, auth: (&str, &str)) -> Vec<String> {
    let (status, list) = json_of(call(s, "GET", "saved-replies", auth)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["saved_replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_demo_credential_reaches_its_own_organisation_only() {
    let s = start_with(|_| {}).await;
    // The demo organisation starts with its seeded saved replies; Globex with none.
    let seeded = titles(&s, ACME).await;
    assert!(
        seeded.contains(&"Password reset link".to_owned()),
        "{seeded:?}"
    );
    assert!(titles(&s, GLOBEX).await.is_empty());

    let (status, created) = json_of(call(&s, "POST", "saved-replies", ACME).json(&json!({
        "title": "  Shipping delay  ",
        "body": "Hi {{customer.first_name}}, your order is on its way.",
        "next_action": "reopen_waiting_customer",
        "cc": ["logistics@acme.example"],
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["title"], "Shipping delay");
    assert_eq!(created["cc"], json!(["logistics@acme.example"]));
    let id = created["id"].as_str().unwrap().to_owned();
    // Every Acme surface credential sees it.
    for auth in [
        ("Authorization", "Bearer acs_demo_acme"),
        ("Authorization", "Bearer ixk_demo_acme"),
        ("X-Requestor-Key", "rqk_demo_acme"),
    ] {
        assert!(
            titles(&s, auth)
                .await
                .contains(&"Shipping delay".to_owned()),
            "{auth:?}"
        );
    }
    // Globex can neither see, change nor delete it.
    assert!(!titles(&s, GLOBEX)
        .await
        .contains(&"Shipping delay".to_owned()));
    let body = json!({"title": "Mine now", "body": "x"});
    let path = format!("saved-replies/{id}");
    assert_eq!(
        call(&s, "PUT", &path, GLOBEX)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(call(&s, "DELETE", &path, GLOBEX)).await,
        StatusCode::NOT_FOUND
    );
    // Acme changes, then deletes it; a second delete finds nothing.
    let (status, updated) = json_of(call(&s, "PUT", &path, ACME).json(&body)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert!(titles(&s, ACME).await.contains(&"Mine now".to_owned()));
    assert_eq!(
        status_of(call(&s, "DELETE", &path, ACME)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_of(call(&s, "DELETE", &path, ACME)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(titles(&s, ACME).await, seeded);
}

#[tokio::test]
async fn missing_wrong_or_viewer_credentials_are_refused() {
    let s = start_with(|_| {}).await;
    for (path, method) in [
        ("saved-replies", "GET"),
        ("saved-replies", "POST"),
        ("saved-replies/1", "PUT"),
        ("saved-replies/1", "DELETE"),
        ("signature", "GET"),
        ("signature", "PUT"),
        ("seen/7", "GET"),
        ("seen/7", "PUT"),
    ] {
        for auth in [
            ("X-Nothing", "x"),
            ("X-Initdesk-Token", "wrong"),
            // An inactive token, and an Airclou viewer, are no agents.
            ("X-Initdesk-Token", "demo-token-acme-inactive"),
            ("Authorization", "Bearer acs_demo_acme_viewer"),
            ("Authorization", "Bearer wrong"),
            ("Authorization", "Token demo-token-acme"),
            ("X-Requestor-Key", "wrong"),
        ] {
            let (status, body) =
                json_of(call(&s, method, path, auth).json(&json!({"title": "t", "body": "b"})))
                    .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} {auth:?}");
            assert!(body["detail"].is_string(), "{body}");
        }
    }
}

#[tokio::test]
async fn a_read_only_key_reads_saved_replies_and_changes_none() {
    let s = start_with(|_| {}).await;
    let reader = ("Authorization", "Bearer ixk_demo_acme_readonly");
    assert!(!titles(&s, reader).await.is_empty());
    let body = json!({"title": "Sneaky", "body": "x"});
    for (method, path) in [
        ("POST", "saved-replies"),
        ("PUT", "saved-replies/1"),
        ("DELETE", "saved-replies/1"),
    ] {
        let status = call(&s, method, path, reader)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    assert!(!titles(&s, ACME).await.contains(&"Sneaky".to_owned()));
    assert_eq!(titles(&s, reader).await, titles(&s, ACME).await);
}

#[tokio::test]
async fn each_validation_problem_is_a_400_naming_its_field() {
    let s = start_with(|_| {}).await;
    let long_title = "t".repeat(121);
    let long_body = "b".repeat(50 * 1024 + 1);
    for (body, field) in [
        (json!({"title": " ", "body": "b"}), "title"),
        (json!({"title": long_title, "body": "b"}), "title"),
        (json!({"title": "t", "body": ""}), "body"),
        (json!({"title": "t", "body": long_body}), "body"),
        (
            json!({"title": "t", "body": "b", "next_action": "drop_table"}),
            "next_action",
        ),
        (
            json!({"title": "t", "body": "b", "cc": ["not an address"]}),
            "cc",
        ),
    ] {
        let (status, answer) = json_of(call(&s, "POST", "saved-replies", ACME).json(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer[field][0].is_string(), "{field}: {answer}");
    }
    // A body that is no saved reply at all, or no JSON.
    for raw in ["{", "[]", "{\"title\": 5}", "null"] {
        let (status, answer) = json_of(
            call(&s, "POST", "saved-replies", ACME)
                .header("Content-Type", "application/json")
                .body(raw),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{raw}: {answer}");
    }
    let status = call(&s, "POST", "saved-replies", ACME)
        .header("Content-Type", "text/plain")
        .body("{\"title\":\"t\",\"body\":\"b\"}")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Ids that are not this store's are simply not found.
    for id in ["0", "-1", "abc", "99999999999999999999", "1%20OR%201=1"] {
        let status = call(&s, "DELETE", &format!("saved-replies/{id}"), ACME)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
    // SQL in the text is text.
    let sneaky = "'); DROP TABLE saved_replies; --";
    let (status, _) = json_of(
        call(&s, "POST", "saved-replies", ACME).json(&json!({"title": sneaky, "body": sneaky})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(titles(&s, ACME).await.contains(&sneaky.to_owned()));
}

#[tokio::test]
async fn a_signature_belongs_to_one_agent() {
    let s = start_with(|_| {}).await;
    let alex = ACME; // user 1
    let (_, empty) = json_of(call(&s, "GET", "signature", alex)).await;
    assert_eq!(
        empty,
        json!({"signature": "", "by_mailbox": {}, "agent_name": "Alex Morgan"})
    );
    let (status, _) = json_of(
        call(&s, "PUT", "signature", alex).json(&json!({"signature": "Alex\n{{agent.name}}\n\n"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = json_of(call(&s, "GET", "signature", alex)).await;
    assert_eq!(mine["signature"], "Alex\n{{agent.name}}");
    // Another agent of the same organisation has their own (the InboxOps demo key is user 2).
    let (_, theirs) = json_of(call(
        &s,
        "GET",
        "signature",
        ("Authorization", "Bearer ixk_demo_acme"),
    ))
    .await;
    let (_, globex) = json_of(call(&s, "GET", "signature", GLOBEX)).await;
    assert_eq!(globex["signature"], "");
    assert_ne!(theirs["signature"], mine["signature"]);
    // One per From mailbox beside it (Requestor sends from several).
    let (status, both) = json_of(
        call(&s, "PUT", "signature", alex)
            .json(&json!({"signature": "Billing team", "mailbox": " Billing@Acme.example "})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(both["signature"], "Alex\n{{agent.name}}");
    assert_eq!(
        both["by_mailbox"],
        json!({"billing@acme.example": "Billing team"})
    );
    let (status, answer) = json_of(
        call(&s, "PUT", "signature", alex).json(&json!({"signature": "x", "mailbox": "not mail"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["mailbox"][0].is_string(), "{answer}");
    let (status, answer) = json_of(
        call(&s, "PUT", "signature", alex).json(&json!({"signature": "x".repeat(10 * 1024 + 1)})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["signature"][0].is_string(), "{answer}");
    // Empty removes it.
    call(&s, "PUT", "signature", alex)
        .json(&json!({"signature": "  "}))
        .send()
        .await
        .unwrap();
    let (_, cleared) = json_of(call(&s, "GET", "signature", alex)).await;
    assert_eq!(cleared["signature"], "");
    // The mailbox's own stays until it is emptied too.
    assert_eq!(
        cleared["by_mailbox"]["billing@acme.example"],
        "Billing team"
    );
}

#[tokio::test]
async fn behind_a_gateway_its_admission_applies_and_a_session_is_its_agent() {
    const SECRET: &[u8] = b"embed-secret-for-tests-0123456789abcdef";
    let g = start_with(|o| {
        o.gateway = Some(GatewayOptions {
            upstream: "http://127.0.0.1:9/api".into(),
            upstream_token: "upstream-token".into(),
            organization_id: "1".into(),
            agent_key: Some("agent-key-0123456789".into()),
            embed_secret: Some(SECRET.to_vec()),
            ..GatewayOptions::default()
        });
    })
    .await;
    let config: Value = g
        .client
        .get(format!("{}/config.json", g.root))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["threadline_api"], "/threadline-api");
    let session = |email: &str, exp: i64| {
        let agent = Agent {
            email: email.into(),
            name: "Someone".into(),
        };
        format!("Bearer {}", issue(SECRET, "1", &agent, exp).unwrap())
    };
    let now = now_secs();
    let priya = session("priya@acme.example", now + 600);
    let sam = session("sam@acme.example", now + 600);
    // The gateway's store has no demo data, and the demo token means nothing here.
    assert!(titles(&g, ("Authorization", &priya)).await.is_empty());
    assert_eq!(
        status_of(call(&g, "GET", "saved-replies", ACME)).await,
        StatusCode::UNAUTHORIZED
    );
    let expired = session("priya@acme.example", now - 1);
    let response = call(&g, "GET", "saved-replies", ("Authorization", &expired))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("expired"));
    // Saved replies are the organisation's: one agent's is every agent's.
    let (status, _) = json_of(
        call(&g, "POST", "saved-replies", ("Authorization", &priya))
            .json(&json!({"title": "Hello", "body": "Hi {{customer.first_name}}"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(titles(&g, ("Authorization", &sam)).await, ["Hello"]);
    assert_eq!(
        titles(&g, ("Authorization", "Bearer agent-key-0123456789")).await,
        ["Hello"]
    );
    // Signatures are each agent's.
    call(&g, "PUT", "signature", ("Authorization", &priya))
        .json(&json!({"signature": "Priya"}))
        .send()
        .await
        .unwrap();
    let (_, mine) = json_of(call(&g, "GET", "signature", ("Authorization", &priya))).await;
    let (_, sams) = json_of(call(&g, "GET", "signature", ("Authorization", &sam))).await;
    assert_eq!(
        (mine["signature"].as_str(), sams["signature"].as_str()),
        (Some("Priya"), Some(""))
    );
}

#[tokio::test]
async fn a_seen_mark_is_the_agents_own_and_only_moves_forward() {
    let s = start_with(|_| {}).await;
    let alex = ACME;
    let (status, none) = json_of(call(&s, "GET", "seen/7", alex)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!({"mark": null}));
    let mark = |id: &str, at: &str| json!({"id": id, "at": at});
    let (status, put) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark("40", "2024-05-01T10:00:00Z"))).await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!(put, json!({"mark": mark("40", "2024-05-01T10:00:00Z")}));
    // Another browser that saw less does not move it back; one that saw more does.
    let (_, kept) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark("39", "2024-05-01T09:00:00Z"))).await;
    assert_eq!(kept["mark"]["id"], "40");
    let (_, moved) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark("41", "2024-05-01T11:00:00+02:00")))
            .await;
    assert_eq!(moved["mark"]["id"], "40", "09:00 UTC is before 10:00 UTC");
    let (_, moved) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark("42", "2024-05-01T12:00:00Z"))).await;
    assert_eq!(moved["mark"]["id"], "42");
    let (_, read) = json_of(call(&s, "GET", "seen/7", alex)).await;
    assert_eq!(read["mark"]["id"], "42");
    // Another agent of the organisation, and another organisation, have their own.
    let (_, theirs) = json_of(call(
        &s,
        "GET",
        "seen/7",
        ("Authorization", "Bearer ixk_demo_acme"),
    ))
    .await;
    assert_eq!(theirs, json!({"mark": null}));
    let (_, globex) = json_of(call(&s, "GET", "seen/7", GLOBEX)).await;
    assert_eq!(globex, json!({"mark": null}));
    // What cannot be a mark is a 400 naming its field.
    let (status, answer) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark("43", "yesterday"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["at"][0].is_string(), "{answer}");
    let (status, answer) =
        json_of(call(&s, "PUT", "seen/7", alex).json(&mark(" ", "2024-05-02T00:00:00Z"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["id"][0].is_string(), "{answer}");
    let (_, unchanged) = json_of(call(&s, "GET", "seen/7", alex)).await;
    assert_eq!(unchanged["mark"]["id"], "42");
}
