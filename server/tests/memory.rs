//! Memory a client can make the server hold: the real binary in its own process (so its
//! resident memory is its own). 300 requests each with a different 100 KB bogus credential on
//! every surface leave the resident set within 15 MB of before; 400 idle event streams cost at
//! most 64 KiB each (past its limit of streams the server refuses more: `live::tests`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The server process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn start(dir: &std::path::Path, extra: &[&str]) -> (Process, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadline-server"))
        .args(extra)
        .args(["--port", "0", "--db"])
        .arg(dir.join("memory.sqlite3"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let process = Process(child);
    let line = BufReader::new(stdout)
        .lines()
        .map(Result::unwrap)
        .find(|l| l.starts_with("Threadline is running at "))
        .unwrap();
    let root = line
        .trim_start_matches("Threadline is running at ")
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    (process, root)
}

#[tokio::test]
async fn unique_bogus_credentials_do_not_grow_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (process, root) = start(dir.path(), &[]);
    let pid = process.0.id();
    let client = reqwest::Client::new();
    // Warm up: the first requests of each kind allocate what any server needs once.
    let send = |i: usize| {
        let credential = format!("{i:06}{}", "k".repeat(100 * 1024));
        let (path, name, value) = match i % 4 {
            0 => (
                "/api/initdesk/organizations/1/tickets/",
                "x-initdesk-token",
                credential,
            ),
            1 => (
                "/api/inboxops/v1/tickets",
                "authorization",
                format!("Bearer {credential}"),
            ),
            2 => (
                "/api/airclou/helpdesk/api/v1/tickets",
                "authorization",
                format!("Bearer {credential}"),
            ),
            _ => (
                "/api/requestor/api/Tickets/GetTicket/1",
                "x-requestor-key",
                credential,
            ),
        };
        client
            .get(format!("{root}{path}"))
            .header(name, value)
            .send()
    };
    for i in 0..40 {
        let resp = send(1_000_000 + i).await.unwrap();
        assert_eq!(resp.status(), 401);
    }
    let before = resident_kib(pid);
    for i in 0..300 {
        let resp = send(i).await.unwrap();
        assert_eq!(resp.status(), 401, "request {i}");
    }
    let after = resident_kib(pid);
    eprintln!("resident memory: {before} KiB before, {after} KiB after 300 requests");
    assert!(
        after < before + 15 * 1024,
        "resident memory grew from {before} KiB to {after} KiB"
    );
}

#[tokio::test]
async fn idle_event_streams_cost_little_each() {
    let dir = tempfile::tempdir().unwrap();
    // One agent opening 400 streams a minute is past the demo's 60 requests a minute.
    let (process, root) = start(dir.path(), &["--rate-limit", "0"]);
    let pid = process.0.id();
    let client = reqwest::Client::new();
    let open = |ticket: usize| {
        client
            .get(format!(
                "{root}/threadline-api/events?ticket={}",
                1 + ticket % 5
            ))
            .header("X-Initdesk-Token", "demo-token-acme")
            .send()
    };
    // Warm up: a stream on each of five tickets, so every topic exists.
    let mut streams = Vec::new();
    for i in 0..5 {
        let response = open(i).await.unwrap();
        assert_eq!(response.status(), 200);
        streams.push(response);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = resident_kib(pid);
    for i in 0..400 {
        let response = open(i).await.unwrap();
        assert_eq!(response.status(), 200, "stream {i}");
        streams.push(response);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = resident_kib(pid);
    let each = after.saturating_sub(before) as f64 / 400.0;
    eprintln!("resident memory: {before} KiB before, {after} KiB with 400 more streams ({each:.1} KiB each)");
    assert!(each < 64.0, "{each:.1} KiB a stream");
}
