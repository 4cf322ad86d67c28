//! Threadline's own API, under `/threadline-api`: what the helpdesk APIs cannot store for us,
//! kept in this server's SQLite database (the reference server's in demo mode, the gateway's
//! store in production). Saved replies are per organisation ([`saved_replies`]); signatures
//! and what each agent has seen of a ticket per agent ([`signature`], [`seen`]); a ticket's
//! live events and the agents' presence on it ([`live`]). Every route admits its caller on the headers before it reads a
//! body ([`admission`]): in demo mode with the credential of any helpdesk surface this server
//! speaks, behind a gateway as the gateway admits agents. Errors are shaped as Initdesk's
//! (`{"detail": …}`, `{"field": ["…"]}`), which the app already reads.

mod admission;
mod live;
mod saved_replies;
mod seen;
mod signature;

use axum::routing::get;
use axum::Router;

use crate::gateway::GatewayOptions;
use crate::AppState;

/// Where the API is mounted (`config.json`'s `threadline_api`).
pub const MOUNT: &str = "/threadline-api";

/// The state of every route: the store, and how callers are admitted.
#[derive(Clone)]
struct OwnApi {
    app: AppState,
    /// `None`: demo mode (this server's own helpdesk credentials).
    gateway: Option<std::sync::Arc<GatewayOptions>>,
}

/// The API's routes, mounted at [`MOUNT`].
pub fn routes(app: AppState, gateway: Option<GatewayOptions>) -> Router {
    let routes = Router::new()
        .route(
            "/saved-replies",
            get(saved_replies::list).post(saved_replies::create),
        )
        .route(
            "/saved-replies/{id}",
            axum::routing::put(saved_replies::update).delete(saved_replies::delete),
        )
        .route("/signature", get(signature::read).put(signature::write))
        .route("/seen/{ticket}", get(seen::read).put(seen::write))
        .route("/events", get(live::events))
        .route("/presence/{ticket}", axum::routing::post(live::presence))
        .fallback(|| async { crate::error::HttpError::not_found() })
        .layer(axum::middleware::map_response_with_state(
            crate::refusal::detail_shape as crate::refusal::Shape,
            crate::refusal::shaped_refusals,
        ))
        .with_state(OwnApi {
            app,
            gateway: gateway.map(std::sync::Arc::new),
        });
    Router::new().nest(MOUNT, routes)
}

/// A JSON body, read only now that the caller is admitted (bounded, and refused unless it is
/// JSON).
async fn json_after_admission<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<T, crate::error::HttpError> {
    use crate::error::HttpError;
    if !crate::refusal::content_type_is(headers, "application/json") {
        return Err(HttpError::unsupported_media_type(headers));
    }
    let bytes = crate::refusal::body_after_admission(body)
        .await
        .map_err(|_| HttpError::too_large("The request body is too large.".into()))?;
    serde_json::from_slice(&bytes).map_err(|e| HttpError::parse_error(e.to_string()))
}
