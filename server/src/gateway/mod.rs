//! Gateway mode: the server stands between the browser and a real helpdesk (or another
//! reference server) and adds the organisation's credential, which therefore never reaches a
//! browser. `/gateway/<dialect>/…` is forwarded to `--upstream` with the credential in the
//! headers that dialect documents ([`dialects`]); the served `config.json` points the app
//! there and holds no credential. This module admits, forwards and relays; the routes, the
//! upstream client, the bodies and the links are in their own files.
//!
//! Agents reach the gateway through the portal's reverse proxy, which authenticates them and
//! sets a trusted header (`--trusted-header NAME`, stripped from clients by that proxy), or
//! sends `Authorization: Bearer <agent key>` (`--agent-key-file`, or `THREADLINE_AGENT_KEY`),
//! or, embedded on the portal's own origin, `Authorization: Bearer <signed session>`
//! ([`session`], `--embed-secret-file`). Anything else gets 401 before a byte goes upstream.

mod bounded;
pub mod dialects;
mod links;
pub mod routes;
pub mod session;
mod upstream;

pub(crate) use bounded::{read_answer, stream_answer};
pub use upstream::Upstream;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::json;

use crate::initdesk::upload::download_safety;
use crate::refusal::content_type_is;
use links::rewrite_links;
use routes::{BodyKind, Refused, Route};

/// The largest request or answer passed through: an upload at the reference server's default
/// limit (25 MB) with room for its multipart envelope.
pub(crate) const MAX_BODY: usize = 26 * 1024 * 1024;

/// Where a dialect's forwarded API is mounted on the gateway: `/gateway/<dialect>`.
pub fn mount(dialect: &dialects::Dialect) -> String {
    format!("/gateway/{}", dialect.name)
}

/// How the gateway reaches the upstream API and whom it lets through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayOptions {
    /// The upstream's dialect (`--upstream-dialect`); `None` is Initdesk.
    pub upstream_dialect: Option<String>,
    /// The upstream API root (`https://api.initdesk.com/api/v1`, say), no trailing `/`.
    pub upstream: String,
    /// The organisation's credential, added to every forwarded request as its dialect says.
    pub upstream_token: String,
    /// The organisation id the app works in (Initdesk's paths name it).
    pub organization_id: String,
    /// Airclou's `X-Workspace-Id`.
    pub workspace_id: Option<String>,
    /// The header Requestor's key goes in (its documentation names none).
    pub auth_header: Option<String>,
    /// The mailboxes a Requestor reply may be emailed from.
    pub outbound_mailboxes: Vec<String>,
    /// `Authorization: Bearer` value that admits an agent.
    pub agent_key: Option<String>,
    /// A header set by the portal's reverse proxy once it has authenticated the agent.
    pub trusted_header: Option<String>,
    /// The secret the portal signs its agents' sessions with ([`session`]).
    pub embed_secret: Option<Vec<u8>>,
}

/// Request headers passed upstream (everything else, cookies and credentials included, stays;
/// a body's length is the gateway's to state, never the client's).
const FORWARDED_REQUEST: [HeaderName; 4] = [
    header::ACCEPT,
    header::CONTENT_TYPE,
    header::IF_NONE_MATCH,
    HeaderName::from_static("idempotency-key"),
];

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
    upstream: Upstream,
}

/// The gateway's routes (state included).
pub fn routes(options: GatewayOptions) -> Result<Router, String> {
    if options.agent_key.is_none()
        && options.trusted_header.is_none()
        && options.embed_secret.is_none()
    {
        return Err(
            "gateway mode needs --agent-key-file (or THREADLINE_AGENT_KEY), --trusted-header or \
             --embed-secret-file (or THREADLINE_EMBED_SECRET): without one, anyone could use the \
             organisation's token"
                .into(),
        );
    }
    let gateway = Gateway {
        upstream: Upstream::new(&options)?,
        options,
    };
    let mount = mount(gateway.upstream.dialect());
    Ok(Router::new()
        .route(&mount, any(forward))
        .route(&format!("{mount}/{{*rest}}"), any(forward))
        .with_state(gateway))
}

