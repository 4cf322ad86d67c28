//! threadline-server: the reference backend Threadline is developed and tested against, and
//! the server that runs the app in `cargo xtask dev`. One SQLite store; the Initdesk surface
//! under `/api/initdesk`; the built app and its `config.json` at `/`.

pub mod airclou;
pub mod clock;
mod cors;
pub mod db;
pub mod demo;
mod error;
#[cfg(feature = "fault-switch")]
mod faults;
pub mod gateway;
mod guard;
pub mod inboxops;
pub mod initdesk;
pub mod live;
pub mod own_api;
pub mod portal;
mod ratelimit;
mod refusal;
pub mod requestor;
pub mod secret;
mod serve;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use rusqlite::Connection;

use crate::error::HttpError;
use crate::ratelimit::RateLimiter;

/// The highest page number any list accepts: far past any real thread, and small enough that
/// no offset computed from it can overflow.
pub(crate) const MAX_PAGE: u64 = 1_000_000;

/// Read-only connections kept for long reads.
const READERS: usize = 4;

/// The helpdesk APIs this server speaks; every surface is always served, this picks the one
/// the app's `config.json` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Initdesk,
    Airclou,
    InboxOps,
    Requestor,
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "initdesk" => Ok(Dialect::Initdesk),
            "airclou" => Ok(Dialect::Airclou),
            "inboxops" => Ok(Dialect::InboxOps),
            "requestor" => Ok(Dialect::Requestor),
            other => Err(format!(
                "unknown dialect {other:?} (initdesk, airclou, inboxops or requestor)"
            )),
        }
    }
}

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
    /// Requests per minute per token (docs/api/CONTRACT.md: 60).
    pub rate_limit_per_minute: u32,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// How often the app looks for new messages (`config.json`'s `poll_seconds`).
    pub poll_seconds: u32,
    /// How long a sent message can be undone in the app (`config.json`'s `undo_seconds`).
    pub undo_seconds: u32,
    /// Which surface the served `config.json` points the app at.
    pub dialect: Dialect,
    /// Extra tickets with this many messages each, for benchmarks.
    pub long_threads: Vec<u32>,
    /// Origins (besides this one) whose pages embed the app (`--allowed-origins`, alias
    /// `--frame-ancestors`): they get CORS on the app's files and APIs, may send writes, and
    /// may frame the app (the iframe mode). Each is `scheme://host[:port]`, lower case.
    pub allowed_origins: Vec<String>,
    /// Gateway mode: forward the app's API to a real helpdesk, adding its token.
    pub gateway: Option<gateway::GatewayOptions>,
    /// The secret that signs customer links (`--link-secret-file`, `THREADLINE_LINK_SECRET`);
    /// else one is made and kept in the database.
    pub link_secret: Option<Vec<u8>>,
    /// Demo mode on an address other than loopback: its `config.json` hands the demo
    /// organisation's token to anyone who can reach it, so this must be asked for.
    pub demo_public: bool,
    /// Fan live events and presence out through this Redis (`redis://host:port`), so agents
    /// on several instances see each other; `None`: this instance's memory only.
    pub redis: Option<String>,
    /// Gateway mode: how often each ticket with viewers is looked at upstream (one request
    /// per ticket, whoever watches it).
    pub watch_seconds: u32,
    /// Serve `/__test/faults` and inject the faults armed there (test builds only).
    #[cfg(feature = "fault-switch")]
    pub fault_switch: bool,
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
            undo_seconds: 5,
            dialect: Dialect::Initdesk,
            long_threads: Vec::new(),
            allowed_origins: Vec::new(),
            gateway: None,
            demo_public: false,
            link_secret: None,
            redis: None,
            watch_seconds: 10,
            #[cfg(feature = "fault-switch")]
            fault_switch: false,
        }
    }
}

struct Inner {
    db: Mutex<Connection>,
    /// Read-only connections for reads that may be long (WAL lets them run beside the
    /// writer): taken by [`AppState::read`], off the async workers.
    readers: Vec<Mutex<Connection>>,
    limiter: Mutex<RateLimiter>,
    max_upload_bytes: u64,
    poll_seconds: u32,
    undo_seconds: u32,
    dialect: Dialect,
    /// The app's API settings when this server is a gateway (no token in them).
    gateway_config: Option<serde_json::Value>,
    /// The configured link secret, else the one kept in the database.
    link_secret: Vec<u8>,
    /// Live events and presence.
    live: live::Live,
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

