//! Bodies through the gateway, counted as they stream: a request body goes upstream chunk by
//! chunk and stops past the limit; an answer is read or streamed back the same way, so a
//! chunked answer (no `Content-Length`) cannot exceed the limit either.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::Response;
use futures_util::StreamExt;

use crate::refusal::Shape;

/// Set when a request body went past the limit (the upstream call then fails, and this says
/// why).
#[derive(Debug, Clone, Default)]
pub struct Overflow(Arc<AtomicBool>);

impl Overflow {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The 413 in the dialect's error shape.
pub fn too_large(shape: Shape) -> Response {
    shape(
        StatusCode::PAYLOAD_TOO_LARGE,
        "This request is too large to pass on.",
    )
}

#[derive(Debug)]
struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("body over the gateway's limit")
    }
}

impl std::error::Error for TooLarge {}

/// The client's body as a stream for the upstream request, ending in an error past `limit`.
pub fn request_body(body: Body, limit: usize) -> (reqwest::Body, Overflow) {
    let overflow = Overflow::default();
    let stream = counted(body.into_data_stream(), limit, overflow.clone());
    (reqwest::Body::wrap_stream(stream), overflow)
}

/// `stream` passed on as it comes, ending in an error (and `overflow` set) past `limit` bytes.
fn counted<E>(
    stream: impl futures_util::Stream<Item = Result<Bytes, E>>,
    limit: usize,
    overflow: Overflow,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let mut seen = 0usize;
    stream.map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            overflow.0.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other(TooLarge));
        }
        Ok(chunk)
    })
}

/// The whole answer, if it is at most `limit` bytes.
pub async fn read_answer(
    mut answer: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, &'static str> {
    let mut body = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > limit => {
                return Err("The helpdesk's answer is too large to pass on.")
            }
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return Ok(body),
            Err(e) => {
                eprintln!("threadline-server: gateway: {e}");
                return Err("The helpdesk's answer was cut off.");
            }
        }
    }
}

/// The answer streamed back, cut off (the connection fails, so the client sees an incomplete
/// download, never a silently short file) past `limit`.
pub fn stream_answer(answer: reqwest::Response, limit: usize) -> Body {
    Body::from_stream(counted(answer.bytes_stream(), limit, Overflow::default()))
}
