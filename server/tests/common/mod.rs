//! Starting a reference server for a test: a real listener on a free port and a real SQLite
//! file in a temporary directory, stopped when the test drops it.

use threadline_server::{Options, Server};

pub struct TestServer {
    pub root: String,
    #[allow(dead_code)] // not every test file opens the database
    pub db: std::path::PathBuf,
    pub client: reqwest::Client,
    pub _dir: tempfile::TempDir,
    pub _stop: tokio::sync::oneshot::Sender<()>,
}

/// A server with the default options, adjusted by `tune`.
pub async fn start_with(tune: impl FnOnce(&mut Options)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options {
        db: dir.path().join("test.sqlite3"),
        port: 0,
        ..Options::default()
    };
    tune(&mut options);
    let server = Server::bind(&options).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestServer {
        root: format!("http://{addr}"),
        db: options.db.clone(),
        client: reqwest::Client::new(),
        _dir: dir,
        _stop: stop,
    }
}

/// One request sent byte for byte as given (no client normalises its path), answered as
/// `(status, headers and body as text)`; the connection is closed after it.
#[allow(dead_code)] // not every test file sends raw requests
pub async fn raw(root: &str, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = root.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// An upstream that records every request line it receives and answers each with a small
/// JSON body, except `…/users/`, answered with a chunked JSON body of `big` bytes.
#[allow(dead_code)]
pub struct Recorder {
    pub root: String,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// Per request, its `Authorization` and `X-…` headers as `name: value`.
    pub credentials: std::sync::Arc<std::sync::Mutex<Vec<Vec<String>>>>,
    pub _stop: tokio::sync::oneshot::Sender<()>,
}

#[allow(dead_code)]
pub async fn recorder(big: usize) -> Recorder {
    use axum::body::Body;
    use axum::extract::Request;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let credentials = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Vec<String>>::new()));
    let log = seen.clone();
    let creds = credentials.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let log = log.clone();
        let creds = creds.clone();
        async move {
            creds.lock().unwrap().push(
                request
                    .headers()
                    .iter()
                    .filter(|(name, _)| {
                        name.as_str() == "authorization" || name.as_str().starts_with("x-")
                    })
                    .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
                    .collect(),
            );
            let length = request
                .headers()
                .get("content-length")
                .and_then(|v| v.to_str().ok())
                .filter(|v| *v != "0")
                .map(|v| format!(" content-length={v}"))
                .unwrap_or_default();
            let line = format!("{} {}{length}", request.method(), request.uri());
            let is_users = request.uri().path().ends_with("/users/");
            log.lock().unwrap().push(line);
            if is_users {
                let chunk = vec![b' '; 64 * 1024];
                let chunks = big / chunk.len() + 1;
                let stream = futures_util::stream::iter(
                    (0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                );
                return axum::response::Response::builder()
                    .header("content-type", "application/json")
                    .body(Body::from_stream(stream))
                    .unwrap();
            }
            axum::response::Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(r#"{"results": [], "count": 0}"#))
                .unwrap()
        }
    });
    let (root, stop) = serve(app).await;
    Recorder {
        root,
        seen,
        credentials,
        _stop: stop,
    }
}

/// A customer's link to `ticket`, signed with the server's own secret, valid for
/// `valid_for` seconds (negative: already expired).
#[allow(dead_code)]
pub fn portal_link(db: &std::path::Path, ticket: i64, valid_for: i64) -> String {
    use threadline_server::{clock, db as store, portal};
    let conn = store::open(db, false).unwrap();
    let org: i64 = conn
        .query_row("SELECT org_id FROM tickets WHERE id = ?1", [ticket], |r| {
            r.get(0)
        })
        .unwrap();
    let key = portal::link::stored_secret(&conn).unwrap();
    portal::link::issue_with(&key, org, ticket, clock::now_secs() + valid_for).unwrap()
}

/// A link from an answer (relative to the server, as the Initdesk surface gives them) as a
/// URL a client can request.
#[allow(dead_code)]
pub fn absolute(root: &str, link: &str) -> String {
    if link.starts_with('/') {
        format!("{root}{link}")
    } else {
        link.to_owned()
    }
}

/// Every message (up to 100) of a ticket of the demo organisation, read through the Initdesk
/// surface with the demo token: what is stored, whatever a gateway or a customer's view made
/// of it.
#[allow(dead_code)]
pub async fn stored_thread(s: &TestServer, ticket: i64) -> Vec<serde_json::Value> {
    let page: serde_json::Value = s
        .client
        .get(format!(
            "{}/api/initdesk/organizations/1/tickets/{ticket}/messages/?page_size=100",
            s.root
        ))
        .header("X-Initdesk-Token", "demo-token-acme")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["results"].as_array().unwrap().clone()
}

/// `app` served on a free loopback port (a stand-in upstream): its root URL, and the sender
/// that stops it when dropped.
#[allow(dead_code)]
pub async fn serve(app: axum::Router) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (format!("http://{addr}"), stop)
}
