//! Gateway mode: the server stands between the browser and a real Initdesk (or another
//! reference server) and adds the organisation's token, which therefore never reaches a
//! browser. `/gateway/initdesk/…` is forwarded to `--upstream` with `X-Initdesk-Token`; the
//! served `config.json` points the app there and holds no token.
//!
//! Agents reach the gateway through the portal's reverse proxy, which authenticates them and
//! sets a trusted header (`--trusted-header NAME`, stripped from clients by that proxy), or
//! sends `Authorization: Bearer <agent key>` (`--agent-key-file`, or `THREADLINE_AGENT_KEY`).
//! Anything else gets 401 before a byte goes upstream.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::json;

use crate::initdesk::upload::download_safety;

/// The largest request or answer passed through: an upload at the reference server's default
/// limit (25 MB) with room for its multipart envelope.
const MAX_BODY: usize = 26 * 1024 * 1024;

/// Where the forwarded API is mounted on the gateway.
pub const MOUNT: &str = "/gateway/initdesk";

/// How the gateway reaches the upstream API and whom it lets through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayOptions {
    /// The upstream Initdesk API root (`https://api.initdesk.com/api/v1`, say), no trailing `/`.
    pub upstream: String,
    /// The organisation's Initdesk token, added to every forwarded request.
    pub upstream_token: String,
    /// The organisation id the app works in.
    pub organization_id: String,
    /// `Authorization: Bearer` value that admits an agent.
    pub agent_key: Option<String>,
    /// A header set by the portal's reverse proxy once it has authenticated the agent.
    pub trusted_header: Option<String>,
}

/// Request headers passed upstream (everything else, cookies and credentials included, stays).
const FORWARDED_REQUEST: [HeaderName; 3] =
    [header::ACCEPT, header::CONTENT_TYPE, header::IF_NONE_MATCH];
/// Response headers passed back.
const FORWARDED_RESPONSE: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::CONTENT_DISPOSITION,
    header::RETRY_AFTER,
    header::ETAG,
];

#[derive(Clone)]
struct Gateway {
    options: GatewayOptions,
    client: reqwest::Client,
    /// The gateway's own public prefix, replacing the upstream's in JSON bodies (its `next`
    /// and download links), so the app follows them through the gateway.
    public_prefix: String,
}

/// The gateway's routes (state included).
pub fn routes(options: GatewayOptions) -> Result<Router, String> {
    if options.agent_key.is_none() && options.trusted_header.is_none() {
        return Err(
            "gateway mode needs --agent-key-file (or THREADLINE_AGENT_KEY) or --trusted-header: \
             without one, anyone could use the organisation's token"
                .into(),
        );
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the upstream client: {e}"))?;
    let gateway = Gateway {
        options,
        client,
        public_prefix: MOUNT.to_owned(),
    };
    Ok(Router::new()
        .route(
            &format!("{MOUNT}/{{*rest}}"),
            any(forward).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .with_state(gateway))
}

/// The `config.json` fields for an app behind the gateway: no token.
pub fn app_config(options: &GatewayOptions) -> serde_json::Value {
    json!({
        "dialect": "initdesk",
        "api_base": MOUNT,
        "organization_id": options.organization_id,
    })
}

fn refuse(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

/// Whether the request comes from an agent the portal vouches for.
fn admitted(options: &GatewayOptions, headers: &HeaderMap) -> bool {
    let trusted = options.trusted_header.as_deref().is_some_and(|name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty())
    });
    let keyed = options.agent_key.as_deref().is_some_and(|key| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), key.as_bytes()))
    });
    trusted || keyed
}

