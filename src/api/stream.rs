//! A Server-Sent Events stream read with fetch rather than `EventSource`, which cannot send
//! the credential headers every other request carries (a token in the URL would end up in
//! logs). The body is read chunk by chunk into core's [`SseParser`]; aborting the signal ends
//! it. Reconnecting (and `Last-Event-ID`) is the caller's.

use gloo_net::http::RequestBuilder;
use threadline_core::http::{HttpRequest, HttpResponse};
use threadline_core::live::{Frame, SseParser};
use threadline_core::ApiError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// How a stream that was opened came to an end.
#[derive(Debug)]
pub enum Ended {
    /// The server closed it, or the connection broke, after it was open.
    Closed,
    /// It was never opened: the server answered this instead.
    Refused(HttpResponse),
}

/// Opens `request` and hands each frame to `on_frame` (the first call also says the stream
/// is open) until the stream ends or `abort` is signalled.
pub async fn read(
    request: &HttpRequest,
    abort: &web_sys::AbortSignal,
    mut on_frame: impl FnMut(Frame),
) -> Result<Ended, ApiError> {
    let mut builder = RequestBuilder::new(&request.url).abort_signal(Some(abort));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    let is_stream = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if !response.ok() || !is_stream {
        let status = response.status();
        let headers = response.headers().entries().collect();
        let body = response.text().await.unwrap_or_default();
        return Ok(Ended::Refused(HttpResponse {
            status,
            headers,
            body,
        }));
    }
    let Some(body) = response.body() else {
        return Ok(Ended::Closed);
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut parser = SseParser::new();
    loop {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            return Ok(Ended::Closed);
        };
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            return Ok(Ended::Closed);
        }
        let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else {
            return Ok(Ended::Closed);
        };
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        for frame in parser.feed(&bytes) {
            on_frame(frame);
        }
    }
}
