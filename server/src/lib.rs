//! threadline-server: the reference backend Threadline is developed and tested against, and
//! the server that runs the app in `cargo xtask dev`. One SQLite store; the Initdesk surface
//! under `/api/initdesk`; the built app and its `config.json` at `/`.

pub mod clock;
pub mod db;
pub mod demo;
mod error;
pub mod initdesk;
mod ratelimit;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use rusqlite::Connection;

use crate::error::HttpError;
use crate::ratelimit::RateLimiter;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Options {
    /// The SQLite database file (created, with demo data, if new).
    pub db: PathBuf,
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    /// The built app (Trunk's `dist/`), if it should be served.
    pub dist: Option<PathBuf>,
    /// Drop everything and load the demo data again.
    pub reset_demo: bool,
    /// Requests per minute per token (CONTRACT.md: 60).
    pub rate_limit_per_minute: u32,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// How often the app looks for new messages (`config.json`'s `poll_seconds`).
    pub poll_seconds: u32,
    /// Extra tickets with this many messages each, for benchmarks.
    pub long_threads: Vec<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            db: PathBuf::from("threadline.sqlite3"),
            host: "127.0.0.1".into(),
            port: 8080,
            dist: None,
            reset_demo: false,
            rate_limit_per_minute: 60,
            max_upload_bytes: 25 * 1_000_000,
            poll_seconds: 30,
            long_threads: Vec::new(),
        }
    }
}

struct Inner {
    db: Mutex<Connection>,
    limiter: Mutex<RateLimiter>,
    max_upload_bytes: u64,
    poll_seconds: u32,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// The database connection (SQLite serialises writers anyway).
    pub(crate) fn db(&self) -> Result<MutexGuard<'_, Connection>, HttpError> {
        self.0
            .db
            .lock()
            .map_err(|e| HttpError::internal("database lock", e))
    }

    pub(crate) fn rate_limit(&self, key: &str, now: Instant) -> Result<(), HttpError> {
        let mut limiter = self
            .0
            .limiter
            .lock()
            .map_err(|e| HttpError::internal("rate limiter lock", e))?;
        limiter.check(key, now).map_err(HttpError::rate_limited)
    }

    pub(crate) fn max_upload_bytes(&self) -> u64 {
        self.0.max_upload_bytes
    }

    pub(crate) fn poll_seconds(&self) -> u32 {
        self.0.poll_seconds
    }
}

/// A bound, ready server.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Server {
    /// Opens the database and binds the port.
    pub async fn bind(options: &Options) -> Result<Server, String> {
        let conn = db::open(&options.db, options.reset_demo)
            .map_err(|e| format!("cannot open database {}: {e}", options.db.display()))?;
        for count in &options.long_threads {
            let id = demo::add_long_thread(&conn, clock::now_secs(), *count)
                .map_err(|e| format!("cannot add a thread of {count}: {e}"))?;
            println!("threadline-server: ticket {id} has {count} messages");
        }
        let state = AppState(Arc::new(Inner {
            db: Mutex::new(conn),
            limiter: Mutex::new(RateLimiter::new(options.rate_limit_per_minute)),
            max_upload_bytes: options.max_upload_bytes,
            poll_seconds: options.poll_seconds,
        }));
        let router = Router::new()
            .nest(initdesk::MOUNT, initdesk::routes())
            .merge(web::routes(options.dist.as_deref()))
            .with_state(state);
        let addr = format!("{}:{}", options.host, options.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        Ok(Server { listener, router })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, String> {
        self.listener.local_addr().map_err(|e| e.to_string())
    }

    /// Serves until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| e.to_string())
    }
}