/// Compares without stopping at the first difference (the key's length is not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn forward(
    State(gw): State<Gateway>,
    Path(rest): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !admitted(&gw.options, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Sign in through your portal to use this conversation.",
        );
    }
    // Only paths under the API, never `..` out of it. The path arrives decoded: a `\\` would
    // be read as a separator upstream, and `?` or `#` would end the path there.
    if rest.split('/').any(|s| s == ".." || s == ".") || rest.contains(['\\', '?', '#']) {
        return refuse(StatusCode::BAD_REQUEST, "Bad path.");
    }
    let mut url = format!("{}/{rest}", gw.options.upstream);
    if let Some(query) = uri.query() {
        url.push('?');
        url.push_str(query);
    }
    let mut request = gw
        .client
        .request(method, &url)
        .header("X-Initdesk-Token", &gw.options.upstream_token);
    for name in FORWARDED_REQUEST
        .iter()
        .chain([&HeaderName::from_static("idempotency-key")])
    {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value);
        }
    }
    let upstream = match request.body(body).send().await {
        Ok(r) if r.content_length().is_some_and(|n| n > MAX_BODY as u64) => {
            return refuse(
                StatusCode::BAD_GATEWAY,
                "The helpdesk's answer is too large to pass on.",
            );
        }
        Ok(r) => r,
        Err(e) => {
            eprintln!("threadline-server: gateway: {url}: {e}");
            return refuse(
                StatusCode::BAD_GATEWAY,
                "The helpdesk could not be reached.",
            );
        }
    };
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HeaderMap::new();
    for name in FORWARDED_RESPONSE {
        if let Some(value) = upstream.headers().get(name.as_str()) {
            if let Ok(v) = HeaderValue::from_bytes(value.as_bytes()) {
                out.insert(name, v);
            }
        }
    }
    let is_json = out
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    let bytes = match upstream.bytes().await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("threadline-server: gateway: {url}: {e}");
            return refuse(
                StatusCode::BAD_GATEWAY,
                "The helpdesk's answer was cut off.",
            );
        }
    };
    let body = if is_json {
        Body::from(rewrite_links(
            &bytes,
            &gw.options.upstream,
            &gw.public_prefix,
        ))
    } else {
        Body::from(bytes)
    };
    let mut response = (status, body).into_response();
    response.headers_mut().extend(out);
    // What comes through is never rendered on the portal's origin; a download stays one.
    response.headers_mut().extend(download_safety());
    if rest.contains("/download") && !response.headers().contains_key(header::CONTENT_DISPOSITION) {
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    response
}

/// The upstream's absolute links (`next`, downloads) made to point at the gateway. A body
/// that is not UTF-8 is passed through untouched.
fn rewrite_links(body: &[u8], upstream: &str, public_prefix: &str) -> Vec<u8> {
    match std::str::from_utf8(body) {
        Ok(text) => text
            .replace(&format!("{upstream}/"), &format!("{public_prefix}/"))
            .into_bytes(),
        Err(_) => body.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> GatewayOptions {
        GatewayOptions {
            upstream: "https://api.initdesk.example/v1".into(),
            upstream_token: "org-token".into(),
            organization_id: "1".into(),
            agent_key: Some("agent-key".into()),
            trusted_header: Some("x-portal-user".into()),
        }
    }

    #[test]
    fn only_the_key_or_the_proxy_header_admits_an_agent() {
        let o = options();
        let mut h = HeaderMap::new();
        assert!(!admitted(&o, &h));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer agent-kez"),
        );
        assert!(!admitted(&o, &h));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer agent-key"),
        );
        assert!(admitted(&o, &h));
        let mut p = HeaderMap::new();
        p.insert("x-portal-user", HeaderValue::from_static("   "));
        assert!(!admitted(&o, &p));
        p.insert(
            "x-portal-user",
            HeaderValue::from_static("alice@acme.example"),
        );
        assert!(admitted(&o, &p));
        assert!(routes(GatewayOptions {
            agent_key: None,
            trusted_header: None,
            ..o
        })
        .is_err());
    }

    #[test]
    fn upstream_links_point_at_the_gateway() {
        let body =
            br#"{"next": "https://api.initdesk.example/v1/organizations/1/tickets/?page=2"}"#;
        let out = rewrite_links(body, "https://api.initdesk.example/v1", MOUNT);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"next": "/gateway/initdesk/organizations/1/tickets/?page=2"}"#
        );
    }
}
