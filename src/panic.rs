//! A panic is not the end: the hook keeps what the agent was writing (each composer's text,
//! straight from its text box, which may be newer than the last autosave) and says so, with a
//! way to reload. After the reload the composer takes the rescued text back. The hook uses the
//! DOM directly: after a panic nothing of the app's reactive state may be touched.

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

/// The crash box's look where the page has no Threadline styles.
const EMBEDDED_CRASH_STYLE: &str = "position:fixed;inset-block-end:1rem;inset-inline-end:1rem;\
z-index:2147483647;max-width:26rem;padding:1rem 1.25rem;background:Canvas;color:CanvasText;\
border:2px solid #9b1c1c;border-radius:8px;font:16px/1.45 system-ui,sans-serif";

/// Every composer's text box: in the page, and in each embedded conversation's shadow root.
fn editors(document: &web_sys::Document) -> Vec<web_sys::HtmlTextAreaElement> {
    let selector = format!("[{DRAFT_KEY_ATTRIBUTE}] textarea");
    let mut roots: Vec<web_sys::Node> = vec![document.clone().into()];
    if let Ok(hosts) = document.query_selector_all("threadline-conversation") {
        roots.extend(
            (0..hosts.length())
                .filter_map(|i| {
                    hosts
                        .item(i)?
                        .dyn_into::<web_sys::Element>()
                        .ok()?
                        .shadow_root()
                })
                .map(web_sys::Node::from),
        );
    }
    let mut found = Vec::new();
    for root in roots {
        let list = match root.dyn_ref::<web_sys::ShadowRoot>() {
            Some(shadow) => shadow.query_selector_all(&selector),
            None => document.query_selector_all(&selector),
        };
        let Ok(list) = list else { continue };
        found.extend((0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()));
    }
    found
}

fn rescue_drafts(document: &web_sys::Document) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    for area in editors(document) {
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
    let locale = threadline_core::i18n::current();
    let _ = dialog.set_attribute("lang", locale.code);
    let _ = dialog.set_attribute("dir", if locale.rtl { "rtl" } else { "ltr" });
    if crate::embed::embedding_only() {
        // The page has none of Threadline's styles (they live in each conversation's shadow
        // root): the box brings its own.
        let _ = dialog.set_attribute("style", EMBEDDED_CRASH_STYLE);
    }
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
    // The page's locale, straight from the catalogue: nothing reactive (no context) after a
    // panic.
    let text = rust_i18n::t!(key).into_owned();
    if text.trim().is_empty() || text.ends_with(key) {
        english.to_owned()
    } else {
        text
    }
}