    /// Runs `read` on a reader connection in a blocking thread: however long a thread's read
    /// takes, it neither holds the writers' lock nor an async worker, so other tenants' requests
    /// go on meanwhile.
    pub(crate) async fn read<T, E>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<HttpError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let readers = &state.0.readers;
            // A free reader if there is one, else wait for one (this is a blocking thread).
            let guard = match readers.iter().find_map(|r| r.try_lock().ok()) {
                Some(guard) => guard,
                None => match readers.first() {
                    Some(r) => r
                        .lock()
                        .map_err(|e| HttpError::internal("reader lock", e))?,
                    None => return read(&*state.db()?),
                },
            };
            read(&guard)
        })
        .await
        .map_err(|e| E::from(HttpError::internal("read task", e)))?
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

    pub(crate) fn undo_seconds(&self) -> u32 {
        self.0.undo_seconds
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.0.dialect
    }

    /// The key that signs customer links (settled once, when the server starts).
    pub(crate) fn link_key(&self) -> &[u8] {
        &self.0.link_secret
    }

    /// The hub of live events and presence.
    pub(crate) fn live(&self) -> &live::Live {
        &self.0.live
    }

    pub(crate) fn gateway_config(&self) -> Option<&serde_json::Value> {
        self.0.gateway_config.as_ref()
    }
}

/// A surface's routes with the framework's refusals in its error shape.
fn shaped(routes: Router<AppState>, shape: refusal::Shape) -> Router<AppState> {
    routes.layer(axum::middleware::map_response_with_state(
        shape,
        refusal::shaped_refusals,
    ))
}

/// Whether `host` names only this machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Demo mode serves the demo organisation's token in `config.json` (it *is* the helpdesk):
/// on loopback that is a developer's machine; anywhere else only when asked for, loudly.
fn demo_exposure(options: &Options) -> Result<(), String> {
    if options.gateway.is_some() || is_loopback(&options.host) {
        return Ok(());
    }
    if !options.demo_public {
        return Err(format!(
            "demo mode hands its organisation token to every visitor (config.json), so it binds \
             only to loopback (127.0.0.1, ::1, localhost), not {:?}. Run a gateway \
             (--upstream …) for real use, or pass --demo-public to expose the demo anyway.",
            options.host
        ));
    }
    eprintln!(
        "threadline-server: WARNING: demo mode on {} with --demo-public: the demo token in \
         config.json is public, and anyone who reaches this address can read and write every \
         demo ticket.",
        options.host
    );
    Ok(())
}

