//! Live events over real HTTP: who may open a ticket's stream or beat on it, what a stream
//! says when a message is stored on any surface, resumption with `Last-Event-ID`, presence
//! from heartbeats, and a gateway's one upstream poll per watched ticket (counted at the
//! upstream).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::time::Duration;

use common::{recorder, start_with, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use threadline_core::live::{Frame, LiveEvent, SseParser};
use threadline_server::gateway::GatewayOptions;

const TOKEN: &str = "demo-token-acme";
const PRIYA: &str = "demo-token-acme-priya";
const GLOBEX: &str = "demo-token-globex";

/// An open stream, read frame by frame.
struct Stream {
    response: reqwest::Response,
    parser: SseParser,
    ready: std::collections::VecDeque<Frame>,
}

impl Stream {
    async fn open(s: &TestServer, ticket: &str, token: &str, last: Option<&str>) -> Stream {
        let mut request = s
            .client
            .get(format!("{}/threadline-api/events", s.root))
            .query(&[("ticket", ticket)])
            .header("X-Initdesk-Token", token);
        if let Some(last) = last {
            request = request.header("Last-Event-ID", last);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "{:?}",
            response.headers()
        );
        Stream {
            response,
            parser: SseParser::new(),
            ready: Default::default(),
        }
    }

    /// The next event, waiting at most `within`.
    async fn next(&mut self, within: Duration) -> Option<(Option<String>, LiveEvent)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(frame) = self.ready.pop_front() {
                return Some((frame.id.clone(), frame.event().unwrap()));
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .unwrap()?;
            self.ready.extend(self.parser.feed(&chunk));
        }
    }

    /// Events until one matches `wanted` (which is returned with its id).
    /// Whether no event matching `unwanted` comes within `within`.
    async fn until_none(
        &mut self,
        within: Duration,
        unwanted: impl Fn(&LiveEvent) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                None => return true,
                Some((_, event)) if unwanted(&event) => return false,
                Some(_) => {}
            }
        }
    }

    async fn until(
        &mut self,
        within: Duration,
        wanted: impl Fn(&LiveEvent) -> bool,
    ) -> (Option<String>, LiveEvent) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some((id, event)) = self.next(left).await else {
                panic!("no such event within {within:?}");
            };
            if wanted(&event) {
                return (id, event);
            }
        }
    }
}

