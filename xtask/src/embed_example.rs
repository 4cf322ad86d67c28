//! `cargo xtask dev --embed-example`: the admin-portal example on an origin of its own, as a
//! real portal would have it. A gateway in front of the demo server admits sessions signed
//! with a secret kept in `data/`; a small server on the second origin stands in for the
//! portal's backend: it serves `examples/admin-portal.html` with absolute URLs to the app and a
//! session for its agent (signed by `threadline-server embed-session`), and signs a new one at
//! `/session` when the page asks.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// Where the portal's page is served from: another origin than the app's.
pub const PORTAL_PORT: u16 = 8090;
/// The origin the browser sends from that page.
pub fn portal_origin() -> String {
    format!("http://localhost:{PORTAL_PORT}")
}

/// The secret shared by the gateway and the portal's backend: made once, kept in `data/`.
pub fn secret_file(root: &Path) -> Result<PathBuf> {
    let path = root.join("data/embed-secret");
    if !path.exists() {
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
            .map_err(|e| format!("cannot make the embed secret: {e}"))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(&path, hex).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(path)
}

/// What the portal's backend needs to sign sessions and point at the app.
#[derive(Clone)]
struct Portal {
    root: PathBuf,
    server: PathBuf,
    secret: PathBuf,
    /// The gateway's URL (`http://127.0.0.1:8081`).
    app: String,
}

/// Serves the portal's page on [`PORTAL_PORT`] until the process ends.
pub fn serve_portal(root: &Path, server: &Path, secret: &Path, app: &str) -> Result {
    let listener = TcpListener::bind(("127.0.0.1", PORTAL_PORT))
        .map_err(|e| format!("cannot serve the portal on port {PORTAL_PORT}: {e}"))?;
    let portal = Portal {
        root: root.to_owned(),
        server: server.to_owned(),
        secret: secret.to_owned(),
        app: app.to_owned(),
    };
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(std::result::Result::ok) {
            let portal = portal.clone();
            std::thread::spawn(move || {
                if let Err(e) = answer(&portal, stream) {
                    eprintln!("portal example: {e}");
                }
            });
        }
    });
    Ok(())
}

fn answer(portal: &Portal, mut stream: TcpStream) -> Result {
    let mut line = String::new();
    BufReader::new(&stream)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let (status, kind, body) =
        route(portal, path).unwrap_or_else(|e| ("500 Internal Server Error", "text/plain", e));
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())
}

/// The status, type and body for `path`.
fn route(portal: &Portal, path: &str) -> Result<(&'static str, &'static str, String)> {
    let examples = portal.root.join("examples");
    Ok(match path {
        "/" | "/admin-portal.html" => ("200 OK", "text/html; charset=utf-8", page(portal)?),
        "/admin-portal.css" => (
            "200 OK",
            "text/css",
            read(&examples.join("admin-portal.css"))?,
        ),
        "/admin-portal.js" => (
            "200 OK",
            "text/javascript",
            read(&examples.join("admin-portal.js"))?,
        ),
        "/session" => ("200 OK", "text/plain", session(portal)?),
        _ => ("404 Not Found", "text/plain", "not here".to_owned()),
    })
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A session for the portal's logged-in agent, as its backend would sign it.
fn session(portal: &Portal) -> Result<String> {
    let out = Command::new(&portal.server)
        .args(["embed-session", "--agent", "priya@acme.example"])
        .args([
            "--name",
            "Priya Shah",
            "--ttl",
            "15m",
            "--embed-secret-file",
        ])
        .arg(&portal.secret)
        .output()
        .map_err(|e| format!("cannot sign a session: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The example page as a portal on its own origin serves it: the README's snippet with the
/// app's absolute URLs, and each conversation signed in.
fn page(portal: &Portal) -> Result<String> {
    let html = read(&portal.root.join("examples/admin-portal.html"))?;
    let app = &portal.app;
    let token = session(portal)?;
    Ok(html
        .replace("../public/embed.js", &format!("{app}/public/embed.js"))
        .replace(
            "<threadline-conversation ",
            &format!(
                "<threadline-conversation config-url=\"{app}/config.json\" session-token=\"{token}\" "
            ),
        ))
}
