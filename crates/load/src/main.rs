//! The load run behind `cargo xtask load`: many concurrent clients post messages to a reference
//! server through core's outbox state machine and the server's own dialect (the same rules the
//! app follows), while random faults are armed on the server's fault switch. At the end every
//! acknowledged message is looked up on the server: it must be there exactly once.
//!
//! `threadline-load URL [--clients N] [--messages N] [--fault-percent P] [--seed S]`

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use threadline_core::dialect::{newest_pages, Dialect, DialectConfig};
use threadline_core::draft::Draft;
use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::model::{Message, NewMessage, Visibility};
use threadline_core::outbox::{OutState, Outgoing, Step};
use threadline_core::ApiError;

/// Demo tickets the clients share (several clients write to each).
const TICKETS: [&str; 5] = ["1", "2", "3", "4", "5"];
/// A client gives up on a message after this many agent retries (a defect if reached).
const MAX_AGENT_RETRIES: u32 = 20;

struct Options {
    url: String,
    clients: usize,
    messages: usize,
    fault_percent: u64,
    seed: u64,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or(
        "usage: threadline-load URL [--clients N] [--messages N] [--fault-percent P] [--seed S]",
    )?;
    let mut o = Options {
        url: url.trim_end_matches('/').to_owned(),
        clients: 50,
        messages: 200,
        fault_percent: 5,
        seed: 0x7e11_d1e5,
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or(format!("{flag} needs a number"))?;
        match flag.as_str() {
            "--clients" => o.clients = value as usize,
            "--messages" => o.messages = value as usize,
            "--fault-percent" => o.fault_percent = value.min(100),
            "--seed" => o.seed = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

/// A small xorshift generator: reproducible runs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Performs a core request over real HTTP.
async fn execute(http: &reqwest::Client, request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let method = match request.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut builder = http.request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    builder = match &request.body {
        Body::Empty => builder,
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json.clone()),
        Body::File { .. } => return Err(ApiError::InvalidRequest("no uploads here".into())),
    };
    let response = builder
        .send()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    // A body that breaks off is a lost connection, as in the browser.
    let body = response
        .text()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The newest messages of a ticket, as the app reads them to check for a message.
async fn latest(
    http: &reqwest::Client,
    dialect: &dyn Dialect,
    ticket: &str,
) -> Result<Vec<Message>, ApiError> {
    let probe = execute(http, &dialect.message_page_request(ticket, 1, 1)?).await?;
    let total = dialect
        .parse_message_page(&probe)?
        .total
        .ok_or_else(|| ApiError::InvalidResponse("no count".into()))?;
    let size = dialect.page_size();
    let mut messages = Vec::new();
    for page in newest_pages(total, size) {
        let response = execute(http, &dialect.message_page_request(ticket, page, size)?).await?;
        messages.extend(dialect.parse_message_page(&response)?.items);
    }
    Ok(messages)
}

/// Every message of a ticket (for the final count).
async fn all_messages(
    http: &reqwest::Client,
    dialect: &dyn Dialect,
    ticket: &str,
) -> Result<Vec<Message>, ApiError> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let response = execute(http, &dialect.message_page_request(ticket, page, 100)?).await?;
        let parsed = dialect.parse_message_page(&response)?;
        let done = parsed.next.is_none() || parsed.items.is_empty();
        out.extend(parsed.items);
        if done {
            return Ok(out);
        }
        page += 1;
    }
}

/// What one message went through.
struct Sent {
    text: String,
    acknowledged: bool,
    latency: Duration,
    requests: u32,
}

/// Sends one message the way the app's outbox does; the "agent" presses Retry on a failure.
async fn send_one(
    http: &reqwest::Client,
    dialect: &dyn Dialect,
    ticket: &'static str,
    text: String,
    local_id: String,
) -> Sent {
    let started = Instant::now();
    let now = || started.elapsed().as_secs_f64() * 1000.0;
    let message = NewMessage {
        text: text.clone(),
        visibility: Visibility::Reply,
        ..NewMessage::default()
    };
    let mut item = Outgoing::new(
        local_id,
        ticket.into(),
        Draft::default(),
        message,
        &[],
        now(),
        0.0,
    );
    let (mut requests, mut agent_retries) = (0, 0);
    loop {
        match item.next_step(now()) {
            Step::Post => {
                item.begin(now());
                requests += 1;
                let result = match dialect.create_message_request(ticket, &item.message) {
                    Ok(request) => match execute(http, &request).await {
                        Ok(r) if r.is_success() => dialect.parse_created_message(&r, &item.message),
                        Ok(r) => Err(dialect.parse_error(&r)),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                };
                item.record(result.as_ref(), now());
            }
            Step::Check => {
                requests += 1;
                let thread = latest(http, dialect, ticket).await;
                item.reconcile(thread.as_deref().map_err(|e| e.to_string()), now());
            }
            Step::Wait => match &item.state {
                OutState::Sent { .. } => break,
                OutState::Failed(_) if agent_retries < MAX_AGENT_RETRIES => {
                    agent_retries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    item.retry(now());
                }
                OutState::Failed(_) => break,
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
    Sent {
        text,
        acknowledged: item.is_sent(),
        latency: started.elapsed(),
        requests,
    }
}

/// Arms one random fault on the next post (or read) of `ticket`.
async fn arm_fault(
    http: &reqwest::Client,
    url: &str,
    ticket: &str,
    rng: &mut Rng,
) -> Option<&'static str> {
    let path = format!("/tickets/{ticket}/messages/");
    let (name, fault) = match rng.below(9) {
        0 => ("500", serde_json::json!({"kind": "status", "status": 500})),
        1 => (
            "502 HTML page",
            serde_json::json!({"kind": "status", "status": 502, "html": "<h1>502 Bad Gateway</h1>"}),
        ),
        2 => ("503", serde_json::json!({"kind": "status", "status": 503})),
        3 => (
            "429 + Retry-After",
            serde_json::json!({"kind": "status", "status": 429, "retry_after": 1}),
        ),
        4 => ("429", serde_json::json!({"kind": "status", "status": 429})),
        5 => (
            "dropped before storing",
            serde_json::json!({"kind": "drop_before_store"}),
        ),
        6 => (
            "dropped after storing",
            serde_json::json!({"kind": "drop_after_store"}),
        ),
        7 => ("answer truncated", serde_json::json!({"kind": "truncate"})),
        _ => (
            "slow (300 ms)",
            serde_json::json!({"kind": "delay", "delay_ms": 300}),
        ),
    };
    let mut fault = fault;
    fault["method"] = if rng.below(4) == 0 { "GET" } else { "POST" }.into();
    fault["path_contains"] = path.into();
    let armed = http
        .post(format!("{url}/__test/faults"))
        .header("Content-Type", "application/json")
        .body(fault.to_string())
        .send()
        .await
        .ok()?;
    armed.status().is_success().then_some(name)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn run(o: Options) -> Result<bool, String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .build()
        .map_err(|e| e.to_string())?;
    let config = http
        .get(format!("{}/config.json", o.url))
        .send()
        .await
        .map_err(|e| format!("config.json: {e}"))?
        .text()
        .await
        .map_err(|e| format!("config.json: {e}"))?;
    let config: DialectConfig =
        serde_json::from_str(&config).map_err(|e| format!("config.json: {e}"))?;
    let dialect: Arc<dyn Dialect> = Arc::from(
        config
            .build(&format!("{}/", o.url))
            .map_err(|e| format!("dialect: {e}"))?,
    );
    let faults_armed = Arc::new(std::sync::Mutex::new(HashMap::<&'static str, u64>::new()));
    let run_id = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..o.clients {
        let (http, dialect, url) = (http.clone(), dialect.clone(), o.url.clone());
        let (faults_armed, run_id) = (faults_armed.clone(), run_id.clone());
        let (messages, fault_percent) = (o.messages, o.fault_percent);
        let mut rng = Rng(o.seed ^ (client as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let stamp = o.seed;
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::with_capacity(messages);
            for n in 0..messages {
                let ticket = TICKETS[(client + n) % TICKETS.len()];
                if rng.below(100) < fault_percent {
                    if let Some(name) = arm_fault(&http, &url, ticket, &mut rng).await {
                        if let Ok(mut counts) = faults_armed.lock() {
                            *counts.entry(name).or_default() += 1;
                        }
                    }
                }
                let id = run_id.fetch_add(1, Ordering::Relaxed);
                let text = format!("load {stamp:x} client {client} message {n}");
                sent.push(
                    send_one(
                        &http,
                        dialect.as_ref(),
                        ticket,
                        text,
                        format!("load-{stamp:x}-{id}"),
                    )
                    .await,
                );
            }
            sent
        }));
    }
    let mut sent = Vec::new();
    for task in tasks {
        sent.extend(task.await.map_err(|e| format!("a client stopped: {e}"))?);
    }
    let elapsed = started.elapsed();
    // Clear what is left armed, then count every message on the server.
    let _ = http.delete(format!("{}/__test/faults", o.url)).send().await;
    let mut on_server: HashMap<String, usize> = HashMap::new();
    for ticket in TICKETS {
        let all = all_messages(&http, dialect.as_ref(), ticket)
            .await
            .map_err(|e| format!("reading ticket {ticket}: {e}"))?;
        for m in all {
            if let Some(text) = m.text {
                *on_server.entry(text.trim().to_owned()).or_default() += 1;
            }
        }
    }
    let acknowledged = sent.iter().filter(|s| s.acknowledged).count();
    let (mut once, mut lost, mut duplicated, mut unacknowledged_stored) = (0, 0, 0, 0);
    for s in &sent {
        let found = on_server.get(&s.text).copied().unwrap_or(0);
        match (s.acknowledged, found) {
            (true, 1) => once += 1,
            (true, 0) => lost += 1,
            (true, _) => duplicated += 1,
            (false, 0) => {}
            (false, _) => unacknowledged_stored += 1,
        }
    }
    let mut latencies: Vec<Duration> = sent.iter().map(|s| s.latency).collect();
    latencies.sort();
    let requests: u32 = sent.iter().map(|s| s.requests).sum();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "\nload: {} clients × {} messages against {}",
        o.clients, o.messages, o.url
    );
    println!("| figure | value |\n|---|---|");
    println!("| messages sent | {} |", sent.len());
    println!("| acknowledged | {acknowledged} |");
    println!("| stored exactly once | {once} |");
    println!("| lost (acknowledged, not stored) | {lost} |");
    println!("| duplicated | {duplicated} |");
    println!("| not acknowledged but stored | {unacknowledged_stored} |");
    println!("| requests (posts and checks) | {requests} |");
    println!(
        "| wall time | {:.1} s ({:.0} messages/s) |",
        elapsed.as_secs_f64(),
        sent.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "| latency per message, p50 | {} |",
        ms(percentile(&latencies, 0.50))
    );
    println!(
        "| latency per message, p99 | {} |",
        ms(percentile(&latencies, 0.99))
    );
    println!(
        "| latency per message, max | {} |",
        ms(percentile(&latencies, 1.0))
    );
    if let Ok(counts) = faults_armed.lock() {
        let mut counts: Vec<_> = counts.iter().collect();
        counts.sort();
        let total: u64 = counts.iter().map(|(_, n)| **n).sum();
        let list: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("| faults armed | {total} ({}) |", list.join(", "));
    }
    Ok(lost == 0 && duplicated == 0 && acknowledged == sent.len())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = match options() {
        Ok(o) => run(o).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("load: messages were lost, duplicated or never acknowledged");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
