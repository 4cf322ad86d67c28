//! A gateway's events: every interval, one upstream request per ticket that has a stream open
//! on this instance — the first message page, one message wide, which carries the thread's
//! count — however many agents watch it. When what it says changes (or on a ticket's first
//! look, which has nothing to compare with), the ticket's streams get a `message` event and
//! each app reads what is new. No streams, no requests. A 429 pauses
//! the whole round for as long as its `Retry-After` says (at least one interval).
//!
//! The request is built by the app's own dialect (core, sans-IO) against the gateway's mount,
//! then sent through the gateway's route table ([`Upstream::request`]), so it can only ever
//! be a request the app itself could have made.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::Method;
use threadline_core::dialect::{Dialect, DialectConfig};
use threadline_core::http::HttpResponse;

use super::{Change, Live};
use crate::gateway::{GatewayOptions, Upstream};

/// The page URL the app's configuration is read against, so its mount resolves to a path.
const CONFIG_URL: &str = "http://gateway.invalid/config.json";
/// Where that mount's URLs start.
const ORIGIN: &str = "http://gateway.invalid";

/// What the first message page said: the count, how many messages it held, its first and
/// last, and the next link; `None` when it cannot tell a new message (no count, and a page
/// that ends before the thread does): then every look tells the streams to read.
type Fingerprint = Option<(
    Option<u64>,
    usize,
    Option<String>,
    Option<String>,
    Option<String>,
)>;
/// The longest one look may take before the round goes on without it.
const LOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause a 429 gets (apps do not poll while their stream is open).
const MAX_PAUSE: Duration = Duration::from_secs(120);

/// The topic of a ticket the gateway watches.
pub fn topic(ticket: &str) -> String {
    format!("g:{ticket}")
}

/// Starts watching, every `every`, the tickets that have streams on `live`.
pub fn start(
    live: &Live,
    upstream: Upstream,
    options: &GatewayOptions,
    every: Duration,
) -> Result<(), String> {
    let config: DialectConfig = serde_json::from_value(crate::gateway::app_config(options)?)
        .map_err(|e| format!("the gateway's app configuration: {e}"))?;
    let dialect = config
        .build(CONFIG_URL)
        .map_err(|e| format!("the gateway's app configuration: {e}"))?;
    let weak = live.downgrade();
    tokio::spawn(async move {
        let mut seen: HashMap<String, Fingerprint> = HashMap::new();
        loop {
            let Some(live) = weak.upgrade().map(Live) else {
                return;
            };
            let watched = live.watched();
            seen.retain(|topic, _| watched.iter().any(|(t, _)| t == topic));
            let mut pause = every;
            for (topic, ticket) in watched {
                let looked =
                    tokio::time::timeout(LOOK_TIMEOUT, look(dialect.as_ref(), &upstream, &ticket))
                        .await
                        .unwrap_or(Look::Failed);
                match looked {
                    Look::Saw(None) => live.changed(&topic, Change::Message),
                    Look::Saw(now) => {
                        // The first look cannot tell what changed since the app read the
                        // thread (before its stream opened): its streams read again.
                        if seen
                            .insert(topic.clone(), now.clone())
                            .is_none_or(|was| was != now)
                        {
                            live.changed(&topic, Change::Message);
                        }
                    }
                    Look::Slow(wait) => {
                        pause = pause.max(wait.min(MAX_PAUSE));
                        break;
                    }
                    Look::Failed => {}
                }
            }
            drop(live);
            tokio::time::sleep(pause).await;
        }
    });
    Ok(())
}

enum Look {
    Saw(Fingerprint),
    /// 429: wait this long.
    Slow(Duration),
    Failed,
}

/// One upstream request for `ticket`'s first message page.
async fn look(dialect: &dyn Dialect, upstream: &Upstream, ticket: &str) -> Look {
    let Ok(request) = dialect.message_page_request(ticket, 1, 1) else {
        return Look::Failed;
    };
    let mount = crate::gateway::mount(upstream.dialect());
    let Some(below) = request
        .url
        .strip_prefix(ORIGIN)
        .and_then(|u| u.strip_prefix(mount.as_str()))
        .and_then(|u| u.strip_prefix('/'))
    else {
        return Look::Failed;
    };
    let (path, query) = match below.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (below, None),
    };
    let Ok((builder, _route)) = upstream.request(&Method::GET, path, query) else {
        return Look::Failed;
    };
    let Ok(response) = builder.header("accept", "application/json").send().await else {
        return Look::Failed;
    };
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    if status == 429 {
        let wait = headers
            .iter()
            .find(|(n, _)| n == "retry-after")
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
            .unwrap_or(30);
        return Look::Slow(Duration::from_secs(wait.min(3_600)));
    }
    let Ok(body) = crate::gateway::read_answer(response, 1 << 20).await else {
        return Look::Failed;
    };
    let answer = HttpResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    match dialect.parse_message_page(&answer) {
        Ok(page) if page.total.is_none() && page.next.is_some() => Look::Saw(None),
        Ok(page) => Look::Saw(Some((
            page.total,
            page.items.len(),
            page.items.first().map(|m| m.id.clone()),
            page.items.last().map(|m| m.id.clone()),
            page.next,
        ))),
        Err(_) => Look::Failed,
    }
}