async fn reply(s: &TestServer, ticket: i64, text: &str) {
    let status = s
        .client
        .post(format!(
            "{}/api/initdesk/organizations/1/tickets/{ticket}/messages/",
            s.root
        ))
        .header("X-Initdesk-Token", TOKEN)
        .json(&json!({"content": text, "is_visible_to_customer": true}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::CREATED);
}

async fn beat(s: &TestServer, ticket: &str, token: &str, body: serde_json::Value) -> StatusCode {
    s.client
        .post(format!("{}/threadline-api/presence/{ticket}", s.root))
        .header("X-Initdesk-Token", token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn streams_and_beats_admit_the_caller_first_and_only_to_its_organisation() {
    let s = start_with(|o| o.rate_limit_per_minute = 0).await;
    let events = format!("{}/threadline-api/events?ticket=1", s.root);
    let bare = s.client.get(&events).send().await.unwrap().status();
    assert_eq!(bare, StatusCode::UNAUTHORIZED);
    let wrong = s
        .client
        .get(&events)
        .header("X-Initdesk-Token", "nope")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    // Another organisation's ticket, under any surface's name for it, does not exist.
    for name in ["1", "tkt_1", "REQ-1", "999999", "x", ""] {
        let status = s
            .client
            .get(format!("{}/threadline-api/events", s.root))
            .query(&[("ticket", name)])
            .header("X-Initdesk-Token", GLOBEX)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
    }
    // A beat is judged on its credential before its body is read.
    let unread = s
        .client
        .post(format!("{}/threadline-api/presence/1", s.root))
        .header("Content-Type", "application/json")
        .body("not json at all")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(unread, StatusCode::UNAUTHORIZED);
    let good = json!({"tab": "t1", "activity": "viewing"});
    assert_eq!(
        beat(&s, "1", GLOBEX, good.clone()).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(beat(&s, "1", TOKEN, good).await, StatusCode::NO_CONTENT);
    for bad in [
        json!({"tab": "", "activity": "viewing"}),
        json!({"tab": "t", "activity": "sleeping"}),
        json!({"tab": "t", "activity": "viewing", "agent": "user:9"}),
    ] {
        assert_eq!(
            beat(&s, "1", TOKEN, bad.clone()).await,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_stored_message_reaches_the_stream_and_a_reconnect_resumes() {
    let s = start_with(|o| o.rate_limit_per_minute = 0).await;
    let mut stream = Stream::open(&s, "1", TOKEN, None).await;
    let (_, hello) = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        hello,
        LiveEvent::Hello {
            you: "user:1".into()
        }
    );
    reply(&s, 1, "First live reply").await;
    let (id, _) = stream
        .until(
            Duration::from_secs(5),
            |e| matches!(e, LiveEvent::Message { ticket } if ticket == "1"),
        )
        .await;
    let id = id.expect("stamped");
    drop(stream);
    // Two more while nobody listens (and one on another ticket, which this one never hears).
    // Apart enough not to go out as one event (writes within 20 ms do).
    for (ticket, text) in [(1, "Second"), (2, "Elsewhere"), (1, "Third")] {
        reply(&s, ticket, text).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = Stream::open(&s, "1", TOKEN, Some(&id)).await;
    let mut missed = 0;
    while let Some((_, event)) = again.next(Duration::from_millis(800)).await {
        match event {
            LiveEvent::Message { ticket } => {
                assert_eq!(ticket, "1");
                missed += 1;
            }
            LiveEvent::Reset => panic!("the hub knew what was missed"),
            _ => {}
        }
    }
    assert_eq!(missed, 2);
    // An id this server never gave: read the ticket again.
    let mut unknown = Stream::open(&s, "1", TOKEN, Some("00000000.5")).await;
    unknown
        .until(Duration::from_secs(5), |e| *e == LiveEvent::Reset)
        .await;
}

#[tokio::test]
async fn heartbeats_show_who_is_there_and_what_they_do() {
    let s = start_with(|o| o.rate_limit_per_minute = 0).await;
    let mut alex = Stream::open(&s, "3", TOKEN, None).await;
    alex.until(Duration::from_secs(5), |e| {
        matches!(e, LiveEvent::Hello { .. })
    })
    .await;
    let tab = json!({"tab": "priya-1", "activity": "viewing"});
    assert_eq!(beat(&s, "3", PRIYA, tab).await, StatusCode::NO_CONTENT);
    let seen = |activity: &'static str| {
        move |e: &LiveEvent| match e {
            LiveEvent::Presence { present, .. } => present.iter().any(|p| {
                p.name == "Priya Shah"
                    && serde_json::to_value(p.activity).unwrap() == activity
                    && !p.idle
            }),
            _ => false,
        }
    };
    alex.until(Duration::from_secs(5), seen("viewing")).await;
    let typing = json!({"tab": "priya-1", "activity": "typing"});
    assert_eq!(beat(&s, "3", PRIYA, typing).await, StatusCode::NO_CONTENT);
    alex.until(Duration::from_secs(5), seen("typing")).await;
    let leaving = json!({"tab": "priya-1", "activity": "typing", "leaving": true});
    assert_eq!(beat(&s, "3", PRIYA, leaving).await, StatusCode::NO_CONTENT);
    alex.until(
        Duration::from_secs(5),
        |e| matches!(e, LiveEvent::Presence { present, .. } if present.is_empty()),
    )
    .await;
}

#[tokio::test]
async fn a_gateway_polls_each_watched_ticket_once_per_interval_whoever_watches() {
    let upstream = recorder(0).await;
    let gateway = start_with(|o| {
        o.watch_seconds = 1;
        o.gateway = Some(GatewayOptions {
            upstream: upstream.root.clone(),
            upstream_token: TOKEN.into(),
            organization_id: "1".into(),
            agent_key: Some("agent-key".into()),
            ..GatewayOptions::default()
        });
    })
    .await;
    let open = |ticket: &'static str| {
        let request = gateway
            .client
            .get(format!(
                "{}/threadline-api/events?ticket={ticket}",
                gateway.root
            ))
            .header("Authorization", "Bearer agent-key")
            .send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response
        }
    };
    // Nobody watches: nothing goes upstream.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(upstream.seen.lock().unwrap().is_empty());
    let mut streams = Vec::new();
    for ticket in ["5", "5", "5", "5", "7"] {
        streams.push(open(ticket).await);
    }
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let polls = |ticket: &str| {
        let needle = format!("/organizations/1/tickets/{ticket}/messages/");
        upstream
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("GET ") && l.contains(&needle))
            .count()
    };
    let (five, seven) = (polls("5"), polls("7"));
    // About one a second for 4.5 s, for four streams on 5 as for one on 7.
    assert!((3..=6).contains(&five), "ticket 5: {five} polls");
    assert!(five.abs_diff(seven) <= 1, "5: {five}, 7: {seven}");
    let credential = upstream.credentials.lock().unwrap()[0].clone();
    assert!(
        credential
            .iter()
            .any(|h| h == &format!("x-initdesk-token: {TOKEN}")),
        "{credential:?}"
    );
    drop(streams);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let after = upstream.seen.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        upstream.seen.lock().unwrap().len(),
        after,
        "no streams, no polls"
    );
}

#[tokio::test]
async fn a_gateway_tells_its_streams_of_a_message_stored_upstream() {
    let upstream = start_with(|o| o.rate_limit_per_minute = 0).await;
    let root = format!("{}/api/initdesk", upstream.root);
    let gateway = start_with(move |o| {
        o.watch_seconds = 1;
        o.gateway = Some(GatewayOptions {
            upstream: root,
            upstream_token: TOKEN.into(),
            organization_id: "1".into(),
            agent_key: Some("agent-key".into()),
            ..GatewayOptions::default()
        });
    })
    .await;
    let response = gateway
        .client
        .get(format!("{}/threadline-api/events?ticket=4", gateway.root))
        .header("Authorization", "Bearer agent-key")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = Stream {
        response,
        parser: SseParser::new(),
        ready: Default::default(),
    };
    // The first look has nothing to compare with: its streams read once.
    stream
        .until(
            Duration::from_secs(5),
            |e| matches!(e, LiveEvent::Message { ticket } if ticket == "4"),
        )
        .await;
    // Then only a change is told.
    assert!(
        stream
            .until_none(Duration::from_millis(2_500), |e| matches!(
                e,
                LiveEvent::Message { .. }
            ))
            .await,
        "a message event without a change"
    );
    reply(&upstream, 4, "Stored upstream").await;
    stream
        .until(
            Duration::from_secs(5),
            |e| matches!(e, LiveEvent::Message { ticket } if ticket == "4"),
        )
        .await;
}
