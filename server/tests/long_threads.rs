//! A 20,000-message thread comes a page at a time where the API is ours to shape (the
//! customer's view) or follows the list's documented paging (InboxOps messages), so no single
//! request makes the server build the whole thread.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{portal_link, start_with, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

const MESSAGES: u32 = 20_000;

async fn long_server() -> (TestServer, i64) {
    let s = start_with(|o| {
        o.rate_limit_per_minute = 0;
        o.long_threads = vec![MESSAGES];
    })
    .await;
    let conn = threadline_server::db::open(&s.db, false).unwrap();
    let ticket: i64 = conn
        .query_row("SELECT MAX(id) FROM tickets", [], |r| r.get(0))
        .unwrap();
    (s, ticket)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_threads_come_a_page_at_a_time() {
    let (s, ticket) = long_server().await;
    let link = portal_link(&s.db, ticket, 600);
    let page: Value = s
        .client
        .get(format!("{}/portal-api/{link}", s.root))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["messages"].as_array().unwrap().len(), 50);
    assert!(
        page["count"].as_u64().unwrap() > 10_000,
        "{}",
        page["count"]
    );
    let too_big = s
        .client
        .get(format!("{}/portal-api/{link}?page_size=5000", s.root))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), StatusCode::BAD_REQUEST);

    let inboxops: Value = s
        .client
        .get(format!(
            "{}/api/inboxops/v1/tickets/{ticket}/messages?per_page=1000",
            s.root
        ))
        .bearer_auth("ixk_demo_acme")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inboxops["data"].as_array().unwrap().len(), 100);
    assert!(inboxops["meta"]["total"].as_u64().unwrap() > 10_000);
}
