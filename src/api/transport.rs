//! Performs a core [`HttpRequest`] with gloo-net (the browser's fetch) and returns the
//! [`HttpResponse`]. The only place the app touches the network.

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::ApiError;

fn method(m: Method) -> GlooMethod {
    match m {
        Method::Get => GlooMethod::GET,
        Method::Post => GlooMethod::POST,
        Method::Put => GlooMethod::PUT,
        Method::Patch => GlooMethod::PATCH,
        Method::Delete => GlooMethod::DELETE,
    }
}

/// Sends `request`; any HTTP status is a response, only a failure to get one is an error.
pub async fn execute(request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let mut builder = RequestBuilder::new(&request.url).method(method(request.method));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Body::Empty => builder.build(),
        Body::Json(json) => builder.body(json.clone()),
        Body::File { .. } => {
            return Err(ApiError::InvalidRequest(
                t!("download.not_for_uploads").into_owned(),
            ));
        }
    }
    .map_err(|e| ApiError::Transport(e.to_string()))?;
    let response = built
        .send()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    let status = response.status();
    let headers = response.headers().entries().collect();
    // A body that breaks off mid-way is a transport failure, not a server answer.
    let body = response
        .text()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Sends `request` and forgets it, even as the page goes away (fetch's `keepalive`): for
/// what must still reach the server when the tab closes. Nothing of the answer is read.
pub fn send_and_forget(request: &HttpRequest) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    // Not in web-sys's RequestInit (yet): set on the object itself.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    let Ok(headers) = web_sys::Headers::new() else {
        return;
    };
    for (name, value) in &request.headers {
        let _ = headers.set(name, value);
    }
    init.set_headers(&headers);
    if let Body::Json(json) = &request.body {
        init.set_body(&json.as_str().into());
    }
    // The promise is dropped: whatever the answer, there is no one left to tell.
    let _ = window.fetch_with_str_and_init(&request.url, &init);
}

/// A plain GET (for `config.json`).
pub async fn get_text(url: &str) -> Result<HttpResponse, ApiError> {
    execute(&HttpRequest {
        method: Method::Get,
        url: url.to_owned(),
        headers: Vec::new(),
        body: Body::Empty,
    })
    .await
}

/// Downloads `request` as a blob and returns an object URL for it (revoke it with
/// [`revoke_object_url`] when it is no longer shown). A non-2xx status comes back as its
/// response (with an empty body) for the dialect to explain.
pub async fn fetch_object_url(
    request: &HttpRequest,
) -> Result<Result<String, HttpResponse>, ApiError> {
    let mut builder = RequestBuilder::new(&request.url).method(method(request.method));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| ApiError::Transport(e.to_string()))?;
    if !response.ok() {
        let headers = response.headers().entries().collect();
        return Ok(Err(HttpResponse {
            status: response.status(),
            headers,
            body: String::new(),
        }));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| ApiError::Transport(t!("download.broke_off", reason = e).into_owned()))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .map_err(|_| ApiError::Transport(t!("download.unreadable").into_owned()))?;
    web_sys::Url::create_object_url_with_blob(&blob)
        .map(Ok)
        .map_err(|_| ApiError::Transport(t!("download.not_shown").into_owned()))
}

/// Frees an object URL made by [`fetch_object_url`].
pub fn revoke_object_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