/// Which deployment this instance belongs to, for sharing live events through Redis: the demo,
/// or a gateway to one upstream organisation (hashed, so no URL goes into Redis).
fn live_scope(options: &Options) -> String {
    use sha2::Digest;
    match &options.gateway {
        None => "demo".to_owned(),
        Some(gw) => {
            let digest =
                sha2::Sha256::digest(format!("{}\n{}", gw.upstream, gw.organization_id).as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("gateway:{hex}")
        }
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
        demo_exposure(options)?;
        // A gateway's own store holds settings only: no demo organisation, no demo token.
        let conn = if options.gateway.is_some() {
            db::open_store(&options.db)
        } else {
            db::open(&options.db, options.reset_demo)
        }
        .map_err(|e| format!("cannot open database {}: {e}", options.db.display()))?;
        for count in &options.long_threads {
            let id = demo::add_long_thread(&conn, clock::now_secs(), *count)
                .map_err(|e| format!("cannot add a thread of {count}: {e}"))?;
            println!("threadline-server: ticket {id} has {count} messages");
        }
        let link_secret = match &options.link_secret {
            Some(secret) => secret.clone(),
            None => portal::link::stored_secret(&conn)
                .map_err(|e| format!("cannot read the link secret: {e}"))?,
        };
        let readers = (0..READERS)
            .map(|_| db::open_reader(&options.db).map(Mutex::new))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| format!("cannot open database {}: {e}", options.db.display()))?;
        let live = live::Live::start(options.redis.as_deref(), &live_scope(options))?;
        if options.gateway.is_none() {
            live::feed::attach(&conn, &options.db, live.clone());
        }
        let state = AppState(Arc::new(Inner {
            db: Mutex::new(conn),
            readers,
            limiter: Mutex::new(RateLimiter::new(options.rate_limit_per_minute)),
            max_upload_bytes: options.max_upload_bytes,
            poll_seconds: options.poll_seconds,
            undo_seconds: options.undo_seconds,
            dialect: options.dialect,
            gateway_config: options
                .gateway
                .as_ref()
                .map(gateway::app_config)
                .transpose()?,
            link_secret,
            live: live.clone(),
        }));
        #[cfg(feature = "fault-switch")]
        let test_routes = options.fault_switch.then(|| {
            portal::test_routes()
                .merge(demo::test_routes())
                .merge(live::test_routes())
                .with_state(state.clone())
        });
        // A gateway serves the app, the forwarded API and Threadline's own API (saved replies,
        // signatures): none of the local surfaces, so no helpdesk data of its store is reachable.
        let router = match &options.gateway {
            Some(gw) => {
                let upstream = gateway::Upstream::new(gw)?;
                live::watch::start(
                    &live,
                    upstream.clone(),
                    gw,
                    std::time::Duration::from_secs(u64::from(options.watch_seconds.max(1))),
                )?;
                // Customers' links, where the gateway can serve them for this dialect.
                let portal = portal::upstream::routes(upstream)
                    .map(|routes| shaped(routes, refusal::detail_shape));
                let router = match portal {
                    Some(portal) => Router::new().nest(portal::MOUNT, portal),
                    None => Router::new(),
                };
                router
                    .merge(web::routes(
                        options.dist.as_deref(),
                        &options.allowed_origins,
                    ))
                    .with_state(state.clone())
                    .merge(gateway::routes(gw.clone())?)
                    .merge(own_api::routes(state, Some(gw.clone())))
            }
            None => Router::new()
                .nest(
                    initdesk::MOUNT,
                    shaped(initdesk::routes(), refusal::detail_shape),
                )
                .nest(
                    airclou::MOUNT,
                    shaped(airclou::routes(), airclou::framework_error),
                )
                .nest(
                    inboxops::MOUNT,
                    shaped(inboxops::routes(), inboxops::framework_error),
                )
                .nest(
                    requestor::MOUNT,
                    shaped(requestor::routes(), requestor::framework_error),
                )
                .nest(
                    portal::MOUNT,
                    shaped(portal::routes(), refusal::detail_shape),
                )
                .merge(web::routes(
                    options.dist.as_deref(),
                    &options.allowed_origins,
                ))
                .with_state(state.clone())
                .merge(own_api::routes(state, None)),
        };
        #[cfg(feature = "fault-switch")]
        let router = if options.fault_switch {
            println!("threadline-server: fault switch on ({})", faults::PATH);
            let armed = faults::Faults::default();
            router
                .layer(axum::middleware::from_fn_with_state(
                    armed.clone(),
                    faults::inject,
                ))
                .merge(faults::routes(armed))
                .merge(test_routes.unwrap_or_default())
        } else {
            router
        };
        let allowed = guard::AllowedOrigins::new(&options.allowed_origins);
        let router = router
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                serve::BODY_IDLE,
            ))
            .layer(axum::middleware::from_fn_with_state(
                allowed.clone(),
                guard::refuse_foreign_writes,
            ))
            // Preflights are answered here, before any route; answers get the headers below.
            .layer(axum::middleware::from_fn_with_state(
                cors::CrossOrigin {
                    allowed,
                    withheld_header: options
                        .gateway
                        .as_ref()
                        .and_then(|g| g.trusted_header.clone()),
                },
                cors::cross_origin,
            ))
            .layer(axum::middleware::from_fn(guard::security_headers));
        // Demo mode holds a token: on loopback, only requests addressed to loopback.
        let router = if options.gateway.is_none() && !options.demo_public {
            router.layer(axum::middleware::from_fn(guard::loopback_host_only))
        } else {
            router
        };
        let addr = format!("{}:{}", options.host, options.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        Ok(Server { listener, router })
    }

    /// Every path the router serves (read from its description), so that a test can cover all
    /// routes and a new one cannot be forgotten.
    pub fn route_paths(&self) -> Vec<String> {
        let described = format!("{:?}", self.router);
        let mut paths: Vec<String> = described
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|p| p.starts_with('/'))
            .map(str::to_owned)
            .collect();
        paths.sort();
        paths.dedup();
        paths
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
        serve::serve(self.listener, self.router, shutdown).await
    }
}
