//! `cargo xtask load --live`: event streams held on a gateway in front of the reference server,
//! and on a demo-mode server itself, while messages are stored; one table row each (see
//! `crates/load/src/bin/threadline-load-live.rs` for what is measured).

use std::path::Path;
use std::process::Command;

use super::{build_server, cargo, run, start_gateway, start_server, Result, Running};

/// How often the gateway looks upstream in this run.
const WATCH_SECONDS: &str = "5";

pub fn run_live(root: &Path, args: &[String]) -> Result {
    let server = build_server(root, &["--features", "fault-switch"])?;
    run(cargo(root).args(["build", "--locked", "-p", "threadline-load", "--bins"]))?;
    let driver = root.join("target/debug/threadline-load-live");
    let scratch = std::env::temp_dir().join(format!("threadline-live-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut running: Vec<Running> = Vec::new();
    let outcome = (|| {
        let upstream = start_server(
            root,
            &server,
            &scratch.join("upstream.sqlite3"),
            0,
            &["--rate-limit", "0", "--fault-switch"],
        )?;
        let upstream_url = upstream.url.clone();
        let upstream_pid = upstream.child.id();
        running.push(upstream);
        let key_file = scratch.join("agent-key");
        let key = format!("load-agent-key-{}", std::process::id());
        std::fs::write(&key_file, &key).map_err(|e| e.to_string())?;
        let extra: Vec<String> = [
            "--agent-key-file",
            &key_file.to_string_lossy(),
            "--watch-seconds",
            WATCH_SECONDS,
        ]
        .map(str::to_owned)
        .to_vec();
        let gateway = start_gateway(root, &server, &scratch, "initdesk", &upstream_url, &extra)?;
        let (gateway_url, gateway_pid) = (gateway.url.clone(), gateway.child.id());
        running.push(gateway);
        println!(
            "\n| server | streams | stored | store → delivery p50 | p99 | missed | upstream requests/min (beside posts) | memory per stream |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        run(Command::new(&driver)
            .args(["--server", &gateway_url, "--upstream", &upstream_url])
            .args(["--pid", &gateway_pid.to_string(), "--agent-key", &key])
            .args(["--watch-seconds", WATCH_SECONDS, "--label", "gateway"])
            .args(args))?;
        run(Command::new(&driver)
            .args(["--server", &upstream_url, "--upstream", &upstream_url])
            .args(["--pid", &upstream_pid.to_string(), "--label", "demo mode"])
            .args(args))
    })();
    for Running { mut child, .. } in running {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}
