//! The app itself: the built files (with the SPA fallback to index.html) and `config.json`,
//! which tells one build which backend to talk to.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::{ServeDir, ServeFile};

use crate::{AppState, Dialect};

/// The demo organisation and its token (seeded by [`crate::demo`]).
pub const DEMO_ORG: i64 = 1;
pub const DEMO_TOKEN: &str = "demo-token-acme";

/// The InboxOps demo key (seeded by [`crate::demo::seed_api_keys`]).
pub const DEMO_INBOXOPS_KEY: &str = "ixk_demo_acme";
/// The Airclou demo session token.
pub const DEMO_AIRCLOU_TOKEN: &str = "acs_demo_acme";
/// The Requestor demo key.
pub const DEMO_REQUESTOR_KEY: &str = "rqk_demo_acme";

/// `config.json` for the embedded demo: the chosen surface of this same server.
async fn config_json(State(state): State<AppState>) -> impl IntoResponse {
    let mut config = json!({
        "poll_seconds": state.poll_seconds(),
        "undo_seconds": state.undo_seconds(),
        "max_upload_mb": state.max_upload_bytes() / 1_000_000,
        "mode": "agent",
    });
    let backend = match state.dialect() {
        Dialect::Initdesk => json!({
            "dialect": "initdesk",
            "api_base": crate::initdesk::MOUNT,
            "organization_id": DEMO_ORG.to_string(),
            "token": DEMO_TOKEN,
        }),
        Dialect::Airclou => json!({
            "dialect": "airclou",
            "api_base": crate::airclou::MOUNT,
            "token": DEMO_AIRCLOU_TOKEN,
            "workspace_id": state
                .db()
                .ok()
                .and_then(|conn| crate::airclou::workspace_id(&conn, DEMO_ORG).ok()),
        }),
        Dialect::InboxOps => json!({
            "dialect": "inboxops",
            "api_base": crate::inboxops::MOUNT,
            "token": DEMO_INBOXOPS_KEY,
        }),
        Dialect::Requestor => json!({
            "dialect": "requestor",
            "api_base": crate::requestor::MOUNT,
            "auth_header": "X-Requestor-Key",
            "token": DEMO_REQUESTOR_KEY,
            "outbound_mailboxes": state
                .db()
                .ok()
                .and_then(|conn| crate::requestor::mailboxes(&conn, DEMO_ORG).ok())
                .unwrap_or_default(),
        }),
    };
    if let (Some(config), Value::Object(backend)) = (config.as_object_mut(), backend) {
        config.extend(backend);
    }
    Json(config)
}

/// Routes for the app: `config.json`, then the files in `dist`, else index.html.
pub fn routes(dist: Option<&Path>) -> Router<AppState> {
    let router = Router::new().route("/config.json", get(config_json));
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let index: PathBuf = dist.join("index.html");
            router.fallback_service(ServeDir::new(dist).fallback(ServeFile::new(index)))
        }
        None => router.fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Threadline app is not built. Run `cargo xtask dev` from the project root.",
            )
        }),
    }
}
