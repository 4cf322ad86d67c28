//! `threadline-server [--db PATH] [--host H] [--port N] [--dist DIR] [--reset-demo]
//! [--rate-limit N] [--max-upload-mb N] [--poll-seconds N] [--undo-seconds N] [--dialect initdesk|airclou|inboxops|requestor] [--add-thread N]... [--fault-switch]`
//! (`--fault-switch` only in builds with the `fault-switch` feature), and
//! `threadline-server link TICKET [--ttl 7d] [--db PATH] [--base-url URL] [--organization-id ID]
//! [--link-secret-file PATH]` for a customer's link, and `threadline-server embed-session
//! --agent EMAIL [--name NAME] [--ttl 15m]` for a signed agent session to embed with.

use std::path::PathBuf;
use std::process::ExitCode;

use threadline_server::{Options, Server};

const USAGE: &str =
    "usage: threadline-server [--db PATH] [--host HOST] [--port N] [--dist DIR] [--reset-demo] \
[--rate-limit REQUESTS_PER_MINUTE] [--max-upload-mb N] [--poll-seconds N] [--undo-seconds N] [--dialect initdesk|airclou|inboxops|requestor] [--add-thread MESSAGES]... [--fault-switch (test builds only)] \
[--redis redis://HOST[:PORT]] [--watch-seconds N] [--allowed-origins ORIGIN[,ORIGIN…]] (or THREADLINE_ALLOWED_ORIGINS; alias --frame-ancestors) [--demo-public] [--link-secret-file PATH] [--upstream URL [--upstream-dialect initdesk|airclou|inboxops|requestor] --upstream-token-file PATH \
[--organization-id ID] [--upstream-workspace-id WS] [--upstream-auth-header NAME] [--outbound-mailboxes A,B] \
(--agent-key-file PATH | --trusted-header NAME | --embed-secret-file PATH)]
       threadline-server link TICKET [--ttl 7d] …
       threadline-server embed-session --agent EMAIL [--name NAME] [--ttl 15m] …";

