//! Saving something as a file from the page: an object URL (a downloaded attachment) or text
//! made in the browser (an email's original), through a temporary `<a download>`.

use leptos::prelude::set_timeout;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::transport;

/// Saves an object URL as a file named `name`, then frees the URL.
pub fn save_as(url: &str, name: &str) {
    save_url(url, name);
    // The click has started the download; a later revoke keeps the blob alive long enough.
    let url = url.to_owned();
    set_timeout(
        move || transport::revoke_object_url(&url),
        std::time::Duration::from_secs(60),
    );
}

/// Saves an object URL someone else owns (and frees) as a file named `name`.
pub fn save_url(url: &str, name: &str) {
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(url);
        link.set_download(name);
        link.click();
    }
}

/// Saves `text` as a file named `name`. False if the browser would not make the file.
pub fn save_text(text: &str, name: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let url = web_sys::Blob::new_with_str_sequence(&parts)
        .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob));
    match url {
        Ok(url) => {
            save_as(&url, name);
            true
        }
        Err(_) => false,
    }
}
