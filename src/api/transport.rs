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
                "file uploads are sent by the upload module".into(),
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