/// The `config.json` fields for an app behind the gateway: its dialect, the gateway's mount,
/// and what the dialect's configuration needs besides, never a credential.
pub fn app_config(options: &GatewayOptions) -> Result<serde_json::Value, String> {
    let dialect = dialects::named(options.upstream_dialect.as_deref().unwrap_or("initdesk"))?;
    // `gateway`: the app sends an embedding page's signed session here (and nowhere else).
    let mut config =
        json!({ "dialect": dialect.name, "api_base": mount(dialect), "gateway": true });
    if let (Some(config), serde_json::Value::Object(extra)) =
        (config.as_object_mut(), (dialect.config)(options))
    {
        config.extend(extra);
    }
    Ok(config)
}

/// Whom the gateway admitted: the key Threadline's own API files their settings under, and
/// their name where the portal said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admitted {
    pub agent: String,
    pub name: Option<String>,
}

/// Whether the request comes from an agent the portal vouches for: its proxy's header, the
/// agent key, or a session it signed; else why not.
pub(crate) fn admitted(
    options: &GatewayOptions,
    headers: &HeaderMap,
    now: i64,
) -> Result<Admitted, session::Refusal> {
    let trusted = options.trusted_header.as_deref().and_then(|name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    });
    if let Some(agent) = trusted {
        return Ok(Admitted {
            agent: format!("proxy:{agent}"),
            name: None,
        });
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(session::Refusal::Invalid)?;
    let keyed = options
        .agent_key
        .as_deref()
        .is_some_and(|key| constant_time_eq(bearer.as_bytes(), key.as_bytes()));
    if keyed {
        // One key for every agent: they share one identity.
        return Ok(Admitted {
            agent: "agent-key".into(),
            name: None,
        });
    }
    let secret = options
        .embed_secret
        .as_deref()
        .ok_or(session::Refusal::Invalid)?;
    let agent = session::verify(secret, bearer, &options.organization_id, now)?;
    Ok(Admitted {
        agent: format!("session:{}", agent.email.to_lowercase()),
        name: Some(agent.name).filter(|n| !n.trim().is_empty()),
    })
}

