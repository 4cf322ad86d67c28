//! `cargo xtask load --live`: many agents' event streams held open on one Threadline server,
//! messages stored meanwhile, and what that costs.
//!
//! `threadline-load-live --server URL --pid PID --upstream URL [--agent-key KEY | --token T]
//! [--streams 500] [--tickets 50] [--seconds 60] [--watch-seconds W] [--label NAME]`
//!
//! `--server` is where the streams are opened (a gateway, or a demo-mode server); `--upstream`
//! is the reference server the messages are stored on (the gateway's upstream, or the same
//! server), whose fault switch counts the requests it receives. Prints one row: time from
//! store (the POST answered) to delivery on every stream of that ticket (p50, p99), upstream
//! requests a minute beside the messages posted (for a gateway: at most one poll per watched
//! ticket per interval, or the run fails), and the server's resident memory per stream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use threadline_core::live::{LiveEvent, SseParser};

struct Options {
    server: String,
    upstream: String,
    pid: u32,
    /// `Authorization: Bearer` for a gateway; else an Initdesk token.
    agent_key: Option<String>,
    token: String,
    streams: usize,
    tickets: usize,
    seconds: u64,
    watch_seconds: Option<u64>,
    label: String,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        server: String::new(),
        upstream: String::new(),
        pid: 0,
        agent_key: None,
        token: "demo-token-acme".into(),
        streams: 500,
        tickets: 50,
        seconds: 60,
        watch_seconds: None,
        label: "server".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--server" => o.server = value.trim_end_matches('/').to_owned(),
            "--upstream" => o.upstream = value.trim_end_matches('/').to_owned(),
            "--pid" => o.pid = u32::try_from(number()?).map_err(|e| e.to_string())?,
            "--agent-key" => o.agent_key = Some(value),
            "--token" => o.token = value,
            "--streams" => o.streams = number()? as usize,
            "--tickets" => o.tickets = number()?.max(1) as usize,
            "--seconds" => o.seconds = number()?,
            "--watch-seconds" => o.watch_seconds = Some(number()?),
            "--label" => o.label = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.server.is_empty() || o.upstream.is_empty() || o.pid == 0 {
        return Err("--server, --upstream and --pid are needed".into());
    }
    Ok(o)
}

fn resident_kib(pid: u32) -> Result<u64, String> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".to_owned())
}

/// When each stream heard of each ticket's messages: (ticket, time) per `message` event.
type Heard = Arc<Mutex<Vec<(String, Instant)>>>;

async fn open_stream(
    http: &reqwest::Client,
    o: &Options,
    ticket: &str,
    heard: Heard,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let mut request = http
        .get(format!("{}/threadline-api/events", o.server))
        .query(&[("ticket", ticket)]);
    request = match &o.agent_key {
        Some(key) => request.header("Authorization", format!("Bearer {key}")),
        None => request.header("X-Initdesk-Token", &o.token),
    };
    let mut response = request.send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("stream on {ticket}: {}", response.status()));
    }
    let ticket = ticket.to_owned();
    Ok(tokio::spawn(async move {
        let mut parser = SseParser::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            for frame in parser.feed(&chunk) {
                if let Some(LiveEvent::Message { .. }) = frame.event() {
                    if let Ok(mut h) = heard.lock() {
                        h.push((ticket.clone(), Instant::now()));
                    }
                }
            }
        }
    }))
}

async fn api_requests(http: &reqwest::Client, upstream: &str) -> Result<u64, String> {
    let v: serde_json::Value = http
        .get(format!("{upstream}/__test/requests"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))?;
    v["api_requests"]
        .as_u64()
        .ok_or_else(|| "no api_requests".to_owned())
}

async fn new_ticket(http: &reqwest::Client, upstream: &str) -> Result<String, String> {
    let v: serde_json::Value = http
        .post(format!("{upstream}/__test/long-thread?count=3"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))?;
    v["id"].as_str().map(str::to_owned).ok_or("no id".into())
}

