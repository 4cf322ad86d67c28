//! The app itself: the built files (with the SPA fallback to index.html) and `config.json`,
//! which tells one build which backend to talk to; and the Content-Security-Policy every
//! response carries. Files are served as production serves them: the build's brotli or gzip
//! twin when the browser accepts it (`Vary: Accept-Encoding`), hashed names cached for a
//! year, everything else (the page, the embed loader) revalidated on every use.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

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
        // Saved replies and signatures: this server keeps them.
        "threadline_api": crate::own_api::MOUNT,
        // The event stream beside it (`/threadline-api/events`): the app polls only without it.
        "live": true,
    });
    // A gateway's app talks to the gateway; otherwise to the chosen surface of this server.
    let backend = match state.gateway_config() {
        Some(gateway) => gateway.clone(),
        None => match state.dialect() {
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
        },
    };
    if let (Some(config), Value::Object(backend)) = (config.as_object_mut(), backend) {
        config.extend(backend);
    }
    Json(config)
}

/// The policy for the app: scripts only from this origin plus the one inline loader Trunk
/// writes (by its hash), WebAssembly compiled but no `eval`, styles from this origin (and the
/// sanitized `style` attributes of email HTML, which cannot load anything: the sanitizer drops
/// `url(` in styles), images from anywhere once the agent shows them, requests only to this
/// origin (the API, or the gateway in front of it), no plugins, no frames but this origin's own
/// pages (the examples frame the app), no form posts elsewhere.
/// Pages that may frame the app (the iframe mode) are `'self'` and `frame_ancestors`.
pub fn content_security_policy(index_html: &str, frame_ancestors: &[String]) -> String {
    let hashes: String = inline_scripts(index_html)
        .iter()
        .map(|script| {
            use base64::Engine;
            use sha2::Digest;
            let digest = sha2::Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' https: http: data: blob:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; \
         form-action 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'{}",
        frame_ancestors
            .iter()
            .map(|origin| format!(" {origin}"))
            .collect::<String>()
    )
}

/// The text of each inline `<script>` (one without `src`) in a page.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            scripts.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    scripts
}

/// Routes for the app: `config.json`, then the files in `dist`, else index.html; every
/// response with the Content-Security-Policy.
pub fn routes(dist: Option<&Path>, frame_ancestors: &[String]) -> Router<AppState> {
    let router = Router::new().route("/config.json", get(config_json));
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let index: PathBuf = dist.join("index.html");
            let policy = std::fs::read_to_string(&index)
                .map(|html| content_security_policy(&html, frame_ancestors))
                .unwrap_or_default();
            let files = ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(index)
                        .precompressed_br()
                        .precompressed_gzip(),
                );
            let files = Router::new()
                .fallback_service(files)
                .layer(axum::middleware::from_fn(caching));
            let router = router.merge(files);
            match HeaderValue::from_str(&policy) {
                Ok(value) if !policy.is_empty() => router.layer(
                    SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, value),
                ),
                _ => router,
            }
        }
        None => router.fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Threadline app is not built. Run `cargo xtask dev` from the project root.",
            )
        }),
    }
}

/// Whether a file's name, or the folder it is in, carries the build's content hash (Trunk's
/// `name-<hex>`, as in `threadline-5b1e0c2a9d8f7e6d_bg.wasm`, and the build's chunks in
/// `threadline-5b1e0c2a9d8f7e6d-chunks/`): its content never changes under that path.
fn is_hashed(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let folder = segments.next().unwrap_or_default();
    [name, folder].iter().any(|segment| {
        segment
            .split(['-', '_', '.'])
            .any(|part| part.len() >= 12 && part.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// Whether a path names one of a build's own files (script, wasm or style under a hashed
/// name), never a route of the app.
fn is_build_asset(path: &str) -> bool {
    let extension = path.rsplit('/').next().and_then(|n| n.rsplit_once('.'));
    matches!(extension, Some((_, "js" | "wasm" | "css"))) && is_hashed(path)
}

/// How long a browser may keep a file: a year for a hashed one, else until it asks again
/// (`no-cache`: the page and the embed loader must name the newest build).
fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Middleware for the app's files: their cache rule, and `Vary: Accept-Encoding` (one URL
/// answers brotli, gzip or plain).
async fn caching(request: Request, next: Next) -> Response {
    let request_path = request.uri().path().to_owned();
    let rule = cache_control(&request_path);
    let mut response = next.run(request).await;
    // A hashed name this build does not have gets the page (the SPA fallback), which must not
    // be kept for a year under that name.
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    // A build file that is not here (an older build's chunk, asked for by a tab opened before a
    // deploy) is missing, not the page: a 404 lets the app say so instead of failing to
    // compile HTML as wasm.
    if page && is_build_asset(request_path.as_str()) {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
            "Not found: this file belongs to another build of the app. Reload the page.",
        )
            .into_response();
    }
    let rule = if page || !response.status().is_success() {
        "no-cache"
    } else {
        rule
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::{cache_control, content_security_policy, inline_scripts};

    #[test]
    fn build_assets_are_told_from_app_routes() {
        for asset in [
            "/threadline-5b1e0c2a9d8f7e6d_bg.wasm",
            "/threadline-5b1e0c2a9d8f7e6d-chunks/split_composer.wasm",
            "/threadline-5b1e0c2a9d8f7e6d-chunks/link.js",
            "/main-0123456789abcdef.css",
        ] {
            assert!(super::is_build_asset(asset), "{asset}");
        }
        for route in [
            "/tickets/123456789012",
            "/public/embed.js",
            "/",
            "/portal/abc.def",
        ] {
            assert!(!super::is_build_asset(route), "{route}");
        }
    }

    #[test]
    fn only_hashed_files_are_kept_for_a_year() {
        let year = "public, max-age=31536000, immutable";
        for hashed in [
            "/threadline-5b1e0c2a9d8f7e6d_bg.wasm",
            "/threadline-5b1e0c2a9d8f7e6d.js",
            "/main-0123456789abcdef.css",
            "/threadline-5b1e0c2a9d8f7e6d-chunks/link.js",
            "/threadline-5b1e0c2a9d8f7e6d-chunks/split_composer.wasm",
        ] {
            assert_eq!(cache_control(hashed), year, "{hashed}");
        }
        for fresh in [
            "/",
            "/index.html",
            "/tickets/2",
            "/public/embed.js",
            "/examples/admin-portal.html",
            "/public/favicon.svg",
        ] {
            assert_eq!(cache_control(fresh), "no-cache", "{fresh}");
        }
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_loader_by_hash() {
        let page = r#"<head><script type="module">import init from '/a.js';init();</script>
            <script src="/b.js"></script><script>x()</script></head>"#;
        assert_eq!(
            inline_scripts(page),
            ["import init from '/a.js';init();", "x()"]
        );
        let policy = content_security_policy(page, &[]);
        assert_eq!(policy.matches("'sha256-").count(), 2);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"));
        assert!(!policy.contains(" 'unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(policy.contains("default-src 'none'") && policy.contains("object-src 'none'"));
        assert!(policy.ends_with("frame-ancestors 'self'"));
        let framed = content_security_policy(page, &["https://portal.example".to_owned()]);
        assert!(framed.ends_with("frame-ancestors 'self' https://portal.example"));
    }
}