/// The 401 for a request not admitted; an expired session says so (as RFC 6750 puts it), so
/// the page asks its portal for a new one.
pub(crate) fn unauthorized(shape: crate::refusal::Shape, why: session::Refusal) -> Response {
    let (detail, challenge) = match why {
        session::Refusal::Expired => (
            "Your session has expired. Your portal renews it; nothing you wrote is lost.",
            r#"Bearer error="invalid_token", error_description="expired""#,
        ),
        session::Refusal::Invalid => (
            "Sign in through your portal to use this conversation.",
            "Bearer",
        ),
    };
    let mut response = shape(StatusCode::UNAUTHORIZED, detail);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// Compares without stopping at the first difference (the key's length is not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Admits the agent (headers only), matches the route, then streams a bounded body upstream
/// with the organisation's token, and a bounded answer back.
async fn forward(State(gw): State<Gateway>, request: Request) -> Response {
    let dialect = gw.upstream.dialect();
    let shape = dialect.shape;
    let (parts, body) = request.into_parts();
    if let Err(why) = admitted(&gw.options, &parts.headers, crate::clock::now_secs()) {
        return unauthorized(shape, why);
    }
    let below = parts
        .uri
        .path()
        .strip_prefix(mount(dialect).as_str())
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or_default();
    let (mut upstream, route) = match gw.upstream.request(&parts.method, below, parts.uri.query()) {
        Ok(pair) => pair,
        Err(Refused::NotFound) => return shape(StatusCode::NOT_FOUND, "Not found."),
        Err(Refused::Method) => {
            return shape(
                StatusCode::METHOD_NOT_ALLOWED,
                "This method is not allowed here.",
            )
        }
        Err(Refused::Query) => return shape(StatusCode::BAD_REQUEST, "Bad query."),
    };
    match route.body {
        BodyKind::Json if !content_type_is(&parts.headers, "application/json") => {
            return shape(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send this request as application/json.",
            )
        }
        BodyKind::Multipart if !content_type_is(&parts.headers, "multipart/form-data") => {
            return shape(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send this request as multipart/form-data.",
            )
        }
        _ => {}
    }
    for name in &FORWARDED_REQUEST {
        if let Some(value) = parts.headers.get(name) {
            upstream = upstream.header(name, value);
        }
    }
    let (upstream, overflow) =
        match with_body(upstream, dialect, &parts.headers, route.body, body).await {
            Ok(pair) => pair,
            Err(refusal) => return refusal,
        };
    let answer = match upstream.send().await {
        Ok(r) if r.content_length().is_some_and(|n| n > MAX_BODY as u64) => {
            return shape(
                StatusCode::BAD_GATEWAY,
                "The helpdesk's answer is too large to pass on.",
            );
        }
        Ok(r) => r,
        Err(_) if overflow.happened() => return bounded::too_large(shape),
        Err(e) => {
            eprintln!("threadline-server: gateway: {e}");
            return shape(
                StatusCode::BAD_GATEWAY,
                "The helpdesk could not be reached.",
            );
        }
    };
    relay(answer, &gw, &route).await
}

/// The request's body as the upstream gets it: none for a read; a JSON post read whole (at most
/// [`crate::refusal::MAX_POST`], as every surface takes) and refused if it would post in anyone's name but the agent's (only the
/// customer's own view may, and it does not come this way); an upload streamed, counted, and
/// stopped at [`MAX_BODY`], with its length stated when the client stated one.
async fn with_body(
    upstream: reqwest::RequestBuilder,
    dialect: &dialects::Dialect,
    headers: &HeaderMap,
    kind: BodyKind,
    body: Body,
) -> Result<(reqwest::RequestBuilder, bounded::Overflow), Response> {
    let too_large = || bounded::too_large(dialect.shape);
    match kind {
        BodyKind::None => Ok((upstream, bounded::Overflow::default())),
        BodyKind::Json => {
            let bytes = crate::refusal::body_after_admission(body)
                .await
                .map_err(|_| too_large())?;
            // What goes upstream is what was checked: one JSON object, written out again
            // (no BOM, no duplicate keys left for the upstream to read differently).
            let Ok(serde_json::Value::Object(fields)) =
                serde_json::from_slice::<serde_json::Value>(&bytes)
            else {
                return Err((dialect.shape)(
                    StatusCode::BAD_REQUEST,
                    "Send the message as a JSON object.",
                ));
            };
            if dialects::speaks_for_another(dialect, &fields) {
                return Err((dialect.shape)(
                    StatusCode::BAD_REQUEST,
                    "Agents post in their own name.",
                ));
            }
            let bytes = serde_json::to_vec(&fields).map_err(|_| too_large())?;
            Ok((upstream.body(bytes), bounded::Overflow::default()))
        }
        BodyKind::Multipart => {
            let declared = headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > MAX_BODY as u64) {
                return Err(too_large());
            }
            let (stream, overflow) = bounded::request_body(body, MAX_BODY);
            let upstream = match declared {
                Some(n) => upstream.header(header::CONTENT_LENGTH, n),
                None => upstream,
            };
            Ok((upstream.body(stream), overflow))
        }
    }
}

/// An upstream error that is not the vendor's JSON (a proxy's HTML page, a bare text), said in
/// the dialect's own shape with its status and `Retry-After`, so the app reads it as it reads
/// the vendor's errors.
fn unshaped_error(
    status: StatusCode,
    headers: &HeaderMap,
    shape: crate::refusal::Shape,
) -> Response {
    let detail = format!(
        "The helpdesk answered {} without saying why. Please try again in a moment.",
        status.as_u16()
    );
    let mut response = shape(status, &detail);
    if let Some(retry) = headers.get(header::RETRY_AFTER) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry.clone());
    }
    response
}