/// Origins, separated by commas or spaces, each written as a browser sends it in `Origin`:
/// `http(s)://host[:port]`, lower case, no default port, no path, no wildcard (anything else
/// would never match, or would widen what is meant).
fn origins(list: &str) -> Result<Vec<String>, String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|o| !o.is_empty())
        .map(|o| {
            let written = o.trim_end_matches('/').to_ascii_lowercase();
            let serialized = url::Url::parse(&written)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                // A name of letters, digits, dots and hyphens, or an IP address (no `*`).
                .filter(|u| {
                    u.host_str().is_some_and(|h| {
                        h.starts_with('[')
                            || h.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                    })
                })
                .map(|u| u.origin().ascii_serialization());
            match serialized {
                Some(origin) if origin == written => Ok(origin),
                _ => Err(format!(
                    "{o:?} is not an origin as a browser sends it: scheme://host[:port], \
                     without a default port, a path or a wildcard"
                )),
            }
        })
        .collect()
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut upstream = None;
    let mut upstream_token_file = None;
    let mut agent_key_file = None;
    let mut trusted_header = None;
    let mut embed_secret_file: Option<PathBuf> = None;
    let mut organization_id = "1".to_owned();
    let mut link_secret_file: Option<PathBuf> = None;
    let mut upstream_dialect = None;
    let mut workspace_id = None;
    let mut auth_header = None;
    let mut outbound_mailboxes = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--db" => o.db = PathBuf::from(value("--db")?),
            "--host" => o.host = value("--host")?,
            "--port" => {
                o.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--dist" => o.dist = Some(PathBuf::from(value("--dist")?)),
            "--reset-demo" => o.reset_demo = true,
            "--rate-limit" => {
                o.rate_limit_per_minute = value("--rate-limit")?
                    .parse()
                    .map_err(|e| format!("--rate-limit: {e}"))?
            }
            "--add-thread" => o.long_threads.push(
                value("--add-thread")?
                    .parse()
                    .map_err(|e| format!("--add-thread: {e}"))?,
            ),
            "--poll-seconds" => {
                o.poll_seconds = value("--poll-seconds")?
                    .parse()
                    .map_err(|e| format!("--poll-seconds: {e}"))?
            }
            "--dialect" => o.dialect = value("--dialect")?.parse()?,
            "--undo-seconds" => {
                o.undo_seconds = value("--undo-seconds")?
                    .parse()
                    .map_err(|e| format!("--undo-seconds: {e}"))?
            }
            "--max-upload-mb" => {
                let mb: u64 = value("--max-upload-mb")?
                    .parse()
                    .map_err(|e| format!("--max-upload-mb: {e}"))?;
                o.max_upload_bytes = mb * 1_000_000;
            }
            #[cfg(feature = "fault-switch")]
            "--fault-switch" => o.fault_switch = true,
            #[cfg(not(feature = "fault-switch"))]
            "--fault-switch" => {
                return Err("--fault-switch: this build has no fault switch; \
build threadline-server with `--features fault-switch` (test builds only)"
                    .to_owned())
            }
            "--upstream" => upstream = Some(value("--upstream")?),
            "--redis" => o.redis = Some(value("--redis")?),
            "--watch-seconds" => {
                o.watch_seconds = value("--watch-seconds")?
                    .parse()
                    .map_err(|e| format!("--watch-seconds: {e}"))?
            }
            "--demo-public" => o.demo_public = true,
            "--upstream-dialect" => upstream_dialect = Some(value("--upstream-dialect")?),
            "--upstream-workspace-id" => workspace_id = Some(value("--upstream-workspace-id")?),
            "--upstream-auth-header" => auth_header = Some(value("--upstream-auth-header")?),
            "--outbound-mailboxes" => outbound_mailboxes.extend(
                value("--outbound-mailboxes")?
                    .split(',')
                    .map(|m| m.trim().to_owned())
                    .filter(|m| !m.is_empty()),
            ),
            "--link-secret-file" => {
                link_secret_file = Some(PathBuf::from(value("--link-secret-file")?))
            }
            "--allowed-origins" | "--frame-ancestors" => {
                o.allowed_origins.extend(origins(&value(arg.as_str())?)?)
            }
            "--upstream-token-file" => {
                upstream_token_file = Some(PathBuf::from(value("--upstream-token-file")?))
            }
            "--agent-key-file" => agent_key_file = Some(PathBuf::from(value("--agent-key-file")?)),
            "--trusted-header" => {
                trusted_header = Some(value("--trusted-header")?.to_ascii_lowercase())
            }
            "--organization-id" => organization_id = value("--organization-id")?,
            "--embed-secret-file" => {
                embed_secret_file = Some(PathBuf::from(value("--embed-secret-file")?))
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if o.allowed_origins.is_empty() {
        if let Ok(list) = std::env::var("THREADLINE_ALLOWED_ORIGINS") {
            o.allowed_origins = origins(&list)?;
        }
    }
    o.link_secret =
        threadline_server::portal::link::configured_secret(link_secret_file.as_deref())?;
    if upstream.is_none() && embed_secret_file.is_some() {
        return Err(
            "--embed-secret-file: signed sessions are checked by a gateway; give --upstream too"
                .into(),
        );
    }
    if let Some(upstream) = upstream {
        let upstream_token = threadline_server::secret::read(upstream_token_file.as_deref(), "THREADLINE_UPSTREAM_TOKEN")?.ok_or(
            "--upstream needs the helpdesk token: --upstream-token-file PATH or THREADLINE_UPSTREAM_TOKEN",
        )?;
        o.gateway = Some(threadline_server::gateway::GatewayOptions {
            upstream: upstream.trim_end_matches('/').to_owned(),
            upstream_token,
            organization_id,
            agent_key: threadline_server::secret::read(
                agent_key_file.as_deref(),
                "THREADLINE_AGENT_KEY",
            )?,
            trusted_header,
            embed_secret: threadline_server::gateway::session::configured_secret(
                embed_secret_file.as_deref(),
            )?,
            upstream_dialect,
            workspace_id,
            auth_header,
            outbound_mailboxes,
        });
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        Some("link") => Some(threadline_server::portal::link_command as fn(&[String]) -> _),
        Some("embed-session") => {
            Some(threadline_server::gateway::session::command as fn(&[String]) -> _)
        }
        _ => None,
    };
    if let Some(command) = command {
        return match command(&args[1..]) {
            Ok(printed) => {
                println!("{printed}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    let options = match parse_args(args.into_iter()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::bind(&options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("threadline-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    match server.local_addr() {
        // xtask and the e2e runner read this line to find the port.
        Ok(addr) => println!(
            "Threadline is running at http://{addr}/  (database: {})",
            options.db.display()
        ),
        Err(e) => eprintln!("threadline-server: {e}"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        println!("threadline-server: stopping");
    };
    match server.run(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("threadline-server: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::origins;

    #[test]
    fn origins_are_origins_and_nothing_more() {
        assert_eq!(
            origins("http://localhost:19050, https://Portal.example/").unwrap(),
            ["http://localhost:19050", "https://portal.example"]
        );
        assert_eq!(origins("http://[::1]:8080").unwrap(), ["http://[::1]:8080"]);
        for bad in [
            "http://[",
            "http://[evil",
            "http://[a;b]",
            "https://x:443",
            "http://x:80",
            "http://x:080",
            "http://x:99999",
            "http://[0:0::1]",
            "http://user@x",
            "http://",
            "portal.example",
            "https://portal.example/admin",
            "https://*.example",
            "https://portal.example:",
            "https://portal.example:80:80",
            "ftp://portal.example",
            "http://[::1]x",
        ] {
            assert!(origins(bad).is_err(), "{bad}");
        }
    }
}