async fn post(
    http: &reqwest::Client,
    upstream: &str,
    ticket: &str,
    n: usize,
) -> Result<(), String> {
    let status = http
        .post(format!(
            "{upstream}/api/initdesk/organizations/1/tickets/{ticket}/messages/"
        ))
        .header("X-Initdesk-Token", "demo-token-acme")
        .header("Content-Type", "application/json")
        .body(
            serde_json::json!({"content": format!("Load message {n}"), "is_visible_to_customer": true})
                .to_string(),
        )
        .send()
        .await
        .map_err(|e| e.to_string())?
        .status();
    if status.as_u16() != 201 {
        return Err(format!("post on {ticket}: {status}"));
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn run(o: Options) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()
        .map_err(|e| e.to_string())?;
    let mut tickets = Vec::new();
    for _ in 0..o.tickets {
        tickets.push(new_ticket(&http, &o.upstream).await?);
    }
    let heard: Heard = Arc::default();
    // One stream first, so the baseline holds what any server needs once.
    let warm = open_stream(&http, &o, &tickets[0], heard.clone()).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before_kib = resident_kib(o.pid)?;
    let mut readers = vec![warm];
    for n in 1..o.streams {
        readers.push(open_stream(&http, &o, &tickets[n % tickets.len()], heard.clone()).await?);
    }
    // A gateway's first look at each ticket is done (it tells every stream to read) before
    // anything is stored.
    tokio::time::sleep(Duration::from_secs(o.watch_seconds.map_or(2, |w| w + 1))).await;
    let after_kib = resident_kib(o.pid)?;
    let per_stream = (after_kib.saturating_sub(before_kib)) as f64 / (o.streams - 1).max(1) as f64;

    let streams_per_ticket: HashMap<&str, usize> =
        (0..o.streams).fold(HashMap::new(), |mut m, n| {
            *m.entry(tickets[n % tickets.len()].as_str()).or_default() += 1;
            m
        });
    let counted_from = api_requests(&http, &o.upstream).await?;
    let started = Instant::now();
    let mut stored: Vec<(String, Instant)> = Vec::new();
    let every = Duration::from_millis(1_500);
    let mut n = 0;
    while started.elapsed() < Duration::from_secs(o.seconds) {
        let ticket = tickets[(n * 7) % tickets.len()].clone();
        // Tickets in a stride that comes back to one only after all the others (minutes), so
        // each delivery is told apart.
        post(&http, &o.upstream, &ticket, n).await?;
        stored.push((ticket, Instant::now()));
        n += 1;
        tokio::time::sleep(every).await;
    }
    let elapsed_min = started.elapsed().as_secs_f64() / 60.0;
    let counted = api_requests(&http, &o.upstream).await? - counted_from;
    // The last deliveries of a gateway can take an interval.
    tokio::time::sleep(Duration::from_secs(o.watch_seconds.unwrap_or(1) + 2)).await;
    for r in &readers {
        r.abort();
    }
    // Each stored message: on every stream of its ticket, the first message event after it.
    let heard = heard.lock().map_err(|e| e.to_string())?.clone();
    let mut delays = Vec::new();
    let mut missed = 0usize;
    for (i, (ticket, at)) in stored.iter().enumerate() {
        let until = stored[i + 1..]
            .iter()
            .find(|(t, _)| t == ticket)
            .map(|(_, next)| *next);
        let got: Vec<f64> = heard
            .iter()
            .filter(|(t, when)| t == ticket && when >= at && until.is_none_or(|u| *when < u))
            .map(|(_, when)| when.duration_since(*at).as_secs_f64() * 1_000.0)
            .collect();
        let expected = streams_per_ticket
            .get(ticket.as_str())
            .copied()
            .unwrap_or(0);
        missed += expected.saturating_sub(got.len());
        delays.extend(got.into_iter().take(expected));
    }
    delays.sort_by(f64::total_cmp);
    let posts = stored.len() as u64;
    let polls_per_min = counted.saturating_sub(posts) as f64 / elapsed_min;
    println!(
        "| {} | {} streams on {} tickets | {} messages | {:.0} ms | {:.0} ms | {} | {:.1} (+{:.1} posts) | {:.1} KiB |",
        o.label,
        o.streams,
        o.tickets,
        posts,
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        missed,
        polls_per_min,
        posts as f64 / elapsed_min,
        per_stream,
    );
    if missed > 0 {
        return Err(format!("{missed} deliveries never came"));
    }
    if let Some(w) = o.watch_seconds {
        // One poll per watched ticket per interval, and a round's worth of slack.
        let budget = o.tickets as f64 * 60.0 / w as f64;
        if polls_per_min > budget * 1.1 + o.tickets as f64 {
            return Err(format!(
                "{polls_per_min:.1} upstream polls a minute; the budget is {budget:.1} \
                 (one per watched ticket every {w} s)"
            ));
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match options() {
        Ok(o) => run(o).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("threadline-load-live: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