/// The upstream's answer, passed back with only the headers the app needs; JSON with its
/// links pointed at the gateway, files streamed, both bounded.
async fn relay(answer: reqwest::Response, gw: &Gateway, route: &Route) -> Response {
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    // The agent was admitted here; a 401 from the helpdesk is about the organisation's
    // credential, which no agent can fix by signing in again (passed on, it would send an
    // embedding page round its sign-in for ever).
    if status == StatusCode::UNAUTHORIZED {
        eprintln!("threadline-server: gateway: the helpdesk refused the organisation's credential");
        return (gw.upstream.dialect().shape)(
            StatusCode::BAD_GATEWAY,
            "The helpdesk refused this organisation's credential. Ask your administrator to check the gateway's helpdesk token.",
        );
    }
    let mut out = HeaderMap::new();
    for name in FORWARDED_RESPONSE {
        if let Some(value) = answer.headers().get(name.as_str()) {
            if let Ok(v) = HeaderValue::from_bytes(value.as_bytes()) {
                out.insert(name, v);
            }
        }
    }
    let is_json = out
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    if !status.is_success() && !status.is_redirection() && !is_json {
        return unshaped_error(status, &out, gw.upstream.dialect().shape);
    }
    let body = if is_json {
        match bounded::read_answer(answer, MAX_BODY).await {
            Ok(bytes) => Body::from(rewrite_links(
                &bytes,
                gw.upstream.base(),
                &mount(gw.upstream.dialect()),
            )),
            Err(detail) => return (gw.upstream.dialect().shape)(StatusCode::BAD_GATEWAY, detail),
        }
    } else {
        bounded::stream_answer(answer, MAX_BODY)
    };
    let mut response = (status, body).into_response();
    response.headers_mut().extend(out);
    // What comes through is never rendered on the portal's origin; a download stays one,
    // whatever disposition the upstream gave it.
    response.headers_mut().extend(download_safety());
    let inline = !response
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .is_some_and(|v| v.as_bytes().starts_with(b"attachment"));
    if route.download && inline {
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    response
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
            ..GatewayOptions::default()
        }
    }

    #[test]
    fn only_the_key_or_the_proxy_header_admits_an_agent() {
        let o = options();
        let admitted = |o: &GatewayOptions, h: &HeaderMap| admitted(o, h, 1_000).is_ok();
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
    fn a_signed_session_admits_until_it_expires() {
        let key = b"0123456789abcdef0123456789abcdef".to_vec();
        let o = GatewayOptions {
            agent_key: None,
            trusted_header: None,
            embed_secret: Some(key.clone()),
            ..options()
        };
        let agent = session::Agent {
            email: "priya@acme.example".into(),
            name: "Priya".into(),
        };
        let bearer = |token: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            );
            h
        };
        let good = session::issue(&key, "1", &agent, 2_000).unwrap();
        assert_eq!(
            admitted(&o, &bearer(&good), 1_000),
            Ok(Admitted {
                agent: "session:priya@acme.example".into(),
                name: Some("Priya".into())
            })
        );
        assert_eq!(
            admitted(&o, &bearer(&good), 2_000),
            Err(session::Refusal::Expired)
        );
        let elsewhere = session::issue(&key, "2", &agent, 2_000).unwrap();
        assert_eq!(
            admitted(&o, &bearer(&elsewhere), 1_000),
            Err(session::Refusal::Invalid)
        );
        // Neither the proxy's header nor an agent key is configured: they admit nobody.
        let mut proxy = HeaderMap::new();
        proxy.insert(
            "x-portal-user",
            HeaderValue::from_static("alice@acme.example"),
        );
        assert!(admitted(&o, &proxy, 1_000).is_err());
        assert!(admitted(&o, &bearer("agent-key"), 1_000).is_err());
        assert!(routes(o).is_ok());
    }
}
