//! A panic is not the end: the hook keeps what the agent was writing (each composer's text,
//! straight from its text box, which may be newer than the last autosave) and says so, with a
//! way to reload. After the reload the composer takes the rescued text back. The hook uses the
//! DOM directly: after a panic nothing of the app's reactive state may be touched.

use rust_i18n::t;
use wasm_bindgen::JsCast;

/// The marker on each composer's editor: the storage key of the draft it edits.
pub const DRAFT_KEY_ATTRIBUTE: &str = "data-draft-key";

/// The key under which the text of draft `draft_key` is rescued.
pub fn rescue_key(draft_key: &str) -> String {
    format!("{draft_key}.rescue")
}

/// Installs the hook (the console report first, as before).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        rescue_drafts_and_explain();
    }));
}

/// Saves every composer's text and puts the explanation on the page.
pub fn rescue_drafts_and_explain() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    rescue_drafts(&document);
    explain(&document);
}

fn rescue_drafts(document: &web_sys::Document) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let Ok(editors) = document.query_selector_all(&format!("[{DRAFT_KEY_ATTRIBUTE}] textarea"))
    else {
        return;
    };
    for i in 0..editors.length() {
        let Some(area) = editors
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        else {
            continue;
        };
        let key = area
            .closest(&format!("[{DRAFT_KEY_ATTRIBUTE}]"))
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute(DRAFT_KEY_ATTRIBUTE));
        if let Some(key) = key.filter(|_| !area.value().trim().is_empty()) {
            let _ = storage.set_item(&rescue_key(&key), &area.value());
        }
    }
}

fn explain(document: &web_sys::Document) {
    let Some(body) = document.body() else {
        return;
    };
    let Ok(dialog) = document.create_element("div") else {
        return;
    };
    dialog.set_class_name("tl-crash");
    let _ = dialog.set_attribute("lang", crate::i18n::lang());
    let _ = dialog.set_attribute("dir", crate::i18n::dir());
    let _ = dialog.set_attribute("role", "alertdialog");
    let _ = dialog.set_attribute("aria-modal", "true");
    let _ = dialog.set_attribute("aria-labelledby", "tl-crash-title");
    let _ = dialog.set_attribute("aria-describedby", "tl-crash-text");
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    // Text only through text nodes; the one link reloads this very page.
    let title = document.create_element("h2").ok();
    let text = document.create_element("p").ok();
    let reload = document.create_element("a").ok();
    if let (Some(title), Some(text), Some(reload)) = (title, text, reload) {
        title.set_id("tl-crash-title");
        title.set_text_content(Some(&words("crash.title", "Something went wrong")));
        text.set_id("tl-crash-text");
        text.set_text_content(Some(&words(
            "crash.text",
            "Your draft is saved. Reload the page to carry on where you were.",
        )));
        reload.set_class_name("tl-button tl-button--primary");
        let _ = reload.set_attribute("href", &here);
        reload.set_text_content(Some(&words("crash.reload", "Reload")));
        let _ = dialog.append_child(&title);
        let _ = dialog.append_child(&text);
        let _ = dialog.append_child(&reload);
        let _ = body.append_child(&dialog);
        if let Ok(link) = reload.dyn_into::<web_sys::HtmlElement>() {
            let _ = link.focus();
        }
    }
}

/// The catalogue's words for `key`, or the built-in English when the catalogue cannot give
/// them (the crash box is the last thing the app shows: it must never be unlabelled).
fn words(key: &str, english: &str) -> String {
    let text = t!(key).into_owned();
    if text.trim().is_empty() || text.ends_with(key) {
        english.to_owned()
    } else {
        text
    }
}
