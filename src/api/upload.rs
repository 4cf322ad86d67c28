//! File uploads with XMLHttpRequest, the one browser API that reports upload progress; the
//! request itself (URL, headers, field name) comes from the dialect.

use std::cell::RefCell;
use std::rc::Rc;

use threadline_core::http::{Body, HttpRequest, HttpResponse, Method};
use threadline_core::ApiError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How an upload ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadEnd {
    /// The server answered (any status).
    Answered(HttpResponse),
    Failed(ApiError),
    Cancelled,
}

type OnEnd = Box<dyn FnOnce(UploadEnd)>;

/// A running upload; [`Upload::cancel`] stops it.
#[derive(Clone)]
pub struct Upload {
    xhr: web_sys::XmlHttpRequest,
}

impl Upload {
    /// Aborts the upload; its `on_end` gets [`UploadEnd::Cancelled`].
    pub fn cancel(&self) {
        let _ = self.xhr.abort();
    }
}

/// Starts sending `file` as `request` describes. `on_progress(sent, total)` follows the
/// upload; `on_end` is called exactly once.
pub fn start(
    request: &HttpRequest,
    file: &web_sys::File,
    on_progress: impl Fn(f64, f64) + 'static,
    on_end: impl FnOnce(UploadEnd) + 'static,
) -> Result<Upload, ApiError> {
    let fail =
        |why: &str| ApiError::InvalidRequest(t!("upload.not_started", why = t!(why)).into_owned());
    let Body::File { field } = &request.body else {
        return Err(fail("upload.why.not_a_file_request"));
    };
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| fail("upload.why.no_xhr"))?;
    xhr.open(method(request.method), &request.url)
        .map_err(|_| fail("upload.why.bad_address"))?;
    for (name, value) in &request.headers {
        xhr.set_request_header(name, value)
            .map_err(|_| fail("upload.why.bad_header"))?;
    }
    let form = web_sys::FormData::new().map_err(|_| fail("upload.why.no_form_data"))?;
    form.append_with_blob_and_filename(field, file, &file.name())
        .map_err(|_| fail("upload.why.unreadable"))?;

    let on_end: Rc<RefCell<Option<OnEnd>>> = Rc::new(RefCell::new(Some(Box::new(on_end))));
    let finish = move |end: UploadEnd| {
        if let Some(f) = on_end.borrow_mut().take() {
            f(end);
        }
    };
    let progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() {
                on_progress(e.loaded(), e.total());
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let load = {
        let (xhr, finish) = (xhr.clone(), finish.clone());
        Closure::<dyn Fn()>::new(move || finish(UploadEnd::Answered(response(&xhr))))
    };
    let error = {
        let finish = finish.clone();
        Closure::<dyn Fn()>::new(move || {
            finish(UploadEnd::Failed(ApiError::Transport(
                t!("upload.interrupted").into_owned(),
            )))
        })
    };
    let abort = Closure::<dyn Fn()>::new(move || finish(UploadEnd::Cancelled));
    xhr.set_onload(Some(load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(abort.as_ref().unchecked_ref()));
    // The request holds the handlers until it ends; they are small and one set per file.
    progress.forget();
    load.forget();
    error.forget();
    abort.forget();
    xhr.send_with_opt_form_data(Some(&form))
        .map_err(|_| fail("upload.why.refused"))?;
    Ok(Upload { xhr })
}

fn method(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    }
}

fn response(xhr: &web_sys::XmlHttpRequest) -> HttpResponse {
    let headers = xhr
        .get_all_response_headers()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect();
    HttpResponse {
        status: xhr.status().unwrap_or(0),
        headers,
        body: xhr.response_text().ok().flatten().unwrap_or_default(),
    }
}
