//! The app itself: the built files (with the SPA fallback to index.html) and `config.json`,
//! which tells one build which backend to talk to.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

/// The demo organisation and its token (seeded by [`crate::demo`]).
pub const DEMO_ORG: i64 = 1;
pub const DEMO_TOKEN: &str = "demo-token-acme";

/// `config.json` for the embedded demo: the Initdesk surface of this same server.
async fn config_json(State(state): State<AppState>) -> impl IntoResponse {
    Json(json!({
        "poll_seconds": state.poll_seconds(),
        "dialect": "initdesk",
        "api_base": crate::initdesk::MOUNT,
        "organization_id": DEMO_ORG.to_string(),
        "token": DEMO_TOKEN,
        "mode": "agent",
    }))
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
